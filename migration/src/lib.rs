//! Database migrations of Cadence. They run on SQLite and PostgreSQL alike and never import
//! the `entity` crate: a migration describes the schema as it was when it was written.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_team;
mod m20261124_000002_create_person;
mod m20261124_000003_create_reporting_line;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_team::Migration),
            Box::new(m20261124_000002_create_person::Migration),
            Box::new(m20261124_000003_create_reporting_line::Migration),
        ]
    }
}

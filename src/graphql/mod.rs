//! The GraphQL layer: types, resolvers (a few lines each: context → one service call →
//! mapping), DataLoaders, and the mapping of service errors to `extensions.code`.

pub mod agendas;
pub mod budget;
pub mod cadence;
pub mod check_ins;
pub mod connection;
pub mod context;
pub mod enums;
pub mod ids;
pub mod insights;
pub mod loaders;
pub mod meetings;
pub mod node;
pub mod people;
pub mod pulse;
pub mod resources;
pub mod scalars;
pub mod schema;
pub mod subscriptions;
pub mod teams;
pub mod training;
pub mod webhooks;

pub use context::RequestContext;
pub use schema::{CadenceSchema, build_schema};

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A fresh install's three org-wide starter agenda templates: a direct 1:1, a skip-level
/// 1:1 and a manager-of-managers check-in ("how are your 1:1s going?"). They are ordinary
/// org-wide templates from then on: hr_admin may edit or delete them, and a later run of
/// the migrations never brings a deleted one back (this runs once). Written with sea-query,
/// so the same statements run on SQLite and PostgreSQL; the instant they were written is
/// this release's, not the clock's.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for starter in STARTERS {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(AgendaTemplate::Table)
                        .columns([
                            AgendaTemplate::Name,
                            AgendaTemplate::Description,
                            AgendaTemplate::Kind,
                            AgendaTemplate::CreatedAt,
                            AgendaTemplate::UpdatedAt,
                        ])
                        .values_panic([
                            starter.name.into(),
                            starter.description.into(),
                            starter.kind.map(String::from).into(),
                            Expr::cust(WRITTEN_AT),
                            Expr::cust(WRITTEN_AT),
                        ])
                        .to_owned(),
                )
                .await?;
            for (position, (text, category)) in starter.items.iter().enumerate() {
                // The template just inserted: the org-wide one of that name with the
                // highest id (no id comes back from an insert on both databases alike).
                let template = Query::select()
                    .expr(Expr::col(AgendaTemplate::Id).max())
                    .from(AgendaTemplate::Table)
                    .and_where(Expr::col(AgendaTemplate::Name).eq(starter.name))
                    .and_where(Expr::col(AgendaTemplate::OwnerId).is_null())
                    .to_owned();
                manager
                    .exec_stmt(
                        Query::insert()
                            .into_table(AgendaTemplateItem::Table)
                            .columns([
                                AgendaTemplateItem::TemplateId,
                                AgendaTemplateItem::Position,
                                AgendaTemplateItem::Text,
                                AgendaTemplateItem::Category,
                            ])
                            .values_panic([
                                template.into(),
                                (position as i32).into(),
                                (*text).into(),
                                (*category).into(),
                            ])
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for starter in STARTERS {
            let template = Query::select()
                .column(AgendaTemplate::Id)
                .from(AgendaTemplate::Table)
                .and_where(Expr::col(AgendaTemplate::Name).eq(starter.name))
                .and_where(Expr::col(AgendaTemplate::OwnerId).is_null())
                .to_owned();
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table(AgendaTemplateItem::Table)
                        .and_where(Expr::col(AgendaTemplateItem::TemplateId).in_subquery(template))
                        .to_owned(),
                )
                .await?;
            manager
                .exec_stmt(
                    Query::delete()
                        .from_table(AgendaTemplate::Table)
                        .and_where(Expr::col(AgendaTemplate::Name).eq(starter.name))
                        .and_where(Expr::col(AgendaTemplate::OwnerId).is_null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// When the starters were written: a literal both databases read as a UTC instant.
const WRITTEN_AT: &str = "'2026-12-06T00:00:00+00:00'";

struct Starter {
    name: &'static str,
    description: &'static str,
    /// A `MeetingKind` name; `None`: any kind.
    kind: Option<&'static str>,
    /// Each item's text and `TopicCategory` name, in order.
    items: &'static [(&'static str, &'static str)],
}

const STARTERS: [Starter; 3] = [
    Starter {
        name: "Starter: direct 1:1",
        description: "A starting point for the standing 1:1 between a manager and a direct report: \
                      the report's topics first, the day-to-day last. Edit it to fit, or delete it.",
        kind: Some("DIRECT"),
        items: &[
            ("How are you doing, really?", "WELLBEING"),
            ("Your topics first: what is on your mind?", "OTHER"),
            ("Progress on your goals, and what would help", "STRATEGIC"),
            ("A skill you want to grow next", "CAREER"),
            ("Feedback, both ways", "FEEDBACK"),
            ("Anything blocking you? (keep it short)", "TACTICAL"),
        ],
    },
    Starter {
        name: "Starter: skip-level 1:1",
        description: "A starting point for a conversation with your manager's manager about the team, \
                      the work and growth. Edit it to fit, or delete it.",
        kind: Some("SKIP_LEVEL"),
        items: &[
            ("What is going well on your team?", "FEEDBACK"),
            (
                "What gets in the way, and what would you change?",
                "STRATEGIC",
            ),
            ("How is your manager supporting your growth?", "CAREER"),
            ("How is the workload feeling?", "WELLBEING"),
            (
                "Your questions about where the company is heading",
                "STRATEGIC",
            ),
        ],
    },
    Starter {
        name: "Starter: check-in with a manager",
        description: "For a manager of managers asking one of their managers how their 1:1s are going, \
                      and what they struggle with. Edit it to fit, or delete it.",
        kind: None,
        items: &[
            ("How are your 1:1s with your reports going?", "FEEDBACK"),
            ("Which 1:1s keep slipping, and why?", "FEEDBACK"),
            ("Do they stay beyond day-to-day status talk?", "STRATEGIC"),
            (
                "A hard conversation coming up, and how to approach it",
                "FEEDBACK",
            ),
            ("How are you doing as a manager?", "WELLBEING"),
            ("What would help: training, templates, time", "CAREER"),
        ],
    },
];

#[derive(DeriveIden, Clone, Copy)]
enum AgendaTemplate {
    Table,
    Id,
    Name,
    Description,
    OwnerId,
    Kind,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AgendaTemplateItem {
    Table,
    TemplateId,
    Position,
    Text,
    Category,
}

//! Agenda templates, agenda items and action items in GraphQL.

use async_graphql::{Context, Description, ID, Object, ResultExt};
use entity::{action_item, agenda_item, agenda_template, agenda_template_item};

use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::enums::{MeetingKind, TopicCategory};
use super::ids::{self, NodeKind};
use super::loaders::load;
use super::meetings::Meeting;
use super::people::Person;
use super::resources::LearningResource;
use super::scalars::Date;
use crate::service::agendas;

mod mutation;
pub use mutation::{AgendaItemInput, AgendasMutation};

/// A reusable agenda: org-wide, or personal to its owner. Logging a meeting with a template
/// copies its items onto the meeting's agenda.
#[derive(Debug, Clone, Description)]
pub struct AgendaTemplate(pub agenda_template::Model);

connection!(
    AgendaTemplateConnection,
    AgendaTemplateEdge,
    AgendaTemplate,
    "agenda template"
);

#[Object(use_type_description)]
impl AgendaTemplate {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::AgendaTemplate, self.0.id)
    }

    /// The template's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the template is for, in its author's words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The kind of meeting the template is meant for; null: any kind.
    async fn kind(&self) -> Option<MeetingKind> {
        self.0.kind.as_deref().map(MeetingKind::from_stored)
    }

    /// Whether everyone may use it (else it is its owner's own).
    async fn org_wide(&self) -> bool {
        self.0.owner_id.is_none()
    }

    /// The ordered items a meeting's agenda starts with.
    async fn items(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AgendaTemplateItem>> {
        let rc = RequestContext::of(ctx);
        let items = load(rc.loaders.template_items(), self.0.id).await?;
        Ok(items
            .unwrap_or_default()
            .into_iter()
            .map(AgendaTemplateItem)
            .collect())
    }

    /// The learning resources the template lists, in order; a meeting started from the
    /// template shows them to its participants.
    async fn resources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LearningResource>> {
        let rc = RequestContext::of(ctx);
        let found = load(rc.loaders.template_resources(), self.0.id).await?;
        Ok(found
            .unwrap_or_default()
            .into_iter()
            .map(LearningResource)
            .collect())
    }
}

/// One item of an agenda template.
#[derive(Description)]
pub struct AgendaTemplateItem(agenda_template_item::Model);

#[Object(use_type_description)]
impl AgendaTemplateItem {
    /// The topic, as it will appear on the agenda.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// What the topic is about.
    async fn category(&self) -> TopicCategory {
        TopicCategory::from_stored(&self.0.category)
    }

    /// Zero-based place in the template.
    async fn position(&self) -> i32 {
        self.0.position
    }
}

/// One topic on a meeting's agenda; only the two participants see it.
#[derive(Debug, Clone, Description)]
pub struct AgendaItem(pub agenda_item::Model);

#[Object(use_type_description)]
impl AgendaItem {
    /// Global ID, for the agenda mutations (`node(id:)` does not fetch it).
    async fn id(&self) -> ID {
        ids::encode(NodeKind::AgendaItem, self.0.id)
    }

    /// The topic.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// What the topic is about.
    async fn category(&self) -> TopicCategory {
        TopicCategory::from_stored(&self.0.category)
    }

    /// Zero-based place on the agenda.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// Whether the pair got to it.
    async fn discussed(&self) -> bool {
        self.0.discussed
    }

    /// The meeting this item belongs to.
    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Meeting>> {
        let rc = RequestContext::of(ctx);
        let m = load(rc.loaders.meeting(), self.0.meeting_id).await?;
        Ok(m.map(Meeting))
    }
}

/// Something one participant agreed to do in a meeting; only the two participants see it.
#[derive(Debug, Clone, Description)]
pub struct ActionItem(pub action_item::Model);

#[Object(use_type_description)]
impl ActionItem {
    /// Global ID, for the action item mutations (`node(id:)` does not fetch it).
    async fn id(&self) -> ID {
        ids::encode(NodeKind::ActionItem, self.0.id)
    }

    /// What is to be done.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The participant who does it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = load(rc.loaders.participant(), self.0.owner_id).await?;
        p.map(Person)
            .ok_or_else(|| "the owner no longer exists".into())
    }

    /// The day it should be done by; null: no due date.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    /// Whether it has been marked done.
    async fn done(&self) -> bool {
        self.0.done_at.is_some()
    }

    /// When it was marked done; null while open.
    async fn done_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.done_at
    }

    /// The meeting where it was agreed.
    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Meeting>> {
        let rc = RequestContext::of(ctx);
        let m = load(rc.loaders.meeting(), self.0.meeting_id).await?;
        Ok(m.map(Meeting))
    }
}

#[derive(Default)]
pub struct AgendasQuery;

#[Object]
impl AgendasQuery {
    /// Agenda templates the viewer may use (org-wide and their own), by name.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn agenda_templates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<AgendaTemplateConnection> {
        let rc = RequestContext::of(ctx);
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let found = agendas::list_templates(&rc.db, &rc.viewer, &page)
            .await
            .extend()?;
        Ok(AgendaTemplateConnection::from_page(found, AgendaTemplate))
    }
}

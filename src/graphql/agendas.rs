//! Agenda templates, agenda items and action items in GraphQL.

use async_graphql::{Context, ID, InputObject, Object, ResultExt, SimpleObject};
use entity::{action_item, agenda_item, agenda_template, agenda_template_item};

use super::connection::{AgendaTemplateConnection, connection_cost, page_args};
use super::context::{RequestContext, loader_error};
use super::enums::{MeetingKind, TopicCategory};
use super::ids::{self, NodeKind};
use super::meetings::Meeting;
use super::people::Person;
use super::scalars::Date;
use crate::domain::meeting as domain;
use crate::service::agendas::{self, TemplateInput};

/// A reusable agenda: org-wide, or personal to its owner.
#[derive(Debug, Clone)]
pub struct AgendaTemplate(pub agenda_template::Model);

#[Object]
impl AgendaTemplate {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::AgendaTemplate, self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The kind of meeting the template is meant for.
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
        let items = rc
            .loaders
            .template_items()
            .load_one(self.0.id)
            .await
            .map_err(loader_error)?;
        Ok(items
            .unwrap_or_default()
            .into_iter()
            .map(AgendaTemplateItem)
            .collect())
    }
}

/// One item of an agenda template.
pub struct AgendaTemplateItem(agenda_template_item::Model);

#[Object]
impl AgendaTemplateItem {
    async fn text(&self) -> &str {
        &self.0.text
    }

    async fn category(&self) -> TopicCategory {
        TopicCategory::from_stored(&self.0.category)
    }

    /// Zero-based place in the template.
    async fn position(&self) -> i32 {
        self.0.position
    }
}

/// One topic on a meeting's agenda.
#[derive(Debug, Clone)]
pub struct AgendaItem(pub agenda_item::Model);

#[Object]
impl AgendaItem {
    async fn id(&self) -> ID {
        ids::encode(NodeKind::AgendaItem, self.0.id)
    }

    async fn text(&self) -> &str {
        &self.0.text
    }

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
        let m = rc
            .loaders
            .meeting()
            .load_one(self.0.meeting_id)
            .await
            .map_err(loader_error)?;
        Ok(m.map(Meeting))
    }
}

/// Something one participant agreed to do.
#[derive(Debug, Clone)]
pub struct ActionItem(pub action_item::Model);

#[Object]
impl ActionItem {
    async fn id(&self) -> ID {
        ids::encode(NodeKind::ActionItem, self.0.id)
    }

    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The participant who does it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Person> {
        let rc = RequestContext::of(ctx);
        let p = rc
            .loaders
            .participant()
            .load_one(self.0.owner_id)
            .await
            .map_err(loader_error)?;
        p.map(Person)
            .ok_or_else(|| "the owner no longer exists".into())
    }

    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }

    async fn done(&self) -> bool {
        self.0.done_at.is_some()
    }

    async fn done_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.done_at
    }

    /// The meeting where it was agreed.
    async fn meeting(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Meeting>> {
        let rc = RequestContext::of(ctx);
        let m = rc
            .loaders
            .meeting()
            .load_one(self.0.meeting_id)
            .await
            .map_err(loader_error)?;
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

/// An agenda topic to add.
#[derive(Debug, Clone, InputObject)]
pub struct AgendaItemInput {
    pub text: String,
    pub category: TopicCategory,
}

impl AgendaItemInput {
    pub fn into_pair(self) -> (String, domain::TopicCategory) {
        (self.text, self.category.into())
    }
}

/// A template to create, or the new content of one.
#[derive(Debug, Clone, InputObject)]
pub struct AgendaTemplateInput {
    pub name: String,
    pub description: Option<String>,
    pub kind: Option<MeetingKind>,
    /// Org-wide (hr_admin only); default: personal to the viewer.
    #[graphql(default)]
    pub org_wide: bool,
    pub items: Vec<AgendaItemInput>,
}

impl From<AgendaTemplateInput> for TemplateInput {
    fn from(i: AgendaTemplateInput) -> Self {
        TemplateInput {
            name: i.name,
            description: i.description,
            kind: i.kind.map(Into::into),
            org_wide: i.org_wide,
            items: i
                .items
                .into_iter()
                .map(AgendaItemInput::into_pair)
                .collect(),
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct UpdateAgendaTemplateInput {
    pub id: ID,
    pub template: AgendaTemplateInput,
}

#[derive(Debug, Clone, InputObject)]
pub struct DeleteAgendaTemplateInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct AgendaTemplatePayload {
    pub template: AgendaTemplate,
}

#[derive(SimpleObject)]
pub struct DeleteAgendaTemplatePayload {
    /// The ID of the deleted template.
    pub deleted_id: ID,
}

#[derive(Debug, Clone, InputObject)]
pub struct AddAgendaItemInput {
    pub meeting_id: ID,
    pub text: String,
    pub category: TopicCategory,
}

#[derive(Debug, Clone, InputObject)]
pub struct UpdateAgendaItemInput {
    pub id: ID,
    pub text: Option<String>,
    pub category: Option<TopicCategory>,
    pub discussed: Option<bool>,
}

#[derive(Debug, Clone, InputObject)]
pub struct RemoveAgendaItemInput {
    pub id: ID,
}

#[derive(Debug, Clone, InputObject)]
pub struct ReorderAgendaItemsInput {
    pub meeting_id: ID,
    /// Every agenda item of the meeting, in the new order.
    pub item_ids: Vec<ID>,
}

#[derive(SimpleObject)]
pub struct AgendaItemPayload {
    pub item: AgendaItem,
}

/// The meeting whose agenda or action items changed.
#[derive(SimpleObject)]
pub struct MeetingContentPayload {
    pub meeting: Option<Meeting>,
}

#[derive(Debug, Clone, InputObject)]
pub struct AddActionItemInput {
    pub meeting_id: ID,
    pub text: String,
    /// A participant; default: the viewer.
    pub owner_id: Option<ID>,
    pub due_on: Option<Date>,
}

#[derive(Debug, Clone, InputObject)]
pub struct ActionItemIdInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct ActionItemPayload {
    pub item: ActionItem,
}

#[derive(Default)]
pub struct AgendasMutation;

/// The meeting whose content just changed, as the viewer may see it now.
async fn meeting_payload(
    rc: &RequestContext,
    meeting: i64,
) -> async_graphql::Result<MeetingContentPayload> {
    let m = crate::service::meetings::get(&rc.db, &rc.viewer, meeting, rc.now)
        .await
        .extend()?;
    Ok(MeetingContentPayload {
        meeting: m.map(Meeting),
    })
}

#[Object]
impl AgendasMutation {
    /// Creates an agenda template: personal, or org-wide for hr_admin.
    async fn create_agenda_template(
        &self,
        ctx: &Context<'_>,
        input: AgendaTemplateInput,
    ) -> async_graphql::Result<AgendaTemplatePayload> {
        let rc = RequestContext::of(ctx);
        let t = agendas::create_template(&rc.db, &rc.viewer, input.into(), rc.now)
            .await
            .extend()?;
        Ok(AgendaTemplatePayload {
            template: AgendaTemplate(t),
        })
    }

    /// Replaces a template's content (owner, or hr_admin for org-wide ones).
    async fn update_agenda_template(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgendaTemplateInput,
    ) -> async_graphql::Result<AgendaTemplatePayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::AgendaTemplate, "input.id").extend()?;
        let t = agendas::update_template(&rc.db, &rc.viewer, id, input.template.into(), rc.now)
            .await
            .extend()?;
        Ok(AgendaTemplatePayload {
            template: AgendaTemplate(t),
        })
    }

    /// Deletes a template; agendas already copied from it stay.
    async fn delete_agenda_template(
        &self,
        ctx: &Context<'_>,
        input: DeleteAgendaTemplateInput,
    ) -> async_graphql::Result<DeleteAgendaTemplatePayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::AgendaTemplate, "input.id").extend()?;
        agendas::delete_template(&rc.db, &rc.viewer, id)
            .await
            .extend()?;
        Ok(DeleteAgendaTemplatePayload {
            deleted_id: input.id,
        })
    }

    /// Adds a topic at the end of a meeting's agenda (participants only).
    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: AddAgendaItemInput,
    ) -> async_graphql::Result<AgendaItemPayload> {
        let rc = RequestContext::of(ctx);
        let meeting =
            ids::expect(&input.meeting_id, NodeKind::Meeting, "input.meetingId").extend()?;
        let item = agendas::add_agenda_item(
            &rc.db,
            &rc.viewer,
            meeting,
            &input.text,
            input.category.into(),
            rc.now,
        )
        .await
        .extend()?;
        Ok(AgendaItemPayload {
            item: AgendaItem(item),
        })
    }

    /// Edits an agenda item or marks it discussed (participants only).
    async fn update_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: UpdateAgendaItemInput,
    ) -> async_graphql::Result<AgendaItemPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::AgendaItem, "input.id").extend()?;
        let item = agendas::update_agenda_item(
            &rc.db,
            &rc.viewer,
            id,
            input.text.as_deref(),
            input.category.map(Into::into),
            input.discussed,
            rc.now,
        )
        .await
        .extend()?;
        Ok(AgendaItemPayload {
            item: AgendaItem(item),
        })
    }

    /// Removes an agenda item (participants only).
    async fn remove_agenda_item(
        &self,
        ctx: &Context<'_>,
        input: RemoveAgendaItemInput,
    ) -> async_graphql::Result<MeetingContentPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::AgendaItem, "input.id").extend()?;
        let meeting = agendas::remove_agenda_item(&rc.db, &rc.viewer, id, rc.now)
            .await
            .extend()?;
        meeting_payload(rc, meeting).await
    }

    /// Puts a meeting's agenda in a new order (participants only).
    async fn reorder_agenda_items(
        &self,
        ctx: &Context<'_>,
        input: ReorderAgendaItemsInput,
    ) -> async_graphql::Result<MeetingContentPayload> {
        let rc = RequestContext::of(ctx);
        let meeting =
            ids::expect(&input.meeting_id, NodeKind::Meeting, "input.meetingId").extend()?;
        let order = input
            .item_ids
            .iter()
            .enumerate()
            .map(|(i, id)| ids::expect(id, NodeKind::AgendaItem, &format!("input.itemIds[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .extend()?;
        agendas::reorder_agenda(&rc.db, &rc.viewer, meeting, &order, rc.now)
            .await
            .extend()?;
        meeting_payload(rc, meeting).await
    }

    /// Records an action item for one of the participants (participants only).
    async fn add_action_item(
        &self,
        ctx: &Context<'_>,
        input: AddActionItemInput,
    ) -> async_graphql::Result<ActionItemPayload> {
        let rc = RequestContext::of(ctx);
        let meeting =
            ids::expect(&input.meeting_id, NodeKind::Meeting, "input.meetingId").extend()?;
        let owner = input
            .owner_id
            .as_ref()
            .map(|id| ids::expect(id, NodeKind::Person, "input.ownerId"))
            .transpose()
            .extend()?;
        let item = agendas::add_action_item(
            &rc.db,
            &rc.viewer,
            meeting,
            owner,
            &input.text,
            input.due_on.map(|d| d.0),
            rc.now,
        )
        .await
        .extend()?;
        Ok(ActionItemPayload {
            item: ActionItem(item),
        })
    }

    /// Marks an action item done (participants only).
    async fn complete_action_item(
        &self,
        ctx: &Context<'_>,
        input: ActionItemIdInput,
    ) -> async_graphql::Result<ActionItemPayload> {
        self.set_done(ctx, input, true).await
    }

    /// Opens a done action item again (participants only).
    async fn reopen_action_item(
        &self,
        ctx: &Context<'_>,
        input: ActionItemIdInput,
    ) -> async_graphql::Result<ActionItemPayload> {
        self.set_done(ctx, input, false).await
    }
}

impl AgendasMutation {
    async fn set_done(
        &self,
        ctx: &Context<'_>,
        input: ActionItemIdInput,
        done: bool,
    ) -> async_graphql::Result<ActionItemPayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::ActionItem, "input.id").extend()?;
        let item = agendas::set_action_item_done(&rc.db, &rc.viewer, id, done, rc.now)
            .await
            .extend()?;
        Ok(ActionItemPayload {
            item: ActionItem(item),
        })
    }
}

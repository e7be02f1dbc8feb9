//! Agenda mutations: templates, agenda items and action items, with their inputs and payloads.

use async_graphql::{Context, ID, InputObject, Object, ResultExt, SimpleObject};

use super::{ActionItem, AgendaItem, AgendaTemplate};
use crate::domain::meeting as domain;
use crate::error::AppResult;
use crate::graphql::context::RequestContext;
use crate::graphql::enums::{MeetingKind, TopicCategory};
use crate::graphql::ids::{self, NodeKind};
use crate::graphql::meetings::Meeting;
use crate::graphql::scalars::Date;
use crate::service::agendas::{self, TemplateInput};

/// An agenda topic to add.
#[derive(Debug, Clone, InputObject)]
pub struct AgendaItemInput {
    /// The topic, 1 to 2,000 characters.
    pub text: String,
    /// What the topic is about.
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
    /// The template's name, 1 to 2,000 characters.
    pub name: String,
    /// What the template is for.
    pub description: Option<String>,
    /// The kind of meeting the template is meant for; null: any kind.
    pub kind: Option<MeetingKind>,
    /// Org-wide (hr_admin only); default: personal to the viewer.
    #[graphql(default)]
    pub org_wide: bool,
    /// The items, in order; at most 50.
    pub items: Vec<AgendaItemInput>,
    /// Learning resources of the library the template lists, in order; at most 20
    /// (repeats count once). Null: none for a new template, unchanged on an update; an
    /// empty list removes them all.
    pub resource_ids: Option<Vec<ID>>,
}

impl AgendaTemplateInput {
    /// The service's input; an ID that is not a learning resource's is BAD_USER_INPUT.
    fn into_service(self) -> AppResult<TemplateInput> {
        let resources = self
            .resource_ids
            .map(|ids| {
                ids.iter()
                    .enumerate()
                    .map(|(i, id)| {
                        ids::expect(
                            id,
                            NodeKind::LearningResource,
                            &format!("input.resourceIds[{i}]"),
                        )
                    })
                    .collect::<AppResult<Vec<_>>>()
            })
            .transpose()?;
        Ok(TemplateInput {
            name: self.name,
            description: self.description,
            kind: self.kind.map(Into::into),
            org_wide: self.org_wide,
            items: self
                .items
                .into_iter()
                .map(AgendaItemInput::into_pair)
                .collect(),
            resources,
        })
    }
}

/// A template and its new content.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateAgendaTemplateInput {
    /// The template's global ID.
    pub id: ID,
    /// The new name, description, kind and items; the template stays org-wide or personal
    /// as it was.
    pub template: AgendaTemplateInput,
}

/// The template to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteAgendaTemplateInput {
    /// The template's global ID.
    pub id: ID,
}

/// A template after a change.
#[derive(SimpleObject)]
pub struct AgendaTemplatePayload {
    /// The template as stored now.
    pub template: AgendaTemplate,
}

/// What `deleteAgendaTemplate` did.
#[derive(SimpleObject)]
pub struct DeleteAgendaTemplatePayload {
    /// The ID of the deleted template.
    pub deleted_id: ID,
}

/// A topic to add to a meeting's agenda.
#[derive(Debug, Clone, InputObject)]
pub struct AddAgendaItemInput {
    /// The meeting's global ID.
    pub meeting_id: ID,
    /// The topic, 1 to 2,000 characters.
    pub text: String,
    /// What the topic is about.
    pub category: TopicCategory,
}

/// Changes to an agenda item; fields left out stay as they are.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateAgendaItemInput {
    /// The agenda item's global ID.
    pub id: ID,
    /// New text, 1 to 2,000 characters.
    pub text: Option<String>,
    /// New category.
    pub category: Option<TopicCategory>,
    /// Whether the pair got to it.
    pub discussed: Option<bool>,
}

/// The agenda item to remove.
#[derive(Debug, Clone, InputObject)]
pub struct RemoveAgendaItemInput {
    /// The agenda item's global ID.
    pub id: ID,
}

/// A meeting's agenda in a new order.
#[derive(Debug, Clone, InputObject)]
pub struct ReorderAgendaItemsInput {
    /// The meeting's global ID.
    pub meeting_id: ID,
    /// Every agenda item of the meeting, in the new order.
    pub item_ids: Vec<ID>,
}

/// An agenda item after a change.
#[derive(SimpleObject)]
pub struct AgendaItemPayload {
    /// The agenda item as stored now.
    pub item: AgendaItem,
}

/// The meeting whose agenda or action items changed.
#[derive(SimpleObject)]
pub struct MeetingContentPayload {
    /// The meeting as it stands now; null when the viewer may no longer see it.
    pub meeting: Option<Meeting>,
}

/// An action item to record.
#[derive(Debug, Clone, InputObject)]
pub struct AddActionItemInput {
    /// The meeting where it was agreed (global ID).
    pub meeting_id: ID,
    /// What is to be done, 1 to 2,000 characters.
    pub text: String,
    /// A participant; default: the viewer.
    pub owner_id: Option<ID>,
    /// The day it should be done by; null: no due date.
    pub due_on: Option<Date>,
}

/// The action item to change.
#[derive(Debug, Clone, InputObject)]
pub struct ActionItemIdInput {
    /// The action item's global ID.
    pub id: ID,
}

/// An action item after a change.
#[derive(SimpleObject)]
pub struct ActionItemPayload {
    /// The action item as stored now.
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
        #[graphql(desc = "The template to create.")] input: AgendaTemplateInput,
    ) -> async_graphql::Result<AgendaTemplatePayload> {
        let rc = RequestContext::of(ctx);
        let input = input.into_service().extend()?;
        let t = agendas::create_template(&rc.db, &rc.viewer, input, rc.now)
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
        #[graphql(desc = "The template and its new content.")] input: UpdateAgendaTemplateInput,
    ) -> async_graphql::Result<AgendaTemplatePayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::AgendaTemplate, "input.id").extend()?;
        let template = input.template.into_service().extend()?;
        let t = agendas::update_template(&rc.db, &rc.viewer, id, template, rc.now)
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
        #[graphql(desc = "The template to delete.")] input: DeleteAgendaTemplateInput,
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
        #[graphql(desc = "The meeting and the topic.")] input: AddAgendaItemInput,
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
        #[graphql(desc = "The agenda item and its changes.")] input: UpdateAgendaItemInput,
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
        #[graphql(desc = "The agenda item to remove.")] input: RemoveAgendaItemInput,
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
        #[graphql(desc = "The meeting and its items in the new order.")]
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
        #[graphql(desc = "The meeting and the action item.")] input: AddActionItemInput,
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
        #[graphql(desc = "The action item to mark done.")] input: ActionItemIdInput,
    ) -> async_graphql::Result<ActionItemPayload> {
        self.set_done(ctx, input, true).await
    }

    /// Opens a done action item again (participants only).
    async fn reopen_action_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action item to open again.")] input: ActionItemIdInput,
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

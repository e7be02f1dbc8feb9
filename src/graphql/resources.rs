//! The learning library in GraphQL: the `LearningResource` type, `learningResources`, and
//! the hr_admin mutations that manage it.

use async_graphql::{Context, Description, ID, InputObject, Object, ResultExt, SimpleObject};
use chrono::{DateTime, Utc};
use entity::learning_resource;

use super::connection::{connection, connection_cost, page_args};
use super::context::RequestContext;
use super::enums::TopicCategory;
use super::ids::{self, NodeKind};
use crate::domain::resource::topics_of;
use crate::service::resources::{self, ResourceInput};

/// An entry of the org-wide learning library: an article, video or guide on holding good
/// 1:1s. Any authenticated viewer reads the library; hr_admin manages it. Agenda templates
/// list resources, and a meeting started from a template shows them to its participants.
#[derive(Debug, Clone, Description)]
pub struct LearningResource(pub learning_resource::Model);

connection!(
    LearningResourceConnection,
    LearningResourceEdge,
    LearningResource,
    "learning resource"
);

#[Object(use_type_description)]
impl LearningResource {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeKind::LearningResource, self.0.id)
    }

    /// The resource's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Where to read or watch it: always an `https://` URL.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// What it covers and why it helps; null: none given.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The topics it is about, each once, in the enum's order.
    async fn topics(&self) -> Vec<TopicCategory> {
        topics_of(&self.0.topics)
            .into_iter()
            .map(TopicCategory::from)
            .collect()
    }

    /// When it was added to the library.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(Default)]
pub struct ResourcesQuery;

#[Object]
impl ResourcesQuery {
    /// The org-wide learning library by title, for any authenticated viewer.
    #[graphql(complexity = "connection_cost(first, child_complexity)")]
    async fn learning_resources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the resources about this topic (default: all).")] topic: Option<
            TopicCategory,
        >,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last item already seen.")] after: Option<String>,
    ) -> async_graphql::Result<LearningResourceConnection> {
        let rc = RequestContext::of(ctx);
        let page = page_args(ctx, first, after.as_deref()).extend()?;
        let found = resources::list(&rc.db, &rc.viewer, topic.map(Into::into), &page)
            .await
            .extend()?;
        Ok(LearningResourceConnection::from_page(
            found,
            LearningResource,
        ))
    }
}

/// A learning resource to add to the library.
#[derive(Debug, Clone, InputObject)]
pub struct LearningResourceInput {
    /// The title, 1 to 200 characters.
    pub title: String,
    /// An `https://` URL naming a host (at most 2,000 characters); `http://`, other schemes,
    /// URLs without a host and URLs carrying a user name or password are refused.
    pub url: String,
    /// What it covers, at most 2,000 characters.
    pub description: Option<String>,
    /// The topics it is about (default: none); repeats count once.
    #[graphql(default)]
    pub topics: Vec<TopicCategory>,
}

impl From<LearningResourceInput> for ResourceInput {
    fn from(i: LearningResourceInput) -> Self {
        ResourceInput {
            title: i.title,
            url: i.url,
            description: i.description,
            topics: i.topics.into_iter().map(Into::into).collect(),
        }
    }
}

/// A learning resource and its new content, which replaces the old entirely (a
/// description left out is cleared).
#[derive(Debug, Clone, InputObject)]
pub struct UpdateLearningResourceInput {
    /// The resource's global ID.
    pub id: ID,
    /// The new title, 1 to 200 characters.
    pub title: String,
    /// The new `https://` URL, as for `createLearningResource`.
    pub url: String,
    /// The new description; null clears it.
    pub description: Option<String>,
    /// The new topics (default: none).
    #[graphql(default)]
    pub topics: Vec<TopicCategory>,
}

/// The learning resource to delete.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteLearningResourceInput {
    /// The resource's global ID.
    pub id: ID,
}

/// A learning resource after a change.
#[derive(SimpleObject)]
pub struct LearningResourcePayload {
    /// The resource as stored now.
    pub resource: LearningResource,
}

/// What `deleteLearningResource` did.
#[derive(SimpleObject)]
pub struct DeleteLearningResourcePayload {
    /// The ID of the deleted resource.
    pub deleted_id: ID,
}

#[derive(Default)]
pub struct ResourcesMutation;

#[Object]
impl ResourcesMutation {
    /// Adds a resource to the org-wide learning library (hr_admin only).
    async fn create_learning_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The resource to add.")] input: LearningResourceInput,
    ) -> async_graphql::Result<LearningResourcePayload> {
        let rc = RequestContext::of(ctx);
        let r = resources::create(&rc.db, &rc.viewer, input.into(), rc.now)
            .await
            .extend()?;
        Ok(LearningResourcePayload {
            resource: LearningResource(r),
        })
    }

    /// Replaces a library resource's title, URL, description and topics (hr_admin only).
    async fn update_learning_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The resource and its new content.")] input: UpdateLearningResourceInput,
    ) -> async_graphql::Result<LearningResourcePayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::LearningResource, "input.id").extend()?;
        let content = LearningResourceInput {
            title: input.title,
            url: input.url,
            description: input.description,
            topics: input.topics,
        };
        let r = resources::update(&rc.db, &rc.viewer, id, content.into(), rc.now)
            .await
            .extend()?;
        Ok(LearningResourcePayload {
            resource: LearningResource(r),
        })
    }

    /// Removes a resource from the library and from every template that lists it (hr_admin
    /// only).
    async fn delete_learning_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The resource to delete.")] input: DeleteLearningResourceInput,
    ) -> async_graphql::Result<DeleteLearningResourcePayload> {
        let rc = RequestContext::of(ctx);
        let id = ids::expect(&input.id, NodeKind::LearningResource, "input.id").extend()?;
        resources::delete(&rc.db, &rc.viewer, id).await.extend()?;
        Ok(DeleteLearningResourcePayload {
            deleted_id: input.id,
        })
    }
}

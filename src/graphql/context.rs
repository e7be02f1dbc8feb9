//! Per-request context: the viewer, the request's "now", the database and the DataLoaders.

use std::sync::OnceLock;
use std::time::Duration;

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::loaders::{
    ActionItemsLoader, AgendaLoader, AverageRatingLoader, CarriedOverLoader, CheckInsOfLoader,
    LoaderEnv, ManagementChainLoader, ManagerOfLoader, MeetingLoader, MeetingsOfLoader,
    MyFeedbackLoader, ParticipantLoader, PartnersLoader, PersonLoader, PrivateNoteLoader,
    RelativesLoader, TeamLoader, TemplateItemsLoader, TemplateLoader,
};
use super::loaders::{
    LastTrainedLoader, TrainingAttendeesLoader, TrainingSessionLoader, TrainingSessionsOfLoader,
};
use super::loaders::{MeetingResourcesLoader, TemplateResourcesLoader};
use super::loaders::{MyPulseAnswerLoader, PulseFiguresLoader};
use crate::auth::Viewer;
use crate::domain::employment::truncate;

/// Declares the per-request loaders: each is built the first time a resolver asks for it,
/// so a request pays only for the loaders its query uses. Each waits `batch_delay`
/// (`CADENCE_BATCH_DELAY`, 1 ms) for a level's keys: without a delay the fetch started
/// while a list of more than 32 items was still adding its keys (siblings are polled in
/// rounds of 32), and the statements of a request grew with the list.
macro_rules! loaders {
    ($($field:ident: $loader:ident $(with $now:ident)?),* $(,)?) => {
        pub struct Loaders {
            env: LoaderEnv,
            now: DateTime<Utc>,
            batch_delay: Duration,
            $($field: OnceLock<DataLoader<$loader>>,)*
        }

        impl Loaders {
            fn new(env: LoaderEnv, now: DateTime<Utc>, batch_delay: Duration) -> Self {
                Self {
                    env,
                    now,
                    batch_delay,
                    $($field: OnceLock::new(),)*
                }
            }

            $(
                pub fn $field(&self) -> &DataLoader<$loader> {
                    self.$field.get_or_init(|| {
                        // `with now`: the loader also takes the request's instant.
                        DataLoader::new($loader(self.env.clone() $(, self.$now)?), |fut| {
                            tokio::spawn(crate::telemetry::metrics::in_current_request(fut));
                        })
                        .delay(self.batch_delay)
                    })
                }
            )*
        }
    };
}

loaders! {
    person: PersonLoader,
    participant: ParticipantLoader,
    team: TeamLoader,
    manager_of: ManagerOfLoader,
    management_chain: ManagementChainLoader,
    relatives: RelativesLoader,
    meeting: MeetingLoader with now,
    meetings_of: MeetingsOfLoader with now,
    partners: PartnersLoader with now,
    agenda: AgendaLoader,
    action_items: ActionItemsLoader,
    private_note: PrivateNoteLoader,
    my_feedback: MyFeedbackLoader,
    average_rating: AverageRatingLoader,
    template: TemplateLoader,
    template_items: TemplateItemsLoader,
    carried_over: CarriedOverLoader,
    template_resources: TemplateResourcesLoader,
    meeting_resources: MeetingResourcesLoader,
    check_ins_of: CheckInsOfLoader with now,
    training_session: TrainingSessionLoader with now,
    training_attendees: TrainingAttendeesLoader with now,
    training_sessions_of: TrainingSessionsOfLoader with now,
    last_trained: LastTrainedLoader with now,
    my_pulse_answer: MyPulseAnswerLoader,
    pulse_figures: PulseFiguresLoader with now,
}

pub struct RequestContext {
    pub db: DatabaseConnection,
    pub viewer: Viewer,
    /// The instant this request runs at: the default `asOf`, the time of writes.
    pub now: DateTime<Utc>,
    pub loaders: Loaders,
}

impl RequestContext {
    pub fn new(
        db: DatabaseConnection,
        viewer: Viewer,
        now: DateTime<Utc>,
        batch_delay: Duration,
    ) -> Self {
        let env = LoaderEnv {
            db: db.clone(),
            viewer: viewer.clone(),
        };
        let now = truncate(now);
        Self {
            loaders: Loaders::new(env, now, batch_delay),
            db,
            viewer,
            now,
        }
    }

    pub fn of<'a>(ctx: &Context<'a>) -> &'a RequestContext {
        ctx.data_unchecked::<RequestContext>()
    }

    /// The instant a hierarchy question is asked at: `as_of`, else now.
    pub fn as_of(&self, as_of: Option<DateTime<Utc>>) -> DateTime<Utc> {
        as_of.map_or(self.now, truncate)
    }
}

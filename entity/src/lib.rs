//! sea-orm entities of Cadence: tables and relations only. GraphQL types, validation and
//! business rules live in the `cadence` crate.

pub mod action_item;
pub mod agenda_item;
pub mod agenda_template;
pub mod agenda_template_item;
pub mod agenda_template_resource;
pub mod cadence_policy;
pub mod check_in;
pub mod learning_resource;
pub mod meeting;
pub mod meeting_feedback;
pub mod outbox_event;
pub mod overdue_episode;
pub mod person;
pub mod private_note;
pub mod pulse_answer;
pub mod pulse_result;
pub mod pulse_rollup;
pub mod pulse_round;
pub mod rating_quarter;
pub mod rating_snapshot;
pub mod reporting_line;
pub mod team;
pub mod training_attendee;
pub mod training_session;
pub mod webhook;
pub mod webhook_delivery;
pub mod webhook_secret;
pub mod webhook_subscription;

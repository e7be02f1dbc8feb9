//! Every visibility and permission rule of Cadence, in one place. Services call these before
//! they read or write; resolvers never check roles themselves.

use super::{Scope, Viewer};
use crate::error::{AppError, AppResult};

/// Any authenticated viewer; fails with UNAUTHENTICATED otherwise.
pub fn ensure_authenticated(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        _ => Ok(()),
    }
}

/// The org chart (people, titles, teams, reporting lines): any authenticated person, and
/// integrations holding `org:read` or `org:write`.
pub fn ensure_can_read_org(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { .. } => Ok(()),
        Viewer::Integration { .. }
            if viewer.has_scope(Scope::OrgRead) || viewer.has_scope(Scope::OrgWrite) =>
        {
            Ok(())
        }
        Viewer::Integration { .. } => Err(AppError::forbidden(
            "reading the org chart needs the org:read scope",
        )),
    }
}

/// Webhook subscriptions, their secrets and deliveries: hr_admin alone.
pub fn ensure_can_manage_webhooks(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        _ => Err(AppError::forbidden("webhooks are managed by hr_admin")),
    }
}

/// Writing people, teams and reporting lines: hr_admin, or an integration with `org:write`.
pub fn ensure_can_write_org(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Integration { .. } if viewer.has_scope(Scope::OrgWrite) => Ok(()),
        _ => Err(AppError::forbidden(
            "changing the org chart needs the hr_admin role or the org:write scope",
        )),
    }
}

/// Which meetings' metadata a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingVisibility {
    /// hr_admin, or an integration with `meetings:read` (or `meetings:write`).
    All,
    /// Meetings where someone in this person's current subtree (the person included) takes
    /// part: their own, and those of everyone below them.
    SubtreeOf(i64),
}

pub fn meeting_visibility(viewer: &Viewer) -> AppResult<MeetingVisibility> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(MeetingVisibility::All),
        Viewer::Person { id, .. } => Ok(MeetingVisibility::SubtreeOf(*id)),
        Viewer::Integration { .. }
            if viewer.has_scope(Scope::MeetingsRead) || viewer.has_scope(Scope::MeetingsWrite) =>
        {
            Ok(MeetingVisibility::All)
        }
        Viewer::Integration { .. } => Err(AppError::forbidden(
            "reading meetings needs the meetings:read scope",
        )),
    }
}

/// Agenda, action items, shared notes and carried-over items: the two participants only.
pub fn can_read_meeting_content(viewer: &Viewer, host: i64, guest: i64) -> bool {
    viewer
        .person_id()
        .is_some_and(|me| me == host || me == guest)
}

/// Logging, scheduling or editing a meeting: a participant, hr_admin, or an integration with
/// `meetings:write`.
pub fn ensure_can_write_meeting(viewer: &Viewer, host: i64, guest: i64) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Person { id, .. } if *id == host || *id == guest => Ok(()),
        Viewer::Integration { .. } if viewer.has_scope(Scope::MeetingsWrite) => Ok(()),
        _ => Err(AppError::forbidden(
            "only the participants, hr_admin or an integration with meetings:write may change this meeting",
        )),
    }
}

/// Importing a calendar file (meetings of anyone in the org, in bulk): hr_admin, or an
/// integration with `meetings:write`. Participants may log their own meetings, but not
/// import other people's.
pub fn ensure_can_import_meetings(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Integration { .. } if viewer.has_scope(Scope::MeetingsWrite) => Ok(()),
        _ => Err(AppError::forbidden(
            "importing a calendar needs the hr_admin role or the meetings:write scope",
        )),
    }
}

/// Changing a meeting's content (agenda, action items, notes) or rating it: a participant.
/// Returns the participant's person id.
pub fn ensure_participant(viewer: &Viewer, host: i64, guest: i64) -> AppResult<i64> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { id, .. } if *id == host || *id == guest => Ok(*id),
        _ => Err(AppError::forbidden("only the two participants may do this")),
    }
}

/// A person acting for themselves (personal templates, private notes).
pub fn ensure_person(viewer: &Viewer) -> AppResult<i64> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { id, .. } => Ok(*id),
        Viewer::Integration { .. } => Err(AppError::forbidden("this needs a person's token")),
    }
}

/// Org-wide agenda templates are managed by hr_admin; personal ones by their owner alone.
pub fn ensure_can_manage_template(viewer: &Viewer, owner: Option<i64>) -> AppResult<()> {
    match (viewer, owner) {
        (Viewer::Anonymous, _) => Err(AppError::unauthenticated()),
        (Viewer::Person { hr_admin: true, .. }, None) => Ok(()),
        (Viewer::Person { id, .. }, Some(owner)) if *id == owner => Ok(()),
        _ => Err(AppError::forbidden(
            "org-wide templates are managed by hr_admin, personal ones by their owner",
        )),
    }
}

/// Coverage and insight reports about `manager`'s subtree: hr_admin for anyone; a person for
/// themselves or anyone below them now (`manager_chain`: everyone above `manager`).
pub fn ensure_can_read_insights(
    viewer: &Viewer,
    manager: i64,
    manager_chain: &[i64],
) -> AppResult<()> {
    ensure_manages(
        viewer,
        manager,
        manager_chain,
        "coverage reports are for a manager's own subtree and hr_admin",
    )
}

/// Cadence overrides for `manager`'s subtree: hr_admin, or that manager or anyone above them.
pub fn ensure_can_set_subtree_cadence(
    viewer: &Viewer,
    manager: i64,
    manager_chain: &[i64],
) -> AppResult<()> {
    ensure_manages(
        viewer,
        manager,
        manager_chain,
        "a manager may set cadences for their own subtree only",
    )
}

/// Org-wide cadence policies: hr_admin.
pub fn ensure_can_set_org_cadence(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        _ => Err(AppError::forbidden(
            "org-wide cadence policies are set by hr_admin",
        )),
    }
}

/// A pair's own cadence: hr_admin, or anyone above either of them (so a manager may agree
/// a cadence with their report, but a report cannot relax their manager's obligation).
pub fn ensure_can_set_pair_cadence(viewer: &Viewer, chains: (&[i64], &[i64])) -> AppResult<()> {
    let above = |me: i64| chains.0.contains(&me) || chains.1.contains(&me);
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Person { id, .. } if above(*id) => Ok(()),
        _ => Err(AppError::forbidden(
            "a pair's cadence is set by their managers or hr_admin",
        )),
    }
}

fn ensure_manages(viewer: &Viewer, target: i64, chain: &[i64], why: &str) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Person { id, .. } if *id == target || chain.contains(id) => Ok(()),
        _ => Err(AppError::forbidden(why)),
    }
}

/// The people who take part in meetings the viewer may see: whoever may read the org
/// chart, and integrations with a meetings scope (whose metadata names the participants).
pub fn ensure_can_read_participants(viewer: &Viewer) -> AppResult<()> {
    ensure_can_read_org(viewer)
        .or_else(|err| meeting_visibility(viewer).map(|_| ()).map_err(|_| err))
}

/// Agenda templates a viewer may see and use: org-wide ones and their own.
pub fn can_use_template(viewer: &Viewer, owner: Option<i64>) -> bool {
    owner.is_none() || owner == viewer.person_id()
}

/// A template may start a meeting's agenda when it is org-wide, the viewer's own, or — for
/// someone logging on the pair's behalf (hr_admin, an integration) — one of the pair's.
pub fn can_apply_template(viewer: &Viewer, owner: Option<i64>, host: i64, guest: i64) -> bool {
    let acting_for_pair = viewer
        .person_id()
        .is_none_or(|me| me != host && me != guest);
    can_use_template(viewer, owner)
        || (acting_for_pair && owner.is_some_and(|o| o == host || o == guest))
}

/// Direct 1:1s are non-negotiable: only hr_admin may make the DIRECT cadence optional or
/// remove it; managers may only change how often.
pub fn ensure_can_relax_direct_cadence(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        _ => Err(AppError::forbidden(
            "direct 1:1s are required: only hr_admin may make them optional",
        )),
    }
}

/// The learning library (`learningResources`, a template's resources): any authenticated
/// viewer, integrations included — it is org-wide reading matter that names nobody.
pub fn ensure_can_read_learning_resources(viewer: &Viewer) -> AppResult<()> {
    ensure_authenticated(viewer)
}

/// Adding, changing and removing learning resources: hr_admin alone.
pub fn ensure_can_manage_learning_resources(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        _ => Err(AppError::forbidden(
            "the learning library is managed by hr_admin",
        )),
    }
}

/// Creating a training session: hr_admin, or any person who manages someone now
/// (`is_manager`). Integrations may not. Returns the creator's person id.
pub fn ensure_can_create_training(viewer: &Viewer, is_manager: bool) -> AppResult<i64> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { id, hr_admin, .. } if *hr_admin || is_manager => Ok(*id),
        _ => Err(AppError::forbidden(
            "training sessions are created by hr_admin or a manager",
        )),
    }
}

/// Recording who attended a training session: its facilitator, its creator, or hr_admin.
pub fn ensure_can_record_training_attendance(
    viewer: &Viewer,
    facilitator: i64,
    created_by: Option<i64>,
) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        Viewer::Person { id, .. } if *id == facilitator || Some(*id) == created_by => Ok(()),
        _ => Err(AppError::forbidden(
            "attendance is recorded by the session's facilitator, its creator or hr_admin",
        )),
    }
}

/// The learning resources a meeting shows (those of the template its agenda started
/// from): whoever may read the meeting's agenda, i.e. the two participants.
pub fn can_read_meeting_resources(viewer: &Viewer, host: i64, guest: i64) -> bool {
    can_read_meeting_content(viewer, host, guest)
}

/// Which check-ins a viewer may see at all (who asked, whom, when, rating, struggles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInVisibility {
    /// hr_admin: every check-in.
    All,
    /// Check-ins this person asked, check-ins about them (they are the manager), and
    /// check-ins asked by anyone below them in the current chain.
    Involving(i64),
    /// None at all: integrations, whatever their scopes (check-ins are coaching between
    /// people, not meeting metadata).
    Nothing,
}

pub fn check_in_visibility(viewer: &Viewer) -> AppResult<CheckInVisibility> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(CheckInVisibility::All),
        Viewer::Person { id, .. } => Ok(CheckInVisibility::Involving(*id)),
        Viewer::Integration { .. } => Ok(CheckInVisibility::Nothing),
    }
}

/// A check-in's notes: its asker and the manager it is about, nobody else (not hr_admin,
/// not the asker's own managers, who see the rest).
pub fn can_read_check_in_notes(viewer: &Viewer, asker: i64, manager: i64) -> bool {
    viewer
        .person_id()
        .is_some_and(|me| me == asker || me == manager)
}

/// Logging a check-in with a manager: someone above them in the chain at the check-in's
/// time (`manager_chain_then`, nearest first), or hr_admin. Returns the asker.
pub fn ensure_can_log_check_in(viewer: &Viewer, manager_chain_then: &[i64]) -> AppResult<i64> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { id, hr_admin, .. } if *hr_admin || manager_chain_then.contains(id) => {
            Ok(*id)
        }
        _ => Err(AppError::forbidden(
            "check-ins are logged by someone above the manager at that time, or hr_admin",
        )),
    }
}

/// Changing or deleting a check-in: its asker alone.
pub fn ensure_check_in_author(viewer: &Viewer, asker: i64) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { id, .. } if *id == asker => Ok(()),
        _ => Err(AppError::forbidden(
            "only the person who logged a check-in may change it",
        )),
    }
}

/// Whose training (a person's place in a session: invited, attended) a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingVisibility {
    /// hr_admin: everyone's.
    All,
    /// A person: their own and that of everyone below them in the current chain, and
    /// everyone's in the sessions they facilitate or created. Not a peer's, not their
    /// manager's, not a fellow attendee's.
    Of(i64),
}

/// Making a meeting a practice 1:1 (or naming its training session): people only. Whether
/// it is accepted says whether both people attended the session, which integrations may
/// not learn ([`training_visibility`]).
pub fn ensure_can_claim_practice(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Integration { .. } => Err(AppError::forbidden(
            "practice 1:1s are logged by people: integrations do not see training attendance",
        )),
        _ => Ok(()),
    }
}

/// Training is people-development data, not meeting metadata: no integration sees it,
/// whatever its scopes.
pub fn training_visibility(viewer: &Viewer) -> AppResult<TrainingVisibility> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(TrainingVisibility::All),
        Viewer::Person { id, .. } => Ok(TrainingVisibility::Of(*id)),
        Viewer::Integration { .. } => Err(AppError::forbidden(
            "training sessions are visible to people, not integrations",
        )),
    }
}

/// Opening and closing pulse rounds: hr_admin alone.
pub fn ensure_can_manage_pulse(viewer: &Viewer) -> AppResult<()> {
    match viewer {
        Viewer::Anonymous => Err(AppError::unauthenticated()),
        Viewer::Person { hr_admin: true, .. } => Ok(()),
        _ => Err(AppError::forbidden("pulse rounds are managed by hr_admin")),
    }
}

/// Pulse rounds themselves (name and dates): any authenticated person. Integrations are
/// refused: the pulse is between people and their managers.
pub fn ensure_can_read_pulse_rounds(viewer: &Viewer) -> AppResult<()> {
    ensure_person(viewer).map(|_| ())
}

/// Answering a pulse round: a person, for themselves (whether they have a manager to
/// answer about is the service's check). Returns the respondent's person id.
pub fn ensure_can_answer_pulse(viewer: &Viewer) -> AppResult<i64> {
    ensure_person(viewer)
}

/// An individual pulse answer: its respondent alone. Nobody else — not hr_admin, not the
/// manager it is about, not an integration — has any way to read it: the only field that
/// shows one is the viewer's own `myAnswer`.
pub fn can_read_pulse_answer(viewer: &Viewer, respondent: i64) -> bool {
    viewer.person_id() == Some(respondent)
}

/// A manager's frozen pulse figures and their subtree rollup: the manager themselves,
/// anyone above them now (`manager_chain`), and hr_admin; never an integration. The same
/// people as coverage reports ([`ensure_can_read_insights`]), so a coverage report's
/// managers may show their latest pulse figures.
pub fn ensure_can_read_pulse_results(
    viewer: &Viewer,
    manager: i64,
    manager_chain: &[i64],
) -> AppResult<()> {
    ensure_manages(
        viewer,
        manager,
        manager_chain,
        "pulse results are for the manager, those above them and hr_admin",
    )
}

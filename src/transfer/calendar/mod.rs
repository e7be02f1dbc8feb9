//! iCalendar (.ics) files as meeting occurrences: the file is parsed with the `icalendar`
//! crate's parser, each VEVENT read into an [`event::Event`], and recurring series expanded
//! with `rrule` (zones from `chrono-tz`) into one [`Occurrence`] per start up to a limit,
//! with EXDATE, RDATE and RECURRENCE-ID overrides applied. Pure: no database, no clock.
//! Who the people are and what becomes a meeting is decided by
//! `service::meetings::calendar`.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::error::FileProblem;

mod event;
mod expand;
mod text;
mod values;

#[cfg(test)]
mod tests;

/// Someone an event invites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Lower-cased, without `mailto:`.
    pub email: String,
    /// `PARTSTAT=DECLINED`.
    pub declined: bool,
}

/// One occurrence of an event: a single event, or one start of a recurring series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub uid: String,
    /// The start the series gives this occurrence (its RECURRENCE-ID when overridden); with
    /// the UID it names the occurrence for good, wherever it is moved.
    pub original_start: DateTime<Utc>,
    /// When it takes place (moved by an override).
    pub start: DateTime<Utc>,
    pub duration: Duration,
    /// Lower-cased, without `mailto:`.
    pub organizer: Option<String>,
    pub attendees: Vec<Attendee>,
    /// `STATUS:CANCELLED` on the event or on this occurrence's override.
    pub cancelled: bool,
    /// A DATE (not DATE-TIME) start.
    pub all_day: bool,
    /// The file line of the VEVENT this occurrence comes from (`BEGIN:VEVENT`).
    pub line: u64,
}

impl Occurrence {
    /// `UID/original start in UTC` (RFC 3339, whole seconds, `Z`).
    pub fn external_id(&self) -> String {
        external_id(&self.uid, self.original_start)
    }

    /// The distinct people taking part: the organizer first, then each attendee who did
    /// not decline, each email once.
    pub fn participants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::with_capacity(1 + self.attendees.len());
        let invited = self
            .attendees
            .iter()
            .filter(|a| !a.declined)
            .map(|a| a.email.as_str());
        for email in self.organizer.as_deref().into_iter().chain(invited) {
            if !out.contains(&email) {
                out.push(email);
            }
        }
        out
    }
}

/// The externalId of the occurrence of `uid` that the series starts at `original_start`.
pub fn external_id(uid: &str, original_start: DateTime<Utc>) -> String {
    format!(
        "{uid}/{}",
        original_start.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// The original start an [`external_id`] of `uid` names; `None` when `external_id` is not
/// one of that UID's.
pub fn original_start_of(external_id: &str, uid: &str) -> Option<DateTime<Utc>> {
    let rest = external_id.strip_prefix(uid)?.strip_prefix('/')?;
    DateTime::parse_from_rfc3339(rest)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A calendar file read and expanded.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Every occurrence starting (originally) before the limit, in file order.
    pub occurrences: Vec<Occurrence>,
    /// Every UID in the file, once each, in file order.
    pub uids: Vec<String>,
}

/// Reads an iCalendar file and expands its events into the occurrences whose original start
/// is before `until`. A malformed file gives every problem found, each with its line.
pub fn parse(input: &str, until: DateTime<Utc>) -> Result<Calendar, Vec<FileProblem>> {
    let unfolded = text::Unfolded::new(input);
    let events = event::read_all(&unfolded)?;
    expand::expand(events, until)
}

fn problem(line: u64, column: Option<&str>, message: impl Into<String>) -> FileProblem {
    FileProblem {
        line,
        column: column.map(str::to_string),
        message: message.into(),
    }
}

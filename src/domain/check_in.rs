//! Check-in value types: what a manager struggles with in their 1:1s, and the rules a
//! check-in's fields follow.

use chrono::{DateTime, Utc};

use crate::error::{AppError, AppResult};

/// What a manager struggles with in their 1:1s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Struggle {
    NoTime,
    CancelledOften,
    TacticalDrift,
    NothingToTalkAbout,
    HardConversations,
    ReportDisengaged,
    Other,
}

impl Struggle {
    pub const ALL: &'static [Struggle] = &[
        Struggle::NoTime,
        Struggle::CancelledOften,
        Struggle::TacticalDrift,
        Struggle::NothingToTalkAbout,
        Struggle::HardConversations,
        Struggle::ReportDisengaged,
        Struggle::Other,
    ];

    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Struggle::NoTime => "NO_TIME",
            Struggle::CancelledOften => "CANCELLED_OFTEN",
            Struggle::TacticalDrift => "TACTICAL_DRIFT",
            Struggle::NothingToTalkAbout => "NOTHING_TO_TALK_ABOUT",
            Struggle::HardConversations => "HARD_CONVERSATIONS",
            Struggle::ReportDisengaged => "REPORT_DISENGAGED",
            Struggle::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> Option<Struggle> {
        Struggle::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// The stored form of a set of struggles: their names, sorted, deduplicated and joined by
/// commas ("" for none).
pub fn struggles_to_stored(struggles: &[Struggle]) -> String {
    let mut sorted = struggles.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The struggles of a stored list; names Cadence never wrote are skipped.
pub fn struggles_from_stored(stored: &str) -> Vec<Struggle> {
    stored
        .split(',')
        .filter_map(|s| Struggle::parse(s.trim()))
        .collect()
}

/// Longest notes a check-in keeps, in characters.
pub const MAX_NOTES_CHARS: usize = 10_000;

/// A check-in's fields, checked: a rating 1 to 5, an instant not after `now`, notes of at
/// most [`MAX_NOTES_CHARS`] (blank notes are none).
pub fn check_fields(
    rating: i32,
    at: DateTime<Utc>,
    notes: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Option<String>> {
    if !(1..=5).contains(&rating) {
        return Err(AppError::bad_input(
            "input.rating",
            "must be between 1 and 5",
        ));
    }
    if at > now {
        return Err(AppError::bad_input("input.at", "must not be in the future"));
    }
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    if notes.is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS) {
        return Err(AppError::bad_input(
            "input.notes",
            format!("at most {MAX_NOTES_CHARS} characters"),
        ));
    }
    Ok(notes.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struggles_round_trip_through_their_stored_form() {
        let stored = struggles_to_stored(&[Struggle::Other, Struggle::NoTime, Struggle::Other]);
        assert_eq!(stored, "NO_TIME,OTHER");
        assert_eq!(
            struggles_from_stored(&stored),
            vec![Struggle::NoTime, Struggle::Other]
        );
        assert!(struggles_from_stored("").is_empty());
    }
}

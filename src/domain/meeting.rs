//! Meeting value types and rules: kinds, statuses, topic categories, ratings, durations,
//! and how a meeting's kind follows from the org chart at its time.

use chrono::{DateTime, Utc};

use crate::error::{AppError, AppResult};

/// Defines a string-backed enum with `as_str` and `parse` over its stored names.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

named_enum!(
    /// How the two people of a meeting relate in the org chart at the meeting's time.
    MeetingKind {
        Direct => "DIRECT",
        SkipLevel => "SKIP_LEVEL",
        Peer => "PEER",
        Other => "OTHER",
    }
);

named_enum!(
    /// Where a meeting stands.
    MeetingStatus {
        Scheduled => "SCHEDULED",
        Held => "HELD",
        Cancelled => "CANCELLED",
        NoShow => "NO_SHOW",
    }
);

named_enum!(
    /// What an agenda item is about; TACTICAL is day-to-day status talk.
    TopicCategory {
        Tactical => "TACTICAL",
        Strategic => "STRATEGIC",
        Career => "CAREER",
        Feedback => "FEEDBACK",
        Wellbeing => "WELLBEING",
        Other => "OTHER",
    }
);

/// Classifies a meeting from both people's management chains at its time (nearest manager
/// first); `None` means the person was not in the org then.
pub fn classify(
    host: i64,
    guest: i64,
    host_chain: Option<&[i64]>,
    guest_chain: Option<&[i64]>,
) -> MeetingKind {
    let (Some(hc), Some(gc)) = (host_chain, guest_chain) else {
        return MeetingKind::Other;
    };
    let level = |chain: &[i64], who: i64| chain.iter().position(|&m| m == who);
    match level(hc, guest).or(level(gc, host)) {
        Some(0) => MeetingKind::Direct,
        Some(1) => MeetingKind::SkipLevel,
        Some(_) => MeetingKind::Other,
        None => MeetingKind::Peer,
    }
}

pub const MIN_DURATION: i32 = 1;
pub const MAX_DURATION: i32 = 480;

/// Meeting length in minutes, 1..=480.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingDuration(i32);

impl MeetingDuration {
    pub fn parse(minutes: i32, field: &str) -> AppResult<MeetingDuration> {
        if (MIN_DURATION..=MAX_DURATION).contains(&minutes) {
            Ok(MeetingDuration(minutes))
        } else {
            Err(AppError::bad_input(
                field,
                format!("must be between {MIN_DURATION} and {MAX_DURATION} minutes, got {minutes}"),
            ))
        }
    }

    pub fn minutes(self) -> i32 {
        self.0
    }
}

/// A meeting rating, 1..=5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating(i32);

impl Rating {
    pub fn parse(n: i32, field: &str) -> AppResult<Rating> {
        if (1..=5).contains(&n) {
            Ok(Rating(n))
        } else {
            Err(AppError::bad_input(
                field,
                format!("must be between 1 and 5, got {n}"),
            ))
        }
    }

    pub fn value(self) -> i32 {
        self.0
    }
}

/// Fewest ratings before an average is shown, so that no rater can be singled out.
pub const MIN_RATINGS_FOR_AVERAGE: i64 = 3;

/// The start of the calendar quarter holding `at`: managers' rating averages cover whole
/// quarters.
pub fn quarter_start(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Datelike;
    let first = chrono::NaiveDate::from_ymd_opt(at.year(), at.month0() / 3 * 3 + 1, 1)
        .expect("the first day of a quarter exists");
    crate::domain::employment::start_of(first)
}

/// HELD and NO_SHOW describe the past: a meeting in the future cannot have them.
pub fn check_status_time(
    status: MeetingStatus,
    scheduled_at: DateTime<Utc>,
    now: DateTime<Utc>,
    field: &str,
) -> AppResult<()> {
    if matches!(status, MeetingStatus::Held | MeetingStatus::NoShow) && scheduled_at > now {
        return Err(AppError::bad_input(
            field,
            format!("a meeting in the future cannot be {}", status.as_str()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_chains() {
        // 1 manages 2, 2 manages 3, 3 manages 4; 5 reports to 1.
        let c2: &[i64] = &[1];
        let c3: &[i64] = &[2, 1];
        let c4: &[i64] = &[3, 2, 1];
        let c5: &[i64] = &[1];
        assert_eq!(classify(2, 3, Some(c2), Some(c3)), MeetingKind::Direct);
        assert_eq!(classify(3, 2, Some(c3), Some(c2)), MeetingKind::Direct);
        assert_eq!(classify(1, 3, Some(&[]), Some(c3)), MeetingKind::SkipLevel);
        assert_eq!(classify(1, 4, Some(&[]), Some(c4)), MeetingKind::Other);
        assert_eq!(classify(2, 5, Some(c2), Some(c5)), MeetingKind::Peer);
        assert_eq!(classify(3, 5, Some(c3), Some(c5)), MeetingKind::Peer);
        assert_eq!(classify(2, 9, Some(c2), None), MeetingKind::Other);
    }

    #[test]
    fn ratings_and_durations_have_bounds() {
        assert!(Rating::parse(0, "r").is_err());
        assert!(Rating::parse(6, "r").is_err());
        assert_eq!(Rating::parse(5, "r").unwrap().value(), 5);
        assert!(MeetingDuration::parse(0, "d").is_err());
        assert!(MeetingDuration::parse(481, "d").is_err());
        assert_eq!(MeetingDuration::parse(480, "d").unwrap().minutes(), 480);
    }
}

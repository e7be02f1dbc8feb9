//! Cadence policies (how often each kind of 1:1 should happen) and how one pair stands
//! against its policy at an instant.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::meeting::MeetingKind;

/// What a cadence policy is about: a kind of meeting, or CHECK_IN (a manager of managers
/// asking a manager below them how their 1:1s are going; not a meeting kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CadenceKind {
    Direct,
    SkipLevel,
    Peer,
    Other,
    CheckIn,
}

impl CadenceKind {
    /// The name stored in `cadence_policy.kind`: a meeting kind's, or `CHECK_IN`.
    pub fn as_str(self) -> &'static str {
        match self.meeting_kind() {
            Some(k) => k.as_str(),
            None => "CHECK_IN",
        }
    }

    pub fn parse(s: &str) -> Option<CadenceKind> {
        match s {
            "CHECK_IN" => Some(CadenceKind::CheckIn),
            _ => MeetingKind::parse(s).map(CadenceKind::from),
        }
    }

    /// The meeting kind it is about; `None` for CHECK_IN.
    pub fn meeting_kind(self) -> Option<MeetingKind> {
        match self {
            CadenceKind::Direct => Some(MeetingKind::Direct),
            CadenceKind::SkipLevel => Some(MeetingKind::SkipLevel),
            CadenceKind::Peer => Some(MeetingKind::Peer),
            CadenceKind::Other => Some(MeetingKind::Other),
            CadenceKind::CheckIn => None,
        }
    }
}

impl From<MeetingKind> for CadenceKind {
    fn from(k: MeetingKind) -> Self {
        match k {
            MeetingKind::Direct => CadenceKind::Direct,
            MeetingKind::SkipLevel => CadenceKind::SkipLevel,
            MeetingKind::Peer => CadenceKind::Peer,
            MeetingKind::Other => CadenceKind::Other,
        }
    }
}

/// Where an effective policy comes from, nearest scope winning: a pair's own agreement, the
/// nearest manager up the chain with an override for their subtree, the org-wide setting,
/// or Cadence's built-in default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyScope {
    BuiltIn,
    Org,
    Subtree(i64),
    Pair(i64, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub kind: CadenceKind,
    /// `None`: no expected cadence.
    pub every_days: Option<i32>,
    pub required: bool,
    pub scope: PolicyScope,
}

impl Policy {
    /// DIRECT every 14 days, required; SKIP_LEVEL every 90 days, encouraged; CHECK_IN
    /// every 90 days, encouraged; others none.
    pub fn built_in(kind: impl Into<CadenceKind>) -> Policy {
        let kind = kind.into();
        let (every_days, required) = match kind {
            CadenceKind::Direct => (Some(14), true),
            CadenceKind::SkipLevel | CadenceKind::CheckIn => (Some(90), false),
            CadenceKind::Peer | CadenceKind::Other => (None, false),
        };
        Policy {
            kind,
            every_days,
            required,
            scope: PolicyScope::BuiltIn,
        }
    }
}

/// Orders a pair so that (a, b) and (b, a) name the same pair.
pub fn pair_key(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

/// Every stored policy, for resolving effective ones without a query per pair.
#[derive(Debug, Default)]
pub struct Policies {
    org: HashMap<CadenceKind, Policy>,
    subtree: HashMap<(CadenceKind, i64), Policy>,
    pair: HashMap<(CadenceKind, i64, i64), Policy>,
}

impl Policies {
    pub fn insert(&mut self, policy: Policy) {
        match policy.scope {
            PolicyScope::BuiltIn => {}
            PolicyScope::Org => {
                self.org.insert(policy.kind, policy);
            }
            PolicyScope::Subtree(m) => {
                self.subtree.insert((policy.kind, m), policy);
            }
            PolicyScope::Pair(a, b) => {
                self.pair.insert((policy.kind, a, b), policy);
            }
        }
    }

    /// The policy for `kind` meetings between `a` and `b`, where `chain` is the manager of
    /// the pair followed by everyone above them (nearest first).
    pub fn effective(&self, kind: impl Into<CadenceKind>, a: i64, b: i64, chain: &[i64]) -> Policy {
        let kind = kind.into();
        let (low, high) = pair_key(a, b);
        self.pair
            .get(&(kind, low, high))
            .copied()
            .unwrap_or_else(|| self.inherited(kind, chain))
    }

    /// The policy for `kind` meetings of a pair without an agreement of its own, where
    /// `chain` is the manager of the pair followed by everyone above them (nearest first).
    pub fn inherited(&self, kind: impl Into<CadenceKind>, chain: &[i64]) -> Policy {
        let kind = kind.into();
        chain
            .iter()
            .find_map(|m| self.subtree.get(&(kind, *m)))
            .or_else(|| self.org.get(&kind))
            .copied()
            .unwrap_or_else(|| Policy::built_in(kind))
    }

    /// The longest cadence any stored or built-in meeting policy asks for, in days
    /// (CHECK_IN policies are about no meeting).
    pub fn longest_every_days(&self) -> i32 {
        let stored = self
            .org
            .values()
            .chain(self.subtree.values())
            .chain(self.pair.values());
        [MeetingKind::Direct, MeetingKind::SkipLevel]
            .map(Policy::built_in)
            .iter()
            .chain(stored)
            .filter(|p| p.kind != CadenceKind::CheckIn)
            .filter_map(|p| p.every_days)
            .max()
            .unwrap_or(0)
    }
}

/// How one manager–report pair stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Met within the cadence (or no cadence applies).
    Covered,
    /// The reporting line is younger than the cadence: nothing is due yet.
    NotYetDue,
    /// Due this many whole days ago.
    Overdue { days: i64 },
}

impl Standing {
    pub fn counts_as_covered(self) -> bool {
        !matches!(self, Standing::Overdue { .. })
    }
}

/// Assesses a pair: covered when they last met (HELD, since the line began) within
/// `every_days` before `as_of`; otherwise overdue since the last meeting (or the line's
/// start) plus the cadence, unless the line itself is younger than the cadence.
pub fn assess(
    every_days: Option<i32>,
    since: DateTime<Utc>,
    last_held: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
) -> Standing {
    let Some(every) = every_days else {
        return Standing::Covered;
    };
    let cadence = Duration::days(i64::from(every));
    let window_start = as_of - cadence;
    if last_held.is_some_and(|t| t > window_start && t <= as_of) {
        return Standing::Covered;
    }
    if since > window_start {
        return Standing::NotYetDue;
    }
    let due = due_at(every, since, last_held);
    Standing::Overdue {
        days: (as_of - due).num_days().max(0),
    }
}

/// When a pair's next meeting falls due under a cadence of `every_days`: the cadence after
/// their last HELD meeting, or after the line began when that is later (or they never met).
pub fn due_at(
    every_days: i32,
    since: DateTime<Utc>,
    last_held: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    last_held.map_or(since, |t| t.max(since)) + Duration::days(i64::from(every_days))
}

/// Share of pairs that count as covered; 1.0 when there are none.
pub fn coverage(standings: &[Standing]) -> f64 {
    if standings.is_empty() {
        return 1.0;
    }
    standings.iter().filter(|s| s.counts_as_covered()).count() as f64 / standings.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_pair_is_covered_overdue_or_not_yet_due() {
        let joined = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            assess(Some(14), joined, Some(day(10)), day(20)),
            Standing::Covered
        );
        assert_eq!(
            assess(Some(14), joined, Some(day(1)), day(20)),
            Standing::Overdue { days: 5 }
        );
        assert_eq!(
            assess(Some(14), day(17), None, day(20)),
            Standing::NotYetDue
        );
        assert_eq!(
            assess(Some(14), joined, None, day(20)),
            Standing::Overdue {
                days: (day(20) - (joined + Duration::days(14))).num_days()
            }
        );
        assert_eq!(assess(None, joined, None, day(20)), Standing::Covered);
    }

    #[test]
    fn the_nearest_policy_wins() {
        let mut p = Policies::default();
        let direct = |every, scope| Policy {
            kind: CadenceKind::Direct,
            every_days: Some(every),
            required: true,
            scope,
        };
        assert_eq!(
            p.effective(MeetingKind::Direct, 5, 6, &[5, 2, 1])
                .every_days,
            Some(14)
        );
        p.insert(direct(10, PolicyScope::Org));
        p.insert(direct(7, PolicyScope::Subtree(1)));
        p.insert(direct(21, PolicyScope::Subtree(2)));
        assert_eq!(
            p.effective(MeetingKind::Direct, 5, 6, &[5, 2, 1])
                .every_days,
            Some(21)
        );
        assert_eq!(
            p.effective(MeetingKind::Direct, 8, 9, &[8, 1]).every_days,
            Some(7)
        );
        assert_eq!(
            p.effective(MeetingKind::Direct, 8, 9, &[8]).every_days,
            Some(10)
        );
        p.insert(direct(30, PolicyScope::Pair(5, 6)));
        assert_eq!(
            p.effective(MeetingKind::Direct, 6, 5, &[5, 2, 1])
                .every_days,
            Some(30)
        );
    }
}

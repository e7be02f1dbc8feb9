//! Events into occurrences: each series' RRULE expanded with `rrule` in its own zone (so a
//! 09:00 Berlin series stays at 09:00 Berlin across daylight saving), plus its RDATEs, less
//! its EXDATEs, and each RECURRENCE-ID override put in place of the occurrence it names.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use rrule::{RRule, Unvalidated};

use super::event::Event;
use super::values::{self, Moment};
use super::{Calendar, Occurrence, problem};
use crate::error::FileProblem;

/// Expands `events` into the occurrences whose original start is before `until`.
pub(super) fn expand(
    events: Vec<Event>,
    until: DateTime<Utc>,
) -> Result<Calendar, Vec<FileProblem>> {
    let mut problems = Vec::new();
    // Per UID, in file order: its series (the event without RECURRENCE-ID) and overrides.
    let mut order: Vec<String> = Vec::new();
    let mut masters: HashMap<String, Event> = HashMap::new();
    let mut overrides: HashMap<String, Vec<Event>> = HashMap::new();
    for event in events {
        if !masters.contains_key(&event.uid) && !overrides.contains_key(&event.uid) {
            order.push(event.uid.clone());
        }
        if event.recurrence_id.is_some() {
            overrides.entry(event.uid.clone()).or_default().push(event);
        } else if let Some(first) = masters.get(&event.uid) {
            problems.push(problem(
                event.line,
                Some("UID"),
                format!(
                    "UID `{}` is used by another event (line {})",
                    event.uid, first.line
                ),
            ));
        } else {
            masters.insert(event.uid.clone(), event);
        }
    }
    let mut occurrences = Vec::new();
    for uid in &order {
        let master = masters.get(uid);
        let mut series: BTreeMap<DateTime<Utc>, Occurrence> = BTreeMap::new();
        if let Some(m) = master {
            match starts(m, until) {
                Ok(found) => {
                    for at in found {
                        series.insert(at, occurrence(m, at, at, None));
                    }
                }
                Err(p) => problems.push(p),
            }
        }
        let mut seen: HashMap<DateTime<Utc>, u64> = HashMap::new();
        for o in overrides.get(uid).into_iter().flatten() {
            let original = o
                .recurrence_id
                .expect("an override has a RECURRENCE-ID")
                .utc;
            if let Some(first) = seen.insert(original, o.line) {
                problems.push(problem(
                    o.line,
                    Some("RECURRENCE-ID"),
                    format!("this occurrence is already overridden (line {first})"),
                ));
                continue;
            }
            if original < until {
                series.insert(original, occurrence(o, original, o.start.utc, master));
            }
        }
        occurrences.extend(series.into_values());
    }
    if problems.is_empty() {
        Ok(Calendar {
            occurrences,
            uids: order,
        })
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// The occurrence of `event` originally at `original`, taking place at `start`: the series' own, or an override of `master`'s
/// (keeping the series' length and people where the override gives none).
fn occurrence(
    event: &Event,
    original: DateTime<Utc>,
    start: DateTime<Utc>,
    master: Option<&Event>,
) -> Occurrence {
    let has_people = event.organizer.is_some() || !event.attendees.is_empty();
    let people = match master {
        Some(m) if !has_people => m,
        _ => event,
    };
    Occurrence {
        uid: event.uid.clone(),
        original_start: original,
        start,
        duration: event
            .duration
            .or(master.and_then(|m| m.duration))
            .unwrap_or_else(|| default_duration(event)),
        organizer: people.organizer.clone(),
        attendees: people.attendees.clone(),
        cancelled: event.cancelled || master.is_some_and(|m| m.cancelled),
        all_day: event.start.all_day,
        line: event.line,
    }
}

/// Without DTEND or DURATION an all-day event lasts a day, a timed one no time at all.
fn default_duration(event: &Event) -> Duration {
    if event.start.all_day {
        Duration::days(1)
    } else {
        Duration::zero()
    }
}

/// The original starts of a series before `until`: its RRULE's (or DTSTART alone), with
/// its RDATEs, without its EXDATEs.
fn starts(event: &Event, until: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, FileProblem> {
    let mut found: Vec<DateTime<Utc>> = match &event.rrule {
        Some((rule, line)) => {
            recur(event.start, rule, until).map_err(|m| problem(*line, Some("RRULE"), m))?
        }
        None => vec![event.start.utc],
    };
    found.extend(event.rdates.iter().map(|m| m.utc));
    found.retain(|at| *at < until && !excluded(&event.exdates, *at));
    found.sort();
    found.dedup();
    Ok(found)
}

/// Whether an EXDATE removes the start `at`: the same instant, or the same day for an
/// EXDATE given as a DATE.
fn excluded(exdates: &[Moment], at: DateTime<Utc>) -> bool {
    exdates
        .iter()
        .any(|x| x.utc == at || (x.all_day && x.utc.date_naive() == at.date_naive()))
}

/// The starts an RRULE gives from `start` (in its zone) up to, not including, `until`.
fn recur(start: Moment, rule: &str, until: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>, String> {
    let tz = start.tz.map_or(rrule::Tz::UTC, rrule::Tz::Tz);
    let rule = normalize_until(rule, start.tz)?;
    let parsed: RRule<Unvalidated> = rule
        .parse()
        .map_err(|e| format!("cannot read the RRULE: {e}"))?;
    let set = parsed
        .build(start.utc.with_timezone(&tz))
        .map_err(|e| format!("the RRULE is not valid: {e}"))?;
    // `before` includes its bound; meetings start on whole seconds.
    let last = (until - Duration::seconds(1)).with_timezone(&tz);
    let found = set.before(last).all(u16::MAX);
    Ok(found.dates.iter().map(|d| d.with_timezone(&Utc)).collect())
}

/// The RRULE with its UNTIL in UTC, as `rrule` needs it: a floating UNTIL is read in the
/// series' zone (or as UTC), a DATE as the end of that day.
fn normalize_until(rule: &str, tz: Option<chrono_tz::Tz>) -> Result<String, String> {
    let parts: Vec<String> = rule
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let Some((key, value)) = part.split_once('=') else {
                return Ok(part.to_string());
            };
            if !key.trim().eq_ignore_ascii_case("UNTIL") {
                return Ok(part.to_string());
            }
            let v = value.trim();
            let utc = if v.len() == 8 {
                values::moment(v, None, Some("DATE"))?.utc + Duration::days(1)
                    - Duration::seconds(1)
            } else if v.ends_with(['Z', 'z']) {
                values::moment(v, None, None)?.utc
            } else {
                let naive = values::moment(v, None, None)?.utc.naive_utc();
                match tz {
                    Some(tz) => values::in_zone(tz, naive),
                    None => naive.and_utc(),
                }
            };
            Ok(format!("UNTIL={}", utc.format("%Y%m%dT%H%M%SZ")))
        })
        .collect::<Result<_, String>>()?;
    Ok(parts.join(";"))
}

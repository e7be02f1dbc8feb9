//! The VEVENTs of a parsed file, each read into an [`Event`]: its times, its recurrence
//! properties and its people, with the line of each property for problems.

use chrono::Duration;
use icalendar::parser::{Component, Property, read_calendar_simple};

use super::text::Unfolded;
use super::values::{self, Moment};
use super::{Attendee, problem};
use crate::error::FileProblem;

/// One VEVENT as read.
#[derive(Debug, Clone)]
pub(super) struct Event {
    /// The line of its `BEGIN:VEVENT`.
    pub line: u64,
    pub uid: String,
    pub start: Moment,
    /// From DTEND or DURATION; `None` when it has neither (an override then keeps its
    /// series' length).
    pub duration: Option<Duration>,
    /// The RRULE's value and line.
    pub rrule: Option<(String, u64)>,
    pub exdates: Vec<Moment>,
    pub rdates: Vec<Moment>,
    pub recurrence_id: Option<Moment>,
    pub cancelled: bool,
    pub organizer: Option<String>,
    pub attendees: Vec<Attendee>,
}

/// Parses the unfolded file and reads each of its VEVENTs.
pub(super) fn read_all(file: &Unfolded) -> Result<Vec<Event>, Vec<FileProblem>> {
    let spans = check_lines(file)?;
    let mut events = Vec::new();
    let mut problems = Vec::new();
    // The parser reads one VEVENT at a time: on a whole file its time grows with the square
    // of the file's size. The slices borrow from `file.text`, so lines are still known.
    for span in spans {
        let roots = match read_calendar_simple(&file.text[span]) {
            Ok(roots) => roots,
            Err(e) => {
                let offset =
                    (e.input.as_ptr() as usize).saturating_sub(file.text.as_ptr() as usize);
                let content = file.content_at(offset);
                let message = format!("cannot read `{}` here", clip(content));
                problems.push(problem(file.line_at(offset), None, message));
                continue;
            }
        };
        for component in &roots {
            match read_event(file, component) {
                Ok(event) => events.push(event),
                Err(mut p) => problems.append(&mut p),
            }
        }
    }
    if problems.is_empty() {
        Ok(events)
    } else {
        Err(problems)
    }
}

/// Every content line is `NAME[;PARAM=…]:VALUE` and every BEGIN has its END: checked line by
/// line first, so that each problem names its own line (the parser only says where the
/// component it could not read begins). Returns where in `file.text` each VEVENT of the
/// VCALENDAR lies.
fn check_lines(file: &Unfolded) -> Result<Vec<std::ops::Range<usize>>, Vec<FileProblem>> {
    let mut problems = Vec::new();
    let mut open: Vec<(String, u64)> = Vec::new();
    let mut spans = Vec::new();
    let mut event_start = None;
    let mut calendars = 0;
    let mut offset = 0;
    for content in file.text.split_terminator('\n') {
        let line = file.line_at(offset);
        let line_start = offset;
        offset += content.len() + 1;
        let name_end = content.find([';', ':']).unwrap_or(content.len());
        let name = &content[..name_end];
        let well_formed = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && content.contains(':');
        if !well_formed {
            problems.push(problem(
                line,
                None,
                format!("`{}` is not a content line (NAME:VALUE)", clip(content)),
            ));
            continue;
        }
        let value = content[name_end..]
            .split_once(':')
            .map_or("", |(_, v)| v)
            .trim();
        if name.eq_ignore_ascii_case("BEGIN") {
            let component = value.to_ascii_uppercase();
            match (open.len(), component.as_str()) {
                (0, "VCALENDAR") => calendars += 1,
                (1, "VEVENT") if open[0].0 == "VCALENDAR" => event_start = Some(line_start),
                _ => {}
            }
            open.push((component, line));
        } else if name.eq_ignore_ascii_case("END") {
            match open.pop() {
                Some((begun, _)) if begun.eq_ignore_ascii_case(value) => {
                    if let (1, Some(from)) = (open.len(), event_start.take()) {
                        spans.push(from..offset);
                    }
                }
                Some((begun, at)) => {
                    problems.push(problem(
                        line,
                        None,
                        format!("END:{value} does not close BEGIN:{begun} (line {at})"),
                    ));
                    open.clear();
                }
                None => problems.push(problem(line, None, format!("END:{value} without a BEGIN"))),
            }
        } else if open.is_empty() {
            problems.push(problem(
                line,
                Some(name),
                "a property outside any component",
            ));
        }
    }
    for (begun, at) in open {
        problems.push(problem(
            at,
            None,
            format!("BEGIN:{begun} is never closed (no END:{begun})"),
        ));
    }
    if calendars == 0 && problems.is_empty() {
        problems.push(problem(
            1,
            None,
            "not an iCalendar file: no BEGIN:VCALENDAR",
        ));
    }
    if problems.is_empty() {
        Ok(spans)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A property's parameter, by name, ignoring case.
fn param<'a>(prop: &'a Property<'_>, key: &str) -> Option<&'a str> {
    prop.params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// An email from a CAL-ADDRESS: without `mailto:` (any case), trimmed, lower-cased.
fn email(value: &str) -> String {
    let v = value.trim();
    let v = match v.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("mailto:") => &v[7..],
        _ => v,
    };
    v.trim().to_lowercase()
}

fn read_event(file: &Unfolded, c: &Component<'_>) -> Result<Event, Vec<FileProblem>> {
    let line = file.line_of(c.name.as_str()).unwrap_or(1);
    let mut problems = Vec::new();
    let at = |prop: &Property<'_>| file.line_of(prop.name.as_str()).unwrap_or(line);
    let mut uid = None;
    let mut start = None;
    let mut end = None;
    let mut duration = None;
    let mut event = Event {
        line,
        uid: String::new(),
        start: Moment {
            utc: chrono::DateTime::UNIX_EPOCH,
            tz: None,
            all_day: false,
        },
        duration: None,
        rrule: None,
        exdates: Vec::new(),
        rdates: Vec::new(),
        recurrence_id: None,
        cancelled: false,
        organizer: None,
        attendees: Vec::new(),
    };
    for prop in &c.properties {
        let name = prop.name.as_str().to_ascii_uppercase();
        let value = prop.val.as_str();
        let here = at(prop);
        let read = |v: &str| {
            values::moment(v, param(prop, "TZID"), param(prop, "VALUE"))
                .map_err(|m| problem(here, Some(&name), m))
        };
        match name.as_str() {
            "UID" => uid = Some(value.trim().to_string()),
            "DTSTART" => match read(value) {
                Ok(m) => start = Some((m, here)),
                Err(p) => problems.push(p),
            },
            "DTEND" => match read(value) {
                Ok(m) => end = Some((m, here)),
                Err(p) => problems.push(p),
            },
            "RECURRENCE-ID" => match read(value) {
                Ok(m) => event.recurrence_id = Some(m),
                Err(p) => problems.push(p),
            },
            "DURATION" => match values::duration(value) {
                Ok(d) => duration = Some((d, here)),
                Err(m) => problems.push(problem(here, Some(&name), m)),
            },
            "RRULE" => {
                if event.rrule.is_some() {
                    problems.push(problem(here, Some(&name), "only one RRULE per event"));
                }
                event.rrule = Some((value.trim().to_string(), here));
            }
            "EXDATE" | "RDATE" => {
                for v in value.split(',').filter(|v| !v.trim().is_empty()) {
                    // An RDATE period (`start/end`) counts by its start.
                    let v = v.split('/').next().unwrap_or(v);
                    match read(v) {
                        Ok(m) if name == "EXDATE" => event.exdates.push(m),
                        Ok(m) => event.rdates.push(m),
                        Err(p) => problems.push(p),
                    }
                }
            }
            "STATUS" => event.cancelled = value.trim().eq_ignore_ascii_case("CANCELLED"),
            "ORGANIZER" => event.organizer = Some(email(value)).filter(|e| !e.is_empty()),
            "ATTENDEE" => {
                // Rooms and equipment are not people.
                let cutype = param(prop, "CUTYPE").unwrap_or("INDIVIDUAL");
                if cutype.eq_ignore_ascii_case("ROOM") || cutype.eq_ignore_ascii_case("RESOURCE") {
                    continue;
                }
                let email = email(value);
                if !email.is_empty() {
                    event.attendees.push(Attendee {
                        email,
                        declined: param(prop, "PARTSTAT")
                            .is_some_and(|s| s.eq_ignore_ascii_case("DECLINED")),
                    });
                }
            }
            _ => {}
        }
    }
    match uid {
        Some(u) if !u.is_empty() => event.uid = u,
        _ => problems.push(problem(line, Some("UID"), "the event has no UID")),
    }
    match start {
        Some((m, _)) => event.start = m,
        None => problems.push(problem(line, Some("DTSTART"), "the event has no DTSTART")),
    }
    if let Some((d, here)) = duration {
        if d < Duration::zero() {
            problems.push(problem(
                here,
                Some("DURATION"),
                "a duration cannot be negative",
            ));
        }
        event.duration = Some(d);
    }
    if let (Some((e, here)), Some((s, _))) = (end, start) {
        if e.utc < s.utc {
            problems.push(problem(here, Some("DTEND"), "DTEND is before DTSTART"));
        }
        event.duration = Some(e.utc - s.utc);
    }
    if problems.is_empty() {
        Ok(event)
    } else {
        Err(problems)
    }
}

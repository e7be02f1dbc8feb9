//! The calendar reader on small files: recurrence, zones, exceptions, overrides, problems.

use chrono::{DateTime, Utc};

use super::{Calendar, Occurrence, parse};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A calendar holding `events` (each the lines between BEGIN:VEVENT and END:VEVENT).
fn ics(events: &[&str]) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for e in events {
        out.push_str("BEGIN:VEVENT\r\n");
        for line in e.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

const PEOPLE: &str =
    "ORGANIZER;CN=A:mailto:A@Example.com\nATTENDEE;PARTSTAT=ACCEPTED:MAILTO:b@example.com";

fn read(events: &[&str]) -> Calendar {
    parse(&ics(events), at("2028-01-01T00:00:00Z")).expect("parses")
}

fn starts(c: &Calendar) -> Vec<String> {
    c.occurrences
        .iter()
        .map(|o| o.start.format("%Y-%m-%dT%H:%MZ").to_string())
        .collect()
}

#[test]
fn a_single_event_is_one_occurrence_with_its_people_and_length() {
    let c = read(&[&format!(
        "UID:one@x\nDTSTART:20260105T140000Z\nDTEND:20260105T143000Z\n{PEOPLE}\n\
         ATTENDEE;PARTSTAT=DECLINED:mailto:c@example.com"
    )]);
    let o: &Occurrence = &c.occurrences[0];
    assert_eq!(c.occurrences.len(), 1);
    assert_eq!(o.external_id(), "one@x/2026-01-05T14:00:00Z");
    assert_eq!(o.duration, chrono::Duration::minutes(30));
    assert_eq!(o.participants(), vec!["a@example.com", "b@example.com"]);
    assert!(!o.cancelled && !o.all_day);
    assert_eq!(o.line, 4);
}

#[test]
fn a_berlin_series_keeps_nine_oclock_across_daylight_saving() {
    let c = read(&[&format!(
        "UID:dst@x\nDTSTART;TZID=Europe/Berlin:20260112T090000\nDURATION:PT30M\n\
         RRULE:FREQ=MONTHLY;INTERVAL=6;COUNT=2\n{PEOPLE}"
    )]);
    assert_eq!(starts(&c), ["2026-01-12T08:00Z", "2026-07-12T07:00Z"]);
    assert_eq!(c.occurrences[1].external_id(), "dst@x/2026-07-12T07:00:00Z");
}

#[test]
fn weekly_with_byday_interval_and_count() {
    let c = read(&[&format!(
        "UID:w@x\nDTSTART:20260105T100000Z\nDTEND:20260105T103000Z\n\
         RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5\n{PEOPLE}"
    )]);
    assert_eq!(
        starts(&c),
        [
            "2026-01-05T10:00Z",
            "2026-01-07T10:00Z",
            "2026-01-19T10:00Z",
            "2026-01-21T10:00Z",
            "2026-02-02T10:00Z"
        ]
    );
}

#[test]
fn daily_until_and_monthly_stop_where_they_say() {
    let c = read(&[
        &format!(
            "UID:d@x\nDTSTART:20260105T100000Z\nDTEND:20260105T101500Z\n\
             RRULE:FREQ=DAILY;UNTIL=20260107T100000Z\n{PEOPLE}"
        ),
        &format!(
            "UID:m@x\nDTSTART:20260131T100000Z\nDTEND:20260131T101500Z\n\
             RRULE:FREQ=MONTHLY;COUNT=3\n{PEOPLE}"
        ),
    ]);
    // The 31st exists in January, March and May only.
    assert_eq!(
        starts(&c),
        [
            "2026-01-05T10:00Z",
            "2026-01-06T10:00Z",
            "2026-01-07T10:00Z",
            "2026-01-31T10:00Z",
            "2026-03-31T10:00Z",
            "2026-05-31T10:00Z"
        ]
    );
}

#[test]
fn exdates_on_one_line_and_on_several_remove_occurrences_and_rdates_add() {
    let c = read(&[&format!(
        "UID:x@x\nDTSTART:20260105T100000Z\nDTEND:20260105T103000Z\n\
         RRULE:FREQ=WEEKLY;COUNT=5\n\
         EXDATE:20260112T100000Z,20260119T100000Z\nEXDATE:20260202T100000Z\n\
         RDATE:20260301T120000Z\n{PEOPLE}"
    )]);
    assert_eq!(
        starts(&c),
        [
            "2026-01-05T10:00Z",
            "2026-01-26T10:00Z",
            "2026-03-01T12:00Z"
        ]
    );
}

#[test]
fn an_override_moves_one_occurrence_and_another_cancels_one() {
    let master = format!(
        "UID:s@x\nDTSTART:20260105T100000Z\nDTEND:20260105T103000Z\n\
         RRULE:FREQ=WEEKLY;COUNT=3\n{PEOPLE}"
    );
    let moved = "UID:s@x\nRECURRENCE-ID:20260112T100000Z\nDTSTART:20260113T150000Z\n\
                 DTEND:20260113T160000Z";
    let cancelled = "UID:s@x\nRECURRENCE-ID:20260119T100000Z\nDTSTART:20260119T100000Z\n\
                     STATUS:CANCELLED";
    let c = read(&[&master, moved, cancelled]);
    let o = &c.occurrences;
    assert_eq!(o.len(), 3);
    assert_eq!(o[1].start, at("2026-01-13T15:00:00Z"));
    assert_eq!(o[1].external_id(), "s@x/2026-01-12T10:00:00Z");
    assert_eq!(o[1].duration, chrono::Duration::hours(1));
    assert_eq!(o[1].participants(), ["a@example.com", "b@example.com"]);
    assert!(o[2].cancelled && !o[1].cancelled && !o[0].cancelled);
    assert_eq!(o[2].duration, chrono::Duration::minutes(30));
    assert_eq!(c.uids, ["s@x"]);
}

#[test]
fn the_limit_bounds_open_series_and_floating_times_read_as_utc() {
    let text = ics(&[&format!(
        "UID:o@x\nDTSTART:20260105T100000\nDTEND:20260105T103000\nRRULE:FREQ=WEEKLY\n{PEOPLE}"
    )]);
    let c = parse(&text, at("2026-01-19T10:00:00Z")).unwrap();
    assert_eq!(starts(&c), ["2026-01-05T10:00Z", "2026-01-12T10:00Z"]);
}

#[test]
fn all_day_and_cancelled_events_are_marked() {
    let c = read(&[
        "UID:ad@x\nDTSTART;VALUE=DATE:20260302\nSUMMARY:Offsite",
        &format!("UID:c@x\nDTSTART:20260105T100000Z\nDURATION:PT30M\nSTATUS:CANCELLED\n{PEOPLE}"),
    ]);
    assert!(c.occurrences[0].all_day);
    assert!(c.occurrences[1].cancelled);
}

#[test]
fn folded_lines_are_unfolded_and_lines_still_counted() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:f@x\r\nDTSTART:20260105T100000Z\r\n\
                DURATION:PT30M\r\nORGANIZER:mailto:a@exa\r\n mple.com\r\nATTENDEE:mailto:b@example.com\r\n\
                RRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let problems = parse(text, at("2028-01-01T00:00:00Z")).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 9, "{problems:?}");
    assert_eq!(problems[0].column.as_deref(), Some("RRULE"));
}

#[test]
fn malformed_files_name_the_line() {
    let bad_date = ics(&["UID:b@x\nDTSTART:2026-01-05 10:00\nDURATION:PT30M"]);
    let p = parse(&bad_date, at("2028-01-01T00:00:00Z")).unwrap_err();
    assert_eq!(
        (p[0].line, p[0].column.as_deref()),
        (6, Some("DTSTART")),
        "{p:?}"
    );

    let no_colon =
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nthis is not ical\nEND:VEVENT\nEND:VCALENDAR\n";
    let p = parse(no_colon, at("2028-01-01T00:00:00Z")).unwrap_err();
    assert_eq!(p[0].line, 4, "{p:?}");

    let truncated = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20260105T100000Z\n";
    assert!(parse(truncated, at("2028-01-01T00:00:00Z")).is_err());

    let p = parse("hello\n", at("2028-01-01T00:00:00Z")).unwrap_err();
    assert_eq!(p[0].line, 1);

    let tz = ics(&["UID:t@x\nDTSTART;TZID=Nowhere/Land:20260105T100000\nDURATION:PT30M"]);
    let p = parse(&tz, at("2028-01-01T00:00:00Z")).unwrap_err();
    assert!(p[0].message.contains("Nowhere/Land"), "{p:?}");
}

#[test]
fn the_sample_calendar_reads() {
    let text = include_str!("../../../../shared/data/sample-calendar.ics");
    let c = parse(text, at("2028-01-01T00:00:00Z")).unwrap();
    assert_eq!(c.uids.len(), 81);
    assert!(c.occurrences.iter().any(|o| o.all_day));
}

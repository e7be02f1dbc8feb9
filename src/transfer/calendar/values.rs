//! iCalendar values: DATE and DATE-TIME (UTC, with a TZID, or floating) and DURATION.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// A DTSTART, DTEND, EXDATE, RDATE or RECURRENCE-ID value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Moment {
    /// The instant: a DATE is its midnight UTC; a floating time is read as UTC.
    pub utc: DateTime<Utc>,
    /// The IANA zone of a value given with `TZID=`, so that a series keeps its wall-clock
    /// time across daylight saving changes.
    pub tz: Option<chrono_tz::Tz>,
    /// A DATE rather than a DATE-TIME: an all-day event.
    pub all_day: bool,
}

/// Reads one date or date-time `value` with the property's `TZID` and `VALUE` parameters.
pub(super) fn moment(
    value: &str,
    tzid: Option<&str>,
    kind: Option<&str>,
) -> Result<Moment, String> {
    let value = value.trim();
    let is_date = kind.is_some_and(|k| k.eq_ignore_ascii_case("DATE"))
        || (value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()));
    if is_date {
        let day = NaiveDate::parse_from_str(value, "%Y%m%d")
            .map_err(|_| format!("`{value}` is not a date (YYYYMMDD)"))?;
        return Ok(Moment {
            utc: day.and_time(chrono::NaiveTime::MIN).and_utc(),
            tz: None,
            all_day: true,
        });
    }
    let (local, is_utc) = match value.strip_suffix(['Z', 'z']) {
        Some(v) => (v, true),
        None => (value, false),
    };
    let naive = NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S")
        .map_err(|_| format!("`{value}` is not a date-time (YYYYMMDDTHHMMSS, Z for UTC)"))?;
    if is_utc {
        return Ok(Moment {
            utc: naive.and_utc(),
            tz: None,
            all_day: false,
        });
    }
    match tzid {
        Some(name) => {
            let tz = zone(name)?;
            Ok(Moment {
                utc: in_zone(tz, naive),
                tz: Some(tz),
                all_day: false,
            })
        }
        None => Ok(Moment {
            utc: naive.and_utc(),
            tz: None,
            all_day: false,
        }),
    }
}

/// The IANA zone named by a TZID (quotes and a leading `/` allowed).
pub(super) fn zone(name: &str) -> Result<chrono_tz::Tz, String> {
    let name = name.trim().trim_matches('"');
    let name = name.strip_prefix('/').unwrap_or(name);
    name.parse::<chrono_tz::Tz>().map_err(|_| {
        format!("unknown time zone `{name}` (an IANA name such as Europe/Berlin is needed)")
    })
}

/// The instant of wall-clock time `naive` in `tz`: the earlier one when the clocks go back,
/// and an hour later when they skip it.
pub(super) fn in_zone(tz: chrono_tz::Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            let later = naive + Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| later.and_utc(), |t| t.with_timezone(&Utc))
        }
    }
}

/// Reads a DURATION such as `PT30M`, `PT1H15M`, `P1D` or `P1W`.
pub(super) fn duration(value: &str) -> Result<Duration, String> {
    let bad = || format!("`{value}` is not a duration (e.g. PT30M)");
    let v = value.trim();
    let (negative, v) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let v = v.strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let mut seconds: i64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in v.chars() {
        match c.to_ascii_uppercase() {
            'T' if number.is_empty() && !in_time => in_time = true,
            d if d.is_ascii_digit() => number.push(d),
            unit => {
                let n: i64 = number.parse().map_err(|_| bad())?;
                number.clear();
                let scale = match (unit, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return Err(bad()),
                };
                seconds = n
                    .checked_mul(scale)
                    .and_then(|s| s.checked_add(seconds))
                    .ok_or_else(bad)?;
                any = true;
            }
        }
    }
    if !number.is_empty() || !any {
        return Err(bad());
    }
    Ok(Duration::seconds(if negative { -seconds } else { seconds }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_nine_oclock_is_eight_utc_in_winter_and_seven_in_summer() {
        let jan = moment("20260112T090000", Some("Europe/Berlin"), None).unwrap();
        let jul = moment("20260713T090000", Some("Europe/Berlin"), None).unwrap();
        assert_eq!(jan.utc.to_rfc3339(), "2026-01-12T08:00:00+00:00");
        assert_eq!(jul.utc.to_rfc3339(), "2026-07-13T07:00:00+00:00");
    }

    #[test]
    fn utc_floating_and_dates_are_read() {
        let utc = moment("20260105T140000Z", None, None).unwrap();
        let floating = moment("20260105T140000", None, None).unwrap();
        assert_eq!(utc.utc, floating.utc);
        assert!(!utc.all_day);
        let day = moment("20260302", None, Some("DATE")).unwrap();
        assert!(day.all_day);
        assert!(moment("2026-01-05", None, None).is_err());
        assert!(moment("20260105T140000", Some("Mars/Olympus"), None).is_err());
    }

    #[test]
    fn durations_are_read() {
        assert_eq!(duration("PT30M").unwrap(), Duration::minutes(30));
        assert_eq!(duration("PT1H15M").unwrap(), Duration::minutes(75));
        assert_eq!(duration("P1D").unwrap(), Duration::days(1));
        assert_eq!(duration("P1W").unwrap(), Duration::weeks(1));
        assert!(duration("30M").is_err());
        assert!(duration("PT").is_err());
        assert!(duration("P1H").is_err());
    }
}

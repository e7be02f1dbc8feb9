//! Benchmark of `cadence import calendar` against the demo company: a generated calendar of
//! 20,000 recurring weekly and biweekly 1:1 series between real demo people (about 500,000
//! occurrences) is imported with the release binary, then imported again unchanged.
//!
//! `CADENCE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadence_bench cargo bench --bench import_calendar`
//!
//! The database is seeded with the demo company on first use (`seed-demo`,
//! `CADENCE_BENCH_PEOPLE`, default 10,000), then reused. The generated series have UIDs
//! `bench-N@calendar.bench`, distinct from every demo meeting's externalId; the meetings of
//! an earlier run are deleted first, so that each run measures the first import afresh.
//! `CADENCE_BENCH_EVENTS` sets the number of series (default 20,000), each of 25 occurrences.
//! Prints the timings of parsing alone, the first import and the unchanged re-import.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use cadence::config::DatabaseSettings;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `cadence ARGS` against `url`; panics unless it succeeds. Returns stdout.
fn cadence(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run cadence");
    assert!(
        out.status.success(),
        "cadence {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Ok(url) = std::env::var("CADENCE_BENCH_DATABASE_URL") else {
        eprintln!("set CADENCE_BENCH_DATABASE_URL to run this benchmark");
        return Ok(());
    };
    let people = env_or("CADENCE_BENCH_PEOPLE", 10_000);
    let events = env_or("CADENCE_BENCH_EVENTS", 20_000);
    let db = cadence::startup::connect(&DatabaseSettings::new(&url)).await?;
    cadence::startup::migrate(&db).await?;
    let backend = db.get_database_backend();
    let count = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM person",
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if (count as usize) < people {
        println!("seeding a {people}-person demo company…");
        cadence(&url, &["seed-demo", "--people", &people.to_string()]);
    }

    // People employed over the whole generated window.
    let now = Utc::now();
    let base = (now - Duration::days(200)).date_naive();
    let emails: Vec<String> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT p.email FROM person p WHERE p.start_date <= $1 AND p.end_date IS NULL ORDER BY p.id",
            [base.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "email"))
        .collect::<Result<_, _>>()?;
    assert!(emails.len() > 100, "too few people employed since {base}");

    let ics = calendar(&emails, events, base);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.ics");
    std::fs::write(&path, &ics)?;
    let until = (now + Duration::days(400)).format("%Y-%m-%d").to_string();
    println!(
        "calendar: {events} series, {:.1} MiB, between {} people; until {until}",
        ics.len() as f64 / (1024.0 * 1024.0),
        emails.len()
    );

    let started = Instant::now();
    let parsed = cadence::transfer::calendar::parse(&ics, now + Duration::days(400))
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    println!(
        "parse and expand: {} occurrences in {:.2?}",
        parsed.occurrences.len(),
        started.elapsed()
    );

    db.execute_unprepared("DELETE FROM meeting WHERE external_id LIKE 'bench-%'")
        .await?;
    let file = path.to_str().expect("a UTF-8 path");
    let args = ["import", "calendar", file, "--until", &until, "--json"];
    let started = Instant::now();
    let first = cadence(&url, &args);
    println!(
        "first import:     {:.2?}  {}",
        started.elapsed(),
        first.trim()
    );
    let started = Instant::now();
    let again = cadence(&url, &args);
    println!(
        "re-import:        {:.2?}  {}",
        started.elapsed(),
        again.trim()
    );
    Ok(())
}

/// `events` recurring 1:1 series of 25 occurrences, alternately weekly and biweekly,
/// starting on the days after `base`, each between two of `emails`.
fn calendar(emails: &[String], events: usize, base: NaiveDate) -> String {
    let n = emails.len();
    let mut out =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cadence//bench//EN\r\n");
    for i in 0..events {
        let host = &emails[i % n];
        let mut g = (i * 7919 + 1 + i / n) % n;
        if g == i % n {
            g = (g + 1) % n;
        }
        let guest = &emails[g];
        let day = base + Duration::days((i % 180) as i64);
        let hour = 8 + i % 9;
        let interval = 1 + i % 2;
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nUID:bench-{i}@calendar.bench\r\nDTSTAMP:20260101T000000Z\r\n\
             DTSTART:{d}T{hour:02}0000Z\r\nDTEND:{d}T{hour:02}3000Z\r\n\
             SUMMARY:1:1\r\nORGANIZER:mailto:{host}\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:{guest}\r\n\
             RRULE:FREQ=WEEKLY;INTERVAL={interval};COUNT=25\r\nEND:VEVENT\r\n",
            d = day.format("%Y%m%d"),
        );
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

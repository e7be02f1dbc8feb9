//! The HRIS CSV import at scale: generates an export of `CADENCE_BENCH_PEOPLE` people
//! (default 10,000; an 8-way reporting tree, 20 departments, some leavers) and runs the
//! release `cadence import people` on it three times, timing each run end to end (process
//! start, migrations check, parsing, the one transaction, statistics):
//! 1. the first import, which creates everyone;
//! 2. the same file again, which must change nothing;
//! 3. the file with one person in ten moved to another manager.
//!
//! `createdb -h 127.0.0.1 -U postgres cadence_bench_import && \
//!  CADENCE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cadence_bench_import \
//!  cargo bench --bench import_people`
//!
//! The database should be empty (or hold only an earlier run of this benchmark).
//! Target (README, "Performance"): the first import of 10,000 people under 10 s on PostgreSQL.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let Ok(database_url) = std::env::var("CADENCE_BENCH_DATABASE_URL") else {
        eprintln!("skipped: set CADENCE_BENCH_DATABASE_URL (see benches/import_people.rs)");
        return;
    };
    let people: usize = std::env::var("CADENCE_BENCH_PEOPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("hris.csv");

    std::fs::write(&file, export(people, 0)).expect("write the export");
    let (first, created) = run(&database_url, &file, &[]);
    let (again, unchanged) = run(&database_url, &file, &[]);
    std::fs::write(&file, export(people, 1)).expect("write the edited export");
    let (moved, updated) = run(&database_url, &file, &["--effective", "2026-01-01"]);

    println!("import people, {people} rows:");
    println!("  first import  {:>8.2?}  {created}", first);
    println!("  re-import     {:>8.2?}  {unchanged}", again);
    println!("  10% moved     {:>8.2?}  {updated}", moved);
    if first > Duration::from_secs(10) {
        println!("  over the 10 s target");
    }
}

/// Runs the import and returns its time and its JSON answer.
fn run(database_url: &str, file: &std::path::Path, args: &[&str]) -> (Duration, String) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args(["import", "people"])
        .arg(file)
        .arg("--json")
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run cadence import people");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success(),
        "import failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (elapsed, stdout)
}

/// An HRIS export of `n` people. `edit` 1 moves every tenth person (from the 20th on) to
/// the manager one before their own, which keeps the tree acyclic.
fn export(n: usize, edit: usize) -> String {
    let mut csv = String::from(
        "Employee ID,First Name,Last Name,Work Email,Job Title,Department,Manager ID,Hire Date,Termination Date\n",
    );
    for i in 1..=n {
        let mut manager = if i == 1 { 0 } else { (i - 2) / 8 + 1 };
        if edit == 1 && i >= 20 && i % 10 == 0 {
            manager -= 1;
        }
        let manager = if manager == 0 {
            String::new()
        } else {
            format!("H{manager:06}")
        };
        let hired = 2015 + i % 10;
        let month = 1 + i % 12;
        let left = if i > 1 && i % 50 == 0 {
            format!("{}-06-30", hired + 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            csv,
            "H{i:06},Person,\"Number {i}, Jr.\",person.{i}@bench.example.com,{title},Department {dept},{manager},{hired}-{month:02}-01,{left}",
            title = if i <= n / 8 { "Manager" } else { "Engineer" },
            dept = i % 20,
        );
    }
    csv
}

//! The subcommands: each reads its settings and runs.

mod export;
mod import_calendar;
mod import_people;

use anyhow::Context;
use chrono::Utc;
use rand::RngCore;

use crate::auth::jwt::{Claims, JwtKeys};
use crate::config::{
    AuthSettings, CheckOverdueArgs, Command, DatabaseSettings, ExportCommand, FreezeRatingsArgs,
    ImportCommand, SeedArgs, ServeArgs, TokenArgs, TokenRole,
};
use crate::demo;
use crate::graphql::build_schema;
use crate::http::explorer::ExplorerSettings;
use crate::startup::{self, Application, Settings};

pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) if args.demo => serve_demo(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Migrate(database) => {
            let db = startup::connect(&database).await?;
            startup::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Schema => {
            print!("{}", schema_sdl());
            Ok(())
        }
        Command::Token(args) => {
            println!("{}", mint(&args)?);
            Ok(())
        }
        Command::SeedDemo(args) => seed_demo(args).await,
        Command::Import(ImportCommand::People(args)) => import_people::run(args).await,
        Command::Import(ImportCommand::Calendar(args)) => import_calendar::run(args).await,
        Command::Export(ExportCommand::Meetings(args)) => export::meetings(args).await,
        Command::Export(ExportCommand::Coverage(args)) => export::coverage(args).await,
        Command::FreezeRatings(args) => freeze_ratings(args).await,
        Command::CheckOverdue(args) => check_overdue(args).await,
    }
}

/// An import's problems, told the way the commands tell them: one JSON object on stdout
/// with `--json`, else one `FILE:LINE: COLUMN: message` line each on stderr. Returns the
/// error that ends the command with exit status 2.
fn refuse_file(
    file: &std::path::Path,
    problems: &[crate::error::FileProblem],
    json: bool,
) -> anyhow::Error {
    if json {
        println!("{}", serde_json::json!({ "problems": problems }));
    } else {
        let file = file.display();
        for p in problems {
            match &p.column {
                Some(column) => eprintln!("{file}:{}: {column}: {}", p.line, p.message),
                None => eprintln!("{file}:{}: {}", p.line, p.message),
            }
        }
        eprintln!("{} problem(s); nothing was imported", problems.len());
    }
    Exit { status: 2 }.into()
}

/// A command that has already told the user what went wrong (on stdout or stderr) and
/// only needs the process to end with `status`: `main` exits with it and prints nothing more.
#[derive(Debug, thiserror::Error)]
#[error("exit status {status}")]
pub struct Exit {
    pub status: u8,
}

/// The SDL `cadence schema` prints and `schema.graphql` holds.
pub fn schema_sdl() -> String {
    build_schema(&Default::default(), None).sdl()
}

fn mint(args: &TokenArgs) -> anyhow::Result<String> {
    let keys = JwtKeys::for_minting(&args.auth)?;
    let mut claims = Claims::new(&args.sub, Utc::now(), args.ttl);
    match args.role {
        Some(TokenRole::HrAdmin) => claims.roles.push("hr_admin".into()),
        Some(TokenRole::Integration) => claims.roles.push("integration".into()),
        None => {}
    }
    claims.scope = args.scope.clone();
    keys.mint(claims)
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(Settings {
        bind: args.bind.clone(),
        workers: args.workers,
        database: args.database,
        auth: args.auth,
        cors: args.cors,
        limits: args.limits,
        explorer: Default::default(),
    })
    .await?;
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    Ok(())
}

/// The first query README.md shows (a test holds the two together).
pub const FIRST_QUERY: &str = "{
  viewer {
    name
    title
    manager { name }
    directReports { totalCount nodes { name title } }
    meetsWith(first: 5) { nodes { person { name } count lastMetAt kinds } }
  }
}
";

/// The demo's GraphiQL page: the README's first query in the editor, and the HR admin's
/// token in the Headers tab. Only `serve --demo` puts a token into the page.
pub fn demo_explorer(hr_admin_token: &str) -> ExplorerSettings {
    let headers = serde_json::json!({ "Authorization": format!("Bearer {hr_admin_token}") });
    ExplorerSettings {
        query: Some(FIRST_QUERY.into()),
        headers: Some(serde_json::to_string_pretty(&headers).expect("a JSON object")),
    }
}

/// `serve --demo`: a throwaway database and secret, a generated company, printed tokens.
async fn serve_demo(args: ServeArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("creating a directory for the demo database")?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("demo.db").display());
    // Never DATABASE_URL nor its replica.
    let database = DatabaseSettings {
        url,
        read_url: None,
        ..args.database.clone()
    };
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let auth = AuthSettings {
        jwt_secret: Some(secret.iter().map(|b| format!("{b:02x}")).collect()),
        jwt_public_key_file: None,
        jwks_url: None,
        ..args.auth.clone()
    };
    let db = startup::connect(&database).await?;
    startup::migrate(&db).await?;
    let started = std::time::Instant::now();
    let company = demo::seed(&db, args.demo_people, 42, Utc::now()).await?;
    tracing::info!(people = company.people, elapsed = ?started.elapsed(), "demo company generated");

    let keys = JwtKeys::from_settings(&auth)?;
    let ttl = std::time::Duration::from_secs(12 * 3600);
    let token = |sub: &str, role: Option<&str>, scope: Option<&str>| -> anyhow::Result<String> {
        let mut claims = Claims::new(sub, Utc::now(), ttl);
        claims.roles.extend(role.map(String::from));
        claims.scope = scope.map(String::from);
        keys.mint(claims)
    };
    let hr_admin_token = token(&company.hr_admin, Some("hr_admin"), None)?;
    let app = Application::build_with_db(
        Settings {
            bind: args.bind.clone(),
            workers: args.workers,
            database,
            auth: auth.clone(),
            cors: args.cors,
            limits: args.limits,
            explorer: demo_explorer(&hr_admin_token),
        },
        db,
    )
    .await?;
    let host = args.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    println!(
        "Cadence demo: {} people, {} meetings, database in {}",
        company.people,
        company.meetings,
        dir.path().display()
    );
    println!("GraphiQL:    http://{host}:{}/graphql", app.port());
    println!("Tokens (valid 12 hours; send as `Authorization: Bearer <token>`):");
    println!("  HR admin    ({}): {hr_admin_token}", company.hr_admin);
    println!(
        "  director    ({}): {}",
        company.director,
        token(&company.director, None, None)?
    );
    println!(
        "  manager     ({}): {}",
        company.manager,
        token(&company.manager, None, None)?
    );
    println!(
        "  employee    ({}): {}",
        company.employee,
        token(&company.employee, None, None)?
    );
    println!(
        "  integration (hris-sync): {}",
        token(
            "hris-sync",
            Some("integration"),
            Some("org:read org:write meetings:read meetings:write")
        )?
    );
    app.run_until_stopped().await?;
    drop(dir);
    Ok(())
}

/// `cadence check-overdue`: prints each episode it announced (`MANAGER REPORT DUE DAYS`
/// by row id, or one JSON object with `--json`).
async fn check_overdue(args: CheckOverdueArgs) -> anyhow::Result<()> {
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let clock = Utc::now();
    let now = args.now.unwrap_or(clock);
    // An episode announced ahead of time would stay announced.
    anyhow::ensure!(now <= clock, "--now {now} lies in the future");
    let started = std::time::Instant::now();
    let checked = crate::service::reminders::check_overdue(&db, now).await?;
    let took = started.elapsed();
    let announced: Vec<serde_json::Value> = checked
        .announced
        .iter()
        .map(|o| {
            serde_json::json!({
                "managerId": o.pair.manager,
                "reportId": o.pair.report,
                "dueAt": o.due_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "daysOverdue": o.days,
            })
        })
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "skipped": checked.skipped,
                "overdue": checked.overdue,
                "announced": announced,
            })
        );
    } else {
        for o in &checked.announced {
            println!(
                "{} {} {} {}",
                o.pair.manager,
                o.pair.report,
                o.due_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                o.days
            );
        }
    }
    if checked.skipped {
        eprintln!("another instance is checking: skipped");
    } else {
        eprintln!(
            "{} overdue, {} newly announced, in {} ms",
            checked.overdue,
            checked.announced.len(),
            took.as_millis()
        );
    }
    db.close().await.ok();
    Ok(())
}

/// `cadence freeze-ratings`: prints the quarters it froze, one `YYYY-MM-DD` start a line,
/// and also freezes the pulse rounds whose closing time has passed.
async fn freeze_ratings(args: FreezeRatingsArgs) -> anyhow::Result<()> {
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let clock = Utc::now();
    let now = args.now.unwrap_or(clock);
    // Freezing a quarter that has not ended would cut it short for good.
    anyhow::ensure!(now <= clock, "--now {now} lies in the future");
    let froze = crate::service::insights::freeze_ended_quarters(&db, now).await?;
    for quarter in &froze {
        println!("{}", quarter.format("%Y-%m-%d"));
    }
    eprintln!("{} quarter(s) frozen", froze.len());
    let rounds = crate::service::pulse::freeze_ended_rounds(&db, now).await?;
    eprintln!("{} pulse round(s) frozen", rounds.len());
    db.close().await.ok();
    Ok(())
}

async fn seed_demo(args: SeedArgs) -> anyhow::Result<()> {
    let db = startup::connect(&args.database).await?;
    startup::migrate(&db).await?;
    let started = std::time::Instant::now();
    let company = demo::seed(&db, args.people, args.seed, Utc::now()).await?;
    println!(
        "seeded {} people and {} meetings in {:.1?}; try tokens for HR admin {}, director {}, manager {}, employee {}",
        company.people,
        company.meetings,
        started.elapsed(),
        company.hr_admin,
        company.director,
        company.manager,
        company.employee
    );
    Ok(())
}

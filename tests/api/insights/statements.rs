//! A whole-org report runs a fixed number of statements, however large the org.

use chrono::Utc;
use serde_json::{Value, json};

use crate::db_test;
use crate::support::{Answer, Backend, Org, row};

const WHOLE_ORG: &str = "query($ceo: ID!) {
  coverageReport(managerId: $ceo) {
    directCoverage
    overdue { manager { name } report { name } daysOverdue }
    managers { manager { name } directCoverage overdue { report { name } } }
  }
}";

/// An org under `ceo`: `directors` directors with `managers` managers each with `reports`
/// reports; every manager met their first report last week, nobody else ever.
async fn grow_org(company: &mut Org, ceo: &str, directors: usize, managers: usize, reports: usize) {
    let mut rows = vec![row(ceo, &format!("Chief {ceo}"), None, "2025-01-01")];
    let mut first_reports = Vec::new();
    for d in 0..directors {
        let director = format!("{ceo}-d{d}");
        rows.push(row(
            &director,
            &format!("Director {director}"),
            Some(ceo),
            "2025-01-01",
        ));
        for m in 0..managers {
            let manager = format!("{director}-m{m}");
            rows.push(row(
                &manager,
                &format!("Manager {manager}"),
                Some(&director),
                "2025-01-01",
            ));
            for r in 0..reports {
                let report = format!("{manager}-r{r}");
                rows.push(row(
                    &report,
                    &format!("Report {report}"),
                    Some(&manager),
                    "2025-01-01",
                ));
                if r == 0 {
                    first_reports.push((manager.clone(), report));
                }
            }
        }
    }
    company.hire(Value::Array(rows)).await;
    let last_week = (Utc::now() - chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    for (manager, report) in first_reports {
        company
            .meet_on(
                &manager,
                &report,
                &last_week,
                "HELD",
                &[("TACTICAL", "Status")],
            )
            .await;
    }
}

db_test!(a_whole_org_report_runs_a_fixed_number_of_statements);
async fn a_whole_org_report_runs_a_fixed_number_of_statements(backend: Backend) {
    let mut company =
        Org::spawn_with(backend, json!([row("hr", "Hana HR", None, "2025-01-01")])).await;
    grow_org(&mut company, "small", 1, 1, 2).await;
    grow_org(&mut company, "large", 3, 3, 4).await;
    let run = |ceo: &str| {
        let company = &company;
        let vars = json!({ "ceo": company.id(ceo) });
        async move {
            let before = company.app.statements();
            let answer = company.gql("hr", WHOLE_ORG, vars).await.ok();
            (company.app.statements() - before, answer)
        }
    };

    let (small, small_answer) = run("small").await;
    let (large, large_answer) = run("large").await;

    let managers = |a: &Answer| a.data("/coverageReport/managers").as_array().unwrap().len();
    assert_eq!(managers(&small_answer), 2);
    assert_eq!(managers(&large_answer), 12);
    // 1 director + 9 managers overdue below the large CEO, each shown with names.
    let overdue_below = |a: &Answer| -> usize {
        a.data("/coverageReport/managers")
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["overdue"].as_array().unwrap().len())
            .sum()
    };
    assert_eq!(overdue_below(&small_answer), 2);
    assert_eq!(overdue_below(&large_answer), 3 * 3 + 9 * 3);
    assert_eq!(
        small, large,
        "statements grow with the org: {small} for 5 people, {large} for 49"
    );
    // The viewer, the chains, the pairs, the 90-day figures, the older 1:1s of the pairs
    // without a recent one, the policies, the check-in pairs, the names.
    assert!(small <= 8, "{small} statements");
}

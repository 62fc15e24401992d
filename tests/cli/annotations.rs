//! Annotations reach the verdicts: excluding a run that holds an outlier
//! changes the next run's verdict, and acknowledging a shift stops a later
//! PR from failing; both survive a re-ingest and live in the database.

use crate::histories::Rng;
use crate::support::{Sandbox, rows};

const METRIC: &str = "prover.openings_time_ms";
const HEAD: &str = "abababababababababababababababababababab";

fn commit(i: usize) -> String {
    format!("{i:03}{}", "0".repeat(37))
}

/// One run: the leaf group's openings time (a headline metric outside the
/// proof-time totals, so it is the only series that moves).
fn write_run(sandbox: &Sandbox, file: &str, value: f64) -> std::path::PathBuf {
    sandbox.write(
        file,
        format!(
            r#"{{"gauge": [{{"labels": [["group", "leaf"], ["idx", "0"]], "metric": "{METRIC}", "value": "{value}"}}]}}"#
        ),
    )
}

/// Stores `values` on main, a minute apart, then `head` on a PR branch.
fn history(values: &[f64], head: f64) -> Sandbox {
    let sandbox = Sandbox::new();
    for (i, value) in values.iter().enumerate() {
        let file = write_run(&sandbox, &format!("main{i}.json"), *value);
        sandbox.ingest_as(
            &file,
            "fib",
            "main",
            &commit(i),
            Some(&format!("2026-04-01T00:{i:02}:00Z")),
        );
    }
    let file = write_run(&sandbox, "head.json", head);
    ingest_head(&sandbox, &file);
    sandbox
}

fn ingest_head(sandbox: &Sandbox, file: &std::path::Path) -> i64 {
    sandbox.ingest_as(file, "fib", "pr", HEAD, Some("2026-04-01T01:00:00Z"))
}

/// The exit code of the PR gate at `head`, and its stdout.
fn gate(sandbox: &Sandbox, head: &str) -> (i32, String) {
    let output = sandbox
        .prof()
        .args(["report", "--commit", head, "--fail-on", "regression"])
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn noisy(rng: &mut Rng, level: f64) -> f64 {
    level * (1.0 + 0.005 * rng.normal())
}

#[test]
fn excluding_an_outlier_run_changes_the_next_run_s_verdict() {
    let mut rng = Rng::new(5);
    let mut values: Vec<f64> = (0..20).map(|_| noisy(&mut rng, 1_000.0)).collect();
    const OUTLIER: usize = 10;
    values[OUTLIER] = 1_600.0;
    let sandbox = history(&values, 1_060.0);
    let (code, summary) = gate(&sandbox, HEAD);
    assert_eq!(code, 0, "the outlier's spread hides +6 %:\n{summary}");

    let outlier_run: i64 = sandbox
        .conn()
        .query_row(
            "SELECT id FROM runs WHERE commit_sha = ?1",
            [commit(OUTLIER)],
            |r| r.get(0),
        )
        .unwrap();
    sandbox
        .prof()
        .args([
            "exclude",
            &outlier_run.to_string(),
            "--reason",
            "thermal throttling",
        ])
        .assert()
        .success();
    let (code, summary) = gate(&sandbox, HEAD);
    assert_eq!(
        code, 1,
        "without the outlier +6 % is a regression:\n{summary}"
    );
    assert!(summary.contains(METRIC), "{summary}");

    // A re-ingest of the outlier's file finds the stored run and keeps it
    // excluded: the exclusion is a row of the database, not of the file.
    let again = sandbox.ingest_as(
        &sandbox.path(&format!("main{OUTLIER}.json")),
        "fib",
        "main",
        &commit(OUTLIER),
        None,
    );
    assert_eq!(again, outlier_run);
    let excluded: Vec<i64> = rows(
        &sandbox.conn(),
        "SELECT run_id FROM run_exclusions",
        [],
        |r| r.get(0),
    );
    assert_eq!(excluded, vec![outlier_run]);
    assert_eq!(gate(&sandbox, HEAD).0, 1);

    sandbox
        .prof()
        .args(["exclude", &outlier_run.to_string(), "--undo"])
        .assert()
        .success();
    assert_eq!(
        gate(&sandbox, HEAD).0,
        0,
        "undone, the outlier counts again"
    );
}

#[test]
fn acknowledging_a_shift_stops_later_prs_from_failing() {
    let mut rng = Rng::new(6);
    // 30 runs at 1,000, then the accepted slowdown merged: a run at 1,100.
    let mut values: Vec<f64> = (0..30).map(|_| noisy(&mut rng, 1_000.0)).collect();
    values.push(noisy(&mut rng, 1_100.0));
    let accepted = commit(30);
    let sandbox = history(&values, noisy(&mut rng, 1_100.0));
    let (code, summary) = gate(&sandbox, HEAD);
    assert_eq!(
        code, 1,
        "before the ack, the window holds the old level:\n{summary}"
    );

    let series = format!("fib/leaf/{METRIC}");
    sandbox
        .prof()
        .args(["ack", &format!("{series}@{}", &accepted[..12])])
        .args(["--reason", "new openings, slower by design"])
        .assert()
        .success();
    let (code, summary) = gate(&sandbox, HEAD);
    assert_eq!(
        code, 0,
        "after the ack, history before it is no baseline:\n{summary}"
    );

    // Main stays at the new level; a later PR there passes too, and a
    // re-ingest of the first head changes nothing.
    for i in 31..33 {
        let file = write_run(&sandbox, &format!("main{i}.json"), noisy(&mut rng, 1_100.0));
        sandbox.ingest(
            &file,
            &["--name", "fib", "--branch", "main", "--commit", &commit(i)]
                .into_iter()
                .chain(["--time", &format!("2026-04-01T00:{i:02}:00Z")])
                .collect::<Vec<_>>(),
        );
    }
    let later = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
    let file = write_run(&sandbox, "later.json", noisy(&mut rng, 1_100.0));
    sandbox.ingest_as(&file, "fib", "pr", later, Some("2026-04-01T02:00:00Z"));
    assert_eq!(gate(&sandbox, later).0, 0);
    ingest_head(&sandbox, &sandbox.path("head.json"));
    assert_eq!(gate(&sandbox, HEAD).0, 0);
    let acks: Vec<(String, String, String)> = rows(
        &sandbox.conn(),
        "SELECT group_name, metric, commit_sha FROM series_acks",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    assert_eq!(acks, vec![("leaf".into(), METRIC.into(), accepted.clone())]);

    // With three runs at the new level, `prof changes` finds the shift at
    // the acknowledged commit and shows it as acknowledged.
    let changes = sandbox
        .prof()
        .args(["changes", "--format", "json", "--metric", METRIC])
        .output()
        .unwrap();
    let found: serde_json::Value = serde_json::from_slice(&changes.stdout).unwrap();
    let shift = &found["benchmarks"][0]["changes"][0];
    assert_eq!(shift["series"], series.as_str(), "{found:#}");
    assert_eq!(shift["after_commit"], accepted.as_str(), "{found:#}");
    assert_eq!(
        shift["acknowledged"]["reason"],
        "new openings, slower by design"
    );
}

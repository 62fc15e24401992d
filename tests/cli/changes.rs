//! `prof changes`, `exclude`, `ack`, `annotations`, and the change points in
//! `report` and `trend`, on a stored history with known truth: a +8 % step
//! in a proving time, one more cycle in a counter and a single outlier.

use serde_json::Value;

use crate::histories::Rng;
use crate::support::{Sandbox, Succeeds, rows};

pub const RUNS: usize = 60;
/// The first run of the slower proving time.
pub const STEP: usize = 30;
/// The first run with one more cycle.
pub const CYCLE: usize = 45;
/// A run whose trace generation took 40 % longer, once.
pub const OUTLIER: usize = 15;

pub fn commit(i: usize) -> String {
    format!("{i:03}{}", "0".repeat(37))
}

/// Stores the history on main, one run per commit, a minute apart.
pub fn history(sandbox: &Sandbox) {
    let mut rng = Rng::new(42);
    for i in 0..RUNS {
        let prove = 2_000.0 * if i >= STEP { 1.08 } else { 1.0 } * (1.0 + 0.01 * rng.normal());
        let trace = 300.0 * if i == OUTLIER { 1.4 } else { 1.0 } * (1.0 + 0.01 * rng.normal());
        let exec = 100.0 * (1.0 + 0.01 * rng.normal());
        let cycles = if i >= CYCLE { 1_000_001 } else { 1_000_000 };
        let labels = r#"[["group", "fib"], ["segment", "0"]]"#;
        let file = sandbox.write(
            &format!("run{i}.json"),
            format!(
                r#"{{"gauge": [
                  {{"labels": {labels}, "metric": "stark_prove_excluding_trace_time_ms", "value": "{prove}"}},
                  {{"labels": {labels}, "metric": "trace_gen_time_ms", "value": "{trace}"}},
                  {{"labels": {labels}, "metric": "execute_time_ms", "value": "{exec}"}}],
                 "counter": [{{"labels": {labels}, "metric": "execute_preflight_insns", "value": "{cycles}"}}]}}"#
            ),
        );
        let time = format!("2026-03-01T{:02}:{:02}:00Z", i / 60, i % 60);
        sandbox.ingest_as(&file, "fib", "main", &commit(i), Some(&time));
    }
}

fn changes_json(sandbox: &Sandbox, extra: &[&str]) -> Value {
    let output = sandbox
        .prof()
        .args(["changes", "--format", "json"])
        .args(extra)
        .succeeds();
    serde_json::from_slice(&output.stdout).unwrap()
}

fn changes_of<'a>(found: &'a Value, series: &str) -> Vec<&'a Value> {
    found["benchmarks"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["series"] == series)
        .collect()
}

#[test]
fn changes_finds_the_step_the_extra_cycle_and_not_the_outlier() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let found = changes_json(&sandbox, &[]);
    let step = changes_of(&found, "fib/fib/stark_prove_excluding_trace_time_ms");
    assert_eq!(step.len(), 1, "{found:#}");
    let step = step[0];
    assert_eq!(step["before_commit"], commit(STEP - 1));
    assert_eq!(step["after_commit"], commit(STEP));
    assert_eq!(step["method"], "noisy");
    assert_eq!(step["direction"], "worse");
    assert_eq!(step["holds_at_head"], true);
    assert_eq!(step["n_before"], STEP);
    assert_eq!(step["n_after"], RUNS - STEP);
    let pct = step["change_pct"].as_f64().unwrap();
    assert!((pct - 8.0).abs() < 1.0, "{pct}");
    assert!(step["p_value"].as_f64().unwrap() < 1e-9);
    // The run totals carry the step too.
    assert_eq!(changes_of(&found, "fib/serial_s").len(), 1);

    let cycle = changes_of(&found, "fib/fib/execute_preflight_insns");
    assert_eq!(cycle.len(), 1);
    assert_eq!(cycle[0]["method"], "exact");
    assert_eq!(cycle[0]["mean_before"], 1_000_000.0);
    assert_eq!(cycle[0]["mean_after"], 1_000_001.0);
    assert_eq!(cycle[0]["after_commit"], commit(CYCLE));
    assert!(cycle[0]["p_value"].is_null());

    assert!(
        changes_of(&found, "fib/fib/trace_gen_time_ms").is_empty(),
        "a single outlier is not a shift"
    );

    // Worst first in the table; the same bytes every time.
    let md = |s: &Sandbox| s.prof().arg("changes").output().unwrap().stdout;
    let text = String::from_utf8(md(&sandbox)).unwrap();
    assert_eq!(md(&sandbox), text.as_bytes(), "deterministic");
    let step_row = text.find("stark_prove_excluding_trace_time_ms`").unwrap();
    let cycle_row = text.find("execute_preflight_insns`").unwrap();
    assert!(step_row < cycle_row, "+8 % before +0.0001 %:\n{text}");
    assert!(text.contains("| holds |"), "{text}");

    let csv = String::from_utf8(
        sandbox
            .prof()
            .args(["changes", "--format", "csv"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let rows_count = found["benchmarks"][0]["changes"].as_array().unwrap().len();
    assert_eq!(csv.lines().count(), rows_count + 1, "{csv}");
    assert!(csv.starts_with("name,group,metric,method,"));

    let only = changes_json(&sandbox, &["--metric", "trace_gen_time_ms", "--last", "1"]);
    assert_eq!(only["series"], 1, "one series, no totals");
}

#[test]
fn exclusions_and_acks_are_stored_survive_a_reingest_and_show() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let run_before_step: i64 = sandbox
        .conn()
        .query_row(
            "SELECT id FROM runs WHERE commit_sha = ?1",
            [commit(STEP - 1)],
            |row| row.get(0),
        )
        .unwrap();
    sandbox
        .prof()
        .args([
            "exclude",
            &run_before_step.to_string(),
            "--reason",
            "noisy box",
            "--by",
            "ci",
        ])
        .assert()
        .success();
    let series = format!(
        "fib/fib/stark_prove_excluding_trace_time_ms@{}",
        &commit(STEP)[..7]
    );
    sandbox
        .prof()
        .args(["ack", &series, "--reason", "a first reason"])
        .env("GITHUB_ACTOR", "octocat")
        .assert()
        .success();
    // The same series and commit again: one ack with the new reason, not two.
    sandbox
        .prof()
        .args(["ack", &series, "--reason", "new prover, slower by design"])
        .env("GITHUB_ACTOR", "octocat")
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "replaced the reason of the ack of",
        ));

    // A re-ingest of a stored file adds nothing and keeps the annotations.
    let file = sandbox.path(&format!("run{}.json", STEP - 1));
    let again = sandbox.ingest_as(&file, "fib", "main", &commit(STEP - 1), None);
    assert_eq!(again, run_before_step);
    let stored: Vec<(i64, String, String)> = rows(
        &sandbox.conn(),
        "SELECT run_id, reason, created_by FROM run_exclusions",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    assert_eq!(
        stored,
        vec![(run_before_step, "noisy box".into(), "ci".into())]
    );
    // Outputs that show the run say it is excluded, and why.
    let listed = sandbox.json(&["runs", "--format", "json"]);
    let excluded: Vec<&serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|run| run.get("excluded").is_some())
        .collect();
    assert_eq!(excluded.len(), 1, "{listed}");
    assert_eq!(excluded[0]["id"], run_before_step);
    assert_eq!(excluded[0]["excluded"], "noisy box");
    let table = sandbox.stdout(&["runs"]);
    assert!(
        table.contains(&format!("{run_before_step}x ")) && table.contains("x excluded from"),
        "{table}"
    );
    let shown = sandbox.stdout(&["show", &run_before_step.to_string()]);
    assert!(
        shown.contains("**excluded** from history: noisy box"),
        "{shown}"
    );
    let acks: Vec<(String, String, String, String)> = rows(
        &sandbox.conn(),
        "SELECT group_name, metric, commit_sha, created_by FROM series_acks",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    );
    assert_eq!(
        acks,
        vec![(
            "fib".into(),
            "stark_prove_excluding_trace_time_ms".into(),
            commit(STEP),
            "octocat".into()
        )]
    );

    // The excluded run is left out: the range to bisect now starts a run
    // earlier, and the run is listed as excluded; the ack shows its reason.
    let found = changes_json(&sandbox, &[]);
    let step = changes_of(&found, "fib/fib/stark_prove_excluding_trace_time_ms")[0];
    assert_eq!(step["before_commit"], commit(STEP - 2));
    assert_eq!(step["n_before"], STEP - 1);
    assert_eq!(
        step["acknowledged"]["reason"],
        "new prover, slower by design"
    );
    assert_eq!(step["acknowledged"]["by"], "octocat");
    assert_eq!(
        found["benchmarks"][0]["excluded"][0]["run_id"],
        run_before_step
    );
    assert!(changes_of(&found, "fib/serial_s")[0]["acknowledged"].is_null());

    let listing: Value = serde_json::from_slice(
        &sandbox
            .prof()
            .args(["annotations", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(listing["exclusions"][0]["run_id"], run_before_step);
    assert_eq!(
        listing["acks"][0]["series"],
        "fib/fib/stark_prove_excluding_trace_time_ms"
    );
    assert!(listing["acks"][0]["at"].as_str().unwrap().ends_with('Z'));

    sandbox
        .prof()
        .args(["exclude", &run_before_step.to_string(), "--undo"])
        .assert()
        .success();
    let found = changes_json(&sandbox, &[]);
    let step = changes_of(&found, "fib/fib/stark_prove_excluding_trace_time_ms")[0];
    assert_eq!(
        step["before_commit"],
        commit(STEP - 1),
        "the run counts again"
    );
}

#[test]
fn report_lists_recent_shifts_and_trend_marks_them() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let head = sandbox.path(&format!("run{}.json", RUNS - 1));
    sandbox.ingest(
        &head,
        &[
            "--name",
            "fib",
            "--branch",
            "pr-1",
            "--commit",
            "abcdef1",
            "--time",
            "2026-03-02T00:00:00Z",
            "--force",
        ],
    );
    let report = |since: &str| {
        sandbox
            .prof()
            .args(["report", "--commit", "abcdef1", "--since", since])
            .output()
            .unwrap()
    };
    let recent = String::from_utf8(report("14d").stdout).unwrap();
    assert!(
        recent.contains("### Recent shifts on the base branch"),
        "{recent}"
    );
    assert!(
        recent.contains("`fib/fib/stark_prove_excluding_trace_time_ms`"),
        "{recent}"
    );
    // The history is from the day before the head run: 1h back finds none.
    let none = String::from_utf8(report("1h").stdout).unwrap();
    assert!(!none.contains("Recent shifts"), "{none}");
    let bad = report("5x");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since 5x"));

    let trend = String::from_utf8(
        sandbox
            .prof()
            .args([
                "trend",
                "stark_prove_excluding_trace_time_ms",
                "--branch",
                "main",
                "--last",
                "60",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let marked: Vec<&str> = trend
        .lines()
        .filter(|l| l.contains("change point"))
        .collect();
    assert_eq!(marked.len(), 1, "{trend}");
    assert!(marked[0].contains(&commit(STEP)), "{}", marked[0]);
}

#[test]
fn bad_flags_and_targets_get_one_line() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    for (args, expected) in [
        (vec!["changes", "--alpha", "2"], "--alpha 2"),
        (vec!["changes", "--window", "0"], "--window 0"),
        (vec!["changes", "--min-change", "-1"], "--min-change -1"),
        (
            vec!["changes", "--branch", "nope"],
            "no runs on branch nope",
        ),
        (
            vec!["ack", "fib/nope/x@000", "--reason", "r"],
            "no run of fib has this series",
        ),
        (
            vec!["ack", "fib/serial_s", "--reason", "r"],
            "expected SERIES@COMMIT",
        ),
        (
            vec!["ack", "fib/serial_s@fff", "--reason", "r"],
            "no run of fib at a commit",
        ),
        (vec!["ack", "fib/serial_s@0", "--reason", "r"], "ambiguous"),
        (vec!["exclude", "999", "--reason", "r"], "no run 999"),
        (vec!["exclude", "1", "--reason", " "], "--reason is empty"),
    ] {
        let output = sandbox.prof().args(&args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let tables: i64 = sandbox
        .conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM run_exclusions) + (SELECT COUNT(*) FROM series_acks)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "nothing was recorded");
}

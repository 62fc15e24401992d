//! Verdicts from history end to end through the CLI: a seeded history of
//! main runs (1 % noise per sample on times, none on counters), then PR
//! heads that are pure noise, 4 % slower leaf proving, or one cycle more;
//! `report --fail-on`, `compare`, `check`, and the flag checks. The rates
//! over many trials are tested on in-memory series in the library
//! (`report::verdict` tests); this checks the same rules reach the outputs.

use std::path::PathBuf;

use crate::histories::Rng;
use crate::support::Sandbox;

#[derive(Clone, Copy, PartialEq)]
enum Head {
    Noise,
    LeafSlower,
    OneMoreCycle,
    /// Leaf proving 10 % slower: a bad machine.
    LeafOutlier,
    /// The first leaf proof's proving time is `NaN`: its sums read low.
    LeafNaN,
    /// Every leaf proof's proving time is `NaN`: the series has no value.
    LeafAllNaN,
}

/// A metrics file of benchmark `fib`: app group `fib` with 6 segments and a
/// `leaf` group of 3 proofs, each label set with its execution, trace and
/// proving times (1 % noise each), plus counters.
fn metrics_file(rng: &mut Rng, head: Option<Head>) -> String {
    let mut gauges = Vec::new();
    let mut counters = Vec::new();
    let time = |rng: &mut Rng, ms: f64| format!("{:.3}", ms * (1.0 + 0.01 * rng.normal()));
    for (group, proofs, key) in [("fib", 6, "segment"), ("leaf", 3, "idx")] {
        for proof in 0..proofs {
            let labels = serde_json::json!([["group", group], [key, proof.to_string()]]);
            let slower = match head {
                Some(Head::LeafSlower) if group == "leaf" => 1.04,
                Some(Head::LeafOutlier) if group == "leaf" => 1.10,
                _ => 1.0,
            };
            for (metric, ms) in [
                ("execute_preflight_time_ms", 120.0),
                ("trace_gen_time_ms", 300.0),
                ("stark_prove_excluding_trace_time_ms", 1500.0 * slower),
            ] {
                if metric == "execute_preflight_time_ms" && group != "fib" {
                    continue;
                }
                let mut value = time(rng, ms);
                let lost = group == "leaf"
                    && (head == Some(Head::LeafAllNaN)
                        || (head == Some(Head::LeafNaN) && proof == 0));
                if lost && metric == "stark_prove_excluding_trace_time_ms" {
                    value = "NaN".into();
                }
                gauges
                    .push(serde_json::json!({"labels": labels, "metric": metric, "value": value}));
            }
            counters.push(serde_json::json!({"labels": labels, "metric": "main_cells_used", "value": "5000000"}));
            if group == "fib" {
                let extra = u64::from(head == Some(Head::OneMoreCycle) && proof == 0);
                let cycles = (1_000_000 + extra).to_string();
                counters.push(serde_json::json!({"labels": labels, "metric": "execute_preflight_insns", "value": cycles}));
            }
        }
    }
    serde_json::json!({"counter": counters, "gauge": gauges}).to_string()
}

/// 32 runs on main, a minute apart, then the head on a PR branch.
fn history(head: Head) -> (Sandbox, i64) {
    let (sandbox, ids) = history_of(&[Head::Noise; 32], head);
    (sandbox, *ids.last().unwrap())
}

/// One main run of each kind in `main`, a minute apart, at commits 0, 1, …,
/// then the head on a PR branch; every run id, the head's last.
fn history_of(main: &[Head], head: Head) -> (Sandbox, Vec<i64>) {
    let sandbox = Sandbox::new();
    let mut rng = Rng::from_state(42);
    let ingest = |i: usize, text: String, commit: &str, branch: &str| -> i64 {
        let path: PathBuf = sandbox.write(&format!("run{i}.json"), text);
        let time = format!("2026-03-01T00:{i:02}:00Z");
        sandbox.ingest(
            &path,
            &[
                "--name", "fib", "--commit", commit, "--branch", branch, "--time", &time,
            ],
        )
    };
    let mut ids = Vec::new();
    for (i, kind) in main.iter().enumerate() {
        let text = metrics_file(&mut rng, Some(*kind));
        ids.push(ingest(i, text, &format!("{i:040x}"), "main"));
    }
    let text = metrics_file(&mut rng, Some(head));
    ids.push(ingest(main.len(), text, &"ab".repeat(20), "pr"));
    (sandbox, ids)
}

const HEAD: &str = "abababab";

#[test]
fn a_slower_leaf_fails_the_gate_with_its_evidence() {
    let (sandbox, _) = history(Head::LeafSlower);
    let (code, stdout, stderr) =
        sandbox.run(&["report", "--commit", HEAD, "--fail-on", "regression"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.contains("| leaf | `stark_prove_excluding_trace_time_ms` |"))
        .unwrap_or_else(|| panic!("no leaf proving row:\n{stdout}"));
    assert!(row.starts_with("| 🔴 regression | fib |"), "{row}");
    assert!(row.contains("| n=30, mean "), "{row}");
    assert!(row.contains(" ms, t "), "{row}");
    assert!(stderr.contains("regression"), "{stderr}");
    // JSON carries the same verdict with its numbers.
    let leaf = &leaf_verdict(&sandbox, "out");
    let out = sandbox.path("out");
    assert_eq!(leaf["outcome"], "regression");
    assert_eq!(leaf["method"], "prediction");
    assert_eq!(leaf["n"], 30);
    assert!(leaf["q"].as_f64().unwrap() < 0.001);
    let bmf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bmf.json")).unwrap()).unwrap();
    let measure = &bmf["fib::leaf"]["stark_prove_excluding_trace_time_ms::sum"];
    let (lower, upper, value) = (
        measure["lower_value"].as_f64().unwrap(),
        measure["upper_value"].as_f64().unwrap(),
        measure["value"].as_f64().unwrap(),
    );
    assert!(
        lower < 4500.0 && 4500.0 < upper && upper < value,
        "{measure}"
    );
}

#[test]
fn noise_passes_and_one_more_cycle_is_an_exact_change() {
    let (sandbox, _) = history(Head::Noise);
    let (code, stdout, _) = sandbox.run(&["report", "--commit", HEAD, "--fail-on", "changed"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("No regressions in "), "{stdout}");

    let (sandbox, head) = history(Head::OneMoreCycle);
    let (code, stdout, _) = sandbox.run(&["report", "--commit", HEAD, "--fail-on", "regression"]);
    assert_eq!(code, 0, "an exact change is not a regression: {stdout}");
    let row = stdout
        .lines()
        .find(|l| l.contains("`execute_preflight_insns`"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains("| 🟠 changed | fib | fib |"), "{row}");
    assert!(
        row.contains("| 6,000,000 → 6,000,001 |") && row.ends_with("| exact |"),
        "{row}"
    );
    let (code, _, stderr) = sandbox.run(&["report", "--commit", HEAD, "--fail-on", "changed"]);
    assert_eq!(code, 1, "{stderr}");
    // check: the head against its own branch, which has no history.
    let (code, _, stderr) = sandbox.run(&["check", &head.to_string()]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("no earlier run on its branch pr"),
        "{stderr}"
    );
}

#[test]
fn compare_and_check_judge_against_main() {
    let (sandbox, head) = history(Head::LeafSlower);
    let (code, stdout, _) = sandbox.run(&["compare", "fib@main", &head.to_string()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("### Regressions\n"), "{stdout}");
    assert!(
        stdout.contains("| `stark_prove_excluding_trace_time_ms` 🔴 |"),
        "{stdout}"
    );
    // A pair without enough history before the base gets no verdicts.
    let (_, stdout, _) = sandbox.run(&["compare", "1", "2"]);
    assert!(!stdout.contains("### Regressions"), "{stdout}");
    // check of the last main run: judged against the 30 before it.
    let (code, stdout, _) = sandbox.run(&["check", "fib@main", "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["all"][0]["metric"], "serial_s");
    assert_eq!(json["all"][0]["n"], 30);
    assert_eq!(json["regressions"], 0, "{stdout}");
}

#[test]
fn bad_verdict_flags_are_one_line_errors() {
    let (sandbox, _) = history(Head::Noise);
    for (flag, value, expected) in [
        (
            "--window",
            "0",
            "--window 0: give 2 or more runs of history",
        ),
        (
            "--alpha",
            "2",
            "--alpha 2: give a probability between 0 and 1",
        ),
        (
            "--min-change",
            "-1",
            "--min-change -1: give a percentage of 0 or more",
        ),
        ("--min-history", "0", "--min-history 0: give 2 or more runs"),
    ] {
        for command in [
            vec!["report", "--commit", HEAD],
            vec!["compare", "1", "2"],
            vec!["check", "1"],
        ] {
            let mut args = command.clone();
            args.extend([flag, value]);
            let (code, stdout, stderr) = sandbox.run(&args);
            assert_eq!(code, 2, "{args:?}");
            assert!(stdout.is_empty());
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                stderr.starts_with(&format!("prof: {expected}")),
                "{args:?}: {stderr}"
            );
        }
    }
}

/// `report --out-dir DIR` of the head, which passes without `--fail-on`,
/// and the verdicts.json it writes.
fn report_verdicts(sandbox: &Sandbox, dir: &str) -> serde_json::Value {
    let out = sandbox.path(dir);
    let (code, _, stderr) = sandbox.run(&[
        "report",
        "--commit",
        HEAD,
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "without --fail-on the gate stays open: {stderr}");
    serde_json::from_str(&std::fs::read_to_string(out.join("verdicts.json")).unwrap()).unwrap()
}

/// The leaf proving series' verdict in `report`'s JSON.
fn leaf_verdict(sandbox: &Sandbox, dir: &str) -> serde_json::Value {
    verdict_on(
        &report_verdicts(sandbox, dir),
        "leaf",
        "stark_prove_excluding_trace_time_ms",
    )
}

/// The verdict on one series in `report --out-dir`'s verdicts.json.
fn verdict_on(json: &serde_json::Value, group: &str, metric: &str) -> serde_json::Value {
    json["all"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["group"] == group && v["metric"] == metric)
        .cloned()
        .unwrap_or_else(|| panic!("no verdict on {group} {metric}"))
}

#[test]
fn a_nan_at_the_head_is_incomplete_not_faster_and_fails_the_gate() {
    let (sandbox, _) = history(Head::LeafNaN);
    let (code, stdout, stderr) =
        sandbox.run(&["report", "--commit", HEAD, "--fail-on", "regression"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("3 series incomplete"), "{stderr}");
    let incomplete: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("| ⚠️ incomplete | fib |"))
        .collect();
    // The proving time and the totals, which estimate the leaf's proof
    // time from it; nothing else of the leaf group rests on the lost value.
    for series in [
        "| total | `serial_s` |",
        "| total | `parallel_s` |",
        "| leaf | `stark_prove_excluding_trace_time_ms` |",
    ] {
        assert!(
            incomplete.iter().any(|l| l.contains(series)),
            "{series}:\n{stdout}"
        );
    }
    assert_eq!(incomplete.len(), 3, "{stdout}");
    assert!(incomplete[0].contains("1 non-finite value (NaN/inf) at the head"));
    let json = report_verdicts(&sandbox, "out");
    let lost = verdict_on(&json, "leaf", "stark_prove_excluding_trace_time_ms");
    assert_eq!(lost["outcome"], "incomplete");
    assert_eq!(lost["method"], "not_judged");
    assert_eq!(lost["nonfinite"], 1);
    assert!(
        lost["change_pct"].as_f64().unwrap() < -30.0,
        "it reads a third faster: {lost}"
    );
    assert_eq!(
        verdict_on(&json, "leaf", "trace_gen_time_ms")["outcome"],
        "unchanged"
    );
}

#[test]
fn a_series_whose_every_head_value_is_nan_is_incomplete_too() {
    let (sandbox, _) = history(Head::LeafAllNaN);
    let lost = verdict_on(
        &report_verdicts(&sandbox, "out"),
        "leaf",
        "stark_prove_excluding_trace_time_ms",
    );
    assert_eq!(lost["outcome"], "incomplete", "{lost}");
    assert_eq!(lost["nonfinite"], 3);
    assert!(
        lost["after"].is_null() && lost["change_pct"].is_null(),
        "{lost}"
    );
    let (code, stdout, _) = sandbox.run(&["report", "--commit", HEAD, "--fail-on", "regression"]);
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn a_run_with_a_nan_is_no_history_for_the_series_it_touches() {
    let mut main = [Head::Noise; 30];
    main[20] = Head::LeafNaN;
    let (sandbox, _) = history_of(&main, Head::Noise);
    let json = report_verdicts(&sandbox, "out");
    for (group, metric, n) in [
        ("leaf", "stark_prove_excluding_trace_time_ms", 29),
        ("", "serial_s", 29),
        ("leaf", "trace_gen_time_ms", 30),
        ("fib", "stark_prove_excluding_trace_time_ms", 30),
    ] {
        let verdict = verdict_on(&json, group, metric);
        assert_eq!(verdict["n"], n, "{group} {metric}: {verdict}");
        assert_eq!(verdict["outcome"], "unchanged", "{verdict}");
    }
}

#[test]
fn runs_with_a_nan_make_no_change_point_in_the_series_they_touch() {
    // Five main runs in a row lost a leaf proving time: read as they are,
    // leaf proving and the totals would shift a third down.
    let mut main = [Head::Noise; 25];
    main[20..].fill(Head::LeafNaN);
    let (sandbox, _) = history_of(&main, Head::Noise);
    let json = sandbox.json(&["changes", "--name", "fib", "--format", "json"]);
    let changes = json["benchmarks"][0]["changes"].as_array().unwrap();
    assert!(changes.is_empty(), "{changes:#?}");
    // `trend` shows those runs, marked, and finds no change point either.
    let trend = sandbox.json(&[
        "trend",
        "stark_prove_excluding_trace_time_ms",
        "--name",
        "fib",
        "--group",
        "leaf",
        "--branch",
        "main",
        "--format",
        "json",
    ]);
    let points = trend["points"].as_array().unwrap();
    let marked: Vec<bool> = points.iter().map(|p| p["incomplete"] == true).collect();
    assert_eq!(marked, [vec![false; 20], vec![true; 5]].concat());
    assert!(
        points.iter().all(|p| p["change_point"] == false),
        "{trend:#}"
    );
    // The same runs without the NaN are a real shift, which is found.
    let mut main = [Head::Noise; 25];
    main[20..].fill(Head::LeafOutlier);
    let (sandbox, _) = history_of(&main, Head::Noise);
    let json = sandbox.json(&["changes", "--name", "fib", "--format", "json"]);
    let changes = json["benchmarks"][0]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["group"] == "leaf" && c["metric"] == "stark_prove_excluding_trace_time_ms"),
        "{changes:#?}"
    );
}

#[test]
fn an_excluded_outlier_leaves_the_window() {
    // A bad machine made one main run 10 % slower; it widens the window's
    // spread so much that a real 4 % slowdown looks like noise.
    let mut main = [Head::Noise; 31];
    main[20] = Head::LeafOutlier;
    let (sandbox, ids) = history_of(&main, Head::LeafSlower);
    let before = leaf_verdict(&sandbox, "before");
    assert_ne!(before["outcome"], "regression", "{before}");
    assert_eq!(before["n"], 30);
    sandbox
        .conn()
        .execute(
            "INSERT INTO run_exclusions (run_id, reason, created_by, created_at)
             VALUES (?1, 'noisy machine', 'test', '2026-03-02T00:00:00Z')",
            [ids[20]],
        )
        .unwrap();
    let after = leaf_verdict(&sandbox, "after");
    assert_eq!(after["outcome"], "regression", "{after}");
    assert_eq!(after["n"], 30, "the window reaches one run further back");
    assert!(after["sd"].as_f64().unwrap() < before["sd"].as_f64().unwrap() / 2.0);
}

#[test]
fn an_acknowledged_shift_resets_the_baseline() {
    // Main accepted a 4 % slower leaf prover at its last run; the PR is as
    // slow as that.
    let mut main = [Head::Noise; 31];
    main[30] = Head::LeafSlower;
    let (sandbox, _) = history_of(&main, Head::LeafSlower);
    assert_eq!(leaf_verdict(&sandbox, "before")["outcome"], "regression");
    let shift = format!("{:040x}", 30);
    sandbox
        .conn()
        .execute(
            "INSERT INTO series_acks (name, group_name, metric, stat, commit_sha, reason,
                                      created_by, created_at)
             VALUES ('fib', 'leaf', 'stark_prove_excluding_trace_time_ms', 'sum', ?1,
                     'new prover', 'test', '2026-03-02T00:00:00Z')",
            [&shift],
        )
        .unwrap();
    let after = leaf_verdict(&sandbox, "after");
    // History before the shift no longer counts: one run is left, so the
    // base-vs-head rule judges, against the shifted run.
    assert_eq!(after["method"], "no_history", "{after}");
    assert_eq!(after["n"], 1);
    assert_eq!(after["outcome"], "unchanged", "{after}");
    let (code, _, _) = sandbox.run(&["report", "--commit", HEAD, "--fail-on", "regression"]);
    assert_eq!(code, 0, "the PR no longer fails");
}

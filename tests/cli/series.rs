//! Proof times as per-run series: `metric_history`, `proof_time_history`
//! and `prof trend` on group proof times (estimated ones included) and run
//! totals, checked against the independent SEMANTICS model; the trend's
//! default branch; group stages by name prefix.

use crate::semantics::{close, group_stats, load, proof_times};
use crate::support::{Sandbox, Succeeds, rows, shared_data};

const RETH: &str = "openvm-reth-benchmark_01932bb_reth-example-segment.json";

/// The `value` column of `prof trend … --format csv`.
fn csv_values(stdout: &[u8]) -> Vec<(i64, f64)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[0].parse().unwrap(), cells[4].parse().unwrap())
        })
        .collect()
}

#[test]
fn the_readme_trend_of_reth_leaf_proof_time_follows_the_estimate() {
    let sandbox = Sandbox::new();
    let path = shared_data(RETH);
    let run = sandbox.ingest(
        &path,
        &["--name", "reth", "--commit", "01932bb", "--branch", "main"],
    );
    let model = proof_times(&group_stats(&load(&path)));
    let (serial, parallel, estimated) = model["leaf"];
    assert!(
        estimated,
        "reth's leaf proof time is an estimate in SEMANTICS"
    );

    let output = sandbox
        .prof()
        .args([
            "trend",
            "total_proof_time_ms",
            "--name",
            "reth",
            "--group",
            "leaf",
        ])
        .args(["--format", "csv"])
        .succeeds();
    let values = csv_values(&output.stdout);
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].0, run);
    assert!(close(values[0].1, serial), "{values:?} vs {serial}");

    let max = sandbox
        .prof()
        .args([
            "trend",
            "total_proof_time_ms",
            "--name",
            "reth",
            "--group",
            "leaf",
        ])
        .args(["--stat", "max", "--format", "csv"])
        .output()
        .unwrap();
    assert!(close(csv_values(&max.stdout)[0].1, parallel));

    // The same series for sqlite3 users, in metric_history and
    // proof_time_history.
    let conn = sandbox.conn();
    let history: Vec<(f64, f64, i64)> = rows(
        &conn,
        "SELECT sum, max, estimated FROM metric_history
         WHERE name = 'reth' AND group_name = 'leaf' AND metric = 'total_proof_time_ms'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    assert_eq!(history.len(), 1);
    assert!(close(history[0].0, serial) && close(history[0].1, parallel));
    assert_eq!(history[0].2, 1);
    let per_group: Vec<(String, f64, f64, bool)> = rows(
        &conn,
        "SELECT group_name, serial_ms, parallel_ms, estimated FROM proof_time_history
         WHERE name = 'reth' ORDER BY group_name",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    );
    assert_eq!(per_group.len(), model.len());
    for (group, serial, parallel, estimated) in per_group {
        let (s, p, e) = model[&group];
        assert!(
            close(serial, s) && close(parallel, p) && estimated == e,
            "{group}"
        );
    }
}

#[test]
fn trend_follows_the_run_totals() {
    let sandbox = Sandbox::new();
    let files = ["metrics.prev.example.json", "metrics.example.json"];
    let mut expected = Vec::new();
    for (file, commit) in files.iter().zip(["1111111", "2222222"]) {
        let path = shared_data(file);
        let run = sandbox.ingest(
            &path,
            &[
                "--commit",
                commit,
                "--branch",
                "main",
                "--name",
                "ecrecover",
            ],
        );
        let model = proof_times(&group_stats(&load(&path)));
        let serial: f64 = model.values().map(|t| t.0).sum::<f64>() / 1000.0;
        let parallel: f64 = model.values().map(|t| t.1).sum::<f64>() / 1000.0;
        expected.push((run, serial, parallel));
    }
    assert!(close(expected[1].1, 52.438), "SEMANTICS' worked example");
    for (column, pick) in [("serial_s", 1), ("parallel_s", 2)] {
        let output = sandbox
            .prof()
            .args(["trend", column, "--format", "csv"])
            .succeeds();
        let values = csv_values(&output.stdout);
        assert_eq!(values.len(), 2, "{column}");
        for ((run, value), want) in values.iter().zip(&expected) {
            let want_value = if pick == 1 { want.1 } else { want.2 };
            assert_eq!(*run, want.0, "oldest first");
            assert!(
                close(*value, want_value),
                "{column}: {value} vs {want_value}"
            );
        }
    }
    sandbox
        .prof()
        .args(["trend", "serial_s", "--group", "leaf"])
        .assert()
        .code(2);
}

#[test]
fn trend_keeps_to_the_newest_runs_branch_and_says_which() {
    let sandbox = Sandbox::new();
    let main = sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &[
            "--commit",
            "1111111",
            "--branch",
            "main",
            "--name",
            "ecrecover",
        ],
    );
    let pr = sandbox.ingest(
        &shared_data("metrics.example.json"),
        &[
            "--commit",
            "2222222",
            "--branch",
            "pr-7",
            "--name",
            "ecrecover",
        ],
    );
    let trend = |extra: &[&str]| {
        let output = sandbox
            .prof()
            .args([
                "trend",
                "total_proof_time_ms",
                "--group",
                "leaf",
                "--format",
                "csv",
            ])
            .args(extra)
            .succeeds();
        let runs: Vec<i64> = csv_values(&output.stdout).iter().map(|v| v.0).collect();
        (runs, String::from_utf8(output.stderr).unwrap())
    };
    let (runs, stderr) = trend(&[]);
    assert_eq!(runs, vec![pr], "only the newest run's branch");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("on branch pr-7"), "{stderr}");
    let (runs, stderr) = trend(&["--branch", "main"]);
    assert_eq!(runs, vec![main]);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn older_stage_names_land_in_their_stages_by_prefix() {
    let sandbox = Sandbox::new();
    let entry = |group: &str, metric: &str, value: f64| {
        format!(
            r#"{{"labels": [["group", "{group}"], ["idx", "0"]], "metric": "{metric}", "value": "{value}"}}"#
        )
    };
    // SEMANTICS "Groups": (name, weight).
    let groups = [
        ("fib", 0),
        ("leaf_verifier", 1),
        ("internal_verifier_height_0", 2),
        ("root_verifier", 3),
        ("halo2_verifier", 4),
        ("halo2_outer", 4),
        ("halo2_wrapper", 5),
        ("halo2_keygen", 6),
    ];
    let mut entries = Vec::new();
    for (i, (group, _)) in groups.iter().enumerate() {
        entries.push(entry(group, "total_proof_time_ms", 100.0 * (i + 1) as f64));
    }
    let file = sandbox.write(
        "old.json",
        format!(r#"{{"gauge": [{}]}}"#, entries.join(",")),
    );
    let run = sandbox.ingest(&file, &["--name", "old"]);
    let conn = sandbox.conn();
    for (group, weight) in groups {
        let stored: i64 = conn
            .query_row(
                "SELECT weight FROM group_stats WHERE run_id = ?1 AND group_name = ?2",
                rusqlite::params![run, group],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, weight, "{group}");
    }
    // Keygen stays out of the totals.
    let serial: f64 = conn
        .query_row(
            "SELECT serial_s FROM run_totals WHERE run_id = ?1",
            [run],
            |r| r.get(0),
        )
        .unwrap();
    assert!(close(
        serial,
        (100.0 + 200.0 + 300.0 + 400.0 + 500.0 + 600.0 + 700.0) / 1000.0
    ));
}

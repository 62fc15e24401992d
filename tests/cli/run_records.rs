//! What a run carries and how it goes: `--meta` pairs in every output,
//! and `prof rm`.

use predicates::prelude::*;

use crate::history::metrics;
use crate::support::{Sandbox, dump, rows};

#[test]
fn meta_shows_in_runs_in_report_headers_and_in_json() {
    let sandbox = Sandbox::new();
    let base = sandbox.write("fib-a0a0a01.json", metrics(10));
    let head = sandbox.write("fib-b1b1b12.json", metrics(11));
    sandbox.ingest(
        &base,
        &[
            "--commit",
            "a0a0a01",
            "--branch",
            "main",
            "--meta",
            "instance=g6.2xlarge",
        ],
    );
    sandbox.ingest(
        &head,
        &[
            "--commit",
            "b1b1b12",
            "--branch",
            "pr",
            "--meta",
            "instance=g6.4xlarge",
            "--meta",
            "gpu=L4",
        ],
    );
    let table = sandbox.stdout(&["runs"]);
    assert!(table.lines().next().unwrap().ends_with("meta"), "{table}");
    assert!(table.contains("gpu=L4 instance=g6.4xlarge"), "{table}");
    assert!(table.contains("instance=g6.2xlarge"), "{table}");
    let runs: serde_json::Value = sandbox.json(&["runs", "--format", "json"]);
    assert_eq!(
        runs[0]["meta"],
        serde_json::json!({"gpu": "L4", "instance": "g6.4xlarge"})
    );
    let json: serde_json::Value = sandbox.json(&["compare", "1", "2", "--format", "json"]);
    assert_eq!(
        json["base"]["meta"],
        serde_json::json!({"instance": "g6.2xlarge"})
    );
    assert_eq!(json["head"]["meta"]["gpu"], "L4");
    let md = sandbox.stdout(&["compare", "1", "2"]);
    assert!(md.contains("Head: run 2 at `b1b1b12` on pr, "), "{md}");
    assert!(md.contains("; gpu=L4, instance=g6.4xlarge\n"), "{md}");
    assert!(md.contains("; instance=g6.2xlarge\n"), "{md}");
    std::fs::create_dir(sandbox.path("out")).unwrap();
    sandbox.stdout(&[
        "report",
        "--commit",
        "b1b1b12",
        "--base-branch",
        "main",
        "--out-dir",
        "out",
    ]);
    let report = std::fs::read_to_string(sandbox.path("out/fib.md")).unwrap();
    assert!(
        report.contains("; gpu=L4, instance=g6.4xlarge\n"),
        "{report}"
    );
}

#[test]
fn rm_removes_runs_with_everything_of_theirs_all_or_none() {
    let sandbox = Sandbox::new();
    for (i, commit) in ["a0a0a01", "b1b1b12", "c2c2c23"].iter().enumerate() {
        let file = sandbox.write(&format!("fib-{commit}.json"), metrics(10 + i as u32));
        sandbox.ingest(
            &file,
            &["--commit", commit, "--branch", "main", "--meta", "k=v"],
        );
    }
    let before = dump(&sandbox.db());
    // A bad reference among good ones: one line, nothing removed.
    let output = sandbox
        .prof()
        .args(["rm", "1", "fib@zzz"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(dump(&sandbox.db()), before);

    sandbox
        .prof()
        .args(["rm", "1", "fib@c2c2c23", "1"])
        .assert()
        .success()
        .stdout(
            "removed run 1 (fib at a0a0a01 on main, 2 samples)\n\
             removed run 3 (fib at c2c2c23 on main, 2 samples)\n",
        );
    let conn = sandbox.conn();
    let left = |table: &str| -> Vec<i64> {
        rows(
            &conn,
            &format!("SELECT DISTINCT run_id FROM {table} ORDER BY run_id"),
            [],
            |r| r.get(0),
        )
    };
    assert_eq!(
        rows(&conn, "SELECT id FROM runs", [], |r| r.get::<_, i64>(0)),
        [2]
    );
    for table in [
        "samples",
        "run_meta",
        "group_stats_store",
        "run_proofs_store",
    ] {
        assert_eq!(left(table), [2], "{table}");
    }
    sandbox
        .prof()
        .args(["rm", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run 1"));
    // Run 3 was the newest: its id is not given again, so a reference kept
    // to it (a PR comment, a CI log) cannot come to name another run.
    let next = sandbox.write("fib-d3d3d34.json", metrics(20));
    let id = sandbox.ingest(&next, &["--commit", "d3d3d34", "--branch", "main"]);
    assert_eq!(id, 4);
    sandbox
        .prof()
        .args(["rm", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run 3"));
    // No database: an error, and none is created.
    let other = sandbox.path("none.db");
    sandbox
        .prof()
        .arg("--db")
        .arg(&other)
        .args(["rm", "1"])
        .assert()
        .code(2);
    assert!(!other.exists());
}

//! The README's queries, run through the stock `sqlite3` shell against a
//! database that prof filled: the schema is a contract for plain SQL users.

use std::process::Command;

use crate::support::{Sandbox, rows, shared_data};

/// The ```sql blocks of the README, in order.
fn readme_queries() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut queries = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sql") => current = Some(String::new()),
            (Some(query), "```") => {
                queries.push(std::mem::take(query));
                current = None;
            }
            (Some(query), text) => {
                query.push_str(text);
                query.push('\n');
            }
            (None, _) => {}
        }
    }
    queries
}

fn sqlite3_shell() -> Command {
    let probe = Command::new("sqlite3").arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "the sqlite3 shell is missing: install it (apt-get install sqlite3); .ci/run does"
    );
    Command::new("sqlite3")
}

#[test]
fn readme_queries_run_in_the_sqlite3_shell() {
    let queries = readme_queries();
    assert!(
        queries.len() >= 3,
        "the README shows at least three trend queries, found {}",
        queries.len()
    );
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &[
            "--commit",
            "1111111",
            "--branch",
            "main",
            "--name",
            "ecrecover_program",
        ],
    );
    sandbox.ingest(
        &shared_data("metrics.example.json"),
        &[
            "--commit",
            "2222222",
            "--branch",
            "main",
            "--name",
            "ecrecover_program",
        ],
    );
    sandbox.ingest(
        &shared_data("openvm-reth-benchmark_01932bb_reth-example-segment.json"),
        &["--commit", "2222222", "--branch", "main", "--name", "reth"],
    );
    for query in queries {
        let output = sqlite3_shell()
            .arg("-bail")
            .arg(sandbox.db())
            .arg(&query)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.is_empty(),
            "query failed:\n{query}\n{stderr}"
        );
        assert!(
            !stdout.trim().is_empty(),
            "query returned nothing:\n{query}"
        );
    }
}

#[test]
fn every_view_runs_in_the_sqlite3_shell() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&shared_data("metrics.example.json"), &[]);
    let views: Vec<String> = rows(
        &sandbox.conn(),
        "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name",
        [],
        |r| r.get(0),
    );
    assert!(views.len() >= 8, "{views:?}");
    for view in views {
        let output = sqlite3_shell()
            .arg("-bail")
            .arg(sandbox.db())
            .arg(format!("SELECT COUNT(*) FROM {view};"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.is_empty(),
            "view {view} fails in sqlite3: {stderr}"
        );
        let count: i64 = String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap();
        // The example has no generate_blob_time_ms; every other view has rows.
        if view != "derived_blob_times" {
            assert!(count > 0, "view {view} is empty for the example run");
        }
    }
}

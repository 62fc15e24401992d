//! The README's queries, run through the stock `sqlite3` shell against a
//! database that prof filled: the schema is a contract for plain SQL users.

use std::process::Command;

use crate::semantics::{GroupStats, close, group_stats, load, proof_times};
use crate::support::{Sandbox, rows, shared_data};

const RETH: &str = "openvm-reth-benchmark_01932bb_reth-example-segment.json";

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

/// The rows `sqlite3` prints for `query`, split into cells.
fn shell_rows(db: &std::path::Path, query: &str) -> Vec<Vec<String>> {
    let output = sqlite3_shell()
        .arg("-bail")
        .arg(db)
        .arg(query)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stderr.is_empty(),
        "query failed:\n{query}\n{stderr}"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split('|').map(str::to_string).collect())
        .collect()
}

/// What one expected cell must be: this text, or a number close to this.
#[derive(Debug)]
enum Want {
    Text(String),
    Number(f64),
}

fn text(value: impl ToString) -> Want {
    Want::Text(value.to_string())
}

fn assert_rows(query: &str, got: &[Vec<String>], want: &[Vec<Want>]) {
    assert_eq!(got.len(), want.len(), "{query}\ngot {got:?}\nwant {want:?}");
    for (row, expected) in got.iter().zip(want) {
        assert_eq!(
            row.len(),
            expected.len(),
            "{query}\n{row:?} vs {expected:?}"
        );
        for (cell, expected) in row.iter().zip(expected) {
            match expected {
                Want::Text(t) => assert_eq!(cell, t, "{query}\n{row:?}"),
                Want::Number(n) => assert!(
                    cell.parse::<f64>().is_ok_and(|v| close(v, *n)),
                    "{query}\n{row:?}: {cell} is not {n}"
                ),
            }
        }
    }
}

/// The README's queries against values computed here from the raw files
/// with the independent SEMANTICS model, not from prof's output.
#[test]
fn readme_queries_give_the_values_semantics_defines() {
    let queries = readme_queries();
    assert_eq!(queries.len(), 6, "the README's sqlite3 examples");
    let sandbox = Sandbox::new();
    let prev_path = shared_data("metrics.prev.example.json");
    let head_path = shared_data("metrics.example.json");
    let reth_path = shared_data(RETH);
    let (t1, t2) = ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
    sandbox.ingest(
        &prev_path,
        &[
            "--commit",
            "1111111",
            "--branch",
            "main",
            "--time",
            t1,
            "--name",
            "ecrecover_program",
        ],
    );
    sandbox.ingest(
        &head_path,
        &[
            "--commit",
            "2222222",
            "--branch",
            "main",
            "--time",
            t2,
            "--name",
            "ecrecover_program",
        ],
    );
    sandbox.ingest(
        &reth_path,
        &[
            "--commit", "2222222", "--branch", "main", "--name", "reth", "--time", t2,
        ],
    );
    let prev = group_stats(&load(&prev_path));
    let head = group_stats(&load(&head_path));
    let totals = |stats: &GroupStats| {
        let times = proof_times(stats);
        (
            times.values().map(|t| t.0).sum::<f64>() / 1000.0,
            times.values().map(|t| t.1).sum::<f64>() / 1000.0,
        )
    };
    let (prev_serial, prev_parallel) = totals(&prev);
    let (head_serial, head_parallel) = totals(&head);
    let app = "ecrecover_program";
    let sum = |stats: &GroupStats, group: &str, metric: &str| {
        stats[&(group.to_string(), metric.to_string())].sum
    };
    let db = sandbox.db();

    // 1. Serial and parallel proof time, commit by commit.
    let want = vec![
        vec![
            text(1),
            text("1111111"),
            text(t1),
            text(format!("{prev_serial:.3}")),
            text(format!("{prev_parallel:.3}")),
        ],
        vec![
            text(2),
            text("2222222"),
            text(t2),
            text(format!("{head_serial:.3}")),
            text(format!("{head_parallel:.3}")),
        ],
    ];
    assert_rows(&queries[0], &shell_rows(&db, &queries[0]), &want);

    // 2. One metric of one group with its change.
    let metric = "stark_prove_excluding_trace_time_ms";
    let (a, b) = (sum(&prev, "leaf", metric), sum(&head, "leaf", metric));
    let want = vec![
        vec![text("1111111"), text(t1), Want::Number(a), text("")],
        vec![
            text("2222222"),
            text(t2),
            Want::Number(b),
            text(format!("{:+.2}%", 100.0 * (b / a - 1.0))),
        ],
    ];
    assert_rows(&queries[1], &shell_rows(&db, &queries[1]), &want);

    // 3. The largest jump of every app-group time metric.
    let mut steps: Vec<(String, f64)> = head
        .iter()
        .filter(|((group, metric), _)| group == app && metric.ends_with("_time_ms"))
        .filter_map(|((_, metric), stats)| {
            let before = prev.get(&(app.to_string(), metric.clone()))?;
            Some((metric.clone(), stats.sum - before.sum))
        })
        .collect();
    steps.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()).then(x.0.cmp(&y.0)));
    assert!(steps.len() >= 3, "{steps:?}");
    let want: Vec<Vec<Want>> = steps
        .iter()
        .map(|(metric, step)| vec![text(metric), text("2222222"), Want::Number(*step)])
        .collect();
    assert_rows(&queries[2], &shell_rows(&db, &queries[2]), &want);

    // 4. The five slowest segments of reth's app group.
    let mut segments: Vec<(String, f64)> = load(&reth_path)
        .into_iter()
        .filter(|s| s.labels.get("group").is_some_and(|g| g == "reth_block") && s.metric == metric)
        .map(|s| (s.labels["segment"].clone(), s.value))
        .collect();
    segments.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    segments.truncate(5);
    assert_eq!(segments.len(), 5);
    let want: Vec<Vec<Want>> = segments
        .iter()
        .map(|(segment, value)| vec![text(segment), Want::Number(*value)])
        .collect();
    assert_rows(&queries[3], &shell_rows(&db, &queries[3]), &want);

    // 5. Which benchmarks got slower between two commits: only the
    // example has a run at both.
    let want = vec![vec![
        text(app),
        Want::Number(prev_serial),
        Want::Number(head_serial),
        text(format!(
            "{:+.1}%",
            100.0 * (head_serial / prev_serial - 1.0)
        )),
    ]];
    assert_rows(&queries[4], &shell_rows(&db, &queries[4]), &want);

    // 6. Leaf proof time over the last 30 main commits, newest first: the
    // examples' leaf is estimated from its parts.
    let leaf = |stats: &GroupStats| proof_times(stats)["leaf"];
    let want: Vec<Vec<Want>> = [("2222222", t2, leaf(&head)), ("1111111", t1, leaf(&prev))]
        .into_iter()
        .map(|(commit, time, (serial, parallel, estimated))| {
            assert!(estimated);
            vec![
                text(commit),
                text(time),
                text(format!("{serial:.1}")),
                text(format!("{parallel:.1}")),
                text(1),
            ]
        })
        .collect();
    assert_rows(&queries[5], &shell_rows(&db, &queries[5]), &want);
}

#[test]
fn every_view_runs_in_the_sqlite3_shell() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&shared_data("metrics.example.json"), &[]);
    // And a run with a lost value, for `series_nonfinite`.
    let lost = sandbox.write(
        "lost.json",
        r#"{"gauge": [{"labels": [["group", "app"]], "metric": "trace_gen_time_ms", "value": "NaN"}]}"#,
    );
    sandbox.ingest(&lost, &[]);
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
        if view.starts_with("scope_") {
            // The definitions see only the runs being aggregated, and the
            // scope is empty outside a write.
            assert_eq!(count, 0, "view {view} outside a write");
        } else if view != "derived_blob_times" {
            // The example has no generate_blob_time_ms; every other view
            // has rows.
            assert!(count > 0, "view {view} is empty for the example run");
        }
    }
}

//! A history as CI builds it: runs ordered by their time whatever order
//! they were ingested in, benchmarks missing at a commit, full commits.

use crate::support::{Sandbox, dump, refused};

/// A metrics file of one app group whose proof time is `ms`.
pub fn metrics(ms: u32) -> String {
    format!(
        r#"{{"gauge": [{{"labels": [["group", "app_proof"], ["segment", "0"]], "metric": "total_proof_time_ms", "value": "{ms}"}},
                      {{"labels": [["group", "app_proof"], ["segment", "0"]], "metric": "trace_gen_time_ms", "value": "{ms}"}}]}}"#
    )
}

const COMMITS: [&str; 5] = ["a0a0a01", "b1b1b12", "c2c2c23", "d3d3d34", "e4e4e45"];

/// Ingests commit `index` of a five-commit history on main: three
/// benchmarks, one file each (`NAME-<sha>.json`, given relative to the
/// sandbox so the stored paths match), at day `index + 1`. `--name` says
/// what the default name would: this test is about order, not names.
fn ingest_commit(sandbox: &Sandbox, index: usize) {
    let sha = COMMITS[index];
    let time = format!("2026-01-0{}T12:00:00Z", index + 1);
    for (b, name) in ["alpha", "beta", "gamma"].iter().enumerate() {
        let ms = 100 * (b as u32 + 1) + [0, 7, 3, 12, 5][index];
        let file = format!("{name}-{sha}.json");
        sandbox.write(&file, metrics(ms));
        sandbox
            .prof()
            .args([
                "ingest", "--commit", sha, "--branch", "main", "--time", &time,
            ])
            .args(["--name", name, &file])
            .assert()
            .success();
    }
}

/// Run ids depend on the order of ingest; everything else must not. Ids
/// open a `runs` table row or a CSV line and follow `"id": `, `"run_id": `, `run ` and a
/// table's `| `.
fn without_run_ids(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let digits = line
                .trim_start()
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            let indent = line.len() - line.trim_start().len();
            let after = &line[indent + digits..];
            if digits > 0 && (after.starts_with("  ") || after.starts_with(',')) {
                format!("#{}", &line[indent + digits..])
            } else {
                line.to_string()
            }
        })
        .collect();
    let text = lines.join("\n");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    let markers = ["\"id\": ", "\"run_id\": ", "run ", "| "];
    'outer: while !rest.is_empty() {
        for marker in markers {
            if let Some(after) = rest.strip_prefix(marker) {
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                out.push_str(marker);
                if digits > 0 {
                    out.push('#');
                }
                rest = &after[digits..];
                continue 'outer;
            }
        }
        let ch = rest.chars().next().unwrap();
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out
}

#[test]
fn a_history_backfilled_out_of_order_answers_as_one_ingested_in_order() {
    let in_order = Sandbox::new();
    for index in 0..5 {
        ingest_commit(&in_order, index);
    }
    let shuffled = Sandbox::new();
    for index in [3, 0, 4, 1, 2] {
        ingest_commit(&shuffled, index);
    }
    let questions: Vec<Vec<&str>> = vec![
        vec!["runs", "--format", "json"],
        vec!["runs"],
        vec!["show", "alpha", "--format", "json"],
        vec!["show", "latest", "--format", "json"],
        vec!["compare", "beta~3", "beta~1"],
        vec!["compare", "gamma@main~2", "gamma@main", "--format", "json"],
        vec!["report", "--commit", COMMITS[4]],
        vec!["report", "--commit", COMMITS[2]],
        vec![
            "report",
            "--commit",
            COMMITS[1],
            "--baseline-commit",
            COMMITS[0],
        ],
        vec!["trend", "total_proof_time_ms", "--name", "alpha"],
        vec![
            "trend",
            "total_proof_time_ms",
            "--name",
            "beta",
            "--format",
            "csv",
            "--last",
            "3",
        ],
        vec![
            "trend",
            "trace_gen_time_ms",
            "--name",
            "gamma",
            "--format",
            "json",
        ],
    ];
    for question in &questions {
        let expected = in_order.stdout(question);
        let answer = shuffled.stdout(question);
        if question[0] == "report" {
            // The summary names no run id: byte for byte as it is.
            assert_eq!(answer, expected, "prof {question:?}");
        } else {
            assert_eq!(
                without_run_ids(&answer),
                without_run_ids(&expected),
                "prof {question:?}"
            );
        }
    }
    // The answers are the right ones, not only the same ones: the newest
    // alpha is at the last commit, and its report compares with the one
    // before (alpha: 105 against 112 ms, 7/112 = 6.25%).
    let newest: serde_json::Value = shuffled.json(&["show", "alpha", "--format", "json"]);
    assert_eq!(newest["head"]["commit_sha"], COMMITS[4]);
    let report = shuffled.stdout(&["report", "--commit", COMMITS[4]]);
    assert!(
        report.contains("| alpha | <span style='color: green'>(-7 [-6.3%])</span> 105 |"),
        "{report}"
    );
    let trend = shuffled.stdout(&[
        "trend",
        "total_proof_time_ms",
        "--name",
        "alpha",
        "--format",
        "csv",
    ]);
    let commits: Vec<&str> = trend
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(commits, COMMITS, "oldest first, by time");
}

#[test]
fn a_time_more_than_a_day_ahead_is_refused() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", metrics(1));
    sandbox.ingest(&file, &["--commit", "c1"]);
    let before = dump(&sandbox.db());
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(25);
    let output = sandbox
        .prof()
        .args(["ingest", "--commit", "c2", "--time", &ahead.to_string()])
        .arg(&file)
        .output()
        .unwrap();
    refused(&output, "more than a day in the future");
    assert_eq!(dump(&sandbox.db()), before);
    // Within a day ahead (clocks differ between machines) is fine.
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(23);
    sandbox.ingest(&file, &["--commit", "c3", "--time", &soon.to_string()]);
}

#[test]
fn benchmarks_with_a_baseline_but_no_run_at_the_head_are_missing() {
    let sandbox = Sandbox::new();
    let ingest = |name: &str, commit: &str, branch: &str, time: &str| {
        let file = sandbox.write(&format!("{name}-{commit}.json"), metrics(100));
        let args = ["--commit", commit, "--branch", branch, "--time", time];
        sandbox.ingest(&file, &[&args[..], &["--name", name]].concat());
    };
    // main: alpha, beta and gamma at c0; gamma stopped after c0 and beta
    // ran again at c1. The PR at c2 ran alpha only: beta's job crashed.
    ingest("alpha", "c0c0c0c0", "main", "2026-01-01T00:00:00Z");
    ingest("beta", "c0c0c0c0", "main", "2026-01-01T00:00:00Z");
    ingest("gamma", "c0c0c0c0", "main", "2026-01-01T00:00:00Z");
    ingest("beta", "c1c1c1c1", "main", "2026-01-02T00:00:00Z");
    ingest("alpha", "c2c2c2c2", "pr", "2026-01-03T00:00:00Z");
    // A run on main after the PR's is no baseline for it.
    ingest("delta", "c3c3c3c3", "main", "2026-01-04T00:00:00Z");

    let (code, summary, stderr) = sandbox.run(&["report", "--commit", "c2c2"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        summary.contains("> 2 benchmarks with a baseline have no run at this commit"),
        "{summary}"
    );
    assert!(summary.contains("| beta | `c1c1c1c1` | 4 |"), "{summary}");
    assert!(summary.contains("| gamma | `c0c0c0c0` | 3 |"), "{summary}");
    assert!(!summary.contains("| delta |"), "{summary}");
    assert!(
        stderr.contains("prof: 2 benchmarks with a baseline have no run at c2c2c2c2: beta, gamma"),
        "{stderr}"
    );
    let (code, _, _) = sandbox.run(&["report", "--commit", "c2c2", "--fail-on-missing"]);
    assert_eq!(code, 1, "a crashed benchmark job is not a clean run");
    let (_, text, _) = sandbox.run(&["report", "--commit", "c2c2", "--format", "text"]);
    assert!(
        text.contains("2 benchmarks with a baseline but no run at this commit")
            && !text.contains("Nothing regressed"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("beta ") && l.contains("c1c1c1c1")),
        "{text}"
    );

    // Against one baseline commit, what ran there is expected.
    let (code, summary, _) = sandbox.run(&[
        "report",
        "--commit",
        "c2c2",
        "--baseline-commit",
        "c1c1",
        "--fail-on-missing",
    ]);
    assert_eq!(code, 1);
    assert!(
        summary.contains("> 1 benchmark with a baseline has no run at this commit"),
        "{summary}"
    );
    assert!(
        summary.contains("| beta | `c1c1c1c1` | 4 |") && !summary.contains("| gamma |"),
        "{summary}"
    );

    // Nothing missing: no section, exit 0 with the flag.
    let (code, summary, _) = sandbox.run(&["report", "--commit", "c0c0", "--fail-on-missing"]);
    assert_eq!(code, 0);
    assert!(!summary.contains("missing"), "{summary}");
}

#[test]
fn a_commit_given_in_full_is_never_ambiguous() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", metrics(1));
    sandbox.ingest(&file, &["--commit", "cccccc1"]);
    sandbox.ingest(
        &sandbox.write("a2.json", metrics(2)),
        &["--commit", "cccccc12", "--name", "a"],
    );
    let (code, summary, stderr) = sandbox.run(&["report", "--commit", "cccccc1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary.contains("| a (new) | 1 |"), "{summary}");
    let (code, _, stderr) = sandbox.run(&["report", "--commit", "cccccc"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--commit cccccc is ambiguous"), "{stderr}");
    assert_eq!(
        sandbox.stdout(&["show", "a@cccccc1", "--format", "json"]),
        sandbox.stdout(&["show", "1", "--format", "json"])
    );
}

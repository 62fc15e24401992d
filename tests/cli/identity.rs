//! What identifies a benchmark: its name from the file stem (not the app
//! group), repeats of one benchmark at one commit, and `legacy` refusing
//! two inputs that would share a name.

use predicates::prelude::*;

use crate::support::{Sandbox, rows};

const SHA1: &str = "dc0f2b6a9e1c4d7b8f0a2c3e5d6b7a8c9d0e1f2a";
const SHA2: &str = "7ca163f0b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";

/// A newer OpenVM file: its app group is `app_proof`, whatever it measured.
pub fn app_proof_metrics(ms: u32) -> String {
    format!(
        r#"{{"gauge": [{{"labels": [["group", "app_proof"], ["segment", "0"]], "metric": "total_proof_time_ms", "value": "{ms}"}},
                      {{"labels": [["group", "app_proof"], ["segment", "0"]], "metric": "trace_gen_time_ms", "value": "{ms}"}}]}}"#
    )
}

fn run(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let output = sandbox.prof().args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn two_app_proof_files_at_one_commit_are_two_benchmarks() {
    let sandbox = Sandbox::new();
    // Two powdr benchmarks at two commits, each file ingested in one call
    // per commit as a CI job would: the 10k one is ten times slower, and
    // neither changed between the commits.
    for (sha, branch) in [(SHA1, "main"), (SHA2, "pr")] {
        let small = sandbox.write(
            &format!("powdr_{sha}-256-metrics.json"),
            app_proof_metrics(100),
        );
        let large = sandbox.write(
            &format!("powdr_{sha}-10k-metrics.json"),
            app_proof_metrics(1000),
        );
        sandbox
            .prof()
            .args(["ingest", "--commit", sha, "--branch", branch])
            .arg(&small)
            .arg(&large)
            .assert()
            .success();
    }
    let names = rows(
        &sandbox.conn(),
        "SELECT name, substr(commit_sha, 1, 7) FROM runs ORDER BY id",
        [],
        |r| {
            Ok(format!(
                "{}@{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?
            ))
        },
    );
    assert_eq!(
        names,
        [
            "powdr-256-metrics@dc0f2b6",
            "powdr-10k-metrics@dc0f2b6",
            "powdr-256-metrics@7ca163f",
            "powdr-10k-metrics@7ca163f"
        ]
    );
    let (code, summary, stderr) = run(
        &sandbox,
        &["report", "--commit", "7ca163f", "--fail-above", "5"],
    );
    assert_eq!(code, 0, "nothing changed: {stderr}\n{summary}");
    assert!(
        summary.contains("| powdr-10k-metrics | 1,000 |"),
        "{summary}"
    );
    assert!(summary.contains("| powdr-256-metrics | 100 |"), "{summary}");
    assert!(
        !summary.contains("(new)") && !summary.contains('%'),
        "{summary}"
    );
}

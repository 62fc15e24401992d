//! What identifies a benchmark: its name from the file stem (not the app
//! group), repeats of one benchmark at one commit, and `legacy` refusing
//! two inputs that would share a name.

use predicates::prelude::*;

use crate::support::{Sandbox, refused, rows};

const SHA1: &str = "dc0f2b6a9e1c4d7b8f0a2c3e5d6b7a8c9d0e1f2a";
const SHA2: &str = "7ca163f0b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";

/// A newer OpenVM file: its app group is `app_proof`, whatever it measured.
pub fn app_proof_metrics(ms: u32) -> String {
    format!(
        r#"{{"gauge": [{{"labels": [["group", "app_proof"], ["segment", "0"]], "metric": "total_proof_time_ms", "value": "{ms}"}},
                      {{"labels": [["group", "app_proof"], ["segment", "0"]], "metric": "trace_gen_time_ms", "value": "{ms}"}}]}}"#
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
    let (code, summary, stderr) =
        sandbox.run(&["report", "--commit", "7ca163f", "--fail-above", "5"]);
    assert_eq!(code, 0, "nothing changed: {stderr}\n{summary}");
    assert!(
        summary.contains("| powdr-10k-metrics | 1,000 |"),
        "{summary}"
    );
    assert!(summary.contains("| powdr-256-metrics | 100 |"), "{summary}");
    assert!(
        !summary.contains("(new)") && !summary.contains("%])"),
        "{summary}"
    );
}

#[test]
fn repeats_are_samples_of_their_commit_never_a_diff_of_each_other() {
    let sandbox = Sandbox::new();
    let c1 = "1a2b3c4d";
    let c2 = "5e6f7a8b";
    let ingest = |file: &str, ms: u32, commit: &str, branch: &str| {
        std::fs::create_dir_all(sandbox.path(file).parent().unwrap()).unwrap();
        let path = sandbox.write(file, app_proof_metrics(ms));
        sandbox
            .prof()
            .args(["ingest", "--commit", commit, "--branch", branch])
            .arg(&path)
            .output()
            .unwrap()
    };
    // Main at c1 ran reth twice (two repeats), the PR at c2 three times.
    assert!(
        ingest("reth-1a2b3c4.json", 100, c1, "main")
            .status
            .success()
    );
    let second = ingest("reth-1a2b3c4-retry.json", 104, c1, "main");
    assert!(second.status.success());
    // A different stem is a different benchmark, so no repeat note here.
    assert!(!String::from_utf8_lossy(&second.stderr).contains("repeat"));
    let second = ingest("again/reth-1a2b3c4.json", 102, c1, "main");
    assert_eq!(
        String::from_utf8_lossy(&second.stderr)
            .lines()
            .filter(|l| l.contains("repeat"))
            .collect::<Vec<_>>(),
        [
            "prof: stored run 3 as repeat 2 of reth at 1a2b3c4d; use --name if it is a different benchmark"
        ]
    );
    for (i, ms) in [110, 111, 112].into_iter().enumerate() {
        let out = ingest(&format!("pr{i}/reth-5e6f7a8.json"), ms, c2, "pr");
        assert!(out.status.success());
    }
    // The PR's report: reth compared with main's newest reth before it,
    // the second repeat (102 ms), and said to have three runs.
    let output = sandbox
        .prof()
        .args(["report", "--commit", c2])
        .output()
        .unwrap();
    let summary = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success());
    assert!(
        summary.contains("| reth (3 runs) | <span style='color: red'>(+10 [+9.8%])</span> 112 |"),
        "{summary}"
    );
    // Main's report at c1 itself: the repeats are not compared with each
    // other; nothing before c1, so reth is new with its two runs.
    for extra in [&[][..], &["--baseline-commit", c1][..]] {
        let output = sandbox
            .prof()
            .args(["report", "--commit", c1])
            .args(extra)
            .output()
            .unwrap();
        let summary = String::from_utf8(output.stdout).unwrap();
        assert!(output.status.success());
        assert!(
            summary.contains("| reth (new) (2 runs) | 102 |"),
            "{summary}"
        );
        assert!(!summary.contains("span"), "no diff: {summary}");
    }
    // Every output says how many runs the commit has.
    let json: serde_json::Value = serde_json::from_slice(
        &sandbox
            .prof()
            .args(["compare", &format!("reth@{c1}"), "reth", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["base"]["runs_at_commit"], 2);
    assert_eq!(json["head"]["runs_at_commit"], 3);
    let md = sandbox
        .prof()
        .args(["show", "reth"])
        .output()
        .unwrap()
        .stdout;
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains("Head: run 6 at `5e6f7a8b` on pr, "), "{md}");
    assert!(md.contains(" (3 runs at this commit)\n"), "{md}");
    let runs: serde_json::Value = serde_json::from_slice(
        &sandbox
            .prof()
            .args(["runs", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(runs[0]["runs_at_commit"], 3);
}

#[test]
fn legacy_refuses_two_inputs_that_would_share_a_name() {
    let sandbox = Sandbox::new();
    sandbox.write("fib-1a2b3c4.json", app_proof_metrics(1));
    sandbox.write("fib-5e6f7a8.json", app_proof_metrics(2));
    let before: Vec<_> = std::fs::read_dir(sandbox.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    for names in [&[][..], &["--names", "one,one"][..]] {
        let output = sandbox
            .prof()
            .env_remove("PROF_DB")
            .args([
                "legacy",
                "--json-paths",
                "fib-1a2b3c4.json,fib-5e6f7a8.json",
                "--output-json",
                "bmf.json",
            ])
            .args(names)
            .output()
            .unwrap();
        refused(
            &output,
            "fib-1a2b3c4.json and fib-5e6f7a8.json would both be benchmark",
        );
        let after: Vec<_> = std::fs::read_dir(sandbox.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(after, before, "nothing written");
    }
    sandbox
        .prof()
        .env_remove("PROF_DB")
        .args([
            "legacy",
            "--json-paths",
            "fib-1a2b3c4.json,fib-5e6f7a8.json",
            "--names",
            "a,b",
            "--output-json",
            "bmf.json",
        ])
        .assert()
        .success();
    let bmf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.path("bmf.json")).unwrap()).unwrap();
    assert!(bmf.get("a").is_some() && bmf.get("b").is_some(), "{bmf}");
}

#[test]
fn a_file_named_only_by_its_commit_is_named_but_warned_about() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("3f2c1e9.json", app_proof_metrics(1));
    sandbox
        .prof()
        .args(["ingest", "--commit", "3f2c1e9"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "3f2c1e9.json: warning: the file name is only a commit hash or date",
        ));
    sandbox
        .prof()
        .args(["ingest", "--commit", "3f2c1e9", "--name", "fib", "--force"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicates::str::contains("warning").not());
}

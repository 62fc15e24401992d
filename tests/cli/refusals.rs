//! Flags that cannot mean anything useful are refused in one line, exit 2,
//! with the database untouched, rather than giving an answer that misleads.

use crate::support::{Sandbox, bundled, dump};

/// `args` is refused with `expected` in its one line, the database as it was.
fn refused(sandbox: &Sandbox, args: &[&str], expected: &str) {
    let before = dump(&sandbox.db());
    crate::support::refused(&sandbox.prof().args(args).output().unwrap(), expected);
    assert_eq!(dump(&sandbox.db()), before, "{args:?} changed the database");
}

#[test]
fn flags_without_a_useful_meaning_are_refused() {
    let sandbox = Sandbox::new();
    let file = bundled("fibonacci.base.json");
    sandbox.ingest(
        &file,
        &["--name", "fib", "--commit", "aaaa111", "--branch", "main"],
    );
    refused(
        &sandbox,
        &["trend", "serial_s", "--stat", "count"],
        "is one value per run; drop --stat count",
    );
    refused(&sandbox, &["changes", "--last", "0"], "0 is not in 1..");
    refused(
        &sandbox,
        &["report", "--commit", "aaaa111", "--window", "3"],
        "--min-history 5 is more than --window 3",
    );
    refused(
        &sandbox,
        &["report", "--commit", "aaaa111", "--fail-above", "-5"],
        "--fail-above -5: give a percentage of 0 or more",
    );
    refused(
        &sandbox,
        &["show", "fib", "--proofs-per-device", "-1"],
        "-1 is not in 1..=1024",
    );
}

#[test]
fn a_misspelt_benchmark_name_is_refused_not_an_empty_list() {
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &bundled("fibonacci.base.json"),
        &["--name", "fib", "--commit", "aaaa111", "--branch", "main"],
    );
    refused(
        &sandbox,
        &["runs", "--name", "fibb"],
        "no benchmark named `fibb` (known: fib)",
    );
    let listed = sandbox.stdout(&["runs", "--name", "fib"]);
    assert!(listed.contains("aaaa111"), "{listed}");
}

#[test]
fn a_report_whose_template_fails_writes_no_file() {
    let sandbox = Sandbox::new();
    for (file, commit) in [
        ("fibonacci.base.json", "aaaa111"),
        ("fibonacci.head.json", "bbbb222"),
    ] {
        sandbox.ingest(
            &bundled(file),
            &["--name", "fib", "--commit", commit, "--branch", "main"],
        );
    }
    let templates = sandbox.path("tp");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("compare.md.j2"), "{{ report.nmae }}\n").unwrap();
    let out = sandbox.path("out");
    let output = sandbox
        .prof()
        .args([
            "report",
            "--commit",
            "bbbb222",
            "--no-flamegraphs",
            "--templates",
        ])
        .arg(&templates)
        .arg("--out-dir")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("compare.md.j2"), "{stderr}");
    let written: Vec<_> = std::fs::read_dir(&out)
        .map(|entries| entries.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "a failed report wrote {written:?}");
}

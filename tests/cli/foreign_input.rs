//! What users control cannot reach past prof's outputs: hostile benchmark
//! names get distinct files inside `--out-dir` (and beside `compare -o`'s
//! file and `legacy`'s inputs), and names printed to a terminal cannot
//! rewrite the screen. Templates from a checkout: `templates.rs`.

use std::collections::BTreeSet;
use std::path::Path;

use predicates::prelude::*;

use crate::support::{Sandbox, Succeeds};

const SMALL: &str = r#"{"gauge": [{"labels": [["group", "app"], ["segment", "0"]], "metric": "trace_gen_time_ms", "value": "VALUE"},
 {"labels": [["group", "app"], ["segment", "0"]], "metric": "execute_time_ms", "value": "2"},
 {"labels": [["group", "app"], ["segment", "0"]], "metric": "stark_prove_excluding_trace_time_ms", "value": "3"}]}"#;

/// A tiny metrics file whose app proof time is `value` + 5 ms.
pub fn small_run(sandbox: &Sandbox, file: &str, value: f64) -> std::path::PathBuf {
    sandbox.write(file, SMALL.replace("VALUE", &value.to_string()))
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            for inner in files_under(&entry.path()) {
                found.insert(format!("{name}/{inner}"));
            }
        } else {
            found.insert(name);
        }
    }
    found
}

const HOSTILE_NAMES: &[&str] = &[
    "a/b",
    "a_b",
    "summary",
    "bmf",
    "x",
    "x.detailed",
    "../x",
    "ünïcødé 名前",
    "X",
];

#[test]
fn hostile_benchmark_names_get_distinct_files_inside_the_out_dir() {
    let sandbox = Sandbox::new();
    let long = "n".repeat(300);
    let mut names: Vec<&str> = HOSTILE_NAMES.to_vec();
    names.push(&long);
    for (i, name) in names.iter().enumerate() {
        let file = small_run(&sandbox, &format!("in{i}.json"), 10.0 + i as f64);
        sandbox.ingest(&file, &["--commit", "c0ffee", "--name", name]);
    }
    std::fs::create_dir(sandbox.path("work")).unwrap();
    let before = files_under(sandbox.dir.path());
    sandbox
        .prof()
        .current_dir(sandbox.path("work"))
        .args([
            "report",
            "--commit",
            "c0ffee",
            "--out-dir",
            "out",
            "--results-link",
            "https://ci.example/r",
        ])
        .succeeds();
    let after = files_under(sandbox.dir.path());
    let new: BTreeSet<&String> = after
        .difference(&before)
        .filter(|f| !f.starts_with("prof.db"))
        .collect();
    assert!(
        new.iter().all(|f| f.starts_with("work/out/")),
        "written outside --out-dir: {new:?}"
    );
    let out = files_under(&sandbox.path("work/out"));
    // Every benchmark has its own main and detailed file, besides the
    // summary, the BMF file and the verdicts: nothing overwrote anything.
    assert_eq!(out.len(), 3 + 2 * names.len(), "{out:?}");
    assert!(
        out.contains("a_b.md")
            && out.contains("summary.md")
            && out.contains("bmf.json")
            && out.contains("verdicts.json")
    );
    assert!(out.iter().all(|f| f.len() <= 120), "{out:?}");
    let bmf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.path("work/out/bmf.json")).unwrap())
            .unwrap();
    for name in &names {
        assert!(bmf.get(*name).is_some(), "{name} missing from bmf.json");
    }
    // The summary links each benchmark to the file written for it, and
    // each file is the report of that benchmark.
    let summary = std::fs::read_to_string(sandbox.path("work/out/summary.md")).unwrap();
    let links: Vec<&str> = summary
        .split("](https://ci.example/r/")
        .skip(1)
        .map(|rest| &rest[..rest.find(')').unwrap()])
        .collect();
    assert_eq!(links.len(), names.len(), "{summary}");
    let linked: BTreeSet<&str> = links.iter().copied().collect();
    assert_eq!(
        linked.len(),
        names.len(),
        "two rows link one file: {links:?}"
    );
    for link in links {
        let report = std::fs::read_to_string(sandbox.path("work/out").join(link))
            .unwrap_or_else(|e| panic!("{link}: {e}"));
        let detailed = link.replace(".md", ".detailed.md");
        assert!(
            report.contains(&format!("]({detailed})")),
            "{link} does not link {detailed}"
        );
    }
}

#[test]
fn compare_output_files_are_named_beside_the_main_file() {
    let sandbox = Sandbox::new();
    let base = small_run(&sandbox, "base.json", 1.0);
    let head = small_run(&sandbox, "head.json", 2.0);
    sandbox.ingest(&base, &["--name", "b"]);
    sandbox.ingest(&head, &["--name", "b"]);
    sandbox
        .prof()
        .args(["compare", "1", "2", "-o", "report"])
        .assert()
        .success();
    let main = std::fs::read_to_string(sandbox.path("report")).unwrap();
    assert!(main.contains("](report.detailed.md)"), "{main}");
    assert!(sandbox.path("report.detailed.md").is_file());
    sandbox
        .prof()
        .args(["compare", "1", "2", "-o", ".."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a file name"));
}

#[test]
fn legacy_inputs_with_one_stem_keep_separate_reports() {
    let sandbox = Sandbox::new();
    small_run(&sandbox, "x.json", 1.0);
    small_run(&sandbox, "x.yaml", 2.0);
    small_run(&sandbox, "x.detailed.json", 3.0);
    sandbox
        .prof()
        .env_remove("PROF_DB")
        .args([
            "legacy",
            "--json-paths",
            "x.json,x.yaml,x.detailed.json",
            "--names",
            "one,two,three",
            "summary",
            "--benchmark-results-link",
            "L",
            "--summary-md-path",
            "summary.md",
        ])
        .succeeds();
    let mds: Vec<String> = files_under(sandbox.dir.path())
        .into_iter()
        .filter(|f| f.ends_with(".md") && !f.ends_with(".detailed.md") && f != "summary.md")
        .collect();
    assert_eq!(mds.len(), 3, "{mds:?}");
    let summary = std::fs::read_to_string(sandbox.path("summary.md")).unwrap();
    assert!(summary.contains("[one (new)](L/x.md)"), "{summary}");
    for md in &mds {
        assert!(
            summary.contains(&format!("(L/{md})")),
            "{md} unlinked: {summary}"
        );
    }
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn names_printed_to_a_terminal_have_control_characters_escaped() {
    let sandbox = Sandbox::new();
    let hostile_group = "x\r\x1b[31m";
    let file = sandbox.write(
        "hostile.json",
        format!(
            r#"{{"gauge": [{{"labels": [["group", "{}"]], "metric": "trace_gen_time_ms", "value": "1"}},
                {{"labels": [["group", "y\u0007"]], "metric": "trace_gen_time_ms", "value": "1"}}]}}"#,
            "x\\r\\u001b[31m"
        ),
    );
    let name = "n\x1b[2J\u{202e}";
    let output = sandbox
        .prof()
        .args([
            "ingest",
            file.to_str().unwrap(),
            "--name",
            name,
            "--branch",
            "b\x1b[1m",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(!has_raw_control(&stderr), "{stderr:?}");
    assert!(stderr.contains("n\\x1b[2J\\u{202e}"), "{stderr}");
    // The group is stored as it is: only what reaches a terminal changes.
    let stored: String = sandbox
        .conn()
        .query_row(
            "SELECT group_name FROM group_stats WHERE group_name LIKE 'x%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(stored, hostile_group);
    let runs = sandbox.prof().arg("runs").output().unwrap();
    let stdout = String::from_utf8(runs.stdout).unwrap();
    assert!(!has_raw_control(&stdout), "{stdout:?}");
    assert!(
        stdout.contains("n\\x1b[2J\\u{202e}") && stdout.contains("b\\x1b[1m"),
        "{stdout}"
    );
    // Errors quote what the user typed, escaped too.
    let error = sandbox
        .prof()
        .args(["compare", "1", "nope\x1b[31m"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(error.stderr).unwrap();
    assert_eq!(error.status.code(), Some(2));
    assert!(!has_raw_control(&stderr), "{stderr:?}");
    assert!(stderr.contains("nope\\x1b[31m"), "{stderr}");
    // The text tables escape the group's name as well.
    let text = sandbox
        .prof()
        .args(["show", "1", "--format", "text"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    assert!(!has_raw_control(&stdout), "{stdout:?}");
    assert!(stdout.contains("x\\r\\x1b[31m"), "{stdout}");
}

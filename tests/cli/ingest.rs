//! `prof ingest` and `prof runs` as a user runs them: ids on stdout, one
//! clear line per bad input, and a database left exactly as it was.

use predicates::prelude::*;

use crate::support::{Sandbox, dump, refused, rows, shared_data};

const GOOD: &str = r#"{"counter": [{"labels": [["group", "app"], ["segment", "0"]], "metric": "rows", "value": "8"}],
 "gauge": [{"labels": [["group", "app"]], "metric": "trace_gen_time_ms", "value": "1.5"}]}"#;

#[test]
fn stdout_carries_only_the_new_run_ids_one_per_line() {
    let sandbox = Sandbox::new();
    let a = sandbox.write("a.json", GOOD);
    let b = sandbox.write("b.json", GOOD.replace("\"8\"", "\"9\""));
    let output = sandbox
        .prof()
        .args(["ingest", "--commit", "3f2c1e9", "--branch", "main"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "1\n2\n");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("a.json: run 1 (a)"), "{stderr}");

    let conn = sandbox.conn();
    let (name, commit, branch, source, sha): (String, String, String, String, String) = conn
        .query_row(
            "SELECT name, commit_sha, branch, source_path, content_sha256 FROM runs WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), commit.as_str(), branch.as_str()),
        ("a", "3f2c1e9", "main")
    );
    assert!(source.ends_with("a.json"));
    assert_eq!(sha, sha256_hex(GOOD.as_bytes()));
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digest is computed on its own thread, a megabyte at a time, kept
/// within reach of the writer: files of several steps, one that fails
/// midway and one after it must each get their own content's digest.
#[test]
fn every_run_records_the_sha256_of_its_own_content() {
    let sandbox = Sandbox::new();
    let reth = shared_data("openvm-reth-benchmark_01932bb_reth-example-segment.json");
    let big = std::fs::read(&reth).unwrap();
    let broken = sandbox.write("broken.json", &big[..big.len() / 2]);
    let small = sandbox.write("small.json", GOOD);
    let output = sandbox
        .prof()
        .args(["ingest", "--commit", "c1", "--branch", "main"])
        .args([&reth, &broken, &small])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "the broken file fails the call"
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "1\n2\n");
    let digests = rows(
        &sandbox.conn(),
        "SELECT content_sha256 FROM runs ORDER BY id",
        [],
        |r| r.get::<_, String>(0),
    );
    assert_eq!(digests, [sha256_hex(&big), sha256_hex(GOOD.as_bytes())]);
}

#[test]
fn the_database_defaults_to_prof_db_in_the_working_directory() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", GOOD);
    sandbox
        .prof()
        .env_remove("PROF_DB")
        .arg("ingest")
        .arg(&file)
        .assert()
        .success()
        .stdout("1\n");
    assert!(sandbox.path("prof.db").is_file());
    let other = sandbox.path("other.db");
    sandbox
        .prof()
        .arg("--db")
        .arg(&other)
        .arg("ingest")
        .arg(&file)
        .assert()
        .success()
        .stdout("1\n");
    assert!(other.is_file());
}

#[test]
fn ci_variables_fill_in_commit_and_branch_and_flags_win() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", GOOD);
    sandbox
        .prof()
        .env("GITHUB_SHA", "aaaa")
        .env("GITHUB_HEAD_REF", "")
        .env("GITHUB_REF_NAME", "main")
        .arg("ingest")
        .arg(&file)
        .assert()
        .success();
    sandbox
        .prof()
        .env("GITHUB_SHA", "aaaa")
        .env("GITHUB_HEAD_REF", "pr-7")
        .env("GITHUB_REF_NAME", "7/merge")
        .args(["ingest", "--commit", "bbbb"])
        .arg(&file)
        .assert()
        .success();
    let rows: Vec<(String, String)> = rows(
        &sandbox.conn(),
        "SELECT commit_sha, branch FROM runs ORDER BY id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert_eq!(
        rows,
        [
            ("aaaa".into(), "main".into()),
            ("bbbb".into(), "pr-7".into())
        ]
    );
}

#[test]
fn name_and_meta_are_recorded() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", GOOD);
    let id = sandbox.ingest(
        &file,
        &[
            "--name",
            "reth",
            "--meta",
            "instance=g6.2xlarge",
            "--meta",
            "gpu=l4",
        ],
    );
    let conn = sandbox.conn();
    let name: String = conn
        .query_row("SELECT name FROM runs WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "reth");
    let meta: Vec<(String, String)> = rows(
        &conn,
        "SELECT key, value FROM run_meta WHERE run_id = ?1 ORDER BY key",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert_eq!(
        meta,
        [
            ("gpu".into(), "l4".into()),
            ("instance".into(), "g6.2xlarge".into())
        ]
    );
    sandbox
        .prof()
        .args(["ingest", "--meta", "novalue"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--meta novalue: expected KEY=VALUE",
        ));
}

#[test]
fn the_default_name_is_the_file_stem_without_its_commit_hash() {
    let sandbox = Sandbox::new();
    let id = sandbox.ingest(
        &shared_data("openvm_11de835_client-eth-metrics-vanilla.json"),
        &[],
    );
    let name: String = sandbox
        .conn()
        .query_row("SELECT name FROM runs WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "openvm_client-eth-metrics-vanilla");
}

#[test]
fn the_app_group_does_not_name_the_run() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "two.json",
        r#"{"gauge": [{"labels": [["group", "zeta"]], "metric": "m", "value": "1"},
                      {"labels": [["group", "alpha"]], "metric": "m", "value": "1"}]}"#,
    );
    sandbox
        .prof()
        .arg("ingest")
        .arg(&file)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("run 1 (two)").and(predicate::str::contains("warning").not()),
        );
}

#[test]
fn the_same_content_for_the_same_commit_is_stored_once() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", GOOD);
    let first = sandbox.ingest(&file, &["--commit", "c1"]);
    let before = dump(&sandbox.db());
    sandbox
        .prof()
        .args(["ingest", "--commit", "c1"])
        .arg(&file)
        .assert()
        .success()
        .stdout(format!("{first}\n"))
        .stderr(predicate::str::contains("already stored as run 1"));
    assert_eq!(dump(&sandbox.db()), before, "a re-ingest adds nothing");
    // A copy under another path, named as the same benchmark, is the same
    // content.
    let copy = sandbox.write("copy.json", GOOD);
    sandbox
        .prof()
        .args(["ingest", "--commit", "c1", "--name", "a"])
        .arg(&copy)
        .assert()
        .success()
        .stdout("1\n");
    assert_eq!(sandbox.ingest(&file, &["--commit", "c1", "--force"]), 2);
    assert_eq!(sandbox.ingest(&file, &["--commit", "c2"]), 3);
}

#[test]
fn label_order_does_not_make_a_new_label_set() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "order.json",
        r#"{"gauge": [{"labels": [["group", "g"], ["idx", "0"]], "metric": "a", "value": 1},
                      {"metric": "b", "value": "2", "labels": [["idx", "0"], ["group", "g"]]}]}"#,
    );
    sandbox.ingest(&file, &[]);
    let sets: i64 = sandbox
        .conn()
        .query_row("SELECT COUNT(*) FROM label_sets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sets, 1);
}

#[test]
fn a_key_named_twice_keeps_its_first_value_and_warns() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "twice.json",
        r#"{"gauge": [{"labels": [["group", "first"], ["group", "second"]], "metric": "m", "value": "1"}]}"#,
    );
    sandbox
        .prof()
        .arg("ingest")
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 entry names a label key twice; the first value was kept",
        ));
    let group: String = sandbox
        .conn()
        .query_row("SELECT group_name FROM group_stats", [], |r| r.get(0))
        .unwrap();
    assert_eq!(group, "first");
}

#[test]
fn non_finite_values_are_stored_but_kept_out_of_statistics() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "nan.json",
        r#"{"gauge": [{"labels": [["group", "g"]], "metric": "m", "value": "NaN"},
                      {"labels": [["group", "g"]], "metric": "m", "value": "inf"},
                      {"labels": [["group", "g"]], "metric": "m", "value": "4"}]}"#,
    );
    sandbox
        .prof()
        .args(["ingest", "--commit", "c1"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: 2 non-finite values"));
    let conn = sandbox.conn();
    let stored: Vec<Option<String>> = rows(
        &conn,
        "SELECT nonfinite FROM samples ORDER BY seq",
        [],
        |r| r.get(0),
    );
    assert_eq!(stored, [Some("NaN".into()), Some("inf".into()), None]);
    let (count, sum): (i64, f64) = conn
        .query_row("SELECT count, sum FROM group_stats", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((count, sum), (1, 4.0));
    // Every output that shows the run says its sums leave values out.
    let shown = sandbox.stdout(&["show", "nan"]);
    assert!(
        shown.contains("**2 non-finite values** (NaN/inf) left out of its statistics"),
        "{shown}"
    );
    let json = sandbox.json(&["show", "nan", "--format", "json"]);
    assert_eq!(json["head"]["nonfinite"], 2, "{json}");
    let listed = sandbox.json(&["runs", "--format", "json"]);
    assert_eq!(listed[0]["nonfinite"], 2, "{listed}");
    let summary = sandbox.stdout(&["report", "--commit", "c1"]);
    assert!(
        summary.contains("| nan (new) (2 non-finite) |"),
        "{summary}"
    );
}

#[test]
fn zero_counters_are_dropped_and_zero_gauges_kept() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "zero.json",
        r#"{"counter": [{"labels": [["group", "g"]], "metric": "c", "value": "0"}],
            "gauge": [{"labels": [["group", "g"]], "metric": "t", "value": "0"}]}"#,
    );
    sandbox.ingest(&file, &[]);
    let metrics: Vec<String> = rows(&sandbox.conn(), "SELECT metric FROM group_stats", [], |r| {
        r.get(0)
    });
    assert_eq!(metrics, ["t"]);
}

/// Each bad input: exit 2, one stderr line naming the file and what to do,
/// and a database whose content is exactly what it was.
#[test]
fn bad_inputs_fail_cleanly_and_change_nothing() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&sandbox.write("seed.json", GOOD), &[]);
    let before = dump(&sandbox.db());
    let example = std::fs::read_to_string(shared_data("metrics.example.json")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not-json.json", b"hello".to_vec(), ":1:1: not valid JSON"),
        (
            "truncated.json",
            example.as_bytes()[..example.len() / 2].to_vec(),
            "the file ends early",
        ),
        ("empty.json", Vec::new(), "the file is empty"),
        ("blank.json", b"  \n ".to_vec(), "the file is empty"),
        (
            "not-a-pair.json",
            br#"{"gauge": [{"labels": [["group"]], "metric": "m", "value": "1"}]}"#.to_vec(),
            ":1:32: a label must be a [key, value] pair",
        ),
        (
            "triple.json",
            br#"{"gauge": [{"labels": [["a", "b", "c"]], "metric": "m", "value": "1"}]}"#.to_vec(),
            "a label must be a [key, value] pair of two strings, found more than two items",
        ),
        (
            "not-a-number.json",
            br#"{"gauge": [{"labels": [], "metric": "m", "value": "fast"}]}"#.to_vec(),
            "value \"fast\" is not a number",
        ),
        (
            "bool-value.json",
            br#"{"gauge": [{"labels": [], "metric": "m", "value": true}]}"#.to_vec(),
            "value true is a boolean, not a number",
        ),
        ("array.json", b"[1, 2]".to_vec(), "expected a JSON object"),
        (
            "late-error.json",
            format!(
                "{}",
                example.replacen("\"value\": \"1\"", "\"value\": \"x\"", 1)
            )
            .into_bytes(),
            "value \"x\" is not a number",
        ),
    ];
    for (name, content, expected) in cases {
        let file = sandbox.write(name, content);
        let output = sandbox.prof().arg("ingest").arg(&file).output().unwrap();
        let stderr = refused(&output, expected);
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
        assert!(
            stderr.starts_with(&format!("prof: {}", file.display())),
            "{name}: names the file: {stderr}"
        );
        assert_eq!(
            dump(&sandbox.db()),
            before,
            "{name}: the database is unchanged"
        );
    }
    // A FIFO with no writer: opening it would block forever.
    let fifo = sandbox.path("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    for (path, expected) in [
        (
            sandbox.path("missing.json"),
            "cannot read: no such file or directory",
        ),
        (
            sandbox.dir.path().to_path_buf(),
            "is a directory, not a metrics file",
        ),
        (fifo.clone(), "is not a regular file"),
    ] {
        sandbox
            .prof()
            .arg("ingest")
            .arg(&path)
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "prof: {}: {expected}",
                path.display()
            )));
    }
    assert_eq!(dump(&sandbox.db()), before);
}

#[test]
fn a_path_that_cannot_be_read_is_named() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("plain.json", GOOD);
    let inside = file.join("inner.json");
    sandbox
        .prof()
        .arg("ingest")
        .arg(&inside)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "inner.json: cannot read: not a directory",
        ));
}

#[test]
fn one_bad_file_among_several_fails_alone() {
    let sandbox = Sandbox::new();
    let good = sandbox.write("good.json", GOOD);
    let bad = sandbox.write("bad.json", "{");
    let other = sandbox.write("other.json", GOOD.replace("\"8\"", "\"7\""));
    let output = sandbox
        .prof()
        .arg("ingest")
        .arg(&good)
        .arg(&bad)
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "1\n2\n");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("bad.json:1:1: the file ends early"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 3 files failed; the others were stored"),
        "{stderr}"
    );
    let runs: i64 = sandbox
        .conn()
        .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 2);
}

#[test]
fn a_database_path_that_is_not_sqlite_is_refused_untouched() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", GOOD);
    let not_db = sandbox.write("notes.txt", "these are my notes, not a database\n");
    sandbox
        .prof()
        .arg("--db")
        .arg(&not_db)
        .arg("ingest")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.txt: not a SQLite database"));
    assert_eq!(
        std::fs::read_to_string(&not_db).unwrap(),
        "these are my notes, not a database\n"
    );
    sandbox
        .prof()
        .arg("--db")
        .arg(sandbox.dir.path())
        .arg("ingest")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a directory, not a database file",
        ));
}

#[test]
fn a_database_from_a_newer_prof_is_refused_naming_both_versions() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("a.json", GOOD);
    sandbox.ingest(&file, &[]);
    let latest = prof::db::latest_schema_version();
    sandbox
        .conn()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
             VALUES (?1, 'future', '2030-01-01', '0')",
            [latest + 1],
        )
        .unwrap();
    crate::support::assert_refused_as_newer(&sandbox, latest);
}

#[test]
fn runs_lists_newest_first_with_totals() {
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &[
            "--commit",
            "aaaaaaaaaaaa1",
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
            "bbbbbbbbbbbb2",
            "--branch",
            "main",
            "--name",
            "ecrecover_program",
        ],
    );
    let output = sandbox.prof().arg("runs").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id  name"), "{text}");
    assert!(
        lines[1].starts_with(" 2  ecrecover_program  bbbbbbbbbb  main"),
        "{text}"
    );
    assert!(lines[1].contains("52.438*"), "{text}");
    assert!(
        lines[2].starts_with(" 1  ecrecover_program  aaaaaaaaaa"),
        "{text}"
    );
    let json = sandbox
        .prof()
        .args(["runs", "--format", "json"])
        .output()
        .unwrap();
    let runs: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(runs[0]["serial_s"], 52.438);
    assert_eq!(runs[1]["id"], 1);
}

#[test]
fn reading_commands_need_an_existing_database() {
    let sandbox = Sandbox::new();
    sandbox
        .prof()
        .arg("runs")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no database here yet (run `prof ingest FILE` first",
        ));
    assert!(!sandbox.db().exists(), "a reading command creates nothing");
}

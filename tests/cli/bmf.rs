//! `prof ingest` of Bencher Metric Format: detection, naming, the round trip
//! through prof's own BMF, and bad BMF refused like a bad metrics file.

use std::collections::BTreeMap;

use crate::support::{Sandbox, dump, refused, rows, shared_data};

/// (group, metric) → sum, from the stored aggregates of one run.
fn group_sums(sandbox: &Sandbox, run: i64) -> BTreeMap<(String, String), f64> {
    rows(
        &sandbox.conn(),
        "SELECT group_name, metric, sum FROM group_stats WHERE run_id = ?1 AND sum IS NOT NULL",
        [run],
        |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)),
    )
    .into_iter()
    .collect()
}

#[test]
fn bmf_is_detected_and_stored_as_one_gauge_per_measure() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "criterion.json",
        r#"{"fib/10": {"latency": {"value": 12.5, "lower_value": 12, "upper_value": 13}},
            "sort": {"throughput": {"value": 3}}}"#,
    );
    let run = sandbox.ingest(&file, &["--name", "micro", "--commit", "abc"]);
    let stored: Vec<(String, String, f64, String)> = rows(
        &sandbox.conn(),
        "SELECT group_name, metric, value, kind FROM samples_labeled WHERE run_id = ?1 ORDER BY seq",
        [run],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    );
    let expect = |g: &str, m: &str, v: f64| (g.to_string(), m.to_string(), v, "gauge".to_string());
    assert_eq!(
        stored,
        vec![
            expect("fib/10", "latency", 12.5),
            expect("fib/10", "latency.lower_value", 12.0),
            expect("fib/10", "latency.upper_value", 13.0),
            expect("sort", "throughput", 3.0),
        ]
    );
    let name: String = sandbox
        .conn()
        .query_row("SELECT name FROM runs WHERE id = ?1", [run], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "micro");
}

#[test]
fn prof_s_own_bmf_ingested_back_gives_the_same_group_sums() {
    let sandbox = Sandbox::new();
    let base = sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &["--commit", "1111111"],
    );
    let head = sandbox.ingest(
        &shared_data("metrics.example.json"),
        &["--commit", "2222222"],
    );
    let output = sandbox
        .prof()
        .args(["compare", &base.to_string(), &head.to_string()])
        .args(["--format", "bmf", "--all-metrics"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let bmf = sandbox.write("head.bmf.json", &output.stdout);
    let again = sandbox.ingest(&bmf, &["--name", "roundtrip", "--commit", "3333333"]);

    let original = group_sums(&sandbox, head);
    let read_back = group_sums(&sandbox, again);
    // What the BMF holds is what prof compared: every finite (group,
    // metric) of the head run.
    let written: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let written_sums = written
        .as_object()
        .unwrap()
        .values()
        .flat_map(|measures| measures.as_object().unwrap())
        .filter(|(measure, _)| measure.ends_with("::sum"))
        .count();
    assert!(written_sums > 20, "the BMF carries the group sums");
    let mut checked = 0;
    for ((group, metric), sum) in &original {
        let back = read_back
            .get(&(group.clone(), metric.clone()))
            .unwrap_or_else(|| panic!("{group}/{metric} is missing after the round trip"));
        let tolerance = 1e-9 * sum.abs().max(1.0);
        assert!(
            (back - sum).abs() <= tolerance,
            "{group}/{metric}: {sum} became {back}"
        );
        checked += 1;
    }
    assert_eq!(checked, written_sums, "every written sum was compared");
}

#[test]
fn bmf_needs_a_name_and_an_unknown_shape_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&shared_data("metrics.example.json"), &[]);
    let before = dump(&sandbox.db());
    let bmf = sandbox.write("b.json", r#"{"b": {"m": {"value": 1}}}"#);
    let neither = sandbox.write("n.json", r#"{"b": {"m": {"value": 1}}, "n": 2}"#);
    for (file, extra, expected) in [
        (&bmf, vec![], "names no run (pass --name NAME"),
        (&neither, vec!["--name", "x"], "neither a metrics file"),
    ] {
        let output = sandbox
            .prof()
            .arg("ingest")
            .arg(file)
            .args(&extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.starts_with(&format!("prof: {}: ", file.display())) && stderr.contains(expected),
            "expected {expected:?}: {stderr}"
        );
        assert_eq!(dump(&sandbox.db()), before, "the database is unchanged");
    }
}

#[test]
fn bad_bmf_gets_one_line_with_its_position_and_changes_nothing() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&shared_data("metrics.example.json"), &[]);
    let before = dump(&sandbox.db());
    let cases = [
        (
            "no-value.json",
            "{\"b\": {\n  \"m\": {\"lower_value\": 1}}}",
            ":2:",
            "measure `m` of benchmark `b` has no \"value\"",
        ),
        (
            "string.json",
            r#"{"b": {"m": {"value": "12"}}}"#,
            ":1:",
            "value \"12\" is a string, not a number",
        ),
        (
            "deep.json",
            r#"{"b": {"m": {"x": {"value": 1}}}}"#,
            ":1:",
            "BMF nests only benchmark → measure → value",
        ),
        (
            "huge.json",
            r#"{"b": {"m": {"value": 1e999}}}"#,
            ":1:",
            "a number too large for a 64-bit float",
        ),
        (
            "truncated.json",
            r#"{"b": {"m": {"value": 1"#,
            ":1:",
            "the file ends early",
        ),
    ];
    for (name, content, position, expected) in cases {
        let file = sandbox.write(name, content);
        let output = sandbox
            .prof()
            .args(["ingest", "--format", "bmf", "--name", "x"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = refused(&output, expected);
        assert!(
            stderr.starts_with(&format!("prof: {}{position}", file.display())),
            "{name}: names the file and position: {stderr}"
        );
        assert_eq!(
            dump(&sandbox.db()),
            before,
            "{name}: the database is unchanged"
        );
    }
}

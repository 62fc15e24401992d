//! Unit tests of BMF input: shapes that become groups and gauges, prof's
//! own BMF read back, and errors that name their position.

use super::*;

fn parse_entries(text: &str) -> Result<Vec<(String, String, f64)>, ParseError> {
    let mut out = Vec::new();
    for_each_entry(text.as_bytes(), |entry| {
        assert_eq!(entry.kind, Kind::Gauge);
        assert_eq!(entry.labels[0].0, "group");
        out.push((
            entry.labels[0].1.to_string(),
            entry.metric.to_string(),
            entry.value,
        ));
        true
    })?;
    Ok(out)
}

#[test]
fn benchmarks_become_groups_and_measures_gauges() {
    let entries = parse_entries(
        r#"{"fib/10": {"latency": {"value": 12.5, "lower_value": 12, "upper_value": 13}},
            "sort": {"throughput": {"value": 3}}}"#,
    )
    .unwrap();
    assert_eq!(
        entries,
        vec![
            ("fib/10".into(), "latency".into(), 12.5),
            ("fib/10".into(), "latency.lower_value".into(), 12.0),
            ("fib/10".into(), "latency.upper_value".into(), 13.0),
            ("sort".into(), "throughput".into(), 3.0),
        ]
    );
}

#[test]
fn prof_s_own_shape_reads_back_as_groups_with_their_sums() {
    let entries = parse_entries(
        r#"{"fib": {"total_proof_time": {"value": 3.5}},
            "fib::leaf": {"t_ms": {"value": 2, "lower_value": 1, "upper_value": 3},
                          "t_ms::sum": {"value": 6}, "rate/s": {"value": 9}}}"#,
    )
    .unwrap();
    assert_eq!(
        entries,
        vec![
            ("leaf".into(), "t_ms".into(), 6.0),
            ("leaf".into(), "rate/s".into(), 9.0),
        ]
    );
}

fn error(text: &str) -> ParseError {
    parse_entries(text).unwrap_err()
}

#[test]
fn bad_measures_are_named_with_their_position() {
    let missing = error("{\"b\": {\n\"m\": {\"lower_value\": 1}}}");
    assert!(
        missing.message.contains("has no \"value\""),
        "{}",
        missing.message
    );
    assert_eq!(missing.position.map(|p| p.0), Some(2));
    let string = error(r#"{"b": {"m": {"value": "12"}}}"#);
    assert!(string.message.contains("is a string"), "{}", string.message);
    let deep = error(r#"{"b": {"m": {"x": {"value": 1}}}}"#);
    assert!(deep.message.contains("nests only"), "{}", deep.message);
    let deeper = error(r#"{"b": {"m": {"value": {"v": 1}}}}"#);
    assert!(deeper.message.contains("nests only"), "{}", deeper.message);
    let huge = error(r#"{"b": {"m": {"value": 1e999}}}"#);
    assert!(huge.message.contains("too large"), "{}", huge.message);
    assert_eq!(error(r#"{"b": 3}"#).hint, BMF_HINT);
}

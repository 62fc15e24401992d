//! `prof compare --format json`: a snapshot of what a reviewer can read (the
//! runs, the totals and each group's proof time and metric list), and every
//! number of the group statistics and the detailed tables checked against
//! the independent SEMANTICS model instead of against a snapshot.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::compare::{example_pair, memcmp_pair};
use crate::semantics::{Sample, close, derived_proof_times, group_stats, load};
use crate::support::shared_data;

/// The pair's JSON, checked against the model of its two files, and the
/// reviewable part of it for the snapshot.
fn checked_json(json: &str, base: &Path, head: &Path) -> Value {
    let mut report: Value = serde_json::from_str(json).unwrap();
    check_group_metrics(&report, base, head);
    check_detailed(&report, base, head);
    report.as_object_mut().unwrap().remove("detailed");
    // Each metric keeps its name and flags; its numbers were checked above.
    for group in report["groups"].as_array_mut().unwrap() {
        for metric in group["metrics"].as_array_mut().unwrap() {
            for stat in ["count", "avg", "sum", "max", "min"] {
                metric.as_object_mut().unwrap().remove(stat);
            }
        }
    }
    report
}

/// A cell's head and base values must be what the model says of the head
/// and base files (absent in the model: absent or null in the cell).
#[track_caller]
fn check_cell(cell: &Value, head: Option<f64>, base: Option<f64>, what: &str) {
    for (side, want) in [("value", head), ("base", base)] {
        let got = cell.get(side).and_then(Value::as_f64);
        match (got, want) {
            (Some(got), Some(want)) => assert!(close(got, want), "{what} {side}: {got} != {want}"),
            (None, None) => {}
            _ => panic!("{what} {side}: prof {got:?}, model {want:?}"),
        }
    }
}

/// SEMANTICS "Statistics per (group, metric)" for every metric row of
/// every group.
fn check_group_metrics(report: &Value, base: &Path, head: &Path) {
    let (base, head) = (group_stats(&load(base)), group_stats(&load(head)));
    let mut rows = 0;
    for group in report["groups"].as_array().unwrap() {
        let name = group["name"].as_str().unwrap();
        for metric in group["metrics"].as_array().unwrap() {
            let key = (
                name.to_string(),
                metric["metric"].as_str().unwrap().to_string(),
            );
            let (h, b) = (head.get(&key), base.get(&key));
            let what = format!("{}/{}", key.0, key.1);
            let stat = |s: Option<&crate::semantics::Stats>,
                        pick: fn(&crate::semantics::Stats) -> f64| {
                s.map(pick)
            };
            check_cell(
                &metric["count"],
                stat(h, |s| s.count as f64),
                stat(b, |s| s.count as f64),
                &format!("{what} count"),
            );
            check_cell(
                &metric["sum"],
                stat(h, |s| s.sum),
                stat(b, |s| s.sum),
                &format!("{what} sum"),
            );
            check_cell(
                &metric["avg"],
                stat(h, |s| s.sum / s.count as f64),
                stat(b, |s| s.sum / s.count as f64),
                &format!("{what} avg"),
            );
            check_cell(
                &metric["max"],
                stat(h, |s| s.max),
                stat(b, |s| s.max),
                &format!("{what} max"),
            );
            check_cell(
                &metric["min"],
                stat(h, |s| s.min),
                stat(b, |s| s.min),
                &format!("{what} min"),
            );
            rows += 1;
        }
    }
    assert!(rows > 10, "only {rows} metric rows");
}

/// (label keys, label values, metric) → summed value.
type Detailed = BTreeMap<(Vec<String>, Vec<String>, String), f64>;

/// SEMANTICS "X.detailed.md": one table per set of label keys (`group`
/// first, then alphabetical) once `cycle_tracker_span` and `dsl_ir` are
/// dropped, rows that then coincide summed, `gpu_mem.*` and `wrapper.*`
/// left out; derived proof times included.
fn detailed_model(samples: &[Sample]) -> Detailed {
    let derived: Vec<Sample> = derived_proof_times(samples)
        .into_iter()
        .map(|(labels, value)| Sample {
            labels: labels.clone(),
            metric: "total_proof_time_ms".into(),
            value,
        })
        .collect();
    let mut tables = Detailed::new();
    for sample in samples.iter().chain(&derived) {
        if sample.metric.starts_with("gpu_mem.")
            || sample.metric.starts_with("wrapper.")
            || !sample.value.is_finite()
        {
            continue;
        }
        let mut labels: Vec<(&String, &String)> = sample
            .labels
            .iter()
            .filter(|(key, _)| *key != "cycle_tracker_span" && *key != "dsl_ir")
            .collect();
        labels.sort_by_key(|(key, _)| (*key != "group", *key));
        let keys = labels.iter().map(|(k, _)| k.to_string()).collect();
        let values = labels.iter().map(|(_, v)| v.to_string()).collect();
        *tables
            .entry((keys, values, sample.metric.clone()))
            .or_default() += sample.value;
    }
    tables
}

/// Every cell of every detailed table against the model, and every value
/// the model has in some table of prof's.
fn check_detailed(report: &Value, base: &Path, head: &Path) {
    let (base, head) = (detailed_model(&load(base)), detailed_model(&load(head)));
    let mut seen = Vec::new();
    for table in report["detailed"].as_array().unwrap() {
        let keys: Vec<String> = serde_json::from_value(table["label_keys"].clone()).unwrap();
        let metrics: Vec<String> = serde_json::from_value(table["metrics"].clone()).unwrap();
        for row in table["rows"].as_array().unwrap() {
            let labels: Vec<String> = serde_json::from_value(row["labels"].clone()).unwrap();
            for (metric, cell) in metrics.iter().zip(row["values"].as_array().unwrap()) {
                let key = (keys.clone(), labels.clone(), metric.clone());
                let what = format!("{keys:?}={labels:?} {metric}");
                if cell.is_null() {
                    assert!(
                        !head.contains_key(&key) && !base.contains_key(&key),
                        "{what}: no cell"
                    );
                    continue;
                }
                check_cell(
                    cell,
                    head.get(&key).copied(),
                    base.get(&key).copied(),
                    &what,
                );
                seen.push(key);
            }
        }
    }
    let missing: Vec<_> = head
        .keys()
        .chain(base.keys())
        .filter(|key| !seen.contains(key))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "in the model, not in prof's tables: {missing:?}"
    );
}

#[test]
fn the_example_pairs_json_is_the_model() {
    let sandbox = example_pair();
    let json = sandbox.stdout(&["compare", "1", "2", "--format", "json"]);
    let reviewable = checked_json(
        &json,
        &shared_data("metrics.prev.example.json"),
        &shared_data("metrics.example.json"),
    );
    insta::assert_snapshot!(
        "example_json",
        serde_json::to_string_pretty(&reviewable).unwrap()
    );
}

#[test]
fn the_memcmp_pairs_json_is_the_model() {
    let sandbox = memcmp_pair();
    let json = sandbox.stdout(&["compare", "1", "2", "--format", "json"]);
    let reviewable = checked_json(
        &json,
        &shared_data("openvm_a9d7984_default_memcmp.json"),
        &shared_data("openvm_a9d7984_custom_memcmp.json"),
    );
    insta::assert_snapshot!(
        "memcmp_json",
        serde_json::to_string_pretty(&reviewable).unwrap()
    );
}

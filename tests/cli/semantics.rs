//! The store's numbers against an independent, in-memory reading of
//! SEMANTICS.md, computed here from the raw JSON with serde_json::Value.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::support::{Sandbox, all_shared_data, shared_data};

/// One sample as SEMANTICS sees it.
pub(crate) struct Sample {
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) metric: String,
    pub(crate) value: f64,
}

/// Samples in file order: non-zero counters and all gauges. Non-finite
/// values are kept (they still are a metric's first occurrence) and left out
/// of every statistic.
pub(crate) fn load(path: &Path) -> Vec<Sample> {
    let text = std::fs::read_to_string(path).unwrap();
    let InFileOrder(document) = serde_json::from_str(&text).unwrap();
    let mut samples = Vec::new();
    for (kind, entries) in &document {
        for entry in entries.as_array().into_iter().flatten() {
            let value = match &entry["value"] {
                serde_json::Value::String(s) => s.trim().parse::<f64>().unwrap(),
                other => other.as_f64().unwrap(),
            };
            if kind == "counter" && value == 0.0 {
                continue;
            }
            let mut labels = BTreeMap::new();
            for pair in entry["labels"].as_array().into_iter().flatten() {
                let key = pair[0].as_str().unwrap().to_string();
                labels
                    .entry(key)
                    .or_insert_with(|| pair[1].as_str().unwrap().to_string());
            }
            samples.push(Sample {
                labels,
                metric: entry["metric"].as_str().unwrap().into(),
                value,
            });
        }
    }
    samples
}

/// The document's top-level members in file order: whether `counter` or
/// `gauge` comes first decides which occurrence of a metric is the first.
/// Read with a visitor so the binary under test links the same `serde_json`
/// (without `preserve_order`) that users get.
struct InFileOrder(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for InFileOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = InFileOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a metrics object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<InFileOrder, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(InFileOrder(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stats {
    pub(crate) count: usize,
    pub(crate) sum: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Stats {
    fn push(&mut self, value: f64) {
        if self.count == 0 {
            (self.min, self.max) = (value, value);
        }
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }
}

pub(crate) type GroupStats = BTreeMap<(String, String), Stats>;

/// SEMANTICS "Statistics per (group, metric)", derived metrics included.
pub(crate) fn group_stats(samples: &[Sample]) -> GroupStats {
    let mut stats = GroupStats::new();
    let mut add = |group: &str, metric: &str, value: f64| {
        stats
            .entry((group.to_string(), metric.to_string()))
            .or_default()
            .push(value);
    };
    for sample in samples {
        if let (Some(group), true) = (sample.labels.get("group"), sample.value.is_finite()) {
            add(group, &sample.metric, sample.value);
        }
    }
    for (labels, total) in derived_proof_times(samples) {
        if let Some(group) = labels.get("group") {
            add(group, "total_proof_time_ms", total);
        }
    }
    let mut blobs: BTreeMap<(String, String), f64> = BTreeMap::new();
    for sample in samples
        .iter()
        .filter(|s| s.metric == "generate_blob_time_ms" && s.value.is_finite())
    {
        if let (Some(group), Some(idx)) = (sample.labels.get("group"), sample.labels.get("idx")) {
            *blobs.entry((group.clone(), idx.clone())).or_default() += sample.value;
        }
    }
    for ((group, _), total) in blobs {
        add(&group, "generate_blob_total_time_ms", total);
    }
    stats
}

/// SEMANTICS "Derived metrics": a `total_proof_time_ms` for each label set
/// with a group that has none but has its parts (first occurrence of each
/// metric per label set, in file order). A non-finite part makes a
/// non-finite total, which is left out.
pub(crate) fn derived_proof_times(samples: &[Sample]) -> Vec<(&BTreeMap<String, String>, f64)> {
    let mut by_set: Vec<(&BTreeMap<String, String>, HashMap<&str, f64>)> = Vec::new();
    let mut slots: HashMap<&BTreeMap<String, String>, usize> = HashMap::new();
    for sample in samples {
        let slot = *slots.entry(&sample.labels).or_insert_with(|| {
            by_set.push((&sample.labels, HashMap::new()));
            by_set.len() - 1
        });
        by_set[slot].1.entry(&sample.metric).or_insert(sample.value);
    }
    let mut derived = Vec::new();
    for (labels, metrics) in by_set {
        if !labels.contains_key("group") || metrics.contains_key("total_proof_time_ms") {
            continue;
        }
        let exec = metrics
            .get("execute_preflight_time_ms")
            .or(metrics.get("execute_time_ms"));
        let trace = metrics.get("trace_gen_time_ms");
        let prove = metrics.get("stark_prove_excluding_trace_time_ms");
        if let (Some(exec), Some(trace), Some(prove)) = (exec, trace, prove) {
            let metered = metrics
                .get("execute_metered_time_ms")
                .copied()
                .unwrap_or(0.0);
            let total = metered + exec + trace + prove;
            if total.is_finite() {
                derived.push((labels, total));
            }
        }
    }
    derived
}

/// SEMANTICS "Groups": names match by prefix.
fn weight(group: &str) -> u8 {
    match group {
        g if g.contains("keygen") => 6,
        g if g.starts_with("halo2_wrapper") => 5,
        g if g.starts_with("halo2_") => 4,
        g if g.starts_with("root") => 3,
        g if g.starts_with("internal") => 2,
        g if g.starts_with("leaf") => 1,
        _ => 0,
    }
}

/// SEMANTICS "Proof time": (serial ms, parallel ms, estimated) per group.
pub(crate) fn proof_times(stats: &GroupStats) -> BTreeMap<String, (f64, f64, bool)> {
    let groups: std::collections::BTreeSet<&String> = stats.keys().map(|(g, _)| g).collect();
    let mut out = BTreeMap::new();
    for group in groups {
        if weight(group) == 6 {
            continue;
        }
        let get = |metric: &str| stats.get(&(group.clone(), metric.to_string()));
        let (mut serial, mut parallel, estimated) = if let Some(proofs) = get("total_proof_time_ms")
        {
            (proofs.sum, proofs.max, false)
        } else {
            let exec = get("execute_preflight_time_ms").or(get("execute_time_ms"));
            let parts: Vec<&Stats> = [
                exec,
                get("trace_gen_time_ms"),
                get("stark_prove_excluding_trace_time_ms"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if parts.is_empty() {
                continue;
            }
            (
                parts.iter().map(|s| s.sum).sum(),
                parts.iter().map(|s| s.max).sum(),
                true,
            )
        };
        if weight(group) == 0 {
            for metric in ["execute_metered_time_ms", "execute_e1_time_ms"] {
                if let Some(s) = get(metric) {
                    serial += s.sum / s.count as f64;
                    parallel += s.sum / s.count as f64;
                }
            }
        }
        out.insert(group.clone(), (serial, parallel, estimated));
    }
    out
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn check_file_against_model(path: &Path) {
    let sandbox = Sandbox::new();
    let run_id = sandbox.ingest(path, &[]);
    let conn = sandbox.conn();
    let expected = group_stats(&load(path));

    let mut statement = conn
        .prepare("SELECT group_name, metric, count, sum, min, max, avg, weight FROM group_stats WHERE run_id = ?1")
        .unwrap();
    let rows: Vec<(String, String, i64, f64, f64, f64, f64, i64)> = statement
        .query_map([run_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows.len(),
        expected.len(),
        "{}: number of (group, metric) rows",
        path.display()
    );
    for (group, metric, count, sum, min, max, avg, stored_weight) in rows {
        let want = expected
            .get(&(group.clone(), metric.clone()))
            .unwrap_or_else(|| panic!("{}: unexpected row {group}/{metric}", path.display()));
        let label = format!("{}: {group}/{metric}", path.display());
        assert_eq!(count as usize, want.count, "{label} count");
        assert!(close(sum, want.sum), "{label} sum {sum} != {}", want.sum);
        assert!(close(min, want.min), "{label} min {min} != {}", want.min);
        assert!(close(max, want.max), "{label} max {max} != {}", want.max);
        assert!(close(avg, want.sum / want.count as f64), "{label} avg");
        assert_eq!(stored_weight as u8, weight(&group), "{label} weight");
    }

    let groups = proof_times(&expected);
    let (serial_s, parallel_s): (f64, f64) = conn
        .query_row(
            "SELECT serial_s, parallel_s FROM run_totals WHERE run_id = ?1",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let want_serial = groups.values().map(|g| g.0).sum::<f64>() / 1000.0;
    let want_parallel = groups.values().map(|g| g.1).sum::<f64>() / 1000.0;
    assert!(
        close(serial_s, want_serial),
        "{}: serial {serial_s} != {want_serial}",
        path.display()
    );
    assert!(
        close(parallel_s, want_parallel),
        "{}: parallel {parallel_s} != {want_parallel}",
        path.display()
    );

    let mut statement = conn
        .prepare("SELECT group_name, serial_ms, parallel_ms, estimated FROM group_proof_time WHERE run_id = ?1")
        .unwrap();
    let stored: BTreeMap<String, (f64, f64, bool)> = statement
        .query_map([run_id], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        groups.keys().collect::<Vec<_>>(),
        "{}",
        path.display()
    );
    for (group, (serial, parallel, estimated)) in &groups {
        let got = stored[group];
        assert!(
            close(got.0, *serial) && close(got.1, *parallel),
            "{}: {group} proof time",
            path.display()
        );
        assert_eq!(got.2, *estimated, "{}: {group} estimated", path.display());
    }
}

#[test]
fn every_shared_file_matches_the_independent_model() {
    for path in all_shared_data() {
        check_file_against_model(&path);
    }
}

#[test]
fn the_worked_example_comes_out_exactly() {
    let sandbox = Sandbox::new();
    let run_id = sandbox.ingest(&shared_data("metrics.example.json"), &[]);
    let conn = sandbox.conn();
    let app: (f64, f64) = conn
        .query_row(
            "SELECT sum, count FROM group_stats
             WHERE run_id = ?1 AND group_name = 'ecrecover_program' AND metric = 'total_proof_time_ms'",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(app, (2963.0, 1.0), "493 + 79 + 2,391, one derived sample");
    let leaf: (f64, f64, bool) = conn
        .query_row(
            "SELECT serial_ms, parallel_ms, estimated FROM group_proof_time
             WHERE run_id = ?1 AND group_name = 'leaf'",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        leaf,
        (49475.0, 49475.0, true),
        "12,371 + 2,203 + 34,901, estimated"
    );
    let totals: (f64, f64) = conn
        .query_row(
            "SELECT serial_s, parallel_s FROM run_totals WHERE run_id = ?1",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(totals, (52.438, 52.438));
}

#[test]
fn the_previous_example_run_also_gets_its_blob_and_proof_totals() {
    // The original derived these for the current run only.
    let sandbox = Sandbox::new();
    let run_id = sandbox.ingest(&shared_data("metrics.prev.example.json"), &[]);
    let serial: f64 = sandbox
        .conn()
        .query_row(
            "SELECT serial_s FROM run_totals WHERE run_id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        serial > 50.0,
        "the previous run has a proof time too: {serial}"
    );
}

#[test]
fn keygen_groups_stay_out_of_the_totals() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "k.json",
        r#"{"gauge": [
            {"labels": [["group", "agg_keygen"]], "metric": "total_proof_time_ms", "value": "1000"},
            {"labels": [["group", "leaf"], ["idx", "0"]], "metric": "total_proof_time_ms", "value": "10"},
            {"labels": [["group", "leaf"], ["idx", "1"]], "metric": "total_proof_time_ms", "value": "30"}
        ]}"#,
    );
    let run_id = sandbox.ingest(&file, &[]);
    let totals: (f64, f64) = sandbox
        .conn()
        .query_row(
            "SELECT serial_s, parallel_s FROM run_totals WHERE run_id = ?1",
            [run_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(totals, (0.04, 0.03));
}

/// What the model says of one file: its group statistics and its run
/// totals in seconds (serial, parallel), as SEMANTICS defines them.
pub(crate) struct RunModel {
    pub(crate) stats: GroupStats,
    pub(crate) serial_s: f64,
    pub(crate) parallel_s: f64,
}

impl RunModel {
    pub(crate) fn of(path: &Path) -> RunModel {
        let stats = group_stats(&load(path));
        let groups = proof_times(&stats);
        RunModel {
            serial_s: groups.values().map(|g| g.0).sum::<f64>() / 1000.0,
            parallel_s: groups.values().map(|g| g.1).sum::<f64>() / 1000.0,
            stats,
        }
    }

    /// The sum of `metric` in `group` (a single sample's value).
    #[track_caller]
    pub(crate) fn sum(&self, group: &str, metric: &str) -> f64 {
        self.stats
            .get(&(group.to_string(), metric.to_string()))
            .unwrap_or_else(|| panic!("the model has no {group}/{metric}"))
            .sum
    }
}

/// `value` as the reports print numbers: `decimals` places, thousands
/// separated by commas.
pub(crate) fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.decimals$}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 { "-" } else { "" };
    match fraction {
        "" => format!("{sign}{grouped}"),
        _ => format!("{sign}{grouped}.{fraction}"),
    }
}

/// The change from `base` to `head` in percent, one decimal, signed.
pub(crate) fn change_pct(base: f64, head: f64) -> String {
    format!("{:+.1}%", (head - base) / base * 100.0)
}

/// A report cell of a value that moved from `base` to `head` (slower is
/// red): `<span style='color: red'>(+27 [+0.9%])</span> 2,963`.
pub(crate) fn diff_cell(base: f64, head: f64, decimals: usize) -> String {
    let colour = if head > base { "red" } else { "green" };
    let sign = if head > base { "+" } else { "" };
    format!(
        "<span style='color: {colour}'>({sign}{} [{}])</span> {}",
        number(head - base, decimals),
        change_pct(base, head),
        number(head, decimals)
    )
}

#[test]
fn numbers_print_as_the_reports_print_them() {
    assert_eq!(number(1234567.0, 0), "1,234,567");
    assert_eq!(number(-1697.0, 0), "-1,697");
    assert_eq!(number(19.2, 3), "19.200");
    assert_eq!(number(999.5, 1), "999.5");
    assert_eq!(
        diff_cell(2936.0, 2963.0, 0),
        "<span style='color: red'>(+27 [+0.9%])</span> 2,963"
    );
}

//! Property test: for random metrics files, the stored `group_stats` equal
//! the independent in-memory reading of SEMANTICS in `semantics.rs`.

use proptest::prelude::*;

use crate::semantics::{close, group_stats, load};
use crate::support::rows;

const GROUPS: &[Option<&str>] = &[
    Some("prog"),
    Some("leaf"),
    Some("internal.0"),
    Some("root"),
    Some("agg_keygen"),
    None,
];
const METRICS: &[&str] = &[
    "execute_time_ms",
    "execute_preflight_time_ms",
    "execute_metered_time_ms",
    "trace_gen_time_ms",
    "stark_prove_excluding_trace_time_ms",
    "total_proof_time_ms",
    "generate_blob_time_ms",
    "rows",
    "cells",
];

#[derive(Clone, Debug)]
struct Entry {
    counter: bool,
    group: Option<&'static str>,
    labels: Vec<(&'static str, String)>,
    metric: &'static str,
    value: String,
    metric_first: bool,
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        any::<bool>(),
        prop::sample::select(GROUPS),
        prop::option::of(0u8..4),
        prop::option::of(0u8..3),
        prop::option::of(prop::sample::select(&["prover", "tracegen"][..])),
        prop::sample::select(METRICS),
        prop_oneof![
            8 => (0u32..5000).prop_map(|v| v.to_string()),
            2 => (0u32..1000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b:02}")),
            1 => Just("0".to_string()),
            1 => Just("NaN".to_string()),
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(counter, group, segment, idx, phase, metric, value, metric_first, reversed)| {
                let mut labels = Vec::new();
                if let Some(segment) = segment {
                    labels.push(("segment", segment.to_string()));
                }
                if let Some(idx) = idx {
                    labels.push(("idx", idx.to_string()));
                }
                if let Some(phase) = phase {
                    labels.push(("phase", phase.to_string()));
                }
                if reversed {
                    labels.reverse();
                }
                Entry {
                    counter,
                    group,
                    labels,
                    metric,
                    value,
                    metric_first,
                }
            },
        )
}

fn render(entries: &[Entry]) -> String {
    let render_one = |e: &Entry| {
        let mut labels: Vec<String> = e
            .labels
            .iter()
            .map(|(k, v)| format!("[\"{k}\", \"{v}\"]"))
            .collect();
        if let Some(group) = e.group {
            labels.insert(labels.len() / 2, format!("[\"group\", \"{group}\"]"));
        }
        let labels = format!("\"labels\": [{}]", labels.join(", "));
        let metric = format!("\"metric\": \"{}\"", e.metric);
        let value = format!("\"value\": \"{}\"", e.value);
        if e.metric_first {
            format!("{{{metric}, {labels}, {value}}}")
        } else {
            format!("{{{labels}, {metric}, {value}}}")
        }
    };
    let counters: Vec<String> = entries
        .iter()
        .filter(|e| e.counter)
        .map(render_one)
        .collect();
    let gauges: Vec<String> = entries
        .iter()
        .filter(|e| !e.counter)
        .map(render_one)
        .collect();
    format!(
        "{{\"counter\": [{}], \"gauge\": [{}]}}",
        counters.join(",\n"),
        gauges.join(",\n")
    )
}

/// One database for every case, each case a run of its own: creating and
/// migrating a database per case took most of this test's time, and runs
/// sharing interned names and label sets is what a real store holds.
struct Store {
    dir: tempfile::TempDir,
    conn: std::cell::RefCell<rusqlite::Connection>,
}

thread_local! {
    static STORE: Store = {
        let dir = tempfile::tempdir().unwrap();
        let conn = prof::db::open(&dir.path().join("p.db"), prof::db::Access::ReadWrite).unwrap();
        Store { dir, conn: std::cell::RefCell::new(conn) }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn stored_group_stats_equal_the_in_memory_model(entries in prop::collection::vec(entry(), 0..60)) {
        let (path, run_id, conn) = STORE.with(|store| {
            let path = store.dir.path().join("random.json");
            std::fs::write(&path, render(&entries)).unwrap();
            let options = prof::ingest_pipeline::IngestOptions { created_at: "2026-01-01T00:00:00Z".into(), ..Default::default() };
            let mut conn = store.conn.borrow_mut();
            let run_id = match prof::ingest_pipeline::ingest_file(&mut conn, &path, &options).unwrap() {
                prof::ingest_pipeline::Outcome::Created { run_id, .. } | prof::ingest_pipeline::Outcome::Existing { run_id, .. } => run_id,
            };
            (path, run_id, prof::db::open(&store.dir.path().join("p.db"), prof::db::Access::ReadOnly).unwrap())
        });
        let expected = group_stats(&load(&path));
        let stored: Vec<(String, String, i64, f64, f64, f64)> = rows(&conn, "SELECT group_name, metric, count, sum, min, max FROM group_stats WHERE run_id = ?1", [run_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)));
        prop_assert_eq!(stored.len(), expected.len());
        for (group, metric, count, sum, min, max) in stored {
            let want = expected.get(&(group.clone(), metric.clone()));
            prop_assert!(want.is_some(), "unexpected {}/{}", group, metric);
            let want = want.unwrap();
            prop_assert_eq!(count as usize, want.count);
            prop_assert!(close(sum, want.sum) && close(min, want.min) && close(max, want.max), "{}/{}", group, metric);
        }
    }
}

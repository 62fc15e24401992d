//! The view model from plain rows: exclusions left out and listed, acks
//! matched to their shift, exact series, worst first.

use super::*;
use crate::db::annotations::Stamp;

fn run(id: i64, excluded: bool) -> HistoryRun {
    HistoryRun {
        id,
        name: "b".into(),
        commit_sha: Some(format!("c{id:02}")),
        created_at: format!("2026-01-01T00:{id:02}:00Z"),
        excluded,
    }
}

fn value(run_id: i64, metric: &str, value: f64) -> HistoryValue {
    HistoryValue {
        run_id,
        name: "b".into(),
        group_name: "g".into(),
        metric: metric.into(),
        value,
        counter: false,
    }
}

fn counter(run_id: i64, metric: &str, value: f64) -> HistoryValue {
    HistoryValue {
        counter: true,
        ..self::value(run_id, metric, value)
    }
}

#[test]
fn build_describes_each_shift_worst_first_with_its_annotations() {
    let runs: Vec<HistoryRun> = (1..=12).map(|id| run(id, id == 5)).collect();
    let mut values = Vec::new();
    for id in 1..=12 {
        // The excluded run holds a wild value that must not count.
        let time = if id == 5 {
            500.0
        } else if id < 7 {
            100.0
        } else {
            110.0
        };
        values.push(value(id, "prove_time_ms", time));
    }
    for id in 1..=12 {
        values.push(value(id, "rate/s", if id < 10 { 10.0 } else { 5.0 }));
    }
    values.sort_by(|a, b| (&a.metric, a.run_id).cmp(&(&b.metric, b.run_id)));
    let acks = vec![Ack {
        id: 1,
        name: "b".into(),
        group_name: "g".into(),
        metric: "prove_time_ms".into(),
        stat: "sum".into(),
        commit_sha: "c07".into(),
        reason: "accepted".into(),
        stamp: Stamp {
            by: "me".into(),
            at: "2026-02-01T00:00:00Z".into(),
        },
    }];
    let changes = build(&ChangesInput {
        branch: "main",
        runs: &runs,
        values: &values,
        totals: &[],
        acks: &acks,
        options: Options::default(),
    });
    assert_eq!((changes.series, changes.exact_series), (2, 2));
    let bench = &changes.benchmarks[0];
    assert_eq!(bench.runs, 12);
    assert_eq!(bench.excluded.len(), 1);
    assert_eq!(bench.excluded[0].run_id, 5);
    let found: Vec<(&str, i64, i64, usize)> = bench
        .changes
        .iter()
        .map(|c| (c.metric.as_str(), c.before_run, c.after_run, c.n_before))
        .collect();
    assert_eq!(
        found,
        vec![("rate/s", 9, 10, 8), ("prove_time_ms", 6, 7, 5)],
        "a halved rate (worse, -50 %) before +10 %; run 5 counted nowhere"
    );
    let rate = &bench.changes[0];
    assert_eq!(rate.direction, "worse", "lower is worse for a rate");
    assert_eq!(rate.change_pct, Some(-50.0));
    assert!(rate.acknowledged.is_none());
    let prove = &bench.changes[1];
    assert_eq!(prove.series, "b/g/prove_time_ms");
    assert_eq!((prove.mean_before, prove.mean_after), (100.0, 110.0));
    assert_eq!(prove.method, "exact");
    assert!(prove.p_value.is_none());
    assert!(prove.holds_at_head);
    assert_eq!(prove.acknowledged.as_ref().unwrap().reason, "accepted");
}

#[test]
fn csv_is_oldest_first_and_last_keeps_the_newest() {
    let runs: Vec<HistoryRun> = (1..=12).map(|id| run(id, false)).collect();
    let mut values = Vec::new();
    for id in 1..=12 {
        values.push(value(id, "a_ms", if id < 6 { 1.0 } else { 2.0 }));
    }
    for id in 1..=12 {
        values.push(value(id, "b_ms", if id < 9 { 1.0 } else { 3.0 }));
    }
    let mut changes = build(&ChangesInput {
        branch: "main",
        runs: &runs,
        values: &values,
        totals: &[],
        acks: &[],
        options: Options::default(),
    });
    let csv = to_csv(&changes);
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(rows, vec!["a_ms", "b_ms"], "oldest first: {csv}");
    changes.keep_newest(1);
    assert_eq!(changes.benchmarks[0].changes.len(), 1);
    assert_eq!(changes.benchmarks[0].changes[0].metric, "b_ms");
    assert_eq!(format_p_value(0.0123), "0.012");
    assert_eq!(format_p_value(2.5e-9), "2.5e-9");
}

#[test]
fn a_counter_that_changes_every_run_is_exact_and_a_swinging_gauge_is_not() {
    let runs: Vec<HistoryRun> = (1..=40).map(|id| run(id, false)).collect();
    let mut values = Vec::new();
    for id in 1..=40 {
        values.push(counter(id, "cells_used", 1000.0 + id as f64));
    }
    for id in 1..=40 {
        // A gauge that swings by ±20 % around one level, never repeating.
        let swing = if id % 2 == 0 { 1.2 } else { 0.8 } + id as f64 * 1e-4;
        values.push(value(id, "gauge_ms", 100.0 * swing));
    }
    let changes = build(&ChangesInput {
        branch: "main",
        runs: &runs,
        values: &values,
        totals: &[],
        acks: &[],
        options: Options::default(),
    });
    assert_eq!((changes.series, changes.exact_series), (2, 1));
    let bench = &changes.benchmarks[0];
    let cells: Vec<i64> = bench
        .changes
        .iter()
        .filter(|c| c.metric == "cells_used")
        .map(|c| c.after_run)
        .collect();
    assert_eq!(
        cells,
        (2..=40).collect::<Vec<i64>>(),
        "every change, however small"
    );
    assert!(
        bench.changes.iter().all(|c| c.metric != "gauge_ms"),
        "a swinging gauge is noisy and has no shift: {:?}",
        bench.changes
    );
}

#[test]
fn a_gauge_at_one_value_per_level_is_exact() {
    let runs: Vec<HistoryRun> = (1..=20).map(|id| run(id, false)).collect();
    let values: Vec<HistoryValue> = (1..=20)
        .map(|id| value(id, "insns", if id <= 10 { 5000.0 } else { 5001.0 }))
        .collect();
    let changes = build(&ChangesInput {
        branch: "main",
        runs: &runs,
        values: &values,
        totals: &[],
        acks: &[],
        options: Options::default(),
    });
    assert_eq!(changes.exact_series, 1);
    let found = &changes.benchmarks[0].changes;
    assert_eq!(found.len(), 1, "+1 is news below any --min-change");
    assert_eq!((found[0].after_run, found[0].method), (11, "exact"));
}

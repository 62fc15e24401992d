//! `prof changes`: the change points of a branch's series as a view model,
//! built from plain history rows (no SQL here). The Markdown template, the
//! JSON and the CSV all render this one model, and `report`'s "Recent
//! shifts" and `trend`'s markers read it too.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

mod outputs;
pub use outputs::{format_p_value, mark_trend, to_csv};

use super::cell::Better;
use crate::db::annotations::Ack;
use crate::db::history::{HistoryRun, HistoryValue};
use crate::stats;
use crate::stats::changepoint::{self, Options};

/// The metric names of the run totals, series of their own with no group.
pub const TOTALS: [&str; 2] = ["serial_s", "parallel_s"];

/// Everything the model is built from.
pub struct ChangesInput<'a> {
    pub branch: &'a str,
    /// Oldest first within each benchmark (by created_at, id).
    pub runs: &'a [HistoryRun],
    /// Sorted by series, then run order.
    pub values: &'a [HistoryValue],
    /// (run id, serial_s, parallel_s); empty leaves the totals out.
    pub totals: &'a [(i64, f64, f64)],
    pub acks: &'a [Ack],
    pub options: Options,
}

#[derive(Clone, Debug, Serialize)]
pub struct Changes {
    pub branch: String,
    pub method: Method,
    /// Benchmarks by name; each with its change points, worst first.
    pub benchmarks: Vec<BenchmarkChanges>,
    /// Series examined, and how many of them are exact.
    pub series: usize,
    pub exact_series: usize,
}

/// The settings the detection ran with, stated in every output.
#[derive(Clone, Debug, Serialize)]
pub struct Method {
    pub alpha: f64,
    pub min_change_pct: f64,
    pub window: usize,
    pub min_segment: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchmarkChanges {
    pub name: String,
    pub runs: usize,
    pub excluded: Vec<ExcludedRun>,
    pub changes: Vec<ChangePoint>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExcludedRun {
    pub run_id: i64,
    pub commit_sha: Option<String>,
}

/// One change point of one series.
#[derive(Clone, Debug, Serialize)]
pub struct ChangePoint {
    /// `NAME/GROUP/METRIC` (`NAME/METRIC` for run totals), as `prof ack`
    /// takes it before `@COMMIT`.
    pub series: String,
    pub name: String,
    /// Empty for the run totals.
    pub group: String,
    pub metric: String,
    /// `exact` (every change of value) or `noisy` (E-divisive and t-test).
    pub method: &'static str,
    /// The range to bisect: the last run of the old level and the first of
    /// the new one.
    pub before_run: i64,
    pub before_commit: Option<String>,
    pub after_run: i64,
    pub after_commit: Option<String>,
    /// When the first run of the new level was made.
    pub time: String,
    pub n_before: usize,
    pub mean_before: f64,
    pub sd_before: f64,
    pub n_after: usize,
    pub mean_after: f64,
    pub sd_after: f64,
    /// after / before − 1, in percent; `None` from a zero level.
    pub change_pct: Option<f64>,
    /// `worse`, `better` or `changed` (from or to zero).
    pub direction: &'static str,
    /// The t-test's two-sided p; `None` for exact series.
    pub p_value: Option<f64>,
    /// Whether the series' newest level is still on the new side.
    pub holds_at_head: bool,
    pub acknowledged: Option<Acknowledgement>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Acknowledgement {
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// The series key `prof ack` takes.
pub fn series_id(name: &str, group: &str, metric: &str) -> String {
    if group.is_empty() {
        format!("{name}/{metric}")
    } else {
        format!("{name}/{group}/{metric}")
    }
}

/// One series' values at the benchmark's runs that are not excluded.
struct Series<'a> {
    name: &'a str,
    group: &'a str,
    metric: &'a str,
    runs: Vec<&'a HistoryRun>,
    values: Vec<f64>,
    /// The metric is a counter at every run of the series.
    counter: bool,
}

pub fn build(input: &ChangesInput<'_>) -> Changes {
    let run_by_id: HashMap<i64, &HistoryRun> = input.runs.iter().map(|r| (r.id, r)).collect();
    let mut benchmarks: BTreeMap<&str, BenchmarkChanges> = BTreeMap::new();
    for run in input.runs {
        let entry = benchmarks
            .entry(run.name.as_str())
            .or_insert_with(|| BenchmarkChanges {
                name: run.name.clone(),
                runs: 0,
                excluded: Vec::new(),
                changes: Vec::new(),
            });
        entry.runs += 1;
        if run.excluded {
            entry.excluded.push(ExcludedRun {
                run_id: run.id,
                commit_sha: run.commit_sha.clone(),
            });
        }
    }
    let mut series_count = 0;
    let mut exact_count = 0;
    for series in collect_series(input, &run_by_id) {
        series_count += 1;
        let (points, exact) = detect(&series, &input.options);
        exact_count += exact as usize;
        let acks: Vec<&Ack> = input
            .acks
            .iter()
            .filter(|a| {
                a.name == series.name
                    && a.group_name == series.group
                    && a.metric == series.metric
                    && a.stat == "sum"
            })
            .collect();
        let found = points
            .iter()
            .map(|point| change_row(&series, point, &points, exact, &acks));
        if let Some(benchmark) = benchmarks.get_mut(series.name) {
            benchmark.changes.extend(found);
        }
    }
    for benchmark in benchmarks.values_mut() {
        benchmark.changes.sort_by(worst_first);
    }
    Changes {
        branch: input.branch.to_string(),
        method: Method {
            alpha: input.options.alpha,
            min_change_pct: input.options.min_change * 100.0,
            window: input.options.window,
            min_segment: changepoint::MIN_SEGMENT,
        },
        benchmarks: benchmarks.into_values().collect(),
        series: series_count,
        exact_series: exact_count,
    }
}

/// The series of the input, runs in order, excluded runs left out.
fn collect_series<'a>(
    input: &'a ChangesInput<'a>,
    run_by_id: &HashMap<i64, &'a HistoryRun>,
) -> Vec<Series<'a>> {
    let mut out: Vec<Series<'a>> = Vec::new();
    // Totals first: per benchmark, in run order.
    let totals: HashMap<i64, (f64, f64)> = input
        .totals
        .iter()
        .map(|&(id, s, p)| (id, (s, p)))
        .collect();
    if !totals.is_empty() {
        let mut by_name: BTreeMap<&str, Vec<&HistoryRun>> = BTreeMap::new();
        for run in input.runs.iter().filter(|r| !r.excluded) {
            by_name.entry(&run.name).or_default().push(run);
        }
        for (name, runs) in by_name {
            for (which, metric) in TOTALS.iter().enumerate() {
                let mut series = Series {
                    name,
                    group: "",
                    metric,
                    runs: Vec::new(),
                    values: Vec::new(),
                    counter: false,
                };
                for run in &runs {
                    if let Some(&(serial, parallel)) = totals.get(&run.id) {
                        let value = if which == 0 { serial } else { parallel };
                        if value.is_finite() {
                            series.runs.push(run);
                            series.values.push(value);
                        }
                    }
                }
                if series.values.len() > 1 {
                    out.push(series);
                }
            }
        }
    }
    let mut start = 0;
    let values = input.values;
    while start < values.len() {
        let first = &values[start];
        let mut end = start;
        let mut series = Series {
            name: &first.name,
            group: &first.group_name,
            metric: &first.metric,
            runs: Vec::new(),
            values: Vec::new(),
            counter: true,
        };
        while end < values.len()
            && values[end].name == first.name
            && values[end].group_name == first.group_name
            && values[end].metric == first.metric
        {
            let value = &values[end];
            if let Some(run) = run_by_id.get(&value.run_id)
                && !run.excluded
                && value.value.is_finite()
            {
                series.runs.push(run);
                series.values.push(value.value);
                series.counter &= value.counter;
            }
            end += 1;
        }
        if series.values.len() > 1 {
            out.push(series);
        }
        start = end;
    }
    out
}

/// A detected change point before it is described: the index of the new
/// level's first point and the segments either side.
struct Found {
    index: usize,
    shift: changepoint::Shift,
}

/// Change points of one series, and whether it was read as exact (the
/// rule verdicts use: [`stats::is_exact_history`]).
fn detect(series: &Series<'_>, options: &Options) -> (Vec<Found>, bool) {
    if stats::is_exact_history(series.counter, &series.values, stats::MIN_EXACT_HISTORY) {
        let indices = changepoint::exact_change_points(&series.values);
        let found = indices
            .iter()
            .enumerate()
            .map(|(k, &index)| {
                let from = if k == 0 { 0 } else { indices[k - 1] };
                let to = indices.get(k + 1).copied().unwrap_or(series.values.len());
                Found {
                    index,
                    shift: changepoint::Shift {
                        n_before: index - from,
                        mean_before: series.values[index - 1],
                        sd_before: 0.0,
                        n_after: to - index,
                        mean_after: series.values[index],
                        sd_after: 0.0,
                        p_value: f64::NAN,
                    },
                }
            })
            .collect();
        return (found, true);
    }
    let found = changepoint::change_points(&series.values, options)
        .into_iter()
        .map(|point| Found {
            index: point.index,
            shift: point.shift,
        })
        .collect();
    (found, false)
}

fn change_row(
    series: &Series<'_>,
    point: &Found,
    all: &[Found],
    exact: bool,
    acks: &[&Ack],
) -> ChangePoint {
    let before = series.runs[point.index - 1];
    let after = series.runs[point.index];
    let shift = &point.shift;
    // The head's level: the last segment's mean (exact: the last value).
    let head_level = match all.last() {
        Some(last) => last.shift.mean_after,
        None => shift.mean_after,
    };
    let change_pct =
        (shift.mean_before != 0.0).then(|| 100.0 * (shift.mean_after / shift.mean_before - 1.0));
    let up = shift.mean_after > shift.mean_before;
    let direction = match (change_pct, Better::for_metric(series.metric)) {
        (None, _) => "changed",
        (Some(_), Better::Lower) if up => "worse",
        (Some(_), Better::Higher) if !up => "worse",
        _ => "better",
    };
    let acknowledged = after.commit_sha.as_deref().and_then(|commit| {
        acks.iter()
            .rev()
            .find(|a| a.commit_sha == commit)
            .map(|a| Acknowledgement {
                reason: a.reason.clone(),
                by: a.stamp.by.clone(),
                at: a.stamp.at.clone(),
            })
    });
    ChangePoint {
        series: series_id(series.name, series.group, series.metric),
        name: series.name.to_string(),
        group: series.group.to_string(),
        metric: series.metric.to_string(),
        method: if exact { "exact" } else { "noisy" },
        before_run: before.id,
        before_commit: before.commit_sha.clone(),
        after_run: after.id,
        after_commit: after.commit_sha.clone(),
        time: after.created_at.clone(),
        n_before: shift.n_before,
        mean_before: shift.mean_before,
        sd_before: shift.sd_before,
        n_after: shift.n_after,
        mean_after: shift.mean_after,
        sd_after: shift.sd_after,
        change_pct,
        direction,
        p_value: (!exact).then_some(shift.p_value),
        holds_at_head: changepoint::holds_at_head(shift.mean_before, shift.mean_after, head_level),
        acknowledged,
    }
}

/// Worse before better, then the largest change first, then the newest;
/// ties by series, so the order is total.
fn worst_first(a: &ChangePoint, b: &ChangePoint) -> std::cmp::Ordering {
    let rank = |c: &ChangePoint| match c.direction {
        "worse" => 0,
        "changed" => 1,
        _ => 2,
    };
    let size = |c: &ChangePoint| c.change_pct.map_or(f64::INFINITY, f64::abs);
    rank(a)
        .cmp(&rank(b))
        .then(size(b).total_cmp(&size(a)))
        .then(b.time.cmp(&a.time))
        .then(a.series.cmp(&b.series))
        .then(a.after_run.cmp(&b.after_run))
}

#[cfg(test)]
mod tests;

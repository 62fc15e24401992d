//! Fills the site's view model from the store: a branch's history read in
//! bulk ([`History::read`]), then the index, each benchmark page and each
//! run page.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;

use super::chart::{self, SeriesInput};
use super::write::GroupTime;
use super::{BenchmarkPage, IndexPage, IndexRow, Latest, Marker, SiteRun};
use crate::db::{queries, site as sql};
use crate::flame::file_component;
use crate::report::headline::HEADLINE_METRICS;

/// The site's page for benchmark `name`, relative to the site's root.
pub fn benchmark_path(name: &str) -> String {
    format!("bench/{}.html", file_component(name))
}

/// The site's page for run `id`, relative to the site's root.
pub fn run_path(id: i64) -> String {
    format!("runs/{id}.html")
}

/// One benchmark's history on the branch.
pub struct BenchmarkHistory {
    pub name: String,
    /// Runs in order, each with the run before it on the branch (even when
    /// that one is outside `--last`).
    pub runs: Vec<(SiteRun, Option<SiteRun>, String)>,
    /// (serial s, parallel s) per run id.
    pub totals: HashMap<i64, (f64, f64)>,
    /// group → (weight, per run id (serial ms, parallel ms)).
    pub group_times: BTreeMap<String, (i64, HashMap<i64, (f64, f64)>)>,
    /// (group, metric) → per run id sum.
    pub metric_sums: BTreeMap<(String, String), HashMap<i64, f64>>,
    pub markers: Vec<Marker>,
    pub verdict: Option<String>,
    pub open_shifts: usize,
    /// A fingerprint of the benchmark's runs on the branch and which of
    /// them are shown: with its annotations, what its marks follow from
    /// ([`super::markers::key`]).
    pub runs_key: String,
}

pub struct History {
    pub branch: String,
    pub benchmarks: Vec<BenchmarkHistory>,
}

fn site_run(row: &sql::SiteRunRow) -> SiteRun {
    let commit = row.commit_sha.clone().unwrap_or_default();
    SiteRun {
        id: row.id,
        commit_short: if commit.is_empty() {
            "(no commit)".to_string()
        } else {
            commit.chars().take(8).collect()
        },
        commit,
        created_at: row.created_at.clone(),
        date: row.created_at.chars().take(10).collect(),
    }
}

impl History {
    /// Reads the branch's history: a handful of queries, whatever its length.
    /// `proof_times` holds the group proof times of runs read before; the
    /// shown runs' proof times are left in it.
    pub fn read(
        conn: &Connection,
        branch: &str,
        last: Option<u32>,
        proof_times: &mut BTreeMap<i64, Vec<GroupTime>>,
    ) -> rusqlite::Result<History> {
        let all = sql::branch_runs(conn, branch, None)?;
        let shown: std::collections::HashSet<i64> = sql::branch_runs(conn, branch, last)?
            .iter()
            .map(|r| r.id)
            .collect();
        let mut benchmarks: Vec<BenchmarkHistory> = Vec::new();
        let mut previous: Option<&sql::SiteRunRow> = None;
        let mut index_of: HashMap<i64, usize> = HashMap::new();
        for row in &all {
            if benchmarks.last().is_none_or(|b| b.name != row.name) {
                previous = None;
                benchmarks.push(BenchmarkHistory {
                    name: row.name.clone(),
                    runs: Vec::new(),
                    totals: HashMap::new(),
                    group_times: BTreeMap::new(),
                    metric_sums: BTreeMap::new(),
                    markers: Vec::new(),
                    verdict: None,
                    open_shifts: 0,
                    runs_key: String::new(),
                });
            }
            let bench = benchmarks.last_mut().expect("pushed above");
            bench.runs_key.push_str(&format!(
                "{}:{}:{}:{};",
                row.id,
                row.created_at,
                row.commit_sha.as_deref().unwrap_or(""),
                shown.contains(&row.id)
            ));
            if shown.contains(&row.id) {
                let bench = benchmarks.last_mut().expect("pushed above");
                // The key of a run page: what it is built from. Runs are
                // immutable once stored, so their ids and content hashes
                // say whether the page can change.
                let base_shown = previous.is_some_and(|p| shown.contains(&p.id));
                let key = format!(
                    "{}:{}|{}|{base_shown}",
                    row.id,
                    row.content_sha256,
                    previous
                        .map(|p| format!("{}:{}", p.id, p.content_sha256))
                        .unwrap_or_default()
                );
                bench
                    .runs
                    .push((site_run(row), previous.map(site_run), key));
                index_of.insert(row.id, benchmarks.len() - 1);
            }
            previous = Some(row);
        }
        proof_times.retain(|id, _| index_of.contains_key(id));
        let mut missing: Vec<i64> = index_of
            .keys()
            .copied()
            .filter(|id| !proof_times.contains_key(id))
            .collect();
        missing.sort_unstable();
        // A few new runs are read one by one (the view is fast for a bound
        // run); many are read in one pass over the view.
        if missing.len() > 200 {
            for (run_id, row) in sql::branch_group_proof_times(conn, branch)? {
                if missing.binary_search(&run_id).is_ok() {
                    proof_times.entry(run_id).or_default().push(group_time(row));
                }
            }
        } else {
            for &run_id in &missing {
                let rows = queries::group_proof_times(conn, run_id)?;
                proof_times.insert(run_id, rows.into_iter().map(group_time).collect());
            }
        }
        for &run_id in index_of.keys() {
            proof_times.entry(run_id).or_default();
        }
        for (run_id, groups) in proof_times.iter() {
            let Some(&b) = index_of.get(run_id) else {
                continue;
            };
            let bench = &mut benchmarks[b];
            // run_totals: the sum of the run's group proof times, in seconds.
            let serial: f64 = groups.iter().map(|g| g.2).sum::<f64>() / 1000.0;
            let parallel: f64 = groups.iter().map(|g| g.3).sum::<f64>() / 1000.0;
            if !groups.is_empty() {
                bench.totals.insert(*run_id, (serial, parallel));
            }
            for (group, weight, serial_ms, parallel_ms) in groups {
                bench
                    .group_times
                    .entry(group.clone())
                    .or_insert_with(|| (*weight, HashMap::new()))
                    .1
                    .insert(*run_id, (*serial_ms, *parallel_ms));
            }
        }
        // Proof time has its own chart; the others are the headline list.
        let metrics: Vec<&str> = HEADLINE_METRICS
            .iter()
            .copied()
            .filter(|m| *m != "total_proof_time_ms")
            .collect();
        for (run_id, group, metric, sum) in sql::branch_metric_sums(conn, branch, &metrics)? {
            if let Some(&b) = index_of.get(&run_id) {
                benchmarks[b]
                    .metric_sums
                    .entry((group, metric))
                    .or_default()
                    .insert(run_id, sum);
            }
        }
        benchmarks.retain(|b| !b.runs.is_empty());
        Ok(History {
            branch: branch.to_string(),
            benchmarks,
        })
    }
}

fn group_time(row: crate::model::GroupProofRow) -> GroupTime {
    (row.group_name, row.weight, row.serial_ms, row.parallel_ms)
}

fn latest(values: &[Option<f64>]) -> Option<Latest> {
    let value = (*values.last()?)?;
    let pct = values
        .len()
        .checked_sub(2)
        .and_then(|i| values[i])
        .filter(|base| *base != 0.0)
        .map(|base| 100.0 * (value / base - 1.0));
    let class = match pct {
        Some(p) if p >= 0.1 => "worse",
        Some(p) if p <= -0.1 => "better",
        _ => "same",
    };
    Some(Latest {
        value,
        pct,
        class: class.to_string(),
    })
}

fn totals_series(bench: &BenchmarkHistory) -> Vec<SeriesInput> {
    let pick = |f: fn(&(f64, f64)) -> f64| {
        bench
            .runs
            .iter()
            .map(|(run, _, _)| bench.totals.get(&run.id).map(f))
            .collect()
    };
    vec![
        SeriesInput {
            label: "serial".into(),
            values: pick(|t| t.0),
        },
        SeriesInput {
            label: "parallel".into(),
            values: pick(|t| t.1),
        },
    ]
}

fn runs_of(bench: &BenchmarkHistory) -> Vec<SiteRun> {
    bench.runs.iter().map(|(run, _, _)| run.clone()).collect()
}

/// The index: a row per benchmark with its small trend chart.
pub fn index_page(history: &History) -> IndexPage {
    let benchmarks = history
        .benchmarks
        .iter()
        .map(|bench| {
            let runs = runs_of(bench);
            let series = totals_series(bench);
            let marks = markers_of(bench, &|m| m.group.is_empty());
            let chart = chart::chart("proof time", "s", &runs, &series, &marks, true);
            let latest_run = runs.last().cloned();
            IndexRow {
                name: bench.name.clone(),
                href: benchmark_path(&bench.name),
                runs: runs.len(),
                chart,
                latest_run_href: latest_run.as_ref().map(|r| run_path(r.id)),
                latest_run,
                serial_s: latest(&series[0].values),
                parallel_s: latest(&series[1].values),
                verdict: bench.verdict.clone(),
                open_shifts: bench.open_shifts,
                markers: bench.markers.clone(),
            }
        })
        .collect();
    IndexPage {
        branch: history.branch.clone(),
        benchmarks,
    }
}

/// A benchmark's page: one figure of total proof time, then per group its
/// proof time and each headline metric it has, over the same runs.
pub fn benchmark_page(history: &History, bench: &BenchmarkHistory) -> BenchmarkPage {
    let runs = runs_of(bench);
    let mut panels = vec![chart::chart(
        "total proof time",
        "s",
        &runs,
        &totals_series(bench),
        &markers_of(bench, &|m| m.group.is_empty()),
        false,
    )];
    let mut groups: Vec<(&String, i64)> = bench
        .group_times
        .iter()
        .map(|(g, (weight, _))| (g, *weight))
        .collect();
    groups.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
    let mut group_names: Vec<String> = groups.iter().map(|(g, _)| (*g).clone()).collect();
    for (group, _) in bench.metric_sums.keys() {
        if !group_names.contains(group) {
            group_names.push(group.clone());
        }
    }
    for group in &group_names {
        if let Some((_, times)) = bench.group_times.get(group) {
            let pick = |f: fn(&(f64, f64)) -> f64| {
                runs.iter()
                    .map(|r| times.get(&r.id).map(|t| f(t) / 1000.0))
                    .collect()
            };
            let series = [
                SeriesInput {
                    label: "serial".into(),
                    values: pick(|t| t.0),
                },
                SeriesInput {
                    label: "parallel".into(),
                    values: pick(|t| t.1),
                },
            ];
            // The group's proof time is the series `total_proof_time_ms`.
            let marks = markers_of(bench, &|m| {
                m.metric.is_empty() || (m.group == *group && m.metric == "total_proof_time_ms")
            });
            panels.push(chart::chart(
                &format!("{group} · proof time"),
                "s",
                &runs,
                &series,
                &marks,
                false,
            ));
        }
        for metric in HEADLINE_METRICS {
            let Some(sums) = bench.metric_sums.get(&(group.clone(), metric.to_string())) else {
                continue;
            };
            let series = [SeriesInput {
                label: "sum".to_string(),
                values: runs.iter().map(|r| sums.get(&r.id).copied()).collect(),
            }];
            let marks = markers_of(bench, &|m| {
                m.metric.is_empty() || (m.group == *group && m.metric == *metric)
            });
            panels.push(chart::chart(
                &format!("{group} · {metric}"),
                unit_of(metric),
                &runs,
                &series,
                &marks,
                false,
            ));
        }
    }
    BenchmarkPage {
        name: bench.name.clone(),
        branch: history.branch.clone(),
        runs: runs.len(),
        groups: group_names,
        figure: chart::figure(panels, &runs, &|id| format!("../{}", run_path(id))),
        recent: runs.iter().rev().take(20).cloned().collect(),
        markers: bench.markers.clone(),
    }
}

/// The benchmark's markers that `keep` draws on one chart: each chart marks
/// its own series' shifts and every excluded run.
fn markers_of(bench: &BenchmarkHistory, keep: &dyn Fn(&Marker) -> bool) -> Vec<Marker> {
    bench.markers.iter().filter(|m| keep(m)).cloned().collect()
}

/// The unit a metric's name says it has.
fn unit_of(metric: &str) -> &'static str {
    if metric.ends_with("_ms") {
        "ms"
    } else if metric.ends_with("/s") {
        "M insn/s"
    } else if metric.ends_with("cells_used") {
        "cells"
    } else if metric.ends_with("insns") {
        "instructions"
    } else {
        ""
    }
}

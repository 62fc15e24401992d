//! Where a benchmark's chart markers and latest verdict come from: change
//! points of its series on the site's branch, found by the function `prof
//! changes` uses ([`changes::build`]); its excluded runs (`run_exclusions`);
//! its acknowledged shifts with their reasons (`series_acks`); and the
//! verdict `prof check` gives its newest run against its branch's history
//! ([`verdicts::check_run`]).
//!
//! Stored runs never change, so all of it follows from the benchmark's runs,
//! its exclusions and its acks: [`key`] fingerprints those, and the manifest
//! keeps each benchmark's marks under its key, so a rebuild computes them
//! only for the benchmarks that gained a run or an annotation.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Marker;
use super::build::BenchmarkHistory;
use crate::commands::verdicts;
use crate::db::annotations::{Ack, Exclusion};
use crate::db::history::{self, HistoryFilter};
use crate::db::queries;
use crate::error::{self, Result};
use crate::report::cell::format_decimals;
use crate::report::changes::{self, ChangePoint, ChangesInput};
use crate::report::headline::HEADLINE_METRICS;
use crate::report::verdict::{Outcome, VerdictOptions};
use crate::stats::changepoint::Options;

/// Bumped when what the marks say changes, so cached marks are recomputed.
const MARKS_VERSION: u32 = 1;

/// A benchmark's marks as the manifest keeps them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Marks {
    pub key: String,
    pub markers: Vec<Marker>,
    pub verdict: Option<String>,
    /// Change points that hold at the branch's head and are not
    /// acknowledged.
    pub open_shifts: usize,
}

/// What a benchmark's marks are computed from: its runs on the branch
/// (`runs_key`, from the site's history), which of them it shows, and the
/// exclusions and acks that concern it.
pub fn key(runs_key: &str, exclusions: &[&Exclusion], acks: &[&Ack]) -> String {
    let mut text = format!("{MARKS_VERSION}|{runs_key}");
    for e in exclusions {
        text.push_str(&format!("|x{}:{}:{}", e.run_id, e.reason, e.stamp.by));
    }
    for a in acks {
        text.push_str(&format!(
            "|a{}:{}:{}:{}:{}:{}",
            a.id, a.group_name, a.metric, a.stat, a.commit_sha, a.reason
        ));
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Fills every benchmark's markers and verdict, from `cache` where its key
/// is unchanged; `cache` is left holding the marks of this build's
/// benchmarks.
pub fn fill(
    conn: &Connection,
    db_path: &Path,
    branch: &str,
    benchmarks: &mut [BenchmarkHistory],
    cache: &mut BTreeMap<String, Marks>,
) -> Result<()> {
    let sql = |e: rusqlite::Error| error::sqlite(db_path, &e);
    let exclusions = crate::db::annotations::exclusions(conn).map_err(sql)?;
    let acks = crate::db::annotations::acks(conn).map_err(sql)?;
    let mut fresh = BTreeMap::new();
    for bench in benchmarks.iter_mut() {
        let shown: HashSet<i64> = bench.runs.iter().map(|(r, _, _)| r.id).collect();
        // Exclusions of runs it does not show count too: they shape the
        // newest run's verdict window.
        let own_exclusions: Vec<&Exclusion> =
            exclusions.iter().filter(|e| e.name == bench.name).collect();
        let own_acks: Vec<&Ack> = acks.iter().filter(|a| a.name == bench.name).collect();
        let key = key(&bench.runs_key, &own_exclusions, &own_acks);
        let own_exclusions: Vec<&Exclusion> = own_exclusions
            .into_iter()
            .filter(|e| shown.contains(&e.run_id))
            .collect();
        let marks = match cache.remove(&bench.name) {
            Some(marks) if marks.key == key => marks,
            _ => compute(conn, db_path, branch, bench, &own_exclusions, &acks, key)?,
        };
        bench.markers = marks.markers.clone();
        bench.verdict = marks.verdict.clone();
        bench.open_shifts = marks.open_shifts;
        fresh.insert(bench.name.clone(), marks);
    }
    *cache = fresh;
    Ok(())
}

fn compute(
    conn: &Connection,
    db_path: &Path,
    branch: &str,
    bench: &BenchmarkHistory,
    exclusions: &[&Exclusion],
    acks: &[Ack],
    key: String,
) -> Result<Marks> {
    let sql = |e: rusqlite::Error| error::sqlite(db_path, &e);
    let shown: HashSet<i64> = bench.runs.iter().map(|(r, _, _)| r.id).collect();
    let headline: Vec<String> = HEADLINE_METRICS.iter().map(|m| m.to_string()).collect();
    let filter = HistoryFilter {
        branch,
        name: Some(&bench.name),
        group: None,
        metrics: Some(&headline),
    };
    // The shown runs only: markers are drawn on them, and the site holds
    // their totals already (the view behind `prof changes`' totals would
    // cost every build a pass over the branch).
    let runs: Vec<_> = history::history_runs(conn, &filter)
        .map_err(sql)?
        .into_iter()
        .filter(|r| shown.contains(&r.id))
        .collect();
    let lost = history::lost_series(conn, &filter).map_err(sql)?;
    let values = history::history_values(conn, &filter, &lost).map_err(sql)?;
    // NaN leaves a run whose totals lost a value out of their series.
    let totals: Vec<(i64, f64, f64)> = runs
        .iter()
        .filter_map(|r| bench.totals.get(&r.id).map(|&(s, p)| (r.id, s, p)))
        .map(|(id, s, p)| {
            if history::totals_lost(&lost, id) {
                (id, f64::NAN, f64::NAN)
            } else {
                (id, s, p)
            }
        })
        .collect();
    let found = changes::build(&ChangesInput {
        branch,
        runs: &runs,
        values: &values,
        totals: &totals,
        acks,
        options: Options::default(),
    });
    // Runs by their commit, oldest first: an ack marks the first run at
    // its commit.
    let mut first_at_commit: HashMap<&str, i64> = HashMap::new();
    for run in &runs {
        if let Some(commit) = run.commit_sha.as_deref() {
            first_at_commit.entry(commit).or_insert(run.id);
        }
    }
    let mut markers = Vec::new();
    let mut open_shifts = 0;
    for change in found.benchmarks.iter().flat_map(|b| &b.changes) {
        if change.acknowledged.is_some() {
            continue;
        }
        open_shifts += change.holds_at_head as usize;
        markers.push(Marker {
            run_id: change.after_run,
            kind: "change_point".into(),
            group: change.group.clone(),
            metric: change.metric.clone(),
            label: change_label(change),
        });
    }
    for exclusion in exclusions {
        markers.push(Marker {
            run_id: exclusion.run_id,
            kind: "excluded".into(),
            group: String::new(),
            metric: String::new(),
            label: format!("excluded: {} ({})", exclusion.reason, exclusion.stamp.by),
        });
    }
    for ack in acks.iter().filter(|a| a.name == bench.name) {
        let Some(&run_id) = first_at_commit.get(ack.commit_sha.as_str()) else {
            continue;
        };
        markers.push(Marker {
            run_id,
            kind: "acknowledged".into(),
            group: ack.group_name.clone(),
            metric: ack.metric.clone(),
            label: format!(
                "acknowledged shift of {}: {} ({})",
                series_name(&ack.group_name, &ack.metric),
                ack.reason,
                ack.stamp.by
            ),
        });
    }
    // In run order, then by kind and text: the same marks in the same order
    // on every build.
    let position: HashMap<i64, usize> = bench
        .runs
        .iter()
        .enumerate()
        .map(|(i, (r, _, _))| (r.id, i))
        .collect();
    markers.sort_by(|a, b| {
        (
            position.get(&a.run_id),
            &a.kind,
            &a.group,
            &a.metric,
            &a.label,
        )
            .cmp(&(
                position.get(&b.run_id),
                &b.kind,
                &b.group,
                &b.metric,
                &b.label,
            ))
    });
    Ok(Marks {
        key,
        markers,
        verdict: latest_verdict(conn, db_path, bench)?,
        open_shifts,
    })
}

/// `group/metric`, or the total's name.
fn series_name(group: &str, metric: &str) -> String {
    if group.is_empty() {
        metric.to_string()
    } else {
        format!("{group}/{metric}")
    }
}

fn change_label(change: &ChangePoint) -> String {
    let commit = |c: &Option<String>| {
        c.as_deref()
            .map_or("(no commit)".to_string(), |c| c.chars().take(8).collect())
    };
    format!(
        "change point of {}: {} → {}{} {}, {}..{}",
        series_name(&change.group, &change.metric),
        format_decimals(change.mean_before, 2),
        format_decimals(change.mean_after, 2),
        change
            .change_pct
            .map(|p| format!(" ({p:+.1}%)"))
            .unwrap_or_default(),
        change.direction,
        commit(&change.before_commit),
        commit(&change.after_commit),
    )
}

/// The verdict of the benchmark's newest shown run against its branch's
/// history, as `prof check` gives it, in a few words; `None` without an
/// earlier run.
fn latest_verdict(
    conn: &Connection,
    db_path: &Path,
    bench: &BenchmarkHistory,
) -> Result<Option<String>> {
    let Some((newest, _, _)) = bench.runs.last() else {
        return Ok(None);
    };
    let Some(head) = queries::run(conn, newest.id).map_err(|e| error::sqlite(db_path, &e))? else {
        return Ok(None);
    };
    let options = VerdictOptions::default();
    let Some(section) = verdicts::check_run(conn, db_path, &head, &options)? else {
        return Ok(None);
    };
    let maybes = section
        .rows
        .iter()
        .filter(|v| v.outcome == Outcome::Maybe)
        .count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if section.regressions > 0 {
        parts.push(format!(
            "🔴 {}",
            plural(section.regressions, "regression", "regressions")
        ));
    }
    if section.incomplete > 0 {
        parts.push(format!(
            "⚠️ {} incomplete (non-finite values)",
            plural(section.incomplete, "series", "series")
        ));
    }
    if section.worse_changes > 0 {
        parts.push(format!(
            "🟠 {} for the worse",
            plural(section.worse_changes, "exact change", "exact changes")
        ));
    }
    if maybes > 0 {
        parts.push(format!("🟡 {}", plural(maybes, "maybe", "maybes")));
    }
    if parts.is_empty() {
        parts.push(format!(
            "no regression in {}",
            plural(section.series, "series", "series")
        ));
    }
    Ok(Some(format!("run {}: {}", head.id, parts.join(", "))))
}

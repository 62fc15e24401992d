//! The PR summary view model: one row per benchmark of a CI run, each
//! against its baseline (SEMANTICS "The original's outputs" #6), plus any
//! regressions above the threshold.

use serde::Serialize;

use super::cell::{Better, Cell};
use super::regress::{Regression, Threshold};
use super::{GroupReport, Report, RunInfo};
use crate::model::weight;

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub rows: Vec<SummaryRow>,
    /// Some benchmark has `main_cells_used`; otherwise those columns go.
    pub has_cells: bool,
    pub threshold: Option<Threshold>,
    pub regressions: Vec<Regression>,
    /// The head runs' commits, distinct, in row order (one for `report`).
    pub head_commits: Vec<String>,
    /// The baselines' commits, distinct, in row order.
    pub baseline_commits: Vec<String>,
    /// Some benchmark was compared and none got slower: neither its totals
    /// nor a headline time metric beyond the threshold (beyond noise when
    /// there is none).
    pub nothing_regressed: bool,
    /// Series judged by verdicts from history (0 where none were made, as in
    /// `legacy`).
    pub judged_series: usize,
    /// Benchmarks with a baseline but no run at the head commit.
    pub missing: Vec<MissingBenchmark>,
}

/// A benchmark the report expected and did not find: where it last ran.
#[derive(Clone, Debug, Serialize)]
pub struct MissingBenchmark {
    pub name: String,
    pub last_commit: Option<String>,
    pub last_run: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    pub name: String,
    /// Where the benchmark's full report lives (`LINK/NAME.md`).
    pub link: Option<String>,
    pub head: RunInfo,
    /// `None`: a new benchmark, shown without diffs.
    pub base: Option<RunInfo>,
    /// The app group's proof_time_ms: the sum of its `total_proof_time_ms`
    /// (SEMANTICS #6), its once-run metered execution left out.
    pub app_proof_time_ms: Cell,
    /// App cycles: `execute_preflight_insns`, else `total_cycles` (older
    /// files), summed.
    pub app_cycles: Cell,
    pub app_cells_used: Cell,
    pub leaf_proof_time_ms: Cell,
    pub leaf_cells_used: Cell,
    pub serial_s: Cell,
    pub parallel_s: Cell,
}

/// One benchmark's report with where its Markdown will be linked from.
pub struct Entry<'a> {
    pub report: &'a Report,
    pub link: Option<String>,
}

pub fn summarize(entries: &[Entry<'_>], threshold: Option<Threshold>) -> Summary {
    let rows: Vec<SummaryRow> = entries
        .iter()
        .map(|e| row(e.report, e.link.clone()))
        .collect();
    let has_cells = entries.iter().any(|e| {
        e.report.groups.iter().any(|g| {
            g.metrics
                .iter()
                .any(|m| m.metric == "main_cells_used" && m.sum.value.is_some())
        })
    });
    let regressions = match threshold {
        Some(threshold) => entries
            .iter()
            .flat_map(|e| threshold.regressions(&e.report.name, e.report))
            .collect(),
        None => Vec::new(),
    };
    let any_slowdown = |limit: Threshold| {
        entries
            .iter()
            .any(|e| !limit.regressions(&e.report.name, e.report).is_empty())
    };
    let nothing_regressed = rows.iter().any(|row| row.base.is_some())
        && !any_slowdown(threshold.unwrap_or(Threshold {
            max_slowdown_pct: 0.0,
        }));
    let head_commits = distinct(rows.iter().map(|row| &row.head));
    let baseline_commits = distinct(rows.iter().filter_map(|row| row.base.as_ref()));
    Summary {
        rows,
        has_cells,
        threshold,
        regressions,
        head_commits,
        baseline_commits,
        nothing_regressed,
        judged_series: 0,
        missing: Vec::new(),
    }
}

/// The distinct commits of `runs`, in order.
fn distinct<'a>(runs: impl Iterator<Item = &'a RunInfo>) -> Vec<String> {
    let mut commits: Vec<String> = Vec::new();
    for commit in runs.filter_map(|run| run.commit_sha.as_ref()) {
        if !commits.contains(commit) {
            commits.push(commit.clone());
        }
    }
    commits
}

fn row(report: &Report, link: Option<String>) -> SummaryRow {
    let compared = report.base.is_some();
    // The app group: the one named like the benchmark, else the first app
    // group in display order.
    let app = report
        .groups
        .iter()
        .find(|g| g.weight == weight::APP && g.name == report.name)
        .or_else(|| report.groups.iter().find(|g| g.weight == weight::APP));
    let leaf = report.groups.iter().find(|g| g.weight == weight::LEAF);
    let proof_ms = |group: Option<&GroupReport>| {
        group
            .and_then(|g| g.proof_time.as_ref())
            .map(|p| p.proofs_ms)
            .unwrap_or_else(|| Cell::compare(None, None, compared, Better::Lower))
    };
    let sum_of = |group: Option<&GroupReport>, metrics: &[&str]| {
        group
            .and_then(|g| {
                metrics
                    .iter()
                    .find_map(|name| g.metrics.iter().find(|m| m.metric == *name))
            })
            .map(|m| m.sum)
            .unwrap_or_else(|| Cell::compare(None, None, compared, Better::Lower))
    };
    SummaryRow {
        name: report.name.clone(),
        link,
        head: report.head.clone(),
        base: report.base.clone(),
        app_proof_time_ms: proof_ms(app),
        app_cycles: sum_of(app, &["execute_preflight_insns", "total_cycles"]),
        app_cells_used: sum_of(app, &["main_cells_used"]),
        leaf_proof_time_ms: proof_ms(leaf),
        leaf_cells_used: sum_of(leaf, &["main_cells_used"]),
        serial_s: report.totals.serial_s,
        parallel_s: report.totals.parallel_s,
    }
}

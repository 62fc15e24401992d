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
}

#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    pub name: String,
    /// Where the benchmark's full report lives (`LINK/NAME.md`).
    pub link: Option<String>,
    pub head: RunInfo,
    /// `None`: a new benchmark, shown without diffs.
    pub base: Option<RunInfo>,
    /// The app group's proof time in ms (serial).
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
    Summary {
        rows,
        has_cells,
        threshold,
        regressions,
    }
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
            .map(|p| p.serial_ms)
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

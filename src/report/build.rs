//! Builds a [`Report`] from stored rows: pairs head and base by group and
//! metric, turns milliseconds into the seconds of the summary, and computes
//! the bounded-parallel estimate.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;

use super::cell::{Better, Cell, Change};
use super::headline::{self, MetricSelection};
use super::{GroupProofTime, GroupReport, MetricRow, Report, RunInfo, Totals, detail, proof_time};
use crate::db::queries;
use crate::model::{GroupProofRow, GroupStatRow, RunRow, weight};

/// GPUs of the bounded-parallel estimate unless the command line says.
pub const DEFAULT_NUM_DEVICES: u32 = 16;
/// Proofs each GPU runs at once unless the command line says.
pub const DEFAULT_PROOFS_PER_DEVICE: u32 = 2;

/// How a report is shaped, validated.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    pub num_devices: usize,
    pub proofs_per_device: usize,
    pub metrics: MetricSelection,
    /// Build the detailed tables, instruction counts and GPU memory.
    pub details: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            num_devices: DEFAULT_NUM_DEVICES as usize,
            proofs_per_device: DEFAULT_PROOFS_PER_DEVICE as usize,
            metrics: MetricSelection::Headline,
            details: true,
        }
    }
}

impl ReportOptions {
    pub fn provers(&self) -> usize {
        self.num_devices * self.proofs_per_device
    }
}

/// Everything the report needs from one run.
struct RunData {
    stats: Vec<GroupStatRow>,
    proof_times: Vec<GroupProofRow>,
    proofs: BTreeMap<String, Vec<f64>>,
}

impl RunData {
    fn load(conn: &Connection, run_id: i64) -> rusqlite::Result<RunData> {
        Ok(RunData {
            stats: queries::group_stats(conn, run_id)?,
            proof_times: queries::group_proof_times(conn, run_id)?,
            proofs: queries::proofs_in_deal_order(conn, run_id)?,
        })
    }

    /// Bounded-parallel ms per group.
    fn bounded_ms(&self, provers: usize) -> BTreeMap<&str, f64> {
        self.proof_times
            .iter()
            .map(|g| {
                let proofs = self
                    .proofs
                    .get(&g.group_name)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let ms = proof_time::bounded_group_ms(
                    proofs,
                    provers,
                    g.estimated,
                    g.parallel_ms,
                    g.app_serial_ms,
                );
                (g.group_name.as_str(), ms)
            })
            .collect()
    }
}

fn run_info(run: &RunRow) -> RunInfo {
    RunInfo {
        id: run.id,
        name: run.name.clone(),
        commit_sha: run.commit_sha.clone(),
        branch: run.branch.clone(),
        created_at: run.created_at.clone(),
        runs_at_commit: run.runs_at_commit,
        meta: run.meta.clone(),
    }
}

/// Builds the report of `head` against `base`.
pub fn build(
    conn: &Connection,
    base: Option<&RunRow>,
    head: &RunRow,
    options: &ReportOptions,
) -> rusqlite::Result<Report> {
    let head_data = RunData::load(conn, head.id)?;
    let base_data = base.map(|run| RunData::load(conn, run.id)).transpose()?;
    let compared = base_data.is_some();
    let provers = options.provers();

    let head_bounded = head_data.bounded_ms(provers);
    let base_bounded = base_data
        .as_ref()
        .map(|b| b.bounded_ms(provers))
        .unwrap_or_default();
    let seconds = |value: Option<f64>, base_value: Option<f64>| {
        Cell::compare(value, base_value, compared, Better::Lower).scaled(1000.0)
    };
    let sum_over =
        |rows: &[GroupProofRow], pick: fn(&GroupProofRow) -> f64| total(rows.iter().map(pick));
    let base_rows = base_data.as_ref().map(|b| b.proof_times.as_slice());
    let totals = Totals {
        serial_s: seconds(
            Some(sum_over(&head_data.proof_times, |g| g.serial_ms)),
            base_rows.map(|rows| sum_over(rows, |g| g.serial_ms)),
        ),
        parallel_s: seconds(
            Some(sum_over(&head_data.proof_times, |g| g.parallel_ms)),
            base_rows.map(|rows| sum_over(rows, |g| g.parallel_ms)),
        ),
        bounded_s: seconds(
            Some(total(head_bounded.values().copied())),
            base_data
                .as_ref()
                .map(|_| total(base_bounded.values().copied())),
        ),
        provers,
        num_devices: options.num_devices,
        proofs_per_device: options.proofs_per_device,
        estimated: head_data.proof_times.iter().any(|g| g.estimated),
    };

    // Every group of either run, in display order.
    let mut group_keys: BTreeSet<(i64, &str)> = BTreeSet::new();
    for row in head_data
        .stats
        .iter()
        .chain(base_data.iter().flat_map(|b| b.stats.iter()))
    {
        group_keys.insert((row.weight, row.group_name.as_str()));
    }
    let groups = group_keys
        .into_iter()
        .map(|(weight, name)| {
            let head_proof = head_data.proof_times.iter().find(|g| g.group_name == name);
            let base_proof = base_data
                .as_ref()
                .and_then(|b| b.proof_times.iter().find(|g| g.group_name == name));
            let proof_time =
                (head_proof.is_some() || base_proof.is_some()).then(|| GroupProofTime {
                    serial_ms: Cell::compare(
                        head_proof.map(|g| g.serial_ms),
                        base_proof.map(|g| g.serial_ms),
                        compared,
                        Better::Lower,
                    ),
                    proofs_ms: Cell::compare(
                        head_proof.map(|g| g.serial_ms - g.app_serial_ms),
                        base_proof.map(|g| g.serial_ms - g.app_serial_ms),
                        compared,
                        Better::Lower,
                    ),
                    serial_s: seconds(
                        head_proof.map(|g| g.serial_ms),
                        base_proof.map(|g| g.serial_ms),
                    ),
                    parallel_s: seconds(
                        head_proof.map(|g| g.parallel_ms),
                        base_proof.map(|g| g.parallel_ms),
                    ),
                    bounded_s: seconds(
                        head_bounded.get(name).copied(),
                        base_proof.and(base_bounded.get(name).copied()),
                    ),
                    estimated: head_proof.or(base_proof).is_some_and(|g| g.estimated),
                });
            let head_stats: Vec<&GroupStatRow> = head_data
                .stats
                .iter()
                .filter(|s| s.group_name == name)
                .collect();
            let base_stats: Vec<&GroupStatRow> = base_data
                .iter()
                .flat_map(|b| b.stats.iter())
                .filter(|s| s.group_name == name)
                .collect();
            let change = match (head_stats.is_empty(), base_stats.is_empty()) {
                (false, true) if compared => Change::New,
                (true, false) => Change::Removed,
                _ => Change::None,
            };
            let metrics = metric_rows(
                &head_stats,
                &base_stats,
                compared,
                weight == weight::APP,
                &options.metrics,
            );
            let mut phases: Vec<Option<String>> = vec![None];
            for row in metrics.iter().filter(|r| r.shown) {
                if !phases.contains(&row.phase) {
                    phases.push(row.phase.clone());
                }
            }
            GroupReport {
                name: name.to_string(),
                weight,
                keygen: weight == weight::KEYGEN,
                change,
                proof_time,
                phases,
                metrics,
            }
        })
        .collect();

    let mut report = Report {
        name: head.name.clone(),
        base: base.map(run_info),
        head: run_info(head),
        totals,
        groups,
        detailed: Vec::new(),
        instruction_counts: Vec::new(),
        gpu_memory: None,
        verdicts: None,
    };
    if options.details {
        detail::add_details(conn, &mut report, base.map(|b| b.id), head.id)?;
    }
    Ok(report)
}

/// The sum of `values`, 0 when there are none. `Iterator::sum` of no
/// floats is -0.0, which JSON and BMF would print as `-0.0`.
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, value| sum + value)
}

/// Pairs a group's metrics by name; shown rows first in selection order.
fn metric_rows(
    head: &[&GroupStatRow],
    base: &[&GroupStatRow],
    compared: bool,
    app_group: bool,
    selection: &MetricSelection,
) -> Vec<MetricRow> {
    let mut names: BTreeSet<&str> = head.iter().map(|s| s.metric.as_str()).collect();
    names.extend(base.iter().map(|s| s.metric.as_str()));
    let mut rows: Vec<(Option<usize>, MetricRow)> = names
        .into_iter()
        .map(|metric| {
            let h = head.iter().find(|s| s.metric == metric);
            let b = base.iter().find(|s| s.metric == metric);
            let better = Better::for_metric(metric);
            let cell = |pick: fn(&GroupStatRow) -> f64| {
                Cell::compare(h.map(|s| pick(s)), b.map(|s| pick(s)), compared, better)
            };
            let position = selection.position(metric);
            let row = MetricRow {
                metric: metric.to_string(),
                phase: h.or(b).and_then(|s| s.phase.clone()),
                shown: position.is_some(),
                avg_only: headline::avg_only(metric, app_group),
                hide_sum: headline::hide_sum(metric),
                count: cell(|s| s.count as f64),
                avg: cell(|s| s.avg),
                sum: cell(|s| s.sum),
                max: cell(|s| s.max),
                min: cell(|s| s.min),
            };
            (position, row)
        })
        .collect();
    // Shown rows by their position (then name, which the BTreeSet gave),
    // the rest after them by name.
    rows.sort_by_key(|(position, _)| position.unwrap_or(usize::MAX));
    rows.into_iter().map(|(_, row)| row).collect()
}

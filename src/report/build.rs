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
        excluded: run.excluded.clone(),
        nonfinite: run.nonfinite,
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
    let pair = RunPair::new(&head_data, base_data.as_ref(), options.provers());
    let mut report = Report {
        name: head.name.clone(),
        base: base.map(run_info),
        head: run_info(head),
        totals: pair.totals(options),
        groups: pair.groups(&options.metrics),
        detailed: Default::default(),
        instruction_counts: Vec::new(),
        gpu_memory: None,
        verdicts: None,
    };
    if options.details {
        detail::add_details(conn, &mut report, base.map(|b| b.id), head.id)?;
    }
    Ok(report)
}

/// The head run's data beside the base run's, with each one's
/// bounded-parallel time per group.
struct RunPair<'a> {
    head: &'a RunData,
    base: Option<&'a RunData>,
    provers: usize,
    head_bounded: BTreeMap<&'a str, f64>,
    base_bounded: BTreeMap<&'a str, f64>,
}

impl<'a> RunPair<'a> {
    fn new(head: &'a RunData, base: Option<&'a RunData>, provers: usize) -> Self {
        RunPair {
            head,
            base,
            provers,
            head_bounded: head.bounded_ms(provers),
            base_bounded: base.map(|b| b.bounded_ms(provers)).unwrap_or_default(),
        }
    }

    fn compared(&self) -> bool {
        self.base.is_some()
    }

    /// A time in ms, head against base, as seconds.
    fn seconds(&self, value: Option<f64>, base_value: Option<f64>) -> Cell {
        Cell::compare(value, base_value, self.compared(), Better::Lower).scaled(1000.0)
    }

    /// The run totals: serial, parallel and bounded-parallel seconds.
    fn totals(&self, options: &ReportOptions) -> Totals {
        let sum_over =
            |rows: &[GroupProofRow], pick: fn(&GroupProofRow) -> f64| total(rows.iter().map(pick));
        let head_rows = self.head.proof_times.as_slice();
        let base_rows = self.base.map(|b| b.proof_times.as_slice());
        Totals {
            serial_s: self.seconds(
                Some(sum_over(head_rows, |g| g.serial_ms)),
                base_rows.map(|rows| sum_over(rows, |g| g.serial_ms)),
            ),
            parallel_s: self.seconds(
                Some(sum_over(head_rows, |g| g.parallel_ms)),
                base_rows.map(|rows| sum_over(rows, |g| g.parallel_ms)),
            ),
            bounded_s: self.seconds(
                Some(total(self.head_bounded.values().copied())),
                self.base
                    .map(|_| total(self.base_bounded.values().copied())),
            ),
            provers: self.provers,
            num_devices: options.num_devices,
            proofs_per_device: options.proofs_per_device,
            estimated: head_rows.iter().any(|g| g.estimated),
        }
    }

    /// Every group of either run, in display order.
    fn groups(&self, selection: &MetricSelection) -> Vec<GroupReport> {
        let mut group_keys: BTreeSet<(i64, &str)> = BTreeSet::new();
        for row in self
            .head
            .stats
            .iter()
            .chain(self.base.iter().flat_map(|b| b.stats.iter()))
        {
            group_keys.insert((row.weight, row.group_name.as_str()));
        }
        group_keys
            .into_iter()
            .map(|(weight, name)| self.group(weight, name, selection))
            .collect()
    }

    /// One group: its proof time, whether it is new or removed, and its
    /// metrics with the phases they fall in.
    fn group(&self, weight: i64, name: &str, selection: &MetricSelection) -> GroupReport {
        let head_stats: Vec<&GroupStatRow> = self
            .head
            .stats
            .iter()
            .filter(|s| s.group_name == name)
            .collect();
        let base_stats: Vec<&GroupStatRow> = self
            .base
            .iter()
            .flat_map(|b| b.stats.iter())
            .filter(|s| s.group_name == name)
            .collect();
        let change = match (head_stats.is_empty(), base_stats.is_empty()) {
            (false, true) if self.compared() => Change::New,
            (true, false) => Change::Removed,
            _ => Change::None,
        };
        let metrics = metric_rows(
            &head_stats,
            &base_stats,
            self.compared(),
            weight == weight::APP,
            selection,
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
            proof_time: self.group_proof_time(name),
            phases,
            metrics,
        }
    }

    /// A group's proof time, when either run has one.
    fn group_proof_time(&self, name: &str) -> Option<GroupProofTime> {
        let head_proof = self.head.proof_times.iter().find(|g| g.group_name == name);
        let base_proof = self
            .base
            .and_then(|b| b.proof_times.iter().find(|g| g.group_name == name));
        if head_proof.is_none() && base_proof.is_none() {
            return None;
        }
        let ms = |pick: fn(&GroupProofRow) -> f64| {
            Cell::compare(
                head_proof.map(pick),
                base_proof.map(pick),
                self.compared(),
                Better::Lower,
            )
        };
        Some(GroupProofTime {
            serial_ms: ms(|g| g.serial_ms),
            proofs_ms: ms(|g| g.serial_ms - g.app_serial_ms),
            serial_s: self.seconds(
                head_proof.map(|g| g.serial_ms),
                base_proof.map(|g| g.serial_ms),
            ),
            parallel_s: self.seconds(
                head_proof.map(|g| g.parallel_ms),
                base_proof.map(|g| g.parallel_ms),
            ),
            bounded_s: self.seconds(
                self.head_bounded.get(name).copied(),
                base_proof.and(self.base_bounded.get(name).copied()),
            ),
            estimated: head_proof.or(base_proof).is_some_and(|g| g.estimated),
        })
    }
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

//! The detailed part of a report: one table per set of label keys, the
//! instruction counts per opcode, and GPU memory over time.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::Serialize;

use super::cell::{Better, Cell};
use super::{DetailedRow, DetailedTable, GpuMemory, InstructionCount, ModulePeak, Report};
use crate::db::queries;
use crate::model::Labels;

/// Label keys whose values are long call stacks: dropped from the tables
/// (flame graphs show them), and rows that then coincide are summed.
const DROPPED_KEYS: &[&str] = &["cycle_tracker_span", "dsl_ir"];

const GPU_METRICS: [&str; 4] = [
    "gpu_mem.timestamp_ms",
    "gpu_mem.current_bytes",
    "gpu_mem.local_peak_bytes",
    "gpu_mem.reserved_bytes",
];

/// At most this many points in the GPU memory chart.
const CHART_POINTS: usize = 1000;

/// (label keys) → (label values) → metric → summed value.
type Tables = BTreeMap<Vec<String>, BTreeMap<Vec<String>, BTreeMap<String, f64>>>;

/// One run's samples, reduced for the detailed report.
struct RunDetail {
    tables: Tables,
    /// (group, opcode) → summed `frequency`.
    instructions: BTreeMap<(String, String), f64>,
    /// GPU samples: (timestamp, current, local peak, reserved) in GB, with
    /// their module and context.
    gpu: Vec<GpuPoint>,
}

struct GpuPoint {
    timestamp_ms: f64,
    gb: [f64; 3],
    module: String,
    at: String,
}

impl RunDetail {
    fn load(conn: &Connection, run_id: i64) -> rusqlite::Result<RunDetail> {
        let label_sets = queries::run_label_sets(conn, run_id, DROPPED_KEYS)?;
        let values = queries::labeled_values(conn, run_id)?;
        let mut tables = Tables::new();
        let mut instructions = BTreeMap::new();
        // label set → first value of each GPU metric, for the chart.
        let mut gpu_sets: HashMap<i64, [Option<f64>; 4]> = HashMap::new();
        let empty = Labels::new();
        for sample in &values {
            let labels = label_sets.get(&sample.label_set_id).unwrap_or(&empty);
            if let Some(slot) = GPU_METRICS.iter().position(|m| *m == sample.metric) {
                if labels.iter().any(|(k, _)| k == "module") {
                    let entry = gpu_sets.entry(sample.label_set_id).or_default();
                    entry[slot].get_or_insert(sample.value);
                }
                continue;
            }
            if sample.metric.starts_with("gpu_mem.") || sample.metric.starts_with("wrapper.") {
                continue;
            }
            add_to_tables(&mut tables, labels, &sample.metric, sample.value);
            if sample.metric == "frequency" {
                if let Some(opcode) = label(labels, "opcode") {
                    let group = label(labels, "group").unwrap_or("-");
                    *instructions
                        .entry((group.to_string(), opcode.to_string()))
                        .or_insert(0.0) += sample.value;
                }
            }
        }
        for (group, idx, value) in queries::derived_blob_times(conn, run_id)? {
            let labels = vec![("group".to_string(), group), ("idx".to_string(), idx)];
            add_to_tables(&mut tables, &labels, "generate_blob_total_time_ms", value);
        }
        let mut gpu: Vec<GpuPoint> = gpu_sets
            .into_iter()
            .filter_map(|(id, metrics)| {
                let [Some(ts), Some(current), Some(peak), Some(reserved)] = metrics else {
                    return None;
                };
                let labels = label_sets.get(&id)?;
                let gb = |bytes: f64| bytes / f64::from(1u32 << 30);
                Some(GpuPoint {
                    timestamp_ms: ts,
                    gb: [gb(current), gb(peak), gb(reserved)],
                    module: label(labels, "module").unwrap_or_default().to_string(),
                    at: ordered(labels)
                        .into_iter()
                        .filter(|(k, _)| *k != "module" && *k != "block_number")
                        .map(|(_, v)| v)
                        .collect::<Vec<_>>()
                        .join("."),
                })
            })
            .collect();
        gpu.sort_by(|a, b| {
            a.timestamp_ms
                .total_cmp(&b.timestamp_ms)
                .then_with(|| a.at.cmp(&b.at))
        });
        Ok(RunDetail {
            tables,
            instructions,
            gpu,
        })
    }
}

fn label<'a>(labels: &'a Labels, key: &str) -> Option<&'a str> {
    labels
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `group` first, then the other keys alphabetically (they come sorted).
fn ordered(labels: &Labels) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str)> = labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    out.sort_by_key(|&(k, _)| (k != "group", k));
    out
}

fn add_to_tables(tables: &mut Tables, labels: &Labels, metric: &str, value: f64) {
    let (keys, values): (Vec<String>, Vec<String>) = ordered(labels)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .unzip();
    *tables
        .entry(keys)
        .or_default()
        .entry(values)
        .or_default()
        .entry(metric.to_string())
        .or_insert(0.0) += value;
}

/// Adds detailed tables, instruction counts and GPU memory to `report`.
pub fn add_details(
    conn: &Connection,
    report: &mut Report,
    base: Option<i64>,
    head: i64,
) -> rusqlite::Result<()> {
    let head = RunDetail::load(conn, head)?;
    let base = base.map(|id| RunDetail::load(conn, id)).transpose()?;
    let compared = base.is_some();
    report.detailed = detailed_tables(&head.tables, base.as_ref().map(|b| &b.tables));
    report.instruction_counts =
        instruction_counts(&head.instructions, base.as_ref().map(|b| &b.instructions));
    report.gpu_memory = gpu_memory(&head.gpu, base.as_ref().map(|b| b.gpu.as_slice()), compared);
    Ok(())
}

fn detailed_tables(head: &Tables, base: Option<&Tables>) -> Vec<DetailedTable> {
    let empty = Tables::new();
    let base_tables = base.unwrap_or(&empty);
    let compared = base.is_some();
    let mut keys: Vec<&Vec<String>> = head.keys().chain(base_tables.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|label_keys| {
            let no_rows = BTreeMap::new();
            let head_rows = head.get(label_keys).unwrap_or(&no_rows);
            let base_rows = base_tables.get(label_keys).unwrap_or(&no_rows);
            let mut metrics: Vec<&String> = head_rows
                .values()
                .chain(base_rows.values())
                .flat_map(|m| m.keys())
                .collect();
            metrics.sort_by(|a, b| b.cmp(a));
            metrics.dedup();
            let mut label_values: Vec<&Vec<String>> =
                head_rows.keys().chain(base_rows.keys()).collect();
            label_values.sort();
            label_values.dedup();
            let segment = label_keys.iter().position(|k| k == "segment");
            let frequency = |values: &Vec<String>| {
                head_rows
                    .get(values)
                    .or(base_rows.get(values))
                    .and_then(|m| m.get("frequency"))
                    .copied()
            };
            label_values.sort_by(|a, b| {
                let by_segment = match segment {
                    Some(i) => numeric_order(&a[i], &b[i]),
                    None => Ordering::Equal,
                };
                by_segment
                    .then_with(|| {
                        frequency(b)
                            .unwrap_or(0.0)
                            .total_cmp(&frequency(a).unwrap_or(0.0))
                    })
                    .then_with(|| a.cmp(b))
            });
            let rows = label_values
                .into_iter()
                .map(|values| DetailedRow {
                    labels: values.clone(),
                    values: metrics
                        .iter()
                        .map(|metric| {
                            let h = head_rows.get(values).and_then(|m| m.get(*metric)).copied();
                            let b = base_rows.get(values).and_then(|m| m.get(*metric)).copied();
                            Cell::compare(h, b, compared, Better::for_metric(metric))
                        })
                        .collect(),
                })
                .collect();
            DetailedTable {
                label_keys: label_keys.clone(),
                metrics: metrics.into_iter().cloned().collect(),
                rows,
            }
        })
        .collect()
}

/// Numbers as numbers (2 before 10), then anything else as text.
fn numeric_order(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

fn instruction_counts(
    head: &BTreeMap<(String, String), f64>,
    base: Option<&BTreeMap<(String, String), f64>>,
) -> Vec<InstructionCount> {
    let compared = base.is_some();
    let empty = BTreeMap::new();
    let base = base.unwrap_or(&empty);
    let mut keys: Vec<&(String, String)> = head.keys().chain(base.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut rows: Vec<InstructionCount> = keys
        .into_iter()
        .map(|key| InstructionCount {
            group: key.0.clone(),
            opcode: key.1.clone(),
            frequency: Cell::compare(
                head.get(key).copied(),
                base.get(key).copied(),
                compared,
                Better::Lower,
            ),
        })
        .collect();
    let size = |c: &InstructionCount| c.frequency.value.or(c.frequency.base).unwrap_or(0.0);
    rows.sort_by(|a, b| {
        size(b)
            .total_cmp(&size(a))
            .then_with(|| (&a.group, &a.opcode).cmp(&(&b.group, &b.opcode)))
    });
    rows
}

/// The GPU memory chart's geometry, ready for the SVG template.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    /// SVG path data for current, local peak and reserved memory.
    pub current_path: String,
    pub local_peak_path: String,
    pub reserved_path: String,
    /// (label, y) of each horizontal grid line.
    pub y_ticks: Vec<(String, f64)>,
    pub duration: String,
    pub points: usize,
}

fn gpu_memory(head: &[GpuPoint], base: Option<&[GpuPoint]>, compared: bool) -> Option<GpuMemory> {
    if head.is_empty() {
        return None;
    }
    fn peaks(points: &[GpuPoint]) -> BTreeMap<&str, (f64, &str)> {
        let mut by_module: BTreeMap<&str, (f64, &str)> = BTreeMap::new();
        for point in points {
            let entry = by_module
                .entry(point.module.as_str())
                .or_insert((f64::MIN, ""));
            if point.gb[1] > entry.0 {
                *entry = (point.gb[1], point.at.as_str());
            }
        }
        by_module
    }
    let head_peaks = peaks(head);
    let base_peaks = base.map(peaks).unwrap_or_default();
    let mut modules: Vec<ModulePeak> = head_peaks
        .iter()
        .map(|(module, (gb, at))| ModulePeak {
            module: module.to_string(),
            peak_gb: Cell::compare(
                Some(*gb),
                base_peaks.get(module).map(|p| p.0),
                compared,
                Better::Lower,
            ),
            at: at.to_string(),
        })
        .collect();
    modules.sort_by(|a, b| {
        b.peak_gb
            .value
            .unwrap_or(0.0)
            .total_cmp(&a.peak_gb.value.unwrap_or(0.0))
            .then_with(|| a.module.cmp(&b.module))
    });
    Some(GpuMemory {
        chart: chart(head),
        svg_file: None,
        modules,
    })
}

fn chart(points: &[GpuPoint]) -> Chart {
    let step = points.len().div_ceil(CHART_POINTS).max(1);
    let sampled: Vec<&GpuPoint> = points.iter().step_by(step).collect();
    let (width, height, left, right, top, bottom) = (800.0, 400.0, 60.0, 20.0, 40.0, 50.0);
    let plot_width = width - left - right;
    let plot_height = height - top - bottom;
    let first = sampled.first().map(|p| p.timestamp_ms).unwrap_or(0.0);
    let last = sampled.last().map(|p| p.timestamp_ms).unwrap_or(0.0);
    let span = if last > first { last - first } else { 1.0 };
    let top_gb = sampled.iter().flat_map(|p| p.gb).fold(0.0_f64, f64::max) * 1.1;
    let top_gb = if top_gb > 0.0 { top_gb } else { 1.0 };
    let x = |ts: f64| left + (ts - first) / span * plot_width;
    let y = |gb: f64| top + plot_height - gb / top_gb * plot_height;
    let path = |series: usize| {
        sampled
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { "L" },
                    x(p.timestamp_ms),
                    y(p.gb[series])
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let y_ticks = (0..=5)
        .map(|i| {
            let gb = top_gb * f64::from(i) / 5.0;
            (format!("{gb:.1}"), (y(gb) * 10.0).round() / 10.0)
        })
        .collect();
    let seconds = (last - first) / 1000.0;
    let duration = if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else if seconds < 3600.0 {
        format!("{:.1}m", seconds / 60.0)
    } else {
        format!("{:.1}h", seconds / 3600.0)
    };
    Chart {
        width,
        height,
        left,
        right,
        top,
        bottom,
        current_path: path(0),
        local_peak_path: path(1),
        reserved_path: path(2),
        y_ticks,
        duration,
        points: sampled.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_sort_as_numbers() {
        let mut segments = vec!["10", "2", "x", "1"];
        segments.sort_by(|a, b| numeric_order(a, b));
        assert_eq!(segments, ["1", "2", "10", "x"]);
    }

    #[test]
    fn coinciding_rows_are_summed_once_long_keys_are_dropped() {
        let mut tables = Tables::new();
        let labels = vec![
            ("group".to_string(), "leaf".to_string()),
            ("opcode".to_string(), "ADD".to_string()),
        ];
        add_to_tables(&mut tables, &labels, "frequency", 2.0);
        add_to_tables(&mut tables, &labels, "frequency", 3.0);
        let rows = &tables[&vec!["group".to_string(), "opcode".to_string()]];
        assert_eq!(
            rows[&vec!["leaf".to_string(), "ADD".to_string()]]["frequency"],
            5.0
        );
    }

    #[test]
    fn group_leads_the_label_keys() {
        let labels = vec![
            ("air_name".into(), "A".into()),
            ("group".into(), "g".into()),
            ("segment".into(), "0".into()),
        ];
        assert_eq!(
            ordered(&labels),
            [("group", "g"), ("air_name", "A"), ("segment", "0")]
        );
    }
}

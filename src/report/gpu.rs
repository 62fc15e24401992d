//! GPU memory over a run: the per-module peaks and the chart's geometry,
//! from `gpu_mem.*` gauges with a `module` label.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cell::{Better, Cell};
use super::{GpuMemory, ModulePeak};

/// At most this many points in the chart.
const CHART_POINTS: usize = 1000;

/// One GPU memory sample: timestamp, and current, local peak and reserved
/// memory in GB, with its module and context.
pub(super) struct GpuPoint {
    pub(super) timestamp_ms: f64,
    pub(super) gb: [f64; 3],
    pub(super) module: String,
    pub(super) at: String,
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

/// Peaks per module and the chart, or `None` without head samples. `head`
/// and `base` are sorted by time.
pub(super) fn memory(head: &[GpuPoint], base: &[GpuPoint], compared: bool) -> Option<GpuMemory> {
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
    let base_peaks = peaks(base);
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

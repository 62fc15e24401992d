//! Trend chart geometry: runs in order along x, one or more series along y,
//! nice ticks, and the points a reader hovers and clicks. Pure: numbers in,
//! coordinates out; `templates/site/chart.svg.j2` draws it.

use serde::Serialize;

use super::{Marker, SiteRun};

/// One line of a chart: a value per run (aligned with the runs), `None`
/// where the run has none.
pub struct SeriesInput {
    pub label: String,
    pub values: Vec<Option<f64>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tick {
    pub label: String,
    pub at: f64,
}

/// A run's column across a figure: hovering shows the run, clicking opens
/// its page. One per run for all the panels, so a page of many charts over
/// a thousand runs stays small.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    pub x: f64,
    pub width: f64,
    /// The run page, relative to the page the figure is on.
    pub href: String,
    /// Hover text: run, commit and date.
    pub title: String,
}

/// Charts stacked over one x axis of runs, each at its vertical offset.
#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    pub width: f64,
    pub height: f64,
    pub panels: Vec<(f64, Chart)>,
    pub columns: Vec<Column>,
    pub top: f64,
    pub bottom: f64,
}

/// Stacks `panels` (all drawn over `runs`, full size) into one figure.
pub fn figure(panels: Vec<Chart>, runs: &[SiteRun], run_href: &dyn Fn(i64) -> String) -> Figure {
    let mut offset = 0.0;
    let mut placed = Vec::with_capacity(panels.len());
    for panel in panels {
        let height = panel.height;
        placed.push((offset, panel));
        offset += height;
    }
    let (width, left, right) = placed
        .first()
        .map_or((720.0, 70.0, 16.0), |(_, c)| (c.width, c.left, c.right));
    let n = runs.len().max(2) - 1;
    let step = (width - left - right) / n as f64;
    let columns = runs
        .iter()
        .enumerate()
        .map(|(i, run)| Column {
            x: round1(left + i as f64 * step - step / 2.0),
            width: round1(step.max(0.5)),
            href: run_href(run.id),
            title: format!("run {} · {} · {}", run.id, run.commit_short, run.created_at),
        })
        .collect();
    Figure {
        width,
        height: offset,
        top: placed.first().map_or(0.0, |(_, c)| c.top),
        bottom: offset - placed.last().map_or(0.0, |(_, c)| c.bottom),
        panels: placed,
        columns,
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub label: String,
    /// CSS class choosing its colour: `s0`, `s1`, ...
    pub class: String,
    pub path: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct MarkerLine {
    pub x: f64,
    pub kind: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub title: String,
    pub unit: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub small: bool,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub series: Vec<Series>,
    pub markers: Vec<MarkerLine>,
}

/// The chart of `series` over `runs`; `small` charts sit in the index.
pub fn chart(
    title: &str,
    unit: &str,
    runs: &[SiteRun],
    series: &[SeriesInput],
    markers: &[Marker],
    small: bool,
) -> Chart {
    let (width, height, left, right, top, bottom) = if small {
        (320.0, 120.0, 48.0, 8.0, 30.0, 22.0)
    } else {
        (720.0, 260.0, 70.0, 16.0, 30.0, 40.0)
    };
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (low, high) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let (low, high) = if low.is_finite() {
        (low, high)
    } else {
        (0.0, 1.0)
    };
    let ticks = nice_ticks(low, high, if small { 3 } else { 5 });
    let (y_min, y_max) = (ticks[0], ticks[ticks.len() - 1]);
    let x = |i: usize| {
        let n = runs.len().max(2) - 1;
        round1(left + i as f64 / n as f64 * plot_w)
    };
    let y = |v: f64| round1(top + plot_h - (v - y_min) / (y_max - y_min) * plot_h);
    let series_out = series
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let mut path = String::new();
            let mut pen_down = false;
            for (i, value) in s.values.iter().enumerate() {
                let Some(v) = value.filter(|v| v.is_finite()) else {
                    pen_down = false;
                    continue;
                };
                let (px, py) = (x(i), y(v));
                path.push_str(&format!("{}{px},{py} ", if pen_down { "L" } else { "M" }));
                pen_down = true;
            }
            Series {
                label: s.label.clone(),
                class: format!("s{}", index % 6),
                path: path.trim_end().to_string(),
            }
        })
        .collect();
    let y_ticks = ticks
        .iter()
        .map(|&t| Tick {
            label: crate::report::cell::format_decimals(t, 3),
            at: y(t),
        })
        .collect();
    let x_count = if small { 2 } else { 6 };
    let x_ticks = x_positions(runs.len(), x_count)
        .into_iter()
        .map(|i| Tick {
            label: runs[i].date.clone(),
            at: x(i),
        })
        .collect();
    let markers = markers
        .iter()
        .filter_map(|m| {
            let i = runs.iter().position(|r| r.id == m.run_id)?;
            Some(MarkerLine {
                x: x(i),
                kind: m.kind.clone(),
                label: m.label.clone(),
            })
        })
        .collect();
    Chart {
        title: title.to_string(),
        unit: unit.to_string(),
        width,
        height,
        left,
        right,
        top,
        bottom,
        small,
        y_ticks,
        x_ticks,
        series: series_out,
        markers,
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Up to `count` run positions spread evenly, first and last included.
fn x_positions(runs: usize, count: usize) -> Vec<usize> {
    match runs {
        0 => Vec::new(),
        1 => vec![0],
        n => {
            let mut out: Vec<usize> = (0..count)
                .map(|k| k * (n - 1) / (count - 1).max(1))
                .collect();
            out.dedup();
            out
        }
    }
}

/// Round tick values covering `[low, high]`, about `count` intervals, with
/// steps of 1, 2 or 5 times a power of ten. A flat series gets a band
/// around its value.
pub fn nice_ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    let (low, high) = if high - low <= f64::EPSILON * high.abs().max(1.0) {
        let pad = (low.abs() * 0.05).max(1.0);
        (low - pad, high + pad)
    } else {
        (low, high)
    };
    let raw = (high - low) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).floor() * step;
    let mut ticks = Vec::new();
    let mut k = 0.0;
    loop {
        let t = first + k * step;
        // Snap away float noise such as 0.30000000000000004.
        ticks.push((t / step).round() * step);
        if t >= high - step * 1e-9 {
            break;
        }
        k += 1.0;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range_with_round_steps() {
        assert_eq!(
            nice_ticks(0.0, 10.0, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(
            nice_ticks(12.3, 47.9, 5),
            vec![10.0, 20.0, 30.0, 40.0, 50.0]
        );
        let flat = nice_ticks(5.0, 5.0, 4);
        assert!(flat[0] < 5.0 && *flat.last().unwrap() > 5.0);
    }

    #[test]
    fn x_positions_include_both_ends() {
        assert_eq!(x_positions(1000, 6), vec![0, 199, 399, 599, 799, 999]);
        assert_eq!(x_positions(3, 6), vec![0, 1, 2]);
    }
}

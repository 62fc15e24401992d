//! `prof trend`: one metric's history, oldest first, with the change from
//! run to run, a sparkline, and the largest step marked.

use serde::Serialize;

use super::cell::{Better, Cell};
use crate::model::SeriesPoint;

#[derive(Clone, Debug, Serialize)]
pub struct Trend {
    pub name: String,
    pub group: String,
    pub metric: String,
    pub stat: String,
    pub branch: Option<String>,
    pub sparkline: String,
    pub points: Vec<TrendPoint>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TrendPoint {
    pub run_id: i64,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub created_at: String,
    /// The value against the run before it.
    pub value: Cell,
    /// The largest change between two consecutive runs of the series.
    pub largest_step: bool,
    /// The first run of a new level (see `prof changes`); set by
    /// [`super::changes::mark_trend`].
    pub change_point: bool,
    /// Left out of baselines and change detection by `prof exclude`.
    pub excluded: bool,
    /// The value rests on non-finite samples left out of it, so it reads
    /// low (`series_nonfinite`): shown, but no point for change detection.
    pub incomplete: bool,
}

/// Builds the trend from values oldest first.
pub fn build(
    name: &str,
    group: &str,
    metric: &str,
    stat: &str,
    branch: Option<&str>,
    inputs: &[SeriesPoint],
) -> Trend {
    let better = Better::for_metric(metric);
    let largest = largest_step(&inputs.iter().map(|i| i.value).collect::<Vec<_>>());
    let points = inputs
        .iter()
        .enumerate()
        .map(|(i, input)| TrendPoint {
            run_id: input.run_id,
            commit_sha: input.commit_sha.clone(),
            branch: input.branch.clone(),
            created_at: input.created_at.clone(),
            value: match i {
                0 => Cell::plain(input.value),
                _ => Cell::compare(Some(input.value), Some(inputs[i - 1].value), true, better),
            },
            largest_step: largest == Some(i),
            change_point: false,
            excluded: false,
            incomplete: false,
        })
        .collect();
    Trend {
        name: name.to_string(),
        group: group.to_string(),
        metric: metric.to_string(),
        stat: stat.to_string(),
        branch: branch.map(str::to_string),
        sparkline: sparkline(&inputs.iter().map(|i| i.value).collect::<Vec<_>>()),
        points,
    }
}

/// One block character per value, scaled from the series' min to its max.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let min = finite.clone().fold(f64::INFINITY, f64::min);
    let max = finite.fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() || max <= min {
                return BARS[0];
            }
            let level = ((v - min) / (max - min) * 7.0).round() as usize;
            BARS[level.min(7)]
        })
        .collect()
}

/// The index of the value that differs most from the one before it; the
/// first such on ties; `None` with fewer than two values or no change.
pub fn largest_step(values: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for i in 1..values.len() {
        let step = (values[i] - values[i - 1]).abs();
        if step > 0.0 && best.is_none_or(|(_, b)| step > b) {
            best = Some((i, step));
        }
    }
    best.map(|(i, _)| i)
}

/// CSV with a header row; text fields quoted where needed.
pub fn to_csv(trend: &Trend) -> String {
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut out =
        String::from("run_id,commit,branch,created_at,value,change,change_pct,largest_step\n");
    for p in &trend.points {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            p.run_id,
            super::csv::field(p.commit_sha.as_deref().unwrap_or("")),
            super::csv::field(p.branch.as_deref().unwrap_or("")),
            super::csv::field(&p.created_at),
            number(p.value.value),
            number(p.value.diff),
            number(p.value.pct),
            p.largest_step
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_min_to_max() {
        assert_eq!(sparkline(&[1.0, 2.0, 3.0, 8.0]), "▁▂▃█");
        assert_eq!(sparkline(&[5.0, 5.0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn the_largest_step_is_the_biggest_jump_either_way() {
        assert_eq!(largest_step(&[10.0, 11.0, 30.0, 29.0]), Some(2));
        assert_eq!(largest_step(&[10.0, 2.0, 3.0]), Some(1), "drops count too");
        assert_eq!(
            largest_step(&[1.0, 3.0, 1.0]),
            Some(1),
            "first of equal steps"
        );
        assert_eq!(largest_step(&[4.0]), None);
        assert_eq!(largest_step(&[4.0, 4.0]), None);
    }
}

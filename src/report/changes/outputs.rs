//! The change points' other forms: CSV, the filters `--last` and
//! `--since` apply, p-values for people, and the markers `trend` shows.

use super::{ChangePoint, Changes};
use crate::stats::changepoint::{self, Options};

impl Changes {
    /// Keeps only the `last` newest change points of each benchmark.
    pub fn keep_newest(&mut self, last: usize) {
        for benchmark in &mut self.benchmarks {
            let mut keys: Vec<(&str, i64, &str)> = benchmark
                .changes
                .iter()
                .map(|c| (c.time.as_str(), c.after_run, c.series.as_str()))
                .collect();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            keys.truncate(last);
            let keep: std::collections::HashSet<(String, i64, String)> = keys
                .into_iter()
                .map(|(t, r, s)| (t.to_string(), r, s.to_string()))
                .collect();
            benchmark
                .changes
                .retain(|c| keep.contains(&(c.time.clone(), c.after_run, c.series.clone())));
        }
    }

    /// Keeps the change points whose new level began at or after `since`
    /// (RFC 3339), and only the benchmarks in `names`.
    pub fn keep_since(&mut self, since: &str, names: &[String]) {
        self.benchmarks.retain(|b| names.contains(&b.name));
        for benchmark in &mut self.benchmarks {
            benchmark.changes.retain(|c| c.time.as_str() >= since);
        }
    }

    /// Every change point, oldest first: the order of the CSV and of
    /// scripts' reading.
    pub fn oldest_first(&self) -> Vec<&ChangePoint> {
        let mut all: Vec<&ChangePoint> = self.benchmarks.iter().flat_map(|b| &b.changes).collect();
        all.sort_by(|a, b| {
            (a.time.as_str(), a.after_run, a.series.as_str()).cmp(&(
                b.time.as_str(),
                b.after_run,
                b.series.as_str(),
            ))
        });
        all
    }
}

/// The CSV form: one row per change point, oldest first.
pub fn to_csv(changes: &Changes) -> String {
    let mut out = String::from(
        "name,group,metric,method,before_run,before_commit,after_run,after_commit,time,\
         n_before,mean_before,sd_before,n_after,mean_after,sd_after,change_pct,direction,\
         p_value,holds_at_head,acknowledged\n",
    );
    use crate::report::csv::field;
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for c in changes.oldest_first() {
        let row = [
            field(&c.name),
            field(&c.group),
            field(&c.metric),
            c.method.to_string(),
            c.before_run.to_string(),
            field(c.before_commit.as_deref().unwrap_or("")),
            c.after_run.to_string(),
            field(c.after_commit.as_deref().unwrap_or("")),
            field(&c.time),
            c.n_before.to_string(),
            c.mean_before.to_string(),
            c.sd_before.to_string(),
            c.n_after.to_string(),
            c.mean_after.to_string(),
            c.sd_after.to_string(),
            number(c.change_pct),
            c.direction.to_string(),
            c.p_value.map(|p| format!("{p:e}")).unwrap_or_default(),
            c.holds_at_head.to_string(),
            field(c.acknowledged.as_ref().map_or("", |a| a.reason.as_str())),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// A p-value for people: two significant digits, scientific below 0.001.
pub fn format_p_value(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else if p < 0.001 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

/// Marks a trend's excluded runs (`excluded[i]` for point i) and the
/// change points of its other runs, found as `prof changes` finds them;
/// `counter`: the metric is a counter at every run (exact).
pub fn mark_trend(
    trend: &mut crate::report::trend::Trend,
    excluded: &[bool],
    incomplete: &[bool],
    counter: bool,
    options: &Options,
) {
    let mut kept = Vec::new();
    let mut values = Vec::new();
    for (i, point) in trend.points.iter_mut().enumerate() {
        point.excluded = excluded.get(i).copied().unwrap_or(false);
        point.incomplete = incomplete.get(i).copied().unwrap_or(false);
        if let Some(value) = point.value.value.filter(|v| v.is_finite())
            && !point.excluded
            && !point.incomplete
        {
            kept.push(i);
            values.push(value);
        }
    }
    let indices =
        if crate::stats::is_exact_history(counter, &values, crate::stats::MIN_EXACT_HISTORY) {
            changepoint::exact_change_points(&values)
        } else {
            changepoint::change_points(&values, options)
                .iter()
                .map(|p| p.index)
                .collect()
        };
    for index in indices {
        trend.points[kept[index]].change_point = true;
    }
}

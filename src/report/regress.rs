//! Regression checks for `prof report --fail-above`: the threshold is data,
//! the check a pure function over the reports.

use serde::Serialize;

use super::Report;
use super::cell::{Cell, Change};
use super::headline::HEADLINE_METRICS;

/// Fail when something got slower by more than this many percent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Threshold {
    pub max_slowdown_pct: f64,
}

/// One thing that got slower than the threshold allows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Regression {
    pub benchmark: String,
    /// `None` for the run's totals.
    pub group: Option<String>,
    pub metric: String,
    pub before: f64,
    pub after: f64,
    pub pct: f64,
}

impl Threshold {
    /// Whether `cell` is a slowdown above the threshold. Improvements and
    /// new or removed values never count.
    pub fn exceeded_by(&self, cell: &Cell) -> bool {
        cell.change == Change::Worse && cell.pct.is_some_and(|pct| pct > self.max_slowdown_pct)
    }

    /// The regressions of one benchmark's report: its serial and parallel
    /// totals, and the sum of every headline time metric of every group
    /// (keygen excluded).
    pub fn regressions(&self, benchmark: &str, report: &Report) -> Vec<Regression> {
        let mut found = Vec::new();
        let mut check = |group: Option<&str>, metric: &str, cell: &Cell| {
            if let (true, Some(before), Some(after), Some(pct)) =
                (self.exceeded_by(cell), cell.base, cell.value, cell.pct)
            {
                found.push(Regression {
                    benchmark: benchmark.to_string(),
                    group: group.map(str::to_string),
                    metric: metric.to_string(),
                    before,
                    after,
                    pct,
                });
            }
        };
        check(None, "serial_s", &report.totals.serial_s);
        check(None, "parallel_s", &report.totals.parallel_s);
        for group in report.groups.iter().filter(|g| !g.keygen) {
            for row in &group.metrics {
                if row.metric.ends_with("_time_ms")
                    && HEADLINE_METRICS.contains(&row.metric.as_str())
                {
                    check(Some(&group.name), &row.metric, &row.sum);
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::cell::Better;

    #[test]
    fn only_slowdowns_above_the_threshold_count() {
        let threshold = Threshold {
            max_slowdown_pct: 5.0,
        };
        let cell =
            |head: f64, base: f64| Cell::compare(Some(head), Some(base), true, Better::Lower);
        assert!(threshold.exceeded_by(&cell(106.0, 100.0)));
        assert!(
            !threshold.exceeded_by(&cell(105.0, 100.0)),
            "exactly at the threshold passes"
        );
        assert!(
            !threshold.exceeded_by(&cell(50.0, 100.0)),
            "improvements never fail"
        );
        assert!(
            !threshold.exceeded_by(&Cell::compare(Some(1.0), None, true, Better::Lower)),
            "new"
        );
        assert!(
            !threshold.exceeded_by(&Cell::compare(Some(5.0), Some(0.0), true, Better::Lower)),
            "no pct"
        );
        let zero = Threshold {
            max_slowdown_pct: 0.0,
        };
        assert!(
            !zero.exceeded_by(&cell(100.05, 100.0)),
            "changes under 0.1% are noise"
        );
    }
}

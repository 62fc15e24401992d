//! Bencher Metric Format: `NAME` holds the run's proof-time totals in
//! seconds; `NAME::GROUP` holds, per metric with finite statistics, the
//! average with min and max as bounds, and `METRIC::sum`. Where a verdict
//! from history judged a series, its measure carries the window's bounds
//! (the one-sided prediction interval at alpha, or the exact value) as
//! `lower_value` / `upper_value`, as Bencher's thresholds do.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Exporter, Rendered};
use crate::error::Result;
use crate::report::Report;

/// One BMF measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_value: Option<f64>,
}

/// benchmark → measure name → measure. Sorted maps keep output stable.
pub type Benchmarks = BTreeMap<String, BTreeMap<String, Measure>>;

/// Adds the head run of `report` under `name` (its benchmark name unless
/// the caller chose another).
pub fn add_report(out: &mut Benchmarks, name: &str, report: &Report) {
    // The window's bounds of a judged series, else none.
    let bounded = |group: &str, metric: &str, stat: &str, v: f64| {
        let verdict = report.verdicts.as_ref().and_then(|section| {
            section
                .all
                .iter()
                .find(|x| x.group == group && x.metric == metric && x.stat == stat)
        });
        Measure {
            value: v,
            lower_value: verdict.and_then(|x| x.lower),
            upper_value: verdict.and_then(|x| x.upper),
        }
    };
    let totals = out.entry(name.to_string()).or_default();
    totals.insert(
        "total_proof_time".into(),
        bounded(
            "",
            "serial_s",
            "sum",
            report.totals.serial_s.value.unwrap_or(0.0),
        ),
    );
    totals.insert(
        "total_par_proof_time".into(),
        bounded(
            "",
            "parallel_s",
            "sum",
            report.totals.parallel_s.value.unwrap_or(0.0),
        ),
    );
    for group in &report.groups {
        let mut measures = BTreeMap::new();
        for row in &group.metrics {
            let (Some(avg), Some(sum), Some(min), Some(max)) =
                (row.avg.value, row.sum.value, row.min.value, row.max.value)
            else {
                continue;
            };
            if !(avg.is_finite() && sum.is_finite()) {
                continue;
            }
            measures.insert(
                row.metric.clone(),
                Measure {
                    value: avg,
                    lower_value: Some(min),
                    upper_value: Some(max),
                },
            );
            measures.insert(
                format!("{}::sum", row.metric),
                bounded(&group.name, &row.metric, "sum", sum),
            );
        }
        if !measures.is_empty() {
            out.entry(format!("{name}::{}", group.name))
                .or_default()
                .extend(measures);
        }
    }
}

pub fn to_json(benchmarks: &Benchmarks) -> String {
    crate::render::json::document(benchmarks)
}

pub struct Bmf;

impl Exporter for Bmf {
    fn render(&self, report: &Report) -> Result<Rendered> {
        let mut benchmarks = Benchmarks::new();
        add_report(&mut benchmarks, &report.name, report);
        Ok(Rendered {
            main: to_json(&benchmarks),
            attachments: Vec::new(),
        })
    }
}

//! Verdicts from history: is a head run's value of a series a regression,
//! an improvement, an exact change, a maybe, or noise? Pure functions over
//! each series' window of history (see `verdict_load` for where the windows
//! come from and `verdict_text` for the evidence line).
//!
//! - Exact series (counters, and series whose window holds one value): any
//!   change is `changed`, worse or better.
//! - Noisy series: a one-sided t test of the head against the window (the
//!   prediction interval for one new run, Welch's test when the head commit
//!   has several runs), p-values adjusted by Benjamini–Hochberg across every
//!   noisy series of the report; a regression needs adjusted p < alpha and a
//!   change above `min_change_pct`.
//! - Too little history: the base-vs-head `fail_above_pct` rule.
//! - Non-finite values (NaN, inf) under the series at the head commit:
//!   `incomplete`, whatever the numbers say, since they read low without
//!   them; it fails `--fail-on` like a regression.

use serde::Serialize;

use super::cell::Better;
use super::verdict_text;
use crate::stats::{self, StudentT};

/// Adjusted p-values from `alpha` up to this are shown as `maybe`.
pub const MAYBE_BELOW: f64 = 0.05;

/// How verdicts are made; validated once from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct VerdictOptions {
    /// Runs of history in a window.
    pub window: usize,
    /// False discovery rate for regressions across a report's noisy series.
    pub alpha: f64,
    /// A noisy series must move by more than this (percent) to be flagged.
    pub min_change_pct: f64,
    /// Below this many runs of history, the base-vs-head rule decides.
    pub min_history: usize,
    /// The base-vs-head rule's threshold (percent), `--fail-above`'s default.
    pub fail_above_pct: f64,
}

impl Default for VerdictOptions {
    fn default() -> Self {
        VerdictOptions {
            window: 30,
            alpha: 0.001,
            min_change_pct: 1.0,
            min_history: crate::stats::MIN_EXACT_HISTORY,
            fail_above_pct: 5.0,
        }
    }
}

impl VerdictOptions {
    /// Checks the flags' values; the error names the flag and what to give.
    pub fn new(
        window: i64,
        alpha: f64,
        min_change_pct: f64,
        min_history: i64,
        fail_above_pct: Option<f64>,
    ) -> Result<VerdictOptions, String> {
        if window < 2 {
            return Err(format!(
                "--window {window}: give 2 or more runs of history, e.g. 30"
            ));
        }
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(format!(
                "--alpha {alpha}: give a probability between 0 and 1, e.g. 0.001"
            ));
        }
        if !(min_change_pct.is_finite() && min_change_pct >= 0.0) {
            return Err(format!(
                "--min-change {min_change_pct}: give a percentage of 0 or more, e.g. 1"
            ));
        }
        if min_history < 2 {
            return Err(format!(
                "--min-history {min_history}: give 2 or more runs, e.g. 5"
            ));
        }
        if min_history > window {
            return Err(format!(
                "--min-history {min_history} is more than --window {window}: no window could \
                 ever hold enough history (raise --window or lower --min-history)"
            ));
        }
        Ok(VerdictOptions {
            window: window as usize,
            alpha,
            min_change_pct,
            min_history: min_history as usize,
            fail_above_pct: fail_above_pct.unwrap_or(VerdictOptions::default().fail_above_pct),
        })
    }
}

/// One series of a head run with its history: what a verdict is made from.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesHistory {
    /// `""` for the run's totals (`serial_s`, `parallel_s`).
    pub group: String,
    pub metric: String,
    /// `sum`, or `avg` where only the average means something.
    pub stat: &'static str,
    pub better: Better,
    /// The metric is a counter: exact whatever its history.
    pub counter: bool,
    /// The window's values, oldest first.
    pub window: Vec<f64>,
    /// The values of every run at the head's commit, the head included.
    pub heads: Vec<f64>,
    /// The head run's value.
    pub head: f64,
    /// The baseline run's value.
    pub base: Option<f64>,
    /// Non-finite samples under the series in the head commit's runs.
    pub nonfinite: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Regression,
    Improvement,
    /// An exact series changed; `direction` says which way.
    Changed,
    /// Worse with 0.001 ≤ adjusted p < 0.05 (or between alpha and 0.05):
    /// shown, never failing.
    Maybe,
    Unchanged,
    /// The head has non-finite values under the series, left out of its
    /// value: not judged, and failing `--fail-on`.
    Incomplete,
}

impl Outcome {
    /// The word outputs use, as in the JSON.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Regression => "regression",
            Outcome::Improvement => "improvement",
            Outcome::Changed => "changed",
            Outcome::Maybe => "maybe",
            Outcome::Unchanged => "unchanged",
            Outcome::Incomplete => "incomplete",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Worse,
    Better,
    Same,
}

/// Which rule gave the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Exact,
    /// Student's t prediction interval for one new run.
    Prediction,
    /// Welch's t-test: the head commit has several runs.
    Welch,
    /// Fewer than `min_history` runs: base vs head against `fail_above_pct`.
    NoHistory,
    /// Not judged: the head's value lacks its non-finite samples.
    NotJudged,
}

/// The verdict on one series, with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub benchmark: String,
    /// `""` for the run's totals.
    pub group: String,
    pub metric: String,
    pub stat: &'static str,
    pub outcome: Outcome,
    pub direction: Direction,
    pub method: Method,
    /// Exact and no-history: the baseline run's value; noisy: the window's mean.
    pub before: f64,
    /// The head run's value (Welch: the mean of the head commit's runs).
    pub after: f64,
    pub change_pct: Option<f64>,
    /// Runs in the window.
    pub n: usize,
    /// Runs at the head's commit.
    pub head_runs: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    /// MAD scaled to estimate the standard deviation (× 1.4826).
    pub mad: Option<f64>,
    pub t: Option<f64>,
    pub df: Option<f64>,
    /// One-sided p-value in the direction the head moved.
    pub p: Option<f64>,
    /// `p` adjusted by Benjamini–Hochberg across the report's noisy series.
    pub q: Option<f64>,
    /// The window's one-sided prediction bounds at `alpha` (exact: the
    /// baseline value): BMF's `lower_value` / `upper_value`.
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// One line: `n=30, mean 1,234 ± 12 ms, t 6.1, p 2e-9, q 4e-7`, `exact`,
    /// `no history: 4 runs` or `1 non-finite value (NaN/inf) at the head …`.
    pub evidence: String,
    /// Non-finite samples under the series at the head commit.
    pub nonfinite: i64,
}

impl Verdict {
    /// Regressions, incomplete series, and exact changes for the worse.
    pub fn fails(&self, on_changed: bool) -> bool {
        match self.outcome {
            Outcome::Regression | Outcome::Incomplete => true,
            Outcome::Changed => on_changed && self.direction == Direction::Worse,
            _ => false,
        }
    }

    /// Worth a row in the "Regressions" section.
    pub fn flagged(&self) -> bool {
        !matches!(self.outcome, Outcome::Unchanged)
    }
}

/// A noisy series' test before the report-wide adjustment.
struct Tested {
    verdict: Verdict,
    p_worse: f64,
    p_better: f64,
}

/// Verdicts for every series of one report: `series` pairs each benchmark
/// name with its series. New series (no history, no base) get none. The
/// Benjamini–Hochberg adjustment runs over all noisy series together.
/// Verdicts come back in the order of `series`.
pub fn judge(series: &[(String, Vec<SeriesHistory>)], options: &VerdictOptions) -> Vec<Verdict> {
    let mut done: Vec<(usize, Verdict)> = Vec::new();
    let mut tested: Vec<(usize, Tested)> = Vec::new();
    let all = series
        .iter()
        .flat_map(|(benchmark, list)| list.iter().map(move |one| (benchmark, one)));
    for (position, (benchmark, one)) in all.enumerate() {
        match judge_one(benchmark, one, options) {
            Some(Judged::Done(verdict)) => done.push((position, verdict)),
            Some(Judged::Tested(test)) => tested.push((position, test)),
            None => {}
        }
    }
    let q_worse =
        stats::benjamini_hochberg(&tested.iter().map(|(_, t)| t.p_worse).collect::<Vec<_>>());
    let q_better =
        stats::benjamini_hochberg(&tested.iter().map(|(_, t)| t.p_better).collect::<Vec<_>>());
    for (i, (position, test)) in tested.into_iter().enumerate() {
        let mut verdict = test.verdict;
        let big_enough = verdict
            .change_pct
            .is_some_and(|pct| pct.abs() > options.min_change_pct);
        let (q, p) = match verdict.direction {
            Direction::Worse => (q_worse[i], test.p_worse),
            _ => (q_better[i], test.p_better),
        };
        verdict.p = Some(p);
        verdict.q = Some(q);
        verdict.outcome = match verdict.direction {
            Direction::Worse if big_enough && q < options.alpha => Outcome::Regression,
            Direction::Worse if big_enough && q < MAYBE_BELOW => Outcome::Maybe,
            Direction::Better if big_enough && q < options.alpha => Outcome::Improvement,
            _ => Outcome::Unchanged,
        };
        verdict.evidence = verdict_text::evidence(&verdict);
        done.push((position, verdict));
    }
    done.sort_by_key(|(position, _)| *position);
    done.into_iter().map(|(_, verdict)| verdict).collect()
}

enum Judged {
    Done(Verdict),
    Tested(Tested),
}

fn judge_one(benchmark: &str, series: &SeriesHistory, options: &VerdictOptions) -> Option<Judged> {
    let last = series.window.last().copied();
    // An incomplete head is said so even with no complete run to show
    // beside it.
    let before = match series.base.or(last) {
        Some(before) => before,
        None if series.nonfinite > 0 => series.head,
        None => return None,
    };
    let n = series.window.len();
    let direction_of = |from: f64, to: f64| {
        if to == from {
            Direction::Same
        } else if (to > from) == (series.better == Better::Higher) {
            Direction::Better
        } else {
            Direction::Worse
        }
    };
    // No percentage where a value is missing (an incomplete head's NaN).
    let pct = |from: f64, to: f64| {
        Some((to - from) / from * 100.0).filter(|pct| from != 0.0 && pct.is_finite())
    };
    let mut verdict = Verdict {
        benchmark: benchmark.to_string(),
        group: series.group.clone(),
        metric: series.metric.clone(),
        stat: series.stat,
        outcome: Outcome::Unchanged,
        direction: direction_of(before, series.head),
        method: Method::Exact,
        before,
        after: series.head,
        change_pct: pct(before, series.head),
        n,
        head_runs: series.heads.len().max(1),
        mean: stats::mean(&series.window),
        sd: stats::sample_sd(&series.window),
        median: stats::median(&series.window),
        mad: stats::mad_scaled(&series.window),
        t: None,
        df: None,
        p: None,
        q: None,
        lower: None,
        upper: None,
        evidence: String::new(),
        nonfinite: series.nonfinite,
    };
    if series.nonfinite > 0 {
        verdict.outcome = Outcome::Incomplete;
        verdict.method = Method::NotJudged;
    } else if stats::is_exact(series.counter, &series.window, options.min_history) {
        verdict.outcome = if verdict.direction == Direction::Same {
            Outcome::Unchanged
        } else {
            Outcome::Changed
        };
        verdict.lower = Some(before);
        verdict.upper = Some(before);
    } else if n < options.min_history {
        verdict.method = Method::NoHistory;
        let beyond = verdict
            .change_pct
            .is_some_and(|pct| pct.abs() > options.fail_above_pct);
        verdict.outcome = match verdict.direction {
            Direction::Worse if beyond => Outcome::Regression,
            Direction::Better if beyond => Outcome::Improvement,
            _ => Outcome::Unchanged,
        };
    } else {
        return tested(verdict, series, options).map(Judged::Tested);
    }
    verdict.evidence = verdict_text::evidence(&verdict);
    Some(Judged::Done(verdict))
}

/// The t test of a noisy series; `None` only when no test exists (it cannot
/// when the window has spread, which the caller made sure of).
fn tested(
    mut verdict: Verdict,
    series: &SeriesHistory,
    options: &VerdictOptions,
) -> Option<Tested> {
    let mean = verdict.mean?;
    let sd = verdict.sd?;
    let n = series.window.len();
    let (test, after, method) = if series.heads.len() >= 2 {
        let test = stats::welch_test(&series.window, &series.heads)?;
        (test, stats::mean(&series.heads)?, Method::Welch)
    } else {
        let test = stats::prediction_test(&series.window, series.head)?;
        (test, series.head, Method::Prediction)
    };
    let (p_worse, p_better) = match series.better {
        Better::Lower => (test.p_greater, test.p_less),
        Better::Higher => (test.p_less, test.p_greater),
    };
    let half_width = StudentT::new((n - 1) as f64)?.quantile(1.0 - options.alpha)
        * sd
        * (1.0 + 1.0 / n as f64).sqrt();
    verdict.method = method;
    verdict.before = mean;
    verdict.after = after;
    verdict.change_pct = (mean != 0.0).then(|| (after - mean) / mean * 100.0);
    verdict.direction = if after == mean {
        Direction::Same
    } else if (after > mean) == (series.better == Better::Higher) {
        Direction::Better
    } else {
        Direction::Worse
    };
    verdict.t = Some(test.statistic);
    verdict.df = Some(test.df);
    verdict.lower = Some(mean - half_width);
    verdict.upper = Some(mean + half_width);
    Some(Tested {
        verdict,
        p_worse,
        p_better,
    })
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod tests;

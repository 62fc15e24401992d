//! The "Regressions" section's view model: the flagged verdicts of a report,
//! worst first, and counts of what moved within noise. Rendered by
//! `templates/regressions.md.j2` above the summary of `report` and the
//! report of `compare`, and by `check`.

use serde::Serialize;

use super::cell::NOISE;
use super::verdict::{Direction, Method, Outcome, Verdict, VerdictOptions};

#[derive(Clone, Debug, Serialize)]
pub struct VerdictSection {
    pub options: VerdictOptions,
    /// Regressions and exact changes for the worse, then maybes.
    pub rows: Vec<Verdict>,
    /// Every verdict, in report order (`check` lists them all).
    pub all: Vec<Verdict>,
    /// Series judged.
    pub series: usize,
    /// Noisy series tested (the Benjamini–Hochberg family).
    pub tested: usize,
    /// Noisy series whose value moved (by 0.1 % or more) without a verdict.
    pub within_noise: usize,
    /// Series judged by the base-vs-head rule for lack of history.
    pub short_history: usize,
    /// Improvements and exact changes for the better (counted, not listed).
    pub improved: usize,
    /// Regressions: they fail `--fail-on regression`.
    pub regressions: usize,
    /// Series with non-finite values at the head: they fail `--fail-on`
    /// too, as no verdict can vouch for them.
    pub incomplete: usize,
    /// Exact changes for the worse: `--fail-on changed` fails on them too.
    pub worse_changes: usize,
}

fn improved(verdict: &Verdict) -> bool {
    matches!(
        (verdict.outcome, verdict.direction),
        (Outcome::Improvement, _) | (Outcome::Changed, Direction::Better)
    )
}

fn tested(verdict: &Verdict) -> bool {
    matches!(verdict.method, Method::Prediction | Method::Welch)
}

impl VerdictSection {
    pub fn new(verdicts: &[Verdict], options: VerdictOptions) -> VerdictSection {
        let mut rows: Vec<Verdict> = verdicts
            .iter()
            .filter(|v| v.flagged() && !improved(v))
            .cloned()
            .collect();
        // Stable: within a rank, the report's order (benchmark, then series).
        rows.sort_by_key(|v| if v.fails(true) { 0 } else { 1 });
        let count = |keep: &dyn Fn(&Verdict) -> bool| verdicts.iter().filter(|v| keep(v)).count();
        VerdictSection {
            options,
            rows,
            all: verdicts.to_vec(),
            series: verdicts.len(),
            tested: count(&tested),
            within_noise: count(&|v| {
                tested(v)
                    && v.outcome == Outcome::Unchanged
                    && v.change_pct.is_some_and(|pct| pct.abs() >= NOISE * 100.0)
            }),
            short_history: count(&|v| v.method == Method::NoHistory),
            improved: count(&improved),
            regressions: count(&|v| v.outcome == Outcome::Regression),
            incomplete: count(&|v| v.outcome == Outcome::Incomplete),
            worse_changes: count(&|v| v.fails(true) && !v.fails(false)),
        }
    }

    /// Whether `--fail-on` (`on_changed`: `changed`) makes the command fail.
    pub fn fails(&self, on_changed: bool) -> bool {
        self.regressions > 0 || self.incomplete > 0 || (on_changed && self.worse_changes > 0)
    }
}

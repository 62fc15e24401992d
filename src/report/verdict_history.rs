//! Generated histories, in memory: a benchmark of four groups
//! whose time metrics have 1 % noise per sample (a group's sum over its
//! samples is what a series holds) and whose counters have none, 40 runs on
//! main, then a head run. Each case runs 200 seeded trials and asserts the
//! rate the verdicts promise; the rates are printed.

use super::*;

use crate::stats::seeded::Rng;

/// (group, proofs in the group).
const GROUPS: [(&str, usize); 4] = [("fib", 8), ("leaf", 4), ("internal.0", 2), ("root", 1)];
/// Time metrics per proof, ms.
const TIMES: [(&str, f64); 2] = [
    ("trace_gen_time_ms", 300.0),
    ("stark_prove_excluding_trace_time_ms", 1200.0),
];
const SLOWED: (&str, &str) = ("leaf", "stark_prove_excluding_trace_time_ms");
const CYCLES: &str = "execute_preflight_insns";
/// An app metric whose history swings by 40 % (uniform ±20 % per run).
const SWINGING: &str = "merkle_finalize_time_ms";

#[derive(Clone, Copy, PartialEq)]
enum Head {
    Noise,
    Slower,
    OneMoreCycle,
    SwingingMetricMoves,
}

/// One run: (group, metric) → value, with the totals under group "".
fn run(rng: &mut Rng, head: Option<Head>) -> Vec<(String, String, f64)> {
    let mut values = Vec::new();
    let (mut serial_ms, mut parallel_ms) = (0.0, 0.0);
    for (group, proofs) in GROUPS {
        let mut proof_times = vec![0.0; proofs];
        for (metric, per_proof) in TIMES {
            let factor = if head == Some(Head::Slower) && (group, metric) == SLOWED {
                1.04
            } else {
                1.0
            };
            let mut sum = 0.0;
            for time in proof_times.iter_mut() {
                let sample = per_proof * factor * (1.0 + 0.01 * rng.normal());
                *time += sample;
                sum += sample;
            }
            values.push((group.to_string(), metric.to_string(), sum));
        }
        let total: f64 = proof_times.iter().sum();
        values.push((group.to_string(), "total_proof_time_ms".into(), total));
        values.push((
            group.to_string(),
            "main_cells_used".into(),
            1_000_000.0 * proofs as f64,
        ));
        serial_ms += total;
        parallel_ms += proof_times.iter().copied().fold(0.0, f64::max);
    }
    let cycles = if head == Some(Head::OneMoreCycle) {
        12_345_679.0
    } else {
        12_345_678.0
    };
    values.push(("fib".into(), CYCLES.into(), cycles));
    let swing = if head == Some(Head::SwingingMetricMoves) {
        1.3
    } else {
        0.8 + 0.4 * rng.uniform()
    };
    values.push(("fib".into(), SWINGING.into(), 50.0 * swing));
    values.push((String::new(), "serial_s".into(), serial_ms / 1000.0));
    values.push((String::new(), "parallel_s".into(), parallel_ms / 1000.0));
    values
}

/// 40 runs on main and a head; the window is the last 30 main runs.
fn trial(seed: u64, head: Head) -> Vec<Verdict> {
    let mut rng = Rng(seed);
    let history: Vec<_> = (0..40).map(|_| run(&mut rng, None)).collect();
    let head_run = run(&mut rng, Some(head));
    let window = &history[history.len() - 30..];
    let series: Vec<SeriesHistory> = head_run
        .iter()
        .enumerate()
        .map(|(i, (group, metric, value))| {
            let values: Vec<f64> = window.iter().map(|r| r[i].2).collect();
            SeriesHistory {
                group: group.clone(),
                metric: metric.clone(),
                stat: "sum",
                better: Better::for_metric(metric),
                counter: metric == CYCLES || metric == "main_cells_used",
                base: values.last().copied(),
                window: values,
                heads: vec![*value],
                head: *value,
                nonfinite: 0,
            }
        })
        .collect();
    judge(&[("fib".into(), series)], &VerdictOptions::default())
}

const TRIALS: u64 = 200;

fn rate(head: Head, hit: impl Fn(&[Verdict]) -> bool) -> f64 {
    let hits = (0..TRIALS)
        .filter(|&seed| hit(&trial(1000 + seed, head)))
        .count();
    hits as f64 / TRIALS as f64
}

fn is(verdict: &Verdict, group: &str, metric: &str) -> bool {
    verdict.group == group && verdict.metric == metric
}

#[test]
fn pure_noise_is_rarely_a_regression() {
    let false_alarms = rate(Head::Noise, |verdicts| {
        verdicts.iter().any(|v| v.fails(true))
    });
    eprintln!(
        "(a) pure noise: a false regression in {:.1} % of {TRIALS} trials",
        false_alarms * 100.0
    );
    assert!(false_alarms <= 0.01, "{false_alarms}");
}

#[test]
fn a_four_percent_slowdown_is_found() {
    let found = rate(Head::Slower, |verdicts| {
        verdicts
            .iter()
            .any(|v| is(v, SLOWED.0, SLOWED.1) && v.outcome == Outcome::Regression)
    });
    eprintln!(
        "(b) 4 % slower leaf proving: flagged in {:.1} % of {TRIALS} trials",
        found * 100.0
    );
    assert!(found >= 0.95, "{found}");
}

#[test]
fn one_more_cycle_is_an_exact_change() {
    let found = rate(Head::OneMoreCycle, |verdicts| {
        verdicts.iter().any(|v| {
            is(v, "fib", CYCLES)
                && (v.outcome, v.direction, v.method)
                    == (Outcome::Changed, Direction::Worse, Method::Exact)
                && v.after - v.before == 1.0
        })
    });
    eprintln!(
        "(c) one more cycle: flagged exact in {:.1} % of {TRIALS} trials",
        found * 100.0
    );
    assert_eq!(found, 1.0);
}

#[test]
fn a_change_within_a_swinging_metrics_own_range_is_not_flagged() {
    let flagged = rate(Head::SwingingMetricMoves, |verdicts| {
        verdicts
            .iter()
            .any(|v| is(v, "fib", SWINGING) && v.fails(true))
    });
    eprintln!(
        "(d) 30 % on a metric swinging 40 %: flagged in {:.1} % of {TRIALS} trials",
        flagged * 100.0
    );
    assert_eq!(flagged, 0.0);
}

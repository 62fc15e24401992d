//! Tests of the verdict rules: hand-made windows for each rule, then the
//! generated histories (40 main runs with 1 % noise per sample on
//! times and none on counters) judged over 200 seeded trials per case.

use super::*;

fn series(metric: &str, window: &[f64], head: f64) -> SeriesHistory {
    SeriesHistory {
        group: "leaf".into(),
        metric: metric.into(),
        stat: "sum",
        better: Better::for_metric(metric),
        counter: false,
        window: window.to_vec(),
        heads: vec![head],
        head,
        base: window.last().copied(),
        nonfinite: 0,
    }
}

fn one(s: SeriesHistory) -> Verdict {
    let mut verdicts = judge(&[("fib".into(), vec![s])], &VerdictOptions::default());
    assert_eq!(verdicts.len(), 1);
    verdicts.remove(0)
}

const NOISY: [f64; 10] = [
    100.0, 101.0, 99.0, 100.5, 99.5, 100.2, 99.8, 100.9, 99.1, 100.0,
];

#[test]
fn a_clear_slowdown_is_a_regression_with_its_evidence() {
    let verdict = one(series("prove_time_ms", &NOISY, 104.0));
    assert_eq!(verdict.outcome, Outcome::Regression);
    assert_eq!(verdict.method, Method::Prediction);
    assert_eq!(verdict.direction, Direction::Worse);
    let expected_t = stats::prediction_test(&NOISY, 104.0).unwrap();
    assert_eq!(verdict.t, Some(expected_t.statistic));
    assert_eq!(verdict.p, Some(expected_t.p_greater));
    assert_eq!(verdict.q, verdict.p, "one noisy series: BH changes nothing");
    assert!(
        verdict
            .evidence
            .starts_with("n=10, mean 100 ± 0.68 ms, t 5.6, p 2e-4, q 2e-4"),
        "{}",
        verdict.evidence
    );
    let (lower, upper) = (verdict.lower.unwrap(), verdict.upper.unwrap());
    assert!(
        lower < 99.0 && upper > 101.0 && upper < 104.0,
        "{lower} {upper}"
    );
}

#[test]
fn a_head_missing_non_finite_values_is_incomplete_and_fails_whatever_its_numbers() {
    // 20 % faster on its face, because a NaN component was left out.
    let verdict = one(SeriesHistory {
        nonfinite: 2,
        ..series("total_proof_time_ms", &NOISY, 80.0)
    });
    assert_eq!(verdict.outcome, Outcome::Incomplete);
    assert_eq!(verdict.method, Method::NotJudged);
    assert_eq!((verdict.t, verdict.p, verdict.q), (None, None, None));
    assert!(verdict.fails(false) && verdict.fails(true));
    assert!(
        verdict
            .evidence
            .starts_with("2 non-finite values (NaN/inf) at the head"),
        "{}",
        verdict.evidence
    );
    // Said even when no complete run is left to compare with.
    let alone = one(SeriesHistory {
        nonfinite: 1,
        base: None,
        ..series("total_proof_time_ms", &[], 80.0)
    });
    assert_eq!(alone.outcome, Outcome::Incomplete);
    // It is no noisy test, so it leaves the others' adjustment alone.
    let options = VerdictOptions::default();
    let pair = judge(
        &[(
            "fib".into(),
            vec![
                series("prove_time_ms", &NOISY, 104.0),
                SeriesHistory {
                    nonfinite: 1,
                    ..series("trace_gen_time_ms", &NOISY, 104.0)
                },
            ],
        )],
        &options,
    );
    assert_eq!(pair[0].q, pair[0].p);
    let section = super::super::verdict_section::VerdictSection::new(&pair, options);
    assert_eq!((section.regressions, section.incomplete), (1, 1));
    assert!(section.fails(false));
}

#[test]
fn small_or_uncertain_moves_are_not_regressions() {
    // 0.9 % worse: significant but below --min-change.
    let verdict = one(series(
        "prove_time_ms",
        &[100.0; 9]
            .iter()
            .chain(&[100.01])
            .copied()
            .collect::<Vec<_>>(),
        100.9,
    ));
    assert_eq!(verdict.outcome, Outcome::Unchanged);
    // Inside the noise.
    assert_eq!(
        one(series("prove_time_ms", &NOISY, 101.2)).outcome,
        Outcome::Unchanged
    );
    // Between: maybe.
    let verdict = one(series("prove_time_ms", &NOISY, 101.9));
    assert_eq!(verdict.outcome, Outcome::Maybe, "{verdict:?}");
    // Faster: an improvement; for rates, higher is better.
    assert_eq!(
        one(series("prove_time_ms", &NOISY, 96.0)).outcome,
        Outcome::Improvement
    );
    assert_eq!(
        one(series("insn_mi/s", &NOISY, 96.0)).outcome,
        Outcome::Regression
    );
}

#[test]
fn exact_series_report_any_change() {
    let mut counter = series("main_cells_used", &[5000.0, 5000.0], 5001.0);
    counter.counter = true;
    let verdict = one(counter.clone());
    assert_eq!(
        (verdict.outcome, verdict.direction, verdict.method),
        (Outcome::Changed, Direction::Worse, Method::Exact)
    );
    assert_eq!(
        (verdict.before, verdict.after, verdict.evidence.as_str()),
        (5000.0, 5001.0, "exact")
    );
    assert!(verdict.fails(true) && !verdict.fails(false));
    counter.head = 5000.0;
    assert_eq!(one(counter).outcome, Outcome::Unchanged);
    // A gauge whose window holds one value is exact too.
    let verdict = one(series("prove_time_ms", &[7.0; 6], 7.5));
    assert_eq!(
        (verdict.outcome, verdict.method),
        (Outcome::Changed, Method::Exact)
    );
}

#[test]
fn short_history_falls_back_to_the_percentage_rule() {
    let verdict = one(series("prove_time_ms", &[100.0, 102.0, 98.0], 106.0));
    assert_eq!(
        (verdict.outcome, verdict.method),
        (Outcome::Regression, Method::NoHistory)
    );
    assert_eq!(verdict.evidence, "no history: 3 runs");
    assert_eq!(verdict.before, 98.0, "against the baseline run");
    let verdict = one(series("prove_time_ms", &[100.0, 102.0, 98.0], 102.0));
    assert_eq!(
        verdict.outcome,
        Outcome::Unchanged,
        "4.1 % is under --fail-above 5"
    );
    // New series: no verdict.
    let mut new = series("prove_time_ms", &[], 1.0);
    new.base = None;
    assert!(judge(&[("fib".into(), vec![new])], &VerdictOptions::default()).is_empty());
}

#[test]
fn several_head_runs_use_welch() {
    let mut s = series("prove_time_ms", &NOISY, 104.0);
    s.heads = vec![104.0, 103.5, 104.4];
    let verdict = one(s);
    assert_eq!(
        (verdict.method, verdict.outcome),
        (Method::Welch, Outcome::Regression)
    );
    let expected = stats::welch_test(&NOISY, &[104.0, 103.5, 104.4]).unwrap();
    assert_eq!(verdict.t, Some(expected.statistic));
    assert!((verdict.after - 103.966_666_666_666_67).abs() < 1e-9);
}

#[test]
fn benjamini_hochberg_spans_the_report() {
    // Alone, p just under alpha is a regression; among many null series BH
    // raises its q above alpha.
    let options = VerdictOptions {
        alpha: 0.01,
        ..VerdictOptions::default()
    };
    let edge = series("prove_time_ms", &NOISY, 102.6);
    let alone = judge(&[("fib".into(), vec![edge.clone()])], &options);
    assert!(alone[0].p.unwrap() < 0.01, "{:?}", alone[0].p);
    assert_eq!(alone[0].outcome, Outcome::Regression);
    let mut crowd = vec![edge];
    for i in 0..40 {
        crowd.push(series(
            &format!("other_{i}_ms"),
            &NOISY,
            100.0 + (i % 3) as f64 * 0.1,
        ));
    }
    let verdicts = judge(&[("fib".into(), crowd)], &options);
    let edge = verdicts
        .iter()
        .find(|v| v.metric == "prove_time_ms")
        .unwrap();
    assert!(
        edge.q.unwrap() > 0.01 && edge.outcome != Outcome::Regression,
        "{edge:?}"
    );
}

#[test]
fn options_are_checked_once() {
    assert!(
        VerdictOptions::new(0, 0.001, 1.0, 5, None)
            .unwrap_err()
            .starts_with("--window 0")
    );
    assert!(
        VerdictOptions::new(30, 2.0, 1.0, 5, None)
            .unwrap_err()
            .starts_with("--alpha 2")
    );
    assert!(
        VerdictOptions::new(30, 0.001, -1.0, 5, None)
            .unwrap_err()
            .starts_with("--min-change -1")
    );
    assert!(
        VerdictOptions::new(30, 0.001, 1.0, 1, None)
            .unwrap_err()
            .starts_with("--min-history 1")
    );
    assert_eq!(
        VerdictOptions::new(30, 0.001, 1.0, 5, None).unwrap(),
        VerdictOptions::default()
    );
}

#[path = "verdict_history.rs"]
mod history;

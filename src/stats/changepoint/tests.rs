//! Unit tests of change-point detection: the divergence against its
//! definition summed directly, the t-test against scipy's values, and the
//! behaviour on small series whose truth is known.

use super::*;

/// Q̂ straight from its definition, O(n²) per split.
fn q_direct(x: &[f64], y: &[f64]) -> f64 {
    let (n, m) = (x.len() as f64, y.len() as f64);
    let across: f64 = x
        .iter()
        .flat_map(|a| y.iter().map(move |b| (a - b).abs()))
        .sum();
    let pairs = |v: &[f64]| -> f64 {
        let mut total = 0.0;
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                total += (v[i] - v[j]).abs();
            }
        }
        total
    };
    2.0 / (n + m) * across
        - 2.0 * m / ((n + m) * (n - 1.0)) * pairs(x)
        - 2.0 * n / ((n + m) * (m - 1.0)) * pairs(y)
}

#[test]
fn the_best_split_maximises_the_divergence_as_defined() {
    let series = [
        3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0, 9.0, 7.0,
    ];
    let divergence = Divergence::new(&series);
    for (s, e) in [(0, series.len()), (2, 11), (0, 6)] {
        let mut expected: Option<(usize, f64)> = None;
        for tau in s + MIN_SEGMENT..=e - MIN_SEGMENT {
            for kappa in tau + MIN_SEGMENT..=e {
                let q = q_direct(&series[s..tau], &series[tau..kappa]);
                if expected.is_none_or(|(_, best)| q > best) {
                    expected = Some((tau, q));
                }
            }
        }
        let (tau, q) = divergence.best_split(s, e).unwrap();
        let (expected_tau, expected_q) = expected.unwrap();
        assert_eq!(tau, expected_tau, "[{s}, {e})");
        assert!(
            (q - expected_q).abs() < 1e-9,
            "[{s}, {e}): {q} vs {expected_q}"
        );
    }
    assert_eq!(
        divergence.best_split(0, 5),
        None,
        "too short to hold two segments"
    );
}

#[test]
fn the_t_test_matches_scipy() {
    // scipy.stats.ttest_ind(a, b).pvalue (pooled variance, two-sided).
    for (a, b, expected) in [
        (
            vec![1.0, 2.0, 3.0, 4.0],
            vec![3.0, 4.0, 5.0, 6.0, 7.0],
            0.03833372883603087,
        ),
        (
            vec![10.0, 10.5, 9.8, 10.2, 10.1],
            vec![11.0, 11.2, 10.9, 11.3],
            0.00037737661603594216,
        ),
    ] {
        let series: Vec<f64> = a.iter().chain(&b).copied().collect();
        let shift = PrefixSums::new(&series).test(0, a.len(), series.len());
        assert!(
            (shift.p_value - expected).abs() <= 1e-9 * expected,
            "{} vs {expected}",
            shift.p_value
        );
    }
}

/// A deterministic noisy level: normal noise of relative sd `noise`
/// around `level` (splitmix64 and Box–Muller).
fn noisy(level: f64, noise: f64, len: usize, seed: u64) -> Vec<f64> {
    let mut rng = crate::stats::seeded::Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    (0..len)
        .map(|_| level * (1.0 + noise * rng.normal()))
        .collect()
}

#[test]
fn a_step_is_found_where_it_happened_with_its_size() {
    let mut series = noisy(1000.0, 0.01, 60, 1);
    series.extend(noisy(1100.0, 0.01, 60, 2));
    let found = change_points(&series, &Options::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].index, 60);
    let change = found[0].shift.relative_change();
    assert!((change - 0.10).abs() < 0.005, "{change}");
    assert!(found[0].shift.p_value < 1e-9);
}

#[test]
fn noise_an_outlier_and_a_small_step_are_not_shifts() {
    let flat = noisy(1000.0, 0.02, 200, 3);
    let found = change_points(&flat, &Options::default());
    assert!(found.is_empty(), "{found:#?}");
    let mut outlier = flat.clone();
    outlier[100] *= 1.5;
    assert!(change_points(&outlier, &Options::default()).is_empty());
    let mut small = noisy(1000.0, 0.001, 60, 4);
    small.extend(noisy(1005.0, 0.001, 60, 5));
    let options = Options::default();
    assert!(
        change_points(&small, &options).is_empty(),
        "0.5 % is below min_change"
    );
    let finer = Options {
        min_change: 0.001,
        ..options
    };
    assert_eq!(change_points(&small, &finer).len(), 1);
}

#[test]
fn exact_series_change_at_every_new_value() {
    assert_eq!(exact_change_points(&[5.0, 5.0, 6.0, 6.0, 5.0]), vec![2, 4]);
}

#[test]
fn a_shift_holds_at_the_head_while_the_level_stays() {
    assert!(holds_at_head(100.0, 110.0, 109.0));
    assert!(!holds_at_head(100.0, 110.0, 101.0), "reverted");
    assert!(!holds_at_head(100.0, 110.0, 95.0));
    assert!(holds_at_head(100.0, 90.0, 90.0));
}

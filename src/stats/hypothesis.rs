//! One-sided t tests of a head against a window of history.
//!
//! - [`prediction_test`]: one new observation x against a sample of n: is x
//!   outside the sample's prediction interval? t = (x − mean) / (s √(1 + 1/n))
//!   with n − 1 degrees of freedom (the head is one more draw from the same
//!   distribution under the null hypothesis, so its own variance counts).
//! - [`welch_test`]: several head observations against the window, without
//!   assuming equal variances (Welch's t with Welch–Satterthwaite degrees of
//!   freedom), the same numbers as scipy's `ttest_ind(head, window,
//!   equal_var=False)`.
//!
//! Both return the statistic oriented as head − window, so a positive t means
//! the head is higher, and both one-sided p-values; the caller picks the side
//! that means "worse".

use super::describe::{mean, sample_variance};
use super::student_t::StudentT;

/// A t statistic with its degrees of freedom and p-values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TTest {
    /// Oriented as head − window.
    pub statistic: f64,
    pub df: f64,
    /// P(T ≥ t): small when the head is higher than the window.
    pub p_greater: f64,
    /// P(T ≤ t): small when the head is lower than the window.
    pub p_less: f64,
}

impl TTest {
    fn from_statistic(statistic: f64, df: f64) -> Option<TTest> {
        let distribution = StudentT::new(df)?;
        if !statistic.is_finite() {
            return None;
        }
        Some(TTest {
            statistic,
            df,
            p_greater: distribution.sf(statistic),
            p_less: distribution.cdf(statistic),
        })
    }

    /// Two-sided p-value, 2 P(T ≥ |t|), from the smaller tail so it keeps
    /// its precision.
    pub fn p_two_sided(&self) -> f64 {
        (2.0 * self.p_greater.min(self.p_less)).min(1.0)
    }
}

/// Prediction-interval test of one new observation `head` against `window`.
/// `None` when the window has fewer than two values or no spread (then no t
/// exists; such series are exact, judged elsewhere).
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(v > 0.0)` also refuses NaN
pub fn prediction_test(window: &[f64], head: f64) -> Option<TTest> {
    let n = window.len();
    let variance = sample_variance(window)?;
    if !(variance > 0.0) || !head.is_finite() {
        return None;
    }
    let scale = (variance * (1.0 + 1.0 / n as f64)).sqrt();
    let statistic = (head - mean(window)?) / scale;
    TTest::from_statistic(statistic, (n - 1) as f64)
}

/// Welch's t-test of `heads` against `window`. `None` when either side has
/// fewer than two values or both have no spread.
#[allow(clippy::neg_cmp_op_on_partial_ord)] // `!(v > 0.0)` also refuses NaN
pub fn welch_test(window: &[f64], heads: &[f64]) -> Option<TTest> {
    let window_share = sample_variance(window)? / window.len() as f64;
    let head_share = sample_variance(heads)? / heads.len() as f64;
    let pooled = window_share + head_share;
    if !(pooled > 0.0) {
        return None;
    }
    let statistic = (mean(heads)? - mean(window)?) / pooled.sqrt();
    let df = pooled * pooled
        / (window_share * window_share / (window.len() - 1) as f64
            + head_share * head_share / (heads.len() - 1) as f64);
    TTest::from_statistic(statistic, df)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative_error(actual: f64, expected: f64) -> f64 {
        (actual - expected).abs() / expected.abs()
    }

    #[test]
    fn prediction_test_by_hand() {
        // window 1..=5: mean 3, s² = 2.5, n = 5; head 8:
        // t = 5 / √(2.5 · 1.2) = 5/√3, df 4.
        let test = prediction_test(&[1.0, 2.0, 3.0, 4.0, 5.0], 8.0).unwrap();
        assert!(relative_error(test.statistic, 5.0 / 3f64.sqrt()) < 1e-15);
        assert_eq!(test.df, 4.0);
        // Closed form for 4 df: with u = t / √(t² + 4), P(T > t) = ½ − ¾u + ¼u³.
        let t = test.statistic;
        let u = t / (t * t + 4.0).sqrt();
        let expected = 0.5 - 0.75 * u + 0.25 * u * u * u;
        assert!(relative_error(test.p_greater, expected) < 1e-12);
        assert!(relative_error(test.p_greater + test.p_less, 1.0) < 1e-15);
    }

    #[test]
    fn welch_by_hand() {
        // window [1, 2, 3, 4]: mean 2.5, s² = 5/3; heads [6, 8]: mean 7, s² = 2.
        let test = welch_test(&[1.0, 2.0, 3.0, 4.0], &[6.0, 8.0]).unwrap();
        let (a, b): (f64, f64) = (5.0 / 3.0 / 4.0, 2.0 / 2.0);
        assert!(relative_error(test.statistic, 4.5 / (a + b).sqrt()) < 1e-15);
        let df = (a + b) * (a + b) / (a * a / 3.0 + b * b / 1.0);
        assert!(relative_error(test.df, df) < 1e-15);
        assert!(test.p_greater < 0.05 && test.p_less > 0.95);
        assert!(relative_error(test.p_two_sided(), 2.0 * test.p_greater) < 1e-15);
    }

    #[test]
    fn no_test_without_spread_or_samples() {
        assert!(prediction_test(&[5.0, 5.0, 5.0], 6.0).is_none());
        assert!(prediction_test(&[5.0], 6.0).is_none());
        assert!(welch_test(&[1.0, 2.0], &[3.0]).is_none());
        assert!(welch_test(&[2.0, 2.0], &[3.0, 3.0]).is_none());
    }
}

//! Location and spread of a sample: mean and sample standard deviation, and
//! their robust counterparts median and MAD.
//!
//! Every function takes the sample as a slice and returns `None` when the
//! sample is too small for the statistic, so callers decide what "no
//! estimate" means. Inputs are assumed finite (the store keeps non-finite
//! values out of statistics).

/// The factor that makes the MAD of a normal sample estimate its standard
/// deviation: 1 / Φ⁻¹(3/4).
pub const MAD_NORMAL_SCALE: f64 = 1.482_602_218_505_602;

/// Arithmetic mean; `None` for an empty sample.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// Sample standard deviation (divisor n − 1, as scipy's `ddof=1`), computed
/// in two passes so values far from zero keep their precision; `None` below
/// two values.
pub fn sample_sd(values: &[f64]) -> Option<f64> {
    Some(sample_variance(values)?.sqrt())
}

/// Sample variance (divisor n − 1); `None` below two values.
pub fn sample_variance(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let centre = mean(values)?;
    let squares: f64 = values.iter().map(|v| (v - centre) * (v - centre)).sum();
    Some(squares / (values.len() - 1) as f64)
}

/// Median: the middle value, or the mean of the two middle values for an
/// even count; `None` for an empty sample.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let half = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[half]
    } else {
        (sorted[half - 1] + sorted[half]) / 2.0
    })
}

/// Raw median absolute deviation: median of |x − median|, unscaled (scipy's
/// `median_abs_deviation(scale=1.0)`); `None` for an empty sample.
pub fn mad_raw(values: &[f64]) -> Option<f64> {
    let centre = median(values)?;
    let deviations: Vec<f64> = values.iter().map(|v| (v - centre).abs()).collect();
    median(&deviations)
}

/// MAD scaled by [`MAD_NORMAL_SCALE`] so that it estimates the standard
/// deviation of normal data (scipy's `median_abs_deviation(scale="normal")`).
pub fn mad_scaled(values: &[f64]) -> Option<f64> {
    Some(mad_raw(values)? * MAD_NORMAL_SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_and_spread_of_small_samples() {
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&values), Some(5.0));
        // Σ(x − 5)² = 32, n − 1 = 7.
        assert!((sample_sd(&values).unwrap() - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert_eq!(median(&values), Some(4.5));
        // |x − 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 → median 0.5.
        assert_eq!(mad_raw(&values), Some(0.5));
        assert!((mad_scaled(&values).unwrap() - 0.741_301_109_252_801).abs() < 1e-15);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn too_small_samples_have_no_estimate() {
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(mad_raw(&[]), None);
        assert_eq!(sample_sd(&[1.0]), None);
        assert_eq!(sample_sd(&[1.0, 1.0]), Some(0.0));
    }

    #[test]
    fn spread_keeps_precision_far_from_zero() {
        let values = [1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0];
        assert_eq!(sample_sd(&values), Some(1.0));
    }
}

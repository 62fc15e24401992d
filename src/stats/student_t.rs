//! Student's t distribution with ν degrees of freedom (any ν > 0, so Welch's
//! fractional degrees of freedom work): CDF, survival function, density and
//! quantile.
//!
//! Both tails come from the incomplete beta directly, P(T > t) =
//! ½ I_{ν/(ν+t²)}(ν/2, ½) for t > 0, so a p-value of 1e-12 keeps its
//! relative precision (computing `1 - cdf` would round it to zero).

use super::special::{beta_regularized, ln_gamma};

/// Student's t distribution with `df` degrees of freedom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StudentT {
    pub df: f64,
}

impl StudentT {
    /// `None` unless `df` is positive and finite.
    pub fn new(df: f64) -> Option<Self> {
        (df > 0.0 && df.is_finite()).then_some(StudentT { df })
    }

    /// P(T ≤ t).
    pub fn cdf(&self, t: f64) -> f64 {
        self.sf(-t)
    }

    /// Survival function P(T > t), accurate in relative terms far into the
    /// upper tail.
    pub fn sf(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        if t.is_infinite() {
            return if t > 0.0 { 0.0 } else { 1.0 };
        }
        let square = t * t;
        let (x, one_minus_x) = if square.is_finite() {
            (self.df / (self.df + square), square / (self.df + square))
        } else {
            (0.0, 1.0)
        };
        let tail = 0.5 * beta_regularized(self.df / 2.0, 0.5, x, one_minus_x);
        if t > 0.0 { tail } else { 1.0 - tail }
    }

    /// Density at t.
    pub fn pdf(&self, t: f64) -> f64 {
        let nu = self.df;
        (ln_gamma((nu + 1.0) / 2.0)
            - ln_gamma(nu / 2.0)
            - 0.5 * (nu * std::f64::consts::PI).ln()
            - (nu + 1.0) / 2.0 * (t * t / nu).ln_1p())
        .exp()
    }

    /// The t with P(T ≤ t) = p; ±∞ at p = 1 and p = 0, NaN outside [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        if p == 0.5 {
            return 0.0;
        }
        if p > 0.5 {
            self.upper_quantile(1.0 - p)
        } else {
            -self.upper_quantile(p)
        }
    }

    /// The t > 0 with P(T > t) = tail, for tail in [0, ½).
    fn upper_quantile(&self, tail: f64) -> f64 {
        if tail == 0.0 {
            return f64::INFINITY;
        }
        // Bracket the root by doubling, then Newton steps that fall back to
        // bisection whenever they leave the bracket: sf is monotone, so this
        // always converges, and Newton makes it quick.
        let (mut low, mut high) = (0.0f64, 1.0f64);
        while self.sf(high) > tail {
            low = high;
            high *= 2.0;
            if !high.is_finite() {
                return f64::INFINITY;
            }
        }
        let mut t = (low + high) / 2.0;
        for _ in 0..400 {
            let excess = self.sf(t) - tail;
            if excess == 0.0 {
                return t;
            }
            if excess > 0.0 {
                low = t;
            } else {
                high = t;
            }
            let newton = t + excess / self.pdf(t);
            let next = if newton > low && newton < high {
                newton
            } else {
                (low + high) / 2.0
            };
            if (next - t).abs() <= 1e-15 * next.abs() || high - low <= 1e-15 * high {
                return next;
            }
            t = next;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn relative_error(actual: f64, expected: f64) -> f64 {
        (actual - expected).abs() / expected.abs()
    }

    #[test]
    fn one_degree_of_freedom_is_cauchy() {
        let cauchy = StudentT::new(1.0).unwrap();
        for &t in &[-50.0, -3.0, -1.0, -0.2, 0.0, 0.4, 1.0, 2.5, 10.0, 1e4] {
            let expected = 0.5 + f64::atan(t) / PI;
            assert!(relative_error(cauchy.cdf(t), expected) < 1e-13, "cdf({t})");
        }
        // Far tail: P(T > t) = atan(1/t)/π, relative precision kept.
        for &t in &[1e3, 1e6, 1e9] {
            let expected = f64::atan(1.0 / t) / PI;
            assert!(relative_error(cauchy.sf(t), expected) < 1e-12, "sf({t})");
        }
        for &p in &[0.001, 0.1, 0.3, 0.75, 0.975, 0.999_999] {
            let expected = (PI * (p - 0.5)).tan();
            assert!(
                relative_error(cauchy.quantile(p), expected) < 1e-10,
                "q({p})"
            );
        }
    }

    #[test]
    fn two_degrees_of_freedom_closed_form() {
        // F(t) = ½ + t / (2 √(2 + t²)); quantile t = (2p − 1) / √(2p(1 − p)).
        let two = StudentT::new(2.0).unwrap();
        for t in [-20.0f64, -1.5, -0.1, 0.3, 1.0, 4.0, 100.0] {
            let expected = 0.5 + t / (2.0 * (2.0 + t * t).sqrt());
            assert!(relative_error(two.cdf(t), expected) < 1e-13, "cdf({t})");
        }
        // Upper tail in closed form without cancellation: 1 / (√(2+t²) (√(2+t²) + t)).
        for t in [1e2f64, 1e4, 1e6] {
            let root = (2.0 + t * t).sqrt();
            let expected = 1.0 / (root * (root + t));
            assert!(relative_error(two.sf(t), expected) < 1e-12, "sf({t})");
        }
        for p in [0.01f64, 0.2, 0.6, 0.95, 0.9999] {
            let expected = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            assert!(relative_error(two.quantile(p), expected) < 1e-10, "q({p})");
        }
    }

    #[test]
    fn quantiles_match_a_published_table() {
        // Upper critical values of Student's t as printed in standard tables
        // (e.g. the NIST/SEMATECH e-Handbook, 1.3.6.7.2), three decimals.
        let table: [(f64, f64, f64); 15] = [
            (1.0, 0.975, 12.706),
            (1.0, 0.999, 318.309),
            (2.0, 0.95, 2.920),
            (3.0, 0.99, 4.541),
            (5.0, 0.95, 2.015),
            (5.0, 0.995, 4.032),
            (10.0, 0.975, 2.228),
            (10.0, 0.999, 4.144),
            (15.0, 0.90, 1.341),
            (20.0, 0.99, 2.528),
            (29.0, 0.975, 2.045),
            (30.0, 0.999, 3.385),
            (30.0, 0.95, 1.697),
            (60.0, 0.995, 2.660),
            (100.0, 0.975, 1.984),
        ];
        for (df, p, expected) in table {
            let t = StudentT::new(df).unwrap();
            let q = t.quantile(p);
            assert!(
                (q - expected).abs() <= 0.0005 + 1e-9,
                "t_({p},{df}) = {q}, table {expected}"
            );
            assert!((t.quantile(1.0 - p) + q).abs() < 1e-9 * q, "symmetry");
            assert!((t.cdf(q) - p).abs() < 1e-13, "cdf(quantile) = p");
        }
    }

    #[test]
    fn edges() {
        let t = StudentT::new(7.5).unwrap();
        assert_eq!(t.cdf(0.0), 0.5);
        assert_eq!(t.sf(f64::INFINITY), 0.0);
        assert_eq!(t.cdf(f64::INFINITY), 1.0);
        assert_eq!(t.quantile(1.0), f64::INFINITY);
        assert_eq!(t.quantile(0.0), f64::NEG_INFINITY);
        assert!(t.quantile(1.5).is_nan());
        assert!(StudentT::new(0.0).is_none() && StudentT::new(f64::NAN).is_none());
        // Large degrees of freedom approach the normal: Φ(1.96) ≈ 0.975002.
        let normalish = StudentT::new(1e7).unwrap();
        assert!((normalish.cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-7);
    }
}

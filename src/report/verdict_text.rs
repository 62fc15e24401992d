//! The evidence line of a verdict, as the summary shows it:
//! `n=30, mean 1,234 ± 12 ms, t 6.1, p 2e-9, q 4e-7`, `exact`, or
//! `no history: 4 runs`.

use super::cell::format_decimals;
use super::verdict::{Method, Verdict};

/// The evidence for `verdict` in one line.
pub fn evidence(verdict: &Verdict) -> String {
    match verdict.method {
        Method::Exact => "exact".to_string(),
        Method::NotJudged => format!(
            "{} non-finite value{} (NaN/inf) at the head, left out: the value reads low, \
             so it is not judged",
            verdict.nonfinite,
            if verdict.nonfinite == 1 { "" } else { "s" }
        ),
        Method::NoHistory => format!(
            "no history: {} run{}",
            verdict.n,
            if verdict.n == 1 { "" } else { "s" }
        ),
        Method::Prediction | Method::Welch => {
            let unit = unit(&verdict.metric);
            let (mean, sd) = (
                verdict.mean.unwrap_or(f64::NAN),
                verdict.sd.unwrap_or(f64::NAN),
            );
            let decimals = decimals_for(sd);
            let mut line = format!(
                "n={}, mean {} ± {}{unit}",
                verdict.n,
                format_decimals(mean, decimals),
                format_decimals(sd, decimals)
            );
            if verdict.method == Method::Welch {
                line.push_str(&format!(
                    ", {} head runs, Welch t {:.1} (df {:.1})",
                    verdict.head_runs,
                    verdict.t.unwrap_or(f64::NAN),
                    verdict.df.unwrap_or(f64::NAN)
                ));
            } else {
                line.push_str(&format!(", t {:.1}", verdict.t.unwrap_or(f64::NAN)));
            }
            if let (Some(p), Some(q)) = (verdict.p, verdict.q) {
                line.push_str(&format!(", p {}, q {}", format_p(p), format_p(q)));
            }
            line
        }
    }
}

/// ` ms` for `…_ms` metrics, ` s` for the run totals.
fn unit(metric: &str) -> &'static str {
    if metric.ends_with("_ms") {
        " ms"
    } else if metric.ends_with("_s") {
        " s"
    } else {
        ""
    }
}

/// Enough decimals to show two significant digits of the spread.
fn decimals_for(spread: f64) -> u32 {
    if !(spread.is_finite() && spread > 0.0) {
        return 0;
    }
    (1.0 - spread.log10().floor()).clamp(0.0, 6.0) as u32
}

/// `2e-9` below 0.001, else three decimals.
pub fn format_p(p: f64) -> String {
    if p < 0.001 {
        format!("{p:.0e}")
    } else {
        format!("{p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_and_spreads_read_short() {
        assert_eq!(format_p(2.2e-9), "2e-9");
        assert_eq!(format_p(0.0123), "0.012");
        assert_eq!(format_p(0.0), "0e0");
        assert_eq!(decimals_for(12.0), 0);
        assert_eq!(decimals_for(1.2), 1);
        assert_eq!(decimals_for(0.012), 3);
        assert_eq!(unit("stark_prove_excluding_trace_time_ms"), " ms");
        assert_eq!(unit("serial_s"), " s");
        assert_eq!(unit("main_cells_used"), "");
    }
}

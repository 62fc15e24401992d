//! One number in a report and how it changed: the diff maths and the number
//! formatting, as pure functions.

use serde::Serialize;

/// Changes smaller than this fraction of the base value are not shown.
pub const NOISE: f64 = 0.001;

/// Which way is good for a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

impl Better {
    /// Throughputs (`…/s`) are better when higher; times, cells, rows and
    /// counts are better when lower.
    pub fn for_metric(metric: &str) -> Better {
        if metric.ends_with("/s") {
            Better::Higher
        } else {
            Better::Lower
        }
    }
}

/// What a cell says about its change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// No base to compare with (`prof show`, or a new benchmark).
    None,
    /// Present in head only.
    New,
    /// Present in base only; `value` holds the base value.
    Removed,
    /// Changed by less than [`NOISE`].
    Same,
    Better,
    Worse,
}

/// A value with its base. Serialised as-is into the JSON view model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub value: Option<f64>,
    pub base: Option<f64>,
    /// head - base, when both exist.
    pub diff: Option<f64>,
    /// diff / base × 100, when both exist and base is not 0.
    pub pct: Option<f64>,
    pub change: Change,
}

impl Cell {
    /// A cell without a comparison.
    pub fn plain(value: f64) -> Cell {
        Cell {
            value: Some(value),
            base: None,
            diff: None,
            pct: None,
            change: Change::None,
        }
    }

    /// Compares `value` (head) with `base`; `compared` says whether a base
    /// run exists at all, so that "absent in base" means new.
    pub fn compare(value: Option<f64>, base: Option<f64>, compared: bool, better: Better) -> Cell {
        match (value, base) {
            (Some(v), None) if !compared => Cell::plain(v),
            (Some(v), None) => Cell {
                value: Some(v),
                base: None,
                diff: None,
                pct: None,
                change: Change::New,
            },
            (None, Some(b)) => Cell {
                value: None,
                base: Some(b),
                diff: None,
                pct: None,
                change: Change::Removed,
            },
            (None, None) => Cell {
                value: None,
                base: None,
                diff: None,
                pct: None,
                change: Change::None,
            },
            (Some(v), Some(b)) => {
                let diff = v - b;
                let pct = (b != 0.0).then(|| diff / b * 100.0);
                let relative = if b != 0.0 {
                    (diff / b).abs()
                } else if diff == 0.0 {
                    0.0
                } else {
                    1.0
                };
                let change = if relative < NOISE {
                    Change::Same
                } else if (diff > 0.0) == (better == Better::Higher) {
                    Change::Better
                } else {
                    Change::Worse
                };
                Cell {
                    value: Some(v),
                    base: Some(b),
                    diff: Some(diff),
                    pct,
                    change,
                }
            }
        }
    }

    /// Divides value, base and diff (e.g. ms to s); pct is unchanged.
    pub fn scaled(self, divisor: f64) -> Cell {
        Cell {
            value: self.value.map(|v| v / divisor),
            base: self.base.map(|v| v / divisor),
            diff: self.diff.map(|v| v / divisor),
            ..self
        }
    }
}

/// Thousands separators and two decimals where the value is fractional after
/// rounding to hundredths; the sign is always kept (`-0.50`, not `0.50`).
pub fn format_number(value: f64) -> String {
    format_decimals(value, 2)
}

/// [`format_number`] with `decimals` places (seconds use 3: milliseconds).
pub fn format_decimals(value: f64, decimals: u32) -> String {
    let mut out = String::new();
    format_decimals_into(&mut out, value, decimals);
    out
}

/// [`format_decimals`] appended to `out`: tables format a number per cell.
pub fn format_decimals_into(out: &mut String, value: f64, decimals: u32) {
    use std::fmt::Write;
    if !value.is_finite() {
        let _ = write!(out, "{value}");
        return;
    }
    let scale = 10f64.powi(decimals as i32);
    // Past 2^53 an f64 has no fraction left to show, and scaling would
    // only add rounding noise.
    let scale = if value.abs() * scale >= 9_007_199_254_740_992.0 {
        1.0
    } else {
        scale
    };
    let scaled = (value.abs() * scale).round();
    let negative = value < 0.0 && scaled > 0.0;
    let whole = (scaled / scale).trunc();
    let fraction = (scaled - whole * scale) as u64;
    // `whole` is a whole number: below 2^64 the integer has the same
    // digits as the float, written without float formatting.
    let mut buffer = [0u8; 20];
    let spelled;
    let digits: &[u8] = if whole < 18_446_744_073_709_551_616.0 {
        let mut n = whole as u64;
        let mut at = buffer.len();
        loop {
            at -= 1;
            buffer[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        &buffer[at..]
    } else {
        spelled = format!("{whole:.0}");
        spelled.as_bytes()
    };
    out.reserve(digits.len() + digits.len() / 3 + decimals as usize + 2);
    if negative {
        out.push('-');
    }
    for (i, &digit) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(digit));
    }
    if fraction > 0 && scale > 1.0 {
        let _ = write!(out, ".{fraction:0width$}", width = decimals as usize);
    }
}

/// Extra places a diff may take so that a change too small for the
/// column's places still shows its size and sign.
const MAX_EXTRA_PLACES: u32 = 6;

/// `+1,234` / `-0.50` / `+0`: a diff always carries its sign, and a diff
/// that is not zero never reads as zero: `-0.003` with 2 places is
/// `-0.003`, and one still smaller than the extra places allow is `-0`.
pub fn format_signed(value: f64, decimals: u32) -> String {
    let mut places = decimals;
    let mut text = format_decimals(value, places);
    let reads_as_zero = |text: &str| text.chars().all(|c| matches!(c, '0' | '.' | ',' | '-'));
    while value != 0.0 && reads_as_zero(&text) && places < decimals + MAX_EXTRA_PLACES {
        places += 1;
        text = format_decimals(value, places);
    }
    if text.starts_with('-') {
        text
    } else if value < 0.0 {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

/// `+4.5%` with one decimal.
pub fn format_pct(pct: f64) -> String {
    let rounded = (pct * 10.0).round() / 10.0;
    if rounded == 0.0 {
        format!("{}0.0%", if pct < 0.0 { "-" } else { "+" })
    } else {
        format!("{rounded:+.1}%")
    }
}

/// A changed cell's diff as the tables show it, `+6 [+8.2%]`: the signed
/// difference with up to `decimals` places, then the percentage when there
/// is one.
pub fn format_diff(cell: &Cell, decimals: u32) -> String {
    let diff = cell
        .diff
        .map(|d| format_signed(d, decimals))
        .unwrap_or_default();
    let pct = cell
        .pct
        .map(|p| format!(" [{}]", format_pct(p)))
        .unwrap_or_default();
    format!("{diff}{pct}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_sign_and_round_to_hundredths() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(2869.0), "2,869");
        assert_eq!(format_number(445_651_278.0), "445,651,278");
        assert_eq!(format_number(1.999), "2", "the original printed 1.100");
        assert_eq!(format_number(1.5), "1.50");
        assert_eq!(
            format_number(-0.5),
            "-0.50",
            "the original dropped the sign"
        );
        assert_eq!(format_number(-0.004), "0");
        assert_eq!(format_number(-1234.567), "-1,234.57");
        assert_eq!(format_number(999.995), "1,000");
        assert_eq!(format_number(52.438), "52.44");
        assert_eq!(format_number(1e21), "1,000,000,000,000,000,000,000");
        assert_eq!(format_number(f64::NAN), "NaN");
    }

    #[test]
    fn diffs_carry_a_sign() {
        assert_eq!(format_signed(6.0, 2), "+6");
        assert_eq!(format_signed(-112.0, 2), "-112");
        assert_eq!(format_signed(0.0, 2), "+0");
        assert_eq!(format_signed(-0.25, 2), "-0.25");
        assert_eq!(format_signed(0.071, 3), "+0.071");
        // A negative diff that rounds to zero at its places kept a `+`.
        assert_eq!(format_signed(-0.003, 2), "-0.003");
        assert_eq!(format_signed(0.004, 0), "+0.004");
        assert_eq!(format_signed(-1e-12, 2), "-0");
        assert_eq!(format_signed(-0.0, 2), "+0");
        assert_eq!(format_decimals(52.438, 3), "52.438");
        assert_eq!(format_decimals(52.4, 3), "52.400");
        assert_eq!(format_pct(8.2191), "+8.2%");
        assert_eq!(format_pct(-0.3208), "-0.3%");
        assert_eq!(format_pct(-0.01), "-0.0%");
    }

    #[test]
    fn a_cell_knows_worse_better_same_new_and_removed() {
        let worse = Cell::compare(Some(79.0), Some(73.0), true, Better::Lower);
        assert_eq!(worse.change, Change::Worse);
        assert_eq!(worse.diff, Some(6.0));
        assert!((worse.pct.unwrap() - 8.219).abs() < 0.001);
        assert_eq!(
            Cell::compare(Some(90.0), Some(100.0), true, Better::Lower).change,
            Change::Better
        );
        assert_eq!(
            Cell::compare(Some(110.0), Some(100.0), true, Better::Higher).change,
            Change::Better
        );
        assert_eq!(
            Cell::compare(Some(100.05), Some(100.0), true, Better::Lower).change,
            Change::Same
        );
        assert_eq!(
            Cell::compare(Some(1.0), None, true, Better::Lower).change,
            Change::New
        );
        assert_eq!(
            Cell::compare(Some(1.0), None, false, Better::Lower).change,
            Change::None
        );
        let removed = Cell::compare(None, Some(3.0), true, Better::Lower);
        assert_eq!((removed.change, removed.base), (Change::Removed, Some(3.0)));
        let from_zero = Cell::compare(Some(5.0), Some(0.0), true, Better::Lower);
        assert_eq!(
            (from_zero.pct, from_zero.change),
            (None, Change::Worse),
            "no NaN% from a zero base"
        );
        assert_eq!(
            Cell::compare(Some(0.0), Some(0.0), true, Better::Lower).change,
            Change::Same
        );
    }
}

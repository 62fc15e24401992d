//! When a series is exact: its metric is a counter (cycles,
//! cells, instruction counts), or its window holds a single distinct value.
//! An exact series has no noise to test against, so any change of value is
//! news. Verdicts ask it of one baseline window; change detection asks it of
//! a whole history, where the window of each change is the level before it.

/// The fewest runs a window needs before a single value in it says the
/// series is exact (`--min-history`'s default).
pub const MIN_EXACT_HISTORY: usize = 5;

/// Whether a series whose metric is a counter (`counter`) or whose baseline
/// window is `window` is exact: a counter always is; any other series when
/// its window holds at least `min_history` values, all the same.
pub fn is_exact(counter: bool, window: &[f64], min_history: usize) -> bool {
    counter || (window.len() >= min_history.max(1) && window.iter().all(|v| *v == window[0]))
}

/// Whether a whole history is exact: a counter's always is; any other
/// history when the window before each change of value (the level since
/// the change before it) is exact by [`is_exact`], with at least one such
/// window. A gauge that sits at one value for `min_history` runs and then
/// moves to another is read as exact; one that swings, or holds a value
/// only briefly (an outlier, quantised noise), is not.
pub fn is_exact_history(counter: bool, series: &[f64], min_history: usize) -> bool {
    if counter {
        return true;
    }
    let mut level_start = 0;
    for i in 1..series.len() {
        if series[i] != series[i - 1] {
            if !is_exact(false, &series[level_start..i], min_history) {
                return false;
            }
            level_start = i;
        }
    }
    // No change of value: the whole history is the one window.
    level_start > 0 || is_exact(false, series, min_history)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_is_exact_whatever_its_values() {
        assert!(is_exact(true, &[], 5));
        assert!(is_exact(true, &[1.0, 2.0, 3.0], 5));
        assert!(is_exact_history(true, &[1.0, 2.0, 3.0, 4.0], 5));
    }

    #[test]
    fn a_gauge_window_is_exact_when_it_holds_one_value_long_enough() {
        assert!(is_exact(false, &[7.0; 5], 5));
        assert!(!is_exact(false, &[7.0; 4], 5), "too few runs to tell");
        assert!(!is_exact(false, &[7.0, 7.0, 7.0, 7.0, 7.1], 5));
        assert!(!is_exact(false, &[], 5));
    }

    #[test]
    fn a_gauge_history_is_exact_when_every_level_before_a_change_is() {
        let steps = [[5.0; 6].as_slice(), &[6.0; 5], &[5.0; 2]].concat();
        assert!(
            is_exact_history(false, &steps, 5),
            "the last level may be short"
        );
        assert!(is_exact_history(false, &[3.0; 8], 5), "constant");
        assert!(!is_exact_history(false, &[3.0; 4], 5), "too short to tell");
        let outlier = [[5.0; 6].as_slice(), &[9.0], &[5.0; 6]].concat();
        assert!(!is_exact_history(false, &outlier, 5), "one run is no level");
        let swings = [100.0, 140.0, 95.0, 130.0, 101.0, 90.0, 135.0];
        assert!(!is_exact_history(false, &swings, 5));
        let short_first = [[5.0; 3].as_slice(), &[6.0; 8]].concat();
        assert!(!is_exact_history(false, &short_first, 5));
    }
}

//! Change points of one series: where its level shifted, and by how much.
//!
//! Noisy series use E-divisive means with a t-test, the method of Apache
//! Otava (formerly hunter, from MongoDB; Fleming et al., "Hunter: Using
//! Change Point Detection to Hunt for Performance Regressions", ICPE 2023):
//!
//! 1. **Split**, on sliding windows of `window` points that advance by half
//!    a window (or to the last change found), so cost grows linearly with
//!    history: inside a window, repeatedly take the split (τ, κ) that
//!    maximises the energy divergence Q̂ between `Z[s..τ]` and `Z[τ..κ]` over
//!    every current segment `[s, e)`, and keep τ while a two-sample t-test
//!    between the two halves of its segment gives p ≤ 10 α (a first pass
//!    that may keep "weak" points).
//! 2. **Merge**, over the whole series: recompute every point's test
//!    against its neighbouring segments, then repeatedly drop the point with
//!    the largest p while that p ≥ α, or, once all are significant, the one
//!    with the smallest relative change while it is ≤ `min_change`,
//!    re-testing its neighbours each time.
//!
//! No permutations, so the result is deterministic. Where prof differs from
//! Otava 0.8 (stated in the README beside the side-by-side test): every
//! segment holds at least [`MIN_SEGMENT`] points, so a single outlier is
//! never a shift of its own; the t-test uses sample standard deviations
//! (Otava passes population ones to a function that expects sample ones);
//! `min_change` is the relative change from before to after.
//!
//! Exact series (counters, and levels of a single value: see
//! [`super::exact`]) need no statistics: every change of value is a change
//! point ([`exact_change_points`]).

use super::student_t::StudentT;

/// The fewest points a segment may hold: fewer cannot tell a shift from an
/// outlier (a single bad run, or two).
pub const MIN_SEGMENT: usize = 3;

/// How change points are found in a noisy series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Points per sliding window of the split step (≥ 2 × [`MIN_SEGMENT`]).
    pub window: usize,
    /// Significance level of the merge step's t-test.
    pub alpha: f64,
    /// The smallest relative change kept, as a fraction (0.01 is 1 %).
    pub min_change: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: 50,
            alpha: 0.001,
            min_change: 0.01,
        }
    }
}

/// The two segments either side of a change point, and the t-test between
/// them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shift {
    pub n_before: usize,
    pub mean_before: f64,
    /// Sample standard deviation; 0 for a single point.
    pub sd_before: f64,
    pub n_after: usize,
    pub mean_after: f64,
    pub sd_after: f64,
    /// Two-sided p of Student's two-sample t-test (pooled variance); 0 or 1
    /// when neither segment varies.
    pub p_value: f64,
}

impl Shift {
    /// after / before − 1; infinite from a zero mean to another.
    pub fn relative_change(&self) -> f64 {
        if self.mean_before == 0.0 {
            return if self.mean_after == 0.0 {
                0.0
            } else {
                f64::INFINITY.copysign(self.mean_after)
            };
        }
        self.mean_after / self.mean_before - 1.0
    }
}

/// A change point: the series' level changes from `index - 1` to `index`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChangePoint {
    /// The first point of the new level.
    pub index: usize,
    pub shift: Shift,
}

/// The change points of a noisy `series` (finite values), oldest first.
pub fn change_points(series: &[f64], options: &Options) -> Vec<ChangePoint> {
    let window = options.window.max(2 * MIN_SEGMENT);
    let sums = PrefixSums::new(series);
    let first_pass = first_pass_alpha(options.alpha);
    let mut weak: Vec<usize> = Vec::new();
    let mut start = 0;
    let step = (window / 2).max(1);
    while start < series.len() {
        let end = (start + window).min(series.len());
        let found = split_window(series, &sums, start, end, first_pass);
        let last = found.last().copied().unwrap_or(0);
        for index in found {
            if let Err(at) = weak.binary_search(&index) {
                weak.insert(at, index);
            }
        }
        start = last.max(start + step);
    }
    merge(&sums, weak, options)
}

/// The threshold of the split step, as Otava sets it: looser than α, since
/// the merge step applies α itself.
fn first_pass_alpha(alpha: f64) -> f64 {
    if alpha < 0.05 {
        alpha * 10.0
    } else if alpha < 0.5 {
        alpha * 2.0
    } else {
        alpha
    }
}

/// E-divisive inside `series[start..end]`: absolute indices of the splits
/// that pass the first-pass test, sorted.
fn split_window(
    series: &[f64],
    sums: &PrefixSums,
    start: usize,
    end: usize,
    first_pass: f64,
) -> Vec<usize> {
    let divergence = Divergence::new(&series[start..end]);
    let mut points: Vec<usize> = Vec::new();
    loop {
        let mut best: Option<(usize, usize, usize, f64)> = None;
        let mut segment_start = 0;
        for segment_end in points.iter().copied().chain([end - start]) {
            if let Some((tau, q)) = divergence.best_split(segment_start, segment_end)
                && best.is_none_or(|(_, _, _, best_q)| q > best_q)
            {
                best = Some((segment_start, tau, segment_end, q));
            }
            segment_start = segment_end;
        }
        let Some((s, tau, e, _)) = best else { break };
        let shift = sums.test(start + s, start + tau, start + e);
        if shift.p_value > first_pass {
            break;
        }
        let at = points.partition_point(|&p| p < tau);
        points.insert(at, tau);
    }
    points.into_iter().map(|p| p + start).collect()
}

/// The merge step over the whole series; see the module doc.
fn merge(sums: &PrefixSums, mut points: Vec<usize>, options: &Options) -> Vec<ChangePoint> {
    let test_at = |points: &[usize], i: usize| {
        let before = if i == 0 { 0 } else { points[i - 1] };
        let after = points.get(i + 1).copied().unwrap_or(sums.len());
        sums.test(before, points[i], after)
    };
    let mut shifts: Vec<Shift> = (0..points.len()).map(|i| test_at(&points, i)).collect();
    while !shifts.is_empty() {
        // The first of equals goes, as in Otava, so ties resolve the same way.
        let mut weakest = 0;
        for (i, shift) in shifts.iter().enumerate() {
            if shift.p_value > shifts[weakest].p_value {
                weakest = i;
            }
        }
        if shifts[weakest].p_value < options.alpha {
            let size = |s: &Shift| s.relative_change().abs();
            weakest = 0;
            for (i, shift) in shifts.iter().enumerate() {
                if size(shift) < size(&shifts[weakest]) {
                    weakest = i;
                }
            }
            if size(&shifts[weakest]) > options.min_change {
                break;
            }
        }
        points.remove(weakest);
        shifts.remove(weakest);
        for i in [weakest.wrapping_sub(1), weakest] {
            if i < points.len() {
                shifts[i] = test_at(&points, i);
            }
        }
    }
    points
        .into_iter()
        .zip(shifts)
        .map(|(index, shift)| ChangePoint { index, shift })
        .collect()
}

/// Every index whose value differs from the one before: an exact series
/// changes only when the code does.
pub fn exact_change_points(series: &[f64]) -> Vec<usize> {
    (1..series.len())
        .filter(|&i| series[i] != series[i - 1])
        .collect()
}

/// Whether the shift `before → after` still holds at the head, whose level
/// is `head_mean` (the mean of the series' last segment): the head is on
/// the shift's side of where it started, at least half of the way.
pub fn holds_at_head(mean_before: f64, mean_after: f64, head_mean: f64) -> bool {
    let step = mean_after - mean_before;
    let now = head_mean - mean_before;
    step != 0.0 && now * step > 0.0 && now.abs() >= 0.5 * step.abs()
}

/// Sums and sums of squares from the start, centred on the first value so
/// large values (cycle counts) keep their variance's precision.
struct PrefixSums {
    centre: f64,
    sum: Vec<f64>,
    square: Vec<f64>,
}

impl PrefixSums {
    fn new(series: &[f64]) -> Self {
        let centre = series.first().copied().unwrap_or(0.0);
        let mut sum = Vec::with_capacity(series.len() + 1);
        let mut square = Vec::with_capacity(series.len() + 1);
        let (mut s, mut q) = (0.0, 0.0);
        sum.push(0.0);
        square.push(0.0);
        for value in series {
            let x = value - centre;
            s += x;
            q += x * x;
            sum.push(s);
            square.push(q);
        }
        PrefixSums {
            centre,
            sum,
            square,
        }
    }

    fn len(&self) -> usize {
        self.sum.len() - 1
    }

    /// (n, mean, sample variance) of `[from, to)`.
    fn moments(&self, from: usize, to: usize) -> (usize, f64, f64) {
        let n = to - from;
        let sum = self.sum[to] - self.sum[from];
        let mean = sum / n as f64;
        let squares = (self.square[to] - self.square[from] - sum * mean).max(0.0);
        let variance = if n > 1 { squares / (n - 1) as f64 } else { 0.0 };
        (n, mean + self.centre, variance)
    }

    /// Student's two-sample t-test of `[from, at)` against `[at, to)`.
    fn test(&self, from: usize, at: usize, to: usize) -> Shift {
        let (n1, m1, v1) = self.moments(from, at);
        let (n2, m2, v2) = self.moments(at, to);
        let df = (n1 + n2) as f64 - 2.0;
        let pooled = ((n1 - 1) as f64 * v1 + (n2 - 1) as f64 * v2) / df;
        let scale = (pooled * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
        let p_value = match StudentT::new(df) {
            _ if m1 == m2 => 1.0,
            Some(t) if scale > 0.0 => (2.0 * t.sf(((m2 - m1) / scale).abs())).min(1.0),
            // No spread on either side yet different means: certain.
            Some(_) => 0.0,
            None => 1.0,
        };
        Shift {
            n_before: n1,
            mean_before: m1,
            sd_before: v1.sqrt(),
            n_after: n2,
            mean_after: m2,
            sd_after: v2.sqrt(),
            p_value,
        }
    }
}

/// The energy divergence Q̂ of every split of a window's segments, from
/// column prefix sums of its distance matrix, so a segment's best split
/// costs O(len²).
struct Divergence {
    len: usize,
    /// `column[k * (len + 1) + t]` = Σ_{i < t} |z_i − z_k|.
    column: Vec<f64>,
}

impl Divergence {
    fn new(window: &[f64]) -> Self {
        let len = window.len();
        let mut column = vec![0.0; len * (len + 1)];
        for (k, zk) in window.iter().enumerate() {
            let row = &mut column[k * (len + 1)..(k + 1) * (len + 1)];
            for (i, zi) in window.iter().enumerate() {
                row[i + 1] = row[i] + (zi - zk).abs();
            }
        }
        Divergence { len, column }
    }

    /// Σ_{from ≤ i < to} |z_i − z_k|.
    fn distance_sum(&self, k: usize, from: usize, to: usize) -> f64 {
        let row = k * (self.len + 1);
        self.column[row + to] - self.column[row + from]
    }

    /// The τ in `[s, e)` maximising Q̂(Z[s..τ], Z[τ..κ]) over κ ≤ e, with
    /// both sides at least [`MIN_SEGMENT`] long, and that Q̂.
    ///
    /// Q̂(X, Y) = 2/(n+m) Σ|x−y| − 2m/((n+m)(n−1)) Σ_{i<j}|x_i−x_j|
    ///           − 2n/((n+m)(m−1)) Σ_{i<j}|y_i−y_j|, n = |X|, m = |Y|.
    fn best_split(&self, s: usize, e: usize) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        let mut within_x = 0.0;
        for tau in s + 1..e {
            within_x += self.distance_sum(tau - 1, s, tau - 1);
            let n = (tau - s) as f64;
            if tau - s < MIN_SEGMENT || e - tau < MIN_SEGMENT {
                continue;
            }
            let (mut across, mut within_y) = (0.0, 0.0);
            for kappa in tau + 1..=e {
                let newest = kappa - 1;
                across += self.distance_sum(newest, s, tau);
                within_y += self.distance_sum(newest, tau, newest);
                let m = (kappa - tau) as f64;
                if kappa - tau < MIN_SEGMENT {
                    continue;
                }
                let q = 2.0 / (n + m) * across
                    - 2.0 * m / ((n + m) * (n - 1.0)) * within_x
                    - 2.0 * n / ((n + m) * (m - 1.0)) * within_y;
                if best.is_none_or(|(_, best_q)| q > best_q) {
                    best = Some((tau, q));
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests;

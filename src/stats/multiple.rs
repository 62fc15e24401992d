//! Benjamini–Hochberg: control the false discovery rate when a report tests
//! hundreds of series at once.
//!
//! Returns adjusted p-values (q-values, as R's `p.adjust(method = "BH")` and
//! scipy's `false_discovery_control`): rejecting every hypothesis whose
//! adjusted p is at most α is exactly the BH step-up procedure at level α.

/// Adjusted p-values in the order of `p_values`: q₍ᵢ₎ = min over j ≥ i of
/// p₍ⱼ₎ · m / j, capped at 1, where ₍ᵢ₎ is the i-th smallest. A NaN p-value
/// counts as 1 (no evidence).
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let clean = |p: f64| if p.is_nan() { 1.0 } else { p.clamp(0.0, 1.0) };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| {
        clean(p_values[a])
            .total_cmp(&clean(p_values[b]))
            .then(a.cmp(&b))
    });
    let mut adjusted = vec![1.0; m];
    let mut running_min = 1.0f64;
    for (rank, &index) in order.iter().enumerate().rev() {
        let scaled = clean(p_values[index]) * m as f64 / (rank + 1) as f64;
        running_min = running_min.min(scaled);
        adjusted[index] = running_min;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example() {
        // p = .01 .04 .03 .20 with m = 4, sorted .01 .03 .04 .20:
        // raw .04 .06 .0533 .20 → step-up minima .04 .0533 .0533 .20.
        let adjusted = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.20]);
        let expected = [0.04, 0.16 / 3.0, 0.16 / 3.0, 0.20];
        for (a, e) in adjusted.iter().zip(expected) {
            assert!((a - e).abs() < 1e-15, "{adjusted:?}");
        }
    }

    #[test]
    fn caps_and_edges() {
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[0.3]), vec![0.3]);
        assert_eq!(benjamini_hochberg(&[0.9, f64::NAN]), vec![1.0, 1.0]);
        // Ties share one adjusted value.
        assert_eq!(benjamini_hochberg(&[0.02, 0.02]), vec![0.02, 0.02]);
    }
}

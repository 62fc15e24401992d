//! Bounded-parallel proof time: the limit maths, as pure functions.

/// Deals `proofs` (in deal order) round-robin to `provers` slots and returns
/// the fullest slot's total: proof i goes to slot i mod provers.
pub fn fullest_slot(proofs: &[f64], provers: usize) -> f64 {
    if proofs.is_empty() || provers == 0 {
        return 0.0;
    }
    let mut slots = vec![0.0_f64; provers.min(proofs.len())];
    let slot_count = slots.len();
    for (i, proof) in proofs.iter().enumerate() {
        slots[i % slot_count] += proof;
    }
    slots.into_iter().fold(0.0, f64::max)
}

/// A group's bounded-parallel time in ms: its serial app execution plus its
/// proofs dealt to `provers`; an estimated group (no per-proof times)
/// contributes its unlimited-parallel time, which includes the execution.
pub fn bounded_group_ms(
    proofs: &[f64],
    provers: usize,
    estimated: bool,
    parallel_ms: f64,
    app_serial_ms: f64,
) -> f64 {
    if estimated {
        parallel_ms
    } else {
        app_serial_ms + fullest_slot(proofs, provers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proofs_are_dealt_round_robin_and_the_fullest_slot_counts() {
        // Slots: [1 + 4 + 7, 2 + 5, 3 + 6] = [12, 7, 9].
        assert_eq!(fullest_slot(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 3), 12.0);
        // Fewer proofs than provers: the longest proof.
        assert_eq!(fullest_slot(&[5.0, 9.0, 2.0], 32), 9.0);
        assert_eq!(fullest_slot(&[5.0, 9.0], 1), 14.0);
        assert_eq!(fullest_slot(&[], 4), 0.0);
        assert_eq!(fullest_slot(&[3.0], 0), 0.0);
    }

    #[test]
    fn order_matters_when_proofs_outnumber_provers() {
        // The same proofs in another order fill the slots differently, which
        // is why the deal order is fixed by (segment, idx).
        assert_eq!(fullest_slot(&[10.0, 1.0, 10.0, 1.0], 2), 20.0);
        assert_eq!(fullest_slot(&[10.0, 10.0, 1.0, 1.0], 2), 11.0);
    }

    #[test]
    fn estimated_groups_contribute_their_parallel_time() {
        assert_eq!(bounded_group_ms(&[], 32, true, 49_475.0, 0.0), 49_475.0);
        assert_eq!(
            bounded_group_ms(&[100.0, 50.0], 1, false, 100.0, 13.0),
            163.0
        );
    }
}

//! Which metrics a group's table shows: the original profiler's headline
//! list (plus `execute_time_ms`, the older name of preflight execution that
//! prof's proof time uses), or what the user asks for.

/// The headline metrics, in display order.
pub const HEADLINE_METRICS: &[&str] = &[
    "total_proof_time_ms",
    "main_cells_used",
    "total_cells_used",
    "execute_e1_time_ms",
    "execute_e1_insn_mi/s",
    "execute_metered_time_ms",
    "execute_metered_insns",
    "execute_metered_insn_mi/s",
    "execute_preflight_insns",
    "execute_preflight_time_ms",
    "execute_preflight_insn_mi/s",
    "execute_time_ms",
    "trace_gen_time_ms",
    "generate_blob_total_time_ms",
    "memory_finalize_time_ms",
    "boundary_finalize_time_ms",
    "merkle_finalize_time_ms",
    "stark_prove_excluding_trace_time_ms",
    "prover.main_trace_commit_time_ms",
    "prover.rap_constraints_time_ms",
    "prover.openings_time_ms",
    "prover.rap_constraints.logup_gkr_time_ms",
    "prover.rap_constraints.round0_time_ms",
    "prover.rap_constraints.mle_rounds_time_ms",
    "prover.openings.stacked_reduction_time_ms",
    "prover.openings.stacked_reduction.round0_time_ms",
    "prover.openings.stacked_reduction.mle_rounds_time_ms",
    "prover.openings.whir_time_ms",
    "halo2_verifier_k",
    "halo2_wrapper_k",
];

/// The metrics a report shows per group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricSelection {
    Headline,
    /// `--metrics a,b,c`, in that order.
    Only(Vec<String>),
    /// `--all-metrics`, by name.
    All,
}

impl MetricSelection {
    /// The display position of `metric`, or `None` when it is not shown.
    pub fn position(&self, metric: &str) -> Option<usize> {
        match self {
            MetricSelection::Headline => HEADLINE_METRICS.iter().position(|m| *m == metric),
            MetricSelection::Only(list) => list.iter().position(|m| m == metric),
            MetricSelection::All => Some(0),
        }
    }
}

/// App groups show only the average of metered execution: it runs once.
pub fn avg_only(metric: &str, app_group: bool) -> bool {
    app_group && matches!(metric, "execute_metered_time_ms" | "execute_metered_insns")
}

/// A sum of rates means nothing.
pub fn hide_sum(metric: &str) -> bool {
    metric.ends_with("_insn_mi/s")
}

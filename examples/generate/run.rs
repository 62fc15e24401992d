//! One benchmark run of an OpenVM proof, walked in execution order: keygen,
//! the app segments, the leaf / internal / root aggregation proofs, then the
//! halo2 wrappers. Every entry goes to [`Out`], which keeps those of the
//! array being written.
//!
//! Everything random comes from per-group and per-unit streams of the seed;
//! the `head` variant only perturbs values through separate noise streams,
//! so base and head share their label sets.

use std::collections::HashSet;
use std::io::Write;

use crate::json::{FULL_PRECISION, Kind, Out, Value};
use crate::plan::Shape;
use crate::rng::Rng;
use crate::vocab::{AGG_AIRS, AGG_OPCODES, APP_AIRS, APP_OPCODES, Air, Pools, Rows};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    App,
    Leaf,
    Internal,
    Root,
    Other,
}

/// The labels and random streams shared by the entries of one segment, one
/// proof, or (with no `loc`) one group.
struct Scope<'s> {
    role: Role,
    group: &'s str,
    loc: Option<(&'static str, String)>,
    rng: Rng,
    noise: Rng,
    /// Real producers differ in label order and key order; so do scopes.
    loc_first: bool,
    metric_first: bool,
}

const GIB: f64 = (1u64 << 30) as f64;
const MODULES: [&str; 4] = [
    "tracegen",
    "prover.merkle_tree",
    "prover.rap_constraints",
    "prover.openings",
];

pub struct Walk<'a, W: Write> {
    out: &'a mut Out<W>,
    shape: &'a Shape,
    pools: &'a Pools,
    seed: u64,
    head: bool,
    clock_ms: f64,
}

impl<'a, W: Write> Walk<'a, W> {
    pub fn new(
        out: &'a mut Out<W>,
        shape: &'a Shape,
        pools: &'a Pools,
        seed: u64,
        head: bool,
    ) -> Self {
        let clock_ms = Rng::derive(seed, 0, 0).range(500.0, 5000.0).round();
        Walk {
            out,
            shape,
            pools,
            seed,
            head,
            clock_ms,
        }
    }

    pub fn run(&mut self) {
        let shape = self.shape;
        self.keygen();
        self.app();
        let groups = ["leaf", "internal.0", "internal.1"];
        for (tag, (group, &proofs)) in groups.iter().zip(&shape.proofs).enumerate() {
            let role = if tag == 0 { Role::Leaf } else { Role::Internal };
            // Properties come with a proving key; internal levels share one.
            if tag < 2 {
                self.air_properties(role, group, AGG_AIRS, 2 + tag as u64);
            }
            for idx in 0..proofs {
                if self.out.failed() {
                    return;
                }
                self.agg_proof(role, group, 2 + tag as u64, idx);
            }
        }
        self.air_properties(Role::Root, "root", AGG_AIRS, 5);
        self.agg_proof(Role::Root, "root", 5, 0);
        self.halo2();
    }

    fn scope<'s>(
        &self,
        role: Role,
        group: &'s str,
        tag: u64,
        loc: Option<(&'static str, usize)>,
    ) -> Scope<'s> {
        let index = loc.map_or(0, |(_, i)| i as u64 + 1);
        let mut rng = Rng::derive(self.seed, tag, index);
        Scope {
            role,
            group,
            loc: loc.map(|(key, i)| (key, i.to_string())),
            loc_first: rng.chance(0.25),
            metric_first: rng.chance(0.3),
            noise: Rng::derive(self.seed ^ 0x4845_4144, tag, index),
            rng,
        }
    }

    fn emit(&mut self, s: &Scope, extra: &[(&str, &str)], kind: Kind, metric: &str, value: Value) {
        let mut labels: Vec<(&str, &str)> = Vec::with_capacity(2 + extra.len());
        let group = ("group", s.group);
        match &s.loc {
            Some((key, loc)) if s.loc_first => labels.extend([(*key, loc.as_str()), group]),
            Some((key, loc)) => labels.extend([group, (*key, loc.as_str())]),
            None => labels.push(group),
        }
        labels.extend_from_slice(extra);
        self.out.entry(kind, &labels, metric, value, s.metric_first);
    }

    fn count(&mut self, s: &Scope, extra: &[(&str, &str)], metric: &str, n: u64) {
        self.emit(s, extra, Kind::Counter, metric, Value::Count(n));
    }

    /// Emits a gauge after the head variant's changes and returns its value.
    fn gauge(
        &mut self,
        s: &mut Scope,
        extra: &[(&str, &str)],
        metric: &str,
        x: f64,
        decimals: u8,
    ) -> f64 {
        let x = self.tweak(s, metric, x);
        self.emit(s, extra, Kind::Gauge, metric, Value::Real(x, decimals));
        x
    }

    /// The head run is "a later run": a faster app trace generation, a slower
    /// leaf prover, fewer cells, and ±1% noise on everything measured.
    fn tweak(&self, s: &mut Scope, metric: &str, x: f64) -> f64 {
        if !self.head {
            return x;
        }
        let leaf_prover =
            metric == "stark_prove_excluding_trace_time_ms" || metric.starts_with("prover.");
        let factor = match s.role {
            Role::App if metric == "trace_gen_time_ms" => 0.95,
            Role::Leaf if leaf_prover => 1.03,
            _ if metric.ends_with("cells_used") => 0.98,
            _ => 1.0,
        };
        x * factor * s.noise.range(0.99, 1.01)
    }

    fn keygen(&mut self) {
        let mut s = self.scope(Role::Other, "agg_keygen", 7, None);
        let keygen = s.rng.range(25_000.0, 60_000.0);
        self.gauge(&mut s, &[], "keygen_time_ms", keygen, 0);
        self.static_airs(&s, &AGG_AIRS[..6]);
        // Real runs record it for keygen too; consumers must leave it out.
        let total = keygen * s.rng.range(1.05, 1.2);
        self.gauge(&mut s, &[], "total_proof_time_ms", total, 0);
    }

    fn air_properties(&mut self, role: Role, group: &str, airs: &[Air], tag: u64) {
        let s = self.scope(role, group, tag, None);
        self.static_airs(&s, airs);
    }

    fn static_airs(&mut self, s: &Scope, airs: &[Air]) {
        for air in airs {
            let extra = [("air_name", air.name)];
            self.count(s, &extra, "quotient_deg", air.quotient_deg);
            self.count(s, &extra, "constraints", air.constraints);
            self.count(s, &extra, "interactions", air.interactions);
        }
    }

    fn app(&mut self) {
        let shape = self.shape;
        let mut s = self.scope(Role::App, &shape.app, 1, None);
        self.static_airs(&s, APP_AIRS);
        let mut insns = 0;
        for segment in 0..shape.segments {
            if self.out.failed() {
                return;
            }
            insns += self.app_segment(segment, segment + 1 == shape.segments);
        }
        let metered = insns as f64 / s.rng.range(150_000.0, 300_000.0);
        let metered = self.gauge(&mut s, &[], "execute_metered_time_ms", metered, 0);
        self.count(&s, &[], "execute_metered_insns", insns);
        let rate = insns as f64 / metered.max(1.0) / 1000.0;
        self.gauge(
            &mut s,
            &[],
            "execute_metered_insn_mi/s",
            rate,
            FULL_PRECISION,
        );
        // A metric the later (head) run no longer records.
        let commit = s.rng.range(5.0, 40.0);
        if !self.head {
            self.gauge(&mut s, &[], "commit_exe_time_ms", commit, 0);
        }
    }

    /// Returns the instructions the segment executed.
    fn app_segment(&mut self, segment: usize, last: bool) -> u64 {
        let shape = self.shape;
        let mut s = self.scope(Role::App, &shape.app, 1, Some(("segment", segment)));
        let fill = if last { s.rng.range(0.1, 1.0) } else { 1.0 };
        let insns = (4_000_000.0 * s.rng.range(0.85, 1.05) * fill) as u64;
        let exec = insns as f64 / s.rng.range(25_000.0, 45_000.0);
        let exec = self.gauge(&mut s, &[], "execute_preflight_time_ms", exec, 0);
        let rate = insns as f64 / exec.max(1.0) / 1000.0;
        self.gauge(
            &mut s,
            &[],
            "execute_preflight_insn_mi/s",
            rate,
            FULL_PRECISION,
        );
        self.count(&s, &[], "execute_preflight_insns", insns);
        // A metric only the later (head) run records.
        let finalize = s.rng.range(2.0, 12.0);
        if self.head {
            self.gauge(&mut s, &[], "memory_finalize_time_ms", finalize, 0);
        }
        self.proof_body(&mut s, APP_AIRS, insns, exec);
        let pools = self.pools;
        self.opcodes(&mut s, APP_OPCODES, &pools.app_spans, false, insns);
        insns
    }

    fn agg_proof(&mut self, role: Role, group: &str, tag: u64, idx: usize) {
        let mut s = self.scope(role, group, tag, Some(("idx", idx)));
        let scale = match role {
            Role::Leaf => 1.0,
            Role::Internal => 1.4,
            _ => 2.2,
        };
        let insns = (scale * s.rng.range(1_500_000.0, 2_500_000.0)) as u64;
        let exec = insns as f64 / s.rng.range(20_000.0, 35_000.0);
        let exec = self.gauge(&mut s, &[], "execute_preflight_time_ms", exec, 0);
        let blob = s.rng.range(5.0, 60.0);
        let mut blob = self.gauge(&mut s, &[], "generate_blob_time_ms", blob, 1);
        // Some proofs also time the blobs of their largest AIRs.
        if s.rng.chance(0.3) {
            let mut airs = Vec::new();
            let n = 1 + s.rng.below(3);
            s.rng.distinct(AGG_AIRS.len(), n, &mut airs);
            for i in airs {
                let air = AGG_AIRS[i].name;
                let x = s.rng.range(0.5, 8.0);
                blob += self.gauge(&mut s, &[("air_name", air)], "generate_blob_time_ms", x, 3);
            }
        }
        let proof = self.proof_body(&mut s, AGG_AIRS, insns, exec);
        if role == Role::Root {
            let overhead = s.rng.range(50.0, 300.0);
            self.gauge(
                &mut s,
                &[],
                "total_proof_time_ms",
                proof + blob + overhead,
                0,
            );
        }
        let pools = self.pools;
        self.opcodes(&mut s, AGG_OPCODES, &pools.agg_spans, true, insns);
    }

    /// Trace generation and proving of one segment or proof: timings, cells,
    /// the per-AIR table and GPU memory. Returns its proof time.
    fn proof_body(&mut self, s: &mut Scope, airs: &[Air], insns: u64, exec: f64) -> f64 {
        let mut table: Vec<(&Air, u64)> = Vec::with_capacity(airs.len());
        for air in airs {
            // Chips the program never touched have no trace, hence no entries.
            if air.always || s.rng.chance(self.shape.optional_airs) {
                table.push((air, rows(air, insns, &mut s.rng)));
            }
        }
        let main_cells: u64 = table.iter().map(|(a, r)| r * a.main_cols).sum();
        let total_cells: u64 = table
            .iter()
            .map(|(a, r)| r * (a.main_cols + a.perm_cols))
            .sum();
        for (metric, cells) in [
            ("main_cells_used", main_cells),
            ("total_cells_used", total_cells),
        ] {
            let cells = self.tweak(s, metric, cells as f64) as u64;
            self.count(s, &[], metric, cells);
        }
        let trace = total_cells as f64 / s.rng.range(400_000.0, 900_000.0);
        let trace = self.gauge(s, &[], "trace_gen_time_ms", trace, 2);
        let prove = total_cells as f64 / s.rng.range(120_000.0, 200_000.0);
        let prove = self.gauge(s, &[], "stark_prove_excluding_trace_time_ms", prove, 0);
        let shares = [
            s.rng.range(0.2, 0.3),
            s.rng.range(0.35, 0.5),
            s.rng.range(0.15, 0.25),
        ];
        let phase = [("phase", "prover")];
        let mut steps = [trace, 0.0, 0.0, 0.0];
        let names = [
            "prover.main_trace_commit_time_ms",
            "prover.rap_constraints_time_ms",
            "prover.openings_time_ms",
        ];
        for (i, (name, share)) in names.iter().zip(shares).enumerate() {
            steps[i + 1] = self.gauge(s, &phase, name, prove * share, 1);
        }
        for (air, rows) in &table {
            let extra = [("air_name", air.name)];
            self.count(s, &extra, "rows", *rows);
            self.count(s, &extra, "cells", rows * (air.main_cols + air.perm_cols));
            self.count(s, &extra, "main_cols", air.main_cols);
            self.count(s, &extra, "perm_cols", air.perm_cols);
            self.count(s, &extra, "prep_cols", air.prep_cols);
        }
        self.gpu_mem(s, exec, &steps);
        let proof = exec + trace + prove;
        self.clock_ms += proof + s.rng.range(5.0, 50.0);
        proof
    }

    /// Per-opcode `frequency` and `cells_used`, grouped by call stack.
    fn opcodes(
        &mut self,
        s: &mut Scope,
        ops: &[(&str, u64)],
        spans: &[String],
        dsl: bool,
        insns: u64,
    ) {
        let pools = self.pools;
        let n = s.rng.range(0.6, 1.4) * self.shape.spans_per_unit;
        let mut picked = Vec::new();
        // A metrics recorder aggregates counters by label set, so a proof
        // never repeats a (span, opcode) pair.
        let mut seen = HashSet::new();
        for _ in 0..s.rng.round_stochastic(n) {
            let span_index = s.rng.below(spans.len());
            let span = spans[span_index].as_str();
            let n_ops = 1 + s.rng.below(5);
            s.rng.distinct(ops.len(), n_ops, &mut picked);
            for &i in &picked {
                if !seen.insert((span_index, i)) {
                    continue;
                }
                let (opcode, width) = ops[i];
                let frequency = s.rng.log_range(1.0, insns as f64 / 20.0) as u64;
                let cells = self.tweak(s, "cells_used", (frequency * width) as f64) as u64;
                let mut extra = vec![("opcode", opcode)];
                if dsl {
                    extra.push(("dsl_ir", *s.rng.pick(&pools.dsl_ir)));
                }
                extra.push(("cycle_tracker_span", span));
                self.count(s, &extra, "frequency", frequency);
                self.count(s, &extra, "cells_used", cells);
            }
        }
    }

    /// GPU memory sampled at the end of each module; timestamps follow the
    /// run's clock, so they rise across the whole file.
    fn gpu_mem(&mut self, s: &mut Scope, exec: f64, steps: &[f64; 4]) {
        let reserved = s.rng.range(18.0, 30.0) * GIB;
        let mut t = self.clock_ms + exec;
        for (module, step) in MODULES.iter().zip(steps) {
            t += step.max(1.0);
            let peak = reserved * s.rng.range(0.5, 0.95);
            let current = peak * s.rng.range(0.3, 0.9);
            let extra = [("module", *module)];
            let stamp = Value::Real(t, 0);
            self.emit(s, &extra, Kind::Gauge, "gpu_mem.timestamp_ms", stamp);
            for (metric, bytes) in [
                ("gpu_mem.current_bytes", current),
                ("gpu_mem.local_peak_bytes", peak),
                ("gpu_mem.reserved_bytes", reserved),
            ] {
                self.gauge(s, &extra, metric, bytes, 0);
            }
        }
    }

    fn halo2(&mut self) {
        for (tag, group, k_metric, range) in [
            (8, "halo2_outer", "halo2_verifier_k", (120_000.0, 260_000.0)),
            (9, "halo2_wrapper", "halo2_wrapper_k", (25_000.0, 45_000.0)),
        ] {
            let mut s = self.scope(Role::Other, group, tag, None);
            let k = 21 + s.rng.below(4) as u64;
            self.count(&s, &[], k_metric, k);
            let time = s.rng.range(range.0, range.1);
            self.gauge(&mut s, &[], "total_proof_time_ms", time, 0);
        }
    }
}

fn rows(air: &Air, insns: u64, rng: &mut Rng) -> u64 {
    match air.rows {
        Rows::Fixed(log) => 1 << log,
        Rows::Share(share) => {
            let rows = (insns as f64 * share * rng.range(0.6, 1.6)).max(1.0);
            (rows as u64).next_power_of_two()
        }
    }
}

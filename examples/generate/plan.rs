//! Sizing: turns a target file size into the shape of a run.

use std::io;

use crate::json::{Counting, Layout, Out};
use crate::run::Walk;
use crate::vocab::Pools;

/// Target bytes per app segment: for 1 GiB, about 930 segments and 1,350
/// aggregation proofs, each segment or proof then carrying ~60 call stacks,
/// which makes about a million entries.
const BYTES_PER_SEGMENT: f64 = 1.15e6;

/// Keeps a few opcode entries in every file, however small the target.
const MIN_SPANS_PER_UNIT: f64 = 0.3;

/// How big a run is.
#[derive(Clone, Debug)]
pub struct Shape {
    pub app: String,
    pub segments: usize,
    /// Proofs of `leaf`, `internal.0` and `internal.1`.
    pub proofs: [usize; 3],
    /// Mean number of cycle-tracker spans, each with a few opcodes, per
    /// segment or proof: the knob that takes up the rest of the target size.
    pub spans_per_unit: f64,
    /// Chance that a chip outside the core set has a trace in a proof:
    /// bigger benchmarks exercise more of the VM, and small files stay small.
    pub optional_airs: f64,
}

impl Shape {
    /// A run with `segments` app segments: one leaf proof per segment and
    /// internal proofs of 3 children each (OpenVM's default tree), with at
    /// least 3 proofs per level so that even small files show several.
    pub fn new(app: &str, segments: usize) -> Shape {
        let leaf = segments;
        let internal0 = leaf.div_ceil(3).max(3);
        let internal1 = internal0.div_ceil(3).max(3);
        let units = segments + leaf + internal0 + internal1 + 1;
        Shape {
            app: app.to_string(),
            segments,
            proofs: [leaf, internal0, internal1],
            spans_per_unit: 0.0,
            optional_airs: (0.1 * ((units as f64).ln() - 2.0)).clamp(0.05, 0.6),
        }
    }

    /// Segments and proofs, the units that carry per-proof tables.
    pub fn units(&self) -> usize {
        self.segments + self.proofs.iter().sum::<usize>() + 1
    }
}

/// Chooses a shape whose file comes close to the target. The number of
/// segments follows the target directly; the spans per proof then fill the
/// rest. Size is close to linear in them, so measuring two candidate files
/// (formatted, not stored) and interpolating lands within a few percent;
/// small runs are noisier and get a few secant steps more.
pub fn plan(app: &str, seed: u64, target: u64, layout: Layout) -> (Shape, Pools) {
    let segments = ((target as f64 / BYTES_PER_SEGMENT).round() as usize).max(4);
    let mut shape = Shape::new(app, segments);
    let pools = Pools::new(seed, shape.units());
    let refinements = if shape.units() > 500 { 0 } else { 3 };
    let target = target as f64;
    let mut measure = |spans: f64| {
        shape.spans_per_unit = spans;
        let mut out = Out::new(
            Counting {
                inner: io::sink(),
                bytes: 0,
            },
            layout,
        );
        out.begin_array(None);
        Walk::new(&mut out, &shape, &pools, seed, false).run();
        out.end_array();
        (
            spans,
            out.finish().map_or(0.0, |counting| counting.bytes as f64),
        )
    };
    let (mut lo, mut hi) = (measure(0.0), measure(4.0));
    let mut spans = secant(lo, hi, target);
    for _ in 0..refinements {
        let next = measure(spans);
        if (next.1 - target).abs() < 0.01 * target || next.0 == hi.0 {
            break;
        }
        (lo, hi) = (hi, next);
        spans = secant(lo, hi, target);
    }
    shape.spans_per_unit = spans;
    (shape, pools)
}

/// Where the line through two (spans, bytes) points reaches `target`. A few
/// spans stay even when the rest already exceeds the target (tiny targets).
fn secant(lo: (f64, f64), hi: (f64, f64), target: f64) -> f64 {
    let slope = (hi.1 - lo.1) / (hi.0 - lo.0);
    if slope.is_nan() || slope <= 0.0 {
        return hi.0;
    }
    (hi.0 + (target - hi.1) / slope).max(MIN_SPANS_PER_UNIT)
}

//! A tiny seeded PRNG (splitmix64), written out here rather than taken from
//! a crate so that a seed produces the same file forever, whatever happens to
//! third-party generators' algorithms.

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// An independent stream for (`seed`, `stream`, `index`). Every group and
    /// every unit of work draws from its own stream, so changing how many
    /// draws one unit makes never shifts the values of another.
    pub fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        let mut rng = Rng(seed ^ 0x5851_f42d_4c95_7f2d);
        let a = rng.next_u64() ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut rng = Rng(a);
        let b = rng.next_u64() ^ index.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        Rng(b)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); n must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Log-uniform in [lo, hi): counts and sizes in real runs span decades.
    pub fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.unit()).exp()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Rounds `x` up or down at random so that the expectation is `x`: mean
    /// sizes then scale smoothly with the target instead of in steps.
    pub fn round_stochastic(&mut self, x: f64) -> usize {
        let floor = x.floor();
        floor as usize + usize::from(self.chance(x - floor))
    }

    /// `k` distinct indices below `n` (k ≤ n), in random order.
    pub fn distinct(&mut self, n: usize, k: usize, out: &mut Vec<usize>) {
        out.clear();
        while out.len() < k {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
}

//! Generated histories with known truth for change detection: steps of
//! 2–20 % at known runs in 1–5 % noise, a slow drift, a single outlier and a
//! change of noise without a change of level. Seeded, so every run of the
//! tests sees the same numbers (splitmix64 and Box–Muller, no crate).

/// A series and the runs where its level truly changes.
#[derive(Clone, Debug)]
pub struct History {
    pub label: String,
    pub values: Vec<f64>,
    /// Indices of the first run of each new level.
    pub steps: Vec<usize>,
}

/// splitmix64 for uniform draws, Box–Muller for normal ones: the seeded
/// generator every generated history in these tests uses.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5851_F42D_4C95_7F2D)
    }

    /// A generator whose state is `state` as given, not scrambled.
    pub fn from_state(state: u64) -> Self {
        Rng(state)
    }

    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n
    }

    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `levels[i]` with relative normal noise `noise[i]` at each run.
fn observe(rng: &mut Rng, levels: &[f64], noise: impl Fn(usize) -> f64) -> Vec<f64> {
    levels
        .iter()
        .enumerate()
        .map(|(i, level)| level * (1.0 + noise(i) * rng.normal()))
        .collect()
}

/// Step cases: every (step, noise) pair of 2–20 % steps in 1–5 % noise
/// where the step is at least twice the noise (smaller steps drown in
/// noise for any test over a 50-run window), up and down, two steps per
/// history at seeded runs 35–65 runs apart.
pub fn step_cases() -> Vec<History> {
    let mut out = Vec::new();
    let mut seed = 1;
    for step in [0.02_f64, 0.05, 0.10, 0.20] {
        for noise in [0.01, 0.02, 0.03, 0.04, 0.05] {
            if step < 2.0 * noise {
                continue;
            }
            for direction in [1.0, -1.0] {
                seed += 1;
                let mut rng = Rng::new(seed);
                let first = 40 + rng.below(25);
                let second = first + 35 + rng.below(30);
                let len = second + 40 + rng.below(25);
                let base = 1_000.0 * (1.0 + 9.0 * rng.unit());
                let levels: Vec<f64> = (0..len)
                    .map(|i| {
                        let shifts = (i >= first) as i32 + (i >= second) as i32;
                        base * (1.0 + direction * step).powi(shifts)
                    })
                    .collect();
                out.push(History {
                    label: format!(
                        "step {:+.0}% in {:.0}% noise",
                        direction * step * 100.0,
                        noise * 100.0
                    ),
                    values: observe(&mut rng, &levels, |_| noise),
                    steps: vec![first, second],
                });
            }
        }
    }
    out
}

/// A level creeping up 10 % over 200 runs in 1 % noise: no single step.
pub fn drift(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let levels: Vec<f64> = (0..200)
        .map(|i| 5_000.0 * (1.0 + 0.10 * i as f64 / 199.0))
        .collect();
    History {
        label: format!("drift +10% over 200 runs (seed {seed})"),
        values: observe(&mut rng, &levels, |_| 0.01),
        steps: Vec::new(),
    }
}

/// One run 30 % slower in 2 % noise.
pub fn outlier(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut values = observe(&mut rng, &[2_000.0; 150], |_| 0.02);
    values[60 + rng.below(30)] *= 1.3;
    History {
        label: format!("single outlier (seed {seed})"),
        values,
        steps: Vec::new(),
    }
}

/// Noise from 1 % to 5 % at run 80, the level unchanged.
pub fn noise_change(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let values = observe(
        &mut rng,
        &[3_000.0; 160],
        |i| if i < 80 { 0.01 } else { 0.05 },
    );
    History {
        label: format!("noise 1% → 5% (seed {seed})"),
        values,
        steps: Vec::new(),
    }
}

/// (matched detections, detections, matched truths, truths) with a
/// tolerance of ±`tolerance` runs; each truth matches at most one detection.
pub fn score(found: &[usize], truth: &[usize], tolerance: usize) -> (usize, usize, usize, usize) {
    let mut used = vec![false; found.len()];
    let mut matched_truths = 0;
    for &step in truth {
        let best = found
            .iter()
            .enumerate()
            .filter(|(i, f)| !used[*i] && f.abs_diff(step) <= tolerance)
            .min_by_key(|(_, f)| f.abs_diff(step));
        if let Some((i, _)) = best {
            used[i] = true;
            matched_truths += 1;
        }
    }
    let matched_found = used.iter().filter(|u| **u).count();
    (matched_found, found.len(), matched_truths, truth.len())
}

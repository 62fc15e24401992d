//! prof's statistics against a peer: scipy, run by `python3` on the same
//! numbers (`tests/stats_peer.py`), must agree to 1e-9 relative on every t,
//! degrees of freedom and p-value. The test fails, never skips, when Python
//! or scipy is missing: `.ci/run` installs scipy.

use prof::stats::{StudentT, benjamini_hochberg, prediction_test, welch_test};
use serde_json::{Value, json};

use crate::histories::Rng;
use crate::support::{Sandbox, run_python_peer};

const RELATIVE: f64 = 1e-9;

/// Deterministic normal draws from the tests' seeded generator, so the
/// cases are the same on every run.
struct Normal(Rng);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0.unit()
    }

    fn draw(&mut self, mean: f64, sd: f64) -> f64 {
        mean + sd * self.0.normal()
    }

    fn sample(&mut self, n: usize, mean: f64, sd: f64) -> Vec<f64> {
        (0..n).map(|_| self.draw(mean, sd)).collect()
    }
}

fn agree(what: &str, ours: f64, peer: &Value) {
    let peer = peer
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: scipy gave {peer}"));
    let scale = peer.abs().max(f64::MIN_POSITIVE);
    assert!(
        (ours - peer).abs() <= RELATIVE * scale,
        "{what}: prof {ours:e}, scipy {peer:e}, relative difference {:e}",
        (ours - peer).abs() / scale
    );
}

fn run_scipy(sandbox: &Sandbox, cases: &Value) -> Value {
    run_python_peer(sandbox, "stats_peer.py", cases, "scipy")
}

#[test]
fn t_tests_distribution_and_fdr_agree_with_scipy() {
    let sandbox = Sandbox::new();
    let mut normal = Normal(Rng::from_state(11));

    // Windows of every size a report meets, heads from inside the noise to
    // far in the tail (p down to about 1e-40), both directions.
    let mut prediction = Vec::new();
    for &n in &[2usize, 3, 5, 10, 30, 200] {
        for &shift in &[-40.0, -3.0, 0.3, 2.0, 6.0, 25.0] {
            let window = normal.sample(n, 1234.0, 12.0);
            prediction.push((window, 1234.0 + shift * 12.0));
        }
    }
    let mut welch = Vec::new();
    for &(n, heads) in &[
        (5usize, 2usize),
        (10, 3),
        (30, 2),
        (30, 5),
        (200, 4),
        (3, 3),
    ] {
        for &(shift, head_sd) in &[(0.5, 12.0), (-2.0, 30.0), (4.0, 3.0), (15.0, 12.0)] {
            welch.push((
                normal.sample(n, 80.0, 12.0 / 80.0),
                normal.sample(heads, 80.0 + shift * 0.15, head_sd / 80.0),
            ));
        }
    }
    let mut distribution = Vec::new();
    for &df in &[1.0, 1.5, 2.0, 3.7, 9.0, 29.0, 61.25, 1000.0] {
        for &(x, p) in &[
            (-7.5, 1e-6),
            (-0.4, 0.02),
            (0.01, 0.4),
            (1.7, 0.9),
            (12.0, 0.9995),
        ] {
            distribution.push((df, x, p));
        }
    }
    let p_values: Vec<f64> = (0..300).map(|i| normal.uniform().powi(1 + i % 7)).collect();

    let cases = json!({
        "prediction": prediction.iter().map(|(w, x)| json!({"window": w, "head": x})).collect::<Vec<_>>(),
        "welch": welch.iter().map(|(w, h)| json!({"window": w, "heads": h})).collect::<Vec<_>>(),
        "distribution": distribution.iter().map(|(df, x, p)| json!({"df": df, "x": x, "p": p})).collect::<Vec<_>>(),
        "bh": p_values,
    });
    let peer = run_scipy(&sandbox, &cases);

    let mut smallest_p = 1.0f64;
    for (i, (window, head)) in prediction.iter().enumerate() {
        let ours = prediction_test(window, *head).expect("windows have spread");
        let theirs = &peer["prediction"][i];
        let what = format!("prediction n={} head={head}", window.len());
        agree(&format!("{what} t"), ours.statistic, &theirs["statistic"]);
        agree(&format!("{what} df"), ours.df, &theirs["df"]);
        agree(&format!("{what} p>"), ours.p_greater, &theirs["p_greater"]);
        agree(&format!("{what} p<"), ours.p_less, &theirs["p_less"]);
        smallest_p = smallest_p.min(ours.p_greater).min(ours.p_less);
    }
    for (i, (window, heads)) in welch.iter().enumerate() {
        let ours = welch_test(window, heads).expect("samples have spread");
        let theirs = &peer["welch"][i];
        let what = format!("welch {}+{} case {i}", window.len(), heads.len());
        agree(&format!("{what} t"), ours.statistic, &theirs["statistic"]);
        agree(&format!("{what} df"), ours.df, &theirs["df"]);
        agree(&format!("{what} p>"), ours.p_greater, &theirs["p_greater"]);
        agree(&format!("{what} p<"), ours.p_less, &theirs["p_less"]);
    }
    for (i, &(df, x, p)) in distribution.iter().enumerate() {
        let t = StudentT::new(df).unwrap();
        let theirs = &peer["distribution"][i];
        agree(&format!("cdf({x}; {df})"), t.cdf(x), &theirs["cdf"]);
        agree(&format!("sf({x}; {df})"), t.sf(x), &theirs["sf"]);
        agree(
            &format!("quantile({p}; {df})"),
            t.quantile(p),
            &theirs["quantile"],
        );
    }
    for (i, q) in benjamini_hochberg(&p_values).iter().enumerate() {
        agree(&format!("BH q[{i}]"), *q, &peer["bh"][i]);
    }
    eprintln!(
        "scipy agrees to {RELATIVE:e} relative on {} prediction tests, {} Welch tests, \
         {} distribution points and {} BH q-values (smallest p {smallest_p:e})",
        prediction.len(),
        welch.len(),
        distribution.len(),
        p_values.len()
    );
}

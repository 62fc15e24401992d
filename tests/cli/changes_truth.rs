//! Change detection on generated histories with known truth, and side by
//! side with its peer, Apache Otava, run by `python3` on the same series
//! (`tests/changes_peer.py`). The peer test fails, never skips, when Otava
//! is missing: `.ci/run` installs it (`pip install apache-otava`).

use prof::stats::changepoint::{Options, change_points};
use serde_json::json;

use crate::histories::{self, History, score};
use crate::support::{Sandbox, run_python_peer};

const TOLERANCE: usize = 5;

fn prof_points(history: &History) -> Vec<usize> {
    change_points(&history.values, &Options::default())
        .iter()
        .map(|point| point.index)
        .collect()
}

/// Precision and recall over `cases` for detections `found[i]` of case i.
fn precision_recall(cases: &[History], found: &[Vec<usize>]) -> (f64, f64) {
    let (mut hit_found, mut all_found, mut hit_truth, mut all_truth) = (0, 0, 0, 0);
    for (history, points) in cases.iter().zip(found) {
        let (a, b, c, d) = score(points, &history.steps, TOLERANCE);
        hit_found += a;
        all_found += b;
        hit_truth += c;
        all_truth += d;
    }
    let precision = if all_found == 0 {
        1.0
    } else {
        hit_found as f64 / all_found as f64
    };
    (precision, hit_truth as f64 / all_truth as f64)
}

fn quiet_cases() -> Vec<History> {
    (1..=20)
        .flat_map(|seed| [histories::outlier(seed), histories::noise_change(seed)])
        .collect()
}

#[test]
fn known_steps_are_found_within_five_runs_and_outliers_and_noise_are_not() {
    let steps = histories::step_cases();
    let found: Vec<Vec<usize>> = steps.iter().map(prof_points).collect();
    for (history, points) in steps.iter().zip(&found) {
        println!(
            "{}: truth {:?}, prof {:?}",
            history.label, history.steps, points
        );
    }
    let (precision, recall) = precision_recall(&steps, &found);
    println!(
        "prof on {} step histories: precision {precision:.3}, recall {recall:.3} (±{TOLERANCE} runs)",
        steps.len()
    );
    assert!(precision >= 0.9, "precision {precision:.3} < 0.9");
    assert!(recall >= 0.9, "recall {recall:.3} < 0.9");

    for history in quiet_cases() {
        let points = prof_points(&history);
        assert!(
            points.is_empty(),
            "{}: reported shifts at {points:?}",
            history.label
        );
    }
    for seed in 1..=5 {
        let drift = histories::drift(seed);
        let points = change_points(&drift.values, &Options::default());
        println!(
            "{}: {:?}",
            drift.label,
            points
                .iter()
                .map(|p| format!("{} ({:+.1}%)", p.index, 100.0 * p.shift.relative_change()))
                .collect::<Vec<_>>()
        );
        assert!(
            points.iter().all(|p| p.shift.relative_change() > 0.0),
            "a drift upwards is never cut into a step down"
        );
    }
}

fn run_otava(sandbox: &Sandbox, series: &[&History]) -> (String, Vec<Vec<usize>>) {
    let options = Options::default();
    let cases = json!({
        "window": options.window,
        "alpha": options.alpha,
        "min_change": options.min_change,
        "series": series.iter().map(|h| &h.values).collect::<Vec<_>>(),
    });
    let answer = run_python_peer(sandbox, "changes_peer.py", &cases, "apache-otava");
    let version = answer["otava_version"].as_str().unwrap_or("?").to_string();
    let points = answer["change_points"]
        .as_array()
        .expect("one list per series")
        .iter()
        .map(|list| {
            list.as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_u64().unwrap() as usize)
                .collect()
        })
        .collect();
    (version, points)
}

#[test]
fn prof_and_otava_agree_on_steps_and_differ_on_outliers_as_documented() {
    let sandbox = Sandbox::new();
    let steps = histories::step_cases();
    let quiet = quiet_cases();
    let drifts: Vec<History> = (1..=5).map(histories::drift).collect();
    let all: Vec<&History> = steps.iter().chain(&quiet).chain(&drifts).collect();
    let (version, otava) = run_otava(&sandbox, &all);
    let ours: Vec<Vec<usize>> = all.iter().map(|h| prof_points(h)).collect();

    let (otava_precision, otava_recall) = precision_recall(&steps, &otava[..steps.len()]);
    let (precision, recall) = precision_recall(&steps, &ours[..steps.len()]);
    println!("Otava {version}: precision {otava_precision:.3}, recall {otava_recall:.3}");
    println!("prof: precision {precision:.3}, recall {recall:.3}");
    // Agreement: change points one reports that the other reports within
    // ±5 runs, over every history.
    let (mut shared, mut ours_total, mut theirs_total) = (0, 0, 0);
    for (i, history) in all.iter().enumerate() {
        let (matched, _, _, _) = score(&ours[i], &otava[i], TOLERANCE);
        shared += matched;
        ours_total += ours[i].len();
        theirs_total += otava[i].len();
        if ours[i] != otava[i] {
            println!(
                "differ: {}: prof {:?}, Otava {:?}",
                history.label, ours[i], otava[i]
            );
        }
    }
    println!(
        "change points: prof {ours_total}, Otava {theirs_total}, shared (±{TOLERANCE}) {shared}"
    );
    assert!(
        otava_recall >= 0.9,
        "the peer finds the steps too (recall {otava_recall:.3}); if not, it is not running as intended"
    );
    let step_shared: usize = (0..steps.len())
        .map(|i| score(&ours[i], &otava[i], TOLERANCE).0)
        .sum();
    let step_ours: usize = ours[..steps.len()].iter().map(Vec::len).sum();
    assert!(
        step_shared as f64 >= 0.9 * step_ours as f64,
        "on the step histories, Otava confirms {step_shared} of prof's {step_ours} change points"
    );
}

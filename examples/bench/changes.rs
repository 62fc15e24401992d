//! The harness rows of `prof changes`: a history of 10 benchmarks × 1,000
//! runs on main (three groups each, every headline series and the run
//! totals), and one benchmark with a series of 10,000 runs. The files are
//! small generated metrics files with steps at known runs, so the history
//! builds in seconds; `prof changes` then reads it as it would any other.

use std::fs;
use std::path::{Path, PathBuf};

use crate::measure::{Spread, measure, prof_cmd, remove_db, repeat_command, row};

/// Deterministic noise (splitmix64), so every harness run stores the same.
struct Noise(u64);

impl Noise {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A value near `level`, ±2 %.
    fn around(&mut self, level: f64) -> f64 {
        level * (1.0 + 0.04 * (self.unit() - 0.5))
    }
}

/// One run's metrics file: app group `app`, `leaf` and `internal.0`, each
/// with proving-time gauges and cell and cycle counters; times step up 5 %
/// at every 300th run, cycles by one at every 400th.
fn metrics_file(app: &str, run: usize, noise: &mut Noise) -> String {
    let level = 1.05_f64.powi((run / 300) as i32);
    let cycles = 1_000_000 + run / 400;
    let mut entries = Vec::new();
    let mut counters = Vec::new();
    for (group, scale) in [(app, 1.0), ("leaf", 3.0), ("internal.0", 2.0)] {
        let labels = format!(r#"[["group", "{group}"], ["idx", "0"], ["segment", "0"]]"#);
        for (metric, base) in [
            ("stark_prove_excluding_trace_time_ms", 2_000.0),
            ("trace_gen_time_ms", 300.0),
            ("execute_time_ms", 100.0),
            ("prover.main_trace_commit_time_ms", 400.0),
            ("prover.openings_time_ms", 250.0),
        ] {
            entries.push(format!(
                r#"{{"labels": {labels}, "metric": "{metric}", "value": "{}"}}"#,
                noise.around(base * scale * level)
            ));
        }
        for (metric, value) in [
            ("main_cells_used", cycles * 7),
            ("execute_preflight_insns", cycles),
        ] {
            counters.push(format!(
                r#"{{"labels": {labels}, "metric": "{metric}", "value": "{value}"}}"#
            ));
        }
    }
    format!(
        "{{\"gauge\": [{}], \"counter\": [{}]}}",
        entries.join(", "),
        counters.join(", ")
    )
}

/// Writes `count` runs' files for `app` starting at run `first`.
fn write_runs(
    dir: &Path,
    app: &str,
    first: usize,
    count: usize,
    noise: &mut Noise,
) -> Vec<PathBuf> {
    (first..first + count)
        .map(|run| {
            let path = dir.join(format!("{app}-{run}.json"));
            fs::write(&path, metrics_file(app, run, noise)).expect("write a history file");
            path
        })
        .collect()
}

/// Both histories and their `prof changes` rows, each measured `runs` times.
pub fn rows(prof: &Path, dir: &Path, runs: usize) -> Result<(), String> {
    let work = dir.join("changes");
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut noise = Noise(12);

    // 10 benchmarks × 1,000 runs on main: one CI run per commit stores the
    // ten benchmarks' files in one call.
    let db = dir.join("changes.db");
    remove_db(&db);
    let apps: Vec<String> = (0..10).map(|b| format!("bench{b}")).collect();
    for run in 0..1000 {
        let files: Vec<PathBuf> = apps
            .iter()
            .flat_map(|app| write_runs(&work, app, run, 1, &mut noise))
            .collect();
        measure(
            prof_cmd(prof, &db)
                .args([
                    "ingest",
                    "--branch",
                    "main",
                    "--commit",
                    &format!("{run:040x}"),
                ])
                .args([
                    "--time",
                    &format!(
                        "2026-01-{:02}T{:02}:{:02}:00Z",
                        1 + run / 1440,
                        run / 60 % 24,
                        run % 60
                    ),
                ])
                .args(&files),
        )?;
        for file in files {
            let _ = fs::remove_file(file);
        }
    }
    let all = spread(prof, &db, &["changes", "--format", "json"], runs)?;
    row(
        "`prof changes` over 10 benchmarks × 1,000 runs on main, every headline series (200)",
        &all,
        "target < 2 s",
    );

    // One series of 10,000 runs: 100 calls of 100 files.
    let long = dir.join("changes-long.db");
    remove_db(&long);
    for call in 0..100 {
        let files = write_runs(&work, "long", call * 100, 100, &mut noise);
        measure(
            prof_cmd(prof, &long)
                .args([
                    "ingest",
                    "--branch",
                    "main",
                    "--commit",
                    &format!("{call:040x}"),
                ])
                .args([
                    "--time",
                    &format!("2026-02-01T{:02}:{:02}:00Z", call / 60, call % 60),
                ])
                .args(&files),
        )?;
        for file in files {
            let _ = fs::remove_file(file);
        }
    }
    let one = spread(
        prof,
        &long,
        &[
            "changes",
            "--format",
            "json",
            "--group",
            "long",
            "--metric",
            "stark_prove_excluding_trace_time_ms",
        ],
        runs,
    )?;
    row(
        "`prof changes` of one series of 10,000 runs",
        &one,
        "target < 1 s",
    );
    let _ = fs::remove_dir(&work);
    Ok(())
}

/// `prof ARGS` on `db`, measured `runs` times.
fn spread(prof: &Path, db: &Path, args: &[&str], runs: usize) -> Result<Spread, String> {
    repeat_command(runs, || {
        let mut command = prof_cmd(prof, db);
        command.args(args);
        command
    })
}

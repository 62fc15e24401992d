//! The verdicts rows of the benchmark harness: a history of 10 benchmarks ×
//! N runs on main (default 1,000 each), then `prof report` of a head commit
//! with its 30-run windows, against the same report whose base branch holds
//! one run (so its windows are a single run: the report without the cost of
//! reading history).
//!
//! Ingesting 10,000 files would take the harness an hour, so each
//! benchmark's reth run is ingested once and its stored aggregates
//! (`group_stats_store`, `group_proof_time_store`, `run_proofs_store`) are copied in SQL for the other
//! runs, each value moved by a deterministic ±1 %: the rows a real ingest
//! would store, which is all a verdict reads.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::measure::{db_bytes, measure, mib, ms, prof_cmd, remove_db, repeat_command, row};

/// The verdicts rows over `history` runs per benchmark, each measured
/// `runs` times.
pub fn rows(
    prof: &Path,
    dir: &Path,
    copies: &[PathBuf],
    history: usize,
    runs: usize,
) -> Result<(), String> {
    let db = dir.join("verdicts.db");
    remove_db(&db);
    let start = Instant::now();
    let mut seeds = Vec::new();
    for (benchmark, copy) in copies.iter().enumerate() {
        let name = format!("reth-{benchmark}");
        for (commit, branch, time) in [
            ("00000000", "main", "2026-01-01T00:00:00Z"),
            ("50105010", "solo", "2026-01-01T00:00:00Z"),
        ] {
            measure(
                prof_cmd(prof, &db)
                    .args(["ingest", "--name", &name, "--commit", commit])
                    .args(["--branch", branch, "--time", time, "--force"])
                    .arg(copy),
            )?;
        }
        seeds.push(benchmark as i64 * 2 + 1);
    }
    copy_history(&db, &seeds, history).map_err(|e| e.to_string())?;
    for (benchmark, copy) in copies.iter().enumerate() {
        measure(
            prof_cmd(prof, &db)
                .args(["ingest", "--name", &format!("reth-{benchmark}")])
                .args(["--commit", "feedface", "--branch", "pr"])
                // After the copied history (a minute a run), and in the
                // past: ingest refuses times ahead of now.
                .args(["--time", "2026-03-01T00:00:00Z", "--force"])
                .arg(copy),
        )?;
    }
    println!(
        "| verdict history of {} × {history} runs built | {} | | {} database |",
        copies.len(),
        ms(start.elapsed()),
        mib(db_bytes(&db))
    );
    let report = |base_branch: &'static str| {
        repeat_command(runs, || {
            let mut command = prof_cmd(prof, &db);
            command.args([
                "report",
                "--commit",
                "feedface",
                "--base-branch",
                base_branch,
            ]);
            command
        })
    };
    let without = report("solo")?;
    row(
        "`prof report` of 10 benchmarks whose base branch has one run (no history to read)",
        &without,
        "",
    );
    let with = report("main")?;
    row(
        &format!(
            "`prof report` of 10 benchmarks with verdicts from {history}-run histories (30-run windows)"
        ),
        &with,
        &format!(
            "verdicts add {} (medians)",
            ms(with.median().wall.saturating_sub(without.median().wall))
        ),
    );
    Ok(())
}

/// `runs - 1` more main runs of each seed run, a minute apart, with their
/// aggregates copied and moved by a deterministic ±1 %.
fn copy_history(db: &Path, seeds: &[i64], runs: usize) -> rusqlite::Result<()> {
    let mut conn = rusqlite::Connection::open(db)?;
    let tx = conn.transaction()?;
    for &seed in seeds {
        for k in 1..runs as i64 {
            tx.execute(
                "INSERT INTO runs (name, commit_sha, branch, created_at, source_path,
                                   content_sha256, entries, zero_counters, nonfinite)
                 SELECT name, printf('%08x', ?2), 'main',
                        strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', printf('+%d minutes', ?2)),
                        source_path, content_sha256 || ?2, entries, zero_counters, nonfinite
                 FROM runs WHERE id = ?1",
                [seed, k],
            )?;
            let id = tx.last_insert_rowid();
            // ±1 % from a hash of (run, metric): deterministic, no RNG.
            let noise = "(1 + ((abs(?2 * 2654435761 + length(metric) * 40503 + unicode(metric) * 97) % 2001) - 1000) / 100000.0)";
            tx.execute(
                &format!(
                    "INSERT INTO group_stats_store (run_id, group_name, weight, metric, count, sum, min, max, phase)
                     SELECT ?3, group_name, weight, metric, count, sum * {noise}, min * {noise}, max * {noise}, phase
                     FROM group_stats_store WHERE run_id = ?1"
                ),
                [seed, k, id],
            )?;
            let noise = noise.replace("metric", "group_name");
            tx.execute(
                &format!(
                    "INSERT INTO group_proof_time_store (run_id, group_name, weight, serial_ms, parallel_ms,
                                                         estimated, app_serial_ms)
                     SELECT ?3, group_name, weight, serial_ms * {noise}, parallel_ms * {noise},
                            estimated, app_serial_ms * {noise}
                     FROM group_proof_time_store WHERE run_id = ?1"
                ),
                [seed, k, id],
            )?;
            tx.execute(
                "INSERT INTO run_proofs_store (run_id, group_name, position, proof_ms)
                 SELECT ?2, group_name, position, proof_ms FROM run_proofs_store WHERE run_id = ?1",
                [seed, id],
            )?;
        }
    }
    tx.commit()
}

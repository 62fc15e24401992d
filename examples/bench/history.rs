//! The history rows: ten copies of the real reth run ingested as a team's
//! CI would store them, then `trend`, `report` and start-up over that
//! history; and the history-size rows, the same `compare` and
//! `report --out-dir` in a history of 2 runs and of thousands.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::measure::{
    db_bytes, measure, mib, ms, prof_cmd, remove_db, repeat, repeat_command, row,
};

/// Ten copies of the ~2 MB reth example with different bytes, so no ingest
/// is a duplicate.
pub fn reth_copies(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/openvm-reth-benchmark_01932bb_reth-example-segment.json");
    if !source.is_file() {
        return Err(format!(
            "{} is missing: the history rows use it",
            source.display()
        ));
    }
    let text = fs::read_to_string(&source).map_err(|e| e.to_string())?;
    let copies: Vec<PathBuf> = (0..10)
        .map(|i| {
            let path = dir.join(format!("reth-{i}.json"));
            let varied = text.replacen(
                "\"counter\"",
                &format!("\"bench_copy\": {i}, \"counter\""),
                1,
            );
            fs::write(&path, varied).map(|()| path)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    Ok(copies)
}

/// A history of `history` runs of the ~2 MB reth example, one file per
/// ingest, ten benchmarks per commit; each row measured `runs` times.
pub fn rows(prof: &Path, dir: &Path, history: usize, runs: usize) -> Result<(), String> {
    let db = dir.join("history.db");
    remove_db(&db);
    let copies = reth_copies(dir)?;
    // Ten files in one call, into a scratch database: both cores at work.
    let scratch = dir.join("ten.db");
    let ten_files = repeat(runs, |_| {
        remove_db(&scratch);
        measure(
            prof_cmd(prof, &scratch)
                .args(["ingest", "--commit", "c0"])
                .args(&copies),
        )
    })?;
    remove_db(&scratch);
    row(
        "`prof ingest` of 10 files (2.5 MB each) in one call",
        &ten_files,
        &format!(
            "cpu {:.2} s = {:.2}× wall",
            ten_files.median().cpu.as_secs_f64(),
            ten_files.median().cpu.as_secs_f64() / ten_files.median().wall.as_secs_f64()
        ),
    );
    // The history: ten benchmarks per CI run, as a team's CI produces it.
    // Building it is measured once, as every one of its ingests.
    let start = Instant::now();
    let ingests = repeat(history, |run| {
        let (commit, benchmark) = (run / 10, run % 10);
        let branch = if commit % 3 == 0 { "main" } else { "pr" };
        measure(
            prof_cmd(prof, &db)
                .args(["ingest", "--name", &format!("reth-{benchmark}")])
                .args(["--commit", &format!("{commit:08x}")])
                .args(["--branch", branch])
                .arg(&copies[benchmark]),
        )
    })?;
    let built = start.elapsed();
    println!(
        "| history of {history} runs built | {} | | {} database |",
        ms(built),
        mib(db_bytes(&db))
    );
    row(
        &format!("`prof ingest` of one reth file into the growing history, each of {history}"),
        &ingests,
        "spread over the history's ingests",
    );
    let prof_on = |args: &'static [&'static str]| {
        let db = db.clone();
        move || {
            let mut command = prof_cmd(prof, &db);
            command.args(args);
            command
        }
    };
    let trend = repeat_command(
        runs,
        prof_on(&[
            "trend",
            "stark_prove_excluding_trace_time_ms",
            "--name",
            "reth-0",
            "--group",
            "leaf",
            "--branch",
            "main",
            "--last",
            "30",
        ]),
    )?;
    row(
        &format!("`prof trend` of one metric over {history} runs"),
        &trend,
        "",
    );
    let last_commit = format!("{:08x}", history.saturating_sub(1) / 10);
    let report = repeat_command(runs, || {
        let mut command = prof_cmd(prof, &db);
        command.args(["report", "--commit", &last_commit, "--base-branch", "main"]);
        command
    })?;
    row(
        "`prof report` of a commit (10 benchmarks against their baselines)",
        &report,
        "",
    );
    let startup = repeat_command(runs, prof_on(&["runs", "--limit", "1"]))?;
    row(
        "start-up: `prof runs --limit 1` (open, migration check, one row)",
        &startup,
        "",
    );
    Ok(())
}

/// `compare` and `report --out-dir` of the same two reth runs, stored last
/// in a history of 2 runs and in one of `long` runs: what a command costs
/// must not grow with the history.
pub fn scale_rows(prof: &Path, dir: &Path, long: usize, runs: usize) -> Result<(), String> {
    let copies = reth_copies(dir)?;
    let mut results = Vec::new();
    for history in [2, long.max(2)] {
        let db = dir.join(format!("scale-{history}.db"));
        remove_db(&db);
        // Other benchmarks' runs first, ten files per ingest call.
        let fillers = history - 2;
        for call in 0..fillers.div_ceil(10) {
            let files = &copies[..(fillers - call * 10).min(10)];
            measure(
                prof_cmd(prof, &db)
                    .args(["ingest", "--name", "filler", "--branch", "main"])
                    .args(["--commit", &format!("{call:08x}")])
                    .args(files),
            )?;
        }
        for (commit, file) in [("baaaaaa1", &copies[0]), ("baaaaaa2", &copies[1])] {
            measure(
                prof_cmd(prof, &db)
                    .args(["ingest", "--name", "reth", "--branch", "main"])
                    .args(["--commit", commit])
                    .arg(file),
            )?;
        }
        let out = dir.join(format!("scale-out-{history}"));
        let in_fresh_out = |args: &[&str]| {
            repeat(runs, |_| {
                let _ = fs::remove_dir_all(&out);
                fs::create_dir_all(&out).map_err(|e| e.to_string())?;
                measure(prof_cmd(prof, &db).args(args).current_dir(&out))
            })
        };
        let compare =
            in_fresh_out(&["compare", "reth@baaaaaa1", "reth@baaaaaa2", "-o", "reth.md"])?;
        let report = in_fresh_out(&[
            "report",
            "--commit",
            "baaaaaa2",
            "--baseline-commit",
            "baaaaaa1",
            "--out-dir",
            "report",
        ])?;
        results.push((history, compare, report, db_bytes(&db)));
    }
    let (short, long) = (&results[0], &results[1]);
    for (what, a, b) in [
        (
            "`prof compare` of two reth runs, to a file",
            &short.1,
            &long.1,
        ),
        (
            "`prof report --out-dir` of two reth runs",
            &short.2,
            &long.2,
        ),
    ] {
        for (history, spread, size) in [(short.0, a, short.3), (long.0, b, long.3)] {
            row(
                &format!("{what}, history of {history} runs"),
                spread,
                &format!("{} database", mib(size)),
            );
        }
        let (a, b) = (a.median(), b.median());
        println!(
            "| {what}: {} runs against 2 (medians) | {:.2}× | {:.2}× | must stay under 1.2× |",
            long.0,
            b.wall.as_secs_f64() / a.wall.as_secs_f64(),
            b.peak_rss_bytes as f64 / a.peak_rss_bytes as f64
        );
    }
    Ok(())
}

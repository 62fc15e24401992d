//! The rows of one big generated run: a plain `serde_json` parse of the
//! file as the reference, `prof ingest` of the base and head runs, the
//! database's growth, `compare` of the two, the stored aggregates against
//! the views, and flamegraphs alone and inside `report --out-dir`.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::measure::{
    Measured, Spread, db_bytes, measure, mib, ms, prof_cmd, ratio, remove_db, repeat,
    repeat_command, row,
};

/// Every row of the big run, `runs` times each; `db` ends up holding the
/// base run (id 1) and the head run (id 2).
pub fn rows(
    prof: &Path,
    base: &Path,
    head: &Path,
    db: &Path,
    dir: &Path,
    runs: usize,
) -> Result<(), String> {
    let input_bytes = fs::metadata(base).map_err(|e| e.to_string())?.len();
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let parse = repeat_command(runs, || {
        let mut command = Command::new(&me);
        command.arg("plain-parse").arg(base);
        command
    })?;
    row(
        "plain serde_json parse into borrowed structs (reference)",
        &parse,
        &format!("{} input", mib(input_bytes)),
    );

    // Each run starts from an empty database: base, then head over it.
    let mut heads = Vec::new();
    let mut after_one = 0;
    let ingest = repeat(runs, |_| {
        remove_db(db);
        let first = measure(
            prof_cmd(prof, db)
                .args(["ingest", "--commit", "base", "--branch", "main"])
                .arg(base),
        )?;
        after_one = db_bytes(db);
        heads.push(measure(
            prof_cmd(prof, db)
                .args(["ingest", "--commit", "head", "--branch", "pr"])
                .arg(head),
        )?);
        Ok(first)
    })?;
    let second = repeat(heads.len(), |i| Ok(heads[i].clone()))?;
    row(
        "`prof ingest` of the file",
        &ingest,
        &format!(
            "{:.1}× plain parse; cpu {:.2} s",
            ratio(&ingest, &parse),
            ingest.median().cpu.as_secs_f64()
        ),
    );
    row(
        "`prof ingest` of the head run (label sets already stored)",
        &second,
        &format!("{:.1}× plain parse", ratio(&second, &parse)),
    );
    println!(
        "| database growth | | | {} after one run: {:.3} bytes per input byte; {} after two |",
        mib(after_one),
        after_one as f64 / input_bytes as f64,
        mib(db_bytes(db))
    );

    let out = dir.join("report");
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let compare = repeat_command(runs, || {
        let mut command = prof_cmd(prof, db);
        command
            .args(["compare", "1", "2", "-o"])
            .arg(out.join("big.md"));
        command
    })?;
    let detailed = fs::metadata(out.join("big.detailed.md"))
        .map(|m| m.len())
        .unwrap_or(0);
    row(
        "`prof compare` of the two runs, Markdown with detailed tables, to a file",
        &compare,
        &format!(
            "{:.1}× plain parse; {} of detailed tables",
            ratio(&compare, &parse),
            mib(detailed)
        ),
    );
    materialised_vs_view(db, runs)?;
    flamegraph_rows(prof, db, dir, runs)
}

/// The stored aggregates against computing the same view from the samples.
fn materialised_vs_view(db: &Path, runs: usize) -> Result<(), String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let time = |sql: &str| -> Result<(Duration, i64), String> {
        let start = Instant::now();
        let n: i64 = conn
            .query_row(sql, [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        Ok((start.elapsed(), n))
    };
    let in_process = |wall: Duration| Measured {
        wall,
        cpu: wall,
        peak_rss_bytes: 0,
    };
    let mut rows = 0;
    let stored = repeat(runs, |_| {
        let (wall, n) = time("SELECT COUNT(*) FROM group_stats WHERE run_id = 1")?;
        rows = n;
        Ok(in_process(wall))
    })?;
    // Recomputing run 1 from its samples is what its ingest did: the
    // trigger refills every stored aggregate; the transaction is rolled back.
    let computed = repeat(runs, |_| {
        conn.execute_batch("BEGIN").map_err(|e| e.to_string())?;
        let (wall, _) = time("INSERT INTO aggregate_scope (run_id) VALUES (1) RETURNING run_id")?;
        conn.execute_batch("ROLLBACK").map_err(|e| e.to_string())?;
        Ok(in_process(wall))
    })?;
    let wall = |spread: &Spread| ms(spread.median().wall);
    println!(
        "| `group_stats` of one run: stored rows vs recomputing them from the views (medians) | {} vs {} | | {rows} rows; materialised at ingest |",
        wall(&stored),
        wall(&computed)
    );
    Ok(())
}

/// Flamegraphs of the big run, alone and as part of `report --out-dir`.
fn flamegraph_rows(prof: &Path, db: &Path, dir: &Path, runs: usize) -> Result<(), String> {
    let out = dir.join("flamegraphs");
    let flame = repeat(runs, |_| {
        let _ = fs::remove_dir_all(&out);
        measure(
            prof_cmd(prof, db)
                .args(["flamegraph", "2", "--reverse", "-o"])
                .arg(&out),
        )
    })?;
    let files = fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    row(
        "`prof flamegraph` of the head run, reversed too",
        &flame,
        &format!("{files} files"),
    );
    for (what, extra) in [
        (
            "`prof report --out-dir` of the head run, with flamegraphs",
            None,
        ),
        (
            "`prof report --out-dir --no-flamegraphs`",
            Some("--no-flamegraphs"),
        ),
    ] {
        let out = dir.join("report-out");
        let report = repeat(runs, |_| {
            let _ = fs::remove_dir_all(&out);
            measure(
                prof_cmd(prof, db)
                    .args(["report", "--commit", "head", "--base-branch", "main"])
                    .arg("--out-dir")
                    .arg(&out)
                    .args(extra),
            )
        })?;
        row(what, &report, "");
    }
    Ok(())
}

/// The reference: the whole file into borrowed structs, as a plain reader
/// would, with nothing else.
pub fn plain_parse(path: &Path) -> ExitCode {
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Entry<'a> {
        #[serde(borrow)]
        labels: Vec<[&'a str; 2]>,
        metric: &'a str,
        value: &'a str,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct File<'a> {
        #[serde(borrow, default)]
        counter: Vec<Entry<'a>>,
        #[serde(borrow, default)]
        gauge: Vec<Entry<'a>>,
    }
    // Memory-mapped, as the original profiler read its files.
    let Some(map) = map_input(path) else {
        return ExitCode::FAILURE;
    };
    let bytes: &[u8] = &map;
    match serde_json::from_slice::<File<'_>>(bytes) {
        Ok(file) => {
            eprintln!("{} entries", file.counter.len() + file.gauge.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

/// `path` memory-mapped, or `None` after saying why.
pub fn map_input(path: &Path) -> Option<memmap2::Mmap> {
    // SAFETY: read-only mapping of a file the harness wrote and no one
    // changes while it is read.
    match fs::File::open(path).and_then(|file| unsafe { memmap2::Mmap::map(&file) }) {
        Ok(map) => Some(map),
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            None
        }
    }
}

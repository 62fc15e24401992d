//! `bench`: the performance harness. It generates the workload with the
//! `generate` example, runs each row of the README's performance table
//! against the release `prof` binary, and prints wall time, peak RSS and
//! sizes, with each ingest and compare also as a ratio to a plain
//! `serde_json` parse of the same file measured in the same run.
//!
//! ```text
//! cargo build --release --bin prof --examples && target/release/examples/bench [--size 1G] [--history 1000] [--site-runs 1000] [--dir /tmp/prof-bench]
//! ```
//!
//! Every command runs as a child process, so peak RSS is the child's own
//! (from `wait4`). `--size 100M --history 50` makes a quick smoke run.
//! `--only site` runs just the site rows, and `--prof PATH` times another
//! build of prof (the same rows before and after a change).
//! `--only verdicts` runs only the verdicts rows (`--verdict-runs N` runs of
//! history per benchmark, default 1,000); `--only changes` only the
//! `prof changes` rows.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

#[path = "support/bench_verdicts.rs"]
mod bench_verdicts;
#[path = "bench_rows/changes.rs"]
mod changes_rows;

/// What one child process cost.
struct Measured {
    wall: Duration,
    cpu: Duration,
    peak_rss_bytes: u64,
}

struct Options {
    size: String,
    history: usize,
    site_runs: usize,
    dir: PathBuf,
    /// `--only changes`: just the `prof changes` rows.
    only_changes: bool,
    verdict_runs: usize,
    only_verdicts: bool,
    /// The long history of the history-size rows (0 skips them).
    scale: usize,
    /// Only the history-size rows.
    only_scale: bool,
    /// `--only site`: just the `prof site` rows.
    only_site: bool,
    /// `--prof PATH`: time this `prof` binary instead of the sibling one
    /// (another build of prof, to compare before and after a change).
    prof: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("plain-parse") {
        return plain_parse(Path::new(&args[2]));
    }
    let options = match parse_args(&args[1..]) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench: {message}");
            eprintln!(
                "usage: bench [--size 1G] [--history 1000] [--scale 5000] [--only-scale] [--only verdicts|changes|site] [--site-runs 1000] [--prof PATH] [--dir /tmp/prof-bench]"
            );
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        size: "1G".into(),
        history: 1000,
        verdict_runs: 1000,
        only_verdicts: false,
        site_runs: 1000,
        dir: std::env::temp_dir().join("prof-bench"),
        only_changes: false,
        scale: 5000,
        only_scale: false,
        only_site: false,
        prof: None,
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--size" => options.size = value()?,
            "--verdict-runs" => {
                options.verdict_runs = value()?
                    .parse()
                    .map_err(|_| "--verdict-runs takes a number")?
            }
            "--only" => match value()?.as_str() {
                "verdicts" => options.only_verdicts = true,
                "changes" => options.only_changes = true,
                "site" => options.only_site = true,
                _ => return Err("--only takes: verdicts, changes or site".into()),
            },
            "--history" => {
                options.history = value()?.parse().map_err(|_| "--history takes a number")?
            }
            "--dir" => options.dir = PathBuf::from(value()?),
            "--prof" => options.prof = Some(PathBuf::from(value()?)),
            "--scale" => options.scale = value()?.parse().map_err(|_| "--scale takes a number")?,
            "--only-scale" => options.only_scale = true,
            "--site-runs" => {
                options.site_runs = value()?.parse().map_err(|_| "--site-runs takes a number")?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

/// The binaries sit together in target/release: examples/ holds this one
/// and `generate`, its parent holds `prof`.
fn sibling(name: &str) -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let examples = me.parent().ok_or("no directory for the bench binary")?;
    let path = match name {
        "prof" => examples.parent().ok_or("no target directory")?.join("prof"),
        _ => examples.join(name),
    };
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: run `cargo build --release --bin prof --examples` first",
            path.display()
        ))
    }
}

fn run(options: &Options) -> Result<(), String> {
    let prof = match &options.prof {
        Some(path) => path.clone(),
        None => sibling("prof")?,
    };
    if options.only_changes {
        fs::create_dir_all(&options.dir).map_err(|e| e.to_string())?;
        println!("| what | wall | peak RSS | notes |");
        println!("|---|---:|---:|---|");
        return changes_rows::rows(&prof, &options.dir);
    }
    let generate = sibling("generate")?;
    let dir = &options.dir;
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if options.only_verdicts {
        println!("| what | wall | peak RSS | notes |");
        println!("|---|---:|---:|---|");
        let copies = reth_copies(dir)?;
        return bench_verdicts::verdicts(&prof, dir, &copies, options.verdict_runs);
    }
    if options.only_site {
        println!("| what | wall | peak RSS | notes |");
        println!("|---|---:|---:|---|");
        return site(&prof, dir, options.site_runs);
    }
    if options.only_scale {
        println!("| what | wall | peak RSS | notes |");
        println!("|---|---:|---:|---|");
        return history_scale(&prof, dir, options.scale);
    }
    let base = dir.join("big.base.json");
    let head = dir.join("big.head.json");
    for (path, variant) in [(&base, "base"), (&head, "head")] {
        measure(
            Command::new(&generate)
                .args([
                    "--seed",
                    "7",
                    "--variant",
                    variant,
                    "--target-bytes",
                    &options.size,
                ])
                .arg("--out")
                .arg(path),
        )?;
    }
    let input_bytes = fs::metadata(&base).map_err(|e| e.to_string())?.len();
    let db = dir.join("big.db");
    remove_db(&db);

    println!("| what | wall | peak RSS | notes |");
    println!("|---|---:|---:|---|");
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let parse = measure(Command::new(&me).arg("plain-parse").arg(&base))?;
    row(
        "plain serde_json parse into borrowed structs (reference)",
        &parse,
        &format!("{} input", mib(input_bytes)),
    );

    let ingest = measure(
        prof_cmd(&prof, &db)
            .args(["ingest", "--commit", "base", "--branch", "main"])
            .arg(&base),
    )?;
    let after_one = db_bytes(&db);
    row(
        "`prof ingest` of the file",
        &ingest,
        &format!(
            "{:.1}× plain parse; cpu {:.2} s",
            ratio(&ingest, &parse),
            ingest.cpu.as_secs_f64()
        ),
    );
    let second = measure(
        prof_cmd(&prof, &db)
            .args(["ingest", "--commit", "head", "--branch", "pr"])
            .arg(&head),
    )?;
    row(
        "`prof ingest` of the head run (label sets already stored)",
        &second,
        &format!("{:.1}× plain parse", ratio(&second, &parse)),
    );
    println!(
        "| database growth | | | {} after one run: {:.3} bytes per input byte; {} after two |",
        mib(after_one),
        after_one as f64 / input_bytes as f64,
        mib(db_bytes(&db))
    );
    let out = dir.join("report");
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let compare = measure(
        prof_cmd(&prof, &db)
            .args(["compare", "1", "2", "-o"])
            .arg(out.join("big.md")),
    )?;
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
    materialised_vs_view(&db)?;
    flamegraph_rows(&prof, &db, dir)?;

    history(&prof, dir, options.history)?;
    changes_rows::rows(&prof, dir)?;
    let copies = reth_copies(dir)?;
    bench_verdicts::verdicts(&prof, dir, &copies, options.verdict_runs)?;
    if options.scale > 0 {
        history_scale(&prof, dir, options.scale)?;
    }
    site(&prof, dir, options.site_runs)?;
    Ok(())
}

/// Flamegraphs of the big run, alone and as part of `report --out-dir`.
fn flamegraph_rows(prof: &Path, db: &Path, dir: &Path) -> Result<(), String> {
    let out = dir.join("flamegraphs");
    let _ = fs::remove_dir_all(&out);
    let flame = measure(
        prof_cmd(prof, db)
            .args(["flamegraph", "2", "--reverse", "-o"])
            .arg(&out),
    )?;
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
        let _ = fs::remove_dir_all(&out);
        let mut command = prof_cmd(prof, db);
        command
            .args([
                "report",
                "--commit",
                "head",
                "--base-branch",
                "main",
                "--out-dir",
            ])
            .arg(&out)
            .args(extra);
        let m = measure(&mut command)?;
        row(what, &m, "");
    }
    Ok(())
}

/// `prof site` over `per_benchmark` runs of each of ten benchmarks on main:
/// from scratch, unchanged, and after one more ingest.
fn site(prof: &Path, dir: &Path, per_benchmark: usize) -> Result<(), String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/openvm-reth-benchmark_01932bb_reth-example-segment.json");
    let text = fs::read_to_string(&source).map_err(|e| e.to_string())?;
    // Ten benchmarks: each copy names its app group apart.
    let copies: Vec<PathBuf> = (0..10)
        .map(|i| {
            let path = dir.join(format!("site-reth-{i}.json"));
            fs::write(
                &path,
                text.replace("reth_block", &format!("reth_block_{i}")),
            )
            .map(|()| path)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let db = dir.join("site.db");
    remove_db(&db);
    let start = Instant::now();
    for commit in 0..per_benchmark {
        measure(
            prof_cmd(prof, &db)
                .args(["ingest", "--force", "--branch", "main", "--commit"])
                .arg(format!("{commit:08x}"))
                .args(&copies),
        )?;
    }
    println!(
        "| site history: {} runs ingested | {} | | {} database |",
        10 * per_benchmark,
        ms(start.elapsed()),
        mib(db_bytes(&db))
    );
    let out = dir.join("site");
    let _ = fs::remove_dir_all(&out);
    let site_cmd = || {
        let mut command = prof_cmd(prof, &db);
        command.args(["site", "--out-dir"]).arg(&out);
        command
    };
    let scratch = measure(&mut site_cmd())?;
    row(
        &format!("`prof site` from scratch, 10 benchmarks × {per_benchmark} runs"),
        &scratch,
        &format!("{} on disk", mib(dir_bytes(&out))),
    );
    let unchanged = measure(&mut site_cmd())?;
    row("`prof site` again, nothing new", &unchanged, "");
    measure(
        prof_cmd(prof, &db)
            .args([
                "ingest", "--force", "--branch", "main", "--commit", "ffffffff",
            ])
            .arg(&copies[0]),
    )?;
    let incremental = measure(&mut site_cmd())?;
    row(
        "`prof site` after one more ingest",
        &incremental,
        &format!("{} on disk", mib(dir_bytes(&out))),
    );
    Ok(())
}

/// Bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                dir_bytes(&path)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// The stored aggregates against computing the same view from the samples.
fn materialised_vs_view(db: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let time = |sql: &str| -> Result<(Duration, i64), String> {
        let start = Instant::now();
        let n: i64 = conn
            .query_row(sql, [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        Ok((start.elapsed(), n))
    };
    let (stored, rows) = time("SELECT COUNT(*) FROM group_stats WHERE run_id = 1")?;
    // Recomputing run 1 from its samples is what its ingest did: the
    // trigger refills every stored aggregate; the transaction is rolled back.
    conn.execute_batch("BEGIN").map_err(|e| e.to_string())?;
    let (computed, _) = time("INSERT INTO aggregate_scope (run_id) VALUES (1) RETURNING run_id")?;
    conn.execute_batch("ROLLBACK").map_err(|e| e.to_string())?;
    println!(
        "| `group_stats` of one run: stored rows vs recomputing them from the views | {} vs {} | | {rows} rows; materialised at ingest |",
        ms(stored),
        ms(computed)
    );
    Ok(())
}

/// Ten copies of the ~2 MB reth example with different bytes, so no ingest
/// is a duplicate.
fn reth_copies(dir: &Path) -> Result<Vec<PathBuf>, String> {
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

/// A history of `runs` runs of the ~2 MB reth example, ten files per ingest.
fn history(prof: &Path, dir: &Path, runs: usize) -> Result<(), String> {
    let db = dir.join("history.db");
    remove_db(&db);
    let copies = reth_copies(dir)?;
    // Ten files in one call, into a scratch database: both cores at work.
    let scratch = dir.join("ten.db");
    remove_db(&scratch);
    let ten_files = measure(
        prof_cmd(prof, &scratch)
            .args(["ingest", "--commit", "c0"])
            .args(&copies),
    )?;
    remove_db(&scratch);
    // The history: ten benchmarks per CI run, as a team's CI produces it.
    let start = Instant::now();
    for run in 0..runs {
        let (commit, benchmark) = (run / 10, run % 10);
        let branch = if commit % 3 == 0 { "main" } else { "pr" };
        measure(
            prof_cmd(prof, &db)
                .args([
                    "ingest",
                    "--name",
                    &format!("reth-{benchmark}"),
                    "--commit",
                    &format!("{commit:08x}"),
                ])
                .args(["--branch", branch])
                .arg(&copies[benchmark]),
        )?;
    }
    let built = start.elapsed();
    {
        let ten = &ten_files;
        row(
            "`prof ingest` of 10 files (2.5 MB each) in one call",
            ten,
            &format!(
                "cpu {:.2} s = {:.2}× wall",
                ten.cpu.as_secs_f64(),
                ten.cpu.as_secs_f64() / ten.wall.as_secs_f64()
            ),
        );
    }
    println!(
        "| history of {runs} runs built | {} | | {} database |",
        ms(built),
        mib(db_bytes(&db))
    );
    let best = |args: &[&str]| -> Result<Measured, String> {
        let mut best: Option<Measured> = None;
        for _ in 0..5 {
            let m = measure(prof_cmd(prof, &db).args(args))?;
            if best.as_ref().is_none_or(|b| m.wall < b.wall) {
                best = Some(m);
            }
        }
        Ok(best.expect("five runs"))
    };
    let trend = best(&[
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
    ])?;
    row(
        &format!("`prof trend` of one metric over {runs} runs"),
        &trend,
        "best of 5",
    );
    let last_commit = format!("{:08x}", (runs - 1) / 10);
    let report = best(&["report", "--commit", &last_commit, "--base-branch", "main"])?;
    row(
        "`prof report` of a commit (10 benchmarks against their baselines)",
        &report,
        "best of 5",
    );
    let startup = best(&["runs", "--limit", "1"])?;
    row(
        "start-up: `prof runs --limit 1` (open, migration check, one row)",
        &startup,
        "best of 5",
    );
    Ok(())
}

/// `compare` and `report --out-dir` of the same two reth runs, stored last
/// in a history of 2 runs and in one of `long` runs: what a command costs
/// must not grow with the history. Median of 3 of each.
fn history_scale(prof: &Path, dir: &Path, long: usize) -> Result<(), String> {
    let copies = reth_copies(dir)?;
    let median = |db: &Path, args: &[&str], out: &Path| -> Result<Measured, String> {
        let mut all = Vec::new();
        for _ in 0..3 {
            let _ = fs::remove_dir_all(out);
            fs::create_dir_all(out).map_err(|e| e.to_string())?;
            all.push(measure(prof_cmd(prof, db).args(args).current_dir(out))?);
        }
        all.sort_by_key(|m| m.wall);
        let mut rss: Vec<u64> = all.iter().map(|m| m.peak_rss_bytes).collect();
        rss.sort();
        let mut middle = all.swap_remove(1);
        middle.peak_rss_bytes = rss[1];
        Ok(middle)
    };
    let mut results = Vec::new();
    for runs in [2, long.max(2)] {
        let db = dir.join(format!("scale-{runs}.db"));
        remove_db(&db);
        // Other benchmarks' runs first, ten files per ingest call.
        let fillers = runs - 2;
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
                    .args([
                        "ingest", "--name", "reth", "--branch", "main", "--commit", commit,
                    ])
                    .arg(file),
            )?;
        }
        let out = dir.join(format!("scale-out-{runs}"));
        let compare = median(
            &db,
            &["compare", "reth@baaaaaa1", "reth@baaaaaa2", "-o", "reth.md"],
            &out,
        )?;
        let report = median(
            &db,
            &[
                "report",
                "--commit",
                "baaaaaa2",
                "--baseline-commit",
                "baaaaaa1",
                "--out-dir",
                "report",
            ],
            &out,
        )?;
        results.push((runs, compare, report, db_bytes(&db)));
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
        for (runs, m, size) in [(short.0, a, short.3), (long.0, b, long.3)] {
            row(
                &format!("{what}, history of {runs} runs"),
                m,
                &format!("median of 3; {} database", mib(size)),
            );
        }
        println!(
            "| {what}: {} runs against 2 | {:.2}× | {:.2}× | must stay under 1.2× |",
            long.0,
            b.wall.as_secs_f64() / a.wall.as_secs_f64(),
            b.peak_rss_bytes as f64 / a.peak_rss_bytes as f64
        );
    }
    Ok(())
}

fn prof_cmd(prof: &Path, db: &Path) -> Command {
    let mut command = Command::new(prof);
    command
        .arg("--db")
        .arg(db)
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_REF_NAME")
        .env_remove("GITHUB_HEAD_REF");
    command
}

fn row(what: &str, m: &Measured, notes: &str) {
    println!(
        "| {what} | {} | {} | {notes} |",
        ms(m.wall),
        mib(m.peak_rss_bytes)
    );
}

fn ratio(a: &Measured, b: &Measured) -> f64 {
    a.wall.as_secs_f64() / b.wall.as_secs_f64()
}

fn ms(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

fn db_bytes(db: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| fs::metadata(format!("{}{suffix}", db.display())).ok())
        .map(|m| m.len())
        .sum()
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// Runs `command` to completion; fails unless it exits 0.
fn measure(command: &mut Command) -> Result<Measured, String> {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if waited != pid {
        return Err(format!("wait4 failed for {command:?}"));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr {
            use std::io::Read;
            let _ = pipe.read_to_string(&mut stderr);
        }
        return Err(format!("{command:?} failed: {stderr}"));
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Ok(Measured {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
    })
}

/// The reference: the whole file into borrowed structs, as a plain reader
/// would, with nothing else.
fn plain_parse(path: &Path) -> ExitCode {
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
    let map = match fs::File::open(path).and_then(|file| {
        // SAFETY: read-only mapping of a file the harness wrote and no one
        // changes while it is read.
        unsafe { memmap2::Mmap::map(&file) }
    }) {
        Ok(map) => map,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
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

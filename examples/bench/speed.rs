//! The ingest-speed table: `prof ingest` of the big generated run and of
//! its next run, `compare` of the two and `report` of the real files, each
//! against the floor of a bare parse of the same big file; the latency of
//! small files (one ingest into an existing database, start-up); and, given
//! `--original PATH`, the original `openvm-prof` summarising the same real
//! files, the time `report` has to beat. Every row prints min / median /
//! max of wall time, the median peak RSS, a ratio and its goal, judged on
//! the median.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::measure::{
    Measured, SHORT, SHORT_RUNS, Spread, enough_runs, measure, mib, prof_cmd, ratio, remove_db,
    repeat, repeat_enough,
};

/// The real benchmarks of `../shared/data` the small-file rows use, with
/// the display names the original is given for them (both memcmp files
/// share an app group name, which the original would otherwise use).
const REAL_FILES: [(&str, &str); 4] = [
    (
        "openvm-reth-benchmark_01932bb_reth-example-segment.json",
        "reth-segment",
    ),
    (
        "openvm_11de835_client-eth-metrics-vanilla.json",
        "eth-vanilla",
    ),
    ("openvm_a9d7984_custom_memcmp.json", "custom_memcmp"),
    ("openvm_a9d7984_default_memcmp.json", "default_memcmp"),
];

/// The 60 KB file of the small-ingest and start-up rows.
const SMALL_FILE: &str = "openvm_a9d7984_custom_memcmp.json";

/// The rows on the real files, named once for both their figures and their
/// skipped lines.
const REPORT: &str = "`prof report --out-dir` of the 4 real benchmarks, head against base";
const REPORT_GOAL: &str = "≤ the original's time";
const SMALL_INGEST: &str = "`prof ingest` of a 60 KB file into an existing database";
const SMALL_INGEST_GOAL: &str = "≤ 15 ms";
const STARTUP: &str = "`prof runs` on a 1-run database (start to first query)";
const STARTUP_GOAL: &str = "≤ 5 ms";
const ORIGINAL: &str = "original `openvm-prof` summary of the same 4 files";

/// What the speed rows run on.
pub struct Setup<'a> {
    pub prof: &'a Path,
    /// The big generated run and its next run.
    pub base: &'a Path,
    pub head: &'a Path,
    /// Scratch space for databases and outputs.
    pub dir: &'a Path,
    pub runs: usize,
    /// The directory of the real files; `None` skips the rows that need them.
    pub data: Option<&'a Path>,
    /// A built `openvm-prof`.
    pub original: Option<&'a Path>,
}

/// Where the real files are: `--data DIR` (which must hold them), else
/// `../shared/data` from the current directory. `None` when that is absent,
/// after saying so loudly, since the rows skipped are half the table.
pub fn data_dir(given: Option<&Path>) -> Result<Option<PathBuf>, String> {
    let dir = match given {
        Some(dir) => dir.to_path_buf(),
        None => Path::new("..").join("shared").join("data"),
    };
    let missing: Vec<&str> = REAL_FILES
        .iter()
        .map(|(file, _)| *file)
        .filter(|file| !dir.join(file).is_file())
        .collect();
    if missing.is_empty() {
        // Absolute, because the original runs in its own scratch directory.
        return fs::canonicalize(&dir)
            .map(Some)
            .map_err(|e| format!("{}: {e}", dir.display()));
    }
    let message = format!("{} lacks {}", dir.display(), missing.join(", "));
    if given.is_some() {
        return Err(format!("--data: {message}"));
    }
    eprintln!("bench: ================================================================");
    eprintln!("bench: WARNING: {message}");
    eprintln!("bench: SKIPPING the small-file rows (report, small ingest, start-up, original);");
    eprintln!("bench: run from the checkout beside shared/, or pass --data DIR");
    eprintln!("bench: ================================================================");
    Ok(None)
}

/// One line of the table; a skipped row has no spread.
struct Line {
    what: String,
    spread: Option<Spread>,
    ratio: String,
    goal: &'static str,
    met: String,
}

impl Line {
    fn skipped(what: &str, goal: &'static str, why: &str) -> Line {
        Line {
            what: what.to_string(),
            spread: None,
            ratio: String::new(),
            goal,
            met: format!("skipped: {why}"),
        }
    }
}

fn met(ok: bool) -> String {
    if ok { "met" } else { "missed" }.to_string()
}

/// Every speed row, then the table. Min / median / max needs at least three
/// runs, so fewer `--runs` are raised to three.
pub fn rows(setup: &Setup) -> Result<(), String> {
    let Setup {
        prof,
        base,
        head,
        dir,
        ..
    } = *setup;
    let runs = setup.runs.max(3);
    let mut lines = Vec::new();

    let input = mib(fs::metadata(base).map_err(|e| e.to_string())?.len());
    progress("bare parse");
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let parse = repeat_enough(runs, |_| {
        measure(Command::new(&me).arg("plain-parse").arg(base))
    })?;
    // Ratios to the floor are of medians, as every goal is judged.
    let floor_wall = parse.median().wall.as_secs_f64();
    let to_floor = |spread: &Spread| spread.median().wall.as_secs_f64() / floor_wall;
    let floor = |spread: &Spread| format!("{:.2}× bare parse", to_floor(spread));

    // Each run of the pair starts from an empty database: the base run
    // into it, then the head run as the same benchmark's next run.
    progress("ingest of the base and head runs");
    let big = dir.join("speed-big.db");
    let ingest = |commit: &str, file: &Path| {
        measure(
            prof_cmd(prof, &big)
                .args(["ingest", "--name", "big", "--commit", commit])
                .args(["--branch", "main"])
                .arg(file),
        )
    };
    let pair = || -> Result<(Measured, Measured), String> {
        remove_db(&big);
        Ok((ingest("base", base)?, ingest("head", head)?))
    };
    let mut heads = Vec::new();
    let mut first = repeat(runs, |_| {
        let (first, next) = pair()?;
        heads.push(next);
        Ok(first)
    })?;
    let mut next = repeat(heads.len(), |i| Ok(heads[i].clone()))?;
    for _ in first.len()..enough_runs(runs, &first).max(enough_runs(runs, &next)) {
        let (one, two) = pair()?;
        first.push(one);
        next.push(two);
    }
    let first_median = first.median();
    let floor_spreads = (parse.clone(), first.clone(), next.clone());
    let samples = samples_of_first_run(&big)?;
    lines.push(Line {
        what: format!("bare parse: `bench plain-parse` of the {input} base file (the floor)"),
        ratio: "1.00×".into(),
        spread: Some(parse),
        goal: "",
        met: String::new(),
    });
    lines.push(Line {
        what: format!("`prof ingest` of the {input} base file into a fresh database"),
        ratio: floor(&first),
        goal: "≤ 2× bare parse, ≤ 250 MB",
        met: met(to_floor(&first) <= 2.0 && first_median.peak_rss_bytes <= 250_000_000),
        spread: Some(first),
    });
    lines.push(Line {
        what: "`prof ingest` of the head file, the same benchmark's next run".into(),
        ratio: floor(&next),
        goal: "≤ 1.5× bare parse",
        met: met(to_floor(&next) <= 1.5),
        spread: Some(next),
    });

    // The database now holds the last pair's base and head runs.
    progress("compare of the two runs");
    let out = dir.join("speed-compare");
    let compare = repeat_enough(runs, |_| {
        fresh_dir(&out)?;
        measure(
            prof_cmd(prof, &big)
                .args(["compare", "big@base", "big@head", "-o"])
                .arg(out.join("big.md")),
        )
    })?;
    if !out.join("big.detailed.md").is_file() {
        return Err(format!(
            "`prof compare` wrote no {}",
            out.join("big.detailed.md").display()
        ));
    }
    lines.push(Line {
        what: "`prof compare` of the two runs to big.md and big.detailed.md".into(),
        ratio: floor(&compare),
        goal: "≤ 1 s",
        met: met(compare.median().wall.as_secs_f64() <= 1.0),
        spread: Some(compare),
    });

    match setup.data {
        Some(data) => lines.extend(small_rows(setup, data, runs)?),
        None => {
            let why = "no ../shared/data (--data DIR)";
            lines.push(Line::skipped(REPORT, REPORT_GOAL, why));
            lines.push(Line::skipped(SMALL_INGEST, SMALL_INGEST_GOAL, why));
            lines.push(Line::skipped(STARTUP, STARTUP_GOAL, why));
            if setup.original.is_some() {
                lines.push(Line::skipped(ORIGINAL, "", why));
            }
        }
    }
    print(&lines, runs);
    let (parse, fresh, next) = floor_spreads;
    let ingests = crate::floor::Ingests {
        parse: &parse,
        fresh: &fresh,
        next: &next,
        samples,
        stored: &big,
    };
    crate::floor::table(prof, base, dir, runs, &ingests)?;
    // Said again after the table, since the first warning has scrolled
    // away by the time a 1 GB run ends.
    if setup.data.is_none() {
        eprintln!("bench: WARNING: the small-file rows were SKIPPED: no ../shared/data");
    }
    Ok(())
}

/// The rows on the real files: `report`, a small ingest, start-up and the
/// original.
fn small_rows(setup: &Setup, data: &Path, runs: usize) -> Result<Vec<Line>, String> {
    let (prof, dir) = (setup.prof, setup.dir);
    let files: Vec<PathBuf> = REAL_FILES.iter().map(|(file, _)| data.join(file)).collect();
    let small = data.join(SMALL_FILE);

    // The ready database: each benchmark at `base` on main, again at `head`
    // on a PR branch (`--force`: the same content at another commit).
    let ready = dir.join("speed-ready.db");
    remove_db(&ready);
    measure(
        prof_cmd(prof, &ready)
            .args(["ingest", "--commit", "base", "--branch", "main"])
            .args(&files),
    )?;
    measure(
        prof_cmd(prof, &ready)
            .args(["ingest", "--force", "--commit", "head", "--branch", "pr"])
            .args(&files),
    )?;

    progress("report of the real files");
    let out = dir.join("speed-report");
    let report = repeat_enough(runs, |_| {
        let _ = fs::remove_dir_all(&out);
        measure(
            prof_cmd(prof, &ready)
                .args([
                    "report",
                    "--commit",
                    "head",
                    "--base-branch",
                    "main",
                    "--out-dir",
                ])
                .arg(&out),
        )
    })?;

    // The copy is the ready database file alone: every writing command
    // ends with a checkpoint that leaves it complete, which a non-empty
    // WAL beside it would contradict.
    let wal = PathBuf::from(format!("{}-wal", ready.display()));
    if fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0 {
        return Err(format!(
            "{} is not empty: the copy would miss commits",
            wal.display()
        ));
    }
    progress("ingest of a small file");
    let copy = dir.join("speed-copy.db");
    let small_ingest = repeat_enough(runs, |_| {
        fresh_copy(&ready, &copy)?;
        measure(
            prof_cmd(prof, &copy)
                .args(["ingest", "--force", "--commit", "x", "--branch", "pr"])
                .arg(&small),
        )
    })?;

    progress("start-up");
    let one = dir.join("speed-one.db");
    remove_db(&one);
    measure(
        prof_cmd(prof, &one)
            .args(["ingest", "--commit", "one", "--branch", "main"])
            .arg(&small),
    )?;
    let startup = repeat_enough(runs, |_| measure(prof_cmd(prof, &one).arg("runs")))?;

    let original = match setup.original {
        Some(original) => {
            progress("the original's summary");
            Some(original_summary(original, data, dir, runs)?)
        }
        None => None,
    };
    let report_median = report.median().wall;
    let mut lines = vec![Line {
        what: REPORT.into(),
        ratio: match &original {
            Some(original) => format!("{:.2}× the original", ratio(&report, original)),
            None => String::new(),
        },
        goal: REPORT_GOAL,
        met: match &original {
            Some(original) => met(report_median <= original.median().wall),
            None => "unknown: no --original".into(),
        },
        spread: Some(report),
    }];
    lines.push(Line {
        what: SMALL_INGEST.into(),
        ratio: String::new(),
        goal: SMALL_INGEST_GOAL,
        met: met(small_ingest.median().wall.as_secs_f64() <= 0.015),
        spread: Some(small_ingest),
    });
    lines.push(Line {
        what: STARTUP.into(),
        ratio: String::new(),
        goal: STARTUP_GOAL,
        met: met(startup.median().wall.as_secs_f64() <= 0.005),
        spread: Some(startup),
    });
    if let Some(original) = original {
        lines.push(Line {
            what: ORIGINAL.into(),
            ratio: "1.00× (the reference for report)".into(),
            goal: "",
            met: String::new(),
            spread: Some(original),
        });
    }
    Ok(lines)
}

/// The original's summary of the real files as its CI ran it: in a scratch
/// directory of symlinks, since it writes X.md and X.detailed.md beside
/// each input X.json. The directory is made afresh for every run, as
/// `report`'s output directory is.
fn original_summary(
    original: &Path,
    data: &Path,
    dir: &Path,
    runs: usize,
) -> Result<Spread, String> {
    let scratch = dir.join("speed-original");
    let paths: Vec<&str> = REAL_FILES.iter().map(|(file, _)| *file).collect();
    let names: Vec<&str> = REAL_FILES.iter().map(|(_, name)| *name).collect();
    repeat_enough(runs, |_| {
        let _ = fs::remove_dir_all(&scratch);
        fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
        for file in &paths {
            std::os::unix::fs::symlink(data.join(file), scratch.join(file))
                .map_err(|e| format!("{}: {e}", scratch.join(file).display()))?;
        }
        measure(
            Command::new(original)
                .current_dir(&scratch)
                .arg("--json-paths")
                .arg(paths.join(","))
                .arg("--names")
                .arg(names.join(","))
                .args(["--output-json", "bmf.json", "summary"])
                .args([
                    "--benchmark-results-link",
                    "https://example.invalid/results",
                ])
                .args(["--summary-md-path", "summary.md"]),
        )
    })
}

/// How many samples the base file's run stored (run 1 of `db`).
fn samples_of_first_run(db: &Path) -> Result<usize, String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("{}: {e}", db.display()))?;
    conn.query_row("SELECT COUNT(*) FROM samples WHERE run_id = 1", [], |row| {
        row.get::<_, i64>(0)
    })
    .map(|count| count as usize)
    .map_err(|e| format!("{}: {e}", db.display()))
}

/// An empty directory at `path`.
fn fresh_dir(path: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(path);
    fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `to` becomes a copy of the database file `from`, synced, so the copy's
/// dirty pages are written before the timed command rather than during it.
fn fresh_copy(from: &Path, to: &Path) -> Result<(), String> {
    remove_db(to);
    fs::copy(from, to).map_err(|e| format!("{}: {e}", to.display()))?;
    fs::OpenOptions::new()
        .write(true)
        .open(to)
        .and_then(|file| file.sync_all())
        .map_err(|e| format!("{}: {e}", to.display()))
}

/// The long rows take minutes at 1 GB: say which one is running.
fn progress(what: &str) {
    eprintln!("bench: speed: {what}");
}

fn print(lines: &[Line], runs: usize) {
    println!();
    println!(
        "Ingest speed and small-file latency: wall time over {runs} runs ({} for rows under {} ms), \
         goals judged on the median",
        runs.max(SHORT_RUNS),
        SHORT.as_millis()
    );
    println!();
    println!("| what | runs | wall: min / median / max | peak RSS (median) | ratio | goal | |");
    println!("|---|---:|---:|---:|---|---|---|");
    for line in lines {
        let (count, wall, rss) = match &line.spread {
            Some(spread) => (
                spread.len().to_string(),
                spread.wall_min_median_max(),
                mib(spread.median().peak_rss_bytes),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        println!(
            "| {} | {count} | {wall} | {rss} | {} | {} | {} |",
            line.what, line.ratio, line.goal, line.met
        );
    }
    println!();
}

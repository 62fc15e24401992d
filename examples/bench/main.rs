//! `bench`: the performance harness. It generates the workload with the
//! `generate` example, runs each row of the README's performance table
//! against the release `prof` binary, and prints wall time, peak RSS and
//! sizes, with each ingest and compare also as a ratio to a plain
//! `serde_json` parse of the same file measured in the same run.
//!
//! ```text
//! cargo build --release --bin prof --examples && target/release/examples/bench [--size 1G] [--history 1000] [--site-runs 1000] [--runs 3] [--dir /tmp/prof-bench]
//! target/release/examples/bench --only speed [--original PATH]
//! ```
//!
//! Every command runs as a child process, so peak RSS is the child's own
//! (from `wait4`). Every row is measured `--runs` times (default 3) and
//! shows the median with the minimum and maximum (`measure.rs`); the speed
//! table shows min / median / max, and measures rows under 100 ms at least
//! 20 times.
//! `--size 100M --history 50` makes a quick smoke run.
//! The ingest-speed table comes first (`speed.rs`; `--only speed` runs just
//! it): ingest, compare and report against a bare parse of the same file,
//! small-file latency, and with `--original PATH` the original
//! `openvm-prof` on the same real files (`../shared/data`, or `--data DIR`),
//! then the CPU floor of an ingest, its unskippable pieces timed alone
//! (`floor.rs`).
//! The generated files are kept in `--dir` and reused by the next run;
//! `--inputs DIR` takes `big.base.json` and `big.head.json` from DIR as
//! they are.
//! `--only verdicts` runs only the verdicts rows (`--verdict-runs N` runs of
//! history per benchmark, default 1,000); `--only changes` only the
//! `prof changes` rows; `--only site` only the site rows. `--prof PATH`
//! times another build of prof on the same rows (before and after a change).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod big_file;
mod changes;
mod floor;
mod history;
mod measure;
mod site;
mod speed;
mod verdicts;

use measure::{header, measure};

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
    /// How many times each row is measured.
    runs: usize,
    /// `--only site`: just the `prof site` rows.
    only_site: bool,
    /// `--prof PATH`: time this binary instead of the sibling `prof`.
    prof: Option<PathBuf>,
    /// `--only speed`: just the ingest-speed table.
    only_speed: bool,
    /// `--data DIR`: the real metrics files, instead of `../shared/data`.
    data: Option<PathBuf>,
    /// `--original PATH`: a built `openvm-prof`, timed on the real files.
    original: Option<PathBuf>,
    /// `--inputs DIR`: generated big files to use as they are.
    inputs: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // The pieces the harness times alone, as child processes of itself.
    match (args.get(1).map(String::as_str), args.get(2), args.get(3)) {
        (Some("plain-parse"), Some(file), _) => return big_file::plain_parse(Path::new(file)),
        (Some("plain-sha256"), Some(file), _) => return floor::plain_sha256(Path::new(file)),
        (Some("plain-label-sets"), Some(db), Some(from)) => {
            return floor::plain_label_sets(Path::new(db), Path::new(from));
        }
        (Some("plain-insert"), Some(db), Some(rows)) => {
            let Ok(rows) = rows.parse() else {
                eprintln!("usage: bench plain-insert DB ROWS");
                return ExitCode::FAILURE;
            };
            return floor::plain_insert(Path::new(db), rows);
        }
        _ => {}
    }
    let options = match parse_args(&args[1..]) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench: {message}");
            eprintln!(
                "usage: bench [--size 1G] [--history 1000] [--runs 3] [--scale 5000] [--only-scale] [--only speed|verdicts|changes|site] [--site-runs 1000] [--prof PATH] [--original PATH] [--data DIR] [--inputs DIR] [--dir /tmp/prof-bench]"
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
        runs: 3,
        only_speed: false,
        data: None,
        original: None,
        inputs: None,
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
                "speed" => options.only_speed = true,
                _ => return Err("--only takes: speed, verdicts, changes or site".into()),
            },
            "--history" => {
                options.history = value()?.parse().map_err(|_| "--history takes a number")?
            }
            "--dir" => options.dir = PathBuf::from(value()?),
            "--prof" => options.prof = Some(PathBuf::from(value()?)),
            "--original" => options.original = Some(PathBuf::from(value()?)),
            "--data" => options.data = Some(PathBuf::from(value()?)),
            "--inputs" => options.inputs = Some(PathBuf::from(value()?)),
            "--scale" => options.scale = value()?.parse().map_err(|_| "--scale takes a number")?,
            "--only-scale" => options.only_scale = true,
            "--runs" => match value()?.parse() {
                Ok(runs) if runs > 0 => options.runs = runs,
                _ => return Err("--runs takes a number of 1 or more".into()),
            },
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
    let (dir, runs) = (&options.dir, options.runs);
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if let Some(original) = &options.original
        && !original.is_file()
    {
        return Err(format!("--original: {} is not a file", original.display()));
    }
    let only_other =
        options.only_changes || options.only_verdicts || options.only_scale || options.only_site;
    // The speed table first: it has its own columns, and its rows are the
    // ones a change to ingest is judged by.
    let big = if only_other {
        None
    } else {
        let (base, head) = big_inputs(options)?;
        let data = speed::data_dir(options.data.as_deref())?;
        speed::rows(&speed::Setup {
            prof: &prof,
            base: &base,
            head: &head,
            dir,
            runs,
            data: data.as_deref(),
            original: options.original.as_deref(),
        })?;
        if options.only_speed {
            return Ok(());
        }
        Some((base, head))
    };
    header(runs);
    if options.only_changes {
        return changes::rows(&prof, dir, runs);
    }
    if options.only_verdicts {
        let copies = history::reth_copies(dir)?;
        return verdicts::rows(&prof, dir, &copies, options.verdict_runs, runs);
    }
    if options.only_scale {
        return history::scale_rows(&prof, dir, options.scale, runs);
    }
    if options.only_site {
        return site::rows(&prof, dir, options.site_runs, runs);
    }
    let (base, head) = big.ok_or("no big inputs")?;
    big_file::rows(&prof, &base, &head, &dir.join("big.db"), dir, runs)?;
    history::rows(&prof, dir, options.history, runs)?;
    changes::rows(&prof, dir, runs)?;
    let copies = history::reth_copies(dir)?;
    verdicts::rows(&prof, dir, &copies, options.verdict_runs, runs)?;
    if options.scale > 0 {
        history::scale_rows(&prof, dir, options.scale, runs)?;
    }
    // As with `--scale 0`, no runs means no rows.
    if options.site_runs > 0 {
        site::rows(&prof, dir, options.site_runs, runs)?;
    }
    Ok(())
}

/// The big generated run and its head run. With `--inputs DIR`, DIR's
/// `big.base.json` and `big.head.json` as they are; otherwise files in
/// `--dir` named by their size, generated when absent (seed 7). `generate`
/// writes the same bytes for the same arguments, so a file of that name is
/// the one it would write again; it is written under a temporary name and
/// renamed, so a generation cut short is not taken for a finished file.
fn big_inputs(options: &Options) -> Result<(PathBuf, PathBuf), String> {
    if let Some(inputs) = &options.inputs {
        let (base, head) = (inputs.join("big.base.json"), inputs.join("big.head.json"));
        for path in [&base, &head] {
            if !path.is_file() {
                return Err(format!("--inputs: {} is missing", path.display()));
            }
        }
        eprintln!(
            "bench: using {} and {} as they are (--size is not applied to them)",
            base.display(),
            head.display()
        );
        return Ok((base, head));
    }
    let generate = sibling("generate")?;
    let size = &options.size;
    let mut paths = Vec::new();
    for variant in ["base", "head"] {
        let path = options.dir.join(format!("big-{size}.{variant}.json"));
        if !path.is_file() {
            let partial = path.with_extension("json.partial");
            measure(
                Command::new(&generate)
                    .args(["--seed", "7", "--variant", variant])
                    .args(["--target-bytes", size])
                    .arg("--out")
                    .arg(&partial),
            )?;
            fs::rename(&partial, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        paths.push(path);
    }
    let head = paths.pop().ok_or("no head file")?;
    let base = paths.pop().ok_or("no base file")?;
    Ok((base, head))
}

//! `bench`: the performance harness. It generates the workload with the
//! `generate` example, runs each row of the README's performance table
//! against the release `prof` binary, and prints wall time, peak RSS and
//! sizes, with each ingest and compare also as a ratio to a plain
//! `serde_json` parse of the same file measured in the same run.
//!
//! ```text
//! cargo build --release --bin prof --examples && target/release/examples/bench [--size 1G] [--history 1000] [--site-runs 1000] [--runs 3] [--dir /tmp/prof-bench]
//! ```
//!
//! Every command runs as a child process, so peak RSS is the child's own
//! (from `wait4`). Every row is measured `--runs` times (default 3) and
//! shows the median with the minimum and maximum (`measure.rs`).
//! `--size 100M --history 50` makes a quick smoke run.
//! `--only verdicts` runs only the verdicts rows (`--verdict-runs N` runs of
//! history per benchmark, default 1,000); `--only changes` only the
//! `prof changes` rows; `--only site` only the site rows. `--prof PATH`
//! times another build of prof on the same rows (before and after a change).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod big_file;
mod changes;
mod history;
mod measure;
mod site;
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
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("plain-parse") {
        return big_file::plain_parse(Path::new(&args[2]));
    }
    let options = match parse_args(&args[1..]) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench: {message}");
            eprintln!(
                "usage: bench [--size 1G] [--history 1000] [--runs 3] [--scale 5000] [--only-scale] [--only verdicts|changes|site] [--site-runs 1000] [--prof PATH] [--dir /tmp/prof-bench]"
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
    let generate = sibling("generate")?;
    let base = dir.join("big.base.json");
    let head = dir.join("big.head.json");
    for (path, variant) in [(&base, "base"), (&head, "head")] {
        measure(
            Command::new(&generate)
                .args(["--seed", "7", "--variant", variant])
                .args(["--target-bytes", &options.size])
                .arg("--out")
                .arg(path),
        )?;
    }
    big_file::rows(&prof, &base, &head, &dir.join("big.db"), dir, runs)?;
    history::rows(&prof, dir, options.history, runs)?;
    changes::rows(&prof, dir, runs)?;
    let copies = history::reth_copies(dir)?;
    verdicts::rows(&prof, dir, &copies, options.verdict_runs, runs)?;
    if options.scale > 0 {
        history::scale_rows(&prof, dir, options.scale, runs)?;
    }
    site::rows(&prof, dir, options.site_runs, runs)
}

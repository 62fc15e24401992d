//! `generate`: writes a synthetic but realistic OpenVM metrics JSON file (the
//! input `prof ingest` reads) from a seed, at any size, for examples, tests
//! and benchmarks.
//!
//! It owns everything about generated inputs: the run model (`run.rs`), how
//! big a run is for a target size (`plan.rs`), the vocabulary of AIRs,
//! opcodes and call stacks (`vocab.rs`), the streaming JSON writer
//! (`json.rs`) and its PRNG (`rng.rs`). Only std and serde_json
//! are used, and the PRNG is written out here, so a given command produces
//! the same bytes forever.
//!
//! ```text
//! cargo run --release --example generate -- --seed 7 --variant head --target-bytes 1G --out /tmp/big.head.json
//! ```
//!
//! `--variant head` is a later run of the same benchmark: the same label sets
//! with a few realistic changes. The bundled `data/*.json` were made with this
//! tool; `data/README.md` has the commands.

mod json;
mod plan;
mod rng;
mod run;
mod vocab;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use json::{Counting, Kind, Layout, Out};
use run::Walk;

const USAGE: &str = "\
usage: generate [--seed N] [--variant base|head] [--app NAME] [--target-bytes N[K|M|G]]
                [--compact] [--out PATH|-]

  --seed N            seed of every random choice (default 1)
  --variant V         base (default), or head: a later run with realistic changes
  --app NAME          name of the app group (default fibonacci)
  --target-bytes N    approximate file size; K, M, G are powers of 1024
                      (default 0: the smallest run, 4 segments and 3-4 proofs
                      per aggregation level, about 360K pretty-printed)
  --compact           one entry per line instead of pretty-printed
  --out PATH          where to write; - or no --out writes to stdout";

/// The small default: below the smallest run's size, so the smallest run,
/// which still has every kind of entry.
const DEFAULT_TARGET: u64 = 0;

struct Args {
    seed: u64,
    head: bool,
    app: String,
    target: u64,
    layout: Layout,
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            // A closed pipe (`generate --help | head`) is not an error.
            let _ = writeln!(io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("generate: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("generate: {error}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &Args) -> io::Result<()> {
    let started = Instant::now();
    let (shape, pools) = plan::plan(&args.app, args.seed, args.target, args.layout);
    let sink: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(io::stdout().lock()),
    };
    let writer = BufWriter::with_capacity(
        1 << 20,
        Counting {
            inner: sink,
            bytes: 0,
        },
    );
    let mut out = Out::new(writer, args.layout);
    for kind in [Kind::Counter, Kind::Gauge] {
        out.begin_array(Some(kind));
        Walk::new(&mut out, &shape, &pools, args.seed, args.head).run();
        out.end_array();
    }
    let entries = out.entries;
    let bytes = out
        .finish()?
        .into_inner()
        .map_err(|e| e.into_error())?
        .bytes;
    eprintln!(
        "generate: {bytes} bytes, {entries} entries, {} segments, {:?} leaf/internal.0/internal.1 \
         proofs, {:.1} spans per proof, {:.2}s",
        shape.segments,
        shape.proofs,
        shape.spans_per_unit,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        seed: 1,
        head: false,
        app: "fibonacci".into(),
        target: DEFAULT_TARGET,
        layout: Layout::Pretty,
        out: None,
    };
    while let Some(arg) = argv.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--seed" => {
                let v = value()?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "--variant" => {
                args.head = match value()?.as_str() {
                    "base" => false,
                    "head" => true,
                    other => return Err(format!("--variant: expected base or head, got {other}")),
                }
            }
            "--app" => args.app = value()?,
            "--target-bytes" => args.target = parse_size(&value()?)?,
            "--compact" if inline.is_none() => args.layout = Layout::Compact,
            "--out" => {
                let v = value()?;
                args.out = (v != "-").then(|| PathBuf::from(v));
            }
            _ => return Err(format!("unknown argument: {arg}")),
        }
    }
    Ok(Some(args))
}

/// `1048576`, `200K`, `1.5M`, `1G` (binary multiples; a trailing B is allowed).
fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || format!("--target-bytes: expected a size like 200K, 100M or 1G, got {text}");
    let upper = text.trim().to_ascii_uppercase();
    let digits = upper.strip_suffix('B').unwrap_or(&upper);
    let (number, multiplier) = match digits.chars().last() {
        Some('K') => (&digits[..digits.len() - 1], 1u64 << 10),
        Some('M') => (&digits[..digits.len() - 1], 1 << 20),
        Some('G') => (&digits[..digits.len() - 1], 1 << 30),
        _ => (digits, 1),
    };
    let number: f64 = number.parse().map_err(|_| bad())?;
    if !(number.is_finite() && number >= 0.0) {
        return Err(bad());
    }
    Ok((number * multiplier as f64) as u64)
}

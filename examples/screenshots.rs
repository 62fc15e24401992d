//! `screenshots`: makes the README's pictures of `prof site` and `prof
//! flamegraph` from a small generated history, with headless Chromium, so
//! they show what the code draws today.
//!
//! ```text
//! cargo build --release --bin prof --examples && target/release/examples/screenshots [--out docs]
//! ```
//!
//! Writes `site-index.png` and `flamegraph.png` into `--out` (default
//! `docs/`). The history: twelve runs each of two generated benchmarks on
//! `main`, from `examples/generate` with one seed per benchmark: the base
//! variant for eight runs, then the head variant (a change a few percent
//! wide) for four, so each benchmark shows one shift. Colour emoji in the
//! verdicts need a font (Debian's `fonts-noto-color-emoji`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

fn sibling(name: &str) -> Result<PathBuf, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let examples = me.parent().ok_or("no parent directory")?;
    let path = [examples.join(name), examples.join("..").join(name)]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or(format!(
            "{name} is not built (cargo build --release --bin prof --examples)"
        ))?;
    Ok(path)
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

fn screenshot(url: &str, png: &Path, size: &str) -> Result<(), String> {
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    run(Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pings",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={size}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(url)
        .stderr(Stdio::null()))
}

fn make(out: &Path) -> Result<(), String> {
    let prof = sibling("prof")?;
    let generate = sibling("generate")?;
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = work.path().join("prof.db");
    for seed in 1..=12u32 {
        for (app, app_seed) in [("fibonacci", "1"), ("keccak", "2")] {
            let file = work.path().join(format!("{app}-{seed}.json"));
            run(Command::new(&generate)
                .args(["--app", app, "--seed", app_seed])
                .args(["--variant", if seed <= 8 { "base" } else { "head" }])
                .arg("--out")
                .arg(&file))?;
            run(Command::new(&prof)
                .arg("--db")
                .arg(&db)
                // Repeated content is a new run all the same: --force.
                .args([
                    "ingest", "--force", "--name", app, "--branch", "main", "--commit",
                ])
                .arg(format!("{seed:02}c0ffee{seed:02}"))
                .arg("--time")
                .arg(format!("2026-11-{seed:02}T12:00:00Z"))
                .arg(&file)
                .stderr(Stdio::null()))?;
        }
    }
    let site = work.path().join("site");
    run(Command::new(&prof)
        .arg("--db")
        .arg(&db)
        .args(["site", "--out-dir"])
        .arg(&site)
        .stderr(Stdio::null()))?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    screenshot(
        &format!("file://{}", site.join("index.html").display()),
        &out.join("site-index.png"),
        "1100,520",
    )?;
    let flames = work.path().join("flames");
    run(Command::new(&prof)
        .arg("--db")
        .arg(&db)
        .args(["flamegraph", "fibonacci", "-o"])
        .arg(&flames)
        .stderr(Stdio::null()))?;
    let svg = flames.join("fibonacci.leaf.cycle_tracker_span.dsl_ir.opcode.frequency.svg");
    screenshot(
        &format!("file://{}", svg.display()),
        &out.join("flamegraph.png"),
        "1200,700",
    )?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = match args.as_slice() {
        [] => PathBuf::from("docs"),
        [flag, dir] if flag == "--out" => PathBuf::from(dir),
        _ => {
            eprintln!("usage: screenshots [--out DIR]");
            return ExitCode::from(2);
        }
    };
    match make(&out) {
        Ok(()) => {
            eprintln!("{}: site-index.png, flamegraph.png", out.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("screenshots: {message}");
            ExitCode::FAILURE
        }
    }
}

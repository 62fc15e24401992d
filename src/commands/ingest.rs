//! `prof ingest`: stores each file as a run and prints the new ids.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{Cli, IngestArgs};
use crate::db::{self, Access};
use crate::error::{Error, Result};
use crate::ingest_pipeline::{self as ingest, IngestOptions, Outcome};
use crate::render::text::plural;

use super::stdout_error;

pub fn run(cli: &Cli, args: &IngestArgs) -> Result<ExitCode> {
    let options = ingest_options(args)?;
    let db_path = cli.db_path();
    let mut conn = db::open(&db_path, Access::ReadWrite)?;
    let mut failed = 0usize;
    let mut stdout_failure = None;
    ingest::ingest_files(
        &mut conn,
        &args.files,
        &options,
        |path, result| match result {
            Ok(outcome) => {
                let run_id = match &outcome {
                    Outcome::Created { run_id, .. } | Outcome::Existing { run_id, .. } => *run_id,
                };
                // stdout carries the ids alone, so scripts can capture them.
                if let Err(e) = writeln!(std::io::stdout().lock(), "{run_id}") {
                    stdout_failure.get_or_insert(e);
                }
                describe(path, &outcome, options.commit_sha.as_deref());
                if options.name.is_none() {
                    warn_if_named_per_commit(path, options.commit_sha.as_deref());
                }
            }
            Err(error) => {
                failed += 1;
                crate::note!("prof: {error}");
            }
        },
    );
    if failed < args.files.len() {
        db::checkpoint(&conn, &db_path)?;
    }
    if let Some(e) = stdout_failure {
        return Err(stdout_error(&e));
    }
    if options.commit_sha.is_none() && failed < args.files.len() {
        crate::note!(
            "prof: note: the runs have no commit (pass --commit or set $GITHUB_SHA), so NAME@COMMIT cannot find them"
        );
    }
    // A database this call created stays even when every file failed: by
    // now another process may have opened the same new file and be waiting
    // to write its run, and removing the file would lose that run. An
    // empty prof database is harmless; the next ingest uses it.
    if failed > 0 {
        match args.files.len() {
            1 => {}
            total if failed == total => {
                crate::note!("prof: all {total} files failed; nothing was stored")
            }
            total => crate::note!("prof: {failed} of {total} files failed; the others were stored"),
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// What happened to one file, on stderr.
fn describe(path: &Path, outcome: &Outcome, commit: Option<&str>) {
    let path = path.display();
    match outcome {
        Outcome::Created {
            run_id,
            name,
            counts,
            repeat,
        } => {
            let mut note = format!(
                "{path}: run {run_id} ({name}): {} from {}",
                plural(counts.samples, "sample"),
                plural(counts.entries, "entry")
            );
            if counts.zero_counters > 0 {
                note += &format!(", {} dropped", plural(counts.zero_counters, "zero counter"));
            }
            crate::note!("{note}");
            if counts.samples == 0 {
                crate::note!("{path}: warning: the file has no samples; the run is stored empty");
            }
            if counts.nonfinite > 0 {
                crate::note!(
                    "{path}: warning: {} (NaN/inf) stored but kept out of statistics",
                    plural(counts.nonfinite, "non-finite value")
                );
            }
            if counts.repeated_keys > 0 {
                crate::note!(
                    "{path}: warning: {} a label key twice; the first value was kept",
                    if counts.repeated_keys == 1 {
                        "1 entry names".to_string()
                    } else {
                        format!("{} entries name", counts.repeated_keys)
                    }
                );
            }
            if let (Some(repeat), Some(commit)) = (repeat, commit) {
                crate::note!(
                    "prof: stored run {run_id} as repeat {repeat} of {name} at {commit}; \
                     use --name if it is a different benchmark"
                );
            }
        }
        Outcome::Existing { run_id, name } => crate::note!(
            "{path}: already stored as run {run_id} ({name}, same content and commit); \
             nothing added (use --force to store it again)"
        ),
    }
}

/// A file named by nothing but a hash or date (`a9d7984.json`) would start
/// a new benchmark at every commit.
fn warn_if_named_per_commit(path: &Path, commit: Option<&str>) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if crate::naming::only_hashes_and_dates(&stem, commit) {
        crate::note!(
            "{}: warning: the file name is only a commit hash or date, so each commit's run \
             would be a benchmark of its own (name the benchmark with --name)",
            path.display()
        );
    }
}

fn ingest_options(args: &IngestArgs) -> Result<IngestOptions> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    for (flag, value) in [
        ("--name", &args.name),
        ("--commit", &args.commit),
        ("--branch", &args.branch),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(Error::usage(format!(
                "{flag} is empty: give a value or leave the flag out"
            )));
        }
    }
    let meta = args
        .meta
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
            _ => Err(Error::usage(format!(
                "--meta {pair}: expected KEY=VALUE, e.g. --meta instance=g6.2xlarge"
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let created_at = match &args.time {
        Some(text) => parse_time(text)?,
        None => jiff::Timestamp::now(),
    };
    Ok(IngestOptions {
        name: args.name.clone(),
        commit_sha: args.commit.clone().or_else(|| env("GITHUB_SHA")),
        branch: args
            .branch
            .clone()
            .or_else(|| env("GITHUB_HEAD_REF"))
            .or_else(|| env("GITHUB_REF_NAME")),
        meta,
        created_at: ingest::format_time(created_at),
        force: args.force,
        format: args.format.map(|format| match format {
            crate::cli::IngestFormat::Metrics => crate::input::Format::Metrics,
            crate::cli::IngestFormat::Bmf => crate::input::Format::Bmf,
        }),
    })
}

/// `--time`, which orders runs: a time more than a day ahead is a mistake
/// (a wrong year, a local time marked as UTC) that would make the run the
/// newest for as long as the history lasts.
fn parse_time(text: &str) -> Result<jiff::Timestamp> {
    let time = text.parse::<jiff::Timestamp>().map_err(|_| {
        Error::usage(format!(
            "--time {text}: expected an RFC 3339 time such as 2026-11-25T20:30:00Z"
        ))
    })?;
    let latest = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24);
    if time > latest {
        return Err(Error::usage(format!(
            "--time {text}: more than a day in the future (give the time the run happened)"
        )));
    }
    Ok(time)
}

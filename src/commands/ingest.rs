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
    let existed = db_path.exists();
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
                describe(path, &outcome, options.name.is_some());
            }
            Err(error) => {
                failed += 1;
                eprintln!("prof: {error}");
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
        eprintln!(
            "prof: note: the runs have no commit (pass --commit or set $GITHUB_SHA), so NAME@COMMIT cannot find them"
        );
    }
    if failed == args.files.len() && !existed {
        // Nothing was stored: leave no new database behind either.
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
        }
    }
    if failed > 0 {
        match args.files.len() {
            1 => {}
            total if failed == total => {
                eprintln!("prof: all {total} files failed; nothing was stored")
            }
            total => eprintln!("prof: {failed} of {total} files failed; the others were stored"),
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// What happened to one file, on stderr.
fn describe(path: &Path, outcome: &Outcome, named: bool) {
    let path = path.display();
    match outcome {
        Outcome::Created {
            run_id,
            name,
            counts,
            app_groups,
        } => {
            let mut note = format!(
                "{path}: run {run_id} ({name}): {} from {}",
                plural(counts.samples, "sample"),
                plural(counts.entries, "entry")
            );
            if counts.zero_counters > 0 {
                note += &format!(", {} dropped", plural(counts.zero_counters, "zero counter"));
            }
            eprintln!("{note}");
            if counts.samples == 0 {
                eprintln!("{path}: warning: the file has no samples; the run is stored empty");
            }
            if counts.nonfinite > 0 {
                eprintln!(
                    "{path}: warning: {} (NaN/inf) stored but kept out of statistics",
                    plural(counts.nonfinite, "non-finite value")
                );
            }
            if counts.repeated_keys > 0 {
                eprintln!(
                    "{path}: warning: {} a label key twice; the first value was kept",
                    if counts.repeated_keys == 1 {
                        "1 entry names".to_string()
                    } else {
                        format!("{} entries name", counts.repeated_keys)
                    }
                );
            }
            if !named && app_groups.len() > 1 {
                eprintln!(
                    "{path}: warning: several app groups ({}); named the run `{name}` (choose with --name)",
                    app_groups.join(", ")
                );
            }
        }
        Outcome::Existing { run_id, name } => eprintln!(
            "{path}: already stored as run {run_id} ({name}, same content and commit); \
             nothing added (use --force to store it again)"
        ),
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
    })
}

fn parse_time(text: &str) -> Result<jiff::Timestamp> {
    text.parse::<jiff::Timestamp>().map_err(|_| {
        Error::usage(format!(
            "--time {text}: expected an RFC 3339 time such as 2026-11-25T20:30:00Z"
        ))
    })
}

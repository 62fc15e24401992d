//! The `prof` binary: parses the command line, turns it into validated
//! options, runs the command and maps failures to one line and an exit code
//! (2 for errors; 1 is kept for "the check failed").

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use prof::cli::{Cli, Command, IngestArgs, RunsArgs, RunsFormat};
use prof::db::{self, Access};
use prof::error::{self, Error, Result};
use prof::ingest::{self, IngestOptions, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Ingest(args) => run_ingest(&cli, args),
        Command::Runs(args) => run_runs(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("prof: {error}");
            ExitCode::from(2)
        }
    }
}

fn run_ingest(cli: &Cli, args: &IngestArgs) -> Result<ExitCode> {
    let options = ingest_options(args)?;
    let mut conn = db::open(&cli.db, Access::ReadWrite)?;
    let mut failed = 0usize;
    let stdout = std::io::stdout();
    for path in &args.files {
        match ingest::ingest_file(&mut conn, path, &options) {
            Ok(Outcome::Created {
                run_id,
                name,
                counts,
                app_groups,
            }) => {
                writeln!(stdout.lock(), "{run_id}").map_err(|e| stdout_error(&e))?;
                let mut note = format!(
                    "{}: run {run_id} ({name}): {} samples from {} entries",
                    path.display(),
                    counts.samples,
                    counts.entries
                );
                if counts.zero_counters > 0 {
                    note += &format!(", {} zero counters dropped", counts.zero_counters);
                }
                eprintln!("{note}");
                if counts.nonfinite > 0 {
                    eprintln!(
                        "{}: warning: {} non-finite values (NaN/inf) stored but kept out of statistics",
                        path.display(),
                        counts.nonfinite
                    );
                }
                if counts.repeated_keys > 0 {
                    eprintln!(
                        "{}: warning: {} entries name a label key twice; the first value was kept",
                        path.display(),
                        counts.repeated_keys
                    );
                }
                if options.name.is_none() && app_groups.len() > 1 {
                    eprintln!(
                        "{}: warning: several app groups ({}); named the run `{name}` (choose with --name)",
                        path.display(),
                        app_groups.join(", ")
                    );
                }
            }
            Ok(Outcome::Existing { run_id, name }) => {
                writeln!(stdout.lock(), "{run_id}").map_err(|e| stdout_error(&e))?;
                eprintln!(
                    "{}: already stored as run {run_id} ({name}, same content and commit); \
                     nothing added (use --force to store it again)",
                    path.display()
                );
            }
            Err(error) => {
                failed += 1;
                eprintln!("prof: {error}");
            }
        }
    }
    if failed > 0 {
        if args.files.len() > 1 {
            eprintln!(
                "prof: {failed} of {} files failed; the others were stored",
                args.files.len()
            );
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn ingest_options(args: &IngestArgs) -> Result<IngestOptions> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
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
        created_at: format_time(created_at),
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

/// Seconds precision, UTC: sorts as text and reads well in `prof runs`.
fn format_time(time: jiff::Timestamp) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn run_runs(cli: &Cli, args: &RunsArgs) -> Result<ExitCode> {
    let conn = db::open(&cli.db, Access::ReadOnly)?;
    let runs = db::queries::list_runs(&conn, args.name.as_deref(), args.limit)
        .map_err(|e| error::sqlite(&cli.db, &e))?;
    let text = match args.format {
        RunsFormat::Json => {
            let mut text = serde_json::to_string_pretty(&runs).expect("run rows serialise");
            text.push('\n');
            text
        }
        RunsFormat::Table => runs_table(&runs),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| stdout_error(&e))?;
    Ok(ExitCode::SUCCESS)
}

fn runs_table(runs: &[prof::model::RunRow]) -> String {
    let header = [
        "id",
        "name",
        "commit",
        "branch",
        "created",
        "serial_s",
        "parallel_s",
    ];
    let rows: Vec<[String; 7]> = runs
        .iter()
        .map(|run| {
            let mark = if run.estimated { "*" } else { "" };
            [
                run.id.to_string(),
                run.name.clone(),
                run.commit_sha
                    .as_deref()
                    .map(|c| c.chars().take(10).collect())
                    .unwrap_or("-".into()),
                run.branch.clone().unwrap_or_else(|| "-".into()),
                run.created_at.clone(),
                format!("{:.3}{mark}", run.serial_s),
                format!("{:.3}{mark}", run.parallel_s),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, width))| {
                if i == 0 || i >= 5 {
                    format!("{cell:>width$}")
                } else {
                    format!("{cell:<width$}")
                }
            })
            .collect();
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if runs.iter().any(|run| run.estimated) {
        out.push_str("* includes a group estimated from its components\n");
    }
    out
}

fn stdout_error(error: &std::io::Error) -> Error {
    Error::usage(format!(
        "cannot write to standard output: {}",
        error::io_reason(error)
    ))
}

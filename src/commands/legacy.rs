//! `prof legacy`: the original profiler's command line. It writes what the
//! original wrote beside each input (`X.md`, `X.detailed.md`, the chart),
//! the BMF file and the summary, with prof's corrected numbers, going
//! through a temporary database unless `--db` names one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{Cli, LegacyArgs, LegacyCommand};
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::ingest_pipeline::{self as ingest, IngestOptions, Outcome};
use crate::render::file_names::{self, ReportFiles};
use crate::render::{bmf, markdown};
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
use crate::report::summary::{self, Entry};

use super::compare::{check_output_dir, write_file, write_report_files};
use super::print;

pub fn run(cli: &Cli, args: &LegacyArgs) -> Result<ExitCode> {
    let count = args.json_paths.len();
    if let Some(prev) = &args.prev_json_paths {
        if prev.len() != count {
            return Err(Error::usage(format!(
                "--prev-json-paths has {} for {count} --json-paths; give one per file, in the same order",
                crate::render::text::plural(prev.len() as u64, "path")
            )));
        }
    }
    if let Some(names) = &args.names {
        if names.len() != count {
            return Err(Error::usage(format!(
                "--names has {} for {count} --json-paths; give one per file, in the same order",
                crate::render::text::plural(names.len() as u64, "name")
            )));
        }
    }
    let names = benchmark_names(args)?;
    // A temporary database lives as long as this directory handle.
    let temp = match cli.db_given() {
        Some(_) => None,
        None => Some(
            tempfile::tempdir().map_err(|e| Error::output(Path::new("temporary directory"), &e))?,
        ),
    };
    let db_path = match &temp {
        Some(dir) => dir.path().join("prof.db"),
        None => cli.db_path(),
    };
    let mut conn = db::open(&db_path, Access::ReadWrite)?;
    let options = ReportOptions {
        num_devices: args.num_devices as usize,
        proofs_per_device: args.proofs_per_device as usize,
        ..ReportOptions::default()
    };
    for path in [args.output_json.as_ref(), summary_path(args)]
        .into_iter()
        .flatten()
    {
        check_output_dir(path)?;
    }
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    // Every input is stored before any output is written, so a bad file
    // leaves no half-written set of reports behind.
    let mut pairs: Vec<(i64, Option<i64>)> = Vec::with_capacity(count);
    for (i, path) in args.json_paths.iter().enumerate() {
        let head_options = IngestOptions {
            name: Some(names[i].clone()),
            created_at: modified(path),
            ..IngestOptions::default()
        };
        let head = run_id(ingest::ingest_file(&mut conn, path, &head_options)?);
        // The original's rule: a previous file that does not exist means a
        // new benchmark.
        let prev = args
            .prev_json_paths
            .as_ref()
            .map(|p| &p[i])
            .filter(|p| p.exists());
        let base = match prev {
            Some(prev) => {
                let head_name = db::queries::run(&conn, head)
                    .map_err(sql)?
                    .expect("the run was just stored")
                    .name;
                let prev_options = IngestOptions {
                    name: Some(head_name),
                    created_at: modified(prev),
                    ..IngestOptions::default()
                };
                Some(run_id(ingest::ingest_file(&mut conn, prev, &prev_options)?))
            }
            None => None,
        };
        pairs.push((head, base));
    }
    if temp.is_none() {
        db::checkpoint(&conn, &db_path)?;
    }
    let files = files_beside_inputs(args);
    let mut reports: Vec<(Report, String)> = Vec::with_capacity(count);
    for ((path, files), (head, base)) in args.json_paths.iter().zip(&files).zip(pairs) {
        let head_run = db::queries::run(&conn, head)
            .map_err(sql)?
            .expect("the run was just stored");
        let base_run = base
            .map(|id| db::queries::run(&conn, id))
            .transpose()
            .map_err(sql)?
            .flatten();
        let mut report =
            build::build(&conn, base_run.as_ref(), &head_run, &options).map_err(sql)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        write_report_files(&mut report, dir, files, None)?;
        reports.push((report, files.main.clone()));
    }
    if let Some(path) = &args.output_json {
        let mut benchmarks = bmf::Benchmarks::new();
        for (report, _) in &reports {
            bmf::add_report(&mut benchmarks, &report.name, report);
        }
        write_file(path, &bmf::to_json(&benchmarks))?;
    }
    if let Some(LegacyCommand::Summary(summary_args)) = &args.command {
        let link = summary_args.benchmark_results_link.trim_end_matches('/');
        let entries: Vec<Entry<'_>> = reports
            .iter()
            .map(|(report, md)| Entry {
                report,
                link: Some(format!("{link}/{md}")),
            })
            .collect();
        let text = markdown::render_summary(&summary::summarize(&entries, None), None)?;
        match &summary_args.summary_md_path {
            Some(path) => write_file(path, &text)?,
            None => print(&text)?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The report files of each input, beside it as the original wrote them
/// (`a.json` gives `a.md`), made distinct per directory: two inputs with
/// one stem, or an input or output that a report would overwrite, get
/// hashed names instead (see [`file_names::assign`]).
fn files_beside_inputs(args: &LegacyArgs) -> Vec<ReportFiles> {
    let dir_of = |path: &Path| path.parent().unwrap_or(Path::new("")).to_path_buf();
    let name_of = |path: &Path| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let every_path: Vec<&PathBuf> = args
        .json_paths
        .iter()
        .chain(args.prev_json_paths.iter().flatten())
        .chain(args.output_json.as_ref())
        .chain(summary_path(args))
        .collect();
    let mut assigned: Vec<Option<ReportFiles>> = vec![None; args.json_paths.len()];
    let dirs: BTreeSet<PathBuf> = args.json_paths.iter().map(|p| dir_of(p)).collect();
    for dir in dirs {
        let inputs: Vec<usize> = (0..args.json_paths.len())
            .filter(|&i| dir_of(&args.json_paths[i]) == dir)
            .collect();
        let stems: Vec<String> = inputs
            .iter()
            .map(|&i| {
                let path = &args.json_paths[i];
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| name_of(path))
            })
            .collect();
        let taken: Vec<String> = every_path
            .iter()
            .filter(|p| dir_of(p) == dir)
            .map(|p| name_of(p))
            .collect();
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
        for (&i, files) in inputs.iter().zip(file_names::assign(&stems, &taken, &[])) {
            assigned[i] = Some(files);
        }
    }
    assigned
        .into_iter()
        .map(|files| files.expect("every input is in one directory"))
        .collect()
}

/// Each input's benchmark name: `--names`, else the file's default name.
/// Two inputs with one name would be one benchmark and one of them would be
/// missing from the BMF file and the summary, so that is refused before
/// anything is stored or written.
fn benchmark_names(args: &LegacyArgs) -> Result<Vec<String>> {
    let names: Vec<String> = match &args.names {
        Some(names) => names.clone(),
        None => args
            .json_paths
            .iter()
            .map(|path| ingest::default_name(path, None))
            .collect(),
    };
    for (later, name) in names.iter().enumerate() {
        if let Some(earlier) = names[..later].iter().position(|n| n == name) {
            return Err(Error::usage(format!(
                "{} and {} would both be benchmark `{name}`: give each input its own name with --names",
                args.json_paths[earlier].display(),
                args.json_paths[later].display()
            )));
        }
    }
    Ok(names)
}

fn summary_path(args: &LegacyArgs) -> Option<&PathBuf> {
    match &args.command {
        Some(LegacyCommand::Summary(summary)) => summary.summary_md_path.as_ref(),
        None => None,
    }
}

/// A file's modification time as a run's time: the same files give the same
/// reports, byte for byte.
fn modified(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|time| jiff::Timestamp::try_from(time).ok())
        .map(ingest::format_time)
        .unwrap_or_else(ingest::now)
}

fn run_id(outcome: Outcome) -> i64 {
    match outcome {
        Outcome::Created { run_id, .. } | Outcome::Existing { run_id, .. } => run_id,
    }
}

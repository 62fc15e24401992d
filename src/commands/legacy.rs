//! `prof legacy`: the original profiler's command line. It writes what the
//! original wrote beside each input (`X.md`, `X.detailed.md`, the chart),
//! the BMF file and the summary, with prof's corrected numbers, going
//! through a temporary database unless `--db` names one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{Cli, LegacyArgs, LegacyCommand, LegacySummaryArgs};
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::ingest_pipeline::{self as ingest, IngestOptions, Outcome};
use crate::model::RunRow;
use crate::render::file_names::{self, ReportFiles};
use crate::render::{bmf, markdown};
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
use crate::report::summary::{self, Entry};

use super::files::{check_output_dir, write_file, write_report_files};
use super::print;

/// `LegacyArgs`, checked before anything is stored or written.
struct LegacyOptions {
    /// Each input's benchmark name, distinct.
    names: Vec<String>,
    report: ReportOptions,
}

impl LegacyOptions {
    fn from_args(args: &LegacyArgs) -> Result<LegacyOptions> {
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
        for path in [args.output_json.as_ref(), summary_path(args)]
            .into_iter()
            .flatten()
        {
            check_output_dir(path)?;
        }
        Ok(LegacyOptions {
            names,
            report: args.provers.apply(ReportOptions::default()),
        })
    }
}

/// The database `legacy` stores its inputs in: `--db` (or `$PROF_DB`),
/// else a temporary one that lives as long as this value.
struct LegacyDb {
    path: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl LegacyDb {
    fn choose(cli: &Cli) -> Result<LegacyDb> {
        if cli.db_given().is_some() {
            return Ok(LegacyDb {
                path: cli.db_path(),
                temp: None,
            });
        }
        let temp =
            tempfile::tempdir().map_err(|e| Error::output(Path::new("temporary directory"), &e))?;
        Ok(LegacyDb {
            path: temp.path().join("prof.db"),
            temp: Some(temp),
        })
    }
}

pub fn run(cli: &Cli, args: &LegacyArgs) -> Result<ExitCode> {
    let options = LegacyOptions::from_args(args)?;
    let db = LegacyDb::choose(cli)?;
    let mut conn = db::open(&db.path, Access::ReadWrite)?;
    let pairs = store_inputs(&mut conn, &db.path, args, &options.names)?;
    if db.temp.is_none() {
        db::checkpoint(&conn, &db.path)?;
    }
    let reports = write_reports(&conn, &db.path, args, &options.report, pairs)?;
    if let Some(path) = &args.output_json {
        let mut benchmarks = bmf::Benchmarks::new();
        for (report, _) in &reports {
            bmf::add_report(&mut benchmarks, &report.name, report);
        }
        write_file(path, &bmf::to_json(&benchmarks))?;
    }
    if let Some(LegacyCommand::Summary(summary_args)) = &args.command {
        write_summary(summary_args, &reports)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Stores every input, and its previous run where the file exists, before
/// any output is written, so a bad file leaves no half-written set of
/// reports behind. Gives the (head, base) run ids of each input.
fn store_inputs(
    conn: &mut Connection,
    db_path: &Path,
    args: &LegacyArgs,
    names: &[String],
) -> Result<Vec<(i64, Option<i64>)>> {
    let mut pairs = Vec::with_capacity(args.json_paths.len());
    for (i, path) in args.json_paths.iter().enumerate() {
        let head_options = IngestOptions {
            name: Some(names[i].clone()),
            created_at: modified(path),
            ..IngestOptions::default()
        };
        let head = run_id(ingest::ingest_file(conn, path, &head_options)?);
        // The original's rule: a previous file that does not exist means a
        // new benchmark.
        let prev = args
            .prev_json_paths
            .as_ref()
            .map(|p| &p[i])
            .filter(|p| p.exists());
        let base = match prev {
            Some(prev) => {
                let prev_options = IngestOptions {
                    name: Some(stored_run(conn, db_path, head)?.name),
                    created_at: modified(prev),
                    ..IngestOptions::default()
                };
                Some(run_id(ingest::ingest_file(conn, prev, &prev_options)?))
            }
            None => None,
        };
        pairs.push((head, base));
    }
    Ok(pairs)
}

/// Builds each input's report and writes it beside the input; gives the
/// reports with the name of each one's main file.
fn write_reports(
    conn: &Connection,
    db_path: &Path,
    args: &LegacyArgs,
    options: &ReportOptions,
    pairs: Vec<(i64, Option<i64>)>,
) -> Result<Vec<(Report, String)>> {
    let files = files_beside_inputs(args);
    let mut reports = Vec::with_capacity(pairs.len());
    for ((path, files), (head, base)) in args.json_paths.iter().zip(&files).zip(pairs) {
        let head_run = stored_run(conn, db_path, head)?;
        let base_run = base.map(|id| stored_run(conn, db_path, id)).transpose()?;
        let mut report = build::build(conn, base_run.as_ref(), &head_run, options)
            .map_err(|e| error::sqlite(db_path, &e))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        write_report_files(&mut report, dir, files, None)?;
        reports.push((report, files.main.clone()));
    }
    Ok(reports)
}

/// The summary of every report, linking each to its file under the
/// results link, to `--summary-md-path` or stdout.
fn write_summary(args: &LegacySummaryArgs, reports: &[(Report, String)]) -> Result<()> {
    let link = args.benchmark_results_link.trim_end_matches('/');
    let entries: Vec<Entry<'_>> = reports
        .iter()
        .map(|(report, md)| Entry {
            report,
            link: Some(format!("{link}/{md}")),
        })
        .collect();
    let text = markdown::render_summary(&summary::summarize(&entries, None), None)?;
    match &args.summary_md_path {
        Some(path) => write_file(path, &text),
        None => print(&text),
    }
}

/// A run this command stored a moment ago.
fn stored_run(conn: &Connection, db_path: &Path, id: i64) -> Result<RunRow> {
    db::queries::run(conn, id)
        .map_err(|e| error::sqlite(db_path, &e))?
        .ok_or_else(|| Error::internal(format!("run {id} was stored but cannot be read back")))
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

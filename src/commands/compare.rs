//! `prof compare BASE HEAD` and `prof show RUN`: resolve the runs, build the
//! report, render it in the chosen format, and write it to stdout or files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{Cli, CompareArgs, ReportArgs, ShowArgs};
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::render::{Exporter, Format, bmf::Bmf, json::Json, markdown::Markdown};
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
use crate::report::headline::MetricSelection;
use crate::runref;

use super::print;

/// `ReportArgs`, checked.
pub struct Output {
    pub format: Format,
    pub path: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    pub options: ReportOptions,
}

impl Output {
    pub fn from_args(args: &ReportArgs) -> Result<Output> {
        let metrics = match (&args.metrics, args.all_metrics) {
            (_, true) => MetricSelection::All,
            (Some(list), false) => {
                let list: Vec<String> = list
                    .iter()
                    .map(|m| m.trim().to_string())
                    .filter(|m| !m.is_empty())
                    .collect();
                if list.is_empty() {
                    return Err(Error::usage(
                        "--metrics needs at least one metric name, e.g. --metrics trace_gen_time_ms",
                    ));
                }
                MetricSelection::Only(list)
            }
            (None, false) => MetricSelection::Headline,
        };
        check_templates_dir(args.templates.as_deref())?;
        if let Some(path) = &args.output {
            check_output_dir(path)?;
        }
        Ok(Output {
            format: args.format,
            path: args.output.clone(),
            templates: args.templates.clone(),
            options: ReportOptions {
                num_devices: args.num_devices as usize,
                proofs_per_device: args.proofs_per_device as usize,
                metrics,
                details: args.format == Format::Md || args.format == Format::Json,
            },
        })
    }
}

/// The directory an output file goes to must exist: checked before any
/// work, so a typo costs nothing.
pub fn check_output_dir(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(Error::Output {
            path: path.to_path_buf(),
            detail: format!(
                "cannot write: {} is not a directory (create it first)",
                dir.display()
            ),
        }),
        _ => Ok(()),
    }
}

/// `--templates DIR` must name a directory.
pub fn check_templates_dir(dir: Option<&Path>) -> Result<()> {
    match dir {
        Some(dir) if !dir.is_dir() => Err(Error::usage(format!(
            "--templates {}: not a directory (give a directory holding templates such as compare.md.j2)",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

pub fn run_compare(cli: &Cli, args: &CompareArgs) -> Result<ExitCode> {
    let output = Output::from_args(&args.report)?;
    let conn = db::open(&cli.db_path(), Access::ReadOnly)?;
    let base = resolve(&conn, &args.base)?;
    let head = resolve(&conn, &args.head)?;
    if base.name != head.name {
        eprintln!(
            "prof: note: run {} is {} and run {} is {}: comparing two different benchmarks",
            base.id, base.name, head.id, head.name
        );
    }
    write_report(&conn, &cli.db_path(), Some(&base), &head, &output)
}

pub fn run_show(cli: &Cli, args: &ShowArgs) -> Result<ExitCode> {
    let output = Output::from_args(&args.report)?;
    let conn = db::open(&cli.db_path(), Access::ReadOnly)?;
    let run = resolve(&conn, &args.run)?;
    write_report(&conn, &cli.db_path(), None, &run, &output)
}

pub fn resolve(conn: &Connection, reference: &str) -> Result<RunRow> {
    runref::resolve(conn, reference).map_err(|e| match e {
        runref::ResolveError::Database(detail) => match conn.path() {
            Some(path) if !path.is_empty() => Error::database(Path::new(path), detail),
            _ => Error::Query(detail),
        },
        other => Error::usage(other),
    })
}

fn write_report(
    conn: &Connection,
    db_path: &Path,
    base: Option<&RunRow>,
    head: &RunRow,
    output: &Output,
) -> Result<ExitCode> {
    let mut report =
        build::build(conn, base, head, &output.options).map_err(|e| error::sqlite(db_path, &e))?;
    if let MetricSelection::Only(list) = &output.options.metrics {
        for metric in list {
            if !report
                .groups
                .iter()
                .any(|g| g.metrics.iter().any(|m| &m.metric == metric))
            {
                eprintln!("prof: note: no group has metric `{metric}` (see --all-metrics)");
            }
        }
    }
    match (&output.path, output.format) {
        (Some(path), Format::Md) => write_markdown(&mut report, path, output.templates.as_deref())?,
        (path, format) => {
            let rendered = match format {
                Format::Md => Markdown {
                    templates: output.templates.clone(),
                    detailed_file: None,
                }
                .render(&report)?,
                Format::Json => Json.render(&report)?,
                Format::Bmf => Bmf.render(&report)?,
            };
            match path {
                Some(path) => write_file(path, &rendered.main)?,
                None => print(&rendered.main)?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `report` as Markdown to `md_path`, its detailed tables beside it as
/// STEM.detailed.md and any GPU chart as STEM.memory.svg, linked from it.
pub fn write_markdown(report: &mut Report, md_path: &Path, templates: Option<&Path>) -> Result<()> {
    let file_name = |suffix: &str| {
        md_path
            .with_extension(suffix)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    };
    if let Some(gpu) = &mut report.gpu_memory {
        gpu.svg_file = file_name("memory.svg");
    }
    let rendered = Markdown {
        templates: templates.map(Path::to_path_buf),
        detailed_file: file_name("detailed.md"),
    }
    .render(report)?;
    write_file(md_path, &rendered.main)?;
    for (suffix, text) in &rendered.attachments {
        write_file(&md_path.with_extension(suffix), text)?;
    }
    Ok(())
}

/// Writes through a temporary file in the same directory, so a reader never
/// sees half a report.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::output(path, &e))?;
    temp.write_all(text.as_bytes())
        .map_err(|e| Error::output(path, &e))?;
    // A temporary file is private (0600); a report is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    temp.persist(path)
        .map_err(|e| Error::output(path, &e.error))?;
    Ok(())
}

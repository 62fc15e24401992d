//! `prof compare BASE HEAD` and `prof show RUN`: resolve the runs, build the
//! report, render it in the chosen format, and write it to stdout or files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{Cli, CompareArgs, ReportArgs, ShowArgs};
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::render::file_names::ReportFiles;
use crate::render::{Exporter, Format, bmf::Bmf, json::Json, markdown::Markdown, plain::Plain};
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
use crate::report::headline::MetricSelection;
use crate::report::verdict::VerdictOptions;
use crate::report::verdict_section::VerdictSection;
use crate::runref;

use super::files::{check_output_dir, check_templates_dir, write_report_files};
use super::{print, verdicts};

// `src/site` still imports it from here; it belongs to `super::files`.
use super::files::write_file;

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
            options: args.provers.apply(ReportOptions {
                metrics,
                details: args.format != Format::Bmf,
                ..ReportOptions::default()
            }),
        })
    }
}

pub fn run_compare(cli: &Cli, args: &CompareArgs) -> Result<ExitCode> {
    let output = Output::from_args(&args.report)?;
    let verdict_options = verdicts::options(&args.verdicts, None)?;
    let conn = db::open(&cli.db_path(), Access::ReadOnly)?;
    let base = runref::resolve_run(&conn, &args.base)?;
    let head = runref::resolve_run(&conn, &args.head)?;
    if base.name != head.name {
        crate::note!(
            "prof: note: run {} is {} and run {} is {}: comparing two different benchmarks",
            base.id,
            base.name,
            head.id,
            head.name
        );
    }
    // Verdicts judge the head against the window that ends at the base run,
    // which only means something for the same benchmark.
    let judge = (base.name == head.name).then_some(&verdict_options);
    write_report(&conn, &cli.db_path(), Some(&base), &head, &output, judge)
}

pub fn run_show(cli: &Cli, args: &ShowArgs) -> Result<ExitCode> {
    let output = Output::from_args(&args.report)?;
    let conn = db::open(&cli.db_path(), Access::ReadOnly)?;
    let run = runref::resolve_run(&conn, &args.run)?;
    write_report(&conn, &cli.db_path(), None, &run, &output, None)
}

fn write_report(
    conn: &Connection,
    db_path: &Path,
    base: Option<&RunRow>,
    head: &RunRow,
    output: &Output,
    verdict_options: Option<&VerdictOptions>,
) -> Result<ExitCode> {
    let mut report =
        build::build(conn, base, head, &output.options).map_err(|e| error::sqlite(db_path, &e))?;
    if let Some(options) = verdict_options {
        let judged = verdicts::Judged {
            report: &mut report,
            head,
            base,
        };
        verdicts::judge(conn, db_path, vec![judged], options)?;
        // Without history a verdict only repeats the diff: compare adds them
        // when the window ending at the base holds --min-history runs.
        let short = |s: &VerdictSection| s.all.iter().all(|v| v.n < options.min_history);
        if report.verdicts.as_ref().is_some_and(short) {
            report.verdicts = None;
        }
    }
    if let MetricSelection::Only(list) = &output.options.metrics {
        for metric in list {
            if !report
                .groups
                .iter()
                .any(|g| g.metrics.iter().any(|m| &m.metric == metric))
            {
                crate::note!("prof: note: no group has metric `{metric}` (see --all-metrics)");
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
                // Colour only for a terminal: a file gets plain text.
                Format::Text if path.is_some() => Plain { color: false }.render(&report)?,
                Format::Text => Plain::for_stdout().render(&report)?,
                Format::Json => Json.render(&report)?,
                Format::Bmf => Bmf.render(&report)?,
            };
            match path {
                Some(path) => write_file(path, &rendered.main)?,
                None => print(&rendered.main)?,
            }
        }
    }
    // The command ends here: a large report's detailed tables are
    // hundreds of thousands of small allocations, which the process's exit
    // returns at once, faster than freeing them one by one.
    std::mem::forget(report);
    Ok(ExitCode::SUCCESS)
}

/// Writes `report` as Markdown to `md_path`, its detailed tables beside it
/// as STEM.detailed.md and any GPU chart as STEM.memory.svg, linked from it.
pub fn write_markdown(report: &mut Report, md_path: &Path, templates: Option<&Path>) -> Result<()> {
    let main = md_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Output {
            path: md_path.to_path_buf(),
            detail: "not a file name (give a file such as report.md)".into(),
        })?;
    let dir = md_path.parent().unwrap_or(Path::new(""));
    write_report_files(report, dir, &ReportFiles::beside(&main), templates)
}

//! `prof report`: every benchmark's newest run at a commit against its
//! baseline, as one PR summary, the per-benchmark reports and one BMF file;
//! exit 1 when `--fail-above` finds a slowdown.

use std::path::Path;
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{Cli, ReportCmdArgs};
use crate::db::lookup::BaselineSource;
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::render::plain::{self, Plain};
use crate::render::text::plural;
use crate::render::{SummaryFormat, bmf, file_names, markdown};
use crate::report::build::ReportOptions;
use crate::report::headline::MetricSelection;
use crate::report::regress::Threshold;
use crate::report::summary::{self, Entry, Summary};
use crate::report::verdict::VerdictOptions;
use crate::report::verdict_section::VerdictSection;

mod runs;

use super::files::{append, check_templates_dir, render_report_files, write_file};
use super::{print, verdicts};
use runs::{Collected, collect, missing};

/// `ReportCmdArgs`, checked before the database is opened.
struct ReportRequest {
    /// The commit prefix of the head runs.
    commit: String,
    threshold: Option<Threshold>,
    /// How far back "Recent shifts on the base branch" looks (`--since`).
    since: jiff::SignedDuration,
    verdicts: VerdictOptions,
    report: ReportOptions,
}

impl ReportRequest {
    fn from_args(args: &ReportCmdArgs) -> Result<ReportRequest> {
        check_templates_dir(args.templates.as_deref())?;
        let commit = args
            .commit
            .clone()
            .or_else(|| std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()))
            .ok_or_else(|| {
                Error::usage(
                    "report needs --commit (or $GITHUB_SHA): the commit whose runs to report",
                )
            })?;
        let threshold = match args.fail_above {
            Some(pct) if pct.is_finite() && pct >= 0.0 => Some(Threshold {
                max_slowdown_pct: pct,
            }),
            Some(pct) => {
                return Err(Error::usage(format!(
                    "--fail-above {pct}: give a percentage of 0 or more, e.g. 5"
                )));
            }
            None => None,
        };
        let verdicts = verdicts::options(&args.verdicts, args.fail_above)?;
        let since = super::changes::parse_age(&args.since)?;
        if commit.trim().is_empty() {
            return Err(Error::usage(
                "--commit is empty: give the commit whose runs to report",
            ));
        }
        if let Some(dir) = &args.out_dir {
            if dir.exists() && !dir.is_dir() {
                return Err(Error::usage(format!(
                    "--out-dir {}: is a file, not a directory",
                    dir.display()
                )));
            }
        }
        Ok(ReportRequest {
            commit,
            threshold,
            since,
            verdicts,
            report: args.provers.apply(ReportOptions {
                metrics: MetricSelection::Headline,
                details: args.out_dir.is_some(),
                ..ReportOptions::default()
            }),
        })
    }
}

pub fn run(cli: &Cli, args: &ReportCmdArgs) -> Result<ExitCode> {
    let request = ReportRequest::from_args(args)?;
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let mut collected = collect(&conn, &db_path, args, &request)?;
    let judged = collected
        .reports
        .iter_mut()
        .zip(&collected.heads)
        .zip(&collected.bases)
        .map(|((report, head), base)| verdicts::Judged {
            report,
            head,
            base: base.as_ref(),
        })
        .collect();
    let section = verdicts::judge(&conn, &db_path, judged, &request.verdicts)?;

    let names: Vec<&str> = collected.reports.iter().map(|r| r.name.as_str()).collect();
    let files = file_names::assign(&names, file_names::REPORT_FILES, file_names::REPORT_STEMS);
    let summary = summarize(
        &conn, &db_path, args, &request, &collected, &files, &section,
    )?;
    let text = markdown::render_verdicts(&section, args.templates.as_deref())?
        + &super::changes::recent_shifts(
            &conn,
            &db_path,
            &args.base_branch,
            request.since,
            args.templates.as_deref(),
            &collected.heads,
        )?
        + &markdown::render_summary(&summary, args.templates.as_deref())?;

    match &args.out_dir {
        Some(dir) => {
            let out = OutDir {
                conn: &conn,
                db_path: &db_path,
                dir,
                args,
            };
            out.write(&text, &mut collected, &files, &section)?;
        }
        None if args.format == SummaryFormat::Md => print(&text)?,
        None => {}
    }
    // Text is for a terminal: it goes to stdout with or without --out-dir.
    if args.format == SummaryFormat::Text {
        let color = Plain::for_stdout().color;
        print(&(plain::render_verdicts(&section) + &plain::render_summary(&summary, color)))?;
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        append(Path::new(&path), &text)?;
    }
    Ok(exit_code(args, &collected.head_commit, &summary, &section))
}

/// The summary table of every report, with the benchmarks that have no
/// head run, and "nothing regressed" only where the verdicts agree.
fn summarize(
    conn: &Connection,
    db_path: &Path,
    args: &ReportCmdArgs,
    request: &ReportRequest,
    collected: &Collected,
    files: &[file_names::ReportFiles],
    section: &VerdictSection,
) -> Result<Summary> {
    let entries: Vec<Entry<'_>> = collected
        .reports
        .iter()
        .zip(files)
        .map(|(report, files)| Entry {
            report,
            link: args
                .results_link
                .as_ref()
                .map(|url| format!("{}/{}", url.trim_end_matches('/'), files.main)),
        })
        .collect();
    let mut summary = summary::summarize(&entries, request.threshold);
    let source = match &collected.baseline_commit {
        Some(commit) => BaselineSource::Commit(commit),
        None => BaselineSource::Branch(&args.base_branch),
    };
    summary.missing =
        missing(conn, &collected.head_commit, source).map_err(|e| error::sqlite(db_path, &e))?;
    // "Nothing regressed" must agree with the verdicts above it: no series
    // worse beyond its own noise (or the fallback threshold), whatever
    // --fail-above says.
    summary.judged_series = section.series;
    summary.nothing_regressed = summary.rows.iter().any(|row| row.base.is_some())
        && summary.regressions.is_empty()
        && section.regressions == 0
        && section.incomplete == 0
        && section.worse_changes == 0;
    Ok(summary)
}

/// `--out-dir`: where the summary, each benchmark's report files, its
/// flamegraphs, the BMF file and the verdicts go.
struct OutDir<'a> {
    conn: &'a Connection,
    db_path: &'a Path,
    dir: &'a Path,
    args: &'a ReportCmdArgs,
}

impl OutDir<'_> {
    fn write(
        &self,
        summary_text: &str,
        collected: &mut Collected,
        files: &[file_names::ReportFiles],
        section: &VerdictSection,
    ) -> Result<()> {
        let dir = self.dir;
        // Everything is rendered before anything is written: a template
        // error leaves no summary linking to reports that were never made.
        let mut benchmarks = bmf::Benchmarks::new();
        let mut rendered = Vec::with_capacity(collected.reports.len());
        for (report, files) in collected.reports.iter_mut().zip(files) {
            bmf::add_report(&mut benchmarks, &report.name.clone(), report);
            rendered.push(render_report_files(
                report,
                files,
                self.args.templates.as_deref(),
            )?);
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, &e))?;
        for report_files in &rendered {
            for (name, text) in report_files {
                write_file(&dir.join(name), text)?;
            }
        }
        if !self.args.no_flamegraphs {
            for (files, head) in files.iter().zip(&collected.heads) {
                let path = dir.join(&files.main);
                crate::flame::write::link_from_markdown(self.conn, head, dir, &path, self.db_path)?;
            }
        }
        write_file(&dir.join(file_names::BMF_FILE), &bmf::to_json(&benchmarks))?;
        write_file(
            &dir.join(file_names::VERDICTS_FILE),
            &verdicts::to_json(section),
        )?;
        write_file(&dir.join(file_names::SUMMARY_FILE), summary_text)?;
        crate::note!(
            "{}: summary.md, bmf.json, verdicts.json and {}",
            dir.display(),
            plural(collected.reports.len() as u64, "report")
        );
        Ok(())
    }
}

/// 1 for a slowdown above --fail-above, a missing benchmark under
/// --fail-on-missing, or what --fail-on finds in the verdicts; each said
/// on stderr.
fn exit_code(
    args: &ReportCmdArgs,
    head_commit: &str,
    summary: &Summary,
    section: &VerdictSection,
) -> ExitCode {
    if !summary.missing.is_empty() {
        crate::note!(
            "prof: {} no run at {head_commit}: {}",
            if summary.missing.len() == 1 {
                "1 benchmark with a baseline has".to_string()
            } else {
                format!("{} benchmarks with a baseline have", summary.missing.len())
            },
            summary
                .missing
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let missing_fails = args.fail_on_missing && !summary.missing.is_empty();
    if missing_fails && summary.regressions.is_empty() {
        return ExitCode::from(1);
    }
    if !summary.regressions.is_empty() {
        crate::note!(
            "prof: {} regression{} above {}%",
            summary.regressions.len(),
            if summary.regressions.len() == 1 {
                ""
            } else {
                "s"
            },
            args.fail_above.unwrap_or_default()
        );
        return ExitCode::from(1);
    }
    super::check::exit_code(section, args.fail_on)
}

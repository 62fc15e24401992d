//! `prof report`: every benchmark's newest run at a commit against its
//! baseline, as one PR summary, the per-benchmark reports and one BMF file;
//! exit 1 when `--fail-above` finds a slowdown.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{Cli, ReportCmdArgs};
use crate::db::lookup::{self, BaselineSource};
use crate::db::{self, Access, queries};
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::render::plain::{self, Plain};
use crate::render::text::plural;
use crate::render::{SummaryFormat, bmf, file_names, markdown};
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
use crate::report::headline::MetricSelection;
use crate::report::regress::Threshold;
use crate::report::summary::{self, Entry, MissingBenchmark};

use super::compare::{check_templates_dir, write_file, write_report_files};
use super::{print, verdicts};

pub fn run(cli: &Cli, args: &ReportCmdArgs) -> Result<ExitCode> {
    check_templates_dir(args.templates.as_deref())?;
    let commit = args
        .commit
        .clone()
        .or_else(|| std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()))
        .ok_or_else(|| {
            Error::usage("report needs --commit (or $GITHUB_SHA): the commit whose runs to report")
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
    let verdict_options = verdicts::options(&args.verdicts, args.fail_above)?;
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
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    let branch_known = args.baseline_commit.is_some()
        || queries::branch_has_runs(&conn, &args.base_branch).map_err(sql)?;
    if !branch_known {
        crate::note!(
            "prof: note: no runs on branch {}, so every benchmark is reported as new \
             (name the branch your base runs are on with --base-branch, or give --baseline-commit)",
            args.base_branch
        );
    }

    let head_commit = one_commit(&conn, &db_path, &commit, "--commit")?;
    let heads = queries::newest_runs_at_commit(&conn, &head_commit).map_err(sql)?;
    let baseline_commit = match &args.baseline_commit {
        Some(prefix) => Some(one_commit(&conn, &db_path, prefix, "--baseline-commit")?),
        None => None,
    };
    // A push to the base branch makes the merge-base the head itself; a
    // repeat is never its own baseline, so the branch rule takes over.
    let baseline_commit = baseline_commit.filter(|base| {
        let same = *base == head_commit;
        if same {
            crate::note!(
                "prof: note: --baseline-commit is the head commit {head_commit} itself; \
                 baselines come from {} before it instead",
                args.base_branch
            );
        }
        !same
    });
    let options = ReportOptions {
        num_devices: args.num_devices as usize,
        proofs_per_device: args.proofs_per_device as usize,
        metrics: MetricSelection::Headline,
        details: args.out_dir.is_some(),
    };
    let mut reports: Vec<Report> = Vec::with_capacity(heads.len());
    let mut bases: Vec<Option<RunRow>> = Vec::with_capacity(heads.len());
    for head in &heads {
        let base = baseline(
            &conn,
            head,
            &head_commit,
            baseline_commit.as_deref(),
            &args.base_branch,
        )
        .map_err(sql)?;
        if base.is_none() && branch_known {
            let place = match &baseline_commit {
                Some(commit) => format!("at {commit}"),
                None => format!("on {} before {head_commit}", args.base_branch),
            };
            crate::note!(
                "prof: note: {} has no baseline run {place}; it is reported as new",
                head.name
            );
        }
        reports.push(build::build(&conn, base.as_ref(), head, &options).map_err(sql)?);
        bases.push(base);
    }
    let judged = reports
        .iter_mut()
        .zip(&heads)
        .zip(&bases)
        .map(|((report, head), base)| verdicts::Judged {
            report,
            head,
            base: base.as_ref(),
        })
        .collect();
    let section = verdicts::judge(&conn, &db_path, judged, &verdict_options)?;

    let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    let files = file_names::assign(&names, file_names::REPORT_FILES, file_names::REPORT_STEMS);
    let entries: Vec<Entry<'_>> = reports
        .iter()
        .zip(&files)
        .map(|(report, files)| Entry {
            report,
            link: args
                .results_link
                .as_ref()
                .map(|url| format!("{}/{}", url.trim_end_matches('/'), files.main)),
        })
        .collect();
    let mut summary = summary::summarize(&entries, threshold);
    let source = match &baseline_commit {
        Some(commit) => BaselineSource::Commit(commit),
        None => BaselineSource::Branch(&args.base_branch),
    };
    summary.missing = missing(&conn, &head_commit, source).map_err(sql)?;
    // "Nothing regressed" must agree with the verdicts above it: no series
    // worse beyond its own noise (or the fallback threshold), whatever
    // --fail-above says.
    summary.judged_series = section.series;
    summary.nothing_regressed = summary.rows.iter().any(|row| row.base.is_some())
        && summary.regressions.is_empty()
        && section.regressions == 0
        && section.worse_changes == 0;
    let text = markdown::render_verdicts(&section, args.templates.as_deref())?
        + &super::changes::recent_shifts(&conn, &db_path, args, &heads)?
        + &markdown::render_summary(&summary, args.templates.as_deref())?;

    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, &e))?;
            write_file(&dir.join(file_names::SUMMARY_FILE), &text)?;
            let mut benchmarks = bmf::Benchmarks::new();
            for ((report, files), head) in reports.iter_mut().zip(&files).zip(&heads) {
                bmf::add_report(&mut benchmarks, &report.name.clone(), report);
                write_report_files(report, dir, files, args.templates.as_deref())?;
                if !args.no_flamegraphs {
                    let path = dir.join(&files.main);
                    crate::flame::write::link_from_markdown(&conn, head, dir, &path, &db_path)?;
                }
            }
            write_file(&dir.join(file_names::BMF_FILE), &bmf::to_json(&benchmarks))?;
            write_file(
                &dir.join(file_names::VERDICTS_FILE),
                &verdicts::to_json(&section),
            )?;
            crate::note!(
                "{}: summary.md, bmf.json, verdicts.json and {}",
                dir.display(),
                plural(reports.len() as u64, "report")
            );
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
        return Ok(ExitCode::from(1));
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
        return Ok(ExitCode::from(1));
    }
    Ok(super::check::exit_code(&section, args.fail_on))
}

/// The benchmarks the report expected at `head_commit` and did not find.
fn missing(
    conn: &Connection,
    head_commit: &str,
    source: BaselineSource<'_>,
) -> rusqlite::Result<Vec<MissingBenchmark>> {
    Ok(lookup::missing_at_commit(conn, head_commit, source)?
        .into_iter()
        .map(|m| MissingBenchmark {
            name: m.name,
            last_commit: m.commit_sha,
            last_run: m.run_id,
        })
        .collect())
}

/// A commit prefix that must name exactly one commit with runs; a commit
/// given in full is taken even when longer ones begin with it.
fn one_commit(conn: &Connection, db_path: &Path, prefix: &str, flag: &str) -> Result<String> {
    let mut commits =
        queries::commits_matching(conn, prefix).map_err(|e| error::sqlite(db_path, &e))?;
    if commits.iter().any(|(sha, _)| sha == prefix) {
        commits.retain(|(sha, _)| sha == prefix);
    }
    match commits.as_slice() {
        [(sha, _)] => Ok(sha.clone()),
        [] => Err(Error::usage(format!(
            "{flag} {prefix}: no runs at a commit starting with {prefix} (see `prof runs`)"
        ))),
        many => Err(Error::usage(format!(
            "{flag} {prefix} is ambiguous: {} (use more characters)",
            many.iter()
                .map(|(sha, n)| format!("{sha} ({})", plural(*n as u64, "run")))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The run `head` is compared with: the newest run of its benchmark at the
/// baseline commit, else on the base branch before the head commit's runs
/// (never a repeat at the head commit).
fn baseline(
    conn: &Connection,
    head: &RunRow,
    head_commit: &str,
    commit: Option<&str>,
    branch: &str,
) -> rusqlite::Result<Option<RunRow>> {
    match commit {
        Some(commit) => queries::newest_run_at_commit(conn, &head.name, commit),
        None => queries::newest_run_on_branch_before(conn, &head.name, branch, head_commit),
    }
}

fn append(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::output(path, &e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::output(path, &e))
}

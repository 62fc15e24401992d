//! `prof report`: every benchmark's newest run at a commit against its
//! baseline, as one PR summary, the per-benchmark reports and one BMF file;
//! exit 1 when `--fail-above` finds a slowdown.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{Cli, ReportCmdArgs};
use crate::db::{self, Access, queries};
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::render::text::plural;
use crate::render::{bmf, markdown};
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
use crate::report::headline::MetricSelection;
use crate::report::regress::Threshold;
use crate::report::summary::{self, Entry};

use super::compare::{check_templates_dir, write_file, write_markdown};
use super::print;

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
        eprintln!(
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
    let options = ReportOptions {
        num_devices: args.num_devices as usize,
        proofs_per_device: args.proofs_per_device as usize,
        metrics: MetricSelection::Headline,
        details: args.out_dir.is_some(),
    };
    let mut reports: Vec<Report> = Vec::with_capacity(heads.len());
    for head in &heads {
        let base =
            baseline(&conn, head, baseline_commit.as_deref(), &args.base_branch).map_err(sql)?;
        if base.is_none() && branch_known {
            let place = match &baseline_commit {
                Some(commit) => format!("at {commit}"),
                None => format!("on {} before run {}", args.base_branch, head.id),
            };
            eprintln!(
                "prof: note: {} has no baseline run {place}; it is reported as new",
                head.name
            );
        }
        reports.push(build::build(&conn, base.as_ref(), head, &options).map_err(sql)?);
    }

    let link = |name: &str| {
        args.results_link
            .as_ref()
            .map(|url| format!("{}/{}.md", url.trim_end_matches('/'), file_name(name)))
    };
    let entries: Vec<Entry<'_>> = reports
        .iter()
        .map(|r| Entry {
            report: r,
            link: link(&r.name),
        })
        .collect();
    let summary = summary::summarize(&entries, threshold);
    let text = markdown::render_summary(&summary, args.templates.as_deref())?;

    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, &e))?;
            write_file(&dir.join("summary.md"), &text)?;
            let mut benchmarks = bmf::Benchmarks::new();
            for (report, head) in reports.iter_mut().zip(&heads) {
                bmf::add_report(&mut benchmarks, &report.name.clone(), report);
                let path: PathBuf = dir.join(format!("{}.md", file_name(&report.name)));
                write_markdown(report, &path, args.templates.as_deref())?;
                if !args.no_flamegraphs {
                    crate::flame::write::link_from_markdown(&conn, head, dir, &path, &db_path)?;
                }
            }
            write_file(&dir.join("bmf.json"), &bmf::to_json(&benchmarks))?;
            eprintln!(
                "{}: summary.md, bmf.json and {}",
                dir.display(),
                plural(reports.len() as u64, "report")
            );
        }
        None => print(&text)?,
    }
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        append(Path::new(&path), &text)?;
    }
    if !summary.regressions.is_empty() {
        eprintln!(
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
    Ok(ExitCode::SUCCESS)
}

/// A commit prefix that must name exactly one commit with runs.
fn one_commit(conn: &Connection, db_path: &Path, prefix: &str, flag: &str) -> Result<String> {
    let commits =
        queries::commits_matching(conn, prefix).map_err(|e| error::sqlite(db_path, &e))?;
    match commits.as_slice() {
        [(sha, _)] => Ok(sha.clone()),
        [] => Err(Error::usage(format!(
            "{flag} {prefix}: no runs at a commit starting with {prefix} (see `prof runs`)"
        ))),
        many => Err(Error::usage(format!(
            "{flag} {prefix} is ambiguous: {} (use more characters)",
            many.iter()
                .map(|(sha, n)| format!("{sha} ({n} runs)"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The run `head` is compared with: the newest run of its benchmark at the
/// baseline commit, else on the base branch ingested before it.
fn baseline(
    conn: &Connection,
    head: &RunRow,
    commit: Option<&str>,
    branch: &str,
) -> rusqlite::Result<Option<RunRow>> {
    match commit {
        Some(commit) => queries::newest_run_at_commit(conn, &head.name, commit),
        None => queries::newest_run_on_branch_before(conn, &head.name, branch, head.id),
    }
}

/// A benchmark name as a file name: path separators and other characters
/// file systems dislike become `_`.
pub fn file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match cleaned.trim_start_matches('.') {
        "" => "benchmark".to_string(),
        rest => rest.to_string(),
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

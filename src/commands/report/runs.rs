//! Which runs `prof report` covers: the head commit's newest run of each
//! benchmark, each one's baseline (at `--baseline-commit`, else on the base
//! branch before the head), their reports, and the benchmarks that have a
//! baseline but no head run.

use std::path::Path;

use rusqlite::Connection;

use crate::cli::ReportCmdArgs;
use crate::db::lookup::{self, BaselineSource};
use crate::db::queries;
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::report::Report;
use crate::report::build;
use crate::report::summary::MissingBenchmark;

/// The head runs at the commit, each with its baseline and its report.
pub(super) struct Collected {
    pub(super) head_commit: String,
    /// `--baseline-commit` in full, unless it is the head commit.
    pub(super) baseline_commit: Option<String>,
    pub(super) heads: Vec<RunRow>,
    pub(super) bases: Vec<Option<RunRow>>,
    pub(super) reports: Vec<Report>,
}

/// Finds the head runs at the commit and each one's baseline, and builds
/// their reports; notes what has no baseline.
pub(super) fn collect(
    conn: &Connection,
    db_path: &Path,
    args: &ReportCmdArgs,
    request: &super::ReportRequest,
) -> Result<Collected> {
    let sql = |e: rusqlite::Error| error::sqlite(db_path, &e);
    let branch_known = args.baseline_commit.is_some()
        || queries::branch_has_runs(conn, &args.base_branch).map_err(sql)?;
    if !branch_known {
        crate::note!(
            "prof: note: no runs on branch {}, so every benchmark is reported as new \
             (name the branch your base runs are on with --base-branch, or give --baseline-commit)",
            args.base_branch
        );
    }

    let head_commit = one_commit(conn, db_path, &request.commit, "--commit")?;
    let heads = queries::newest_runs_at_commit(conn, &head_commit).map_err(sql)?;
    let baseline_commit = match &args.baseline_commit {
        Some(prefix) => Some(one_commit(conn, db_path, prefix, "--baseline-commit")?),
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
    let mut reports: Vec<Report> = Vec::with_capacity(heads.len());
    let mut bases: Vec<Option<RunRow>> = Vec::with_capacity(heads.len());
    for head in &heads {
        let base = baseline(
            conn,
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
        reports.push(build::build(conn, base.as_ref(), head, &request.report).map_err(sql)?);
        bases.push(base);
    }
    Ok(Collected {
        head_commit,
        baseline_commit,
        heads,
        bases,
        reports,
    })
}

/// The benchmarks the report expected at `head_commit` and did not find.
pub(super) fn missing(
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
                .map(|(sha, n)| format!(
                    "{sha} ({})",
                    crate::render::text::plural(*n as u64, "run")
                ))
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

//! `prof exclude`, `prof ack` and `prof annotations`: decisions about the
//! history, stored as rows beside the runs (so they survive re-ingest and
//! travel with the database), each with who made it and when.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{AckArgs, AnnotationsArgs, Cli, ExcludeArgs, TrendFormat};
use crate::db::annotations::{self, Ack, Stamp};
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::report::changes::{TOTALS, series_id};

use super::print;
use crate::report::csv;
use crate::runref::resolve_run;

pub fn exclude(cli: &Cli, args: &ExcludeArgs) -> Result<ExitCode> {
    let reason = args.reason.as_deref().map(str::trim);
    if reason.is_some_and(str::is_empty) {
        return Err(Error::usage(
            "--reason is empty: say why the run does not count",
        ));
    }
    let stamp = stamp(args.by.as_deref())?;
    let db_path = cli.db_path();
    let conn = existing(cli, Access::ReadWrite)?;
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    let run = resolve_run(&conn, &args.run)?;
    let label = format!(
        "run {} ({}{})",
        run.id,
        run.name,
        run.commit_sha
            .as_deref()
            .map(|c| format!(" at {}", short(c)))
            .unwrap_or_default()
    );
    if args.undo {
        if annotations::unexclude(&conn, run.id).map_err(sql)? {
            crate::note!("prof: {label} counts again");
        } else {
            crate::note!("prof: {label} was not excluded; nothing changed");
        }
    } else {
        let reason = reason.expect("clap requires --reason without --undo");
        let earlier = annotations::exclusion_reason(&conn, run.id).map_err(sql)?;
        annotations::exclude(&conn, run.id, reason, &stamp).map_err(sql)?;
        let replaced = earlier
            .map(|earlier| format!(" (replacing the earlier reason: {earlier})"))
            .unwrap_or_default();
        crate::note!(
            "prof: {label} excluded by {}: {reason}{replaced} (undo with `prof exclude {} --undo`)",
            stamp.by,
            run.id
        );
    }
    db::checkpoint(&conn, &db_path)?;
    Ok(ExitCode::SUCCESS)
}

pub fn ack(cli: &Cli, args: &AckArgs) -> Result<ExitCode> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(Error::usage(
            "--reason is empty: say why the shift is accepted",
        ));
    }
    let stamp = stamp(args.by.as_deref())?;
    let Some((series, commit)) = args
        .target
        .rsplit_once('@')
        .filter(|(s, c)| !s.is_empty() && !c.is_empty())
    else {
        return Err(Error::usage(format!(
            "{}: expected SERIES@COMMIT, e.g. fibonacci/leaf/stark_prove_excluding_trace_time_ms@3f2c1e9 \
             (see `prof changes` for series and commits)",
            args.target
        )));
    };
    let db_path = cli.db_path();
    let conn = existing(cli, Access::ReadWrite)?;
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    let (name, group, metric) = parse_series(&conn, series).map_err(|e| match e {
        SeriesError::Database(e) => sql(e),
        SeriesError::Usage(m) => Error::usage(m),
    })?;
    let commits = annotations::commits_of(&conn, &name, commit).map_err(sql)?;
    let commit_sha = match commits.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(Error::usage(format!(
                "{}: no run of {name} at a commit starting with {commit} (see `prof runs --name {name}`)",
                args.target
            )));
        }
        many => {
            return Err(Error::usage(format!(
                "{}: commit {commit} is ambiguous among runs of {name}: {}{} (give more digits)",
                args.target,
                many.iter()
                    .take(5)
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                if many.len() > 5 {
                    format!(" and {} more", many.len() - 5)
                } else {
                    String::new()
                }
            )));
        }
    };
    let ack = Ack {
        id: 0,
        name,
        group_name: group,
        metric,
        stat: "sum".into(),
        commit_sha,
        reason: reason.to_string(),
        stamp,
    };
    let (id, verb) = match annotations::ack(&conn, &ack).map_err(sql)? {
        annotations::Acked::New(id) => (id, "acknowledged"),
        annotations::Acked::Replaced(id) => (id, "replaced the reason of the ack of"),
    };
    crate::note!(
        "prof: {verb} {} at {} (ack {id}, by {}): {reason}",
        series_id(&ack.name, &ack.group_name, &ack.metric),
        short(&ack.commit_sha),
        ack.stamp.by
    );
    db::checkpoint(&conn, &db_path)?;
    Ok(ExitCode::SUCCESS)
}

enum SeriesError {
    Usage(String),
    Database(rusqlite::Error),
}

impl From<rusqlite::Error> for SeriesError {
    fn from(error: rusqlite::Error) -> Self {
        SeriesError::Database(error)
    }
}

/// `NAME/METRIC` for the run totals, else `NAME/GROUP/METRIC`, where group
/// and metric may hold `/` themselves (`fib/10`, `…_insn_mi/s`): the split
/// is the one whose (group, metric) the benchmark has.
fn parse_series(
    conn: &rusqlite::Connection,
    series: &str,
) -> std::result::Result<(String, String, String), SeriesError> {
    let usage = || {
        SeriesError::Usage(format!(
            "{series}: expected a series NAME/GROUP/METRIC or NAME/serial_s, as `prof changes` prints it"
        ))
    };
    let (name, rest) = series.split_once('/').ok_or_else(usage)?;
    if name.is_empty() || rest.is_empty() {
        return Err(usage());
    }
    if TOTALS.contains(&rest) {
        return Ok((name.to_string(), String::new(), rest.to_string()));
    }
    let mut found = Vec::new();
    for (at, _) in rest.match_indices('/') {
        let (group, metric) = (&rest[..at], &rest[at + 1..]);
        if annotations::series_exists(conn, name, group, metric)? {
            found.push((group.to_string(), metric.to_string()));
        }
    }
    match found.len() {
        1 => {
            let (group, metric) = found.remove(0);
            Ok((name.to_string(), group, metric))
        }
        0 => Err(SeriesError::Usage(format!(
            "{series}: no run of {name} has this series (see `prof changes --name {name}` for its series)"
        ))),
        _ => Err(SeriesError::Usage(format!(
            "{series}: several series of {name} read this way ({}); rename the group or metric",
            found
                .iter()
                .map(|(g, m)| format!("group `{g}` metric `{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

#[derive(Serialize)]
struct Listing {
    exclusions: Vec<ExclusionRow>,
    acks: Vec<AckRow>,
}

#[derive(Serialize)]
struct ExclusionRow {
    run_id: i64,
    name: String,
    commit_sha: Option<String>,
    branch: Option<String>,
    reason: String,
    by: String,
    at: String,
}

#[derive(Serialize)]
struct AckRow {
    id: i64,
    series: String,
    stat: String,
    commit_sha: String,
    reason: String,
    by: String,
    at: String,
}

pub fn list(cli: &Cli, args: &AnnotationsArgs) -> Result<ExitCode> {
    let db_path = cli.db_path();
    let conn = existing(cli, Access::ReadOnly)?;
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    let listing = Listing {
        exclusions: annotations::exclusions(&conn)
            .map_err(sql)?
            .into_iter()
            .map(|e| ExclusionRow {
                run_id: e.run_id,
                name: e.name,
                commit_sha: e.commit_sha,
                branch: e.branch,
                reason: e.reason,
                by: e.stamp.by,
                at: e.stamp.at,
            })
            .collect(),
        acks: annotations::acks(&conn)
            .map_err(sql)?
            .into_iter()
            .map(|a| AckRow {
                id: a.id,
                series: series_id(&a.name, &a.group_name, &a.metric),
                stat: a.stat,
                commit_sha: a.commit_sha,
                reason: a.reason,
                by: a.stamp.by,
                at: a.stamp.at,
            })
            .collect(),
    };
    let text = match args.format {
        TrendFormat::Json => crate::render::json::document(&listing),
        TrendFormat::Csv => listing_csv(&listing),
        TrendFormat::Md => listing_markdown(&listing),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn listing_markdown(listing: &Listing) -> String {
    use crate::render::text::escape;
    let mut out = String::from("## Excluded runs\n\n");
    if listing.exclusions.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| run | benchmark | commit | branch | reason | by | when |\n");
        out.push_str("|---:|:---|:---|:---|:---|:---|:---|\n");
        for e in &listing.exclusions {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                e.run_id,
                escape(&e.name),
                escape(e.commit_sha.as_deref().unwrap_or("")),
                escape(e.branch.as_deref().unwrap_or("")),
                escape(&e.reason),
                escape(&e.by),
                escape(&e.at)
            ));
        }
    }
    out.push_str("\n## Acknowledged shifts\n\n");
    if listing.acks.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| ack | series | commit | reason | by | when |\n");
        out.push_str("|---:|:---|:---|:---|:---|:---|\n");
        for a in &listing.acks {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                a.id,
                escape(&a.series),
                escape(&a.commit_sha),
                escape(&a.reason),
                escape(&a.by),
                escape(&a.at)
            ));
        }
    }
    out
}

fn listing_csv(listing: &Listing) -> String {
    let mut out = String::from("kind,run_or_ack,subject,commit,reason,by,at\n");
    for e in &listing.exclusions {
        out.push_str(&format!(
            "exclusion,{},{},{},{},{},{}\n",
            e.run_id,
            csv::field(&e.name),
            csv::field(e.commit_sha.as_deref().unwrap_or("")),
            csv::field(&e.reason),
            csv::field(&e.by),
            csv::field(&e.at)
        ));
    }
    for a in &listing.acks {
        out.push_str(&format!(
            "ack,{},{},{},{},{},{}\n",
            a.id,
            csv::field(&a.series),
            csv::field(&a.commit_sha),
            csv::field(&a.reason),
            csv::field(&a.by),
            csv::field(&a.at)
        ));
    }
    out
}

/// The database must exist: annotations are about stored runs.
fn existing(cli: &Cli, access: Access) -> Result<rusqlite::Connection> {
    let path = cli.db_path();
    if !path.exists() {
        return Err(Error::database(
            &path,
            "no such database (ingest runs first, or point --db or PROF_DB at one)",
        ));
    }
    db::open(&path, access)
}

/// Who and when: `--by`, else `$GITHUB_ACTOR`, else the user.
fn stamp(by: Option<&str>) -> Result<Stamp> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let by = match by {
        Some(by) if by.trim().is_empty() => {
            return Err(Error::usage(
                "--by is empty: name who decides, or leave the flag out",
            ));
        }
        Some(by) => by.trim().to_string(),
        None => env("GITHUB_ACTOR")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
            .or_else(login_name)
            .unwrap_or_else(|| "unknown".into()),
    };
    Ok(Stamp {
        by,
        at: crate::ingest_pipeline::now(),
    })
}

/// The user's login name from `id -un`, where the environment names none
/// (containers and CI runners often set no $USER).
fn login_name() -> Option<String> {
    let output = std::process::Command::new("id").arg("-un").output().ok()?;
    let name = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !name.is_empty()).then_some(name)
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

//! `prof runs`: the history, newest first.

use std::process::ExitCode;

use crate::cli::{Cli, RunsArgs, RunsFormat};
use crate::db::{self, Access};
use crate::error::{self, Result};
use crate::render::plain;

use super::print;

pub fn run(cli: &Cli, args: &RunsArgs) -> Result<ExitCode> {
    let conn = db::open(&cli.db_path(), Access::ReadOnly)?;
    if let Some(name) = &args.name {
        crate::runref::require_benchmark(&conn, name)?;
    }
    let runs = db::queries::list_runs(&conn, args.name.as_deref(), args.limit)
        .map_err(|e| error::sqlite(&cli.db_path(), &e))?;
    let text = match args.format {
        RunsFormat::Json => crate::render::json::document(&runs),
        RunsFormat::Table => runs_table(&runs),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn runs_table(runs: &[crate::model::RunRow]) -> String {
    let header = [
        "id",
        "name",
        "commit",
        "branch",
        "created",
        "serial_s",
        "parallel_s",
        "meta",
    ];
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|run| {
            let mark = if run.estimated { "*" } else { "" };
            let excluded = if run.excluded.is_some() { "x" } else { "" };
            vec![
                format!("{}{excluded}", run.id),
                run.name.clone(),
                run.commit_sha
                    .as_deref()
                    .map(|c| c.chars().take(10).collect())
                    .unwrap_or("-".into()),
                run.branch.clone().unwrap_or_else(|| "-".into()),
                run.created_at.clone(),
                format!("{:.3}{mark}", run.serial_s),
                format!("{:.3}{mark}", run.parallel_s),
                run.meta
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    let right = [0, 5, 6];
    let mut out = plain::table(&header, &rows, |column| right.contains(&column));
    if runs.iter().any(|run| run.estimated) {
        out.push_str("* includes a group estimated from its components\n");
    }
    if runs.iter().any(|run| run.excluded.is_some()) {
        out.push_str("x excluded from baselines and change detection (see `prof annotations`)\n");
    }
    out
}

//! `prof rm RUN…`: removes runs, all or none, and says what went.

use std::process::ExitCode;

use crate::cli::{Cli, RmArgs};
use crate::db::remove::{self, RemoveError};
use crate::db::{self, Access};
use crate::error::{self, Error, Result};
use crate::render::text::plural;

use super::print;
use crate::runref::resolve_run;

pub fn run(cli: &Cli, args: &RmArgs) -> Result<ExitCode> {
    let db_path = cli.db_path();
    // Every reference is resolved before anything is removed, so a typo in
    // the last one removes nothing. A read-only open first: `rm` on a path
    // with no database is an error, not a new empty database.
    let ids = {
        let conn = db::open(&db_path, Access::ReadOnly)?;
        let mut ids: Vec<i64> = Vec::with_capacity(args.runs.len());
        for reference in &args.runs {
            let id = resolve_run(&conn, reference)?.id;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    };
    let mut conn = db::open(&db_path, Access::ReadWrite)?;
    let removed = remove::remove_runs(&mut conn, &ids).map_err(|e| match e {
        RemoveError::Gone(id) => Error::database(
            &db_path,
            format!(
            "run {id} was removed by another process meanwhile; nothing was removed (see `prof runs`)"
            ),
        ),
        RemoveError::Sqlite(e) => error::sqlite(&db_path, &e),
    })?;
    db::checkpoint(&conn, &db_path)?;
    let mut text = String::new();
    for run in &removed {
        text += &format!(
            "removed run {} ({}{}{}, {})\n",
            run.id,
            run.name,
            run.commit_sha
                .as_deref()
                .map(|c| format!(" at {c}"))
                .unwrap_or_default(),
            run.branch
                .as_deref()
                .map(|b| format!(" on {b}"))
                .unwrap_or_default(),
            plural(run.samples as u64, "sample")
        );
    }
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

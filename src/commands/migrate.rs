//! `prof migrate`: brings a database written by an older prof up to this
//! prof's schema, rebuilding the stored aggregates the new definitions
//! change. Reading commands never do this themselves.

use std::process::ExitCode;

use crate::cli::Cli;
use crate::db::{self, Access};
use crate::error::Result;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    let db_path = cli.db_path();
    let before = db::schema_version_of(&db_path)?;
    let conn = db::open(&db_path, Access::ReadWrite)?;
    db::checkpoint(&conn, &db_path)?;
    let latest = db::latest_schema_version();
    match before {
        Some(version) if version == latest => crate::note!(
            "prof: {}: already at schema version {latest}; nothing to do",
            db_path.display()
        ),
        Some(version) => crate::note!(
            "prof: {}: upgraded from schema version {version} to {latest}",
            db_path.display()
        ),
        None => crate::note!(
            "prof: {}: created at schema version {latest}",
            db_path.display()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

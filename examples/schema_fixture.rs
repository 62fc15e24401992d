//! `schema_fixture`: makes a database at an older schema version holding
//! the two example runs of `../shared/data`, which the tests open to check
//! that an old database upgrades with `prof migrate`.
//!
//! ```text
//! cargo run --example schema_fixture -- OUT.db [VERSION]
//! ```
//!
//! `tests/fixtures/schema-v1.db` was made this way at version 1 by the
//! writer of that time (commit a0854f7). Today's writer stores aggregates
//! through `aggregate_scope` (schema version 3), so VERSION is 3 or later
//! (3 by default).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: schema_fixture OUT.db");
        return ExitCode::from(2);
    };
    let _ = std::fs::remove_file(&out);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let version = match std::env::args().nth(2).map(|v| v.parse::<i32>()) {
        None => 3,
        Some(Ok(version)) if version >= 3 => version,
        Some(_) => {
            eprintln!("schema_fixture: VERSION is a schema version of 3 or later");
            return ExitCode::from(2);
        }
    };
    let mut conn = match prof::db::create_at_version(&out, version) {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("schema_fixture: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for (file, commit) in [
        ("metrics.prev.example.json", "1111111"),
        ("metrics.example.json", "2222222"),
    ] {
        let options = prof::ingest_pipeline::IngestOptions {
            commit_sha: Some(commit.into()),
            branch: Some("main".into()),
            created_at: "2026-01-01T00:00:00Z".into(),
            ..Default::default()
        };
        if let Err(e) = prof::ingest_pipeline::ingest_file(&mut conn, &data.join(file), &options) {
            eprintln!("schema_fixture: {e}");
            failed = true;
        }
    }
    // One file, no WAL beside it: what a user would copy around.
    let _ = conn.pragma_update(None, "journal_mode", "DELETE");
    drop(conn);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

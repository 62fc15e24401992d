//! `schema_fixture`: makes `tests/fixtures/schema-v1.db`, a database at
//! schema version 1 holding the two example runs of `../shared/data`, which
//! the tests open to check that an old database upgrades in place.
//!
//! ```text
//! cargo run --example schema_fixture -- tests/fixtures/schema-v1.db
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: schema_fixture OUT.db");
        return ExitCode::from(2);
    };
    let _ = std::fs::remove_file(&out);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let mut conn = match prof::db::create_at_version(&out, 1) {
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

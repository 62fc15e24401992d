//! The store's own guarantees: prof opens only its own databases and leaves
//! any other file as it found it, reading commands never write (an older
//! schema needs `prof migrate`), and a run is in the database file itself
//! once `ingest` returns, even beside a reader.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{Sandbox, rows, shared_data};

/// Every command, reading and writing, against whatever `PROF_DB` names.
fn every_command() -> Vec<Vec<String>> {
    let example = shared_data("metrics.example.json");
    [
        vec!["runs"],
        vec!["compare", "1", "2"],
        vec!["show", "1"],
        vec!["trend", "total_proof_time_ms"],
        vec!["report", "--commit", "1111111"],
        vec!["ingest", example.to_str().unwrap()],
        vec!["migrate"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(String::from).collect())
    .collect()
}

fn files_beside(db: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs every command on `db` and checks each is refused in one line,
/// exit 2, with `reason` in it, and that no byte of `db` changed and no
/// file appeared beside it.
fn assert_refused_untouched(sandbox: &Sandbox, db: &Path, reason: &str) {
    let bytes = std::fs::read(db).unwrap();
    let beside = files_beside(db);
    for args in every_command() {
        let output = sandbox
            .prof()
            .env("PROF_DB", db)
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(
            std::fs::read(db).unwrap() == bytes,
            "{args:?} changed {}",
            db.display()
        );
        assert_eq!(files_beside(db), beside, "{args:?} left files beside it");
    }
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_as_it_was() {
    let sandbox = Sandbox::new();
    let db = sandbox.write("notes.db", "these are someone's notes, not a database\n");
    assert_refused_untouched(&sandbox, &db, "not a SQLite database");
}

#[test]
fn another_applications_database_is_refused_and_left_as_it_was() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("other.db");
    {
        // Another application's schema, with a `runs` table of its own.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, athlete TEXT, km REAL);
             INSERT INTO runs (athlete, km) VALUES ('ada', 10.5), ('bob', 5.0);
             CREATE TABLE samples (x);",
        )
        .unwrap();
    }
    let started = std::time::Instant::now();
    assert_refused_untouched(&sandbox, &db, "not a prof database");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refusing takes no retries: {:?}",
        started.elapsed()
    );
}

#[test]
fn another_applications_database_with_prof_s_schema_stamp_is_still_refused() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("other.db");
    {
        // Its user_version happens to be the one prof stamps its own with.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("CREATE TABLE runs (id INTEGER PRIMARY KEY, athlete TEXT);")
            .unwrap();
        conn.pragma_update(None, "user_version", prof::db::latest_schema_version())
            .unwrap();
    }
    assert_refused_untouched(&sandbox, &db, "not a prof database");
}

/// The stamp a writing command leaves on a database whose schema is current.
fn stamp(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

#[test]
fn a_current_database_without_the_stamp_is_read_as_before_and_stamped_by_the_next_write() {
    let sandbox = Sandbox::new();
    let file = crate::foreign_input::small_run(&sandbox, "a.json", 1.0);
    sandbox.ingest(&file, &["--name", "a"]);
    let latest = prof::db::latest_schema_version();
    assert_eq!(stamp(&sandbox.db()), latest, "a new database is stamped");
    // As an older prof left it: the current schema, no stamp.
    rusqlite::Connection::open(sandbox.db())
        .unwrap()
        .pragma_update(None, "user_version", 0)
        .unwrap();
    let bytes = std::fs::read(sandbox.db()).unwrap();
    let runs = sandbox.stdout(&["runs"]);
    assert!(runs.contains(" a "), "{runs}");
    assert_eq!(std::fs::read(sandbox.db()).unwrap(), bytes, "reading wrote");
    sandbox.ingest(&file, &["--name", "a", "--force"]);
    assert_eq!(stamp(&sandbox.db()), latest);
}

#[test]
fn a_database_stamped_by_a_newer_prof_is_refused_naming_both_versions() {
    let sandbox = Sandbox::new();
    let file = crate::foreign_input::small_run(&sandbox, "a.json", 1.0);
    sandbox.ingest(&file, &[]);
    let latest = prof::db::latest_schema_version();
    let conn = sandbox.conn();
    conn.execute(
        "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
         VALUES (?1, 'future', '2030-01-01', '0')",
        [latest + 1],
    )
    .unwrap();
    // A newer prof stamps the header with its own version.
    conn.pragma_update(None, "user_version", latest + 1)
        .unwrap();
    drop(conn);
    crate::support::assert_refused_as_newer(&sandbox, latest);
}

#[test]
fn an_empty_file_or_a_new_path_is_initialised_only_by_a_writing_command() {
    let sandbox = Sandbox::new();
    let empty = sandbox.write("empty.db", "");
    let new = sandbox.path("new.db");
    for db in [&empty, &new] {
        for args in [
            vec!["runs"],
            vec!["trend", "total_proof_time_ms"],
            vec!["report", "--commit", "1111111"],
            vec!["show", "latest"],
        ] {
            let output = sandbox
                .prof()
                .env("PROF_DB", db)
                .args(&args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("no database here yet"), "{stderr}");
        }
    }
    assert_eq!(
        std::fs::read(&empty).unwrap(),
        b"",
        "the empty file stays empty"
    );
    assert!(!new.exists(), "a reading command created {}", new.display());
    for db in [&empty, &new] {
        sandbox
            .prof()
            .env("PROF_DB", db)
            .arg("ingest")
            .arg(shared_data("metrics.example.json"))
            .assert()
            .success()
            .stdout("1\n");
        let runs = sandbox
            .prof()
            .env("PROF_DB", db)
            .args(["runs", "--format", "json"])
            .output()
            .unwrap();
        assert!(runs.status.success());
        let runs: serde_json::Value = serde_json::from_slice(&runs.stdout).unwrap();
        assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");
        assert_eq!(runs[0]["name"], "metrics.example", "{runs}");
    }
}

/// A copy of `db` alone, in a directory of its own, as a CI cache would
/// take it.
fn copy_alone(sandbox: &Sandbox, db: &Path) -> PathBuf {
    let dir = sandbox.path("copy");
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("prof.db");
    std::fs::copy(db, &copy).unwrap();
    copy
}

#[test]
fn a_run_ingested_beside_a_reader_is_in_the_database_file_when_ingest_returns() {
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &["--commit", "1111111"],
    );
    // A reader holds a read transaction on the snapshot before the ingest,
    // lets it go a moment later, and keeps its connection open throughout.
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let db = sandbox.db();
    let reader = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("BEGIN").unwrap();
        let runs: i64 = conn
            .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(runs, 1);
        started_tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        conn.execute_batch("COMMIT").unwrap();
        done_rx.recv().unwrap();
        drop(conn);
    });
    started_rx.recv().unwrap();
    let run = sandbox.ingest(
        &shared_data("metrics.example.json"),
        &["--commit", "2222222"],
    );
    let copy = copy_alone(&sandbox, &sandbox.db());
    let conn =
        rusqlite::Connection::open_with_flags(&copy, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let found: Vec<(i64, String)> = rows(
        &conn,
        "SELECT id, commit_sha FROM runs ORDER BY id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert_eq!(found, vec![(1, "1111111".into()), (run, "2222222".into())]);
    let groups: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM group_proof_time WHERE run_id = ?1",
            [run],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(groups, 2, "the copy has the run's aggregates too");
    done_tx.send(()).unwrap();
    reader.join().unwrap();
}

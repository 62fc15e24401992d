//! The database: the one place that opens it (pragmas, migrations, version
//! checks) and the runtime SQL that reads it. The writer for ingest lives in
//! [`writer`]; what the numbers mean lives in `migrations/` as views.

pub mod annotations;
pub mod flame;
pub mod history;
pub mod items;
pub mod lookup;
pub mod queries;
pub mod remove;
pub mod series;
pub mod site;
pub mod window;
pub mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::error::{self, Error, Result};

mod schema;

use schema::{Found, Opened};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// How a command uses the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Creates the database if needed and applies migrations.
    ReadWrite,
    /// Never writes history: `compare`, `show`, `report`, `trend`, `runs`.
    ReadOnly,
}

/// How long a command waits for another process's write lock before it
/// reports the database as busy. Ingests of large files hold the lock for
/// seconds, so this is generous.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;

/// The newest schema version this build knows.
pub fn latest_schema_version() -> i64 {
    schema::LATEST
}

/// Opens the database at `path`: checks it is a prof database this build
/// understands and sets the pragmas. A writing command creates the schema or
/// brings it up to date; a reading command never writes, so it refuses a
/// database that needs `prof migrate`.
pub fn open(path: &Path, access: Access) -> Result<Connection> {
    check_file(path, access)?;
    let flags = match access {
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let (mut conn, Opened { found, stamped }) = match connect(path, flags) {
        Ok(opened) => opened,
        // A reader that may not create the WAL index beside a read-only
        // database (a downloaded CI artifact, a shared copy) reads it as an
        // immutable file instead: no locks, so only where nobody can write.
        Err(e) if access == Access::ReadOnly && cannot_write_beside(&e) => connect(
            Path::new(&immutable_uri(path)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| error::sqlite(path, &e))?,
        Err(e) => return Err(error::sqlite(path, &e)),
    };
    let latest = latest_schema_version();
    match (found, access) {
        (Found::Foreign, _) => {
            return Err(Error::database(
                path,
                "not a prof database: it holds another application's tables and prof leaves it \
                 untouched (point --db or PROF_DB at a prof database, or at a new path)",
            ));
        }
        (Found::Prof(version), _) if version > latest => {
            return Err(Error::database(
                path,
                format!(
                    "the database has schema version {version}, newer than this prof's {latest} \
                     (upgrade prof to read it)"
                ),
            ));
        }
        (Found::Empty, Access::ReadOnly) => {
            return Err(Error::database(
                path,
                "no database here yet (run `prof ingest FILE` first, or point --db at one)",
            ));
        }
        (Found::Prof(version), Access::ReadOnly) if version < latest => {
            return Err(Error::database(
                path,
                format!(
                    "the database has schema version {version} and this prof reads {latest} \
                     (run `prof migrate` to upgrade it; only `ingest`, `legacy` and `migrate` change a database's schema)"
                ),
            ));
        }
        (_, Access::ReadWrite) => {
            // WAL lets readers work while an ingest writes; NORMAL sync is
            // durable across process crashes, which is what CI runners do.
            with_retries(|| {
                conn.pragma_update(None, "journal_mode", "WAL")
                    .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
            })
            .map_err(|e| error::sqlite(path, &e))?;
            if found != Found::Prof(latest) {
                migrate(&mut conn, path, latest)?;
            }
            if !stamped {
                with_retries(|| schema::stamp(&conn)).map_err(|e| error::sqlite(path, &e))?;
            }
        }
        (Found::Prof(_), Access::ReadOnly) => {}
    }
    // Room for every statement a command repeats: `report` runs a few dozen
    // for each benchmark, more than the 16 rusqlite keeps by default.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans that do not depend on bound values: otherwise SQLite prepares
    // a cached statement with `LIMIT ?N`, or a filter `= ?N`, all over
    // again each time it is bound, which made up a tenth of a report.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(|e| error::sqlite(path, &e))?;
    // A large page cache keeps the interning lookups of a big ingest in memory.
    conn.pragma_update(None, "cache_size", -64_000)
        .map_err(|e| error::sqlite(path, &e))?;
    // A cap on the database's size, in pages: lets a test (or a cautious
    // user) see what a full disk does without filling one.
    if let Some(pages) = std::env::var("PROF_MAX_PAGE_COUNT")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
    {
        conn.pragma_update(None, "max_page_count", pages)
            .map_err(|e| error::sqlite(path, &e))?;
    }
    Ok(conn)
}

/// The schema version of the prof database at `path`, without changing
/// it: `None` when there is no database there yet.
pub fn schema_version_of(path: &Path) -> Result<Option<i64>> {
    check_file(path, Access::ReadWrite)?;
    if !path.exists() {
        return Ok(None);
    }
    let (_, Opened { found, .. }) =
        connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| error::sqlite(path, &e))?;
    Ok(match found {
        Found::Prof(version) => Some(version),
        Found::Empty | Found::Foreign => None,
    })
}

/// Copies everything committed in the WAL into the database file itself, so
/// that `prof.db` alone is a complete copy once a writing command returns.
///
/// A FULL checkpoint waits (up to the busy timeout) for other writers and
/// for readers still on a snapshot older than the last commit: the pages
/// they may need cannot be overwritten before they move on. A reader that
/// keeps such a snapshot past the timeout leaves the newest commits in the
/// `-wal` file only; prof then says so on stderr and the command still
/// succeeds (the data is stored; the next writing command copies it over).
/// Afterwards a TRUNCATE checkpoint that does not wait empties the WAL file
/// when no reader is using it.
pub fn checkpoint(conn: &Connection, path: &Path) -> Result<()> {
    let (busy, log_frames, checkpointed): (i64, i64, i64) = with_retries(|| {
        conn.query_row("PRAGMA wal_checkpoint(FULL)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
    })
    .map_err(|e| error::sqlite(path, &e))?;
    if busy != 0 && checkpointed < log_frames {
        crate::note!(
            "prof: {}: a reader kept an older snapshot open, so the last {} pages are stored \
             in the -wal file but not yet in the database file (copy the database with its \
             -wal file, or run any writing prof command again once readers finish)",
            path.display(),
            log_frames - checkpointed.max(0)
        );
        return Ok(());
    }
    conn.busy_timeout(Duration::ZERO)
        .and_then(|()| {
            // Busy here only means a reader or writer is in the WAL now: the
            // content is already in the database file either way.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        })
        .and_then(|()| conn.busy_timeout(BUSY_TIMEOUT))
        .map_err(|e| error::sqlite(path, &e))
}

fn connect(path: &Path, flags: OpenFlags) -> rusqlite::Result<(Connection, Opened)> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let opened = schema::what_is_there(&conn)?;
    Ok((conn, opened))
}

fn cannot_write_beside(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::SystemIoFailure
        )
    )
}

/// `file:PATH?immutable=1`, with the characters a URI gives meaning escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for ch in path.to_string_lossy().chars() {
        match ch {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Applies the pending migrations, all in one transaction. Several processes
/// opening a new database at once race here: a loser finds the schema
/// already current and goes on; anything else is retried with backoff.
fn migrate(conn: &mut Connection, path: &Path, latest: i64) -> Result<()> {
    let mut delay = Duration::from_millis(5);
    let mut attempts = 0;
    loop {
        let failure = match embedded::migrations::runner().set_grouped(true).run(conn) {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        if schema::version(conn).is_ok_and(|version| version >= latest) {
            return Ok(());
        }
        attempts += 1;
        if attempts == 12 {
            return Err(migration_error(path, &failure));
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

/// Runs `operation` again while SQLite says the database is busy, with
/// backoff; the busy timeout covers most waits, not every lock SQLite takes.
pub fn with_retries<T>(mut operation: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut delay = Duration::from_millis(5);
    let started = std::time::Instant::now();
    loop {
        match operation() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(delay);
                delay = (delay * 2).min(Duration::from_millis(500));
            }
            result => return result,
        }
    }
}

/// Creates a database at schema `version` only, as that version of prof
/// left it: how `tests/fixtures/schema-v1.db` was made (see
/// `examples/schema_fixture.rs`).
pub fn create_at_version(path: &Path, version: i32) -> Result<Connection> {
    let mut conn = Connection::open(path).map_err(|e| error::sqlite(path, &e))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| error::sqlite(path, &e))?;
    embedded::migrations::runner()
        .set_target(refinery::Target::Version(version))
        .run(&mut conn)
        .map_err(|e| migration_error(path, &e))?;
    Ok(conn)
}

/// Opens a fresh in-memory database with the full schema, for tests.
pub fn open_in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().expect("in-memory SQLite always opens");
    embedded::migrations::runner()
        .run(&mut conn)
        .expect("the embedded migrations apply to an empty database");
    conn
}

/// Refuses what SQLite would otherwise misreport: a directory, a file that is
/// not SQLite, or a database that does not exist for a reading command.
fn check_file(path: &Path, access: Access) -> Result<()> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match access {
                Access::ReadWrite => Ok(()),
                Access::ReadOnly => Err(Error::database(
                    path,
                    "no database here yet (run `prof ingest FILE` first, or point --db at one)",
                )),
            };
        }
        Err(e) => {
            return Err(Error::database(
                path,
                format!("cannot open: {}", error::io_reason(&e)),
            ));
        }
    };
    if metadata.is_dir() {
        return Err(Error::database(
            path,
            "is a directory, not a database file (give --db a file path such as prof.db)",
        ));
    }
    if metadata.len() == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut file| {
        use std::io::Read;
        file.read(&mut header)
    });
    match read {
        Ok(n) if n == header.len() && &header == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(Error::database(
            path,
            "not a SQLite database (point --db or PROF_DB at a prof database, or at a new path)",
        )),
        Err(e) => Err(Error::database(
            path,
            format!("cannot read: {}", error::io_reason(&e)),
        )),
    }
}

fn migration_error(path: &Path, error: &refinery::Error) -> Error {
    match error.kind() {
        refinery::error::Kind::Connection(_, cause) => {
            if let Some(sqlite) = cause.downcast_ref::<rusqlite::Error>() {
                return error::sqlite(path, sqlite);
            }
            Error::database(path, format!("cannot update the schema: {cause}"))
        }
        _ => Error::database(path, format!("cannot update the schema: {error}")),
    }
}

#[cfg(test)]
mod tests;

//! What a database file holds before prof touches it: nothing yet, a prof
//! database at some schema version, or another application's tables.
//!
//! A writing command stamps a database whose schema is current with that
//! version (`PRAGMA user_version`, a field of the file's header). A stamped
//! database is then recognised from its header and its migration history
//! alone, without refinery, which parses every embedded migration to know
//! the newest. A database without the stamp (from an older prof, or made
//! by hand) goes through the full check, as does one whose stamp is not
//! this build's version.

use rusqlite::Connection;

/// The newest schema version this build knows: the newest file in
/// `migrations/`, read by `build.rs`.
pub(super) const LATEST: i64 = include!(concat!(env!("OUT_DIR"), "/latest_schema_version.rs"));

/// What a database file holds, before prof touches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// No schema at all: a new path, an empty file, a SQLite file without
    /// tables. Only a writing command may initialise it.
    Empty,
    /// A prof database at this schema version.
    Prof(i64),
    /// Tables without prof's schema history: another application's.
    Foreign,
}

/// What [`what_is_there`] found, and whether the file already carries this
/// build's stamp.
pub(super) struct Opened {
    pub(super) found: Found,
    pub(super) stamped: bool,
}

/// Whether the file is empty, a prof database (with its schema version), or
/// someone else's. Only reads the header, `sqlite_master` and the migration
/// history.
pub(super) fn what_is_there(conn: &Connection) -> rusqlite::Result<Opened> {
    let stamp: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if stamp == LATEST {
        // The stamp says prof; the history says which version, in case a
        // newer prof wrote without stamping. Without a history this is not
        // prof's stamp after all.
        if let Ok(version) = history_version(conn) {
            return Ok(Opened {
                found: Found::Prof(version),
                stamped: true,
            });
        }
    }
    Ok(Opened {
        found: full_check(conn)?,
        stamped: false,
    })
}

/// Marks a database whose schema is now current.
pub(super) fn stamp(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "user_version", LATEST)
}

/// The highest migration applied to this database; 0 for a new one.
pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    match full_check(conn)? {
        Found::Prof(version) => Ok(version),
        Found::Empty | Found::Foreign => Ok(0),
    }
}

fn full_check(conn: &Connection) -> rusqlite::Result<Found> {
    let (objects, has_history): (i64, bool) = conn.query_row(
        "SELECT COUNT(*), COALESCE(MAX(name = 'refinery_schema_history'), 0) FROM sqlite_master",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    if !has_history {
        return Ok(if objects == 0 {
            Found::Empty
        } else {
            Found::Foreign
        });
    }
    Ok(Found::Prof(history_version(conn)?))
}

fn history_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM refinery_schema_history",
        [],
        |row| row.get(0),
    )
}

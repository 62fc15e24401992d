//! Errors as users see them: one line, lowercase, `where: what went wrong`,
//! then what to do about it, and the exit code they map to.

use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure prof reports. Each variant renders as one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A metrics file that cannot be read or parsed.
    #[error("{}: {detail}", path.display())]
    Input { path: PathBuf, detail: String },

    /// A metrics file that does not parse: `path:line:column: what (fix)`,
    /// the form editors jump to.
    #[error("{}{}: {detail}", path.display(), position.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        position: Option<(usize, usize)>,
        detail: String,
    },

    /// The database file: not SQLite, too new, unwritable, locked, full.
    #[error("{}: {detail}", path.display())]
    Database { path: PathBuf, detail: String },

    /// Arguments that make no sense together, or a run that does not exist.
    #[error("{0}")]
    Usage(String),

    /// A query that failed where no database path is at hand (the message
    /// names the database when SQLite knows it).
    #[error("{0}")]
    Query(String),

    /// Something prof itself got wrong: a bug, never the user's input.
    #[error("internal error: {0} (please report this with the command that caused it)")]
    Internal(String),

    /// Writing an output file failed.
    #[error("{}: {detail}", path.display())]
    Output { path: PathBuf, detail: String },

    /// A template that does not parse or render.
    #[error("template {name}: {detail}")]
    Template { name: String, detail: String },
}

impl Error {
    pub fn input(path: &Path, detail: impl fmt::Display) -> Self {
        Error::Input {
            path: path.to_path_buf(),
            detail: detail.to_string(),
        }
    }

    pub fn parse(path: &Path, error: &crate::input::ParseError) -> Self {
        Error::Parse {
            path: path.to_path_buf(),
            position: error.position,
            detail: format!("{} ({})", error.message, error.hint),
        }
    }

    pub fn database(path: &Path, detail: impl fmt::Display) -> Self {
        Error::Database {
            path: path.to_path_buf(),
            detail: detail.to_string(),
        }
    }

    pub fn output(path: &Path, error: &std::io::Error) -> Self {
        Error::Output {
            path: path.to_path_buf(),
            detail: format!(
                "cannot write: {} (check the directory exists and is writable)",
                io_reason(error)
            ),
        }
    }

    pub fn usage(detail: impl fmt::Display) -> Self {
        Error::Usage(detail.to_string())
    }

    pub fn internal(detail: impl fmt::Display) -> Self {
        Error::Internal(detail.to_string())
    }
}

/// An I/O error's reason without Rust's "(os error N)" suffix, lowercased.
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" (os error") {
        Some(cut) => &text[..cut],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Describes a SQLite failure on the database at `path` with a fix to try.
pub fn sqlite(path: &Path, error: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    let detail = match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            "not a SQLite database (point --db or PROF_DB at a prof database, or at a new path)"
                .to_string()
        }
        Some(ErrorCode::ReadOnly) => {
            "the database is read-only (check the file's and its directory's permissions)"
                .to_string()
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "the database stayed locked by another prof process (try again when it finishes)"
                .to_string()
        }
        Some(ErrorCode::DiskFull) => {
            "the disk is full; nothing was written (free space and run again)".to_string()
        }
        Some(ErrorCode::CannotOpen) => {
            "cannot open the database (check the path and its directory's permissions)".to_string()
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            "the database file is corrupt (restore it from a backup)".to_string()
        }
        _ => format!("database error: {error}"),
    };
    Error::database(path, detail)
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn a_failing_query_is_a_database_error_not_a_usage_error() {
        // No schema: looking up a run fails inside SQLite, not in the
        // user's reference.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let error = crate::runref::resolve_run(&conn, "latest").unwrap_err();
        assert!(matches!(error, Error::Query(_)), "{error:?}");
        assert!(error.to_string().contains("no such table"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        let error = crate::runref::resolve_run(&conn, "7").unwrap_err();
        assert!(
            matches!(&error, Error::Database { path: p, .. } if p == &path),
            "{error:?}"
        );
    }

    #[test]
    fn internal_errors_say_they_are_prof_s_own() {
        let text = Error::internal("the parser thread stopped unexpectedly").to_string();
        assert!(text.starts_with("internal error: "), "{text}");
        assert!(text.contains("please report"), "{text}");
    }
}

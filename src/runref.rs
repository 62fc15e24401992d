//! Run references: how users name runs on the command line.
//!
//! `12` (a run id), `latest`, `reth` (the benchmark's newest run), `reth@REV`
//! (its newest run whose commit starts with REV or whose branch is REV), and
//! `~N` after any of these to step N runs of the same benchmark back; after
//! `NAME@BRANCH` the steps stay on that branch. "Newest" and "back" follow
//! the runs' time (`created_at`, then id), as everywhere in prof. The SQL
//! lives in [`crate::db::lookup`].

use rusqlite::Connection;

use crate::db::{lookup, queries};
use crate::model::RunRow;
use crate::render::text::plural;

/// A parsed reference, before it meets a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRef {
    pub target: Target,
    pub back: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Id(i64),
    Latest,
    Name(String),
    NameAt { name: String, rev: String },
}

impl RunRef {
    /// Parses a reference; the error says what was expected.
    pub fn parse(text: &str) -> Result<RunRef, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(
                "an empty run reference (give a run id, `latest`, NAME or NAME@REV)".into(),
            );
        }
        let (head, back) = match text.rsplit_once('~') {
            Some((head, steps)) => {
                let back = if steps.is_empty() {
                    1
                } else {
                    steps.parse::<u32>().map_err(|_| {
                        format!("`{text}`: `~{steps}` must be ~N with N a whole number of runs to step back")
                    })?
                };
                (head, back)
            }
            None => (text, 0),
        };
        if head.is_empty() {
            return Err(format!("`{text}`: nothing before `~` (e.g. reth~1)"));
        }
        let target = if head == "latest" {
            Target::Latest
        } else if let Some((name, rev)) = head.split_once('@') {
            if name.is_empty() || rev.is_empty() {
                return Err(format!(
                    "`{text}`: NAME@REV needs both a benchmark name and a commit or branch"
                ));
            }
            Target::NameAt {
                name: name.to_string(),
                rev: rev.to_string(),
            }
        } else if head.bytes().all(|b| b.is_ascii_digit()) {
            Target::Id(
                head.parse()
                    .map_err(|_| format!("`{text}`: run id too large"))?,
            )
        } else {
            Target::Name(head.to_string())
        };
        Ok(RunRef { target, back })
    }
}

/// Why a reference names no single run.
#[derive(Debug, PartialEq, Eq)]
pub enum ResolveError {
    Unknown(String),
    Ambiguous(String),
    Database(String),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Unknown(m) | ResolveError::Ambiguous(m) | ResolveError::Database(m) => {
                f.write_str(m)
            }
        }
    }
}

impl From<rusqlite::Error> for ResolveError {
    fn from(error: rusqlite::Error) -> Self {
        ResolveError::Database(format!("database error: {error}"))
    }
}

/// Finds the one run `reference` names.
pub fn resolve(conn: &Connection, text: &str) -> Result<RunRow, ResolveError> {
    let reference = RunRef::parse(text).map_err(ResolveError::Unknown)?;
    // The run the target names, and the branch that `~N` stays on.
    let (start, branch) = match &reference.target {
        Target::Id(id) => match queries::run(conn, *id)? {
            Some(run) => (run, None),
            None => {
                let known = match lookup::run_id_range(conn)? {
                    Some((lo, hi)) => format!("runs are {lo} to {hi}"),
                    None => "the database has no runs yet".into(),
                };
                return Err(ResolveError::Unknown(format!(
                    "no run {id} ({known}; see `prof runs`)"
                )));
            }
        },
        Target::Latest => match queries::list_runs(conn, None, 1)?.into_iter().next() {
            Some(run) => (run, None),
            None => {
                return Err(ResolveError::Unknown(
                    "`latest`: the database has no runs yet".into(),
                ));
            }
        },
        Target::Name(name) => match queries::list_runs(conn, Some(name), 1)?.into_iter().next() {
            Some(run) => (run, None),
            None => return Err(unknown_name(conn, name)?),
        },
        Target::NameAt { name, rev } => resolve_at(conn, name, rev)?,
    };
    if reference.back == 0 {
        return Ok(start);
    }
    let older = lookup::run_before(
        conn,
        &start.name,
        start.id,
        branch.as_deref(),
        reference.back,
    )?;
    match older {
        Some(id) => read_back(conn, id),
        None => Err(ResolveError::Unknown(format!(
            "`{text}`: {} has fewer than {}{} before run {}",
            start.name,
            plural(u64::from(reference.back), "earlier run"),
            branch.map(|b| format!(" on {b}")).unwrap_or_default(),
            start.id
        ))),
    }
}

/// [`resolve`] with prof's errors: a reference that names no run is the
/// user's mistake, a failing query is the database's.
pub fn resolve_run(conn: &Connection, reference: &str) -> crate::error::Result<RunRow> {
    use crate::error::Error;
    resolve(conn, reference).map_err(|e| match e {
        ResolveError::Database(detail) => database_error(conn, detail),
        other => Error::usage(other),
    })
}

/// A failing query's error, naming the database file when there is one.
fn database_error(conn: &Connection, detail: String) -> crate::error::Error {
    use crate::error::Error;
    match conn.path() {
        Some(path) if !path.is_empty() => Error::database(std::path::Path::new(path), detail),
        _ => Error::Query(detail),
    }
}

/// A usage error unless some run is named `name`, for commands that take a
/// benchmark name as a filter: a misspelt name is a mistake to report, not
/// an empty answer.
pub fn require_benchmark(conn: &Connection, name: &str) -> crate::error::Result<()> {
    let found = queries::list_runs(conn, Some(name), 1)
        .map(|runs| !runs.is_empty())
        .and_then(|found| {
            if found {
                Ok(None)
            } else {
                unknown_name(conn, name).map(Some)
            }
        });
    match found {
        Ok(None) => Ok(()),
        Ok(Some(unknown)) => Err(crate::error::Error::usage(unknown)),
        Err(e) => Err(database_error(conn, e.to_string())),
    }
}

/// The run a lookup just found. Each query reads its own snapshot, so a
/// `prof rm` in between can take it away: a database matter, not a bug.
fn read_back(conn: &Connection, id: i64) -> Result<RunRow, ResolveError> {
    queries::run(conn, id)?.ok_or_else(|| {
        ResolveError::Database(format!(
            "run {id} was removed by another process while it was looked up (run the command again)"
        ))
    })
}

fn unknown_name(conn: &Connection, name: &str) -> rusqlite::Result<ResolveError> {
    let names = lookup::benchmark_names(conn)?;
    let known = if names.is_empty() {
        "the database has no runs yet".to_string()
    } else {
        format!("known: {}", names.join(", "))
    };
    Ok(ResolveError::Unknown(format!(
        "no benchmark named `{name}` ({known})"
    )))
}

/// `NAME@REV`: REV is a branch, or a commit prefix that must pick one
/// commit; a commit REV names in full is picked over longer ones it begins.
fn resolve_at(
    conn: &Connection,
    name: &str,
    rev: &str,
) -> Result<(RunRow, Option<String>), ResolveError> {
    let by_branch = lookup::newest_on_branch(conn, name, rev)?;
    let mut commits = lookup::commits_of(conn, name, rev)?;
    if commits.iter().any(|(sha, _)| sha == rev) {
        commits.retain(|(sha, _)| sha == rev);
    }
    match (by_branch, commits.as_slice()) {
        (Some(id), []) => Ok((read_back(conn, id)?, Some(rev.to_string()))),
        (None, [(_, id)]) => Ok((read_back(conn, *id)?, None)),
        (None, []) => {
            if queries::list_runs(conn, Some(name), 1)?.is_empty() {
                return Err(unknown_name(conn, name)?);
            }
            Err(ResolveError::Unknown(format!(
                "`{name}@{rev}`: no run of {name} on a branch named {rev} or at a commit starting with {rev}"
            )))
        }
        (branch, commits) => {
            let mut candidates: Vec<String> = commits
                .iter()
                .map(|(sha, id)| format!("commit {sha} (run {id})"))
                .collect();
            if let Some(id) = branch {
                candidates.insert(0, format!("branch {rev} (run {id})"));
            }
            Err(ResolveError::Ambiguous(format!(
                "`{name}@{rev}` is ambiguous: {} (use more characters of the commit)",
                candidates.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let r = |t: &str| RunRef::parse(t).unwrap();
        assert_eq!(
            r("12"),
            RunRef {
                target: Target::Id(12),
                back: 0
            }
        );
        assert_eq!(
            r("latest~2"),
            RunRef {
                target: Target::Latest,
                back: 2
            }
        );
        assert_eq!(
            r("reth"),
            RunRef {
                target: Target::Name("reth".into()),
                back: 0
            }
        );
        assert_eq!(
            r("reth@main~1"),
            RunRef {
                target: Target::NameAt {
                    name: "reth".into(),
                    rev: "main".into()
                },
                back: 1
            }
        );
        assert_eq!(
            r("reth~"),
            RunRef {
                target: Target::Name("reth".into()),
                back: 1
            }
        );
        for bad in ["", "~1", "reth~x", "@main", "reth@", "99999999999999999999"] {
            assert!(RunRef::parse(bad).is_err(), "{bad}");
        }
    }

    fn db_with_runs(runs: &[(&str, &str, &str)]) -> Connection {
        let conn = crate::db::open_in_memory();
        for (name, commit, branch) in runs {
            conn.execute(
                "INSERT INTO runs (name, commit_sha, branch, created_at, source_path, content_sha256,
                                   entries, zero_counters, nonfinite)
                 VALUES (?1, ?2, ?3, '2026-01-01T00:00:00Z', 'x.json', '', 0, 0, 0)",
                [name, commit, branch],
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn resolves_names_branches_commits_and_steps() {
        let conn = db_with_runs(&[
            ("reth", "aaa111", "main"),
            ("reth", "bbb222", "pr-1"),
            ("reth", "ccc333", "main"),
            ("fib", "ccc333", "main"),
            ("reth", "aab444", "pr-2"),
        ]);
        let id = |t: &str| resolve(&conn, t).map(|r| r.id);
        assert_eq!(id("reth"), Ok(5));
        assert_eq!(id("latest"), Ok(5));
        assert_eq!(id("4"), Ok(4));
        assert_eq!(id("reth@main"), Ok(3));
        assert_eq!(id("reth@main~1"), Ok(1), "~ stays on the branch");
        assert_eq!(id("reth@bbb"), Ok(2));
        assert_eq!(id("reth~1"), Ok(3));
        assert_eq!(id("reth~3"), Ok(1), "run 4 is another benchmark's");
        assert!(
            matches!(id("reth~4"), Err(ResolveError::Unknown(m)) if m.contains("fewer than 4 earlier runs"))
        );
        assert!(
            matches!(id("reth@aa"), Err(ResolveError::Ambiguous(m)) if m.contains("aaa111") && m.contains("aab444"))
        );
        assert!(
            matches!(id("nope"), Err(ResolveError::Unknown(m)) if m.contains("known: fib, reth"))
        );
        assert!(matches!(id("99"), Err(ResolveError::Unknown(m)) if m.contains("runs are 1 to 5")));
        assert!(matches!(id("reth@zzz"), Err(ResolveError::Unknown(_))));
    }

    /// Runs inserted out of time order: (name, commit, branch, time).
    fn db_with_timed_runs(runs: &[(&str, &str, &str, &str)]) -> Connection {
        let conn = crate::db::open_in_memory();
        for (name, commit, branch, time) in runs {
            conn.execute(
                "INSERT INTO runs (name, commit_sha, branch, created_at, source_path, content_sha256,
                                   entries, zero_counters, nonfinite)
                 VALUES (?1, ?2, ?3, ?4, 'x.json', '', 0, 0, 0)",
                [name, commit, branch, time],
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn newest_and_steps_follow_the_runs_time_then_id() {
        // A backfill: ids 1..4 hold days 3, 1, 4, 2; day 4 also has run 5.
        let conn = db_with_timed_runs(&[
            ("reth", "c3", "main", "2026-01-03T00:00:00Z"),
            ("reth", "c1", "main", "2026-01-01T00:00:00Z"),
            ("reth", "c4", "pr", "2026-01-04T00:00:00Z"),
            ("reth", "c2", "main", "2026-01-02T00:00:00Z"),
            ("reth", "c4", "pr", "2026-01-04T00:00:00Z"),
        ]);
        let id = |t: &str| resolve(&conn, t).map(|r| r.id);
        assert_eq!(id("reth"), Ok(5), "the newest day, then the higher id");
        assert_eq!(id("latest"), Ok(5));
        assert_eq!(id("reth~1"), Ok(3));
        assert_eq!(id("reth~2"), Ok(1));
        assert_eq!(id("reth~3"), Ok(4));
        assert_eq!(id("reth~4"), Ok(2));
        assert_eq!(id("reth@main"), Ok(1));
        assert_eq!(id("reth@main~1"), Ok(4));
        assert_eq!(id("reth@c4"), Ok(5));
    }

    #[test]
    fn a_commit_given_in_full_is_not_ambiguous() {
        let conn = db_with_runs(&[
            ("reth", "cccccc1", "main"),
            ("reth", "cccccc12", "main"),
            ("reth", "cccccc13", "main"),
        ]);
        let id = |t: &str| resolve(&conn, t).map(|r| r.id);
        assert_eq!(id("reth@cccccc1"), Ok(1));
        assert_eq!(id("reth@cccccc12"), Ok(2));
        assert!(matches!(id("reth@cccccc"), Err(ResolveError::Ambiguous(_))));
    }
}

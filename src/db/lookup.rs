//! Runtime SQL that finds runs by what users call them: run references
//! (`reth@main~2`), a run's repeats at its commit and its `--meta` pairs,
//! and the benchmarks a report expected but did not find. Every "newest"
//! here follows [`NEWEST_FIRST`]: the run's time, then its id.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::queries::NEWEST_FIRST;

/// The lowest and highest run id, when there are runs.
pub fn run_id_range(conn: &Connection) -> rusqlite::Result<Option<(i64, i64)>> {
    let (low, high): (Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT MIN(id), MAX(id) FROM runs")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(low.zip(high))
}

/// Every benchmark name, sorted.
pub fn benchmark_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT DISTINCT name FROM runs ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// The newest run of `name` on `branch`.
pub fn newest_on_branch(
    conn: &Connection,
    name: &str,
    branch: &str,
) -> rusqlite::Result<Option<i64>> {
    let sql = format!(
        "SELECT id FROM runs WHERE name = ?1 AND branch = ?2 ORDER BY {NEWEST_FIRST} LIMIT 1"
    );
    conn.prepare_cached(&sql)?
        .query_row([name, branch], |r| r.get(0))
        .optional()
}

/// The commits of `name` that start with `prefix`, each with its newest
/// run, by commit.
pub fn commits_of(
    conn: &Connection,
    name: &str,
    prefix: &str,
) -> rusqlite::Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT commit_sha, id FROM (
             SELECT commit_sha, id,
                    ROW_NUMBER() OVER (PARTITION BY commit_sha ORDER BY {NEWEST_FIRST}) AS rank
             FROM runs WHERE name = ?1 AND substr(commit_sha, 1, length(?2)) = ?2)
         WHERE rank = 1 ORDER BY commit_sha"
    );
    conn.prepare_cached(&sql)?
        .query_map([name, prefix], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// The run of `name` `steps` runs before run `start` (1 = the one just
/// before it), along `branch` when given.
pub fn run_before(
    conn: &Connection,
    name: &str,
    start: i64,
    branch: Option<&str>,
    steps: u32,
) -> rusqlite::Result<Option<i64>> {
    let sql = format!(
        "SELECT id FROM runs
         WHERE name = ?1 AND (?3 IS NULL OR branch = ?3)
           AND (created_at, id) < (SELECT created_at, id FROM runs WHERE id = ?2)
         ORDER BY {NEWEST_FIRST} LIMIT 1 OFFSET ?4"
    );
    conn.prepare_cached(&sql)?
        .query_row(params![name, start, branch, steps.saturating_sub(1)], |r| {
            r.get(0)
        })
        .optional()
}

/// The runs of `name` at exactly `commit`, oldest first: one run, or the
/// repeats of that commit.
pub fn runs_at_commit(conn: &Connection, name: &str, commit: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT id FROM runs WHERE name = ?1 AND commit_sha = ?2 ORDER BY created_at, id",
    )?
    .query_map([name, commit], |r| r.get(0))?
    .collect()
}

/// A run's `--meta` pairs, by key.
pub fn run_meta(conn: &Connection, run_id: i64) -> rusqlite::Result<BTreeMap<String, String>> {
    conn.prepare_cached("SELECT key, value FROM run_meta WHERE run_id = ?1 ORDER BY key")?
        .query_map([run_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// A benchmark that has a baseline but no run at the head commit: its name
/// and its baseline run, the last it had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingRun {
    pub name: String,
    pub commit_sha: Option<String>,
    pub run_id: i64,
}

/// Where baselines come from: one commit, or a branch before the head.
#[derive(Clone, Copy, Debug)]
pub enum BaselineSource<'a> {
    Commit(&'a str),
    Branch(&'a str),
}

/// The benchmarks with no run at `head_commit` that have a baseline there
/// would have been compared with: each one's newest run at the baseline
/// commit, or on the base branch before the head commit's first run.
pub fn missing_at_commit(
    conn: &Connection,
    head_commit: &str,
    source: BaselineSource<'_>,
) -> rusqlite::Result<Vec<MissingRun>> {
    // Both read only what they answer, so a long history costs nothing: a
    // baseline commit's runs through its index, or each benchmark's newest
    // run on the branch through (name, branch, created_at, id).
    let (sql, baseline) = match source {
        BaselineSource::Commit(commit) => (
            format!(
                "SELECT name, commit_sha, id FROM (
                     SELECT name, commit_sha, id,
                            ROW_NUMBER() OVER (PARTITION BY name ORDER BY {NEWEST_FIRST}) AS rank
                     FROM runs WHERE commit_sha = ?2 AND commit_sha IS NOT ?1)
                 WHERE rank = 1
                   AND name NOT IN (SELECT name FROM runs WHERE commit_sha = ?1)
                 ORDER BY name"
            ),
            commit,
        ),
        BaselineSource::Branch(branch) => (
            format!(
                "SELECT n.name, r.commit_sha, r.id
                 FROM (SELECT DISTINCT name FROM runs WHERE branch = ?2) AS n
                 JOIN runs AS r ON r.id = (
                     SELECT id FROM runs
                     WHERE name = n.name AND branch = ?2 AND commit_sha IS NOT ?1
                       AND (created_at, id) < (SELECT created_at, id FROM runs
                                               WHERE commit_sha = ?1
                                               ORDER BY created_at, id LIMIT 1)
                     ORDER BY {NEWEST_FIRST} LIMIT 1)
                 WHERE n.name NOT IN (SELECT name FROM runs WHERE commit_sha = ?1)
                 ORDER BY n.name"
            ),
            branch,
        ),
    };
    conn.prepare_cached(&sql)?
        .query_map(params![head_commit, baseline], |r| {
            Ok(MissingRun {
                name: r.get(0)?,
                commit_sha: r.get(1)?,
                run_id: r.get(2)?,
            })
        })?
        .collect()
}

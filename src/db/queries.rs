//! Read-side SQL: every query a command runs against the store, with `?N`
//! placeholders and cached statements. Meaning lives in the views; these
//! queries only select from them.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, Row};

use crate::model::{GroupProofRow, GroupStatRow, RunRow, SampleValue};

/// The order of runs in time: `created_at` (which `--time` sets for
/// backfills), then id for runs of the same second.
pub const NEWEST_FIRST: &str = "created_at DESC, id DESC";

/// The columns of `runs` that [`run_row`] reads, in its order.
macro_rules! run_columns {
    () => {
        "id, name, commit_sha, branch, created_at, source_path, nonfinite"
    };
}

fn run_row(row: &Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: row.get(0)?,
        name: row.get(1)?,
        commit_sha: row.get(2)?,
        branch: row.get(3)?,
        created_at: row.get(4)?,
        source_path: row.get(5)?,
        serial_s: 0.0,
        parallel_s: 0.0,
        estimated: false,
        runs_at_commit: 1,
        meta: Default::default(),
        excluded: None,
        nonfinite: row.get(6)?,
    })
}

const TOTALS_OF_RUN: &str =
    "SELECT COALESCE(SUM(serial_ms), 0) / 1000.0, COALESCE(SUM(parallel_ms), 0) / 1000.0,
        COALESCE(MAX(estimated), 0)
 FROM group_proof_time WHERE run_id = ?1";

/// Fills in a run's totals. These are `run_totals` for one run, read from
/// `group_proof_time` with the run as a parameter: SQLite pushes a bound
/// run_id into that view, not into `run_totals`' join, so this stays fast
/// however long the history.
fn with_totals(conn: &Connection, mut run: RunRow) -> rusqlite::Result<RunRow> {
    let (serial, parallel, estimated): (f64, f64, bool) = conn
        .prepare_cached(TOTALS_OF_RUN)?
        .query_row([run.id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    run.serial_s = serial;
    run.parallel_s = parallel;
    run.estimated = estimated;
    run.meta = super::lookup::run_meta(conn, run.id)?;
    run.excluded = super::annotations::exclusion_reason(conn, run.id)?;
    if let Some(commit) = &run.commit_sha {
        run.runs_at_commit = super::lookup::runs_at_commit(conn, &run.name, commit)?.len();
    }
    Ok(run)
}

/// Runs, newest first, optionally of one benchmark.
pub fn list_runs(
    conn: &Connection,
    name: Option<&str>,
    limit: u32,
) -> rusqlite::Result<Vec<RunRow>> {
    let mut statement = conn.prepare_cached(concat!(
        "SELECT ",
        run_columns!(),
        " FROM runs WHERE ?1 IS NULL OR name = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2"
    ))?;
    let rows: Vec<RunRow> = statement
        .query_map(rusqlite::params![name, limit], run_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|run| with_totals(conn, run)).collect()
}

const RUN_BY_ID: &str = concat!("SELECT ", run_columns!(), " FROM runs WHERE id = ?1");

/// One run by id.
pub fn run(conn: &Connection, id: i64) -> rusqlite::Result<Option<RunRow>> {
    use rusqlite::OptionalExtension;
    let run = conn
        .prepare_cached(RUN_BY_ID)?
        .query_row([id], run_row)
        .optional()?;
    run.map(|run| with_totals(conn, run)).transpose()
}

const GROUP_STATS_OF_RUN: &str =
    "SELECT group_name, weight, metric, count, sum, min, max, avg, phase
 FROM group_stats WHERE run_id = ?1
 ORDER BY weight, group_name, metric";

/// `group_stats` of one run, by weight, group and metric.
pub fn group_stats(conn: &Connection, run_id: i64) -> rusqlite::Result<Vec<GroupStatRow>> {
    let mut statement = conn.prepare_cached(GROUP_STATS_OF_RUN)?;
    let rows = statement.query_map([run_id], |row| {
        Ok(GroupStatRow {
            group_name: row.get(0)?,
            weight: row.get(1)?,
            metric: row.get(2)?,
            count: row.get(3)?,
            sum: row.get(4)?,
            min: row.get(5)?,
            max: row.get(6)?,
            avg: row.get(7)?,
            phase: row.get(8)?,
        })
    })?;
    rows.collect()
}

const GROUP_PROOF_TIMES_OF_RUN: &str =
    "SELECT group_name, weight, serial_ms, parallel_ms, estimated, app_serial_ms
 FROM group_proof_time WHERE run_id = ?1
 ORDER BY weight, group_name";

/// `group_proof_time` of one run, by weight and group.
pub fn group_proof_times(conn: &Connection, run_id: i64) -> rusqlite::Result<Vec<GroupProofRow>> {
    let mut statement = conn.prepare_cached(GROUP_PROOF_TIMES_OF_RUN)?;
    let rows = statement.query_map([run_id], |row| {
        Ok(GroupProofRow {
            group_name: row.get(0)?,
            weight: row.get(1)?,
            serial_ms: row.get(2)?,
            parallel_ms: row.get(3)?,
            estimated: row.get(4)?,
            app_serial_ms: row.get(5)?,
        })
    })?;
    rows.collect()
}

const PROOFS_OF_RUN: &str = "SELECT group_name, proof_ms FROM proof_deal_order WHERE run_id = ?1
 ORDER BY group_name, position";

/// Each group's proof times in the order they are dealt to provers.
pub fn proofs_in_deal_order(
    conn: &Connection,
    run_id: i64,
) -> rusqlite::Result<BTreeMap<String, Vec<f64>>> {
    let mut statement = conn.prepare_cached(PROOFS_OF_RUN)?;
    let mut rows = statement.query([run_id])?;
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    while let Some(row) = rows.next()? {
        out.entry(row.get(0)?).or_default().push(row.get(1)?);
    }
    Ok(out)
}

const SAMPLE_VALUES_OF_RUN: &str = "SELECT label_set_id, metric_id, value FROM samples
 WHERE run_id = ?1 AND value IS NOT NULL
 UNION ALL
 SELECT label_set_id, (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms'), value
 FROM derived_proof_times WHERE run_id = ?1";

/// Hands `visit` every finite stored sample of a run plus its derived proof
/// times, as (label set id, metric id, value) in file order, derived ones
/// last; a large run has millions, so they are not collected first.
pub fn for_each_sample_value(
    conn: &Connection,
    run_id: i64,
    mut visit: impl FnMut(SampleValue) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(SAMPLE_VALUES_OF_RUN)?;
    let mut rows = statement.query([run_id])?;
    while let Some(row) = rows.next()? {
        visit(SampleValue {
            label_set_id: row.get(0)?,
            metric_id: row.get(1)?,
            value: row.get(2)?,
        })?;
    }
    Ok(())
}

/// A label set's `items`: its (key id, value id) pairs as JSON text.
pub fn label_set_items(conn: &Connection, label_set_id: i64) -> rusqlite::Result<String> {
    conn.prepare_cached(LABEL_SET_ITEMS)?
        .query_row([label_set_id], |row| row.get(0))
}

/// Hands `visit` the `items` of label sets `first` to `first + count - 1`,
/// by id, without copying them: a run's label sets were mostly created
/// together, so one range scan serves many.
pub fn for_each_label_set_items(
    conn: &Connection,
    first: i64,
    count: i64,
    mut visit: impl FnMut(i64, &str),
) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(LABEL_SET_ITEMS_RANGE)?;
    let mut rows = statement.query([first, first + count])?;
    while let Some(row) = rows.next()? {
        visit(row.get(0)?, row.get_ref(1)?.as_str()?);
    }
    Ok(())
}

/// Every label key by id.
pub fn label_keys(conn: &Connection) -> rusqlite::Result<HashMap<i64, String>> {
    let mut statement = conn.prepare_cached("SELECT id, key FROM label_keys")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

/// One label value by id.
pub fn label_value(conn: &Connection, id: i64) -> rusqlite::Result<String> {
    conn.prepare_cached(LABEL_VALUE)?
        .query_row([id], |row| row.get(0))
}

/// Every metric name by id.
pub fn metric_names(conn: &Connection) -> rusqlite::Result<HashMap<i64, String>> {
    let mut statement = conn.prepare_cached("SELECT id, name FROM metric_names")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

const DERIVED_BLOBS_OF_RUN: &str =
    "SELECT group_value_id, idx_value_id, value FROM derived_blob_times
 WHERE run_id = ?1 ORDER BY group_value_id, idx_value_id";

/// Derived `generate_blob_total_time_ms` of a run: (group value id, idx
/// value id, ms).
pub fn derived_blob_times(
    conn: &Connection,
    run_id: i64,
) -> rusqlite::Result<Vec<(i64, i64, f64)>> {
    let mut statement = conn.prepare_cached(DERIVED_BLOBS_OF_RUN)?;
    let rows = statement.query_map([run_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect()
}

/// The id of a label key, if any run has it.
pub fn label_key_id(conn: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached("SELECT id FROM label_keys WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()
}

/// The distinct commits starting with `prefix`, each with its runs' count.
pub fn commits_matching(conn: &Connection, prefix: &str) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare_cached(
        "SELECT commit_sha, COUNT(*) FROM runs
         WHERE substr(commit_sha, 1, length(?1)) = ?1
         GROUP BY commit_sha ORDER BY commit_sha",
    )?;
    let rows = statement.query_map([prefix], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

const NEWEST_RUNS_AT_COMMIT: &str = concat!(
    "SELECT ",
    run_columns!(),
    " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY created_at DESC, id DESC) AS rank
       FROM runs WHERE commit_sha = ?1)
     WHERE rank = 1 ORDER BY name"
);

/// Every benchmark's newest run at `commit`, by name.
pub fn newest_runs_at_commit(conn: &Connection, commit: &str) -> rusqlite::Result<Vec<RunRow>> {
    let mut statement = conn.prepare_cached(NEWEST_RUNS_AT_COMMIT)?;
    let rows: Vec<RunRow> = statement
        .query_map([commit], run_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|run| with_totals(conn, run)).collect()
}

/// The newest run of benchmark `name` at exactly `commit`.
pub fn newest_run_at_commit(
    conn: &Connection,
    name: &str,
    commit: &str,
) -> rusqlite::Result<Option<RunRow>> {
    use rusqlite::OptionalExtension;
    let id: Option<i64> = conn
        .prepare_cached(NEWEST_RUN_OF_NAME_AT_COMMIT)?
        .query_row([name, commit], |row| row.get(0))
        .optional()?;
    id.map(|id| run(conn, id)).transpose().map(Option::flatten)
}

/// The newest run of benchmark `name` on `branch` before the first run of
/// that benchmark at `head_commit` (or, when there is none, before the
/// first run of any benchmark there), and not at that commit itself: a
/// repeat is never its own baseline.
pub fn newest_run_on_branch_before(
    conn: &Connection,
    name: &str,
    branch: &str,
    head_commit: &str,
) -> rusqlite::Result<Option<RunRow>> {
    use rusqlite::OptionalExtension;
    let id: Option<i64> = conn
        .prepare_cached(NEWEST_RUN_ON_BRANCH_BEFORE)?
        .query_row(rusqlite::params![name, branch, head_commit], |row| {
            row.get(0)
        })
        .optional()?;
    id.map(|id| run(conn, id)).transpose().map(Option::flatten)
}

/// The newest run of `name` on `branch` ordered before run `run_id`, not at
/// its commit: the baseline `check` judges a run against.
pub fn newest_run_on_branch_before_run(
    conn: &Connection,
    name: &str,
    branch: &str,
    run_id: i64,
) -> rusqlite::Result<Option<RunRow>> {
    use rusqlite::OptionalExtension;
    let id: Option<i64> = conn
        .prepare_cached(NEWEST_RUN_ON_BRANCH_BEFORE_RUN)?
        .query_row(rusqlite::params![name, branch, run_id], |row| row.get(0))
        .optional()?;
    id.map(|id| run(conn, id)).transpose().map(Option::flatten)
}

/// Whether any run was recorded on `branch`.
pub fn branch_has_runs(conn: &Connection, branch: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM runs WHERE branch = ?1)")?
        .query_row([branch], |row| row.get(0))
}

const NEWEST_RUN_OF_NAME_AT_COMMIT: &str = "SELECT id FROM runs WHERE name = ?1 AND commit_sha = ?2
     ORDER BY created_at DESC, id DESC LIMIT 1";
/// Before the first run at the head commit (of that benchmark, else of any),
/// never at that commit: a repeat is never its own baseline.
const NEWEST_RUN_ON_BRANCH_BEFORE: &str = "SELECT id FROM runs
     WHERE name = ?1 AND branch = ?2 AND commit_sha IS NOT ?3
       AND (created_at, id) < (
           SELECT created_at, id FROM runs WHERE commit_sha = ?3
           ORDER BY name = ?1 DESC, created_at, id LIMIT 1)
     ORDER BY created_at DESC, id DESC LIMIT 1";
const NEWEST_RUN_ON_BRANCH_BEFORE_RUN: &str =
    "WITH head AS (SELECT commit_sha, created_at, id FROM runs WHERE id = ?3)
     SELECT runs.id FROM runs, head
     WHERE runs.name = ?1 AND runs.branch = ?2
       AND (head.commit_sha IS NULL OR runs.commit_sha IS NOT head.commit_sha)
       AND (runs.created_at, runs.id) < (head.created_at, head.id)
     ORDER BY runs.created_at DESC, runs.id DESC LIMIT 1";
const LABEL_SET_ITEMS: &str = "SELECT items FROM label_sets WHERE id = ?1";
const LABEL_SET_ITEMS_RANGE: &str =
    "SELECT id, items FROM label_sets WHERE id >= ?1 AND id < ?2 ORDER BY id";
const LABEL_VALUE: &str = "SELECT value FROM label_values WHERE id = ?1";

/// Every query that reads one run's rows (or one benchmark's), by name: each
/// must be an index lookup, never a scan of the samples or a stored table,
/// however long the history (checked by `tests::per_run_queries_are_index_lookups`).
#[cfg(test)]
pub(crate) const PER_RUN_QUERIES: &[(&str, &str)] = &[
    ("TOTALS_OF_RUN", TOTALS_OF_RUN),
    ("RUN_BY_ID", RUN_BY_ID),
    ("GROUP_STATS_OF_RUN", GROUP_STATS_OF_RUN),
    ("GROUP_PROOF_TIMES_OF_RUN", GROUP_PROOF_TIMES_OF_RUN),
    ("PROOFS_OF_RUN", PROOFS_OF_RUN),
    ("SAMPLE_VALUES_OF_RUN", SAMPLE_VALUES_OF_RUN),
    ("DERIVED_BLOBS_OF_RUN", DERIVED_BLOBS_OF_RUN),
    ("NEWEST_RUNS_AT_COMMIT", NEWEST_RUNS_AT_COMMIT),
    ("METRIC_HISTORY_SUM", super::series::METRIC_HISTORY_SUM),
    ("METRIC_HISTORY_AVG", super::series::METRIC_HISTORY_AVG),
    ("METRIC_HISTORY_MAX", super::series::METRIC_HISTORY_MAX),
    ("METRIC_HISTORY_MIN", super::series::METRIC_HISTORY_MIN),
    ("METRIC_HISTORY_COUNT", super::series::METRIC_HISTORY_COUNT),
    ("RUN_TOTALS_SERIAL", super::series::RUN_TOTALS_SERIAL),
    ("RUN_TOTALS_PARALLEL", super::series::RUN_TOTALS_PARALLEL),
    ("NEWEST_RUN_OF_NAME_AT_COMMIT", NEWEST_RUN_OF_NAME_AT_COMMIT),
    ("NEWEST_RUN_ON_BRANCH_BEFORE", NEWEST_RUN_ON_BRANCH_BEFORE),
    (
        "NEWEST_RUN_ON_BRANCH_BEFORE_RUN",
        NEWEST_RUN_ON_BRANCH_BEFORE_RUN,
    ),
    ("LABEL_SET_ITEMS", LABEL_SET_ITEMS),
    ("LABEL_SET_ITEMS_RANGE", LABEL_SET_ITEMS_RANGE),
    ("LABEL_VALUE", LABEL_VALUE),
];

//! Read-side SQL for series across runs: which benchmarks and groups have a
//! metric, and one series (a statistic of a group's metric, or a run total)
//! of one benchmark on one branch, for `prof trend`.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::model::{RunTotal, SeriesPoint, TrendSeries, TrendStat};

/// The (benchmark, group) pairs that have `metric`, optionally narrowed. A
/// group whose proof time is estimated has `total_proof_time_ms` too (see
/// `metric_history`).
pub fn metric_owners(
    conn: &Connection,
    metric: &str,
    name: Option<&str>,
    group: Option<&str>,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut statement = conn.prepare_cached(
        "SELECT r.name, s.group_name
         FROM group_stats_store AS s JOIN runs AS r ON r.id = s.run_id
         WHERE s.metric = ?1 AND (?2 IS NULL OR r.name = ?2) AND (?3 IS NULL OR s.group_name = ?3)
         UNION
         SELECT r.name, p.group_name
         FROM group_proof_time_store AS p JOIN runs AS r ON r.id = p.run_id
         WHERE ?1 = 'total_proof_time_ms' AND p.estimated = 1
           AND (?2 IS NULL OR r.name = ?2) AND (?3 IS NULL OR p.group_name = ?3)
         ORDER BY 1, 2",
    )?;
    let rows = statement.query_map(rusqlite::params![metric, name, group], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    rows.collect()
}

/// The branch of benchmark `name`'s newest run that has `series`: `None`
/// when no run has it, `Some(None)` when that run has no branch.
pub fn newest_series_branch(
    conn: &Connection,
    name: &str,
    series: &TrendSeries,
) -> rusqlite::Result<Option<Option<String>>> {
    match series {
        TrendSeries::Metric { group, metric, .. } => conn
            .prepare_cached(
                "SELECT branch FROM metric_history
                 WHERE name = ?1 AND group_name = ?2 AND metric = ?3
                 ORDER BY created_at DESC, run_id DESC LIMIT 1",
            )?
            .query_row(rusqlite::params![name, group, metric], |row| row.get(0))
            .optional(),
        TrendSeries::Total(_) => conn
            .prepare_cached(
                "SELECT branch FROM runs WHERE name = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
            )?
            .query_row([name], |row| row.get(0))
            .optional(),
    }
}

/// A series of benchmark `name` on `branch` (`None`: runs without a branch),
/// its newest `last` runs, returned oldest first. Runs where the statistic
/// has no value (the average of an estimated proof time) are left out.
pub fn series_history(
    conn: &Connection,
    name: &str,
    series: &TrendSeries,
    branch: Option<&str>,
    last: u32,
) -> rusqlite::Result<Vec<SeriesPoint>> {
    let point = |row: &Row<'_>| {
        Ok(SeriesPoint {
            run_id: row.get(0)?,
            commit_sha: row.get(1)?,
            branch: row.get(2)?,
            created_at: row.get(3)?,
            value: row.get(4)?,
        })
    };
    let mut out: Vec<SeriesPoint> = match series {
        TrendSeries::Metric {
            group,
            metric,
            stat,
        } => {
            let sql = match stat {
                TrendStat::Sum => METRIC_HISTORY_SUM,
                TrendStat::Avg => METRIC_HISTORY_AVG,
                TrendStat::Max => METRIC_HISTORY_MAX,
                TrendStat::Min => METRIC_HISTORY_MIN,
                TrendStat::Count => METRIC_HISTORY_COUNT,
            };
            let mut statement = conn.prepare_cached(sql)?;
            statement
                .query_map(rusqlite::params![name, group, metric, branch, last], point)?
                .collect::<rusqlite::Result<_>>()?
        }
        TrendSeries::Total(total) => {
            let sql = match total {
                RunTotal::SerialS => RUN_TOTALS_SERIAL,
                RunTotal::ParallelS => RUN_TOTALS_PARALLEL,
            };
            let mut statement = conn.prepare_cached(sql)?;
            statement
                .query_map(rusqlite::params![name, branch, last], point)?
                .collect::<rusqlite::Result<_>>()?
        }
    };
    out.reverse();
    Ok(out)
}

/// `metric_history` of one (benchmark, group, metric) on one branch, one
/// statement per statistic so that each is a constant, cached statement.
macro_rules! metric_history_sql {
    ($stat:literal) => {
        concat!(
            "SELECT run_id, commit_sha, branch, created_at, ",
            $stat,
            " FROM metric_history
             WHERE name = ?1 AND group_name = ?2 AND metric = ?3 AND branch IS ?4
               AND ",
            $stat,
            " IS NOT NULL
             ORDER BY created_at DESC, run_id DESC LIMIT ?5"
        )
    };
}
pub(super) const METRIC_HISTORY_SUM: &str = metric_history_sql!("sum");
pub(super) const METRIC_HISTORY_AVG: &str = metric_history_sql!("avg");
pub(super) const METRIC_HISTORY_MAX: &str = metric_history_sql!("max");
pub(super) const METRIC_HISTORY_MIN: &str = metric_history_sql!("min");
pub(super) const METRIC_HISTORY_COUNT: &str = metric_history_sql!("count");

/// `run_totals` of one benchmark on one branch.
macro_rules! run_totals_sql {
    ($column:literal) => {
        concat!(
            "SELECT run_id, commit_sha, branch, created_at, ",
            $column,
            " FROM run_totals WHERE name = ?1 AND branch IS ?2
             ORDER BY created_at DESC, run_id DESC LIMIT ?3"
        )
    };
}
pub(super) const RUN_TOTALS_SERIAL: &str = run_totals_sql!("serial_s");
pub(super) const RUN_TOTALS_PARALLEL: &str = run_totals_sql!("parallel_s");

/// The benchmark names, or `name` alone if it has runs.
pub fn benchmark_names(conn: &Connection, name: Option<&str>) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT name FROM runs WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
    )?;
    let rows = statement.query_map([name], |row| row.get(0))?;
    rows.collect()
}

/// Whether `metric` is a counter in `group` at every one of `run_ids`
/// (stored `kind` 0, migration V7): one primary-key lookup per run.
pub fn counter_at_every_run(
    conn: &Connection,
    run_ids: &[i64],
    group: &str,
    metric: &str,
) -> rusqlite::Result<bool> {
    let mut statement = conn.prepare_cached(
        "SELECT kind FROM group_stats_store WHERE run_id = ?1 AND group_name = ?2 AND metric = ?3",
    )?;
    for &run_id in run_ids {
        let kind: Option<i64> = statement
            .query_row(rusqlite::params![run_id, group, metric], |row| row.get(0))
            .optional()?;
        if kind != Some(0) {
            return Ok(false);
        }
    }
    Ok(!run_ids.is_empty())
}

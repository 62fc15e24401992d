//! Read-side SQL for change detection: every series of a branch's history,
//! run by run in (created_at, id) order, with each run's exclusion, and the
//! runs' proof-time totals as series of their own. A run's value of a
//! series that rests on non-finite samples (`series_nonfinite`) reads low,
//! so it is no point of that series.

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use rusqlite::{Connection, OptionalExtension};

/// Which part of a branch's history to read.
#[derive(Clone, Debug, Default)]
pub struct HistoryFilter<'a> {
    pub branch: &'a str,
    /// Only this benchmark.
    pub name: Option<&'a str>,
    /// Only this group (the totals belong to no group).
    pub group: Option<&'a str>,
    /// Only these metrics; `None` reads every metric.
    pub metrics: Option<&'a [String]>,
}

/// A run of the history, as outputs name it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRun {
    pub id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub created_at: String,
    /// Marked with `prof exclude`: shown, but left out of detection.
    pub excluded: bool,
}

/// The (run id, group, metric) series that rest on non-finite samples
/// (the run totals with group `""`): their values read low.
pub type LostSeries = HashSet<(i64, String, String)>;

/// One value of one series at one run. A history repeats each name over
/// thousands of runs, so the names are shared.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryValue {
    pub run_id: i64,
    pub name: Rc<str>,
    pub group_name: Rc<str>,
    pub metric: Rc<str>,
    pub value: f64,
    /// Every sample of the metric in the group is a counter (stored `kind`
    /// 0, migration V7).
    pub counter: bool,
}

/// The test on `r.name` for parameter ?2. With a name it is an equality,
/// so one benchmark's runs are read through the (name, branch) index; a
/// single `?2 IS NULL OR r.name = ?2` can use no index and reads every run
/// of the branch, which grows with the history.
fn name_test(filter: &HistoryFilter<'_>) -> &'static str {
    match filter.name {
        Some(_) => "r.name = ?2",
        None => "?2 IS NULL",
    }
}

/// The runs of the branch (filtered by name), ordered by benchmark, then
/// (created_at, id): the order a series is read in.
pub fn history_runs(
    conn: &Connection,
    filter: &HistoryFilter<'_>,
) -> rusqlite::Result<Vec<HistoryRun>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT r.id, r.name, r.commit_sha, r.created_at,
                EXISTS (SELECT 1 FROM run_exclusions AS e WHERE e.run_id = r.id)
         FROM runs AS r
         WHERE r.branch = ?1 AND {}
         ORDER BY r.name, r.created_at, r.id",
        name_test(filter)
    ))?;
    statement
        .query_map(rusqlite::params![filter.branch, filter.name], |row| {
            Ok(HistoryRun {
                id: row.get(0)?,
                name: row.get(1)?,
                commit_sha: row.get(2)?,
                created_at: row.get(3)?,
                excluded: row.get(4)?,
            })
        })?
        .collect()
}

/// Every (group, metric) sum of the branch's runs that passes `filter`,
/// keygen groups left out (no total counts them) and the `lost` ones too
/// (see [`lost_series`]), ordered by series and then by (created_at, id).
pub fn history_values(
    conn: &Connection,
    filter: &HistoryFilter<'_>,
    lost: &LostSeries,
) -> rusqlite::Result<Vec<HistoryValue>> {
    let metrics = filter
        .metrics
        .map(|list| serde_json::to_string(list).expect("strings serialise"));
    let name_test = name_test(filter);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT r.id, r.name, s.group_name, s.metric, s.sum, s.kind = 0
         FROM runs AS r
         JOIN group_stats_store AS s ON s.run_id = r.id
         WHERE r.branch = ?1 AND {name_test}
           AND (?3 IS NULL OR s.group_name = ?3)
           AND (?4 IS NULL OR s.metric IN (SELECT value FROM json_each(?4)))
           AND s.group_name NOT LIKE '%keygen%'
         ORDER BY r.name, r.created_at, r.id"
    ))?;
    // Rows come run by run, in the index's order; each series gathers its
    // values here, so SQLite need not sort every value of the history by
    // series (a third of the read in a 1,000-run history).
    let mut series: BTreeMap<(Rc<str>, Rc<str>, Rc<str>), Vec<HistoryValue>> = BTreeMap::new();
    let mut names: HashSet<Rc<str>> = HashSet::new();
    let mut share = |text: &str| -> Rc<str> {
        match names.get(text) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Rc<str> = text.into();
                names.insert(shared.clone());
                shared
            }
        }
    };
    let mut rows = statement.query(rusqlite::params![
        filter.branch,
        filter.name,
        filter.group,
        metrics
    ])?;
    while let Some(row) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<&str> { Ok(row.get_ref(i)?.as_str()?) };
        let key = (share(text(1)?), share(text(2)?), share(text(3)?));
        let value = HistoryValue {
            run_id: row.get(0)?,
            name: key.0.clone(),
            group_name: key.1.clone(),
            metric: key.2.clone(),
            value: row.get(4)?,
            counter: row.get(5)?,
        };
        series.entry(key).or_default().push(value);
    }
    drop(rows);
    let values: Vec<HistoryValue> = series.into_values().flatten().collect();
    if lost.is_empty() {
        return Ok(values);
    }
    Ok(values
        .into_iter()
        .filter(|v| !lost.contains(&(v.run_id, v.group_name.to_string(), v.metric.to_string())))
        .collect())
}

/// The (run, group, metric) series of the branch's runs (filtered by name)
/// that rest on non-finite samples, the run totals with group `""`. Only
/// runs that stored a non-finite value are asked, so a clean history costs
/// one index range.
pub fn lost_series(conn: &Connection, filter: &HistoryFilter<'_>) -> rusqlite::Result<LostSeries> {
    let flawed: Vec<i64> = conn
        .prepare_cached(&format!(
            "SELECT r.id FROM runs AS r
             WHERE r.branch = ?1 AND {} AND r.nonfinite > 0 ORDER BY r.id",
            name_test(filter)
        ))?
        .query_map(rusqlite::params![filter.branch, filter.name], |row| {
            row.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    lost_series_of(conn, &flawed)
}

/// [`lost_series`] of the runs `run_ids` (those that stored no non-finite
/// value cost one primary-key lookup each).
pub fn lost_series_of_runs(conn: &Connection, run_ids: &[i64]) -> rusqlite::Result<LostSeries> {
    let mut flawed = Vec::new();
    let mut nonfinite = conn.prepare_cached("SELECT nonfinite FROM runs WHERE id = ?1")?;
    for &run_id in run_ids {
        let count: Option<i64> = nonfinite.query_row([run_id], |row| row.get(0)).optional()?;
        if count.unwrap_or(0) > 0 {
            flawed.push(run_id);
        }
    }
    lost_series_of(conn, &flawed)
}

fn lost_series_of(conn: &Connection, flawed: &[i64]) -> rusqlite::Result<LostSeries> {
    let mut lost = HashSet::new();
    for &run_id in flawed {
        for (group, metric, _) in super::window::nonfinite_series(conn, run_id)? {
            lost.insert((run_id, group, metric));
        }
    }
    Ok(lost)
}

/// Whether `lost` (from [`lost_series`]) holds run `run_id`'s totals.
pub fn totals_lost(lost: &LostSeries, run_id: i64) -> bool {
    lost.contains(&(run_id, String::new(), "serial_s".to_string()))
}

/// Each run's proof-time totals in seconds, (run id, serial_s, parallel_s),
/// for the branch's runs that pass the name filter, NaN where they are
/// `lost` (which leaves them out of their series). One benchmark's runs
/// are read through the (name, branch) index; `run_totals` is a plain
/// projection of `runs` (migration V9), so only those runs are summed.
pub fn history_totals(
    conn: &Connection,
    filter: &HistoryFilter<'_>,
    lost: &LostSeries,
) -> rusqlite::Result<Vec<(i64, f64, f64)>> {
    conn.prepare_cached(&format!(
        "SELECT run_id, serial_s, parallel_s FROM run_totals AS r
         WHERE r.branch = ?1 AND {} ORDER BY run_id",
        name_test(filter)
    ))?
    .query_map(rusqlite::params![filter.branch, filter.name], |row| {
        let run_id = row.get(0)?;
        Ok(if totals_lost(lost, run_id) {
            (run_id, f64::NAN, f64::NAN)
        } else {
            (run_id, row.get(1)?, row.get(2)?)
        })
    })?
    .collect()
}

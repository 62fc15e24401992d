//! Where verdicts' windows come from: for a head run and its baseline run,
//! the series the report shows (run totals and each group's headline
//! metrics), each with its window of history from the store (see
//! `db::window`), cut at the series' latest acknowledged shift.

use std::collections::HashMap;

use rusqlite::Connection;

use super::Report;
use super::cell::{Better, Change};
use super::verdict::{SeriesHistory, VerdictOptions};
use crate::db::{queries, window};
use crate::model::RunRow;

/// The (group, metric, stat) a verdict is about; totals have group `""`.
type SeriesKey = (String, String, &'static str);

/// One run's values of every series.
struct RunValues {
    created_at: String,
    id: i64,
    values: HashMap<(String, String), (i64, f64)>,
    serial_s: f64,
    parallel_s: f64,
    /// Non-finite samples under each series that has any: those read low.
    nonfinite: HashMap<(String, String), i64>,
}

impl RunValues {
    fn load(conn: &Connection, id: i64) -> rusqlite::Result<Option<RunValues>> {
        let Some(run) = queries::run(conn, id)? else {
            return Ok(None);
        };
        let values = window::series_values(conn, id)?
            .into_iter()
            .map(|v| ((v.group_name, v.metric), (v.count, v.sum)))
            .collect();
        let nonfinite = if run.nonfinite > 0 {
            window::nonfinite_series(conn, id)?
                .into_iter()
                .map(|(group, metric, count)| ((group, metric), count))
                .collect()
        } else {
            HashMap::new()
        };
        Ok(Some(RunValues {
            created_at: run.created_at,
            id,
            values,
            serial_s: run.serial_s,
            parallel_s: run.parallel_s,
            nonfinite,
        }))
    }

    /// Non-finite samples under a series (`series_nonfinite`).
    fn nonfinite(&self, (group, metric, _): &SeriesKey) -> i64 {
        if self.nonfinite.is_empty() {
            return 0;
        }
        let key = (group.clone(), metric.clone());
        self.nonfinite.get(&key).copied().unwrap_or(0)
    }

    /// The series' value when no non-finite sample is under it.
    fn complete(&self, key: &SeriesKey) -> Option<f64> {
        if self.nonfinite(key) > 0 {
            return None;
        }
        self.get(key)
    }

    fn get(&self, (group, metric, stat): &SeriesKey) -> Option<f64> {
        if group.is_empty() {
            return match metric.as_str() {
                "serial_s" => Some(self.serial_s),
                "parallel_s" => Some(self.parallel_s),
                _ => None,
            };
        }
        let &(count, sum) = self.values.get(&(group.clone(), metric.clone()))?;
        let value = if *stat == "avg" {
            sum / count as f64
        } else {
            sum
        };
        value.is_finite().then_some(value)
    }
}

/// The series of `report` (built for `head` against `base`) with their
/// windows. Empty without a baseline run: a new benchmark has no verdicts.
pub fn load(
    conn: &Connection,
    report: &Report,
    head: &RunRow,
    base: Option<&RunRow>,
    options: &VerdictOptions,
) -> rusqlite::Result<Vec<SeriesHistory>> {
    let Some(base) = base else {
        return Ok(Vec::new());
    };
    let window_ids = window::window_runs(
        conn,
        &head.name,
        base.branch.as_deref(),
        (&base.created_at, base.id),
        head.commit_sha.as_deref(),
        options.window,
    )?;
    let mut head_ids = match &head.commit_sha {
        Some(commit) => window::runs_at_commit(conn, &head.name, commit)?,
        None => Vec::new(),
    };
    if !head_ids.contains(&head.id) {
        head_ids.push(head.id);
    }
    let load_all = |ids: &mut dyn Iterator<Item = i64>| -> rusqlite::Result<Vec<RunValues>> {
        let mut runs = Vec::new();
        for id in ids {
            runs.extend(RunValues::load(conn, id)?);
        }
        Ok(runs)
    };
    let history = load_all(&mut window_ids.iter().map(|r| r.id))?;
    let heads = load_all(&mut head_ids.iter().copied())?;
    let Some(head_values) = heads.iter().find(|r| r.id == head.id) else {
        return Ok(Vec::new());
    };
    let base_values = match history.iter().find(|r| r.id == base.id) {
        Some(_) => None,
        None => RunValues::load(conn, base.id)?,
    };
    let base_values = base_values
        .as_ref()
        .or_else(|| history.iter().find(|r| r.id == base.id));
    let counters = window::counter_series(conn, head.id)?;
    // The latest acknowledged shift of each series: history before it is cut.
    let mut shifts: HashMap<(String, String, String), (String, i64)> = HashMap::new();
    for shift in window::ack_shifts(conn, &head.name)? {
        let key = (shift.group_name, shift.metric, shift.stat);
        let at = (shift.created_at, shift.run_id);
        let entry = shifts.entry(key).or_insert_with(|| at.clone());
        if at > *entry {
            *entry = at;
        }
    }

    let mut series = Vec::new();
    let lost_at_head = |group: &str, metric: &str| {
        let key = (group.to_string(), metric.to_string(), "sum");
        heads.iter().any(|r| r.nonfinite(&key) > 0)
    };
    for key in series_keys(report, lost_at_head) {
        let nonfinite = heads.iter().map(|r| r.nonfinite(&key)).sum();
        let head_value = match head_values.get(&key) {
            Some(value) => value,
            // Every head sample of the series was non-finite, so it has no
            // statistics; it is still there, and incomplete.
            None if nonfinite > 0 => f64::NAN,
            None => continue,
        };
        let shift = shifts.get(&(key.0.clone(), key.1.clone(), key.2.to_string()));
        // A run with non-finite values under the series reads low there:
        // it is no history for the series, nor its baseline.
        let window: Vec<f64> = history
            .iter()
            .filter(|run| shift.is_none_or(|(at, id)| (&run.created_at, run.id) >= (at, *id)))
            .filter_map(|run| run.complete(&key))
            .collect();
        let base_value = match shift {
            // After an acknowledged shift, the baseline is the window's last run.
            Some(_) => window.last().copied(),
            None => base_values.and_then(|b| b.complete(&key)),
        };
        series.push(SeriesHistory {
            better: Better::for_metric(&key.1),
            counter: counters.contains(&(key.0.clone(), key.1.clone())),
            heads: heads.iter().filter_map(|r| r.get(&key)).collect(),
            nonfinite,
            head: head_value,
            base: base_value,
            window,
            group: key.0,
            metric: key.1,
            stat: key.2,
        });
    }
    Ok(series)
}

/// The series a report judges: the run totals, and every shown metric of
/// every group that is not keygen (`avg` where the report shows only the
/// average, `sum` elsewhere) that has a value at the head or `lost` its
/// every head value to NaN/inf.
fn series_keys(report: &Report, lost: impl Fn(&str, &str) -> bool) -> Vec<SeriesKey> {
    let mut keys: Vec<SeriesKey> = vec![
        (String::new(), "serial_s".into(), "sum"),
        (String::new(), "parallel_s".into(), "sum"),
    ];
    for group in report
        .groups
        .iter()
        .filter(|g| !g.keygen && g.change != Change::Removed)
    {
        for row in group
            .metrics
            .iter()
            .filter(|r| r.shown && (r.sum.value.is_some() || lost(&group.name, &r.metric)))
        {
            let stat = if row.avg_only || row.hide_sum {
                "avg"
            } else {
                "sum"
            };
            keys.push((group.name.clone(), row.metric.clone(), stat));
        }
    }
    keys
}

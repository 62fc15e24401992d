//! Reads what flamegraphs are folded from: a run's counter samples of the
//! stack metrics with the labels that form stacks. The folding itself is a
//! pure function in `crate::flame`.
//!
//! A large run has about a million such samples over hundreds of thousands
//! of label sets, so each label set's labels are read once, in one
//! ascending pass over the run's sets (a page of ids per range scan, their
//! `items` read by `db::items`), and shared by its samples, rather than
//! joined to every sample in SQL.

use std::collections::HashMap;
use std::rc::Rc;

use foldhash::fast::RandomState;
use rusqlite::{Connection, OptionalExtension};

use super::{items, queries};

/// One counter sample with the stack labels its label set carries (only
/// those; a sample with none of them is not returned) and its `group`.
#[derive(Clone, Debug, PartialEq)]
pub struct LabeledSample {
    pub seq: i64,
    pub group: Rc<str>,
    pub metric: Rc<str>,
    pub value: f64,
    /// (key, value) pairs, keys among those asked for, sorted by key. One
    /// list per label set, shared by the set's samples.
    pub labels: Rc<[(Rc<str>, Rc<str>)]>,
}

/// Label sets read per range scan.
const PAGE: i64 = 4096;

/// A label set as flamegraphs see it: its group and stack labels, or
/// `None` when it lacks either (its samples are not returned).
type StackSet = Option<(Rc<str>, Rc<[(Rc<str>, Rc<str>)]>)>;

/// Every finite counter of `run_id` whose metric is in `metrics` and whose
/// label set has a `group` and at least one of `keys`, in file order.
pub fn labeled_samples(
    conn: &Connection,
    run_id: i64,
    metrics: &[&str],
    keys: &[&str],
) -> rusqlite::Result<Vec<LabeledSample>> {
    let metrics = serde_json::to_string(metrics).expect("strings serialise");
    let keys = serde_json::to_string(keys).expect("strings serialise");
    let mut reader = SetReader {
        conn,
        keys: names_by_id(
            conn,
            "SELECT id, key FROM label_keys WHERE key IN (SELECT value FROM json_each(?1))",
            &keys,
        )?,
        sets: HashMap::default(),
        values: HashMap::default(),
        pairs: Vec::new(),
    };
    let metric_names = names_by_id(
        conn,
        "SELECT id, name FROM metric_names WHERE name IN (SELECT value FROM json_each(?1))",
        &metrics,
    )?;
    let mut statement = conn.prepare_cached(
        "SELECT seq, label_set_id, metric_id, value FROM samples
         WHERE run_id = ?1 AND kind = 0 AND value IS NOT NULL
           AND metric_id IN (SELECT id FROM metric_names
                             WHERE name IN (SELECT value FROM json_each(?2)))
         ORDER BY seq",
    )?;
    let mut rows = statement.query(rusqlite::params![run_id, metrics])?;
    let mut samples: Vec<(i64, i64, Rc<str>, f64)> = Vec::new();
    while let Some(row) = rows.next()? {
        if let Some(metric) = metric_names.get(&row.get::<_, i64>(2)?) {
            samples.push((row.get(0)?, row.get(1)?, metric.clone(), row.get(3)?));
        }
    }
    drop(rows);
    // The run's label sets, read in one ascending pass whatever order the
    // file met them in.
    let mut ids: Vec<i64> = samples.iter().map(|&(_, set, _, _)| set).collect();
    ids.sort_unstable();
    ids.dedup();
    reader.read_all(&ids)?;
    let mut out = Vec::with_capacity(samples.len());
    for (seq, set, metric, value) in samples {
        if let Some(Some((group, labels))) = reader.sets.get(&set) {
            out.push(LabeledSample {
                seq,
                group: group.clone(),
                metric,
                value,
                labels: labels.clone(),
            });
        }
    }
    Ok(out)
}

/// Reads label sets a page at a time and keeps what flamegraphs need of
/// each: a run's label sets were mostly created together, in id order.
struct SetReader<'c> {
    conn: &'c Connection,
    /// The stack keys asked for, by id.
    keys: HashMap<i64, Rc<str>, RandomState>,
    sets: HashMap<i64, StackSet, RandomState>,
    /// Label values by id: a run repeats a few hundred call stacks across
    /// its label sets, so each is read and stored once.
    values: HashMap<i64, Option<Rc<str>>, RandomState>,
    pairs: Vec<(i64, i64)>,
}

impl SetReader<'_> {
    /// Reads the label sets `ids` (sorted, each once): a range scan of a
    /// page of ids from each id not read yet, keeping the sets asked for.
    fn read_all(&mut self, ids: &[i64]) -> rusqlite::Result<()> {
        let mut read_to = i64::MIN;
        for (at, &id) in ids.iter().enumerate() {
            if id < read_to {
                continue;
            }
            read_to = id.saturating_add(PAGE);
            let mut statement = self.conn.prepare_cached(
                "SELECT id, items, group_value_id FROM label_sets
                 WHERE id >= ?1 AND id < ?2 ORDER BY id",
            )?;
            let mut rows = statement.query([id, read_to])?;
            while let Some(row) = rows.next()? {
                let set_id: i64 = row.get(0)?;
                if ids[at..].binary_search(&set_id).is_err() {
                    continue;
                }
                let group: Option<i64> = row.get(2)?;
                let set = match group {
                    Some(group) => {
                        items::read_any(row.get_ref(1)?.as_str()?, &mut self.pairs);
                        self.stack_set(group)?
                    }
                    None => None,
                };
                self.sets.insert(set_id, set);
            }
        }
        Ok(())
    }

    /// The group and stack labels of the pairs in `self.pairs`.
    fn stack_set(&mut self, group: i64) -> rusqlite::Result<StackSet> {
        let mut labels = Vec::new();
        for at in 0..self.pairs.len() {
            let (key, value) = self.pairs[at];
            let Some(key) = self.keys.get(&key).cloned() else {
                continue;
            };
            if let Some(value) = self.value(value)? {
                labels.push((key, value));
            }
        }
        if labels.is_empty() {
            return Ok(None);
        }
        labels.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(self.value(group)?.map(|group| (group, labels.into())))
    }

    /// Label value `id`, `None` if the database has no such value.
    fn value(&mut self, id: i64) -> rusqlite::Result<Option<Rc<str>>> {
        if let Some(value) = self.values.get(&id) {
            return Ok(value.clone());
        }
        let value: Option<Rc<str>> = queries::label_value(self.conn, id)
            .optional()?
            .map(Rc::from);
        self.values.insert(id, value.clone());
        Ok(value)
    }
}

/// `(id, name)` rows of `sql`, whose one parameter is a JSON list of names.
fn names_by_id(
    conn: &Connection,
    sql: &str,
    names: &str,
) -> rusqlite::Result<HashMap<i64, Rc<str>, RandomState>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map([names], |row| {
        Ok((row.get(0)?, Rc::from(row.get::<_, String>(1)?)))
    })?;
    rows.collect()
}

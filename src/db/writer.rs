//! Writes one run inside the caller's transaction: interns metric names,
//! label keys, label values and label sets, appends samples, and at the end
//! stores the run's aggregates from the views that define them.
//!
//! Interning caches live for one run only, so a rolled-back run can never
//! leave an id in memory that the database no longer has.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::input::Entry;

type Map<K, V> = HashMap<K, V, RandomState>;

/// What a run is, apart from its samples.
#[derive(Clone, Debug, Default)]
pub struct RunHeader {
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub created_at: String,
    pub source_path: String,
    pub meta: Vec<(String, String)>,
}

/// Counts of what one run's ingest did with the file's entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteCounts {
    pub entries: u64,
    pub samples: u64,
    pub zero_counters: u64,
    pub nonfinite: u64,
    /// Entries whose labels named a key twice; the first value was kept.
    pub repeated_keys: u64,
}

pub struct RunWriter<'t> {
    tx: &'t Transaction<'t>,
    run_id: i64,
    metric_ids: Map<Box<str>, i64>,
    key_ids: Map<Box<str>, i64>,
    value_ids: Map<Box<str>, i64>,
    label_set_ids: Map<Box<str>, i64>,
    /// Ids at or above these were created by this run, so a label set that
    /// uses one cannot be in the database yet.
    first_new_key_id: i64,
    first_new_value_id: i64,
    group_key_id: Option<i64>,
    phase_key_id: Option<i64>,
    pairs: Vec<(i64, i64)>,
    /// The label set's `items` text, built in place for each entry.
    items: String,
    /// Samples waiting for a multi-row insert: one statement per
    /// [`SAMPLE_ROWS`] rows costs far less than one per row.
    pending: Vec<PendingSample>,
    insert_samples: rusqlite::Statement<'t>,
    /// Label sets read ahead (see `prefetch_after`), and up to which id.
    prefetched: u64,
    prefetched_to: i64,
    counts: WriteCounts,
}

/// Label sets read ahead after a lookup hit.
const PREFETCH: u64 = 4096;

/// Rows per multi-row sample insert (7 parameters each, well under SQLite's
/// limit of 32,766).
const SAMPLE_ROWS: usize = 128;

struct PendingSample {
    seq: i64,
    label_set_id: i64,
    metric_id: i64,
    kind: i64,
    value: Option<f64>,
    nonfinite: Option<String>,
}

fn insert_samples_sql(rows: usize) -> String {
    let row = "(?, ?, ?, ?, ?, ?, ?)";
    let values = vec![row; rows].join(", ");
    format!(
        "INSERT INTO samples (run_id, seq, label_set_id, metric_id, kind, value, nonfinite) VALUES {values}"
    )
}

impl<'t> RunWriter<'t> {
    /// Inserts the run row; its name and sha256 are set by [`finish`].
    pub fn begin(tx: &'t Transaction<'t>, header: &RunHeader) -> rusqlite::Result<Self> {
        tx.prepare_cached(
            "INSERT INTO runs (name, commit_sha, branch, created_at, source_path, content_sha256,
                               entries, zero_counters, nonfinite)
             VALUES ('', ?1, ?2, ?3, ?4, '', 0, 0, 0)",
        )?
        .execute(params![
            header.commit_sha,
            header.branch,
            header.created_at,
            header.source_path
        ])?;
        let run_id = tx.last_insert_rowid();
        let mut insert_meta = tx.prepare_cached(
            "INSERT OR REPLACE INTO run_meta (run_id, key, value) VALUES (?1, ?2, ?3)",
        )?;
        for (key, value) in &header.meta {
            insert_meta.execute(params![run_id, key, value])?;
        }
        let next_id = |table: &str| -> rusqlite::Result<i64> {
            tx.query_row(
                &format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"),
                [],
                |row| row.get(0),
            )
        };
        Ok(RunWriter {
            tx,
            run_id,
            metric_ids: Map::default(),
            key_ids: Map::default(),
            value_ids: Map::default(),
            label_set_ids: Map::default(),
            first_new_key_id: next_id("label_keys")?,
            first_new_value_id: next_id("label_values")?,
            group_key_id: None,
            phase_key_id: None,
            pairs: Vec::with_capacity(16),
            items: String::with_capacity(128),
            pending: Vec::with_capacity(SAMPLE_ROWS),
            insert_samples: tx.prepare(&insert_samples_sql(SAMPLE_ROWS))?,
            prefetched: 0,
            prefetched_to: 0,
            counts: WriteCounts::default(),
        })
    }

    pub fn run_id(&self) -> i64 {
        self.run_id
    }

    /// Stores one entry. Counters at 0 are dropped; non-finite values are
    /// stored with a NULL value and their text.
    pub fn push(&mut self, entry: &Entry<'_>) -> rusqlite::Result<()> {
        let seq = self.counts.entries;
        self.counts.entries += 1;
        if entry.kind == crate::input::Kind::Counter && entry.value == 0.0 {
            self.counts.zero_counters += 1;
            return Ok(());
        }
        let metric_id = self.metric_id(&entry.metric)?;
        let label_set_id = self.label_set_id(entry)?;
        let (value, nonfinite) = if entry.value.is_finite() {
            (Some(entry.value), None)
        } else {
            self.counts.nonfinite += 1;
            (
                None,
                Some(entry.nonfinite_text.as_deref().unwrap_or("NaN").to_string()),
            )
        };
        self.pending.push(PendingSample {
            seq: seq as i64,
            label_set_id,
            metric_id,
            kind: entry.kind.code(),
            value,
            nonfinite,
        });
        self.counts.samples += 1;
        if self.pending.len() == SAMPLE_ROWS {
            self.flush_samples()?;
        }
        Ok(())
    }

    /// Writes the pending samples: a full batch through the prepared
    /// multi-row statement, a partial one (at the end) through its own.
    fn flush_samples(&mut self) -> rusqlite::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut partial;
        let statement = if self.pending.len() == SAMPLE_ROWS {
            &mut self.insert_samples
        } else {
            partial = self.tx.prepare(&insert_samples_sql(self.pending.len()))?;
            &mut partial
        };
        for (i, sample) in self.pending.iter().enumerate() {
            let at = i * 7;
            statement.raw_bind_parameter(at + 1, self.run_id)?;
            statement.raw_bind_parameter(at + 2, sample.seq)?;
            statement.raw_bind_parameter(at + 3, sample.label_set_id)?;
            statement.raw_bind_parameter(at + 4, sample.metric_id)?;
            statement.raw_bind_parameter(at + 5, sample.kind)?;
            statement.raw_bind_parameter(at + 6, sample.value)?;
            statement.raw_bind_parameter(at + 7, sample.nonfinite.as_deref())?;
        }
        statement.raw_execute()?;
        self.pending.clear();
        Ok(())
    }

    /// Records the run's digest and counts, and stores its aggregates from
    /// the `scope_*` views (migrations/V3__aggregates_from_views.sql).
    pub fn finish(mut self, content_sha256: &str) -> rusqlite::Result<WriteCounts> {
        self.flush_samples()?;
        let tx = self.tx;
        tx.prepare_cached(
            "UPDATE runs SET content_sha256 = ?2, entries = ?3, zero_counters = ?4, nonfinite = ?5
             WHERE id = ?1",
        )?
        .execute(params![
            self.run_id,
            content_sha256,
            self.counts.entries as i64,
            self.counts.zero_counters as i64,
            self.counts.nonfinite as i64
        ])?;
        // The trigger `store_aggregates` fills every stored aggregate of the
        // run from the views that define them.
        tx.prepare_cached("INSERT INTO aggregate_scope (run_id) VALUES (?1)")?
            .execute([self.run_id])?;
        Ok(self.counts)
    }

    fn metric_id(&mut self, name: &str) -> rusqlite::Result<i64> {
        if let Some(&id) = self.metric_ids.get(name) {
            return Ok(id);
        }
        let id = intern_unique(
            self.tx,
            "SELECT id FROM metric_names WHERE name = ?1",
            "INSERT INTO metric_names (name) VALUES (?1)",
            name,
        )?;
        self.metric_ids.insert(name.into(), id);
        Ok(id)
    }

    fn key_id(&mut self, key: &str) -> rusqlite::Result<i64> {
        if let Some(&id) = self.key_ids.get(key) {
            return Ok(id);
        }
        let id = intern_unique(
            self.tx,
            "SELECT id FROM label_keys WHERE key = ?1",
            "INSERT INTO label_keys (key) VALUES (?1)",
            key,
        )?;
        match key {
            "group" => self.group_key_id = Some(id),
            "phase" => self.phase_key_id = Some(id),
            _ => {}
        }
        self.key_ids.insert(key.into(), id);
        Ok(id)
    }

    fn value_id(&mut self, value: &str) -> rusqlite::Result<i64> {
        if let Some(&id) = self.value_ids.get(value) {
            return Ok(id);
        }
        let tx = self.tx;
        let hash = xxhash_rust::xxh3::xxh3_64(value.as_bytes()) as i64;
        let mut candidates =
            tx.prepare_cached("SELECT id, value FROM label_values WHERE hash = ?1")?;
        let mut rows = candidates.query([hash])?;
        let mut found = None;
        while let Some(row) = rows.next()? {
            if row.get_ref(1)?.as_str().ok() == Some(value) {
                found = Some(row.get(0)?);
                break;
            }
        }
        drop(rows);
        let id = match found {
            Some(id) => id,
            None => {
                tx.prepare_cached("INSERT INTO label_values (hash, value) VALUES (?1, ?2)")?
                    .execute(params![hash, value])?;
                tx.last_insert_rowid()
            }
        };
        self.value_ids.insert(value.into(), id);
        Ok(id)
    }

    fn label_set_id(&mut self, entry: &Entry<'_>) -> rusqlite::Result<i64> {
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.clear();
        for (key, value) in &entry.labels {
            pairs.push((self.key_id(key)?, self.value_id(value)?));
        }
        // A label set is unordered; a key named twice keeps its first value
        // (the stable sort keeps file order among equal keys).
        pairs.sort_by_key(|&(key, _)| key);
        let before = pairs.len();
        pairs.dedup_by_key(|&mut (key, _)| key);
        if pairs.len() != before {
            self.counts.repeated_keys += 1;
        }
        // The canonical text of the set: [[key id, value id], …] by key id.
        use std::fmt::Write;
        self.items.clear();
        self.items.push('[');
        for (i, &(key, value)) in pairs.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            let _ = write!(self.items, "{comma}[{key},{value}]");
        }
        self.items.push(']');
        let result = self.lookup_or_insert_label_set(&pairs);
        self.pairs = pairs;
        result
    }

    /// A file seen before meets its label sets again in the order their ids
    /// were given, so after a hit on `id` the sets that follow it are read in
    /// one range scan instead of one lookup each. The budget keeps a file
    /// that shares few sets with the database from reading many.
    fn prefetch_after(&mut self, id: i64) -> rusqlite::Result<()> {
        if id < self.prefetched_to || self.prefetched > self.counts.entries + PREFETCH {
            return Ok(());
        }
        let mut statement = self
            .tx
            .prepare_cached("SELECT id, items FROM label_sets WHERE id > ?1 AND id <= ?2")?;
        let mut rows = statement.query([id, id + PREFETCH as i64])?;
        while let Some(row) = rows.next()? {
            let items: String = row.get(1)?;
            self.label_set_ids
                .entry(items.into_boxed_str())
                .or_insert(row.get(0)?);
            self.prefetched += 1;
        }
        self.prefetched_to = id + PREFETCH as i64;
        Ok(())
    }

    fn lookup_or_insert_label_set(&mut self, pairs: &[(i64, i64)]) -> rusqlite::Result<i64> {
        if let Some(&id) = self.label_set_ids.get(self.items.as_str()) {
            return Ok(id);
        }
        let tx = self.tx;
        let surely_new = pairs
            .iter()
            .any(|&(key, value)| key >= self.first_new_key_id || value >= self.first_new_value_id);
        let found = if surely_new {
            None
        } else {
            tx.prepare_cached("SELECT id FROM label_sets WHERE items = ?1")?
                .query_row([self.items.as_str()], |row| row.get(0))
                .optional()?
        };
        if let Some(id) = found {
            self.prefetch_after(id)?;
        }
        let id = match found {
            Some(id) => id,
            None => {
                let value_of = |key: Option<i64>| {
                    key.and_then(|key| pairs.iter().find(|&&(k, _)| k == key))
                        .map(|&(_, value)| value)
                };
                tx.prepare_cached(
                    "INSERT INTO label_sets (items, group_value_id, phase_value_id) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![
                    self.items.as_str(),
                    value_of(self.group_key_id),
                    value_of(self.phase_key_id)
                ])?;
                tx.last_insert_rowid()
            }
        };
        self.label_set_ids.insert(self.items.as_str().into(), id);
        Ok(id)
    }
}

/// The id of `text` in a table with a UNIQUE text column, inserted if new.
fn intern_unique(
    tx: &Transaction<'_>,
    select: &str,
    insert: &str,
    text: &str,
) -> rusqlite::Result<i64> {
    if let Some(id) = tx
        .prepare_cached(select)?
        .query_row([text], |row| row.get(0))
        .optional()?
    {
        return Ok(id);
    }
    tx.prepare_cached(insert)?.execute([text])?;
    Ok(tx.last_insert_rowid())
}

pub fn set_name(tx: &Transaction<'_>, run_id: i64, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE runs SET name = ?2 WHERE id = ?1")?
        .execute(params![run_id, name])?;
    Ok(())
}

/// An earlier run of the same benchmark and commit with the same content.
pub fn same_content(
    tx: &Transaction<'_>,
    run_id: i64,
    name: &str,
    commit_sha: Option<&str>,
    content_sha256: &str,
) -> rusqlite::Result<Option<i64>> {
    tx.prepare_cached(
        "SELECT id FROM runs
         WHERE name = ?1 AND commit_sha IS ?2 AND content_sha256 = ?3 AND id <> ?4
         ORDER BY id LIMIT 1",
    )?
    .query_row(params![name, commit_sha, content_sha256, run_id], |row| {
        row.get(0)
    })
    .optional()
}

/// How many runs of benchmark `name` are stored at `commit`.
pub fn runs_at_commit(tx: &Transaction<'_>, name: &str, commit: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached("SELECT COUNT(*) FROM runs WHERE name = ?1 AND commit_sha = ?2")?
        .query_row(params![name, commit], |row| row.get(0))
}

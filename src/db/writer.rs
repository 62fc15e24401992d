//! Writes one run inside the caller's transaction: interns metric names,
//! label keys, label values and label sets, appends samples, and at the end
//! stores the run's aggregates from the views that define them.
//!
//! Ids and caches live for one run only, so a rolled-back run can never
//! leave an id in memory that the database no longer has.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use rusqlite::{OptionalExtension, Transaction, params};

mod batch;
mod intern;

pub use batch::{Batch, NumberedSample};

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
    /// The database ids of the file's numbered names and label sets.
    ids: batch::Ids,
    /// Label sets read ahead (see `intern::prefetch_after`), by their
    /// pairs of ids.
    label_set_ids: Map<Box<[u32]>, i64>,
    /// Ids at or above these were created by this run, so a label set that
    /// uses one cannot be in the database yet.
    first_new_key_id: i64,
    first_new_value_id: i64,
    group_key_id: Option<i64>,
    phase_key_id: Option<i64>,
    pairs: Vec<(i64, i64)>,
    /// The current label set's cache key (see `intern::set_key`).
    set_key: Vec<u32>,
    /// The label set's `items` text, built in place when the database is
    /// asked.
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
    /// Inserts the run row, numbered past every run ever stored (removed
    /// ones included, see migrations/V10__run_ids_never_reused.sql); its
    /// name and sha256 are set by [`set_identity`].
    pub fn begin(tx: &'t Transaction<'t>, header: &RunHeader) -> rusqlite::Result<Self> {
        tx.prepare_cached(
            "INSERT INTO runs (id, name, commit_sha, branch, created_at, source_path,
                               content_sha256, entries, zero_counters, nonfinite)
             VALUES ((SELECT id FROM next_run_id), '', ?1, ?2, ?3, ?4, '', 0, 0, 0)",
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
            ids: batch::Ids::default(),
            label_set_ids: Map::default(),
            first_new_key_id: next_id("label_keys")?,
            first_new_value_id: next_id("label_values")?,
            group_key_id: None,
            phase_key_id: None,
            pairs: Vec::with_capacity(16),
            set_key: Vec::with_capacity(32),
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

    /// Records the run's counts, and stores its aggregates from the
    /// `scope_*` views (migrations/V3__aggregates_from_views.sql).
    pub fn finish(mut self) -> rusqlite::Result<WriteCounts> {
        self.flush_samples()?;
        let tx = self.tx;
        tx.prepare_cached(
            "UPDATE runs SET entries = ?2, zero_counters = ?3, nonfinite = ?4 WHERE id = ?1",
        )?
        .execute(params![
            self.run_id,
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
}

/// Names the run and records the sha256 of its file's content.
pub fn set_identity(
    tx: &Transaction<'_>,
    run_id: i64,
    name: &str,
    content_sha256: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE runs SET name = ?2, content_sha256 = ?3 WHERE id = ?1")?
        .execute(params![run_id, name, content_sha256])?;
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

//! The writer's input: batches of samples whose metric names, label keys,
//! label values and label sets the parser's thread has numbered per file
//! (`ingest_pipeline::numbering`), each name and set sent once, with the
//! batch where it first appears. The writer turns a number into a database
//! id once per file and then reads it from a vector, so the hashing of
//! strings and label sets happens on the parser's core, not the writer's.

use super::{PendingSample, RunWriter, SAMPLE_ROWS};
use crate::input::Kind;

/// One entry kept as a sample, in the file's numbering.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberedSample {
    /// The entry's position in its file, dropped entries included.
    pub seq: u64,
    pub metric: u32,
    pub label_set: u32,
    pub kind: Kind,
    /// As read; may be NaN or infinite.
    pub value: f64,
    /// The value's text when it is not finite (`NaN`, `inf`, …).
    pub nonfinite: Option<Box<str>>,
}

/// What the parser read in one stretch of a file. Numbers count up from 0
/// in order of first appearance, so the names and sets new in a batch take
/// the next numbers, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    pub new_metrics: Vec<Box<str>>,
    pub new_keys: Vec<Box<str>>,
    pub new_values: Vec<Box<str>>,
    /// New label sets as (key number, value number) pairs, each key once.
    pub new_label_sets: Vec<Box<[(u32, u32)]>>,
    pub samples: Vec<NumberedSample>,
    /// Entries read, counting those not kept (zero counters).
    pub entries: u64,
    pub zero_counters: u64,
    /// Entries whose labels named a key twice; the first value was kept.
    pub repeated_keys: u64,
}

/// The run's database ids of the file's numbers, one vector per kind.
#[derive(Default)]
pub(super) struct Ids {
    metrics: Vec<i64>,
    keys: Vec<i64>,
    values: Vec<i64>,
    label_sets: Vec<i64>,
}

fn id_of(ids: &[i64], number: u32, what: &str) -> rusqlite::Result<i64> {
    ids.get(number as usize).copied().ok_or_else(|| {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERNAL),
            Some(format!(
                "{what} number {number} was used before it was defined"
            )),
        )
    })
}

impl RunWriter<'_> {
    /// Stores one batch: its new names and label sets, then its samples.
    /// Non-finite values are stored with a NULL value and their text.
    pub fn push_batch(&mut self, batch: &Batch) -> rusqlite::Result<()> {
        self.counts.entries += batch.entries;
        self.counts.zero_counters += batch.zero_counters;
        self.counts.repeated_keys += batch.repeated_keys;
        for name in &batch.new_metrics {
            let id = self.metric_id(name)?;
            self.ids.metrics.push(id);
        }
        for key in &batch.new_keys {
            let id = self.key_id(key)?;
            self.ids.keys.push(id);
        }
        for value in &batch.new_values {
            let id = self.value_id(value)?;
            self.ids.values.push(id);
        }
        let mut pairs = std::mem::take(&mut self.pairs);
        for set in &batch.new_label_sets {
            pairs.clear();
            for &(key, value) in set.iter() {
                pairs.push((
                    id_of(&self.ids.keys, key, "label key")?,
                    id_of(&self.ids.values, value, "label value")?,
                ));
            }
            // The database's order is by key id.
            pairs.sort_unstable_by_key(|&(key, _)| key);
            let id = self.label_set_of_pairs(&pairs)?;
            self.ids.label_sets.push(id);
        }
        self.pairs = pairs;
        for sample in &batch.samples {
            self.push_sample(sample)?;
        }
        Ok(())
    }

    fn push_sample(&mut self, sample: &NumberedSample) -> rusqlite::Result<()> {
        let metric_id = id_of(&self.ids.metrics, sample.metric, "metric")?;
        let label_set_id = id_of(&self.ids.label_sets, sample.label_set, "label set")?;
        let (value, nonfinite) = if sample.value.is_finite() {
            (Some(sample.value), None)
        } else {
            self.counts.nonfinite += 1;
            (
                None,
                Some(sample.nonfinite.as_deref().unwrap_or("NaN").to_string()),
            )
        };
        self.pending.push(PendingSample {
            seq: sample.seq as i64,
            label_set_id,
            metric_id,
            kind: sample.kind.code(),
            value,
            nonfinite,
        });
        self.counts.samples += 1;
        if self.pending.len() == SAMPLE_ROWS {
            self.flush_samples()?;
        }
        Ok(())
    }
}

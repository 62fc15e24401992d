//! Interning for [`RunWriter`]: the ids of metric names, label keys, label
//! values and label sets, from the run's caches, else the database, else
//! inserted; after a label-set hit the sets that follow it are read ahead,
//! as a file seen before meets them again in id order.

use rusqlite::{OptionalExtension, Transaction, params};

use super::RunWriter;
use crate::input::Entry;

/// Label sets read ahead after a lookup hit.
const PREFETCH: u64 = 4096;

impl RunWriter<'_> {
    pub(super) fn metric_id(&mut self, name: &str) -> rusqlite::Result<i64> {
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

    pub(super) fn label_set_id(&mut self, entry: &Entry<'_>) -> rusqlite::Result<i64> {
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

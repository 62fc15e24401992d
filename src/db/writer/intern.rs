//! Interning for [`RunWriter`]: the ids of metric names, label keys, label
//! values and label sets, from the database, else inserted; after a
//! label-set hit the sets that follow it are read ahead (only those are
//! cached), as a file seen before meets them again in id order.

use rusqlite::{OptionalExtension, Transaction, params};

use super::RunWriter;
use crate::db::items;

/// Label sets read ahead after a lookup hit.
const PREFETCH: u64 = 4096;

impl RunWriter<'_> {
    pub(super) fn metric_id(&mut self, name: &str) -> rusqlite::Result<i64> {
        intern_unique(
            self.tx,
            "SELECT id FROM metric_names WHERE name = ?1",
            "INSERT INTO metric_names (name) VALUES (?1)",
            name,
        )
    }

    pub(super) fn key_id(&mut self, key: &str) -> rusqlite::Result<i64> {
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
        Ok(id)
    }

    pub(super) fn value_id(&mut self, value: &str) -> rusqlite::Result<i64> {
        let tx = self.tx;
        let hash = xxhash_rust::xxh3::xxh3_64(value.as_bytes()) as i64;
        let mut candidates =
            tx.prepare_cached("SELECT id, value FROM label_values WHERE hash = ?1")?;
        let mut rows = candidates.query([hash])?;
        while let Some(row) = rows.next()? {
            if row.get_ref(1)?.as_str().ok() == Some(value) {
                return row.get(0);
            }
        }
        drop(rows);
        tx.prepare_cached("INSERT INTO label_values (hash, value) VALUES (?1, ?2)")?
            .execute(params![hash, value])?;
        Ok(tx.last_insert_rowid())
    }

    /// The id of the label set of `pairs`, sorted by key id with each key
    /// once. The file's numbering meets each set once, so only sets read
    /// ahead are cached, keyed by the pairs as integers; `items` text is
    /// built only for the database.
    pub(super) fn label_set_of_pairs(&mut self, pairs: &[(i64, i64)]) -> rusqlite::Result<i64> {
        if set_key(pairs, &mut self.set_key)
            && let Some(&id) = self.label_set_ids.get(self.set_key.as_slice())
        {
            return Ok(id);
        }
        items::write(pairs, &mut self.items);
        self.lookup_or_insert_label_set(pairs)
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
        let mut pairs = Vec::new();
        let mut key = Vec::new();
        while let Some(row) = rows.next()? {
            self.prefetched += 1;
            // A set whose text is not prof's canonical form is looked up by
            // text when met, as without read-ahead.
            let Some(text) = row.get_ref(1)?.as_str().ok() else {
                continue;
            };
            if items::read(text, &mut pairs) && set_key(&pairs, &mut key) {
                self.label_set_ids
                    .entry(key.as_slice().into())
                    .or_insert(row.get(0)?);
            }
        }
        self.prefetched_to = id + PREFETCH as i64;
        Ok(())
    }

    /// Finds the set whose text is in `self.items`, else inserts it.
    fn lookup_or_insert_label_set(&mut self, pairs: &[(i64, i64)]) -> rusqlite::Result<i64> {
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
            return Ok(id);
        }
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
        Ok(tx.last_insert_rowid())
    }
}

/// The cache key of sorted `pairs`: key and value ids alternating, as
/// 32-bit integers. False when an id does not fit (the set is then not
/// cached, and found by its text).
fn set_key(pairs: &[(i64, i64)], key: &mut Vec<u32>) -> bool {
    key.clear();
    for &(k, v) in pairs {
        match (u32::try_from(k), u32::try_from(v)) {
            (Ok(k), Ok(v)) => key.extend([k, v]),
            _ => return false,
        }
    }
    true
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

#[cfg(test)]
mod tests {
    use super::set_key;

    #[test]
    fn ids_beyond_32_bits_are_not_cached() {
        let mut key = Vec::new();
        assert!(set_key(&[(1, 2), (3, 4)], &mut key));
        assert_eq!(key, [1, 2, 3, 4]);
        assert!(!set_key(&[(1, 1 << 32)], &mut key));
    }
}

//! Loading the detailed report's data: every sample of the head and base
//! runs, gathered by id into the rows of the tables (label sets with the
//! call-stack labels dropped), plus the GPU memory samples.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::db::queries;

/// Label keys whose values are long call stacks: dropped from the tables
/// (flame graphs show them), and rows that then coincide are summed.
const DROPPED_KEYS: &[&str] = &["cycle_tracker_span", "dsl_ir"];

pub(super) const GPU_METRICS: [&str; 4] = [
    "gpu_mem.timestamp_ms",
    "gpu_mem.current_bytes",
    "gpu_mem.local_peak_bytes",
    "gpu_mem.reserved_bytes",
];

/// Label sets read per range scan.
const ITEMS_AHEAD: i64 = 4096;

/// The rows of the detailed tables for both runs of a report, keyed by ids
/// so that names are resolved once per label set, not once per sample.
pub(super) struct Index<'c> {
    conn: &'c Connection,
    key_names: HashMap<i64, String>,
    pub(super) metric_names: HashMap<i64, String>,
    values: HashMap<i64, String>,
    /// Keys in display order (`group` first, then by name) → table.
    table_of_keys: HashMap<Vec<i64>, usize>,
    pub(super) tables: Vec<Vec<String>>,
    /// (table, value ids in the table's key order) → row.
    row_of_values: HashMap<(usize, Vec<i64>), usize>,
    pub(super) rows: Vec<Row>,
    row_of_label_set: HashMap<i64, usize>,
    /// Label sets' `items` read ahead in id ranges, taken out as they are used.
    items: HashMap<i64, String>,
    /// Label sets with a `module` label: the GPU memory samples.
    pub(super) gpu_sets: HashMap<i64, GpuSet>,
}

pub(super) struct Row {
    pub(super) table: usize,
    pub(super) labels: Vec<String>,
    /// metric id → summed value, for head and base.
    pub(super) head: Vec<(i64, f64)>,
    pub(super) base: Vec<(i64, f64)>,
}

#[derive(Default)]
pub(super) struct GpuSet {
    pub(super) module: String,
    pub(super) at: String,
    pub(super) head: [Option<f64>; 4],
    pub(super) base: [Option<f64>; 4],
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Head,
    Base,
}

impl<'c> Index<'c> {
    pub(super) fn new(conn: &'c Connection) -> rusqlite::Result<Index<'c>> {
        Ok(Index {
            conn,
            key_names: queries::label_keys(conn)?,
            metric_names: queries::metric_names(conn)?,
            values: HashMap::new(),
            table_of_keys: HashMap::new(),
            tables: Vec::new(),
            row_of_values: HashMap::new(),
            rows: Vec::new(),
            row_of_label_set: HashMap::new(),
            items: HashMap::new(),
            gpu_sets: HashMap::new(),
        })
    }

    fn value(&mut self, id: i64) -> rusqlite::Result<&str> {
        if !self.values.contains_key(&id) {
            let text = queries::label_value(self.conn, id)?;
            self.values.insert(id, text);
        }
        Ok(&self.values[&id])
    }

    fn key(&self, id: i64) -> &str {
        self.key_names.get(&id).map(String::as_str).unwrap_or("")
    }

    /// The row of (key id, value id) pairs, created on first sight.
    fn row(&mut self, mut pairs: Vec<(i64, i64)>) -> rusqlite::Result<usize> {
        // `group` first, then the other keys by name.
        pairs.sort_by(|a, b| {
            let (ka, kb) = (self.key(a.0), self.key(b.0));
            (ka != "group", ka).cmp(&(kb != "group", kb))
        });
        let keys: Vec<i64> = pairs.iter().map(|p| p.0).collect();
        let table = match self.table_of_keys.get(&keys) {
            Some(&table) => table,
            None => {
                let names = keys.iter().map(|&k| self.key(k).to_string()).collect();
                self.tables.push(names);
                self.table_of_keys.insert(keys, self.tables.len() - 1);
                self.tables.len() - 1
            }
        };
        let value_ids: Vec<i64> = pairs.iter().map(|p| p.1).collect();
        if let Some(&row) = self.row_of_values.get(&(table, value_ids.clone())) {
            return Ok(row);
        }
        let mut labels = Vec::with_capacity(value_ids.len());
        for &id in &value_ids {
            labels.push(self.value(id)?.to_string());
        }
        self.rows.push(Row {
            table,
            labels,
            head: Vec::new(),
            base: Vec::new(),
        });
        self.row_of_values
            .insert((table, value_ids), self.rows.len() - 1);
        Ok(self.rows.len() - 1)
    }

    /// The row a label set's samples go to; GPU label sets are noted too.
    fn row_of_label_set(&mut self, label_set_id: i64) -> rusqlite::Result<usize> {
        if let Some(&row) = self.row_of_label_set.get(&label_set_id) {
            return Ok(row);
        }
        if !self.items.contains_key(&label_set_id) {
            for (id, items) in queries::label_set_items_range(self.conn, label_set_id, ITEMS_AHEAD)?
            {
                self.items.entry(id).or_insert(items);
            }
        }
        let items = match self.items.remove(&label_set_id) {
            Some(items) => items,
            None => queries::label_set_items(self.conn, label_set_id)?,
        };
        let pairs: Vec<(i64, i64)> =
            serde_json::from_str::<Vec<(i64, i64)>>(&items).unwrap_or_default();
        let kept: Vec<(i64, i64)> = pairs
            .iter()
            .copied()
            .filter(|&(k, _)| !DROPPED_KEYS.contains(&self.key(k)))
            .collect();
        if let Some(&(_, module)) = pairs.iter().find(|&&(k, _)| self.key(k) == "module") {
            let module = self.value(module)?.to_string();
            let row = self.row(kept.clone())?;
            let table_keys = self.tables[self.rows[row].table].clone();
            let at = table_keys
                .iter()
                .zip(&self.rows[row].labels)
                .filter(|(k, _)| *k != "module" && *k != "block_number")
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(".");
            self.gpu_sets.insert(
                label_set_id,
                GpuSet {
                    module,
                    at,
                    ..GpuSet::default()
                },
            );
        }
        let row = self.row(kept)?;
        self.row_of_label_set.insert(label_set_id, row);
        Ok(row)
    }

    pub(super) fn add_run(&mut self, run_id: i64, side: Side) -> rusqlite::Result<()> {
        for sample in queries::sample_values(self.conn, run_id)? {
            let row = self.row_of_label_set(sample.label_set_id)?;
            let metric = self
                .metric_names
                .get(&sample.metric_id)
                .map(String::as_str)
                .unwrap_or("");
            if let Some(slot) = GPU_METRICS.iter().position(|m| *m == metric) {
                if let Some(set) = self.gpu_sets.get_mut(&sample.label_set_id) {
                    let values = if side == Side::Head {
                        &mut set.head
                    } else {
                        &mut set.base
                    };
                    values[slot].get_or_insert(sample.value);
                    continue;
                }
            }
            if metric.starts_with("gpu_mem.") || metric.starts_with("wrapper.") {
                continue;
            }
            add(&mut self.rows[row], side, sample.metric_id, sample.value);
        }
        let blob = self
            .metric_names
            .iter()
            .find(|(_, n)| *n == "generate_blob_total_time_ms")
            .map(|(&id, _)| id);
        let (Some(group_key), Some(idx_key), Some(blob)) = (
            queries::label_key_id(self.conn, "group")?,
            queries::label_key_id(self.conn, "idx")?,
            blob,
        ) else {
            return Ok(());
        };
        for (group, idx, value) in queries::derived_blob_times(self.conn, run_id)? {
            let row = self.row(vec![(group_key, group), (idx_key, idx)])?;
            add(&mut self.rows[row], side, blob, value);
        }
        Ok(())
    }
}

fn add(row: &mut Row, side: Side, metric: i64, value: f64) {
    let values = if side == Side::Head {
        &mut row.head
    } else {
        &mut row.base
    };
    match values.iter_mut().find(|(m, _)| *m == metric) {
        Some((_, total)) => *total += value,
        None => values.push((metric, value)),
    }
}

//! Loading the detailed report's data: every sample of the head and base
//! runs, gathered by id into the rows of the tables (label sets with the
//! call-stack labels dropped), plus the GPU memory samples.
//!
//! A large run has a million samples over hundreds of thousands of label
//! sets, so what a sample needs is worked out once per label set (its row)
//! and once per metric (what it feeds), and looked up by id after that.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use rusqlite::Connection;

use super::label_sets::LabelSets;
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

/// Label key ids are small (a store has a handful of keys); key info is
/// kept in a table up to this id.
const MAX_KEY_ID: usize = 1 << 16;

type FastMap<K, V> = HashMap<K, V, RandomState>;

/// What a label key means here, by key id.
#[derive(Clone, Copy)]
struct KeyInfo {
    /// Position in display order: `group` first, then the other keys by
    /// name (equal names, equal rank).
    rank: usize,
    dropped: bool,
    module: bool,
}

/// What a sample of a metric feeds, by metric id.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Feeds {
    /// A cell of the detailed tables.
    Table,
    /// One of the GPU memory gauges (its slot), when its label set has a
    /// `module`; nothing otherwise.
    Gpu(usize),
    /// Nothing: `gpu_mem.*` and `wrapper.*` are not table metrics.
    Nothing,
}

/// The rows of the detailed tables for both runs of a report, keyed by ids
/// so that names are resolved once per label set, not once per sample.
pub(super) struct Index<'c> {
    conn: &'c Connection,
    key_names: HashMap<i64, String>,
    /// Key info by id: label keys are few, so their ids are small; any
    /// other id is in `far_keys`.
    keys: Vec<Option<KeyInfo>>,
    far_keys: FastMap<i64, KeyInfo>,
    /// The key info of an id `label_keys` does not have (named "").
    unknown_key: KeyInfo,
    pub(super) metric_names: HashMap<i64, String>,
    feeds: FastMap<i64, Feeds>,
    values: FastMap<i64, String>,
    /// Keys in display order (`group` first, then by name) → table.
    table_of_keys: FastMap<Vec<i64>, usize>,
    pub(super) tables: Vec<Vec<String>>,
    /// (key id, value id) pairs in display order → row; the keys name the
    /// table.
    row_of_pairs: FastMap<Vec<(i64, i64)>, usize>,
    pub(super) rows: Vec<Row>,
    /// Each label set's row, and the `items` it is made from.
    label_sets: LabelSets,
    /// Label sets with a `module` label: the GPU memory samples.
    pub(super) gpu_sets: HashMap<i64, GpuSet>,
    /// A label set's pairs while its row is found, kept for the next one.
    pairs: Vec<(i64, i64)>,
}

pub(super) struct Row {
    pub(super) table: usize,
    pub(super) labels: Vec<String>,
    /// Each metric's summed values, in the order first seen: one list for
    /// both runs, as a large report has hundreds of thousands of rows.
    pub(super) sums: Vec<Sums>,
}

pub(super) struct Sums {
    pub(super) metric: i64,
    pub(super) head: Option<f64>,
    pub(super) base: Option<f64>,
}

impl Row {
    /// The summed value of `metric` in the run of `side`.
    pub(super) fn value(&self, side: Side, metric: i64) -> Option<f64> {
        let sums = self.sums.iter().find(|s| s.metric == metric)?;
        sums.get(side)
    }
}

impl Sums {
    pub(super) fn get(&self, side: Side) -> Option<f64> {
        match side {
            Side::Head => self.head,
            Side::Base => self.base,
        }
    }
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
        let key_names = queries::label_keys(conn)?;
        let metric_names = queries::metric_names(conn)?;
        let display = |name: &str| (name != "group", name.to_string());
        let mut order: Vec<(bool, String)> = key_names.values().map(|n| display(n)).collect();
        order.push(display(""));
        order.sort();
        order.dedup();
        let info = |name: &str| KeyInfo {
            rank: order.binary_search(&display(name)).unwrap_or(0),
            dropped: DROPPED_KEYS.contains(&name),
            module: name == "module",
        };
        let mut keys = Vec::new();
        let mut far_keys = FastMap::default();
        for (&id, name) in &key_names {
            match usize::try_from(id) {
                Ok(slot @ 0..MAX_KEY_ID) => {
                    if keys.len() <= slot {
                        keys.resize(slot + 1, None);
                    }
                    keys[slot] = Some(info(name));
                }
                _ => {
                    far_keys.insert(id, info(name));
                }
            }
        }
        let feeds = metric_names
            .iter()
            .map(|(&id, name)| (id, feeds(name)))
            .collect();
        Ok(Index {
            conn,
            unknown_key: info(""),
            keys,
            far_keys,
            key_names,
            metric_names,
            feeds,
            values: FastMap::default(),
            table_of_keys: FastMap::default(),
            tables: Vec::new(),
            row_of_pairs: FastMap::default(),
            rows: Vec::new(),
            label_sets: LabelSets::default(),
            gpu_sets: HashMap::new(),
            pairs: Vec::new(),
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

    fn key_info(&self, id: i64) -> KeyInfo {
        match usize::try_from(id)
            .ok()
            .and_then(|slot| self.keys.get(slot))
        {
            Some(Some(info)) => *info,
            _ => self.far_keys.get(&id).copied().unwrap_or(self.unknown_key),
        }
    }

    /// The row of (key id, value id) pairs, created on first sight.
    fn row(&mut self, pairs: &mut [(i64, i64)]) -> rusqlite::Result<usize> {
        // `group` first, then the other keys by name; a stable sort, so
        // repeated keys keep their order.
        pairs.sort_by_key(|&(key, _)| self.key_info(key).rank);
        if let Some(&row) = self.row_of_pairs.get(&*pairs) {
            return Ok(row);
        }
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
        let mut labels = Vec::with_capacity(pairs.len());
        for &(_, id) in pairs.iter() {
            labels.push(self.value(id)?.to_string());
        }
        self.rows.push(Row {
            table,
            labels,
            sums: Vec::new(),
        });
        self.row_of_pairs
            .insert(pairs.to_vec(), self.rows.len() - 1);
        Ok(self.rows.len() - 1)
    }

    /// The row a label set's samples go to; GPU label sets are noted too.
    fn row_of_label_set(&mut self, label_set_id: i64) -> rusqlite::Result<usize> {
        if let Some(row) = self.label_sets.row(label_set_id) {
            return Ok(row);
        }
        let mut pairs = std::mem::take(&mut self.pairs);
        self.label_sets.pairs(self.conn, label_set_id, &mut pairs)?;
        let module = pairs.iter().find(|&&(k, _)| self.key_info(k).module);
        let module = module.map(|&(_, value)| value);
        pairs.retain(|&(k, _)| !self.key_info(k).dropped);
        let row = self.row(&mut pairs)?;
        self.pairs = pairs;
        if let Some(module) = module {
            let module = self.value(module)?.to_string();
            let table_keys = &self.tables[self.rows[row].table];
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
        self.label_sets.set_row(label_set_id, row);
        Ok(row)
    }

    pub(super) fn add_run(&mut self, run_id: i64, side: Side) -> rusqlite::Result<()> {
        // A label set's samples mostly come one after another.
        let mut last: Option<(i64, usize)> = None;
        let conn = self.conn;
        queries::for_each_sample_value(conn, run_id, |sample| {
            let row = match last {
                Some((id, row)) if id == sample.label_set_id => row,
                _ => {
                    let row = self.row_of_label_set(sample.label_set_id)?;
                    last = Some((sample.label_set_id, row));
                    row
                }
            };
            let feeds = self
                .feeds
                .get(&sample.metric_id)
                .copied()
                .unwrap_or(Feeds::Table);
            match feeds {
                Feeds::Table => add(&mut self.rows[row], side, sample.metric_id, sample.value),
                Feeds::Gpu(slot) => {
                    if let Some(set) = self.gpu_sets.get_mut(&sample.label_set_id) {
                        let values = if side == Side::Head {
                            &mut set.head
                        } else {
                            &mut set.base
                        };
                        values[slot].get_or_insert(sample.value);
                    }
                }
                Feeds::Nothing => {}
            }
            Ok(())
        })?;
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
            let row = self.row(&mut [(group_key, group), (idx_key, idx)])?;
            add(&mut self.rows[row], side, blob, value);
        }
        Ok(())
    }
}

/// What the samples of metric `name` feed.
fn feeds(name: &str) -> Feeds {
    match GPU_METRICS.iter().position(|m| *m == name) {
        Some(slot) => Feeds::Gpu(slot),
        None if name.starts_with("gpu_mem.") || name.starts_with("wrapper.") => Feeds::Nothing,
        None => Feeds::Table,
    }
}

fn add(row: &mut Row, side: Side, metric: i64, value: f64) {
    let at = match row.sums.iter().position(|s| s.metric == metric) {
        Some(at) => at,
        None => {
            row.sums.push(Sums {
                metric,
                head: None,
                base: None,
            });
            row.sums.len() - 1
        }
    };
    let sum = &mut row.sums[at];
    let total = if side == Side::Head {
        &mut sum.head
    } else {
        &mut sum.base
    };
    match total {
        Some(total) => *total += value,
        None => *total = Some(value),
    }
}

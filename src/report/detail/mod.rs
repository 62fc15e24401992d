//! The detailed part of a report: one table per set of label keys, the
//! instruction counts per opcode, and GPU memory over time.

mod index;
mod label_sets;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rusqlite::Connection;

use super::cell::{Better, Cell};
use super::gpu::{self, GpuPoint};
use super::{DetailedRow, DetailedTable, GpuMemory, InstructionCount, Report};
use index::{Index, Side};

/// Adds detailed tables, instruction counts and GPU memory to `report`.
pub fn add_details(
    conn: &Connection,
    report: &mut Report,
    base: Option<i64>,
    head: i64,
) -> rusqlite::Result<()> {
    let mut index = Index::new(conn)?;
    index.add_run(head, Side::Head)?;
    if let Some(base) = base {
        index.add_run(base, Side::Base)?;
    }
    let compared = base.is_some();
    report.instruction_counts = instruction_counts(&index, compared);
    report.gpu_memory = gpu_memory(&index, compared);
    // Last: the tables take the rows' labels.
    report.detailed = detailed_tables(&mut index, compared).into();
    Ok(())
}

/// The tables of the rows that have values, each sorted by segment, then by
/// frequency (largest first), then by labels. Takes the rows' labels out of
/// `index`: they are the tables' now.
fn detailed_tables(index: &mut Index<'_>, compared: bool) -> Vec<DetailedTable> {
    let mut rows_of_table: Vec<Vec<usize>> = vec![Vec::new(); index.tables.len()];
    for (i, row) in index.rows.iter().enumerate() {
        if !row.sums.is_empty() {
            rows_of_table[row.table].push(i);
        }
    }
    let metric_names = &index.metric_names;
    let name = |metric: i64| metric_names.get(&metric).map(String::as_str).unwrap_or("");
    let mut tables: Vec<DetailedTable> = Vec::new();
    for (label_keys, mut rows) in index.tables.iter().zip(rows_of_table) {
        if rows.is_empty() {
            continue;
        }
        let all_rows = &index.rows;
        // Each metric once, then by name (names are unique), last first.
        let mut seen = std::collections::HashSet::new();
        let mut metrics: Vec<i64> = rows
            .iter()
            .flat_map(|&r| {
                let row = &all_rows[r];
                row.sums.iter().map(|s| s.metric)
            })
            .filter(|m| seen.insert(*m))
            .collect();
        metrics.sort_by(|a, b| name(*b).cmp(name(*a)));
        let segment = label_keys.iter().position(|k| k == "segment");
        let frequency = metrics
            .iter()
            .position(|&m| name(m) == "frequency")
            .map(|i| metrics[i]);
        // Each row's sort keys, worked out once rather than per comparison.
        let keys: Vec<(Option<f64>, f64)> = rows
            .iter()
            .map(|&r| {
                let row = &all_rows[r];
                let get = |side: Side| frequency.and_then(|f| row.value(side, f));
                let number = segment.and_then(|i| row.labels[i].parse::<f64>().ok());
                (
                    number,
                    get(Side::Head).or_else(|| get(Side::Base)).unwrap_or(0.0),
                )
            })
            .collect();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| {
            let (ra, rb) = (&all_rows[rows[a]], &all_rows[rows[b]]);
            let by_segment = match segment {
                Some(i) => {
                    numeric_order_parsed((keys[a].0, &ra.labels[i]), (keys[b].0, &rb.labels[i]))
                }
                None => Ordering::Equal,
            };
            by_segment
                .then_with(|| keys[b].1.total_cmp(&keys[a].1))
                .then_with(|| ra.labels.cmp(&rb.labels))
        });
        rows = order.into_iter().map(|i| rows[i]).collect();
        let better: Vec<Better> = metrics
            .iter()
            .map(|&m| Better::for_metric(name(m)))
            .collect();
        let detailed_rows = rows
            .into_iter()
            .map(|r| {
                let row = &mut index.rows[r];
                DetailedRow {
                    labels: std::mem::take(&mut row.labels),
                    values: metrics
                        .iter()
                        .zip(&better)
                        .map(|(&m, &better)| {
                            Cell::compare(
                                row.value(Side::Head, m),
                                row.value(Side::Base, m),
                                compared,
                                better,
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        tables.push(DetailedTable {
            label_keys: label_keys.clone(),
            metrics: metrics.iter().map(|&m| name(m).to_string()).collect(),
            rows: detailed_rows,
        });
    }
    tables.sort_by(|a, b| a.label_keys.cmp(&b.label_keys));
    tables
}

/// Numbers as numbers (2 before 10), then anything else as text.
#[cfg(test)]
fn numeric_order(a: &str, b: &str) -> Ordering {
    numeric_order_parsed((a.parse().ok(), a), (b.parse().ok(), b))
}

/// [`numeric_order`] of texts already parsed as numbers where they are.
fn numeric_order_parsed((x, a): (Option<f64>, &str), (y, b): (Option<f64>, &str)) -> Ordering {
    match (x, y) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// A (group, opcode)'s `frequency` in the head run and the base run.
type HeadAndBase = (Option<f64>, Option<f64>);

/// `frequency` summed per (group, opcode) over the rows that have an opcode.
fn instruction_counts(index: &Index<'_>, compared: bool) -> Vec<InstructionCount> {
    let mut sums: BTreeMap<(&str, &str), HeadAndBase> = BTreeMap::new();
    for row in &index.rows {
        let keys = &index.tables[row.table];
        let Some(opcode) = keys.iter().position(|k| k == "opcode") else {
            continue;
        };
        let group = keys
            .iter()
            .position(|k| k == "group")
            .map(|i| row.labels[i].as_str())
            .unwrap_or("-");
        let frequency = |side: Side| {
            row.sums
                .iter()
                .filter(|s| {
                    index
                        .metric_names
                        .get(&s.metric)
                        .is_some_and(|n| n == "frequency")
                })
                .find_map(|s| s.get(side))
        };
        let entry = sums
            .entry((group, row.labels[opcode].as_str()))
            .or_default();
        if let Some(v) = frequency(Side::Head) {
            *entry.0.get_or_insert(0.0) += v;
        }
        if let Some(v) = frequency(Side::Base) {
            *entry.1.get_or_insert(0.0) += v;
        }
    }
    let mut rows: Vec<InstructionCount> = sums
        .into_iter()
        .filter(|(_, (head, base))| head.is_some() || base.is_some())
        .map(|((group, opcode), (head, base))| InstructionCount {
            group: group.to_string(),
            opcode: opcode.to_string(),
            frequency: Cell::compare(head, base, compared, Better::Lower),
        })
        .collect();
    let size = |c: &InstructionCount| c.frequency.value.or(c.frequency.base).unwrap_or(0.0);
    rows.sort_by(|a, b| {
        size(b)
            .total_cmp(&size(a))
            .then_with(|| (&a.group, &a.opcode).cmp(&(&b.group, &b.opcode)))
    });
    rows
}

fn gpu_memory(index: &Index<'_>, compared: bool) -> Option<GpuMemory> {
    let points = |side: Side| -> Vec<GpuPoint> {
        let mut points: Vec<GpuPoint> = index
            .gpu_sets
            .values()
            .filter_map(|set| {
                let values = if side == Side::Head {
                    set.head
                } else {
                    set.base
                };
                let [Some(ts), Some(current), Some(peak), Some(reserved)] = values else {
                    return None;
                };
                let gb = |bytes: f64| bytes / f64::from(1u32 << 30);
                Some(GpuPoint {
                    timestamp_ms: ts,
                    gb: [gb(current), gb(peak), gb(reserved)],
                    module: set.module.clone(),
                    at: set.at.clone(),
                })
            })
            .collect();
        points.sort_by(|a, b| {
            a.timestamp_ms
                .total_cmp(&b.timestamp_ms)
                .then_with(|| a.at.cmp(&b.at))
        });
        points
    };
    let head = points(Side::Head);
    let base = points(Side::Base);
    gpu::memory(&head, &base, compared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_sort_as_numbers() {
        let mut segments = vec!["10", "2", "x", "1"];
        segments.sort_by(|a, b| numeric_order(a, b));
        assert_eq!(segments, ["1", "2", "10", "x"]);
    }

    #[test]
    fn coinciding_rows_are_summed_and_long_keys_dropped() {
        let mut conn = crate::db::open_in_memory();
        let file = r#"{"counter": [
            {"labels": [["group", "leaf"], ["opcode", "ADD"], ["cycle_tracker_span", "a;b"]], "metric": "frequency", "value": "2"},
            {"labels": [["group", "leaf"], ["opcode", "ADD"], ["cycle_tracker_span", "a;c"]], "metric": "frequency", "value": "3"},
            {"labels": [["opcode", "MUL"], ["group", "leaf"], ["dsl_ir", "x"]], "metric": "frequency", "value": "7"}]}"#;
        let run_id = crate::ingest_pipeline::ingest_bytes_for_tests(&mut conn, file.as_bytes());
        let mut index = Index::new(&conn).unwrap();
        index.add_run(run_id, Side::Head).unwrap();
        let counts = instruction_counts(&index, false);
        let tables = detailed_tables(&mut index, false);
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].label_keys, ["group", "opcode"]);
        let rows: Vec<(Vec<String>, Option<f64>)> = tables[0]
            .rows
            .iter()
            .map(|r| (r.labels.clone(), r.values[0].value))
            .collect();
        assert_eq!(
            rows,
            [
                (vec!["leaf".to_string(), "MUL".to_string()], Some(7.0)),
                (vec!["leaf".to_string(), "ADD".to_string()], Some(5.0))
            ],
            "summed, then by frequency, largest first"
        );
        assert_eq!(
            counts
                .iter()
                .map(|c| (c.opcode.as_str(), c.frequency.value))
                .collect::<Vec<_>>(),
            [("MUL", Some(7.0)), ("ADD", Some(5.0))]
        );
    }
}

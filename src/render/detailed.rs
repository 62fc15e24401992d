//! The detailed tables as template values, read in place, and the
//! `detailed_row` filter. A large run's tables hold millions of cells:
//! copying each into a template value (a map of five entries per cell) and
//! then mapping filters over them cost more than the rest of the report.
//! Here a template sees the same lists and maps as before, but each part is
//! made only when a template reads it, and `detailed_row` writes a whole row
//! straight from the report.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr, Serde, Value};
use serde::{Serialize, Serializer};

use super::templates::{cell_from_value, value_text};
use super::text;
use crate::report::{DetailedRow, DetailedTable, DetailedTables};

impl Serialize for DetailedTables {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // minijinja carries a value through serde as itself: a template gets
        // the lazy tables below, JSON gets the tables.
        if minijinja::value::serializing_for_value() {
            Value::from_object(Tables(self.0.clone())).serialize(serializer)
        } else {
            self.0.serialize(serializer)
        }
    }
}

/// `report.detailed`: a list of tables.
#[derive(Debug)]
struct Tables(Arc<Vec<DetailedTable>>);

impl Object for Tables {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let table = key.as_usize().filter(|&i| i < self.0.len())?;
        Some(Value::from_object(Table {
            tables: self.0.clone(),
            table,
        }))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

/// One table: `label_keys`, `metrics` and `rows`, in the model's order.
#[derive(Debug)]
struct Table {
    tables: Arc<Vec<DetailedTable>>,
    table: usize,
}

impl Object for Table {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let table = &self.tables[self.table];
        match key {
            "label_keys" => Some(Value::from(Serde(&table.label_keys))),
            "metrics" => Some(Value::from(Serde(&table.metrics))),
            "rows" => Some(Value::from_object(Rows {
                tables: self.tables.clone(),
                table: self.table,
            })),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["label_keys", "metrics", "rows"])
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(3)
    }
}

/// A table's rows.
#[derive(Debug)]
struct Rows {
    tables: Arc<Vec<DetailedTable>>,
    table: usize,
}

impl Object for Rows {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let rows = &self.tables[self.table].rows;
        let row = key.as_usize().filter(|&i| i < rows.len())?;
        Some(Value::from_object(Row {
            tables: self.tables.clone(),
            table: self.table,
            row,
        }))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.tables[self.table].rows.len())
    }
}

/// One row: `labels` and `values`.
#[derive(Debug)]
struct Row {
    tables: Arc<Vec<DetailedTable>>,
    table: usize,
    row: usize,
}

impl Row {
    fn get(&self) -> &DetailedRow {
        &self.tables[self.table].rows[self.row]
    }
}

impl Object for Row {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match key {
            "labels" => Some(Value::from(Serde(&self.get().labels))),
            "values" => Some(Value::from(Serde(&self.get().values))),
            _ => None,
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["labels", "values"])
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(2)
    }
}

/// `row | detailed_row`: a detailed row's labels as `md` writes them, then
/// its values as `cell` does (`detailed_row(3)`: with 3 decimals), joined
/// by ` | `. The same text as
/// `(row.labels | map("md") | list + row.values | map("cell") | list) | join(" | ")`
/// in one call, read straight from the report for the report's own rows.
pub fn detailed_row(row: &Value, decimals: Option<u32>) -> Result<String, minijinja::Error> {
    let decimals = decimals.unwrap_or(2).min(6);
    let mut out = String::new();
    if let Some(row) = row.downcast_object_ref::<Row>() {
        let row = row.get();
        out.reserve(16 * (row.labels.len() + row.values.len()));
        let mut first = true;
        for label in &row.labels {
            push_separator(&mut out, &mut first);
            text::escape_into(&mut out, label);
        }
        for cell in &row.values {
            push_separator(&mut out, &mut first);
            text::cell_into(&mut out, cell, decimals);
        }
        return Ok(out);
    }
    // Any other value with `labels` and `values` (a row a template made).
    let mut first = true;
    for label in row.get_attr("labels")?.try_iter()? {
        push_separator(&mut out, &mut first);
        text::escape_into(&mut out, &value_text(&label));
    }
    for cell in row.get_attr("values")?.try_iter()? {
        push_separator(&mut out, &mut first);
        text::cell_into(&mut out, &cell_from_value(&cell), decimals);
    }
    Ok(out)
}

/// ` | ` before every part but the first (which may be empty text).
fn push_separator(out: &mut String, first: &mut bool) {
    if !std::mem::replace(first, false) {
        out.push_str(" | ");
    }
}

//! Reads what flamegraphs are folded from: a run's counter samples of the
//! stack metrics with the labels that form stacks. The folding itself is a
//! pure function in `crate::flame`.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::Connection;

/// One counter sample with the stack labels it carries (only those; a
/// sample with none of them is not returned) and its `group` label.
#[derive(Clone, Debug, PartialEq)]
pub struct LabeledSample {
    pub seq: i64,
    pub group: Rc<str>,
    pub metric: Rc<str>,
    pub value: f64,
    /// (key, value) pairs, keys among those asked for. Strings are shared:
    /// a run repeats a few hundred call stacks across many thousand samples.
    pub labels: Vec<(Rc<str>, Rc<str>)>,
}

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
    // The join with the label set's items keeps one row per (sample, stack
    // key); samples with no stack key drop out here, as they should.
    let mut statement = conn.prepare_cached(
        "SELECT s.seq, g.value, m.name, s.value, k.key, v.value
         FROM samples AS s
         JOIN metric_names AS m ON m.id = s.metric_id
         JOIN label_sets AS ls ON ls.id = s.label_set_id
         JOIN label_values AS g ON g.id = ls.group_value_id
         JOIN json_each(ls.items) AS item
         JOIN label_keys AS k ON k.id = json_extract(item.value, '$[0]')
         JOIN label_values AS v ON v.id = json_extract(item.value, '$[1]')
         WHERE s.run_id = ?1 AND s.kind = 0 AND s.value IS NOT NULL
           AND s.metric_id IN (SELECT id FROM metric_names
                               WHERE name IN (SELECT value FROM json_each(?2)))
           AND k.key IN (SELECT value FROM json_each(?3))
         ORDER BY s.seq, k.key",
    )?;
    let mut rows = statement.query(rusqlite::params![run_id, metrics, keys])?;
    let mut out: Vec<LabeledSample> = Vec::new();
    let mut strings: HashMap<String, Rc<str>> = HashMap::new();
    let mut intern = |text: &str| -> Rc<str> {
        match strings.get(text) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Rc<str> = Rc::from(text);
                strings.insert(text.to_string(), shared.clone());
                shared
            }
        }
    };
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let text = |i: usize| -> rusqlite::Result<&str> {
            row.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
        };
        let label = (intern(text(4)?), intern(text(5)?));
        match out.last_mut() {
            Some(last) if last.seq == seq => last.labels.push(label),
            _ => out.push(LabeledSample {
                seq,
                group: intern(text(1)?),
                metric: intern(text(2)?),
                value: row.get(3)?,
                labels: vec![label],
            }),
        }
    }
    Ok(out)
}

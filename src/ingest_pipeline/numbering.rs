//! Numbering on the parser's thread: each file's metric names, label keys,
//! label values and label sets get numbers from 0 in order of first
//! appearance, and every entry becomes a [`NumberedSample`]. Names and sets
//! travel to the writer once, in the batch where they first appear, so the
//! writer looks each up in the database once per file and otherwise reads
//! a vector, while the hashing of strings and label sets is done here, on
//! the parser's core.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::db::writer::{Batch, NumberedSample};
use crate::input::{Entry, Kind};

type Map<K, V> = HashMap<K, V, RandomState>;

/// One file's numbers so far.
#[derive(Default)]
pub(super) struct Numbering {
    metrics: Map<Box<str>, u32>,
    keys: Map<Box<str>, u32>,
    values: Map<Box<str>, u32>,
    label_sets: Map<Box<[u32]>, u32>,
    /// Entries read so far: the next entry's `seq`.
    entries: u64,
    pairs: Vec<(u32, u32)>,
    set_key: Vec<u32>,
}

/// A file with more distinct names or label sets than numbers fit in 32
/// bits; no metrics file comes near it.
#[derive(Debug)]
pub(super) struct TooManyDistinct;

impl Numbering {
    /// Adds one entry to `batch`: counters at 0 are counted and dropped,
    /// as nothing about them is stored.
    pub fn add(&mut self, entry: &Entry<'_>, batch: &mut Batch) -> Result<(), TooManyDistinct> {
        let seq = self.entries;
        self.entries += 1;
        batch.entries += 1;
        if entry.kind == Kind::Counter && entry.value == 0.0 {
            batch.zero_counters += 1;
            return Ok(());
        }
        let metric = number(&mut self.metrics, &entry.metric, &mut batch.new_metrics)?;
        self.pairs.clear();
        for (key, value) in &entry.labels {
            let key = number(&mut self.keys, key, &mut batch.new_keys)?;
            let value = number(&mut self.values, value, &mut batch.new_values)?;
            self.pairs.push((key, value));
        }
        // A label set is unordered; a key named twice keeps its first value
        // (the stable sort keeps file order among equal keys).
        self.pairs.sort_by_key(|&(key, _)| key);
        let before = self.pairs.len();
        self.pairs.dedup_by_key(|&mut (key, _)| key);
        if self.pairs.len() != before {
            batch.repeated_keys += 1;
        }
        self.set_key.clear();
        self.set_key
            .extend(self.pairs.iter().flat_map(|&(key, value)| [key, value]));
        let label_set = match self.label_sets.get(self.set_key.as_slice()) {
            Some(&number) => number,
            None => {
                let number = next_number(self.label_sets.len())?;
                self.label_sets
                    .insert(self.set_key.as_slice().into(), number);
                batch.new_label_sets.push(self.pairs.as_slice().into());
                number
            }
        };
        let nonfinite = (!entry.value.is_finite())
            .then(|| entry.nonfinite_text.as_deref().unwrap_or("NaN").into());
        batch.samples.push(NumberedSample {
            seq,
            metric,
            label_set,
            kind: entry.kind,
            value: entry.value,
            nonfinite,
        });
        Ok(())
    }
}

fn number(
    numbers: &mut Map<Box<str>, u32>,
    text: &str,
    new: &mut Vec<Box<str>>,
) -> Result<u32, TooManyDistinct> {
    if let Some(&number) = numbers.get(text) {
        return Ok(number);
    }
    let number = next_number(numbers.len())?;
    numbers.insert(text.into(), number);
    new.push(text.into());
    Ok(number)
}

fn next_number(len: usize) -> Result<u32, TooManyDistinct> {
    u32::try_from(len).map_err(|_| TooManyDistinct)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn entry<'a>(
        kind: Kind,
        metric: &'a str,
        labels: &[(&'a str, &'a str)],
        value: f64,
    ) -> Entry<'a> {
        Entry {
            kind,
            metric: Cow::Borrowed(metric),
            labels: labels
                .iter()
                .map(|&(k, v)| (Cow::Borrowed(k), Cow::Borrowed(v)))
                .collect(),
            value,
            nonfinite_text: None,
        }
    }

    #[test]
    fn names_and_sets_are_sent_once_in_order_of_first_appearance() {
        let mut numbering = Numbering::default();
        let mut first = Batch::default();
        let a = entry(Kind::Gauge, "t", &[("group", "leaf"), ("idx", "0")], 1.0);
        // The same set in another order, and a key named twice.
        let b = entry(
            Kind::Gauge,
            "u",
            &[("idx", "0"), ("group", "leaf"), ("idx", "9")],
            2.0,
        );
        let zero = entry(Kind::Counter, "rows", &[("group", "new")], 0.0);
        for e in [&a, &b, &zero] {
            numbering.add(e, &mut first).unwrap();
        }
        let mut second = Batch::default();
        let c = entry(Kind::Counter, "t", &[("group", "root")], f64::NAN);
        numbering.add(&c, &mut second).unwrap();

        assert_eq!(
            (first.entries, first.zero_counters, first.repeated_keys),
            (3, 1, 1)
        );
        assert_eq!(first.new_metrics, ["t".into(), "u".into()]);
        assert_eq!(first.new_keys, ["group".into(), "idx".into()]);
        // "9" is numbered (it was read) though the set keeps "0".
        assert_eq!(first.new_values, ["leaf".into(), "0".into(), "9".into()]);
        assert_eq!(
            first.new_label_sets,
            [vec![(0, 0), (1, 1)].into_boxed_slice()]
        );
        let seqs: Vec<(u64, u32, u32)> = first
            .samples
            .iter()
            .map(|s| (s.seq, s.metric, s.label_set))
            .collect();
        assert_eq!(seqs, [(0, 0, 0), (1, 1, 0)]);

        assert!(second.new_metrics.is_empty(), "metric t was sent before");
        assert_eq!(second.new_values, ["root".into()]);
        assert_eq!(second.new_label_sets, [vec![(0, 3)].into_boxed_slice()]);
        let sample = &second.samples[0];
        assert_eq!((sample.seq, sample.label_set), (3, 1));
        assert_eq!(sample.nonfinite.as_deref(), Some("NaN"));
    }
}

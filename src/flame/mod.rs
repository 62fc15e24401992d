//! Flamegraphs of a run, as OpenVM's CI draws them: which stacks exist
//! ([`SPECS`]), how a run's labelled samples fold into stack lines (a pure
//! function, [`fold`]), and the file names they get. Drawing is in [`draw`],
//! writing a run's files in [`write`].

pub mod draw;
pub mod write;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use foldhash::fast::RandomState;

use crate::db::flame::LabeledSample;

/// One kind of flamegraph: stack frames from `keys` in this order, each
/// entry weighted by its value for any of `metrics` (summed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlameSpec {
    pub keys: &'static [&'static str],
    pub metrics: &'static [&'static str],
    /// The weight's name in file names and titles.
    pub weight: &'static str,
    /// Also drawn with the stacks reversed (leaf frames at the root).
    pub reversible: bool,
}

/// The flamegraphs OpenVM's CI makes.
pub const SPECS: &[FlameSpec] = &[
    FlameSpec {
        keys: &["cycle_tracker_span", "dsl_ir", "opcode"],
        metrics: &["frequency"],
        weight: "frequency",
        reversible: true,
    },
    FlameSpec {
        keys: &["cycle_tracker_span", "dsl_ir", "opcode", "air_name"],
        metrics: &["cells_used"],
        weight: "cells_used",
        reversible: true,
    },
    FlameSpec {
        keys: &["cell_tracker_span"],
        metrics: &["simple_advice_cells", "fixed_cells", "lookup_advice_cells"],
        weight: "cells",
        reversible: false,
    },
];

/// Every label key some spec stacks on, for messages and the one query.
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = SPECS.iter().flat_map(|s| s.keys.iter().copied()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Every metric some spec weighs by.
pub fn all_metrics() -> Vec<&'static str> {
    let mut metrics: Vec<&str> = SPECS
        .iter()
        .flat_map(|s| s.metrics.iter().copied())
        .collect();
    metrics.sort_unstable();
    metrics.dedup();
    metrics
}

/// Label values that hold nested spans, `outer;inner`.
fn is_span_key(key: &str) -> bool {
    key.ends_with("_tracker_span")
}

/// The folded stacks of `spec` per group: `frame;frame;frame WEIGHT` lines,
/// sorted by stack. An entry counts when it has at least one of the spec's
/// keys (absent keys are skipped); identical stacks add up, in file order;
/// a stack whose weight rounds to zero is left out. `reverse` puts the
/// last frame first.
pub fn fold(
    samples: &[LabeledSample],
    spec: &FlameSpec,
    reverse: bool,
) -> BTreeMap<String, Vec<String>> {
    type Map<K, V> = HashMap<K, V, RandomState>;
    // By the address of each stack's one shared text (see `distinct`):
    // hashing an address, not a kilobyte of frames.
    let mut weights: BTreeMap<&str, Map<*const u8, (Rc<str>, f64)>> = BTreeMap::new();
    // A run repeats a few hundred distinct label values over many samples:
    // each value becomes its (joined) frames once.
    let mut frames_of: Map<(&str, &str), Rc<str>> = Map::default();
    // Samples of one label set share its labels, and so its stack: made
    // once per set (known by the address of its shared labels), and kept
    // once however many sets make it (stacks run to kilobytes).
    let mut stack_of: Map<*const (Rc<str>, Rc<str>), Option<Rc<str>>> = Map::default();
    let mut distinct: HashSet<Rc<str>, RandomState> = HashSet::default();
    for sample in samples {
        if !spec.metrics.contains(&&*sample.metric) {
            continue;
        }
        let stack = stack_of.entry(sample.labels.as_ptr()).or_insert_with(|| {
            let made = stack(&sample.labels, spec, reverse, &mut frames_of)?;
            if let Some(known) = distinct.get(made.as_str()) {
                return Some(known.clone());
            }
            let made: Rc<str> = made.into();
            distinct.insert(made.clone());
            Some(made)
        });
        let Some(stack) = stack else {
            continue;
        };
        weights
            .entry(&sample.group)
            .or_default()
            .entry(stack.as_ptr())
            .or_insert_with(|| (stack.clone(), 0.0))
            .1 += sample.value;
    }
    // The stacks live on in `weights` only, each freed once its line is made.
    drop((stack_of, distinct));
    weights
        .into_iter()
        .map(|(group, stacks)| {
            let mut stacks: Vec<(Rc<str>, f64)> = stacks.into_values().collect();
            stacks.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let lines: Vec<String> = stacks
                .into_iter()
                .filter_map(|(stack, weight)| {
                    let weight = weight.round();
                    (weight >= 1.0).then(|| format!("{stack} {weight:.0}"))
                })
                .collect();
            (group.to_string(), lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
}

/// The stack `labels` make for `spec`: the frames of each of its keys
/// present, in key order, or `None` when none gives a frame.
fn stack<'s>(
    labels: &'s [(Rc<str>, Rc<str>)],
    spec: &FlameSpec,
    reverse: bool,
    frames_of: &mut HashMap<(&'s str, &'s str), Rc<str>, RandomState>,
) -> Option<String> {
    let mut parts: Vec<Rc<str>> = Vec::new();
    for key in spec.keys {
        let Some((key, value)) = labels.iter().find(|(k, _)| &**k == *key) else {
            continue;
        };
        let joined = frames_of.entry((key, value)).or_insert_with(|| {
            let mut frames: Vec<String> = if is_span_key(key) {
                value
                    .split(';')
                    .filter(|f| !f.is_empty())
                    .map(frame)
                    .collect()
            } else {
                // A `;` inside an opcode or AIR name is not a nesting.
                vec![frame(&value.replace(';', ":"))]
            };
            if reverse {
                frames.reverse();
            }
            frames.join(";").into()
        });
        if !joined.is_empty() {
            parts.push(joined.clone());
        }
    }
    if parts.is_empty() {
        return None;
    }
    if reverse {
        parts.reverse();
    }
    Some(parts.join(";"))
}

/// A frame as the folded format can carry it: line breaks and tabs become
/// spaces (a folded line ends at a newline, its weight after the last space).
fn frame(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A name as one safe file-name component: ASCII letters, digits, `-`, `_`
/// and inner `.` stay; anything else becomes `_`, and a name that had to
/// change (or was cut at 60 characters) gets a hash of the original, so
/// two hostile names never share a file.
pub fn file_component(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .take(60)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed == name && !trimmed.is_empty() {
        return trimmed.to_string();
    }
    let hash = xxhash_rust::xxh3::xxh3_64(name.as_bytes());
    format!("{trimmed}-{:08x}", hash as u32)
}

/// `NAME.GROUP.KEYS.WEIGHT[.reverse]`, the stem of a flamegraph's files.
pub fn file_stem(name: &str, group: &str, spec: &FlameSpec, reverse: bool) -> String {
    format!(
        "{}.{}.{}.{}{}",
        file_component(name),
        file_component(group),
        spec.keys.join("."),
        spec.weight,
        if reverse { ".reverse" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(
        seq: i64,
        group: &str,
        metric: &str,
        value: f64,
        labels: &[(&str, &str)],
    ) -> LabeledSample {
        LabeledSample {
            seq,
            group: group.into(),
            metric: metric.into(),
            value,
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect::<Vec<_>>()
                .into(),
        }
    }

    #[test]
    fn stacks_nest_spans_skip_absent_keys_and_add_up() {
        let samples = [
            sample(
                1,
                "app",
                "frequency",
                3.0,
                &[("cycle_tracker_span", "a;b"), ("opcode", "ADD")],
            ),
            sample(
                2,
                "app",
                "frequency",
                4.0,
                &[("opcode", "ADD"), ("cycle_tracker_span", "a;b")],
            ),
            sample(3, "app", "frequency", 5.0, &[("dsl_ir", "Ld")]),
            sample(4, "app", "cells_used", 9.0, &[("opcode", "MUL")]),
            sample(5, "leaf", "frequency", 1.0, &[("opcode", "x;y")]),
        ];
        let folded = fold(&samples, &SPECS[0], false);
        assert_eq!(folded["app"], vec!["Ld 5", "a;b;ADD 7"]);
        assert_eq!(folded["leaf"], vec!["x:y 1"]);
        let reversed = fold(&samples, &SPECS[0], true);
        assert_eq!(reversed["app"], vec!["ADD;b;a 7", "Ld 5"]);
    }

    #[test]
    fn samples_of_one_label_set_and_equal_stacks_of_others_add_up() {
        let shared = sample(
            1,
            "g",
            "frequency",
            1.5,
            &[("opcode", "ADD"), ("dsl_ir", "x")],
        );
        let same_set = LabeledSample {
            seq: 2,
            value: 2.0,
            ..shared.clone()
        };
        // Another label set (say, another segment) with the same stack.
        let other_set = sample(
            3,
            "g",
            "frequency",
            4.0,
            &[("dsl_ir", "x"), ("opcode", "ADD")],
        );
        // A set whose stack reads the same from other keys' frames.
        let other_keys = sample(4, "g", "frequency", 1.0, &[("cycle_tracker_span", "x;ADD")]);
        let elsewhere = sample(
            5,
            "h",
            "frequency",
            3.0,
            &[("opcode", "ADD"), ("dsl_ir", "x")],
        );
        let samples = [shared, same_set, other_set, other_keys, elsewhere];
        let folded = fold(&samples, &SPECS[0], false);
        assert_eq!(folded["g"], vec!["x;ADD 9"]);
        assert_eq!(folded["h"], vec!["x;ADD 3"]);
        assert_eq!(fold(&samples, &SPECS[0], true)["g"], vec!["ADD;x 9"]);
    }

    #[test]
    fn cells_add_three_metrics_and_zero_weights_vanish() {
        let samples = [
            sample(
                1,
                "g",
                "simple_advice_cells",
                2.0,
                &[("cell_tracker_span", "x")],
            ),
            sample(2, "g", "fixed_cells", 3.0, &[("cell_tracker_span", "x")]),
            sample(
                3,
                "g",
                "lookup_advice_cells",
                0.2,
                &[("cell_tracker_span", "y")],
            ),
        ];
        assert_eq!(fold(&samples, &SPECS[2], false)["g"], vec!["x 5"]);
        assert!(fold(&samples, &SPECS[0], false).is_empty());
    }

    #[test]
    fn hostile_names_become_distinct_safe_components() {
        assert_eq!(file_component("fibonacci_program"), "fibonacci_program");
        for name in [
            "../etc",
            "<script>",
            "a/b",
            "",
            ".hidden",
            "é",
            &"x".repeat(10_000),
        ] {
            let safe = file_component(name);
            assert!(safe.len() <= 69, "{safe}");
            assert!(!safe.starts_with('.') && !safe.contains('/'), "{safe}");
            assert!(
                safe.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            );
        }
        assert_ne!(file_component("a/b"), file_component("a_b"));
    }
}

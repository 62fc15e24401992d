//! The input model: one metrics JSON file, read entry by entry.
//!
//! A file is `{"counter": [ENTRY…], "gauge": [ENTRY…]}`, both arrays optional,
//! where an ENTRY is `{"labels": [[key, value]…], "metric": name, "value": v}`
//! with its keys in any order and `v` a decimal string or a JSON number.
//! [`for_each_entry`] walks the document with serde's visitors and hands each
//! entry to a callback as soon as it is parsed, borrowing strings from the
//! input where they carry no escapes: nothing holds the whole document.

use std::borrow::Cow;
use std::fmt;

pub mod bmf;
pub mod detect;
mod fields;

use fields::{Labels, Str, Value};
use serde::Deserializer as _;
use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The formats `prof ingest` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// OpenVM's metrics JSON: `{"counter": [...], "gauge": [...]}`.
    Metrics,
    /// Bencher Metric Format; see [`bmf`].
    Bmf,
}

/// Whether an entry came from the `counter` or the `gauge` array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

impl Kind {
    /// The code stored in `samples.kind`.
    pub fn code(self) -> i64 {
        match self {
            Kind::Counter => 0,
            Kind::Gauge => 1,
        }
    }
}

/// One entry of a metrics file. Strings borrow from the input where they can.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub kind: Kind,
    pub metric: Cow<'a, str>,
    pub labels: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The value as read; may be NaN or infinite.
    pub value: f64,
    /// The value's text when it is not finite (`NaN`, `inf`, …), for storage.
    pub nonfinite_text: Option<Cow<'a, str>>,
}

/// Where parsing stopped and why, in the parser's own terms.
#[derive(Debug)]
pub struct ParseError {
    /// 1-based line and column, when the parser knows them.
    pub position: Option<(usize, usize)>,
    pub message: String,
    pub hint: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.position {
            write!(f, "{line}:{column}: ")?;
        }
        write!(f, "{} ({})", self.message, self.hint)
    }
}

const TOP_LEVEL: &str = "a JSON object with \"counter\" and/or \"gauge\" arrays";

/// A sentinel message: the callback asked to stop, so the error is the
/// callback's, not the parser's.
const STOPPED: &str = "\u{0}prof: stopped by the consumer";

/// Parses `bytes` as a metrics file, calling `on_entry` for every entry in
/// file order. Parsing stops at the first error, or when `on_entry` returns
/// `false`, which yields `Ok(false)`.
pub fn for_each_entry<'a, F>(bytes: &'a [u8], on_entry: F) -> Result<bool, ParseError>
where
    F: FnMut(Entry<'a>) -> bool,
{
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError {
            position: None,
            message: "the file is empty".into(),
            hint: "expected a metrics JSON object such as {\"counter\": [], \"gauge\": []}",
        });
    }
    // A UTF-8 byte order mark is not JSON, but editors on some systems
    // write one; it carries no meaning, so it is skipped.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut file = FileVisitor {
        on_entry,
        stopped: false,
    };
    let result = (&mut deserializer)
        .deserialize_map(&mut file)
        .and_then(|()| deserializer.end());
    match result {
        Ok(()) => Ok(true),
        Err(_) if file.stopped => Ok(false),
        Err(error) => Err(describe(&error)),
    }
}

fn describe(error: &serde_json::Error) -> ParseError {
    use serde_json::error::Category;
    let position = (error.line() > 0).then(|| (error.line(), error.column().max(1)));
    // serde_json appends " at line L column C"; the position is reported apart.
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    };
    let (message, hint) = match error.classify() {
        Category::Eof => (
            format!("the file ends early: {message}"),
            "the file looks truncated; copy or export it again",
        ),
        Category::Syntax if message.starts_with("number out of range") => (
            format!("a number too large for a 64-bit float: {message}"),
            "fix the producer (a metrics file, not BMF, may hold it as a string, \"1e999\", stored as infinite)",
        ),
        Category::Syntax => (
            format!("not valid JSON: {message}"),
            "the file must be a metrics JSON export; check it with a JSON validator",
        ),
        Category::Data if message.contains(TOP_LEVEL) => (
            format!("the top level is not a JSON object: {message}"),
            "a metrics file is {\"counter\": [...], \"gauge\": [...]}",
        ),
        Category::Data => (
            message,
            "an entry is {\"labels\": [[key, value], …], \"metric\": name, \"value\": number or \
             decimal string}; fix the producer or remove the entry",
        ),
        Category::Io => (message, "check that the file can be read"),
    };
    ParseError {
        position,
        message,
        hint,
    }
}

struct FileVisitor<F> {
    on_entry: F,
    stopped: bool,
}

impl<'de, F> Visitor<'de> for &mut FileVisitor<F>
where
    F: FnMut(Entry<'de>) -> bool,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(TOP_LEVEL)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            let kind = match key.as_ref() {
                "counter" => Kind::Counter,
                "gauge" => Kind::Gauge,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(EntriesSeed {
                kind,
                file: &mut *self,
            })?;
        }
        Ok(())
    }
}

struct EntriesSeed<'v, F> {
    kind: Kind,
    file: &'v mut FileVisitor<F>,
}

impl<'de, F> DeserializeSeed<'de> for EntriesSeed<'_, F>
where
    F: FnMut(Entry<'de>) -> bool,
{
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // `any`, not `seq`: serde_json hands `null` to visit_unit only then.
        deserializer.deserialize_any(self)
    }
}

impl<'de, F> Visitor<'de> for EntriesSeed<'_, F>
where
    F: FnMut(Entry<'de>) -> bool,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of metric entries")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // `"gauge": null` is how some producers write an empty array.
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<RawEntry<'de>>()? {
            let entry = raw.into_entry(self.kind);
            if !(self.file.on_entry)(entry) {
                self.file.stopped = true;
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
}

/// An entry as it stands in the file, before it knows its kind.
struct RawEntry<'a> {
    metric: Cow<'a, str>,
    labels: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    value: f64,
    nonfinite_text: Option<Cow<'a, str>>,
}

impl<'a> RawEntry<'a> {
    fn into_entry(self, kind: Kind) -> Entry<'a> {
        Entry {
            kind,
            metric: self.metric,
            labels: self.labels,
            value: self.value,
            nonfinite_text: self.nonfinite_text,
        }
    }
}

impl<'de> Deserialize<'de> for RawEntry<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawEntryVisitor)
    }
}

struct RawEntryVisitor;

impl<'de> Visitor<'de> for RawEntryVisitor {
    type Value = RawEntry<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a metric entry object with \"labels\", \"metric\" and \"value\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut metric = None;
        let mut labels = None;
        let mut value = None;
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "metric" => metric = Some(map.next_value::<Str<'de>>()?.0),
                "labels" => labels = Some(map.next_value::<Labels<'de>>()?.0),
                "value" => value = Some(map.next_value::<Value<'de>>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let metric = metric.ok_or_else(|| de::Error::custom("entry has no \"metric\""))?;
        let value = value.ok_or_else(|| {
            de::Error::custom(format_args!("entry for metric `{metric}` has no \"value\""))
        })?;
        Ok(RawEntry {
            metric,
            // An entry without labels is an entry with an empty label set.
            labels: labels.unwrap_or_default(),
            value: value.number,
            nonfinite_text: value.nonfinite_text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Entry<'_>>, ParseError> {
        let mut entries = Vec::new();
        for_each_entry(text.as_bytes(), |entry| {
            entries.push(entry);
            true
        })?;
        Ok(entries)
    }

    #[test]
    fn reads_both_arrays_in_file_order_with_keys_in_any_order() {
        let entries = parse(
            r#"{"gauge": [{"metric": "t", "labels": [["group", "leaf"]], "value": "1.5"}],
                "counter": [{"labels": [], "value": 3, "metric": "c"}]}"#,
        )
        .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].kind, Kind::Gauge);
        assert_eq!(entries[0].metric, "t");
        assert!(
            matches!(entries[0].metric, Cow::Borrowed(_)),
            "strings borrow from the input"
        );
        assert!(matches!(entries[0].labels[0].1, Cow::Borrowed(_)));
        assert_eq!(entries[0].labels, vec![("group".into(), "leaf".into())]);
        assert_eq!(entries[0].value, 1.5);
        assert_eq!(entries[1].kind, Kind::Counter);
        assert_eq!(entries[1].value, 3.0);
    }

    #[test]
    fn missing_arrays_and_unknown_keys_are_fine() {
        assert!(parse("{}").unwrap().is_empty());
        assert_eq!(parse(r#"{"other": [1], "gauge": null}"#).unwrap().len(), 0);
    }

    #[test]
    fn non_finite_values_keep_their_text() {
        let entries =
            parse(r#"{"gauge": [{"labels": [], "metric": "m", "value": "NaN"}]}"#).unwrap();
        assert!(entries[0].value.is_nan());
        assert_eq!(entries[0].nonfinite_text.as_deref(), Some("NaN"));
    }

    #[test]
    fn a_label_that_is_not_a_pair_is_an_error_with_its_position() {
        let error = parse(
            "{\"gauge\": [\n{\"labels\": [[\"group\"]], \"metric\": \"m\", \"value\": \"1\"}]}",
        )
        .unwrap_err();
        assert_eq!(error.position.map(|p| p.0), Some(2));
        assert!(error.message.contains("[key, value]"), "{}", error.message);
    }

    #[test]
    fn a_value_that_is_not_a_number_is_named() {
        let error =
            parse(r#"{"gauge": [{"labels": [], "metric": "m", "value": "fast"}]}"#).unwrap_err();
        assert!(
            error.message.contains("\"fast\" is not a number"),
            "{}",
            error.message
        );
    }

    #[test]
    fn truncated_and_empty_files_say_so() {
        let error = parse(r#"{"gauge": [{"labels": [], "metric": "m""#).unwrap_err();
        assert!(error.message.contains("ends early"), "{}", error.message);
        assert!(parse("  \n").unwrap_err().message.contains("empty"));
        assert!(
            parse("[1, 2]")
                .unwrap_err()
                .message
                .contains("expected a JSON object")
        );
    }

    #[test]
    fn the_consumer_can_stop_the_walk() {
        let text = r#"{"gauge": [{"labels": [], "metric": "a", "value": "1"},
                                {"labels": [], "metric": "b", "value": "2"}]}"#;
        let mut seen = 0;
        let finished = for_each_entry(text.as_bytes(), |_| {
            seen += 1;
            false
        })
        .unwrap();
        assert!(!finished);
        assert_eq!(seen, 1);
    }
}

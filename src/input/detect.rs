//! Which format an input file holds, read from its content: a metrics
//! file has `counter`/`gauge` arrays, Bencher Metric Format only objects of
//! objects. The walk stops at the first telling key, so a 1 GB metrics file
//! costs nothing extra.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, Deserialize, IgnoredAny, MapAccess, Visitor};

use super::fields::Str;
use super::{Format, ParseError};

/// Which format a file holds, decided from its first telling key: metrics
/// files have `counter`/`gauge` arrays, BMF has only objects of objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Metrics,
    Bmf,
    /// A JSON object that is neither (a one-line error for the user).
    Neither,
}

/// The format to read `bytes` as: the one asked for, else the detected
/// one. BMF names no run, so it needs a name from the command line.
pub fn choose(bytes: &[u8], requested: Option<Format>, named: bool) -> Result<Format, ParseError> {
    let format = match requested {
        Some(format) => format,
        None => match detect(bytes) {
            Detected::Metrics => Format::Metrics,
            Detected::Bmf => Format::Bmf,
            Detected::Neither => {
                return Err(ParseError {
                    position: None,
                    message: "neither a metrics file ({\"counter\": [...], \"gauge\": [...]}) nor \
                              Bencher Metric Format ({\"bench\": {\"measure\": {\"value\": v}}})"
                        .into(),
                    hint: "pass --format metrics or --format bmf to see what is wrong with it",
                });
            }
        },
    };
    if format == Format::Bmf && !named {
        return Err(ParseError {
            position: None,
            message: "a Bencher Metric Format file names no run".into(),
            hint: "pass --name NAME for the benchmark it measures",
        });
    }
    Ok(format)
}

/// A sentinel: the walk stops as soon as the format is known, so a 1 GB
/// metrics file is not read twice.
const DECIDED: &str = "\u{0}prof: format decided";

/// Detects the format of `bytes`. A document that does not parse is
/// [`Detected::Metrics`], whose parser then reports the error in full.
pub fn detect(bytes: &[u8]) -> Detected {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut decided = None;
    let result = (&mut deserializer).deserialize_map(DetectVisitor {
        decided: &mut decided,
    });
    match (decided, result) {
        (Some(format), _) => format,
        (None, Ok(true)) => Detected::Bmf,
        (None, Ok(false)) => Detected::Neither,
        (None, Err(_)) => Detected::Metrics,
    }
}

struct DetectVisitor<'d> {
    decided: &'d mut Option<Detected>,
}

impl<'de> Visitor<'de> for DetectVisitor<'_> {
    /// Whether every value was an object (and there was at least one).
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut keys = 0usize;
        let mut all_objects = true;
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            if key == "counter" || key == "gauge" {
                *self.decided = Some(Detected::Metrics);
                return Err(de::Error::custom(DECIDED));
            }
            keys += 1;
            all_objects &= map.next_value::<IsObject>()?.0;
        }
        if keys == 0 {
            // `{}` is an empty metrics file, as it always was.
            *self.decided = Some(Detected::Metrics);
        }
        Ok(all_objects)
    }
}

/// Whether a value is a JSON object; the value is consumed either way.
pub(super) struct IsObject(pub(super) bool);

impl<'de> Deserialize<'de> for IsObject {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = IsObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IsObject, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(IsObject(true))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<IsObject, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IsObject(false))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_unit<E: de::Error>(self) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
        }
        deserializer.deserialize_any(Probe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_reads_only_as_far_as_it_must() {
        assert_eq!(
            detect(br#"{"counter": [], "gauge": []}"#),
            Detected::Metrics
        );
        assert_eq!(detect(br#"{"gauge": [1, "#), Detected::Metrics);
        assert_eq!(
            detect(br#"{"other": [1], "gauge": null}"#),
            Detected::Metrics
        );
        assert_eq!(detect(b"{}"), Detected::Metrics);
        assert_eq!(detect(br#"{"b": {"m": {"value": 1}}}"#), Detected::Bmf);
        assert_eq!(
            detect(br#"{"b": {"m": {"value": 1}}, "n": 2}"#),
            Detected::Neither
        );
        assert_eq!(detect(b"[1]"), Detected::Metrics);
    }
}

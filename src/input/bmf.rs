//! Bencher Metric Format (BMF) input: `{"bench": {"measure": {"value": v,
//! "lower_value": l, "upper_value": u}}}`, as criterion, hyperfine, Go and
//! pytest results become through Bencher's adapters, and as `prof` writes.
//!
//! Each benchmark becomes a group and each measure a gauge of that group,
//! handed out as the same [`Entry`] the metrics parser yields, so the rest
//! of ingest does not know which format it read. A measure's bounds become
//! the gauges `MEASURE.lower_value` and `MEASURE.upper_value`, kept apart
//! from the value so they never enter its statistics.
//!
//! `prof`'s own BMF nests a run's groups as `RUN::GROUP` under the key
//! `RUN` (which holds the run's totals) and writes each metric twice: its
//! average with min and max as bounds, and `METRIC::sum`. Read back, such a
//! file gives its groups their own names, each metric its sum as one sample
//! and drops the totals, which prof derives from the groups: the group sums
//! come back as they were written.
//!
//! BMF files are small (one number per measure), so the document is read
//! whole before entries are made; strings still borrow from the input.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, Deserialize, MapAccess, Visitor};

use super::detect::IsObject;
use super::fields::Str;
use super::{Entry, Kind, ParseError};

/// What a BMF problem should tell the user to do.
const BMF_HINT: &str = "BMF is {\"benchmark\": {\"measure\": {\"value\": number, \"lower_value\": \
                        number, \"upper_value\": number}}}; fix the producer or pass --format metrics";

const TOP_LEVEL: &str = "a JSON object of benchmarks";

/// One measure as written.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Measure {
    value: f64,
    lower_value: Option<f64>,
    upper_value: Option<f64>,
}

type Benchmark<'a> = (Cow<'a, str>, Vec<(Cow<'a, str>, Measure)>);

/// Parses `bytes` as BMF and calls `on_entry` for every gauge it becomes,
/// benchmark by benchmark in file order. Stops early (returning
/// `Ok(false)`) when `on_entry` returns `false`.
pub fn for_each_entry<'a, F>(bytes: &'a [u8], mut on_entry: F) -> Result<bool, ParseError>
where
    F: FnMut(Entry<'a>) -> bool,
{
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let benchmarks = parse(bytes)?;
    for entry in entries(&benchmarks) {
        if !on_entry(entry) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn parse(bytes: &[u8]) -> Result<Vec<Benchmark<'_>>, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result = (&mut deserializer)
        .deserialize_map(DocumentVisitor)
        .and_then(|benchmarks| deserializer.end().map(|()| benchmarks));
    result.map_err(|error| {
        let mut described = super::describe(&error);
        if error.classify() == serde_json::error::Category::Data {
            described.hint = BMF_HINT;
        }
        described
    })
}

/// The gauges a parsed document stands for; see the module doc for how
/// prof's own BMF is read.
fn entries<'a>(benchmarks: &[Benchmark<'a>]) -> Vec<Entry<'a>> {
    let names: HashSet<&str> = benchmarks.iter().map(|(name, _)| name.as_ref()).collect();
    let run_keys: HashSet<&str> = benchmarks
        .iter()
        .filter_map(|(name, _)| name.split_once("::").map(|(run, _)| run))
        .filter(|run| names.contains(run))
        .collect();
    let mut out = Vec::new();
    for (name, measures) in benchmarks {
        if run_keys.contains(name.as_ref()) {
            continue;
        }
        let group = match name.split_once("::") {
            Some((run, group)) if run_keys.contains(run) => sub_cow(name, group),
            _ => name.clone(),
        };
        let own_shape = group.as_ref() != name.as_ref();
        let sums: HashSet<&str> = measures
            .iter()
            .filter_map(|(measure, _)| measure.strip_suffix("::sum"))
            .collect();
        let mut gauge = |metric: Cow<'a, str>, value: f64| {
            out.push(Entry {
                kind: Kind::Gauge,
                metric,
                labels: vec![(Cow::Borrowed("group"), group.clone())],
                value,
                nonfinite_text: None,
            })
        };
        for (measure, written) in measures {
            if own_shape {
                // prof's `METRIC::sum` is the metric; its average row is
                // implied by the sum and dropped.
                if let Some(metric) = measure.strip_suffix("::sum") {
                    gauge(sub_cow(measure, metric), written.value);
                    continue;
                }
                if sums.contains(measure.as_ref()) {
                    continue;
                }
            }
            gauge(measure.clone(), written.value);
            if let Some(lower) = written.lower_value {
                gauge(Cow::Owned(format!("{measure}.lower_value")), lower);
            }
            if let Some(upper) = written.upper_value {
                gauge(Cow::Owned(format!("{measure}.upper_value")), upper);
            }
        }
    }
    out
}

/// `part` (a slice of `whole`) with `whole`'s lifetime when it borrows.
fn sub_cow<'a>(whole: &Cow<'a, str>, part: &str) -> Cow<'a, str> {
    match whole {
        Cow::Borrowed(text) => {
            let start = part.as_ptr() as usize - text.as_ptr() as usize;
            Cow::Borrowed(&text[start..start + part.len()])
        }
        Cow::Owned(_) => Cow::Owned(part.to_string()),
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Vec<Benchmark<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(TOP_LEVEL)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut benchmarks = Vec::new();
        while let Some(Str(name)) = map.next_key::<Str<'de>>()? {
            let measures = map.next_value_seed(MeasuresSeed { benchmark: &name })?.0;
            benchmarks.push((name, measures));
        }
        Ok(benchmarks)
    }
}

struct Measures<'a>(Vec<(Cow<'a, str>, Measure)>);

struct MeasuresSeed<'n> {
    benchmark: &'n str,
}

impl<'de> de::DeserializeSeed<'de> for MeasuresSeed<'_> {
    type Value = Measures<'de>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MeasuresSeed<'_> {
    type Value = Measures<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "benchmark `{}` to be an object of measures",
            super::fields::clip(self.benchmark)
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut measures = Vec::new();
        while let Some(Str(name)) = map.next_key::<Str<'de>>()? {
            let measure = map.next_value_seed(MeasureSeed {
                benchmark: self.benchmark,
                measure: &name,
            })?;
            measures.push((name, measure));
        }
        Ok(Measures(measures))
    }
}

struct MeasureSeed<'n> {
    benchmark: &'n str,
    measure: &'n str,
}

impl MeasureSeed<'_> {
    fn at(&self) -> String {
        format!(
            "measure `{}` of benchmark `{}`",
            super::fields::clip(self.measure),
            super::fields::clip(self.benchmark)
        )
    }
}

impl<'de> de::DeserializeSeed<'de> for MeasureSeed<'_> {
    type Value = Measure;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MeasureSeed<'_> {
    type Value = Measure;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} to be an object with a numeric \"value\"", self.at())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = None;
        let mut lower_value = None;
        let mut upper_value = None;
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            let slot = match key.as_ref() {
                "value" => &mut value,
                "lower_value" => &mut lower_value,
                "upper_value" => &mut upper_value,
                other => {
                    // BMF nests exactly three levels; a fourth is a
                    // producer writing something else.
                    let nested = map.next_value::<IsObject>()?.0;
                    return Err(de::Error::custom(format_args!(
                        "{} has {} \"{}\": {}",
                        self.at(),
                        if nested {
                            "a nested object"
                        } else {
                            "an unknown key"
                        },
                        super::fields::clip(other),
                        if nested {
                            "BMF nests only benchmark → measure → value"
                        } else {
                            "a measure holds only value, lower_value and upper_value"
                        }
                    )));
                }
            };
            let number = map.next_value::<Number>()?.0;
            if !number.is_finite() {
                return Err(de::Error::custom(format_args!(
                    "{}: {key} {number} is not finite",
                    self.at()
                )));
            }
            *slot = Some(number);
        }
        let value = value
            .ok_or_else(|| de::Error::custom(format_args!("{} has no \"value\"", self.at())))?;
        Ok(Measure {
            value,
            lower_value,
            upper_value,
        })
    }
}

/// A JSON number; BMF writes no numbers as strings.
struct Number(f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl<'de> Visitor<'de> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                Err(E::custom(format_args!(
                    "value \"{}\" is a string, not a number",
                    super::fields::clip(v)
                )))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Number, A::Error> {
                Err(de::Error::custom(
                    "value is an object, not a number: BMF nests only benchmark → measure → value",
                ))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

#[cfg(test)]
mod tests;

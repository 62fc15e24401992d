//! The fields of an entry as they may appear in a file: strings that borrow
//! from the input, `[key, value]` label pairs, and values written as
//! numbers or decimal strings. Each refuses what it cannot be with a message
//! that says what was found.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A string that borrows from the input when it has no escapes. (serde's
/// own `Cow<str>` always copies.)
pub(super) struct Str<'a>(pub(super) Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// `[[key, value], …]`.
pub(super) struct Labels<'a>(pub(super) Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de> Deserialize<'de> for Labels<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LabelsVisitor;
        impl<'de> Visitor<'de> for LabelsVisitor {
            type Value = Labels<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of [key, value] label pairs")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Labels(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(seq.size_hint().unwrap_or(6));
                while let Some(pair) = seq.next_element::<LabelPair<'de>>()? {
                    pairs.push((pair.0, pair.1));
                }
                Ok(Labels(pairs))
            }
        }
        deserializer.deserialize_any(LabelsVisitor)
    }
}

/// One `[key, value]` label; anything else is an error that says so.
struct LabelPair<'a>(Cow<'a, str>, Cow<'a, str>);

const NOT_A_PAIR: &str = "a label must be a [key, value] pair of two strings";

impl<'de> Deserialize<'de> for LabelPair<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairVisitor;
        impl<'de> Visitor<'de> for PairVisitor {
            type Value = LabelPair<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a [key, value] label pair of two strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let key = seq
                    .next_element::<LabelText<'de>>()?
                    .ok_or_else(|| de::Error::custom(format_args!("{NOT_A_PAIR}, found []")))?;
                let value = seq.next_element::<LabelText<'de>>()?.ok_or_else(|| {
                    de::Error::custom(format_args!("{NOT_A_PAIR}, found only the key `{}`", key.0))
                })?;
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(format_args!(
                        "{NOT_A_PAIR}, found more than two items after `{}`",
                        key.0
                    )));
                }
                Ok(LabelPair(key.0, value.0))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom(format_args!(
                    "{NOT_A_PAIR}, found an object"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Err(E::custom(format_args!(
                    "{NOT_A_PAIR}, found the string \"{}\"",
                    clip(v)
                )))
            }
        }
        deserializer.deserialize_any(PairVisitor)
    }
}

/// A label key or value: a string. Numbers are accepted as their text, since
/// some producers write `["segment", 3]`.
struct LabelText<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for LabelText<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = LabelText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a label key or value string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(LabelText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LabelText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LabelText(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(LabelText(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(LabelText(Cow::Owned(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom(format_args!(
                    "{NOT_A_PAIR}, found a nested array"
                )))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom(format_args!(
                    "{NOT_A_PAIR}, found an object inside it"
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Err(E::custom(format_args!(
                    "{NOT_A_PAIR}, found null inside it"
                )))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Err(E::custom(format_args!(
                    "{NOT_A_PAIR}, found a boolean inside it"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(LabelText(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A metric value: a decimal string (the common form) or a JSON number.
pub(super) struct Value<'a> {
    pub(super) number: f64,
    pub(super) nonfinite_text: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> ValueVisitor {
            fn parse<E: de::Error>(text: Cow<'de, str>) -> Result<Value<'de>, E> {
                let trimmed = text.trim();
                match trimmed.parse::<f64>() {
                    Ok(number) if number.is_finite() => Ok(Value {
                        number,
                        nonfinite_text: None,
                    }),
                    Ok(number) => Ok(Value {
                        number,
                        nonfinite_text: Some(text),
                    }),
                    Err(_) => Err(E::custom(format_args!(
                        "value \"{}\" is not a number",
                        clip(&text)
                    ))),
                }
            }
        }
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a decimal string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Self::parse(Cow::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Self::parse(Cow::Owned(v.to_owned()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Value {
                    number: v,
                    nonfinite_text: None,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Value {
                    number: v as f64,
                    nonfinite_text: None,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Value {
                    number: v as f64,
                    nonfinite_text: None,
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Err(E::custom("value is null, not a number"))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Err(E::custom(format_args!(
                    "value {v} is a boolean, not a number"
                )))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom("value is an array, not a number"))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(de::Error::custom("value is an object, not a number"))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Keeps error messages to one readable line whatever the input holds.
pub(super) fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().count() > 40 {
        clipped.push('…');
    }
    clipped
}

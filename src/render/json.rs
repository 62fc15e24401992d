//! The view model as JSON: what the Markdown shows, as numbers; and the
//! one form every JSON document prof prints or writes takes.

use super::{Exporter, Rendered};
use crate::error::Result;
use crate::report::Report;

pub struct Json;

impl Exporter for Json {
    fn render(&self, report: &Report) -> Result<Rendered> {
        Ok(Rendered {
            main: document(report),
            attachments: Vec::new(),
        })
    }
}

/// `value` as pretty JSON ending in a newline. prof's output types have
/// string keys and plain values only, so serialising them cannot fail.
pub fn document<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("prof's output types serialise");
    text.push('\n');
    text
}

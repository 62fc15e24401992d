//! The view model as JSON: what the Markdown shows, as numbers.

use super::{Exporter, Rendered};
use crate::error::Result;
use crate::report::Report;

pub struct Json;

impl Exporter for Json {
    fn render(&self, report: &Report) -> Result<Rendered> {
        let mut main = serde_json::to_string_pretty(report).expect("the view model serialises");
        main.push('\n');
        Ok(Rendered {
            main,
            attachments: Vec::new(),
        })
    }
}

//! Output formats for a [`Report`], one module each behind [`Exporter`]:
//! Markdown from minijinja templates, and JSON and Bencher Metric Format
//! serialised from the same view model.

pub mod bmf;
pub mod json;
pub mod markdown;
pub mod text;

use crate::error::Result;
use crate::report::Report;

/// What an exporter produced: the main document and any files that belong
/// beside it, named by the suffix that replaces the main file's extension
/// (`detailed.md`, `memory.svg`).
#[derive(Debug, Default)]
pub struct Rendered {
    pub main: String,
    pub attachments: Vec<(String, String)>,
}

pub trait Exporter {
    fn render(&self, report: &Report) -> Result<Rendered>;
}

/// The formats `compare` and `show` speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Json,
    Bmf,
}

//! Output formats for a [`Report`], one module each behind [`Exporter`]:
//! Markdown from minijinja templates, plain text for a terminal, and JSON
//! and Bencher Metric Format serialised from the same view model.

pub mod bmf;
mod detailed;
pub mod file_names;
pub mod json;
pub mod markdown;
pub mod plain;
pub mod templates;
pub mod terminal;
pub mod text;

use crate::error::Result;
use crate::report::Report;

/// What an exporter produced: the main document and any files that belong
/// beside it (their names come from [`file_names`]).
#[derive(Debug, Default)]
pub struct Rendered {
    pub main: String,
    pub attachments: Vec<(Attachment, String)>,
}

/// A file that belongs beside a main document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attachment {
    /// The detailed tables (`STEM.detailed.md`).
    Detailed,
    /// The GPU memory chart (`STEM.memory.svg`).
    MemorySvg,
}

pub trait Exporter {
    fn render(&self, report: &Report) -> Result<Rendered>;
}

/// The formats `compare` and `show` speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// GitHub-flavoured Markdown, for PR comments and job summaries.
    Md,
    /// Aligned plain tables for a terminal, diffs coloured when stdout is
    /// one and NO_COLOR is unset.
    Text,
    /// The view model as JSON.
    Json,
    /// Bencher Metric Format.
    Bmf,
}

/// The formats of the summary `report` prints to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    /// GitHub-flavoured Markdown, as summary.md holds it.
    Md,
    /// Aligned plain tables for a terminal.
    Text,
}

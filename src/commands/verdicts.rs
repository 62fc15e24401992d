//! Verdicts from history for the commands that compare runs (`report`,
//! `compare`, `check`): the flags checked once into options, and the
//! report-wide judging that fills each report's verdicts.

use std::path::Path;

use rusqlite::Connection;

use crate::cli::VerdictArgs;
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::report::Report;
use crate::report::verdict::{self, VerdictOptions};
use crate::report::verdict_load;
use crate::report::verdict_section::VerdictSection;

/// `--window`, `--alpha`, `--min-change`, `--min-history` (and the
/// `--fail-above` that short histories fall back to), checked.
pub fn options(args: &VerdictArgs, fail_above: Option<f64>) -> Result<VerdictOptions> {
    VerdictOptions::new(
        args.window,
        args.alpha,
        args.min_change,
        args.min_history,
        fail_above,
    )
    .map_err(Error::usage)
}

/// One report to judge: the report, its head run and its baseline run.
pub struct Judged<'a> {
    pub report: &'a mut Report,
    pub head: &'a RunRow,
    pub base: Option<&'a RunRow>,
}

/// Judges every report's series together (one Benjamini–Hochberg family),
/// stores each report's own verdicts in it, and returns the section for all.
pub fn judge(
    conn: &Connection,
    db_path: &Path,
    items: Vec<Judged<'_>>,
    options: &VerdictOptions,
) -> Result<VerdictSection> {
    let mut series = Vec::with_capacity(items.len());
    for item in &items {
        let loaded = verdict_load::load(conn, item.report, item.head, item.base, options)
            .map_err(|e| error::sqlite(db_path, &e))?;
        series.push((item.report.name.clone(), loaded));
    }
    let verdicts = verdict::judge(&series, options);
    for item in items {
        let own: Vec<_> = verdicts
            .iter()
            .filter(|v| v.benchmark == item.report.name)
            .cloned()
            .collect();
        if item.base.is_some() {
            item.report.verdicts = Some(VerdictSection::new(&own, *options));
        }
    }
    Ok(VerdictSection::new(&verdicts, *options))
}

/// The verdicts of a report as pretty JSON (`verdicts.json`).
pub fn to_json(section: &VerdictSection) -> String {
    crate::render::json::document(section)
}

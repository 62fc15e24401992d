//! Verdicts from history for the commands that compare runs (`report`,
//! `compare`, `check`): the flags checked once into options, and the
//! report-wide judging that fills each report's verdicts.

use std::path::Path;

use rusqlite::Connection;

use crate::cli::VerdictArgs;
use crate::db::queries;
use crate::error::{self, Error, Result};
use crate::model::RunRow;
use crate::report::Report;
use crate::report::build::{self, ReportOptions};
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

/// `prof check`'s verdicts of `head`: judged against its own branch's
/// history, the window ending at the newest run of its benchmark on its
/// branch ordered before it. `None` when there is no such run (the site's
/// index asks the same of each benchmark's newest run).
pub fn check_run(
    conn: &Connection,
    db_path: &Path,
    head: &RunRow,
    options: &VerdictOptions,
) -> Result<Option<VerdictSection>> {
    let sql = |e: rusqlite::Error| error::sqlite(db_path, &e);
    let base = match &head.branch {
        Some(branch) => queries::newest_run_on_branch_before_run(conn, &head.name, branch, head.id)
            .map_err(sql)?,
        None => None,
    };
    let Some(base) = base else {
        return Ok(None);
    };
    let report_options = ReportOptions {
        details: false,
        ..ReportOptions::default()
    };
    let mut report = build::build(conn, Some(&base), head, &report_options).map_err(sql)?;
    let section = judge(
        conn,
        db_path,
        vec![Judged {
            report: &mut report,
            head,
            base: Some(&base),
        }],
        options,
    )?;
    Ok(Some(section))
}

/// The verdicts of a report as pretty JSON (`verdicts.json`).
pub fn to_json(section: &VerdictSection) -> String {
    crate::render::json::document(section)
}

//! A run's page of the site: the `compare` report against the run before
//! it, built from the same view model and template as the Markdown report.

use std::path::Path;

use rusqlite::Connection;

use super::build::benchmark_path;
use super::{RunPage, SiteRun};
use crate::db::queries;
use crate::report::build::{self as report_build, ReportOptions};
use crate::report::headline::MetricSelection;

/// A run's page: `compare` against the run before it on the branch, as
/// HTML from the same view model and templates as the Markdown report
/// (`markdown_env`, made once per worker: compiling the templates per page
/// would cost more than the page). Returns the page and the head run.
pub fn run_page(
    conn: &Connection,
    db_path: &Path,
    markdown_env: &minijinja::Environment<'_>,
    bench: &str,
    branch: &str,
    run: &SiteRun,
    base: Option<&SiteRun>,
) -> crate::error::Result<(RunPage, crate::model::RunRow)> {
    use minijinja::value::{Serde, Value};
    let sqlerr = |e: rusqlite::Error| crate::error::sqlite(db_path, &e);
    let head_row = queries::run(conn, run.id).map_err(sqlerr)?;
    let base_row = match base {
        Some(b) => queries::run(conn, b.id).map_err(sqlerr)?,
        None => None,
    };
    let head_row = head_row.ok_or_else(|| {
        crate::error::Error::database(db_path, format!("run {} vanished while reading", run.id))
    })?;
    let options = ReportOptions {
        num_devices: 16,
        proofs_per_device: 2,
        metrics: MetricSelection::Headline,
        details: false,
    };
    let report =
        report_build::build(conn, base_row.as_ref(), &head_row, &options).map_err(sqlerr)?;
    let markdown = crate::render::markdown::render_template(
        markdown_env,
        "compare.md.j2",
        minijinja::context! { report => Value::from(Serde(&report)), detailed_file => Option::<String>::None },
    )?;
    let page = RunPage {
        name: bench.to_string(),
        run: run.clone(),
        branch: branch.to_string(),
        benchmark_href: format!("../{}", benchmark_path(bench)),
        base: base.cloned(),
        base_has_page: false,
        compare_html: super::templates::markdown_to_html(&markdown),
        flamegraphs: Vec::new(),
        flamegraph_note: None,
    };
    Ok((page, head_row))
}

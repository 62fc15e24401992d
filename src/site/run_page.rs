//! A run's page of the site: the `compare` report against the run before
//! it, built from the same view model and template as the Markdown report.

use std::path::Path;

use rusqlite::Connection;

use super::build::benchmark_path;
use super::{RunPage, SiteRun};
use crate::model::RunRow;
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
    // The rows a report needs are the runs' identities, known already: no
    // query for their totals, which the report computes itself.
    let row = |run: &SiteRun| RunRow {
        id: run.id,
        name: bench.to_string(),
        commit_sha: (!run.commit.is_empty()).then(|| run.commit.clone()),
        branch: Some(branch.to_string()),
        created_at: run.created_at.clone(),
        source_path: String::new(),
        serial_s: 0.0,
        parallel_s: 0.0,
        estimated: false,
        runs_at_commit: 1,
        meta: Default::default(),
        excluded: None,
        nonfinite: 0,
    };
    let head_row = row(run);
    let base_row = base.map(row);
    let options = ReportOptions {
        metrics: MetricSelection::Headline,
        details: false,
        ..ReportOptions::default()
    };
    let report =
        report_build::build(conn, base_row.as_ref(), &head_row, &options).map_err(sqlerr)?;
    let markdown = crate::render::templates::render_template(
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

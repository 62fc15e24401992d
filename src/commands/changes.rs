//! `prof changes`: the change points of every series of a branch, with
//! the commit range to bisect, the size of the shift, its evidence, and
//! whether it still holds at the branch's head.

use std::path::Path;
use std::process::ExitCode;

use rusqlite::Connection;

use crate::cli::{ChangesArgs, Cli, TrendFormat};
use crate::db::history::{self, HistoryFilter};
use crate::db::{self, Access, annotations};
use crate::error::{self, Error, Result};
use crate::render::markdown;
use crate::report::changes::{self, Changes, ChangesInput, TOTALS};
use crate::report::headline::HEADLINE_METRICS;
use crate::stats::changepoint::{MIN_SEGMENT, Options};

use super::files::check_templates_dir;
use super::print;

/// The largest window: its distance matrix holds window² numbers.
const MAX_WINDOW: i64 = 1000;

/// Which series to read.
#[derive(Clone, Debug, PartialEq)]
pub enum SeriesSelection {
    /// The run totals and the headline metrics.
    Headline,
    /// These metrics (`serial_s`, `parallel_s` for the totals).
    Only(Vec<String>),
    All,
}

/// What `prof changes` was asked, validated.
#[derive(Clone, Debug)]
pub struct ChangesQuery<'a> {
    pub branch: &'a str,
    pub name: Option<&'a str>,
    pub group: Option<&'a str>,
    pub selection: SeriesSelection,
    pub options: Options,
}

pub fn run(cli: &Cli, args: &ChangesArgs) -> Result<ExitCode> {
    check_templates_dir(args.templates.as_deref())?;
    let options = detection_options(args.alpha, args.min_change, args.window)?;
    let selection = match (&args.metric, args.all_metrics) {
        (Some(list), _) => SeriesSelection::Only(list.clone()),
        (None, true) => SeriesSelection::All,
        (None, false) => SeriesSelection::Headline,
    };
    let query = ChangesQuery {
        branch: &args.branch,
        name: args.name.as_deref(),
        group: args.group.as_deref(),
        selection,
        options,
    };
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let mut found = load(&conn, &db_path, &query)?;
    if found.benchmarks.is_empty() {
        return Err(Error::usage(format!(
            "no runs on branch {}{} (see `prof runs`)",
            args.branch,
            args.name
                .as_deref()
                .map(|n| format!(" named {n}"))
                .unwrap_or_default()
        )));
    }
    if let Some(last) = args.last {
        found.keep_newest(last as usize);
    }
    let text = match args.format {
        TrendFormat::Md => markdown::render_changes(&found, args.templates.as_deref())?,
        TrendFormat::Csv => changes::to_csv(&found),
        TrendFormat::Json => crate::render::json::document(&found),
    };
    print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Checks `--alpha`, `--min-change` and `--window` once, into options.
pub fn detection_options(alpha: f64, min_change_pct: f64, window: i64) -> Result<Options> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(Error::usage(format!(
            "--alpha {alpha}: expected a significance level between 0 and 1, e.g. 0.001"
        )));
    }
    if !(min_change_pct.is_finite() && min_change_pct >= 0.0) {
        return Err(Error::usage(format!(
            "--min-change {min_change_pct}: expected a percentage of 0 or more, e.g. 1"
        )));
    }
    let smallest = 2 * MIN_SEGMENT as i64;
    if !(smallest..=MAX_WINDOW).contains(&window) {
        return Err(Error::usage(format!(
            "--window {window}: expected {smallest} to {MAX_WINDOW} runs (a window holds two \
             segments of at least {MIN_SEGMENT} runs), e.g. 50"
        )));
    }
    Ok(Options {
        window: window as usize,
        alpha,
        min_change: min_change_pct / 100.0,
    })
}

/// Reads the branch's history and finds its change points.
pub fn load(conn: &Connection, db_path: &Path, query: &ChangesQuery<'_>) -> Result<Changes> {
    let sql = |e: rusqlite::Error| error::sqlite(db_path, &e);
    let headline: Vec<String>;
    let (metrics, totals_wanted): (Option<&[String]>, bool) = match &query.selection {
        SeriesSelection::Headline => {
            headline = HEADLINE_METRICS.iter().map(|m| m.to_string()).collect();
            (Some(&headline), true)
        }
        SeriesSelection::Only(list) => (
            Some(list.as_slice()),
            list.iter().any(|m| TOTALS.contains(&m.as_str())),
        ),
        SeriesSelection::All => (None, true),
    };
    let filter = HistoryFilter {
        branch: query.branch,
        name: query.name,
        group: query.group,
        metrics,
    };
    let runs = history::history_runs(conn, &filter).map_err(sql)?;
    // Values that rest on non-finite samples read low: no points.
    let lost = history::lost_series(conn, &filter).map_err(sql)?;
    let values = history::history_values(conn, &filter, &lost).map_err(sql)?;
    let mut totals = Vec::new();
    if totals_wanted && query.group.is_none() {
        totals = history::history_totals(conn, &filter, &lost).map_err(sql)?;
    }
    if let SeriesSelection::Only(list) = &query.selection {
        // A total not named is left out: NaN drops it from its series.
        let named = |total: &str| list.iter().any(|m| m == total);
        for total in &mut totals {
            if !named("serial_s") {
                total.1 = f64::NAN;
            }
            if !named("parallel_s") {
                total.2 = f64::NAN;
            }
        }
    }
    let acks = annotations::acks(conn).map_err(sql)?;
    Ok(changes::build(&ChangesInput {
        branch: query.branch,
        runs: &runs,
        values: &values,
        totals: &totals,
        acks: &acks,
        options: query.options,
    }))
}

/// `report`'s "Recent shifts on the base branch": the change points of the
/// reported benchmarks' headline series on `--base-branch` whose new level
/// began within `age` (`--since`, checked by [`parse_age`]) of the newest
/// head run (so the same database gives the same report on any day). Empty
/// when there are none.
pub fn recent_shifts(
    conn: &Connection,
    db_path: &Path,
    base_branch: &str,
    age: jiff::SignedDuration,
    templates: Option<&Path>,
    heads: &[crate::model::RunRow],
) -> Result<String> {
    let Some(newest) = heads.iter().map(|h| h.created_at.as_str()).max() else {
        return Ok(String::new());
    };
    let newest: jiff::Timestamp = newest.parse().map_err(|_| {
        Error::database(
            db_path,
            format!("stored run time {newest} is not RFC 3339 (was the database edited by hand?)"),
        )
    })?;
    let since = crate::ingest_pipeline::format_time(newest - age);
    let mut names: Vec<String> = heads.iter().map(|h| h.name.clone()).collect();
    names.sort();
    names.dedup();
    let mut shifts = empty_like(base_branch);
    for name in &names {
        let query = ChangesQuery {
            branch: base_branch,
            name: Some(name),
            group: None,
            selection: SeriesSelection::Headline,
            options: Options::default(),
        };
        let found = load(conn, db_path, &query)?;
        shifts.series += found.series;
        shifts.exact_series += found.exact_series;
        shifts.benchmarks.extend(found.benchmarks);
    }
    shifts.keep_since(&since, &names);
    if shifts.benchmarks.iter().all(|b| b.changes.is_empty()) {
        return Ok(String::new());
    }
    let text = markdown::render_recent_shifts(&shifts, &since, templates)?;
    Ok(format!("\n{text}"))
}

fn empty_like(branch: &str) -> Changes {
    let options = Options::default();
    Changes {
        branch: branch.to_string(),
        method: changes::Method {
            alpha: options.alpha,
            min_change_pct: options.min_change * 100.0,
            window: options.window,
            min_segment: MIN_SEGMENT,
        },
        benchmarks: Vec::new(),
        series: 0,
        exact_series: 0,
    }
}

/// `14d`, `36h`, `2w` as a span of time.
pub fn parse_age(text: &str) -> Result<jiff::SignedDuration> {
    let bad = || {
        Error::usage(format!(
            "--since {text}: expected an age such as 14d, 36h or 2w"
        ))
    };
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let count: i64 = number.parse().map_err(|_| bad())?;
    let hours = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        _ => return Err(bad()),
    };
    if !(0..=100_000).contains(&count) {
        return Err(bad());
    }
    Ok(jiff::SignedDuration::from_hours(count * hours))
}

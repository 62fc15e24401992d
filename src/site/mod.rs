//! `prof site`: a static site of a branch's history. This module holds the
//! site's view model (index, benchmark and run pages); [`build`] fills it
//! from the store, [`chart`] lays out the SVG charts, [`templates`] renders
//! pages and [`write`] writes only the pages that changed.
//!
//! Verdicts from history and change points, excluded runs and acknowledged
//! shifts arrive as [`Marker`]s and a latest verdict, from
//! [`markers`].

pub mod build;
pub mod chart;
pub mod markers;
pub mod run_page;
pub mod templates;
pub mod write;

use serde::{Deserialize, Serialize};

use crate::flame::write::Written;
use chart::Chart;

/// A run as the site shows it.
#[derive(Clone, Debug, Serialize)]
pub struct SiteRun {
    pub id: i64,
    pub commit: String,
    pub commit_short: String,
    pub created_at: String,
    /// `YYYY-MM-DD` of `created_at`.
    pub date: String,
}

/// Something to mark on a benchmark's charts at one run: a change point,
/// an excluded run, an acknowledged shift with its reason.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Marker {
    pub run_id: i64,
    /// `change_point`, `excluded` or `acknowledged`: the CSS class it gets.
    pub kind: String,
    /// The series it is about: `""` and `serial_s`/`parallel_s` for the
    /// run totals, both `""` for the whole run (an exclusion), which every
    /// chart of the benchmark marks.
    pub group: String,
    pub metric: String,
    pub label: String,
}

/// A latest value with its change against the run before.
#[derive(Clone, Debug, Serialize)]
pub struct Latest {
    pub value: f64,
    /// Percent change against the previous run, when there is one.
    pub pct: Option<f64>,
    /// `worse`, `better` or `same`: lower proof time is better.
    pub class: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexRow {
    pub name: String,
    pub href: String,
    pub runs: usize,
    pub chart: Chart,
    pub latest_run: Option<SiteRun>,
    pub latest_run_href: Option<String>,
    pub serial_s: Option<Latest>,
    pub parallel_s: Option<Latest>,
    /// The verdict of the newest run against its branch's history, as
    /// `prof check` gives it; `None` without an earlier run.
    pub verdict: Option<String>,
    /// Change points that hold at the head and are not acknowledged.
    pub open_shifts: usize,
    pub markers: Vec<Marker>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexPage {
    pub branch: String,
    pub benchmarks: Vec<IndexRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenchmarkPage {
    pub name: String,
    pub branch: String,
    pub runs: usize,
    /// Its groups, in display order.
    pub groups: Vec<String>,
    /// Total proof time, then per group proof time and headline metrics.
    pub figure: chart::Figure,
    /// The newest runs, newest first, with links.
    pub recent: Vec<SiteRun>,
    pub markers: Vec<Marker>,
}

/// A run's page: its comparison with the run before it, and flamegraphs.
#[derive(Clone, Debug, Serialize)]
pub struct RunPage {
    pub name: String,
    pub run: SiteRun,
    pub branch: String,
    pub benchmark_href: String,
    pub base: Option<SiteRun>,
    /// The base run has a page of its own (it may be older than `--last`).
    pub base_has_page: bool,
    /// The `compare` Markdown rendered to HTML: prof's own spans are the
    /// only HTML in it, label text is escaped.
    pub compare_html: String,
    pub flamegraphs: Vec<FlameLink>,
    pub flamegraph_note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FlameLink {
    pub group: String,
    pub label: String,
    pub href: String,
}

impl FlameLink {
    pub fn from_written(file: &Written, prefix: &str) -> FlameLink {
        FlameLink {
            group: file.group.clone(),
            label: format!(
                "{} by {}{}",
                file.keys,
                file.weight,
                if file.reverse { ", reversed" } else { "" }
            ),
            href: format!("{prefix}{}", file.svg_file),
        }
    }
}

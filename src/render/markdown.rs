//! Markdown (and the SVG chart) from minijinja templates. The templates in
//! `templates/` are embedded in the binary; `--templates DIR` overrides any
//! of them by file name.

use std::path::{Path, PathBuf};

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::templates::render;
use super::{Attachment, Exporter, Rendered};
use crate::error::Result;
use crate::report::Report;
use crate::report::summary::Summary;
use crate::report::trend::Trend;

/// How many items (cells, labels, chart points) `report` holds: what its
/// templates' fuel budget grows with.
fn report_items(report: &Report) -> usize {
    let groups: usize = report.groups.iter().map(|g| 6 * g.metrics.len() + 4).sum();
    let detailed: usize = report
        .detailed
        .iter()
        .map(|t| (t.rows.len() + 1) * (t.label_keys.len() + t.metrics.len()))
        .sum();
    let gpu = report.gpu_memory.as_ref().map_or(0, |g| {
        g.chart.points * 3 + g.chart.y_ticks.len() + g.modules.len() * 3
    });
    groups + detailed + gpu + 3 * report.instruction_counts.len()
}

/// The Markdown exporter: the main report, the detailed tables and, when
/// there are GPU memory samples, the chart.
pub struct Markdown {
    pub templates: Option<PathBuf>,
    /// The detailed file the main document links to; `None` when it goes to
    /// stdout, and then neither the detailed tables nor the chart render.
    pub detailed_file: Option<String>,
}

impl Exporter for Markdown {
    fn render(&self, report: &Report) -> Result<Rendered> {
        let (templates, items) = (self.templates.as_deref(), report_items(report));
        // One template value serves both documents (it shares, not copies).
        let report_value = Value::from(Serde(report));
        let main = render(
            templates,
            items,
            "compare.md.j2",
            context! { report => report_value.clone(), detailed_file => self.detailed_file.clone() },
        )?;
        // The detailed tables and the chart exist only as files beside the
        // main document: rendering them for stdout would be wasted work.
        let mut attachments = Vec::new();
        if self.detailed_file.is_none() {
            return Ok(Rendered { main, attachments });
        }
        let detailed = render(
            templates,
            items,
            "detailed.md.j2",
            context! { report => report_value },
        )?;
        attachments.push((Attachment::Detailed, detailed));
        if let Some(gpu) = &report.gpu_memory {
            let svg = render(
                templates,
                items,
                "gpu_memory.svg.j2",
                context! { chart => Value::from(Serde(&gpu.chart)), name => report.name.clone() },
            )?;
            attachments.push((Attachment::MemorySvg, svg));
        }
        Ok(Rendered { main, attachments })
    }
}

/// The PR summary (`summary.md.j2`).
pub fn render_summary(summary: &Summary, templates: Option<&Path>) -> Result<String> {
    let items = 10 * (summary.rows.len() + summary.regressions.len());
    render(
        templates,
        items,
        "summary.md.j2",
        context! { summary => Value::from(Serde(summary)) },
    )
}

/// The "Regressions" section of verdicts from history (`regressions.md.j2`).
pub fn render_verdicts(
    section: &crate::report::verdict_section::VerdictSection,
    templates: Option<&Path>,
) -> Result<String> {
    render(
        templates,
        10 * section.rows.len(),
        "regressions.md.j2",
        context! { section => Value::from(Serde(section)) },
    )
}

/// `prof check`'s verdicts (`check.md.j2`).
pub fn render_check(
    section: &crate::report::verdict_section::VerdictSection,
    name: &str,
    templates: Option<&Path>,
) -> Result<String> {
    render(
        templates,
        10 * section.all.len(),
        "check.md.j2",
        context! { section => Value::from(Serde(section)), name => name },
    )
}

/// A metric's history (`trend.md.j2`).
pub fn render_trend(trend: &Trend, templates: Option<&Path>) -> Result<String> {
    render(
        templates,
        10 * trend.points.len(),
        "trend.md.j2",
        context! { trend => Value::from(Serde(trend)) },
    )
}

/// Change points of a branch (`changes.md.j2`).
pub fn render_changes(
    changes: &crate::report::changes::Changes,
    templates: Option<&Path>,
) -> Result<String> {
    let points: usize = changes.benchmarks.iter().map(|b| b.changes.len()).sum();
    render(
        templates,
        20 * points + changes.series,
        "changes.md.j2",
        context! { changes => Value::from(Serde(changes)) },
    )
}

/// `report`'s "Recent shifts on the base branch" (`recent_shifts.md.j2`).
pub fn render_recent_shifts(
    shifts: &crate::report::changes::Changes,
    since: &str,
    templates: Option<&Path>,
) -> Result<String> {
    let points: usize = shifts.benchmarks.iter().map(|b| b.changes.len()).sum();
    render(
        templates,
        20 * points,
        "recent_shifts.md.j2",
        context! { shifts => Value::from(Serde(shifts)), since => since },
    )
}

//! Markdown (and the SVG chart) from minijinja templates. The templates in
//! `templates/` are embedded in the binary; `--templates DIR` overrides any
//! of them by file name.

use std::path::{Path, PathBuf};

use minijinja::value::{Serde, Value};
use minijinja::{Environment, ErrorKind, context};

use super::{Exporter, Rendered, text};
use crate::error::{Error, Result};
use crate::report::Report;
use crate::report::cell::{Cell, Change, format_number};
use crate::report::summary::Summary;
use crate::report::trend::Trend;

/// The templates prof ships, by name.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "compare.md.j2",
        include_str!("../../templates/compare.md.j2"),
    ),
    (
        "detailed.md.j2",
        include_str!("../../templates/detailed.md.j2"),
    ),
    ("macros.md.j2", include_str!("../../templates/macros.md.j2")),
    (
        "gpu_memory.svg.j2",
        include_str!("../../templates/gpu_memory.svg.j2"),
    ),
    (
        "summary.md.j2",
        include_str!("../../templates/summary.md.j2"),
    ),
    ("trend.md.j2", include_str!("../../templates/trend.md.j2")),
    (
        "changes.md.j2",
        include_str!("../../templates/changes.md.j2"),
    ),
    (
        "change_rows.md.j2",
        include_str!("../../templates/change_rows.md.j2"),
    ),
    (
        "recent_shifts.md.j2",
        include_str!("../../templates/recent_shifts.md.j2"),
    ),
    (
        "regressions.md.j2",
        include_str!("../../templates/regressions.md.j2"),
    ),
    (
        "verdicts.md.j2",
        include_str!("../../templates/verdicts.md.j2"),
    ),
    ("check.md.j2", include_str!("../../templates/check.md.j2")),
];

/// A template environment: embedded templates, user overrides, and the
/// filters every template may use (`cell`, `num`, `md`, `code`).
pub fn environment(overrides: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    // Block tags on their own lines leave no blank lines behind, so the
    // templates can be laid out for reading and still emit tight tables.
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    let dir: Option<PathBuf> = overrides.map(Path::to_path_buf);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => return Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(minijinja::Error::new(
                        ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", path.display()),
                    ));
                }
            }
        }
        Ok(EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| text.to_string()))
    });
    // `cell` takes the decimal places as an optional argument: `cell(3)`.
    env.add_filter("cell", |value: Value, decimals: Option<u32>| {
        text::cell(&cell_from_value(&value), decimals.unwrap_or(2).min(6))
    });
    env.add_filter("num", |value: f64| format_number(value));
    env.add_filter("md", |value: Value| text::escape(&value_text(&value)));
    env.add_filter("code", |value: Value| text::code(&value_text(&value)));
    env.add_filter("pct", crate::report::cell::format_pct);
    env.add_filter("pvalue", crate::report::changes::format_p_value);
    env
}

fn value_text(value: &Value) -> String {
    match value.as_str() {
        Some(text) => text.to_string(),
        None if value.is_none() || value.is_undefined() => String::new(),
        None => value.to_string(),
    }
}

/// Reads a serialised [`Cell`] back out of a template value.
fn cell_from_value(value: &Value) -> Cell {
    let number = |name: &str| {
        value
            .get_attr(name)
            .ok()
            .and_then(|v| f64::try_from(v).ok())
    };
    let change = match value
        .get_attr("change")
        .ok()
        .as_ref()
        .and_then(Value::as_str)
    {
        Some("new") => Change::New,
        Some("removed") => Change::Removed,
        Some("same") => Change::Same,
        Some("better") => Change::Better,
        Some("worse") => Change::Worse,
        _ => Change::None,
    };
    Cell {
        value: number("value"),
        base: number("base"),
        diff: number("diff"),
        pct: number("pct"),
        change,
    }
}

pub fn render_template(env: &Environment<'_>, name: &str, ctx: Value) -> Result<String> {
    let template = env
        .get_template(name)
        .map_err(|e| template_error(name, &e))?;
    template.render(ctx).map_err(|e| template_error(name, &e))
}

fn template_error(name: &str, error: &minijinja::Error) -> Error {
    // minijinja's Display already ends with "(in NAME:LINE)"; the kind and
    // detail are what the user needs, with the line once.
    let detail = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    let location = match (error.name(), error.line()) {
        (Some(file), Some(line)) => format!("{file}:{line}"),
        _ => name.to_string(),
    };
    Error::Template {
        name: location,
        detail: format!("{detail} (fix the template or remove the override)"),
    }
}

/// The Markdown exporter: the main report, the detailed tables and, when
/// there are GPU memory samples, the chart.
pub struct Markdown {
    pub templates: Option<PathBuf>,
    /// File names the main document links to; `None` when it goes to stdout.
    pub detailed_file: Option<String>,
}

impl Exporter for Markdown {
    fn render(&self, report: &Report) -> Result<Rendered> {
        let env = environment(self.templates.as_deref());
        let main = render_template(
            &env,
            "compare.md.j2",
            context! { report => Value::from(Serde(report)), detailed_file => self.detailed_file.clone() },
        )?;
        let detailed = render_template(
            &env,
            "detailed.md.j2",
            context! { report => Value::from(Serde(report)) },
        )?;
        let mut attachments = vec![("detailed.md".to_string(), detailed)];
        if let Some(gpu) = &report.gpu_memory {
            let svg = render_template(
                &env,
                "gpu_memory.svg.j2",
                context! { chart => Value::from(Serde(&gpu.chart)), name => report.name.clone() },
            )?;
            attachments.push(("memory.svg".to_string(), svg));
        }
        Ok(Rendered { main, attachments })
    }
}

/// The PR summary (`summary.md.j2`).
pub fn render_summary(summary: &Summary, templates: Option<&Path>) -> Result<String> {
    let env = environment(templates);
    render_template(
        &env,
        "summary.md.j2",
        context! { summary => Value::from(Serde(summary)) },
    )
}

/// The "Regressions" section of verdicts from history (`regressions.md.j2`).
pub fn render_verdicts(
    section: &crate::report::verdict_section::VerdictSection,
    templates: Option<&Path>,
) -> Result<String> {
    let env = environment(templates);
    render_template(
        &env,
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
    let env = environment(templates);
    render_template(
        &env,
        "check.md.j2",
        context! { section => Value::from(Serde(section)), name => name },
    )
}

/// A metric's history (`trend.md.j2`).
pub fn render_trend(trend: &Trend, templates: Option<&Path>) -> Result<String> {
    let env = environment(templates);
    render_template(
        &env,
        "trend.md.j2",
        context! { trend => Value::from(Serde(trend)) },
    )
}

/// Change points of a branch (`changes.md.j2`).
pub fn render_changes(
    changes: &crate::report::changes::Changes,
    templates: Option<&Path>,
) -> Result<String> {
    let env = environment(templates);
    render_template(
        &env,
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
    let env = environment(templates);
    render_template(
        &env,
        "recent_shifts.md.j2",
        context! { shifts => Value::from(Serde(shifts)), since => since },
    )
}

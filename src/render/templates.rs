//! The minijinja environment every Markdown and SVG output renders in: the
//! embedded templates, `--templates DIR` overrides (data from a possibly
//! untrusted checkout, so they can read nothing but known file names in
//! that directory and run on a fuel budget), strict undefined values, and
//! the filters templates may use.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{Environment, ErrorKind, UndefinedBehavior};

use super::text;
use crate::error::{Error, Result};
use crate::report::cell::{Cell, Change, format_number};

/// The templates prof ships, by name: the only names a template directory
/// may hold and an include may ask for.
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
        "regressions.md.j2",
        include_str!("../../templates/regressions.md.j2"),
    ),
    (
        "verdicts.md.j2",
        include_str!("../../templates/verdicts.md.j2"),
    ),
    ("check.md.j2", include_str!("../../templates/check.md.j2")),
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
];

/// Fuel every render gets whatever its data: the shipped templates use a
/// few thousand for a small report.
const BASE_FUEL: u64 = 5_000_000;

/// Fuel per item of the view model (a table cell, a label, a chart point).
/// The shipped templates spend under ten per item, so an honest template
/// has room, while a loop that never ends stops within a second or so.
const FUEL_PER_ITEM: u64 = 200;

/// The fuel for rendering a view model of `items` items.
pub fn fuel_for(items: usize) -> u64 {
    BASE_FUEL.saturating_add(FUEL_PER_ITEM.saturating_mul(items as u64))
}

/// The file names a template directory may hold, for messages.
fn known_names() -> String {
    EMBEDDED
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--templates DIR` must be a directory whose template files (`*.j2`) all
/// replace a template prof has: a misspelt name would otherwise be ignored
/// without a word.
pub fn check_dir(dir: &Path) -> Result<()> {
    let unreadable = |e: std::io::Error| {
        Error::usage(format!(
            "--templates {}: cannot read the directory: {} (give a directory holding templates such as compare.md.j2)",
            dir.display(),
            crate::error::io_reason(&e)
        ))
    };
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "--templates {}: not a directory (give a directory holding templates such as compare.md.j2)",
            dir.display()
        )));
    }
    let mut unknown: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let name = entry.map_err(unreadable)?.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".j2") && !EMBEDDED.iter().any(|(known, _)| *known == name) {
            unknown.push(name.into_owned());
        }
    }
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some(name) => Err(Error::usage(format!(
            "--templates {}: unknown template {name} (a template replaces one of: {})",
            dir.display(),
            known_names()
        ))),
    }
}

/// Reads template `name` for the loader: only the known names, only from
/// `dir` itself (an override that is a link leading out of it is refused),
/// else the embedded text.
fn load(dir: Option<&Path>, name: &str) -> std::result::Result<Option<String>, minijinja::Error> {
    let Some((known, embedded)) = EMBEDDED.iter().find(|(known, _)| *known == name) else {
        // `../x`, `/etc/passwd`, `other.j2`: nothing outside the known set
        // is ever opened.
        return Ok(None);
    };
    let Some(dir) = dir else {
        return Ok(Some(embedded.to_string()));
    };
    let path = dir.join(known);
    let refuse = |why: String| {
        Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot read {}: {why}", path.display()),
        ))
    };
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(embedded.to_string()));
        }
        Err(e) => return refuse(crate::error::io_reason(&e)),
        Ok(_) => {}
    }
    let inside = match (path.canonicalize(), dir.canonicalize()) {
        (Ok(target), Ok(dir)) => target.starts_with(dir),
        _ => false,
    };
    if !inside {
        return refuse("it leads outside the template directory".into());
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) => refuse(crate::error::io_reason(&e)),
    }
}

/// A template environment for a view model of `items` items: embedded
/// templates, user overrides, and the filters every template may use
/// (`cell`, `num`, `pct`, `md`, `code`, `detailed_row`, …).
pub fn environment(overrides: Option<&Path>, items: usize) -> Environment<'static> {
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
    // A misspelt field (`report.nmae`) is an error naming the template and
    // line, not an empty cell; `{% if x %}` on a missing field stays false.
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_fuel(Some(fuel_for(items)));
    let dir: Option<PathBuf> = overrides.map(Path::to_path_buf);
    env.set_loader(move |name| load(dir.as_deref(), name));
    // `cell` takes the decimal places as an optional argument: `cell(3)`.
    env.add_filter("cell", |value: Value, decimals: Option<u32>| {
        text::cell(&cell_from_value(&value), decimals.unwrap_or(2).min(6))
    });
    env.add_filter("num", |value: f64| format_number(value));
    env.add_filter("md", |value: Value| text::escape(&value_text(&value)));
    env.add_filter("code", |value: Value| text::code(&value_text(&value)));
    env.add_filter("pct", crate::report::cell::format_pct);
    // Control characters escaped for XML (the GPU memory chart's title).
    env.add_filter("visible", |text: String| {
        crate::render::terminal::xml_safe(&text).into_owned()
    });
    env.add_filter("pvalue", crate::report::changes::format_p_value);
    env.add_filter("detailed_row", |row: Value, decimals: Option<u32>| {
        super::detailed::detailed_row(&row, decimals)
    });
    env
}

pub(super) fn value_text(value: &Value) -> String {
    match value.as_str() {
        Some(text) => text.to_string(),
        None if value.is_none() || value.is_undefined() => String::new(),
        None => value.to_string(),
    }
}

/// Reads a serialised [`Cell`] back out of a template value.
pub(super) fn cell_from_value(value: &Value) -> Cell {
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

thread_local! {
    /// The environments made so far, by template directory: a command that
    /// renders many reports compiles each template once.
    static ENVIRONMENTS: RefCell<Vec<(Option<PathBuf>, Environment<'static>)>> =
        const { RefCell::new(Vec::new()) };
}

/// Renders template `name` with `ctx` on the fuel for a view model of
/// `items` items, in the environment of `overrides` (made on first use and
/// kept for the next render).
pub fn render(overrides: Option<&Path>, items: usize, name: &str, ctx: Value) -> Result<String> {
    ENVIRONMENTS.with_borrow_mut(|environments| {
        let at = match environments
            .iter()
            .position(|(dir, _)| dir.as_deref() == overrides)
        {
            Some(at) => at,
            None => {
                let env = environment(overrides, items);
                environments.push((overrides.map(Path::to_path_buf), env));
                environments.len() - 1
            }
        };
        let env = &mut environments[at].1;
        // Fuel is per render: each starts with its own data's budget.
        env.set_fuel(Some(fuel_for(items)));
        render_template(env, name, ctx)
    })
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
    let detail = match (error.kind(), error.detail()) {
        (ErrorKind::OutOfFuel, _) => {
            "rendering stopped: the template does far more work than its data needs \
             (a loop that never ends?)"
                .to_string()
        }
        (ErrorKind::TemplateNotFound, _) => format!(
            "{} (a template can include only {})",
            error.detail().unwrap_or("template not found"),
            known_names()
        ),
        (kind, Some(detail)) => format!("{kind}: {detail}"),
        (kind, None) => kind.to_string(),
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

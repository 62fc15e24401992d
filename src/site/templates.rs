//! The site's templates (HTML pages, the SVG chart, the stylesheet, and the
//! Markdown list of flamegraphs), embedded in the binary and rendered with
//! HTML auto-escaping, plus the Markdown-to-HTML step of run pages.

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, context};
use serde::Serialize;

use crate::error::Result;
use crate::flame::write::Flamegraphs;
use crate::render::markdown::render_template;

pub const SITE_TEMPLATES: &[(&str, &str)] = &[
    (
        "site/base.html.j2",
        include_str!("../../templates/site/base.html.j2"),
    ),
    (
        "site/index.html.j2",
        include_str!("../../templates/site/index.html.j2"),
    ),
    (
        "site/benchmark.html.j2",
        include_str!("../../templates/site/benchmark.html.j2"),
    ),
    (
        "site/run.html.j2",
        include_str!("../../templates/site/run.html.j2"),
    ),
    (
        "site/chart.svg.j2",
        include_str!("../../templates/site/chart.svg.j2"),
    ),
    (
        "site/site.css.j2",
        include_str!("../../templates/site/site.css.j2"),
    ),
    (
        "flamegraphs.md.j2",
        include_str!("../../templates/flamegraphs.md.j2"),
    ),
];

/// The environment of the site's templates: every `.html` and `.svg`
/// template escapes what it prints unless marked safe.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    for (name, text) in SITE_TEMPLATES {
        env.add_template(name, text)
            .expect("the embedded site templates parse");
    }
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") || name.ends_with(".svg.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_filter("num", |value: f64| {
        crate::report::cell::format_number(value)
    });
    env.add_filter("dec", |value: f64, places: u32| {
        crate::report::cell::format_decimals(value, places)
    });
    env.add_filter("pct", crate::report::cell::format_pct);
    env.add_filter("md", |value: String| crate::render::text::escape(&value));
    env
}

/// Renders template `name` with `model` as `page` (and `root`, the path
/// back to the site's root).
pub fn render_page<T: Serialize>(
    env: &Environment<'_>,
    name: &str,
    model: &T,
    root: &str,
) -> Result<String> {
    render_template(
        env,
        name,
        context! { page => Value::from(Serde(model)), root => root },
    )
}

/// GitHub-flavoured Markdown (prof's report) as HTML. Raw HTML in it is
/// prof's own colouring spans: label text was escaped when the Markdown was
/// rendered.
pub fn markdown_to_html(markdown: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// The collapsed Markdown list of a run's flamegraphs in `dir` (relative to
/// the report), or the one line saying why there are none.
pub fn render_flamegraph_list(flamegraphs: &Flamegraphs, dir: &str) -> Result<String> {
    let env = environment();
    render_template(
        &env,
        "flamegraphs.md.j2",
        context! { flamegraphs => Value::from(Serde(flamegraphs)), dir => dir },
    )
}

//! The site's templates (HTML pages, the SVG chart, the stylesheet, and the
//! Markdown list of flamegraphs), embedded in the binary and rendered with
//! HTML auto-escaping, plus the Markdown-to-HTML step of run pages.

use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, context};
use serde::Serialize;

use crate::error::Result;
use crate::flame::write::Flamegraphs;
use crate::render::templates::render_template;

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
        "site/chart_macros.svg.j2",
        include_str!("../../templates/site/chart_macros.svg.j2"),
    ),
    (
        "site/figure.svg.j2",
        include_str!("../../templates/site/figure.svg.j2"),
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

/// A hash of prof's version and every site template: part of each page's
/// key, so a new prof rebuilds pages whose look it changed.
pub fn fingerprint() -> String {
    let mut text = String::from(env!("CARGO_PKG_VERSION"));
    for (name, body) in SITE_TEMPLATES
        .iter()
        .chain(crate::render::templates::EMBEDDED)
    {
        text.push_str(name);
        text.push_str(body);
    }
    format!("{:08x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()) as u32)
}

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
    // Set before the templates are added: each is compiled with it.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") || name.ends_with(".svg.j2") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    // Names are user data: control characters in them are printed escaped,
    // so no page or chart becomes ill-formed XML or HTML.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if crate::render::terminal::xml_safe(text) != text => {
            let visible = crate::render::terminal::xml_safe(text).into_owned();
            let visible = if value.is_safe() {
                Value::from_safe_string(visible)
            } else {
                Value::from(visible)
            };
            minijinja::escape_formatter(out, state, &visible)
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    // Compiled when first used: a report's flamegraph list needs one
    // template, not the whole site's.
    env.set_loader(|name| {
        Ok(SITE_TEMPLATES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, text)| text.to_string()))
    });
    env.add_filter("num", |value: f64| {
        crate::report::cell::format_number(value)
    });
    env.add_filter("dec", |value: f64, places: u32| {
        crate::report::cell::format_decimals(value, places)
    });
    env.add_filter("pct", crate::report::cell::format_pct);
    env.add_filter("md", |value: String| crate::render::text::escape(&value));
    // A name shown in a heading or a table: at most 80 characters, the
    // whole name in the element's title.
    env.add_filter("short", |value: String| {
        if value.chars().count() <= 80 {
            value
        } else {
            format!("{}…", value.chars().take(79).collect::<String>())
        }
    });
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
    // Alignment comes from the stylesheet: a style on every cell would make
    // ten thousand run pages a third larger. Label text cannot hold these
    // attributes: its quotes were escaped.
    let out = out
        .replace(" style=\"text-align: right\"", "")
        .replace(" style=\"text-align: left\"", "");
    crate::render::terminal::xml_safe(&out).into_owned()
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_site_template_parses() {
        let env = super::environment();
        for (name, _) in super::SITE_TEMPLATES {
            if let Err(e) = env.get_template(name) {
                panic!("{name}: {e}");
            }
        }
    }
}

//! Draws folded stacks as an SVG flamegraph with `inferno`, plain or
//! differential (the head's frames coloured by how their weight changed
//! from the base).

use std::io::BufRead;

use inferno::flamegraph::{self, Options};

/// What a flamegraph is titled with.
pub struct Title<'a> {
    pub benchmark: &'a str,
    pub group: &'a str,
    pub weight: &'a str,
    pub commit: &'a str,
    /// The base commit of a differential flamegraph.
    pub base_commit: Option<&'a str>,
}

fn options(title: &Title<'_>) -> Options<'static> {
    let mut options = Options::default();
    let visible = |text: &str| crate::render::terminal::xml_safe(text).into_owned();
    let (benchmark, group) = (visible(title.benchmark), visible(title.group));
    options.title = match title.base_commit {
        Some(base) => format!(
            "{benchmark} · {group} · {} · {base} → {}",
            title.weight, title.commit
        ),
        None => format!(
            "{benchmark} · {group} · {} · {}",
            title.weight, title.commit
        ),
    };
    options.count_name = title.weight.to_string();
    // Colours from a hash of each frame's name: the same bytes every time.
    options.deterministic = true;
    options
}

/// A flamegraph of `lines` (sorted `stack weight` lines, not empty).
pub fn flamegraph(title: &Title<'_>, lines: &[String]) -> std::io::Result<String> {
    let mut svg = Vec::new();
    // Frames are label values: control characters in them would make the
    // SVG ill-formed, so they are drawn escaped (the .folded file keeps them).
    let visible: Vec<std::borrow::Cow<'_, str>> = lines
        .iter()
        .map(|line| crate::render::terminal::xml_safe(line))
        .collect();
    flamegraph::from_lines(
        &mut options(title),
        visible.iter().map(|line| line.as_ref()),
        &mut svg,
    )?;
    Ok(String::from_utf8(svg).expect("inferno writes UTF-8"))
}

/// The `stack base head` lines inferno's differential mode makes from two
/// folded profiles, sorted.
pub fn differential_lines(base: &[String], head: &[String]) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    inferno::differential::from_readers(
        inferno::differential::Options::default(),
        base.join("\n").as_bytes(),
        head.join("\n").as_bytes(),
        &mut out,
    )?;
    let mut lines: Vec<String> = out.lines().collect::<std::io::Result<_>>()?;
    lines.sort();
    Ok(lines)
}

/// A differential flamegraph: frame widths are the head's weights, colours
/// the change from the base (red grew, blue shrank).
pub fn differential(title: &Title<'_>, lines: &[String]) -> std::io::Result<String> {
    flamegraph(title, lines)
}

//! Writes the flamegraphs of one run (optionally against a base run) into a
//! directory: for each group and [`FlameSpec`], `STEM.svg` and `STEM.folded`
//! (`STEM.diff.svg` and `STEM.diff.folded` against a base). Only ever inside
//! that directory: every name in a file name goes through
//! [`super::file_component`].

use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;

use super::draw::{self, Title};
use super::{SPECS, all_keys, all_metrics, file_stem, fold};
use crate::db::flame::labeled_samples;
use crate::error::{Error, Result};
use crate::model::RunRow;

/// One flamegraph written, for the lists that link to it.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    pub group: String,
    pub keys: String,
    pub weight: String,
    pub reverse: bool,
    pub svg_file: String,
    pub folded_file: String,
}

/// What a run's flamegraphs came to: the files, or why there are none.
#[derive(Clone, Debug, Serialize)]
pub struct Flamegraphs {
    pub files: Vec<Written>,
    /// Set when `files` is empty: one line saying why.
    pub none_because: Option<String>,
}

fn commit_of(run: &RunRow) -> String {
    match &run.commit_sha {
        Some(sha) => sha.chars().take(12).collect(),
        None => format!("run {}", run.id),
    }
}

/// Writes the flamegraphs of `head` (differential against `base` when given)
/// into `dir`, created when there is something to write; `with_reversed`
/// adds the reversed stacks.
pub fn write_run(
    conn: &Connection,
    head: &RunRow,
    base: Option<&RunRow>,
    dir: &Path,
    db_path: &Path,
    with_reversed: bool,
) -> Result<Flamegraphs> {
    let sql = |e: rusqlite::Error| crate::error::sqlite(db_path, &e);
    let keys = all_keys();
    let metrics = all_metrics();
    if !crate::db::site::run_has_metric(conn, head.id, &metrics).map_err(sql)? {
        return Ok(Flamegraphs {
            files: Vec::new(),
            none_because: Some(none_because(head, &metrics, &keys)),
        });
    }
    let head_samples = labeled_samples(conn, head.id, &metrics, &keys).map_err(sql)?;
    let base_samples = match base {
        Some(base) => Some(labeled_samples(conn, base.id, &metrics, &keys).map_err(sql)?),
        None => None,
    };
    let head_commit = commit_of(head);
    let base_commit = base.map(commit_of);
    let mut files = Vec::new();
    for spec in SPECS {
        let directions: &[bool] = if spec.reversible && with_reversed {
            &[false, true]
        } else {
            &[false]
        };
        for &reverse in directions {
            let head_folded = fold(&head_samples, spec, reverse);
            let base_folded = base_samples.as_ref().map(|s| fold(s, spec, reverse));
            for (group, lines) in &head_folded {
                let title = Title {
                    benchmark: &head.name,
                    group,
                    weight: spec.weight,
                    commit: &head_commit,
                    base_commit: base_commit.as_deref(),
                };
                let stem = file_stem(&head.name, group, spec, reverse);
                let (stem, folded, svg) = match &base_folded {
                    Some(base_folded) => {
                        let empty = Vec::new();
                        let base_lines = base_folded.get(group).unwrap_or(&empty);
                        let diff = draw::differential_lines(base_lines, lines)
                            .map_err(|e| draw_error(dir, &e))?;
                        let svg =
                            draw::differential(&title, &diff).map_err(|e| draw_error(dir, &e))?;
                        (format!("{stem}.diff"), diff, svg)
                    }
                    None => {
                        let svg =
                            draw::flamegraph(&title, lines).map_err(|e| draw_error(dir, &e))?;
                        (stem, lines.clone(), svg)
                    }
                };
                let svg_file = format!("{stem}.svg");
                let folded_file = format!("{stem}.folded");
                std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, &e))?;
                let mut folded_text = folded.join("\n");
                folded_text.push('\n');
                crate::commands::files::write_file(&dir.join(&folded_file), &folded_text)?;
                crate::commands::files::write_file(&dir.join(&svg_file), &svg)?;
                files.push(Written {
                    group: group.clone(),
                    keys: spec.keys.join(";"),
                    weight: spec.weight.to_string(),
                    reverse,
                    svg_file,
                    folded_file,
                });
            }
        }
    }
    // Grouped by group for the lists; the spec order stays within a group.
    files.sort_by(|a, b| a.group.cmp(&b.group));
    let none_because = files
        .is_empty()
        .then(|| none_because(head, &metrics, &keys));
    Ok(Flamegraphs {
        files,
        none_because,
    })
}

fn none_because(head: &RunRow, metrics: &[&str], keys: &[&str]) -> String {
    format!(
        "run {} ({}) has no {} counters with any of the labels {}, so it has no flamegraph",
        head.id,
        head.name,
        metrics.join(", "),
        keys.join(", ")
    )
}

fn draw_error(dir: &Path, error: &std::io::Error) -> Error {
    Error::Output {
        path: dir.to_path_buf(),
        detail: format!("cannot draw a flamegraph: {error}"),
    }
}

/// The folder of `report --out-dir` and of the site that holds flamegraphs.
pub const FLAMEGRAPH_DIR: &str = "flamegraphs";

/// `report --out-dir`: writes `head`'s flamegraphs into `DIR/flamegraphs`
/// and appends a collapsed list of links to the report at `md_path`.
pub fn link_from_markdown(
    conn: &Connection,
    head: &RunRow,
    dir: &Path,
    md_path: &Path,
    db_path: &Path,
) -> Result<()> {
    let flame_dir = dir.join(FLAMEGRAPH_DIR);
    std::fs::create_dir_all(&flame_dir).map_err(|e| Error::output(&flame_dir, &e))?;
    let written = write_run(conn, head, None, &flame_dir, db_path, true)?;
    let list = crate::site::templates::render_flamegraph_list(&written, FLAMEGRAPH_DIR)?;
    let mut text = std::fs::read_to_string(md_path).map_err(|e| Error::output(md_path, &e))?;
    text.push_str(&list);
    crate::commands::files::write_file(md_path, &text)
}

//! The PR summary as plain text: the rows and totals of `summary.md` as
//! aligned tables, for `prof report --format text`.

use super::cell;
use super::table::{Text, layout};
use crate::render::terminal;
use crate::report::cell::{format_decimals, format_pct};
use crate::report::summary::Summary;
use crate::report::verdict_section::VerdictSection;

/// The verdicts from history that fail a gate or deserve a look, one line
/// each with its evidence, for `report --format text`.
pub fn render_verdicts(section: &VerdictSection) -> String {
    let mut out = String::new();
    for v in &section.rows {
        let line = format!(
            "{}: {} {} {}{}: {} -> {}{} [{}]",
            v.outcome.label(),
            v.benchmark,
            if v.group.is_empty() {
                "total"
            } else {
                &v.group
            },
            v.metric,
            if v.stat == "avg" { " (avg)" } else { "" },
            format_decimals(v.before, 2),
            format_decimals(v.after, 2),
            v.change_pct
                .map(|pct| format!(" ({})", format_pct(pct)))
                .unwrap_or_default(),
            v.evidence
        );
        out += &terminal::escape(&line);
        out += "\n";
    }
    if !out.is_empty() {
        out += "\n";
    }
    out
}

/// The PR summary as text: the same rows and totals as `summary.md`.
pub fn render_summary(summary: &Summary, color: bool) -> String {
    let mut out = regression_lines(summary);
    out += &commits_line(summary);
    out += &benchmark_table(summary, color);
    out += "\n";
    out += &totals_table(summary, color);
    if !summary.has_cells {
        out += "\nNote: the cells_used columns are left out because no benchmark has main_cells_used.\n";
    }
    out += &missing_table(summary, color);
    out += &nothing_regressed(summary);
    out
}

/// One line per slowdown above --fail-above.
fn regression_lines(summary: &Summary) -> String {
    let mut out = String::new();
    for regression in &summary.regressions {
        out += &format!(
            "regression: {} {} {}: {} -> {} ({})\n",
            terminal::escape(&regression.benchmark),
            terminal::escape(regression.group.as_deref().unwrap_or("total")),
            terminal::escape(&regression.metric),
            format_decimals(regression.before, 2),
            format_decimals(regression.after, 2),
            format_pct(regression.pct)
        );
    }
    if !summary.regressions.is_empty() {
        out += "\n";
    }
    out
}

/// Which commits are compared: `Head X, baseline Y.`
fn commits_line(summary: &Summary) -> String {
    let mut out = String::new();
    if !summary.head_commits.is_empty() {
        let baseline = if summary.baseline_commits.is_empty() {
            "none (every benchmark is new)".to_string()
        } else {
            summary.baseline_commits.join(", ")
        };
        let line = format!(
            "Head {}, baseline {baseline}.",
            summary.head_commits.join(", ")
        );
        out += &terminal::escape(&line);
        out += "\n\n";
    }
    out
}

/// The headline metrics of each benchmark's app and leaf groups.
fn benchmark_table(summary: &Summary, color: bool) -> String {
    let mut header = vec!["benchmark", "app.proof_time_ms", "app.cycles"];
    if summary.has_cells {
        header.push("app.cells_used");
    }
    header.push("leaf.proof_time_ms");
    if summary.has_cells {
        header.push("leaf.cells_used");
    }
    let rows = summary
        .rows
        .iter()
        .map(|row| {
            let new = if row.base.is_none() { " (new)" } else { "" };
            let repeats = match row.head.runs_at_commit {
                n if n > 1 => format!(" ({n} runs)"),
                _ => String::new(),
            };
            let nonfinite = match row.head.nonfinite {
                0 => String::new(),
                n => format!(" ({n} non-finite)"),
            };
            let mut cells = vec![
                Text::plain(format!("{}{new}{repeats}{nonfinite}", row.name)),
                cell(&row.app_proof_time_ms, 2),
                cell(&row.app_cycles, 2),
            ];
            if summary.has_cells {
                cells.push(cell(&row.app_cells_used, 2));
            }
            cells.push(cell(&row.leaf_proof_time_ms, 2));
            if summary.has_cells {
                cells.push(cell(&row.leaf_cells_used, 2));
            }
            cells
        })
        .collect();
    layout(&header, rows, &|i| i > 0, color)
}

/// Each benchmark's serial and parallel proof time.
fn totals_table(summary: &Summary, color: bool) -> String {
    let totals = summary
        .rows
        .iter()
        .map(|row| {
            vec![
                Text::plain(&row.name),
                cell(&row.serial_s, 3),
                cell(&row.parallel_s, 3),
            ]
        })
        .collect();
    layout(
        &["benchmark", "proof time (s)", "parallel proof time (s)"],
        totals,
        &|i| i > 0,
        color,
    )
}

/// The benchmarks with a baseline but no head run.
fn missing_table(summary: &Summary, color: bool) -> String {
    let mut out = String::new();
    if !summary.missing.is_empty() {
        out += &format!(
            "\n{} with a baseline but no run at this commit: missing, not passed.\n",
            crate::render::text::plural(summary.missing.len() as u64, "benchmark")
        );
        let rows = summary
            .missing
            .iter()
            .map(|missing| {
                vec![
                    Text::plain(&missing.name),
                    Text::plain(missing.last_commit.as_deref().unwrap_or("-")),
                    Text::plain(missing.last_run.to_string()),
                ]
            })
            .collect();
        out += &layout(
            &["missing benchmark", "last ran at", "last run"],
            rows,
            &|i| i == 2,
            color,
        );
    }
    out
}

/// "Nothing regressed" where the summary says so, and on what grounds.
fn nothing_regressed(summary: &Summary) -> String {
    let mut out = String::new();
    if summary.nothing_regressed && summary.missing.is_empty() {
        let limit = summary
            .threshold
            .map(|t| format!(" by more than {}%", t.max_slowdown_pct))
            .unwrap_or_default();
        out += &match (summary.judged_series, summary.threshold.is_some()) {
            (0, _) => format!(
                "\nNothing regressed: no benchmark's total or headline time got slower{limit}.\n"
            ),
            (n, false) => {
                format!("\nNothing regressed: no verdict on {n} series found a regression.\n")
            }
            (n, true) => format!(
                "\nNothing regressed: no verdict on {n} series found a regression, \
                 and no total or headline time got slower{limit}.\n"
            ),
        };
    }
    out
}

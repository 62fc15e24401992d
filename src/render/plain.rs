//! Plain text for a terminal (`--format text`): the same view model as the
//! Markdown, as aligned tables without HTML, diffs coloured with ANSI only
//! when asked to (stdout is a terminal and `NO_COLOR` is unset). Every
//! name and label goes through [`terminal::escape`]. The tables are laid
//! out by comfy-table, which `prof runs` uses too.

use std::io::IsTerminal;

use comfy_table::{CellAlignment, Color, Table, TableStyle};

use super::{Exporter, Rendered, terminal};
use crate::error::Result;
use crate::report::cell::{Cell, Change, format_decimals, format_pct, format_signed};
use crate::report::summary::Summary;
use crate::report::{GroupReport, Report, RunInfo};

/// The plain-text exporter.
pub struct Plain {
    /// Colour diffs with ANSI escapes.
    pub color: bool,
}

impl Plain {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty
    /// (<https://no-color.org>).
    pub fn for_stdout() -> Plain {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Plain {
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }
}

/// One table cell: its text and, for a diff, the colour that says which
/// way it went.
struct Text {
    text: String,
    color: Option<Color>,
}

impl Text {
    fn plain(text: impl AsRef<str>) -> Text {
        Text {
            text: terminal::escape(text.as_ref()).into_owned(),
            color: None,
        }
    }
}

/// A report cell as text: `(+6 [+8.2%]) 79`, `(new) 5`, `(removed) 3`.
fn cell(cell: &Cell, decimals: u32) -> Text {
    let number = |v: f64| format_decimals(v, decimals);
    let value = cell.value.map(number).unwrap_or_default();
    let (text, color) = match cell.change {
        Change::None | Change::Same => (value, None),
        Change::New => (format!("(new) {value}"), Some(Color::Blue)),
        Change::Removed => (
            format!("(removed) {}", cell.base.map(number).unwrap_or_default()),
            Some(Color::Grey),
        ),
        Change::Better | Change::Worse => {
            let diff = cell
                .diff
                .map(|d| format_signed(d, decimals))
                .unwrap_or_default();
            let pct = cell
                .pct
                .map(|p| format!(" [{}]", format_pct(p)))
                .unwrap_or_default();
            let color = if cell.change == Change::Worse {
                Color::Red
            } else {
                Color::Green
            };
            (format!("({diff}{pct}) {value}"), Some(color))
        }
    };
    Text { text, color }
}

/// Lays out `rows` under `header`: columns two spaces apart, no borders,
/// the columns `right_aligned` picks aligned right, trailing spaces cut.
pub fn table(
    header: &[&str],
    rows: &[Vec<String>],
    right_aligned: impl Fn(usize) -> bool,
) -> String {
    let rows: Vec<Vec<Text>> = rows
        .iter()
        .map(|row| row.iter().map(Text::plain).collect())
        .collect();
    layout(header, rows, &right_aligned, false)
}

fn layout(
    header: &[&str],
    rows: Vec<Vec<Text>>,
    right_aligned: &dyn Fn(usize) -> bool,
    color: bool,
) -> String {
    let mut table = Table::new();
    table.load_style(TableStyle::new());
    // Never ask the terminal for its width: the same data gives the same
    // bytes wherever it is printed.
    table.force_no_tty();
    if color {
        table.enforce_styling();
        table.style_text_only();
    }
    table.set_header(
        header
            .iter()
            .map(|h| comfy_table::Cell::new(terminal::escape(h))),
    );
    for row in rows {
        table.add_row(row.into_iter().map(|cell| {
            let styled = comfy_table::Cell::new(cell.text);
            match cell.color {
                Some(c) if color => styled.fg(c),
                _ => styled,
            }
        }));
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, 2));
        if right_aligned(i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn run_line(role: &str, run: &RunInfo) -> String {
    let mut line = format!("{role}: run {}", run.id);
    if let Some(commit) = &run.commit_sha {
        line += &format!(" at {}", terminal::escape(commit));
    }
    if let Some(branch) = &run.branch {
        line += &format!(" on {}", terminal::escape(branch));
    }
    line + &format!(", {}\n", terminal::escape(&run.created_at))
}

impl Plain {
    fn group_table(&self, group: &GroupReport) -> Option<String> {
        let shown: Vec<_> = group.metrics.iter().filter(|m| m.shown).collect();
        if shown.is_empty() {
            return None;
        }
        let mut rows: Vec<Vec<Text>> = Vec::new();
        for phase in &group.phases {
            let in_phase: Vec<_> = shown.iter().filter(|m| &m.phase == phase).collect();
            if let (Some(phase), false) = (phase, in_phase.is_empty()) {
                let mut heading = vec![Text::plain(format!("[{phase}]"))];
                heading.extend((0..4).map(|_| Text::plain("")));
                rows.push(heading);
            }
            for row in in_phase {
                let dash = || Text::plain("-");
                rows.push(vec![
                    Text::plain(&row.metric),
                    cell(&row.avg, 2),
                    if row.avg_only || row.hide_sum {
                        dash()
                    } else {
                        cell(&row.sum, 2)
                    },
                    if row.avg_only {
                        dash()
                    } else {
                        cell(&row.max, 2)
                    },
                    if row.avg_only {
                        dash()
                    } else {
                        cell(&row.min, 2)
                    },
                ]);
            }
        }
        let marker = match group.change {
            Change::New => " (new)",
            Change::Removed => " (removed)",
            _ => "",
        };
        Some(format!(
            "{}{marker}\n{}",
            terminal::escape(&group.name),
            layout(
                &["metric", "avg", "sum", "max", "min"],
                rows,
                &|i| i > 0,
                self.color
            )
        ))
    }
}

impl Exporter for Plain {
    fn render(&self, report: &Report) -> Result<Rendered> {
        let mut out = format!("{}\n", terminal::escape(&report.name));
        out += &run_line("Head", &report.head);
        if let Some(base) = &report.base {
            out += &run_line("Base", base);
        }
        let totals = &report.totals;
        let mut rows = vec![vec![
            Text::plain("Total"),
            cell(&totals.serial_s, 3),
            cell(&totals.parallel_s, 3),
            cell(&totals.bounded_s, 3),
        ]];
        for group in report.groups.iter().filter(|g| !g.keygen) {
            if let Some(proof) = &group.proof_time {
                let mark = if proof.estimated { " *" } else { "" };
                rows.push(vec![
                    Text::plain(format!("{}{mark}", group.name)),
                    cell(&proof.serial_s, 3),
                    cell(&proof.parallel_s, 3),
                    cell(&proof.bounded_s, 3),
                ]);
            }
        }
        let bounded = format!("parallel, {} provers (s)", totals.provers);
        out += "\n";
        out += &layout(
            &["proof time", "serial (s)", "parallel (s)", &bounded],
            rows,
            &|i| i > 0,
            self.color,
        );
        if totals.estimated {
            out += "* estimated from the group's execution, trace generation and proving times\n";
        }
        for group in report.groups.iter().filter(|g| !g.keygen) {
            if let Some(table) = self.group_table(group) {
                out += "\n";
                out += &table;
            }
        }
        if let Some(gpu) = &report.gpu_memory {
            let rows = gpu
                .modules
                .iter()
                .map(|m| {
                    vec![
                        Text::plain(&m.module),
                        cell(&m.peak_gb, 2),
                        Text::plain(&m.at),
                    ]
                })
                .collect();
            out += "\nGPU memory\n";
            out += &layout(
                &["module", "peak (GB)", "at"],
                rows,
                &|i| i == 1,
                self.color,
            );
        }
        if !report.instruction_counts.is_empty() {
            let rows = report
                .instruction_counts
                .iter()
                .map(|c| {
                    vec![
                        Text::plain(&c.group),
                        Text::plain(&c.opcode),
                        cell(&c.frequency, 2),
                    ]
                })
                .collect();
            out += "\nInstruction counts\n";
            out += &layout(
                &["group", "opcode", "frequency"],
                rows,
                &|i| i == 2,
                self.color,
            );
        }
        Ok(Rendered {
            main: out,
            attachments: Vec::new(),
        })
    }
}

/// The PR summary as text: the same rows and totals as `summary.md`.
pub fn render_summary(summary: &Summary, color: bool) -> String {
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
            let mut cells = vec![
                Text::plain(format!("{}{new}", row.name)),
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
    out += &layout(&header, rows, &|i| i > 0, color);
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
    out += "\n";
    out += &layout(
        &["benchmark", "proof time (s)", "parallel proof time (s)"],
        totals,
        &|i| i > 0,
        color,
    );
    if !summary.has_cells {
        out += "\nNote: the cells_used columns are left out because no benchmark has main_cells_used.\n";
    }
    if summary.nothing_regressed {
        let limit = summary
            .threshold
            .map(|t| format!(" by more than {}%", t.max_slowdown_pct))
            .unwrap_or_default();
        out += &format!(
            "\nNothing regressed: no benchmark's total or headline time got slower{limit}.\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::cell::Better;

    #[test]
    fn cells_read_like_the_markdown_without_html() {
        let worse = Cell::compare(Some(79.0), Some(73.0), true, Better::Lower);
        assert_eq!(cell(&worse, 2).text, "(+6 [+8.2%]) 79");
        assert_eq!(cell(&worse, 2).color, Some(Color::Red));
        let removed = Cell::compare(None, Some(3.0), true, Better::Lower);
        assert_eq!(cell(&removed, 2).text, "(removed) 3");
    }

    #[test]
    fn tables_align_by_display_width_and_colour_only_when_asked() {
        let rows = vec![
            vec![Text::plain("名前"), cell(&Cell::plain(1.0), 2)],
            vec![
                Text::plain("ab"),
                cell(
                    &Cell::compare(Some(79.0), Some(73.0), true, Better::Lower),
                    2,
                ),
            ],
        ];
        let plain = layout(&["name", "value"], rows, &|i| i == 1, false);
        assert_eq!(
            plain,
            "name            value\n名前                1\nab    (+6 [+8.2%]) 79\n"
        );
        let rows = vec![vec![
            Text::plain("ab"),
            cell(
                &Cell::compare(Some(79.0), Some(73.0), true, Better::Lower),
                2,
            ),
        ]];
        let colored = layout(&["name", "value"], rows, &|i| i == 1, true);
        assert!(colored.contains("\x1b["), "{colored:?}");
        assert!(!plain.contains('\x1b'));
    }
}

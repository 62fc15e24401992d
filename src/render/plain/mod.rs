//! Plain text for a terminal (`--format text`): the same view model as the
//! Markdown, as aligned tables without HTML, diffs coloured with ANSI only
//! when asked to (stdout is a terminal and `NO_COLOR` is unset). Every
//! name and label goes through [`terminal::escape`]. The tables are laid
//! out by comfy-table, which `prof runs` uses too.

use std::io::IsTerminal;

mod summary;
mod table;

use comfy_table::Color;

use super::{Exporter, Rendered, terminal};
use crate::error::Result;
use crate::report::cell::{Cell, Change, format_decimals, format_diff};
use crate::report::{GroupReport, Report, RunInfo};

pub use summary::{render_summary, render_verdicts};
pub use table::table;
use table::{Text, layout};

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
            let diff = format_diff(cell, decimals);
            let color = if cell.change == Change::Worse {
                Color::Red
            } else {
                Color::Green
            };
            (format!("({diff}) {value}"), Some(color))
        }
    };
    Text { text, color }
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
        let bounded = format!(
            "parallel, {} (s)",
            crate::render::text::plural(totals.provers as u64, "prover")
        );
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
}

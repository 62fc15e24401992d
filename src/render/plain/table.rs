//! Plain tables laid out by comfy-table: columns two spaces apart, no
//! borders, chosen columns aligned right, widths by display width (so CJK
//! text lines up), optional ANSI colour per cell. `--format text` and
//! `prof runs` both lay out their tables here.

use comfy_table::{CellAlignment, Color, Table, TableStyle};

use crate::render::terminal;

/// One table cell: its text and, for a diff, the colour that says which
/// way it went.
pub struct Text {
    pub text: String,
    pub color: Option<Color>,
}

impl Text {
    pub fn plain(text: impl AsRef<str>) -> Text {
        Text {
            text: terminal::escape(text.as_ref()).into_owned(),
            color: None,
        }
    }
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

pub fn layout(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_by_display_width_and_colour_only_when_asked() {
        let red = || Text {
            text: "(+6 [+8.2%]) 79".into(),
            color: Some(Color::Red),
        };
        let rows = vec![
            vec![Text::plain("名前"), Text::plain("1")],
            vec![Text::plain("ab"), red()],
        ];
        let plain = layout(&["name", "value"], rows, &|i| i == 1, false);
        assert_eq!(
            plain,
            "name            value\n名前                1\nab    (+6 [+8.2%]) 79\n"
        );
        let colored = layout(
            &["name", "value"],
            vec![vec![Text::plain("ab"), red()]],
            &|i| i == 1,
            true,
        );
        assert!(colored.contains("\x1b["), "{colored:?}");
        assert!(!plain.contains('\x1b'));
    }

    #[test]
    fn cell_text_is_escaped_for_the_terminal() {
        assert_eq!(Text::plain("x\r\x1b[31m").text, "x\\r\\x1b[31m");
    }
}

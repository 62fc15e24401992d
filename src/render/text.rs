//! Text helpers shared by the Markdown filters: numbers with diffs, and
//! escaping that keeps any label or metric name inside its table cell.

use crate::report::cell::{Cell, Change, format_decimals_into, format_diff};

/// Longest label text a table cell shows; the rest is cut with `…`.
const CELL_CHARS: usize = 300;

/// `1 sample`, `2 samples`, `1 entry`, `3 entries`: counts in messages.
pub fn plural(count: u64, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (n, Some(stem)) => format!("{n} {stem}ies"),
        (n, None) => format!("{n} {noun}s"),
    }
}

/// A report cell as Markdown, `<span style='color: red'>(+6 [+8.2%])</span> 79`,
/// numbers with up to `decimals` places.
pub fn cell(cell: &Cell, decimals: u32) -> String {
    let mut out = String::new();
    cell_into(&mut out, cell, decimals);
    out
}

/// [`cell`] appended to `out`.
pub fn cell_into(out: &mut String, cell: &Cell, decimals: u32) {
    let number = |out: &mut String, v: Option<f64>| {
        if let Some(v) = v {
            format_decimals_into(out, v, decimals);
        }
    };
    match cell.change {
        Change::None | Change::Same => number(out, cell.value),
        Change::New => {
            out.push_str("<span style='color: blue'>(new)</span> ");
            number(out, cell.value);
        }
        Change::Removed => {
            out.push_str("<span style='color: gray'>(removed)</span> ~~");
            number(out, cell.base);
            out.push_str("~~");
        }
        Change::Better | Change::Worse => {
            let color = if cell.change == Change::Worse {
                "red"
            } else {
                "green"
            };
            out.push_str("<span style='color: ");
            out.push_str(color);
            out.push_str("'>(");
            out.push_str(&format_diff(cell, decimals));
            out.push_str(")</span> ");
            number(out, cell.value);
        }
    }
}

/// Text for a table cell: HTML and Markdown punctuation escaped, pipes
/// escaped for the table, newlines folded, long text cut.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(CELL_CHARS) + 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`] appended to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    // Bytes copied as they are; most labels are short ASCII.
    let plain = |b: &u8| {
        matches!(b, 0x20..=0x7e)
            && !matches!(
                b,
                b'&' | b'<'
                    | b'>'
                    | b'"'
                    | b'|'
                    | b'`'
                    | b'*'
                    | b'_'
                    | b'['
                    | b']'
                    | b'\\'
                    | b'~'
                    | b'#'
                    | b'!'
            )
    };
    if text.len() <= CELL_CHARS && text.is_ascii() {
        // Not cut, and one byte per char: copy the runs between the bytes
        // that need escaping whole.
        let mut from = 0;
        for (at, byte) in text.bytes().enumerate() {
            if plain(&byte) {
                continue;
            }
            out.push_str(&text[from..at]);
            from = at + 1;
            match byte {
                b'&' => out.push_str("&amp;"),
                b'<' => out.push_str("&lt;"),
                b'>' => out.push_str("&gt;"),
                b'"' => out.push_str("&quot;"),
                b'\n' | b'\r' | b'\t' => out.push(' '),
                0x00..=0x1f | 0x7f => out.push('\u{fffd}'),
                _ => {
                    out.push('\\');
                    out.push(char::from(byte));
                }
            }
        }
        out.push_str(&text[from..]);
        return;
    }
    for (i, ch) in text.chars().enumerate() {
        if i == CELL_CHARS {
            out.push('…');
            break;
        }
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '|' | '`' | '*' | '_' | '[' | ']' | '\\' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// A metric name as a code span; names a code span cannot hold (backticks,
/// line breaks) or that look like HTML fall back to escaped text.
pub fn code(text: &str) -> String {
    let clean = !text.is_empty()
        && text.chars().count() <= CELL_CHARS
        && !text
            .chars()
            .any(|c| matches!(c, '`' | '<' | '>' | '&') || c.is_control());
    if clean {
        // Inside a table even a code span needs its pipes escaped.
        format!("`{}`", text.replace('|', "\\|"))
    } else {
        escape(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::cell::Better;

    #[test]
    fn cells_render_like_the_original_with_signs_fixed() {
        let worse = Cell::compare(Some(79.0), Some(73.0), true, Better::Lower);
        assert_eq!(
            cell(&worse, 2),
            "<span style='color: red'>(+6 [+8.2%])</span> 79"
        );
        let better = Cell::compare(Some(34_901.0), Some(35_013.0), true, Better::Lower);
        assert_eq!(
            cell(&better, 2),
            "<span style='color: green'>(-112 [-0.3%])</span> 34,901"
        );
        assert_eq!(
            cell(&Cell::compare(Some(5.0), Some(5.0), true, Better::Lower), 2),
            "5"
        );
        assert_eq!(cell(&Cell::plain(15_230_037.0), 2), "15,230,037");
        let from_zero = Cell::compare(Some(5.0), Some(0.0), true, Better::Lower);
        assert_eq!(
            cell(&from_zero, 2),
            "<span style='color: red'>(+5)</span> 5"
        );
        assert!(!cell(&from_zero, 2).contains("NaN"));
        let seconds = Cell::compare(Some(52.438), Some(52.367), true, Better::Lower);
        assert_eq!(
            cell(&seconds, 3),
            "<span style='color: red'>(+0.071 [+0.1%])</span> 52.438"
        );
        let removed = Cell::compare(None, Some(3.0), true, Better::Lower);
        assert_eq!(
            cell(&removed, 2),
            "<span style='color: gray'>(removed)</span> ~~3~~"
        );
    }

    #[test]
    fn escaping_keeps_text_inside_its_cell() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(
            escape("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(
            escape("VmAirWrapper<A, B<4, 8>"),
            "VmAirWrapper&lt;A, B&lt;4, 8&gt;"
        );
        assert_eq!(escape(&"x".repeat(10_000)).chars().count(), CELL_CHARS + 1);
        // Plain text at the limit is kept whole, one past it is cut.
        assert_eq!(escape(&"x".repeat(CELL_CHARS)), "x".repeat(CELL_CHARS));
        assert_eq!(
            escape(&"x".repeat(CELL_CHARS + 1)),
            "x".repeat(CELL_CHARS) + "…"
        );
        assert_eq!(escape("tab\there\u{7f}"), "tab here\u{fffd}");
        assert_eq!(escape("é|"), "é\\|");
        // ASCII text takes a shorter way: the same text as the char by char
        // one, which a non-ASCII letter leads it to.
        let ascii: String = (0u8..128).map(char::from).collect();
        assert_eq!(escape(&ascii) + "é", escape(&(ascii.clone() + "é")));
        assert_eq!(code("trace_gen_time_ms"), "`trace_gen_time_ms`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("has`tick"), "has\\`tick");
        assert_eq!(code("<b>"), "&lt;b&gt;");
    }
}

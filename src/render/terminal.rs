//! Text bound for a terminal: names and labels are user data, so control
//! characters in them are shown escaped, never sent raw. A group called
//! `x\r\e[31m` prints as `x\r\x1b[31m` instead of moving the cursor and
//! colouring the screen. Every line prof writes to stderr goes through
//! [`escape`] (see the `note!` macro), and so does every name in the plain
//! tables it prints to stdout.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (C0, DEL, C1) and every invisible
/// direction override written as an escape: `\r`, `\n`, `\t`, `\x1b`,
/// `\u{202e}`. Text without them is returned as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && needs_escape(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(ch: char) -> bool {
    // The bidirectional overrides and isolates reorder what follows them,
    // so a name could make a line read differently from what it holds.
    ch.is_control() || matches!(ch, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` fit for XML and HTML: the control characters XML 1.0 cannot hold
/// even as character references (C0 but tab, newline and carriage return)
/// are written as `\x1b`-style escapes, so a name with an ESC byte cannot
/// make an SVG or a page ill-formed. Markup in `text` is left alone.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    let invalid = |c: char| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(invalid) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if invalid(ch) {
            let _ = write!(out, "\\x{:02x}", ch as u32);
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// Writes one line to stderr with its control characters escaped.
pub fn stderr_line(line: &str) {
    eprintln!("{}", escape(line));
}

/// `eprintln!` for everything prof tells the user on stderr: the formatted
/// line goes through [`escape`], so names inside it cannot drive the
/// terminal.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::render::terminal::stderr_line(&format!($($arg)*))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_safe_text_keeps_markup_and_whitespace_and_escapes_other_controls() {
        assert_eq!(xml_safe("<b>a\tb\n</b>"), "<b>a\tb\n</b>");
        assert_eq!(xml_safe("y\x1b[31m\x01"), "y\\x1b[31m\\x01");
    }

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_untouched() {
        assert_eq!(escape("x\r\x1b[31m"), "x\\r\\x1b[31m");
        assert_eq!(escape("a\nb\tc\0d\x7f"), "a\\nb\\tc\\x00d\\x7f");
        assert_eq!(
            escape("evil\u{202e}txt.exe\u{9b}"),
            "evil\\u{202e}txt.exe\\u{9b}"
        );
        assert!(matches!(escape("ünïcødé 名前 a/b"), Cow::Borrowed(_)));
        assert_eq!(escape("C:\\path"), "C:\\path");
    }
}

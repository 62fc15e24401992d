//! CSV of the view models (`--format csv` of `trend`, `changes` and
//! `annotations`): the one quoting rule for text fields.

/// `text` as one CSV field: quoted, with quotes doubled, where it holds a
/// comma, a quote or a line break (RFC 4180); as it is otherwise.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn only_fields_with_separators_or_quotes_are_quoted() {
        assert_eq!(field("main"), "main");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}

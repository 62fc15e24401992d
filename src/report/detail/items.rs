//! A label set's `items` as the writer stores them, `[[key,value],…]` with
//! key and value ids, read without a JSON parser: a large run has hundreds
//! of thousands of label sets. Anything else goes to serde_json.

/// A label set's `items`, `[[key,value],…]` as the writer stores them, read
/// into `pairs` without a JSON parser; any other spelling goes to
/// serde_json (an unreadable one has no labels).
pub(super) fn parse_items(text: &str, pairs: &mut Vec<(i64, i64)>) {
    pairs.clear();
    if parse_items_fast(text.as_bytes(), pairs).is_none() {
        pairs.clear();
        pairs.extend(serde_json::from_str::<Vec<(i64, i64)>>(text).unwrap_or_default());
    }
}

fn parse_items_fast(bytes: &[u8], pairs: &mut Vec<(i64, i64)>) -> Option<()> {
    let mut at = 0;
    let expect = |byte: u8, at: &mut usize| {
        let found = bytes.get(*at) == Some(&byte);
        *at += usize::from(found);
        found
    };
    let end = |at: usize| (at == bytes.len()).then_some(());
    if !expect(b'[', &mut at) {
        return None;
    }
    if expect(b']', &mut at) {
        return end(at);
    }
    loop {
        if !expect(b'[', &mut at) {
            return None;
        }
        let key = integer(bytes, &mut at)?;
        if !expect(b',', &mut at) {
            return None;
        }
        let value = integer(bytes, &mut at)?;
        if !expect(b']', &mut at) {
            return None;
        }
        pairs.push((key, value));
        if expect(b']', &mut at) {
            return end(at);
        }
        if !expect(b',', &mut at) {
            return None;
        }
    }
}

/// A plain decimal integer: digits with an optional `-`, no leading zeros,
/// at most 18 digits (so it cannot overflow).
fn integer(bytes: &[u8], at: &mut usize) -> Option<i64> {
    let negative = bytes.get(*at) == Some(&b'-');
    let start = *at + usize::from(negative);
    let digits = bytes[start.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    // serde_json reads `-0` as a float: left to it, like anything unusual.
    let zero_led = bytes.get(start) == Some(&b'0') && (digits > 1 || negative);
    if digits == 0 || digits > 18 || zero_led {
        return None;
    }
    let mut value: i64 = 0;
    for &b in &bytes[start..start + digits] {
        value = value * 10 + i64::from(b - b'0');
    }
    *at = start + digits;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_as_serde_json_reads_them() {
        for text in [
            "[]",
            "[[1,2]]",
            "[[1,1301],[2,1302],[6,1000]]",
            "[[-3,0],[0,-0]]",
            "[[999999999999999999,1]]",
            "[[9223372036854775807,1]]",
            "[ [1,2] ]",
            "[[01,2]]",
            "[[1.0,2]]",
            "[[1,2],]",
            "[[1,2]",
            "[[1,2]]x",
            "",
            "[[1,2,3]]",
            "[[-,2]]",
        ] {
            let slow = serde_json::from_str::<Vec<(i64, i64)>>(text).unwrap_or_default();
            let mut pairs = vec![(7, 7)];
            parse_items(text, &mut pairs);
            assert_eq!(pairs, slow, "{text:?}");
        }
    }
}

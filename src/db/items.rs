//! A label set's `items` text, as `label_sets.items` holds it: its
//! (key id, value id) pairs as `[[key,value],…]`, sorted by key id. The
//! writer spells it here, and readers that meet hundreds of thousands of
//! sets (the writer's read-ahead, the detailed tables, flamegraphs) read it
//! here without a JSON parser.

/// The canonical text of a label set, `[[key id,value id],…]` sorted by key
/// id: what `label_sets.items` holds and its UNIQUE index compares.
pub fn write(pairs: &[(i64, i64)], items: &mut String) {
    let mut digits = itoa::Buffer::new();
    items.clear();
    items.push('[');
    for (i, &(key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            items.push(',');
        }
        items.push('[');
        items.push_str(digits.format(key));
        items.push(',');
        items.push_str(digits.format(value));
        items.push(']');
    }
    items.push(']');
}

/// Reads `text` into `pairs` if it is spelled as [`write`] spells some
/// pairs: no spaces, plain decimal integers without leading zeros. False,
/// with `pairs` in any state, for any other text, which a caller may hand
/// to a JSON parser.
pub fn read(text: &str, pairs: &mut Vec<(i64, i64)>) -> bool {
    pairs.clear();
    read_into(text.as_bytes(), pairs).is_some()
}

/// A label set's `items` into `pairs`, however it is spelled: as [`write`]
/// spells it by [`read`], any other JSON by serde_json (text that is not a
/// list of pairs has none), for readers of sets prof may not have written.
pub fn read_any(text: &str, pairs: &mut Vec<(i64, i64)>) {
    if !read(text, pairs) {
        pairs.clear();
        pairs.extend(serde_json::from_str::<Vec<(i64, i64)>>(text).unwrap_or_default());
    }
}

fn read_into(bytes: &[u8], pairs: &mut Vec<(i64, i64)>) -> Option<()> {
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
    use super::{read, read_any, write};

    #[test]
    fn read_any_reads_as_serde_json_reads() {
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
            read_any(text, &mut pairs);
            assert_eq!(pairs, slow, "{text:?}");
        }
    }

    #[test]
    fn what_write_spells_read_reads_back() {
        let mut items = String::new();
        let mut pairs = Vec::new();
        for set in [vec![], vec![(1, 4)], vec![(1, 4), (3, 9), (12, 100_000)]] {
            write(&set, &mut items);
            assert!(read(&items, &mut pairs), "{items}");
            assert_eq!(pairs, set);
        }
        assert_eq!(items, "[[1,4],[3,9],[12,100000]]");
        // Other spellings of pairs are not this format.
        for other in [
            "[[1, 4]]", "[[01,4]]", "[[1,4],]", "[1,4]", "[[1,4]", "", "[[+1,4]]",
        ] {
            assert!(!read(other, &mut pairs), "{other}");
        }
    }
}

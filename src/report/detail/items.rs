//! A label set's `items` for the detailed tables: read by `db::items`
//! (hundreds of thousands of sets in a large run), anything spelled
//! otherwise by serde_json.

/// A label set's `items` into `pairs`; any spelling the writer does not use
/// goes to serde_json (an unreadable one has no labels).
pub(super) fn parse_items(text: &str, pairs: &mut Vec<(i64, i64)>) {
    if !crate::db::items::read(text, pairs) {
        pairs.clear();
        pairs.extend(serde_json::from_str::<Vec<(i64, i64)>>(text).unwrap_or_default());
    }
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

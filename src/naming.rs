//! The default benchmark name of a run: its file's stem without the parts
//! that change from run to run (commit hashes, dates and times), so a CI
//! job that writes `NAME-<sha>.json` at every commit builds one series.
//!
//! The rule, also stated in the README: the stem is split into tokens at
//! `_`, `-` and `.`. A token is dropped when it is
//! - a commit hash: 7 to 40 characters of `0-9a-f` with at least one digit
//!   and one letter (`a9d7984`; `1000000` and `deadbeef` stay), or 7 to 40
//!   hex digits that begin the run's own commit (so an all-digit short hash
//!   of that commit goes too);
//! - a date or time: `YYYYMMDD`, `YYYYMMDDTHHMMSS` and `YYYYMMDDHHMMSS`
//!   (an optional trailing `Z`), a `YYYY`, `MM`, `DD` run of three tokens
//!   whose day may carry an ISO time (`25T20:30:00Z`), a time `HH:MM` or
//!   `HH:MM:SS` (optionally with a leading `T` or trailing `Z`), and the
//!   fraction of seconds that follows a dropped time after a `.`.
//!
//! A dropped token takes the delimiter before it along (the one after it
//! when it opens the stem). When nothing is left, the stem is kept whole.

/// Whether every part of `stem` is a hash or a date, so that its default
/// name (the stem itself) changes from commit to commit.
pub fn only_hashes_and_dates(stem: &str, commit: Option<&str>) -> bool {
    let tokens = tokenize(stem);
    let mut i = 0;
    let mut dropped_any = false;
    while i < tokens.len() {
        match dropped_span(&tokens, i, commit) {
            0 if tokens[i].text.is_empty() => i += 1,
            0 => return false,
            span => {
                dropped_any = true;
                i += span;
            }
        }
    }
    dropped_any
}

/// The default name for a file with stem `stem`, of a run at `commit`.
pub fn default_name(stem: &str, commit: Option<&str>) -> String {
    let tokens = tokenize(stem);
    let mut drop = vec![false; tokens.len()];
    let mut i = 0;
    while i < tokens.len() {
        let span = dropped_span(&tokens, i, commit);
        if span == 0 {
            i += 1;
            continue;
        }
        drop[i..i + span].iter_mut().for_each(|d| *d = true);
        i += span;
        // Fractional seconds after a dropped time: `…T20:30:00.123Z`.
        if i < tokens.len()
            && tokens[i].delimiter == Some('.')
            && ends_with_time(tokens[i - 1].text)
            && is_digits_z(tokens[i].text)
        {
            drop[i] = true;
            i += 1;
        }
    }
    if drop.iter().all(|&d| d) || !drop.iter().any(|&d| d) {
        return stem.to_string();
    }
    let mut name = String::with_capacity(stem.len());
    for (index, token) in tokens.iter().enumerate() {
        if drop[index] {
            continue;
        }
        // Kept tokens keep the delimiter before them, unless what preceded
        // them was dropped from the very start of the stem.
        if let (Some(delimiter), false) = (token.delimiter, name.is_empty()) {
            name.push(delimiter);
        }
        name.push_str(token.text);
    }
    // Only delimiters left (`_a9d7984`): nothing is left of the stem.
    if name.chars().all(|c| matches!(c, '_' | '-' | '.')) {
        return stem.to_string();
    }
    name
}

struct Token<'a> {
    /// The delimiter before the token; `None` for the first.
    delimiter: Option<char>,
    text: &'a str,
}

fn tokenize(stem: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut delimiter = None;
    let mut start = 0;
    for (at, ch) in stem.char_indices() {
        if matches!(ch, '_' | '-' | '.') {
            tokens.push(Token {
                delimiter,
                text: &stem[start..at],
            });
            delimiter = Some(ch);
            start = at + ch.len_utf8();
        }
    }
    tokens.push(Token {
        delimiter,
        text: &stem[start..],
    });
    tokens
}

/// How many tokens from `at` on form one hash, date or time (0: none).
fn dropped_span(tokens: &[Token<'_>], at: usize, commit: Option<&str>) -> usize {
    let text = tokens[at].text;
    if is_commit_hash(text, commit) || is_compact_date(text) || is_time(text) {
        return 1;
    }
    if let [year, month, day, ..] = &tokens[at..] {
        let dashed = month.delimiter == Some('-') && day.delimiter == Some('-');
        if dashed && is_year(year.text) && is_month(month.text) && is_day_with_time(day.text) {
            return 3;
        }
    }
    0
}

fn is_commit_hash(text: &str, commit: Option<&str>) -> bool {
    let hex = (7..=40).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return false;
    }
    let mixed =
        text.bytes().any(|b| b.is_ascii_digit()) && text.bytes().any(|b| b.is_ascii_alphabetic());
    mixed || commit.is_some_and(|commit| commit.to_ascii_lowercase().starts_with(text))
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn number(text: &str) -> Option<u32> {
    all_digits(text).then(|| text.parse().ok()).flatten()
}

fn is_year(text: &str) -> bool {
    text.len() == 4 && number(text).is_some_and(|y| (1970..=2199).contains(&y))
}

fn is_month(text: &str) -> bool {
    text.len() == 2 && number(text).is_some_and(|m| (1..=12).contains(&m))
}

fn is_day(text: &str) -> bool {
    text.len() == 2 && number(text).is_some_and(|d| (1..=31).contains(&d))
}

/// `YYYYMMDD`.
fn is_yyyymmdd(text: &str) -> bool {
    text.len() == 8 && is_year(&text[..4]) && is_month(&text[4..6]) && is_day(&text[6..])
}

/// `HHMMSS`.
fn is_hhmmss(text: &str) -> bool {
    text.len() == 6
        && text.is_ascii()
        && number(&text[..2]).is_some_and(|h| h < 24)
        && number(&text[2..4]).is_some_and(|m| m < 60)
        && number(&text[4..]).is_some_and(|s| s < 61)
}

/// `YYYYMMDD`, `YYYYMMDDTHHMMSS`, `YYYYMMDDHHMMSS`, each with an optional
/// trailing `Z`.
fn is_compact_date(text: &str) -> bool {
    let text = text.strip_suffix('Z').unwrap_or(text);
    if !text.is_ascii() || text.len() < 8 || !is_yyyymmdd(&text[..8]) {
        return false;
    }
    match &text[8..] {
        "" => true,
        rest => is_hhmmss(rest.strip_prefix('T').unwrap_or(rest)),
    }
}

/// `HH:MM` or `HH:MM:SS`, optionally `T…` or `…Z`.
fn is_time(text: &str) -> bool {
    let text = text.strip_prefix('T').unwrap_or(text);
    let text = text.strip_suffix('Z').unwrap_or(text);
    let parts: Vec<&str> = text.split(':').collect();
    let two_digits = |p: &str, below: u32| p.len() == 2 && number(p).is_some_and(|n| n < below);
    match parts.as_slice() {
        [h, m] => two_digits(h, 24) && two_digits(m, 60),
        [h, m, s] => two_digits(h, 24) && two_digits(m, 60) && two_digits(s, 61),
        _ => false,
    }
}

/// `DD`, or `DD` followed by `T` and an ISO time (`25T20:30:00Z`,
/// `25T203000`).
fn is_day_with_time(text: &str) -> bool {
    match text.split_once('T') {
        None => is_day(text),
        Some((day, time)) => {
            let time = time.strip_suffix('Z').unwrap_or(time);
            is_day(day) && (is_time(time) || is_hhmmss(time))
        }
    }
}

fn ends_with_time(text: &str) -> bool {
    text.contains(':') || text.contains('T')
}

fn is_digits_z(text: &str) -> bool {
    all_digits(text.strip_suffix('Z').unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::default_name;

    #[test]
    fn drops_hashes_and_dates_and_keeps_the_rest() {
        let sha = "dc0f2b6a9e1c4d7b8f0a2c3e5d6b7a8c9d0e1f2a";
        let cases: &[(&str, Option<&str>, &str)] = &[
            // The real files in ../shared/data.
            (
                "openvm_11de835_client-eth-metrics-vanilla",
                None,
                "openvm_client-eth-metrics-vanilla",
            ),
            (
                "openvm-reth-benchmark_01932bb_reth-example-segment",
                None,
                "openvm-reth-benchmark_reth-example-segment",
            ),
            ("openvm_a9d7984_custom_memcmp", None, "openvm_custom_memcmp"),
            (
                "openvm_a9d7984_default_memcmp",
                None,
                "openvm_default_memcmp",
            ),
            ("metrics.example", None, "metrics.example"),
            ("metrics.prev.example", None, "metrics.prev.example"),
            // Two powdr files at one commit stay two benchmarks, and the
            // same file at another commit is the same benchmark.
            (
                &format!("powdr_{sha}-256-metrics"),
                None,
                "powdr-256-metrics",
            ),
            (
                "powdr_7ca163f0b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6-10k-metrics",
                None,
                "powdr-10k-metrics",
            ),
            ("powdr_7ca163f-256-metrics", None, "powdr-256-metrics"),
            // A CI writing NAME-<sha>.json per commit.
            ("reth-3f2c1e9", None, "reth"),
            ("reth-3f2c1e9d", None, "reth"),
            ("3f2c1e9_reth", None, "reth"),
            ("reth_3f2c1e9_20261125", None, "reth"),
            // A short hash of all digits is dropped only when it begins
            // the run's commit.
            ("reth-1234567", Some("1234567abc"), "reth"),
            ("reth-1234567", None, "reth-1234567"),
            ("reth-1234567", Some("7654321"), "reth-1234567"),
            // Words and numbers that only look like hashes stay.
            ("fib-1000000", None, "fib-1000000"),
            ("fib-deadbeef", None, "fib-deadbeef"),
            ("fib-cafe123-too-long-not", None, "fib-too-long-not"),
            ("abc12", None, "abc12"),
            ("sha256-bench", None, "sha256-bench"),
            // The price of the rule: a name that looks like a hash goes.
            ("ed25519-bench", None, "bench"),
            (&format!("x-{sha}a"), None, &format!("x-{sha}a")),
            // Dates and times.
            ("fib_2026-11-25", None, "fib"),
            ("reth_2026-11-25T20:30:00Z", None, "reth"),
            ("fib_2026-11-25T20:30:00Z", None, "fib"),
            ("fib_2026-11-25T20:30:00.123Z_run", None, "fib_run"),
            ("fib-20261125", None, "fib"),
            ("fib-20261125T203000", None, "fib"),
            ("fib-20261125T203000Z", None, "fib"),
            ("fib-20261125203000", None, "fib"),
            ("fib-20:30:00", None, "fib"),
            ("2026-11-25_fib", None, "fib"),
            ("fib-20261345", None, "fib-20261345"),
            ("fib-2026-13-01", None, "fib-2026-13-01"),
            ("fib_12-2026", None, "fib_12-2026"),
            // Nothing left: the stem stays.
            ("a9d7984", None, "a9d7984"),
            ("_a9d7984", None, "_a9d7984"),
            ("-_a9d7984_", None, "-_a9d7984_"),
            ("2026-11-25", None, "2026-11-25"),
            ("", None, ""),
            ("fib", None, "fib"),
            ("ünïcode-a9d7984", None, "ünïcode"),
        ];
        for (stem, commit, expected) in cases {
            assert_eq!(
                &default_name(stem, *commit),
                expected,
                "{stem} at {commit:?}"
            );
        }
    }

    #[test]
    fn a_stem_of_hashes_and_dates_alone_is_recognised() {
        use super::only_hashes_and_dates;
        assert!(only_hashes_and_dates("a9d7984", None));
        assert!(only_hashes_and_dates("a9d7984_2026-11-25", None));
        assert!(only_hashes_and_dates("1234567", Some("1234567abc")));
        assert!(!only_hashes_and_dates("1234567", None));
        assert!(!only_hashes_and_dates("reth-a9d7984", None));
        assert!(!only_hashes_and_dates("", None));
    }

    proptest::proptest! {
        /// Any stem, any commit: no panic, never an empty name for a
        /// non-empty stem, and the name is made of the stem's own tokens in
        /// their order.
        #[test]
        fn any_stem_gives_a_name_made_of_its_own_tokens(
            stem in "([a-f0-9]{0,9}|[0-9:T]{0,6}|\\PC{0,4})([-_.]([a-f0-9]{0,9}|[0-9:TZ]{0,8}|\\PC{0,4})){0,6}",
            commit in proptest::option::of("[0-9a-f]{7,12}"),
        ) {
            let name = default_name(&stem, commit.as_deref());
            proptest::prop_assert_eq!(name.is_empty(), stem.is_empty());
            let stem_tokens: Vec<&str> = stem.split(['_', '-', '.']).collect();
            let mut rest = stem_tokens.iter();
            for token in name.split(['_', '-', '.']) {
                proptest::prop_assert!(rest.any(|t| *t == token), "{token} in {stem}");
            }
        }
    }
}

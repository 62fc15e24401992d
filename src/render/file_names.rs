//! Report file names: the one mapping from benchmark names (user data) to
//! the files a report writes, so that every benchmark gets distinct,
//! filesystem-safe files inside the output directory and the summary links
//! to the names actually written.

use std::collections::HashSet;

use xxhash_rust::xxh3::xxh3_64;

/// The summary `report` writes beside the per-benchmark files.
pub const SUMMARY_FILE: &str = "summary.md";
/// The Bencher Metric Format file `report` writes beside them.
pub const BMF_FILE: &str = "bmf.json";
/// The verdicts from history, as JSON, beside them.
pub const VERDICTS_FILE: &str = "verdicts.json";

/// Longest stem, in bytes, before it is cut and suffixed with a hash: well
/// under every file system's 255-byte name limit once `.detailed.md` and a
/// temporary file's prefix are added.
pub const MAX_STEM_BYTES: usize = 100;

/// Names Windows reserves for devices: a file called `nul.md` cannot be
/// created there, so a benchmark with such a name gets a hashed stem.
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The files of one benchmark's report, all in one directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFiles {
    /// `STEM.md`, or the file `compare -o` was given.
    pub main: String,
    /// `STEM.detailed.md`.
    pub detailed: String,
    /// `STEM.memory.svg`.
    pub memory_svg: String,
}

impl ReportFiles {
    fn for_stem(stem: &str) -> ReportFiles {
        ReportFiles {
            main: format!("{stem}.md"),
            detailed: format!("{stem}.detailed.md"),
            memory_svg: format!("{stem}.memory.svg"),
        }
    }

    /// The files beside a main file the user named (`compare -o FILE`):
    /// FILE's extension, if any, is replaced by `detailed.md` and
    /// `memory.svg`, so the siblings never equal the main file.
    pub fn beside(main: &str) -> ReportFiles {
        let stem = match main.rfind('.') {
            Some(dot) if dot > 0 => &main[..dot],
            _ => main,
        };
        ReportFiles {
            main: main.to_string(),
            detailed: format!("{stem}.detailed.md"),
            memory_svg: format!("{stem}.memory.svg"),
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.main, &self.detailed, &self.memory_svg]
    }
}

/// Stems `report` keeps for itself: a benchmark called `summary`, `bmf` or
/// `verdicts` would otherwise read as that file's companion.
pub const REPORT_STEMS: &[&str] = &["summary", "bmf", "verdicts"];

/// Files `report` writes besides the benchmarks' own.
pub const REPORT_FILES: &[&str] = &[SUMMARY_FILE, BMF_FILE, VERDICTS_FILE];

/// Assigns the report files of each name in `names` (returned in the same
/// order), distinct from each other, from the files in `taken` (files that
/// already belong to the directory: [`REPORT_FILES`], or `legacy`'s inputs)
/// and from the stems in `reserved`.
///
/// A name that is already a safe stem keeps it (`fibonacci` writes
/// `fibonacci.md`). A name with characters that had to be replaced, longer
/// than [`MAX_STEM_BYTES`], or whose files would collide (compared without
/// case, as macOS and Windows do) gets a stem cut to fit and suffixed with a
/// hash of the full name: `a/b` and `a_b` write `a_b-75860604.md` and
/// `a_b.md`. Names are visited in byte order, so the result does not
/// depend on the order the caller lists them in.
pub fn assign(names: &[&str], taken: &[&str], reserved: &[&str]) -> Vec<ReportFiles> {
    let mut files_in_use: HashSet<String> = taken.iter().map(|f| f.to_lowercase()).collect();
    let mut stems_in_use: HashSet<String> = reserved.iter().map(|s| s.to_lowercase()).collect();
    let free = |stem: &str, files: &HashSet<String>, stems: &HashSet<String>| {
        let lower = stem.to_lowercase();
        !stems.contains(&lower)
            && !DEVICE_NAMES.contains(&lower.as_str())
            && ReportFiles::for_stem(stem)
                .all()
                .iter()
                .all(|f| !files.contains(&f.to_lowercase()))
    };
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i]);
    let mut stems: Vec<Option<String>> = vec![None; names.len()];
    // Names that are safe as they are claim their stems first, so that a
    // clean name is never displaced by a lossy one.
    for &i in &order {
        let clean = safe_stem(names[i]);
        if clean == names[i]
            && clean.len() <= MAX_STEM_BYTES
            && free(&clean, &files_in_use, &stems_in_use)
        {
            claim(&clean, &mut files_in_use, &mut stems_in_use);
            stems[i] = Some(clean);
        }
    }
    for &i in &order {
        if stems[i].is_some() {
            continue;
        }
        let hashed = hashed_stem(names[i]);
        let mut stem = hashed.clone();
        let mut attempt = 2;
        while !free(&stem, &files_in_use, &stems_in_use) {
            stem = format!("{hashed}-{attempt}");
            attempt += 1;
        }
        claim(&stem, &mut files_in_use, &mut stems_in_use);
        stems[i] = Some(stem);
    }
    stems
        .into_iter()
        .map(|stem| ReportFiles::for_stem(&stem.expect("every name got a stem")))
        .collect()
}

fn claim(stem: &str, files: &mut HashSet<String>, stems: &mut HashSet<String>) {
    for file in ReportFiles::for_stem(stem).all() {
        files.insert(file.to_lowercase());
    }
    stems.insert(stem.to_lowercase());
}

/// `name` with every character but letters, digits, `-`, `_` and `.`
/// replaced by `_`, and leading dots dropped (no hidden files, no `..`).
fn safe_stem(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match cleaned.trim_start_matches('.') {
        "" => "benchmark".to_string(),
        rest => rest.to_string(),
    }
}

/// The safe stem cut to leave room for `-` and eight hex digits of the full
/// name's hash, so different names never share a hashed stem by accident.
fn hashed_stem(name: &str) -> String {
    let safe = safe_stem(name);
    let limit = MAX_STEM_BYTES - 9;
    let mut cut = safe.len().min(limit);
    while !safe.is_char_boundary(cut) {
        cut -= 1;
    }
    let hash = xxh3_64(name.as_bytes()) as u32;
    format!("{}-{hash:08x}", safe[..cut].trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mains(names: &[&str], taken: &[&str]) -> Vec<String> {
        assign(names, taken, &[])
            .into_iter()
            .map(|f| f.main)
            .collect()
    }

    #[test]
    fn safe_names_keep_their_name() {
        assert_eq!(
            mains(&["fibonacci", "reth-1.2", "ecrecover_program"], &[]),
            ["fibonacci.md", "reth-1.2.md", "ecrecover_program.md"]
        );
    }

    #[test]
    fn hostile_names_get_distinct_safe_files() {
        let long = "n".repeat(300);
        let long_other = format!("{}x", "n".repeat(299));
        let names = [
            "a/b",
            "a_b",
            "summary",
            "bmf",
            "x",
            "x.detailed",
            "../x",
            "..",
            "",
            "/etc/passwd",
            "X",
            "nul",
            "ünïcødé 名前",
            long.as_str(),
            long_other.as_str(),
            "a\\b",
            "a\0b",
        ];
        let assigned = assign(&names, REPORT_FILES, REPORT_STEMS);
        let mut every_file: Vec<String> = vec![SUMMARY_FILE.into(), BMF_FILE.into()];
        for files in &assigned {
            for file in files.all() {
                assert!(!file.contains('/') && !file.contains('\\') && !file.contains('\0'));
                assert!(
                    !file.starts_with('.'),
                    "{file} would be hidden or leave the dir"
                );
                assert!(
                    file.len() <= MAX_STEM_BYTES + ".detailed.md".len(),
                    "{file} is too long"
                );
                every_file.push(file.to_lowercase());
            }
        }
        let count = every_file.len();
        every_file.sort();
        every_file.dedup();
        assert_eq!(every_file.len(), count, "collision among {assigned:?}");
        // Clean names keep theirs; lossy and colliding ones are hashed.
        assert_eq!(assigned[1].main, "a_b.md");
        // `X` sorts first and keeps its name; `x` would collide with it on
        // a case-insensitive file system.
        assert_eq!(assigned[10].main, "X.md");
        assert!(assigned[4].main.starts_with("x-"));
        assert!(assigned[0].main.starts_with("a_b-"), "{:?}", assigned[0]);
        assert!(assigned[2].main.starts_with("summary-"));
        assert!(assigned[3].main.starts_with("bmf-"));
        assert!(assigned[5].main.starts_with("x.detailed-"));
        assert!(assigned[11].main.starts_with("nul-"));
        assert!(assigned[12].main.starts_with("ünïcødé_名前-"));
        assert!(assigned[13].main.starts_with(&"n".repeat(91)));
    }

    #[test]
    fn the_mapping_does_not_depend_on_the_order_of_names() {
        let forward = assign(&["a/b", "a_b", "x", "x.detailed"], &[], &[]);
        let backward = assign(&["x.detailed", "x", "a_b", "a/b"], &[], &[]);
        assert_eq!(forward[0], backward[3]);
        assert_eq!(forward[3], backward[0]);
    }

    #[test]
    fn cut_names_stay_on_character_boundaries() {
        let name = "é".repeat(200);
        let files = &assign(&[name.as_str()], &[], &[])[0];
        assert!(files.main.len() <= MAX_STEM_BYTES + 3);
        assert!(files.main.starts_with("éé"));
    }

    #[test]
    fn taken_files_are_never_reused() {
        // Legacy writes beside its inputs: an input named x.md must not be
        // overwritten by the report of x.json.
        assert!(mains(&["x"], &["x.md"])[0].starts_with("x-"));
        assert_eq!(mains(&["x"], &["x.json"]), ["x.md"]);
    }

    #[test]
    fn siblings_of_a_named_file_replace_its_extension() {
        let files = ReportFiles::beside("reth.md");
        assert_eq!(
            (files.detailed.as_str(), files.memory_svg.as_str()),
            ("reth.detailed.md", "reth.memory.svg")
        );
        let files = ReportFiles::beside("report");
        assert_eq!(files.detailed, "report.detailed.md");
        let files = ReportFiles::beside(".hidden");
        assert_eq!(files.detailed, ".hidden.detailed.md");
    }
}

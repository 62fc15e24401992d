//! `prof site`: every page parses as HTML5 and every SVG as XML, every
//! internal link resolves, hostile names stay escaped and inside the
//! output directory, and a rebuild writes only what changed.

use std::path::{Path, PathBuf};

use crate::flamegraph::walk;
use crate::support::{Sandbox, bundled, shared_data};

pub const HOSTILE: &str = "<script>alert('x')</script> \"q\" ../../etc 漢字 &amp;";

/// A history: fibonacci twice, reth twice and a hostile benchmark twice on
/// main, and one run on a PR branch that the site leaves out.
pub fn history(sandbox: &Sandbox) -> i64 {
    sandbox.ingest(
        &bundled("fibonacci.base.json"),
        &[
            "--commit",
            "aaa1",
            "--branch",
            "main",
            "--name",
            "fibonacci",
        ],
    );
    let reth = shared_data("openvm-reth-benchmark_01932bb_reth-example-segment.json");
    sandbox.ingest(
        &reth,
        &["--commit", "aaa1", "--branch", "main", "--name", "reth"],
    );
    let memcmp = shared_data("openvm_a9d7984_default_memcmp.json");
    let long = format!("{HOSTILE}{}", "x".repeat(10_000));
    sandbox.ingest(
        &memcmp,
        &["--commit", "aaa1", "--branch", "main", "--name", &long],
    );
    sandbox.ingest(
        &bundled("fibonacci.head.json"),
        &[
            "--commit",
            "bbb2",
            "--branch",
            "main",
            "--name",
            "fibonacci",
        ],
    );
    sandbox.ingest(
        &reth,
        &[
            "--commit", "bbb2", "--branch", "main", "--name", "reth", "--force",
        ],
    );
    sandbox.ingest(
        &memcmp,
        &[
            "--commit", "bbb2", "--branch", "main", "--name", &long, "--force",
        ],
    );
    sandbox.ingest(
        &bundled("fibonacci.head.json"),
        &[
            "--commit",
            "ccc3",
            "--branch",
            "pr-1",
            "--force",
            "--name",
            "fibonacci",
        ],
    )
}

pub fn build_site(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> String {
    let output = sandbox
        .prof()
        .arg("site")
        .arg("--out-dir")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    stderr
}

fn xml_ok(text: &str, what: &str) {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    if let Err(e) = roxmltree::Document::parse_with_options(text, options) {
        panic!("{what} is not well-formed XML: {e}");
    }
}

/// Parses every page and SVG, checks every internal link; returns the pages.
pub fn check_site(dir: &Path) -> Vec<PathBuf> {
    let files = walk(dir);
    let mut pages = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            relative
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)),
            "{relative}"
        );
        let text = std::fs::read_to_string(path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => xml_ok(&text, &relative),
            Some("html") => {
                let html = scraper::Html::parse_document(&text);
                assert!(html.errors.is_empty(), "{relative}: {:?}", html.errors);
                for svg in html.select(&scraper::Selector::parse("svg").unwrap()) {
                    xml_ok(&svg.html(), &format!("an inline chart of {relative}"));
                }
                let links = scraper::Selector::parse("[href], [src]").unwrap();
                for element in html.select(&links) {
                    let value = element.attr("href").or(element.attr("src")).unwrap();
                    if value.starts_with("data:") {
                        continue;
                    }
                    assert!(!value.contains("://"), "{relative} fetches {value}");
                    let target = path
                        .parent()
                        .unwrap()
                        .join(value.split('#').next().unwrap());
                    assert!(
                        target.is_file(),
                        "{relative} links to {value}, which is missing"
                    );
                    let target = target.canonicalize().unwrap();
                    assert!(target.starts_with(dir.canonicalize().unwrap()), "{value}");
                }
                assert!(!text.contains("<script"), "{relative} has no scripts");
                pages.push(path.clone());
            }
            _ => {}
        }
    }
    pages
}

#[test]
fn every_page_parses_and_every_link_resolves() {
    let sandbox = Sandbox::new();
    let pr_run = history(&sandbox);
    let dir = sandbox.path("site");
    let stderr = build_site(&sandbox, &dir, &[]);
    assert!(stderr.contains("wrote 11 of 11 pages"), "{stderr}");
    let pages = check_site(&dir);
    // index, three benchmark pages, six run pages; the PR run has none.
    assert_eq!(pages.len(), 10, "{pages:?}");
    assert!(!dir.join(format!("runs/{pr_run}.html")).exists());
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        assert!(
            !text.contains("<script>alert"),
            "{} shows a raw name",
            page.display()
        );
    }
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        index.contains("&lt;script&gt;alert("),
        "the hostile name is shown, escaped"
    );
    // The head run of fibonacci: the compare report with coloured diffs and
    // its flamegraphs; reth's run page says why it has none.
    let fib = std::fs::read_to_string(dir.join("runs/4.html")).unwrap();
    assert!(fib.contains("style='color: red'") || fib.contains("style=\"color: red\""));
    assert!(fib.contains("<table>"));
    let html = scraper::Html::parse_document(&fib);
    let flame_links = html
        .select(&scraper::Selector::parse("a[href]").unwrap())
        .filter(|a| a.attr("href").unwrap().starts_with("../flamegraphs/4/"))
        .count();
    assert_eq!(flame_links, 16, "two kinds, reversed too, four groups");
    let reth = std::fs::read_to_string(dir.join("runs/5.html")).unwrap();
    assert!(reth.contains("so it has no flamegraph"));
}

#[test]
fn a_rebuild_writes_only_what_changed_and_matches_a_fresh_build() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let dir = sandbox.path("site");
    build_site(&sandbox, &dir, &[]);
    let again = build_site(&sandbox, &dir, &[]);
    assert!(again.contains("wrote 0 of 11 pages"), "{again}");
    sandbox.ingest(
        &shared_data("openvm-reth-benchmark_01932bb_reth-example-segment.json"),
        &[
            "--commit", "ddd4", "--branch", "main", "--name", "reth", "--force",
        ],
    );
    let after = build_site(&sandbox, &dir, &[]);
    // The index, reth's page and the new run's page (of 11 pages and the
    // stylesheet).
    assert!(after.contains("wrote 3 of 12 pages"), "{after}");
    let fresh = sandbox.path("fresh");
    build_site(&sandbox, &fresh, &[]);
    let files = |d: &Path| {
        // The manifest's cached proof times may differ in the last bit: SQLite
        // sums a group's parts in plan order. Every page must be the same.
        let mut v: Vec<(PathBuf, Vec<u8>)> = walk(d)
            .into_iter()
            .filter(|p| !p.ends_with(".prof-site.json"))
            .map(|p| {
                (
                    p.strip_prefix(d).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert!(
        files(&dir) == files(&fresh),
        "an incremental build equals a fresh one"
    );
    // A page removed by hand comes back.
    std::fs::remove_file(dir.join("runs/1.html")).unwrap();
    let repaired = build_site(&sandbox, &dir, &[]);
    assert!(repaired.contains("wrote 1 of 12 pages"), "{repaired}");
}

#[test]
fn last_n_keeps_the_newest_runs_and_links_still_resolve() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let dir = sandbox.path("site");
    build_site(&sandbox, &dir, &["--last", "1", "--no-flamegraphs"]);
    let pages = check_site(&dir);
    assert_eq!(pages.len(), 7, "index, 3 benchmarks, 3 newest runs");
    assert!(dir.join("runs/4.html").is_file() && !dir.join("runs/1.html").exists());
    assert!(!dir.join("flamegraphs").exists() || walk(&dir.join("flamegraphs")).is_empty());
}

#[test]
fn bad_arguments_are_one_line_and_write_nothing() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let file = sandbox.write("a-file", "x");
    let output = sandbox
        .prof()
        .args(["site", "--out-dir"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let output = sandbox
        .prof()
        .args(["site", "--last", "0", "--out-dir", "s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!sandbox.path("s").exists());
    let empty = build_site(&sandbox, &sandbox.path("none"), &["--branch", "nope"]);
    assert!(empty.contains("no runs on branch nope"), "{empty}");
}

#[test]
fn control_characters_in_names_leave_every_page_and_svg_well_formed() {
    let sandbox = Sandbox::new();
    let name = "y\u{1b}[31m\u{1}";
    for (file, commit) in [
        ("fibonacci.base.json", "aaa1"),
        ("fibonacci.head.json", "bbb2"),
    ] {
        sandbox.ingest(
            &bundled(file),
            &["--commit", commit, "--branch", "main", "--name", name],
        );
    }
    let dir = sandbox.path("site");
    build_site(&sandbox, &dir, &[]);
    check_site(&dir);
    let report = sandbox.path("report");
    sandbox
        .prof()
        .args(["report", "--commit", "bbb2", "--out-dir"])
        .arg(&report)
        .assert()
        .success();
    let svgs: Vec<PathBuf> = walk(&report)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert!(svgs.len() > 1, "flamegraphs and the memory chart: {svgs:?}");
    for path in svgs.iter().chain(walk(&dir).iter()) {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| (c as u32) < 0x20 && !"\t\n\r".contains(c)),
            "{} holds a raw control character",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "svg") {
            xml_ok(&text, &path.display().to_string());
        }
    }
}

#[test]
fn a_backfilled_run_takes_its_place_in_time_not_in_ingest_order() {
    let sandbox = Sandbox::new();
    let ingest = |file: &str, commit: &str, time: &str| {
        sandbox.ingest(
            &bundled(file),
            &[
                "--name", "fib", "--branch", "main", "--commit", commit, "--time", time, "--force",
            ],
        )
    };
    let second = ingest("fibonacci.base.json", "bbb2", "2026-01-02T00:00:00Z");
    let newest = ingest("fibonacci.head.json", "ccc3", "2026-01-03T00:00:00Z");
    let backfilled = ingest("fibonacci.head.json", "aaa1", "2026-01-01T00:00:00Z");
    let dir = sandbox.path("site");
    build_site(&sandbox, &dir, &[]);
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    // Attribute values are HTML-escaped: `/` is `&#x2f;`.
    assert!(
        index.contains(&format!("runs&#x2f;{newest}.html")),
        "{index}"
    );
    assert!(
        !index.contains(&format!("runs&#x2f;{backfilled}.html")),
        "{index}"
    );
    // The backfilled run is the first: its page has no base; the run after
    // it in time compares against it.
    let first = std::fs::read_to_string(dir.join(format!("runs/{backfilled}.html"))).unwrap();
    let after = std::fs::read_to_string(dir.join(format!("runs/{second}.html"))).unwrap();
    assert!(!first.contains(&format!("\"{second}.html\"")), "{first}");
    assert!(after.contains(&format!("\"{backfilled}.html\"")), "{after}");
}

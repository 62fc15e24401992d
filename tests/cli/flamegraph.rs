//! `prof flamegraph` and the flamegraphs `report --out-dir` links: folded
//! stacks checked against stacks folded here from the raw JSON, SVGs that
//! parse as XML, hostile names kept inside the output directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Sandbox, shared_data};

/// The three flamegraphs as the issue defines them: stack keys, weights.
const KINDS: &[(&[&str], &[&str], &str)] = &[
    (
        &["cycle_tracker_span", "dsl_ir", "opcode"],
        &["frequency"],
        "frequency",
    ),
    (
        &["cycle_tracker_span", "dsl_ir", "opcode", "air_name"],
        &["cells_used"],
        "cells_used",
    ),
    (
        &["cell_tracker_span"],
        &["simple_advice_cells", "fixed_cells", "lookup_advice_cells"],
        "cells",
    ),
];

fn number(value: &Value) -> f64 {
    match value {
        Value::String(s) => s.parse().unwrap(),
        other => other.as_f64().unwrap(),
    }
}

/// Folds the counters of a metrics file by hand: group → stack → weight.
fn fold_json(
    path: &Path,
    keys: &[&str],
    metrics: &[&str],
    reverse: bool,
) -> BTreeMap<String, BTreeMap<String, f64>> {
    let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for entry in json["counter"].as_array().into_iter().flatten() {
        if !metrics.contains(&entry["metric"].as_str().unwrap()) {
            continue;
        }
        let mut labels: Vec<(String, String)> = Vec::new();
        for pair in entry["labels"].as_array().unwrap() {
            let key = pair[0].as_str().unwrap().to_string();
            // The first of a repeated key counts, as prof stores it.
            if !labels.iter().any(|(k, _)| *k == key) {
                labels.push((key, pair[1].as_str().unwrap().to_string()));
            }
        }
        let label = |key: &str| {
            labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let Some(group) = label("group") else {
            continue;
        };
        let mut frames: Vec<String> = Vec::new();
        for key in keys {
            match label(key) {
                Some(v) if key.ends_with("_span") => {
                    frames.extend(v.split(';').filter(|f| !f.is_empty()).map(str::to_string))
                }
                Some(v) => frames.push(v.replace(';', ":")),
                None => {}
            }
        }
        if frames.is_empty() {
            continue;
        }
        let frames: Vec<String> = frames
            .iter()
            .map(|f| {
                f.chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect()
            })
            .collect();
        let stack = if reverse {
            frames.iter().rev().cloned().collect::<Vec<_>>().join(";")
        } else {
            frames.join(";")
        };
        *out.entry(group).or_default().entry(stack).or_default() += number(&entry["value"]);
    }
    out
}

fn folded_lines(stacks: &BTreeMap<String, f64>) -> Vec<String> {
    stacks
        .iter()
        .filter(|(_, w)| w.round() >= 1.0)
        .map(|(s, w)| format!("{s} {}", w.round()))
        .collect()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.push(entry);
    }
    out.sort();
    out
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Every line of a `.folded` file.
fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

fn svg_title(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&text, options)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    doc.descendants()
        .find(|n| n.attribute("id") == Some("title"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn folded_stacks_equal_an_independent_fold_of_the_generated_file() {
    let sandbox = Sandbox::new();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fibonacci.base.json");
    sandbox.ingest(
        &file,
        &[
            "--commit",
            "c0ffee1234",
            "--branch",
            "main",
            "--name",
            "fibonacci",
        ],
    );
    let out = sandbox.path("fg");
    sandbox
        .prof()
        .args(["flamegraph", "fibonacci", "--reverse", "-o"])
        .arg(&out)
        .assert()
        .success();
    let mut expected_files = 0;
    for (keys, metrics, weight) in KINDS {
        for reverse in [false, true] {
            for (group, stacks) in fold_json(&file, keys, metrics, reverse) {
                let lines = folded_lines(&stacks);
                if lines.is_empty() {
                    continue;
                }
                let stem = format!(
                    "fibonacci.{group}.{}.{weight}{}",
                    keys.join("."),
                    if reverse { ".reverse" } else { "" }
                );
                let folded = out.join(format!("{stem}.folded"));
                assert_eq!(read_lines(&folded), lines, "{stem}");
                let title = svg_title(&out.join(format!("{stem}.svg")));
                for part in ["fibonacci", group.as_str(), weight, "c0ffee1234"] {
                    assert!(title.contains(part), "{title} lacks {part}");
                }
                expected_files += 2;
            }
        }
    }
    assert!(expected_files >= 8, "the generated file has opcode stacks");
    assert_eq!(files_in(&out).len(), expected_files, "no other files");
}

/// Entries with only some keys, nested spans, repeated stacks, the three
/// cell metrics, and names no file system or XML parser should see raw.
fn partial_keys_file(sandbox: &Sandbox) -> PathBuf {
    let long = "é".repeat(5_000);
    let counters = serde_json::json!({"counter": [
        {"labels": [["group", "app"], ["cycle_tracker_span", "outer;inner"], ["opcode", "ADD"]], "metric": "frequency", "value": "5"},
        {"labels": [["group", "app"], ["opcode", "ADD"], ["cycle_tracker_span", "outer;inner"]], "metric": "frequency", "value": "7"},
        {"labels": [["group", "app"], ["dsl_ir", "Load;Store"]], "metric": "frequency", "value": 3},
        {"labels": [["group", "app"], ["segment", "0"]], "metric": "frequency", "value": "100"},
        {"labels": [["group", "app"], ["air_name", "<script>alert(1)</script>"]], "metric": "cells_used", "value": "11"},
        {"labels": [["group", "app"], ["opcode", "MUL"], ["air_name", "Air\"'&"]], "metric": "cells_used", "value": "13"},
        {"labels": [["group", "../../escape"], ["opcode", long]], "metric": "frequency", "value": "2"},
        {"labels": [["group", "<b>halo2</b>"], ["cell_tracker_span", "verify;pairing"]], "metric": "simple_advice_cells", "value": "4"},
        {"labels": [["group", "<b>halo2</b>"], ["cell_tracker_span", "verify;pairing"]], "metric": "fixed_cells", "value": "6"},
        {"labels": [["group", "<b>halo2</b>"], ["cell_tracker_span", "verify"]], "metric": "lookup_advice_cells", "value": "1"},
        {"labels": [["group", "<b>halo2</b>"], ["other", "x"]], "metric": "fixed_cells", "value": "50"}
    ]});
    sandbox.write("partial.json", serde_json::to_vec(&counters).unwrap())
}

#[test]
fn entries_with_some_keys_and_hostile_names_fold_and_stay_inside() {
    let sandbox = Sandbox::new();
    let file = partial_keys_file(&sandbox);
    let name = "<script>x</script>/../\"bench\"";
    sandbox.ingest(
        &file,
        &["--commit", "abc", "--branch", "main", "--name", name],
    );
    let out = sandbox.path("out");
    let before: Vec<PathBuf> = files_in(sandbox.dir.path());
    sandbox
        .prof()
        .args(["flamegraph", "1", "--reverse", "-o"])
        .arg(&out)
        .assert()
        .success();
    let after: Vec<PathBuf> = files_in(sandbox.dir.path());
    let new: Vec<&PathBuf> = after
        .iter()
        .filter(|p| !before.contains(p) && !p.to_string_lossy().contains("prof.db"))
        .collect();
    assert!(
        new.iter().all(|p| p.starts_with(&out)),
        "written outside: {new:?}"
    );
    // Every expected stack is in exactly one .folded file, found by content.
    let mut all_folded: Vec<Vec<String>> = Vec::new();
    for path in files_in(&out) {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(file_name.len() < 200, "{file_name}");
        assert!(
            file_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "{file_name}"
        );
        if file_name.ends_with(".folded") {
            all_folded.push(read_lines(&path));
        } else {
            let title = svg_title(&path);
            assert!(
                title.contains(name),
                "the title shows the name as it is: {title}"
            );
        }
    }
    let mut expected: Vec<Vec<String>> = Vec::new();
    for (keys, metrics, _) in KINDS {
        for reverse in [false, true] {
            if reverse && keys.len() == 1 {
                continue;
            }
            for stacks in fold_json(&file, keys, metrics, reverse).values() {
                expected.push(folded_lines(stacks));
            }
        }
    }
    all_folded.sort();
    expected.sort();
    assert_eq!(all_folded, expected);
    assert!(expected.iter().flatten().any(|l| l == "outer;inner;ADD 12"));
    assert!(expected.iter().flatten().any(|l| l == "verify;pairing 10"));
}

#[test]
fn differential_lines_pair_base_and_head_weights() {
    let sandbox = Sandbox::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let base = data.join("fibonacci.base.json");
    let head = data.join("fibonacci.head.json");
    sandbox.ingest(
        &base,
        &["--commit", "aaa", "--branch", "main", "--name", "fibonacci"],
    );
    sandbox.ingest(
        &head,
        &["--commit", "bbb", "--branch", "main", "--name", "fibonacci"],
    );
    let out = sandbox.path("diff");
    sandbox
        .prof()
        .args(["flamegraph", "2", "--base", "1", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (keys, metrics, weight) = KINDS[0];
    let base_fold = fold_json(&base, keys, metrics, false);
    let head_fold = fold_json(&head, keys, metrics, false);
    for (group, head_stacks) in &head_fold {
        let empty = BTreeMap::new();
        let base_stacks = base_fold.get(group).unwrap_or(&empty);
        let stem = format!("fibonacci.{group}.{}.{weight}.diff", keys.join("."));
        let mut expected: Vec<String> = Vec::new();
        let stacks: std::collections::BTreeSet<&String> =
            head_stacks.keys().chain(base_stacks.keys()).collect();
        for stack in stacks {
            let b = base_stacks.get(stack).copied().unwrap_or(0.0).round();
            let h = head_stacks.get(stack).copied().unwrap_or(0.0).round();
            if b >= 1.0 || h >= 1.0 {
                expected.push(format!("{stack} {b} {h}"));
            }
        }
        assert_eq!(
            read_lines(&out.join(format!("{stem}.folded"))),
            expected,
            "{stem}"
        );
        let title = svg_title(&out.join(format!("{stem}.svg")));
        assert!(title.contains("aaa") && title.contains("bbb"), "{title}");
    }
}

#[test]
fn real_files_without_stack_labels_get_one_line_and_no_files() {
    let sandbox = Sandbox::new();
    for name in [
        "openvm-reth-benchmark_01932bb_reth-example-segment.json",
        "metrics.example.json",
        "openvm_a9d7984_default_memcmp.json",
    ] {
        let id = sandbox.ingest(&shared_data(name), &["--force"]);
        let out = sandbox.path(&format!("fg{id}"));
        let output = sandbox
            .prof()
            .args(["flamegraph", &id.to_string(), "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("no flamegraph"), "{stderr}");
        assert!(output.stdout.is_empty());
        assert!(files_in(&out).is_empty(), "{name}: no empty SVG");
    }
}

#[test]
fn report_out_dir_links_each_runs_flamegraphs_in_a_collapsed_list() {
    let sandbox = Sandbox::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    sandbox.ingest(
        &data.join("fibonacci.base.json"),
        &["--commit", "aaa", "--branch", "main", "--name", "fibonacci"],
    );
    sandbox.ingest(
        &data.join("fibonacci.head.json"),
        &["--commit", "bbb", "--branch", "pr", "--name", "fibonacci"],
    );
    sandbox.ingest(
        &shared_data("openvm_a9d7984_default_memcmp.json"),
        &["--commit", "bbb", "--branch", "pr"],
    );
    let out = sandbox.path("report");
    sandbox
        .prof()
        .args(["report", "--commit", "bbb", "--out-dir"])
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.join("fibonacci.md")).unwrap();
    let details = &md[md.find("<details>").expect("a collapsed list")..];
    assert!(details.contains("</details>"));
    let links: Vec<&str> = details
        .split("](")
        .skip(1)
        .map(|rest| &rest[..rest.find(')').unwrap()])
        .collect();
    assert!(links.len() >= 8, "{details}");
    for link in links {
        assert!(out.join(link).is_file(), "{link} resolves");
        assert!(link.starts_with("flamegraphs/") && link.ends_with(".svg"));
    }
    let others: Vec<PathBuf> = files_in(&out)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".md")
                && !name.contains("detailed")
                && name != "summary.md"
                && name != "fibonacci.md"
        })
        .collect();
    assert_eq!(others.len(), 1, "{others:?}");
    let memcmp = std::fs::read_to_string(&others[0]).unwrap();
    assert!(memcmp.contains("No flamegraphs:"), "one line saying why");
    assert!(!memcmp.contains("<details>"));
    // And off when asked.
    let quiet = sandbox.path("quiet");
    sandbox
        .prof()
        .args(["report", "--commit", "bbb", "--no-flamegraphs", "--out-dir"])
        .arg(&quiet)
        .assert()
        .success();
    assert!(!quiet.join("flamegraphs").exists());
}

//! `prof compare` and `prof show`: the numbers users know, valid Markdown
//! whatever the labels hold, snapshots of every format, byte-identical runs.

use predicates::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::semantics::{RunModel, close, diff_cell};
use crate::support::{Sandbox, shared_data};

const TIME: &str = "2026-01-02T03:04:05Z";

/// A sandbox holding the original's example pair, named as one benchmark
/// (the files' stems differ): run 1 = previous, run 2 = current.
pub(crate) fn example_pair() -> Sandbox {
    let sandbox = Sandbox::new();
    let name = ["--name", "ecrecover_program"];
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &[
            &["--commit", "prev000", "--branch", "main", "--time", TIME][..],
            &name,
        ]
        .concat(),
    );
    sandbox.ingest(
        &shared_data("metrics.example.json"),
        &[
            &["--commit", "curr111", "--branch", "main", "--time", TIME][..],
            &name,
        ]
        .concat(),
    );
    sandbox
}

/// Two configurations measured at one commit: two benchmarks by their file
/// names (`openvm_default_memcmp`, `openvm_custom_memcmp`), compared by id.
pub(crate) fn memcmp_pair() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &shared_data("openvm_a9d7984_default_memcmp.json"),
        &["--commit", "a9d7984", "--branch", "main", "--time", TIME],
    );
    sandbox.ingest(
        &shared_data("openvm_a9d7984_custom_memcmp.json"),
        &["--commit", "a9d7984", "--branch", "custom", "--time", TIME],
    );
    sandbox
}

/// Checks GitHub-flavoured Markdown the way a renderer sees it: every table
/// row has its header's cell count, and the only HTML is prof's own spans.
fn assert_valid_gfm(markdown: &str) {
    let mut in_table = false;
    let mut header_cells = 0usize;
    let mut row_cells = 0usize;
    let mut tables = 0usize;
    let mut rows = 0usize;
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                in_table = true;
                tables += 1;
                header_cells = alignments.len();
            }
            Event::End(TagEnd::Table) => in_table = false,
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => row_cells = 0,
            Event::Start(Tag::TableCell) => row_cells += 1,
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => {
                rows += 1;
                assert_eq!(
                    row_cells, header_cells,
                    "a row with the wrong cell count in:\n{markdown}"
                );
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let html = html.trim();
                assert!(
                    html == "</span>" || html.starts_with("<span style='color: "),
                    "unexpected HTML {html:?} (in_table: {in_table})"
                );
            }
            _ => {}
        }
    }
    // Every line that looks like a table row must have been parsed as one,
    // with as many unescaped pipes as its header: GFM would silently drop
    // extra cells, so count them in the text too.
    let mut expected_pipes = None;
    let mut raw_rows = 0usize;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            expected_pipes = None;
            continue;
        }
        raw_rows += 1;
        let pipes = unescaped_pipes(line);
        match expected_pipes {
            None => expected_pipes = Some(pipes),
            Some(n) => assert_eq!(pipes, n, "row with a different cell count: {line}"),
        }
    }
    // Delimiter rows are table lines but not table rows.
    assert_eq!(
        raw_rows,
        rows + tables,
        "every table line belongs to a parsed table"
    );
}

fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for ch in line.chars() {
        match ch {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if ch != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn the_example_pair_keeps_every_number_the_original_got_right() {
    let sandbox = example_pair();
    let markdown = sandbox.stdout(&["compare", "1", "2"]);
    let reference = std::fs::read_to_string(
        shared_data("SOURCES.md")
            .parent()
            .unwrap()
            .join("../reference/metrics.example.md"),
    )
    .expect("../shared/reference/metrics.example.md");
    // The reference got these rows right; each of its cells must appear in
    // prof's row for the same group and metric, diff included.
    let mut checked = 0;
    let mut group = String::new();
    for line in reference.lines() {
        if let Some(name) = line
            .strip_prefix("| ")
            .and_then(|l| l.strip_suffix(" |||||"))
        {
            group = name.to_string();
            continue;
        }
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let (metric, cells) = rest.split_once('`').unwrap();
        let metric = metric.trim();
        let cells: Vec<&str> = cells
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let ours = group_row(&markdown, &group, metric);
        for (i, cell) in cells.iter().enumerate() {
            assert_eq!(ours[i], *cell, "{group}/{metric} column {i}");
            checked += 1;
        }
    }
    assert_eq!(checked, 24, "six rows of four cells");
    let total = example_total_cell();
    assert!(
        markdown.contains(&format!("| Total | {total} |")),
        "{markdown}"
    );
    assert!(!markdown.contains("NaN"));
    assert_valid_gfm(&markdown);
}

/// The example pair's total proof time cell, from the SEMANTICS model.
fn example_total_cell() -> String {
    let base = RunModel::of(&shared_data("metrics.prev.example.json"));
    let head = RunModel::of(&shared_data("metrics.example.json"));
    diff_cell(base.serial_s, head.serial_s, 3)
}

/// The cells of `metric`'s row in `group`'s table of prof's Markdown.
fn group_row(markdown: &str, group: &str, metric: &str) -> Vec<String> {
    let heading = format!("### {}", group.replace('_', "\\_"));
    let section = markdown
        .split(&heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no table for {group}"));
    let line = section
        .lines()
        .find(|l| l.starts_with(&format!("| `{metric}` |")))
        .unwrap_or_else(|| panic!("no row {metric} in {group}"));
    line.trim_matches('|')
        .split(" | ")
        .skip(1)
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn snapshots_of_every_format_for_the_example_pair() {
    let sandbox = example_pair();
    insta::assert_snapshot!("example_md", sandbox.stdout(&["compare", "1", "2"]));
    // The JSON: `compare_json.rs`, its numbers against the model.
    insta::assert_snapshot!(
        "example_bmf",
        sandbox.stdout(&["compare", "1", "2", "--format", "bmf"])
    );
}

#[test]
fn snapshots_of_every_format_for_the_memcmp_pair() {
    let sandbox = memcmp_pair();
    let md = sandbox.stdout(&[
        "compare",
        "openvm_default_memcmp@main",
        "openvm_custom_memcmp@custom",
    ]);
    assert_valid_gfm(&md);
    insta::assert_snapshot!("memcmp_md", md);
    insta::assert_snapshot!(
        "memcmp_bmf",
        sandbox.stdout(&["compare", "1", "2", "--format", "bmf"])
    );
}

#[test]
fn bmf_matches_the_original_layout_with_the_corrected_totals() {
    let sandbox = example_pair();
    let bmf: serde_json::Value = sandbox.json(&["show", "2", "--format", "bmf"]);
    let model = RunModel::of(&shared_data("metrics.example.json"));
    let value = |v: &serde_json::Value| v.as_f64().unwrap_or_else(|| panic!("{v}"));
    let totals = &bmf["ecrecover_program"];
    assert!(close(
        value(&totals["total_proof_time"]["value"]),
        model.serial_s
    ));
    assert!(close(
        value(&totals["total_par_proof_time"]["value"]),
        model.parallel_s
    ));
    let app = &bmf["ecrecover_program::ecrecover_program"];
    // One trace_gen sample: its value is also its lower and upper value.
    let trace = model.sum("ecrecover_program", "trace_gen_time_ms");
    for bound in ["value", "lower_value", "upper_value"] {
        assert!(
            close(value(&app["trace_gen_time_ms"][bound]), trace),
            "{bound}"
        );
    }
    assert!(close(
        value(&app["main_cells_used::sum"]["value"]),
        model.sum("ecrecover_program", "main_cells_used")
    ));
    assert!(close(
        value(&app["total_proof_time_ms::sum"]["value"]),
        model.sum("ecrecover_program", "total_proof_time_ms")
    ));
    // Every measure the reference has, prof has with the same value, except
    // the proof totals the original got wrong.
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            shared_data("SOURCES.md")
                .parent()
                .unwrap()
                .join("../reference/bmf.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for (benchmark, measures) in reference.as_object().unwrap() {
        let ours_name = benchmark.replacen("example", "ecrecover_program", 1);
        for (measure, value) in measures.as_object().unwrap() {
            if measure.starts_with("total_") {
                continue;
            }
            assert_eq!(&bmf[&ours_name][measure], value, "{benchmark} {measure}");
        }
    }
}

#[test]
fn output_is_byte_identical_run_after_run() {
    let sandbox = memcmp_pair();
    for format in ["md", "json", "bmf"] {
        let first = sandbox.stdout(&["compare", "1", "2", "--format", format]);
        let second = sandbox.stdout(&["compare", "1", "2", "--format", format]);
        assert_eq!(first, second, "{format}");
    }
    // A second database built from the same files says the same.
    let again = memcmp_pair();
    assert_eq!(
        sandbox.stdout(&["compare", "1", "2"]),
        again.stdout(&["compare", "1", "2"])
    );
}

#[test]
fn bounded_parallel_deals_proofs_by_segment_and_idx_as_numbers() {
    let sandbox = Sandbox::new();
    // Five leaf proofs, listed out of order. In (segment, idx) order the
    // times are 1, 2, 3, 4, 100 (segment 10 after 2). Two provers get
    // [1 + 3 + 100, 2 + 4] = [104, 6]: the fullest slot is 104 ms.
    let entry = |segment: &str, idx: &str, ms: u32| {
        format!(
            r#"{{"labels": [["group", "leaf"], ["segment", "{segment}"], ["idx", "{idx}"]], "metric": "total_proof_time_ms", "value": "{ms}"}}"#
        )
    };
    let file = sandbox.write(
        "leaf.json",
        format!(
            r#"{{"gauge": [{}, {}, {}, {}, {}]}}"#,
            entry("10", "0", 100),
            entry("2", "0", 3),
            entry("1", "1", 2),
            entry("2", "1", 4),
            entry("1", "0", 1)
        ),
    );
    sandbox.ingest(&file, &[]);
    let json: serde_json::Value = sandbox.json(&[
        "show",
        "1",
        "--format",
        "json",
        "--num-devices",
        "1",
        "--proofs-per-device",
        "2",
    ]);
    assert_eq!(json["totals"]["provers"], 2);
    assert_eq!(json["totals"]["bounded_s"]["value"], 0.104);
    assert_eq!(json["totals"]["serial_s"]["value"], 0.11);
    assert_eq!(json["totals"]["parallel_s"]["value"], 0.1);
    let three: serde_json::Value = sandbox.json(&[
        "show",
        "1",
        "--format",
        "json",
        "--num-devices",
        "3",
        "--proofs-per-device",
        "1",
    ]);
    // Three provers: [1 + 4, 2 + 100, 3] → 102 ms.
    assert_eq!(three["totals"]["bounded_s"]["value"], 0.102);
}

#[test]
fn groups_and_metrics_on_one_side_only_are_new_or_removed() {
    let sandbox = Sandbox::new();
    let base = sandbox.write(
        "base.json",
        r#"{"gauge": [{"labels": [["group", "app"]], "metric": "old_metric_ms", "value": "5"},
                      {"labels": [["group", "app"]], "metric": "trace_gen_time_ms", "value": "10"},
                      {"labels": [["group", "root"]], "metric": "total_proof_time_ms", "value": "7"}]}"#,
    );
    let head = sandbox.write(
        "head.json",
        r#"{"gauge": [{"labels": [["group", "app"]], "metric": "new_metric_ms", "value": "6"},
                      {"labels": [["group", "app"]], "metric": "trace_gen_time_ms", "value": "0"},
                      {"labels": [["group", "leaf"]], "metric": "total_proof_time_ms", "value": "9"}]}"#,
    );
    sandbox.ingest(&base, &["--name", "b"]);
    sandbox.ingest(&head, &["--name", "b"]);
    let markdown = sandbox.stdout(&["compare", "1", "2", "--all-metrics"]);
    assert_valid_gfm(&markdown);
    assert!(!markdown.contains("NaN"), "{markdown}");
    assert!(markdown.contains("### leaf (new)"), "{markdown}");
    assert!(markdown.contains("### root (removed)"), "{markdown}");
    assert!(
        markdown.contains("| `new_metric_ms` | <span style='color: blue'>(new)</span> 6 |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| `old_metric_ms` | <span style='color: gray'>(removed)</span> ~~5~~ |"),
        "{markdown}"
    );
    let json: serde_json::Value = sandbox.json(&["compare", "1", "2", "--format", "json"]);
    let groups = json["groups"].as_array().unwrap();
    let change = |name: &str| groups.iter().find(|g| g["name"] == name).unwrap()["change"].clone();
    assert_eq!(change("leaf"), "new");
    assert_eq!(change("root"), "removed");
    assert_eq!(change("app"), "none");
}

#[test]
fn hostile_labels_and_names_cannot_break_a_table_or_inject_html() {
    let sandbox = Sandbox::new();
    let long = "x".repeat(10_000);
    let entries = [
        (r#"a|b"#, "pipe|metric"),
        (r#"`tick`"#, "back`tick"),
        (r#"<script>alert(1)</script>"#, "<script>m</script>"),
        ("line\nbreak", "metric with spaces/and/slashes"),
        (long.as_str(), "long"),
        ("ünï©ødé ✓", "unicode_ms"),
    ];
    let gauges: Vec<String> = entries
        .iter()
        .map(|(label, metric)| {
            serde_json::json!({"labels": [["group", "app"], ["air_name", label]], "metric": metric, "value": "1"}).to_string()
        })
        .collect();
    let file = sandbox.write(
        "hostile.json",
        format!(r#"{{"gauge": [{}]}}"#, gauges.join(",")),
    );
    sandbox.ingest(&file, &["--name", "evil|<b>name</b>"]);
    let out = sandbox.path("h.md");
    sandbox
        .prof()
        .args(["show", "1", "--all-metrics", "-o"])
        .arg(&out)
        .assert()
        .success();
    for path in [out.clone(), sandbox.path("h.detailed.md")] {
        let markdown = std::fs::read_to_string(&path).unwrap();
        assert_valid_gfm(&markdown);
        assert!(!markdown.contains("<script>"), "{}", path.display());
        assert!(!markdown.contains("<b>"), "{}", path.display());
    }
    let json: serde_json::Value = sandbox.json(&["show", "1", "--format", "json"]);
    assert_eq!(
        json["name"], "evil|<b>name</b>",
        "JSON keeps the text as it is"
    );
}

#[test]
fn output_files_sit_beside_each_other_with_the_chart() {
    let sandbox = Sandbox::new();
    let gpu: Vec<String> = (0..4)
        .flat_map(|i| {
            [
                ("gpu_mem.timestamp_ms", 1000.0 * f64::from(i)),
                ("gpu_mem.current_bytes", 1e9 * f64::from(i + 1)),
                ("gpu_mem.local_peak_bytes", 2e9 * f64::from(i + 1)),
                ("gpu_mem.reserved_bytes", 3e9),
            ]
            .map(|(metric, value)| {
                serde_json::json!({
                    "labels": [["group", "app"], ["segment", i.to_string()], ["module", if i % 2 == 0 { "tracegen" } else { "prover" }]],
                    "metric": metric, "value": value.to_string()
                })
                .to_string()
            })
        })
        .collect();
    let file = sandbox.write("gpu.json", format!(r#"{{"gauge": [{}]}}"#, gpu.join(",")));
    sandbox.ingest(&file, &["--name", "reth"]);
    sandbox
        .prof()
        .args(["show", "reth", "-o", "reth.md"])
        .assert()
        .success()
        .stdout("");
    let main = std::fs::read_to_string(sandbox.path("reth.md")).unwrap();
    assert!(
        main.contains("![GPU memory usage](reth.memory.svg)"),
        "{main}"
    );
    assert!(main.contains("Detailed metrics: [reth.detailed.md](reth.detailed.md)"));
    assert!(
        main.contains("| prover | 7.45 | app.3 |"),
        "peak 8e9 B = 7.45 GB at segment 3: {main}"
    );
    let svg = std::fs::read_to_string(sandbox.path("reth.memory.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("<path d=\"M60.0,"), "{svg}");
    assert!(sandbox.path("reth.detailed.md").is_file());
}

#[test]
fn templates_can_be_overridden_by_name() {
    let sandbox = example_pair();
    let dir = sandbox.path("tpl");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("compare.md.j2"),
        "custom {{ report.name }}: {{ report.totals.serial_s | cell(3) }}\n",
    )
    .unwrap();
    let text = sandbox.stdout(&["compare", "1", "2", "--templates", dir.to_str().unwrap()]);
    assert_eq!(
        text,
        format!("custom ecrecover_program: {}\n", example_total_cell())
    );
    std::fs::write(dir.join("compare.md.j2"), "{% for x in %}").unwrap();
    sandbox
        .prof()
        .args(["compare", "1", "2", "--templates", dir.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "template compare.md.j2:1: syntax error",
        ));
}

#[test]
fn metric_selection_chooses_the_rows() {
    let sandbox = example_pair();
    let only = sandbox.stdout(&["show", "2", "--metrics", "rows,trace_gen_time_ms"]);
    assert!(only.contains("| `rows` |") && only.contains("| `trace_gen_time_ms` |"));
    assert!(!only.contains("| `main_cells_used` |"));
    let rows_at = only.find("| `rows` |").unwrap();
    assert!(
        rows_at < only.find("| `trace_gen_time_ms` |").unwrap(),
        "in the order given"
    );
    let all = sandbox.stdout(&["show", "2", "--all-metrics"]);
    assert!(all.contains("| `quotient_deg` |"));
    sandbox
        .prof()
        .args(["show", "2", "--metrics", "a", "--all-metrics"])
        .assert()
        .code(2);
}

#[test]
fn run_references_resolve_or_list_the_candidates() {
    let sandbox = example_pair();
    let by_ref = sandbox.stdout(&[
        "compare",
        "ecrecover_program@main~1",
        "ecrecover_program@curr",
    ]);
    assert_eq!(by_ref, sandbox.stdout(&["compare", "1", "2"]));
    assert_eq!(
        sandbox.stdout(&["show", "latest"]),
        sandbox.stdout(&["show", "2"])
    );
    sandbox
        .prof()
        .args(["compare", "1", "nope"])
        .assert()
        .code(2)
        .stderr("prof: no benchmark named `nope` (known: ecrecover_program)\n");
    sandbox
        .prof()
        .args(["compare", "1", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no run 9 (runs are 1 to 2"));
}

//! `--format text`, the PR summary's layout, and the small number and
//! message fixes users met: signed tiny diffs, zero totals, the summary's
//! app proof time and help pointers, on small hand-made runs whose numbers
//! follow from their few samples.

use predicates::prelude::*;

use crate::support::Sandbox;

/// An app group `app` with one proof (execution 2 ms, trace generation
/// `trace_ms`, proving 3 ms, so `total_proof_time_ms` = 5 + `trace_ms`), a
/// metered execution of 100 ms in a label set of its own, and `rows` as a
/// gauge.
fn run_file(sandbox: &Sandbox, file: &str, trace_ms: f64, rows: f64) -> std::path::PathBuf {
    sandbox.write(
        file,
        format!(
            r#"{{"gauge": [
 {{"labels": [["group", "app"], ["segment", "0"]], "metric": "execute_time_ms", "value": "2"}},
 {{"labels": [["group", "app"], ["segment", "0"]], "metric": "trace_gen_time_ms", "value": "{trace_ms}"}},
 {{"labels": [["group", "app"], ["segment", "0"]], "metric": "stark_prove_excluding_trace_time_ms", "value": "3"}},
 {{"labels": [["group", "app"]], "metric": "execute_metered_time_ms", "value": "100"}},
 {{"labels": [["group", "app"], ["segment", "0"]], "metric": "rows", "value": "{rows}"}}]}}"#
        ),
    )
}

fn pair(base_trace: f64, head_trace: f64) -> Sandbox {
    let sandbox = Sandbox::new();
    let base = run_file(&sandbox, "base.json", base_trace, 1.0);
    let head = run_file(&sandbox, "head.json", head_trace, 0.997);
    let time = ["--time", "2026-01-02T03:04:05Z"];
    sandbox.ingest(
        &base,
        &[
            &[
                "--name", "bench", "--commit", "aaaa1111", "--branch", "main",
            ],
            &time[..],
        ]
        .concat(),
    );
    sandbox.ingest(
        &head,
        &[
            &["--name", "bench", "--commit", "bbbb2222", "--branch", "pr"],
            &time[..],
        ]
        .concat(),
    );
    sandbox
}

#[test]
fn text_format_prints_aligned_tables_without_html_or_colour_in_a_pipe() {
    let sandbox = pair(10.0, 20.0);
    let text = sandbox.stdout(&["compare", "1", "2", "--format", "text"]);
    assert!(
        !text.contains('<') && !text.contains('|') && !text.contains('\x1b'),
        "{text}"
    );
    assert!(
        text.starts_with("bench\nHead: run 2 at bbbb2222 on pr"),
        "{text}"
    );
    // Serial: 5 + 20 ms of proofs + 100 ms metered = 0.125 s against 0.115.
    let total = text.lines().find(|l| l.starts_with("Total")).unwrap();
    assert!(total.contains("(+0.010 [+8.7%]) 0.125"), "{total}");
    // Columns line up: every cell of the metric table ends where its
    // header ends.
    let header = text.lines().find(|l| l.starts_with("metric")).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("trace_gen_time_ms"))
        .unwrap();
    assert_eq!(
        header.find("avg").unwrap() + 3,
        row.find(" 20").unwrap() + 3,
        "{text}"
    );
    assert!(row.contains("(+10 [+100.0%]) 20"), "{row}");
    // NO_COLOR or not, a pipe gets no escapes; a file gets the same text.
    let again = sandbox
        .prof()
        .env("NO_COLOR", "1")
        .args(["compare", "1", "2", "--format", "text"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    sandbox.stdout(&["compare", "1", "2", "--format", "text", "-o", "out.txt"]);
    assert_eq!(
        std::fs::read_to_string(sandbox.path("out.txt")).unwrap(),
        text
    );
    let show = sandbox.stdout(&["show", "2", "--format", "text"]);
    assert!(
        show.contains("trace_gen_time_ms") && !show.contains("Base:"),
        "{show}"
    );
}

#[test]
fn report_prints_its_summary_as_text() {
    let sandbox = pair(20.0, 10.0);
    let text = sandbox.stdout(&["report", "--commit", "bbbb", "--format", "text"]);
    assert!(!text.contains('<') && !text.contains('|'), "{text}");
    assert!(
        text.starts_with("Head bbbb2222, baseline aaaa1111.\n"),
        "{text}"
    );
    let row = text.lines().find(|l| l.starts_with("bench ")).unwrap();
    // App proof time is the sum of total_proof_time_ms: 5 + 10 ms, the
    // metered execution left out.
    assert!(row.contains("(-10 [-40.0%]) 15"), "{row}");
    assert!(
        text.contains("\nNothing regressed: no verdict on ")
            && text.ends_with(" series found a regression.\n"),
        "{text}"
    );
    // With --out-dir the files are Markdown and the terminal still gets text.
    let with_files = sandbox.stdout(&[
        "report",
        "--commit",
        "bbbb",
        "--format",
        "text",
        "--out-dir",
        "out",
    ]);
    assert_eq!(with_files, text);
    let summary = std::fs::read_to_string(sandbox.path("out/summary.md")).unwrap();
    assert!(summary.contains("| benchmark |"), "{summary}");
}

#[test]
fn the_summary_names_its_commits_and_says_when_nothing_regressed() {
    let faster = pair(20.0, 10.0);
    let summary = faster.stdout(&["report", "--commit", "bbbb", "--fail-above", "5"]);
    assert!(
        summary.starts_with("### Regressions\n")
            && summary.contains("\nHead `bbbb2222`, baseline `aaaa1111`.\n\n| benchmark |"),
        "{summary}"
    );
    // SEMANTICS #6: the app's proof_time_ms is the sum of its
    // total_proof_time_ms, 5 + 10 = 15 against 5 + 20 = 25.
    assert!(
        summary.contains("| bench | <span style='color: green'>(-10 [-40.0%])</span> 15 |"),
        "{summary}"
    );
    // The totals are a table: 0.115 s serial against 0.125 s.
    assert!(
        summary.contains(
            "| benchmark | proof time (s) | parallel proof time (s) |\n|:---|---:|---:|\n"
        )
    );
    assert!(
        summary.contains("| bench | <span style='color: green'>(-0.010 [-8.0%])</span> 0.115 |"),
        "{summary}"
    );
    assert!(
        summary.contains("\nNothing regressed: no verdict on ")
            && summary.ends_with(
                " series found a regression, and no total or headline time got slower by more than 5%.\n"
            ),
        "{summary}"
    );
    let slower = pair(10.0, 20.0);
    let summary = slower.stdout(&["report", "--commit", "bbbb"]);
    assert!(!summary.contains("Nothing regressed"), "{summary}");
}

#[test]
fn a_negative_diff_too_small_for_its_places_keeps_its_sign() {
    let sandbox = pair(10.0, 10.0);
    let markdown = sandbox.stdout(&["compare", "1", "2", "--all-metrics"]);
    // rows went from 1 to 0.997: -0.003, -0.3%, better.
    let row = markdown
        .lines()
        .find(|l| l.starts_with("| `rows` |"))
        .unwrap();
    assert!(
        row.contains("<span style='color: green'>(-0.003 [-0.3%])</span> 1"),
        "{row}"
    );
}

#[test]
fn a_run_without_proof_time_totals_zero_not_minus_zero() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "counters.json",
        r#"{"counter": [{"labels": [["group", "app"]], "metric": "rows", "value": "8"}]}"#,
    );
    sandbox.ingest(&file, &[]);
    let json = sandbox.stdout(&["show", "1", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["totals"]["serial_s"]["value"].to_string(), "0.0");
    assert!(!json.contains("-0.0"), "{json}");
    let bmf = sandbox.stdout(&["show", "1", "--format", "bmf"]);
    assert!(
        bmf.contains("\"value\": 0.0") && !bmf.contains("-0.0"),
        "{bmf}"
    );
}

#[test]
fn an_argument_error_points_at_the_subcommands_help() {
    let sandbox = Sandbox::new();
    sandbox
        .prof()
        .args(["compare", "1"])
        .assert()
        .code(2)
        .stderr("prof: the following required arguments were not provided: <HEAD> (see `prof compare --help`)\n");
    sandbox
        .prof()
        .args(["runs", "--limit", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with("(see `prof runs --help`)\n"));
    sandbox
        .prof()
        .args(["--bogus"])
        .assert()
        .code(2)
        .stderr(predicate::str::ends_with("(see `prof --help`)\n"));
}

/// `prof ARGS` on a pseudo-terminal, through util-linux's `script` (in
/// Debian's essential `bsdutils`), with `NO_COLOR` set to `no_color`.
fn on_a_terminal(sandbox: &Sandbox, args: &str, no_color: &str) -> String {
    let prof = assert_cmd::cargo::cargo_bin("prof");
    let output = std::process::Command::new("script")
        .current_dir(sandbox.dir.path())
        .env("PROF_DB", sandbox.db())
        .env("NO_COLOR", no_color)
        .args(["-qec", &format!("{} {args}", prof.display()), "/dev/null"])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "this test runs prof on a terminal through `script` (apt-get install bsdutils): {e}"
            )
        });
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn diffs_are_coloured_on_a_terminal_unless_no_color_is_set() {
    let sandbox = pair(10.0, 20.0);
    let colored = on_a_terminal(&sandbox, "compare 1 2 --format text", "");
    let total = colored.lines().find(|l| l.starts_with("Total")).unwrap();
    // Worse is red: the diff cell is wrapped in a red foreground escape.
    assert!(
        total.contains("\x1b[38;5;9m(+0.010 [+8.7%]) 0.125\x1b[39m"),
        "{total:?}"
    );
    let plain = on_a_terminal(&sandbox, "compare 1 2 --format text", "1");
    assert!(!plain.contains('\x1b'), "{plain:?}");
    // Apart from the colour (and the terminal's line ends) the text is
    // the same as in a pipe.
    let piped = sandbox.stdout(&["compare", "1", "2", "--format", "text"]);
    assert_eq!(plain.replace("\r\n", "\n"), piped);
    // Markdown stays Markdown on a terminal.
    let markdown = on_a_terminal(&sandbox, "compare 1 2", "");
    assert!(markdown.contains("<span style='color: red'>") && !markdown.contains('\x1b'));
}

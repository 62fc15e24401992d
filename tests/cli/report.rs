//! `prof report`, `prof trend` and `prof legacy` over a small history:
//! two branches, several commits, a benchmark that appears later and a run
//! ingested twice.

use predicates::prelude::*;

use crate::semantics::{RunModel, change_pct, close, diff_cell, number};
use crate::support::{Sandbox, Succeeds, bundled, shared_data};

/// The files the history stores as ecrecover (base, head) and memcmp.
const ECRECOVER_BASE: &str = "metrics.prev.example.json";
const ECRECOVER_HEAD: &str = "metrics.example.json";
const MEMCMP_BASE: &str = "openvm_a9d7984_default_memcmp.json";
const MEMCMP_HEAD: &str = "openvm_a9d7984_custom_memcmp.json";
/// memcmp's one app group.
const MEMCMP_APP: &str = "random_slice_comparison";

/// What SEMANTICS says of a file in `../shared/data`, computed by the
/// independent model in `semantics.rs`.
fn model(file: &str) -> RunModel {
    RunModel::of(&shared_data(file))
}

/// ecrecover's app proof time, the summary's first column.
fn ecrecover_app_ms(model: &RunModel) -> f64 {
    model.sum("ecrecover_program", "total_proof_time_ms")
}

/// Run ids: 1 ecrecover@c1 main, 2 memcmp@c1 main, 3 ecrecover@c2 pr,
/// 4 memcmp@c2 pr (about 10% slower), 5 reth@c2 pr (new), 6 ecrecover@c3
/// main (ingested after the PR's runs), 7 fibonacci@c1 main and 8
/// fibonacci@c2 pr (the generator's base and head).
fn history() -> Sandbox {
    let sandbox = Sandbox::new();
    let ingest = |file: &str, extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["--time", "2026-02-03T04:05:06Z"]);
        sandbox.ingest(&shared_data(file), &args)
    };
    let c1 = ["--commit", "c1c1c1c1", "--branch", "main"];
    let c2 = ["--commit", "c2c2c2c2", "--branch", "pr-7"];
    let c3 = ["--commit", "c3c3c3c3", "--branch", "main"];
    // The example pair's stems differ: --name makes them one benchmark.
    let ecrecover = ["--name", "ecrecover_program"];
    let memcmp = ["--name", "memcmp"];
    let reth = ["--name", "reth"];
    for (file, commit, name, id) in [
        (ECRECOVER_BASE, c1, ecrecover, 1),
        (MEMCMP_BASE, c1, memcmp, 2),
        (ECRECOVER_HEAD, c2, ecrecover, 3),
        (MEMCMP_HEAD, c2, memcmp, 4),
        (
            "openvm-reth-benchmark_01932bb_reth-example-segment.json",
            c2,
            reth,
            5,
        ),
        // The same file again for the same commit: no new run.
        (ECRECOVER_HEAD, c2, ecrecover, 3),
        (ECRECOVER_HEAD, c3, ecrecover, 6),
    ] {
        assert_eq!(ingest(file, &[&commit[..], &name].concat()), id, "{file}");
    }
    // The generator's pair: base on main at c1, head on the PR at c2.
    let generated = |file: &str, commit: &[&str]| {
        sandbox.ingest(
            &bundled(file),
            &[
                commit,
                &["--time", "2026-02-03T04:05:06Z", "--name", "fibonacci"],
            ]
            .concat(),
        )
    };
    assert_eq!(generated("fibonacci.base.json", &c1), 7);
    assert_eq!(generated("fibonacci.head.json", &c2), 8);
    sandbox
}

#[test]
fn baselines_come_from_the_base_branch_before_the_head_run() {
    let sandbox = history();
    let summary = sandbox.stdout(&[
        "report",
        "--commit",
        "c2c2",
        "--results-link",
        "https://ci.example/r/c2",
    ]);
    // ecrecover: run 3 against run 1 (run 6 on main came later), memcmp: 4
    // against 2, reth: new.
    let (base, head) = (model(ECRECOVER_BASE), model(ECRECOVER_HEAD));
    let ecrecover = diff_cell(ecrecover_app_ms(&base), ecrecover_app_ms(&head), 0);
    assert!(
        summary.contains(&format!(
            "| [ecrecover\\_program](https://ci.example/r/c2/ecrecover_program.md) | {ecrecover} |"
        )),
        "{summary}"
    );
    assert!(
        summary.contains("| [reth (new)](https://ci.example/r/c2/reth.md) |"),
        "{summary}"
    );
    let (memcmp_base, memcmp_head) = (model(MEMCMP_BASE), model(MEMCMP_HEAD));
    let serial = diff_cell(memcmp_base.serial_s, memcmp_head.serial_s, 3);
    let parallel = diff_cell(memcmp_base.parallel_s, memcmp_head.parallel_s, 3);
    assert!(
        summary.contains(&format!("| memcmp | {serial} | {parallel} |")),
        "{summary}"
    );
    // The main run c3: its baseline is the previous main run, c1.
    let main = sandbox.stdout(&["report", "--commit", "c3"]);
    assert!(
        main.contains(&format!("| ecrecover\\_program | {ecrecover} |")),
        "{main}"
    );
}

#[test]
fn a_baseline_commit_overrides_the_branch() {
    let sandbox = history();
    // Against c3 (same content as c2's ecrecover): no change; memcmp and reth
    // have no run at c3 and are new.
    let summary = sandbox.stdout(&["report", "--commit", "c2c2c2c2", "--baseline-commit", "c3"]);
    let head = number(ecrecover_app_ms(&model(ECRECOVER_HEAD)), 0);
    assert!(
        summary.contains(&format!("| ecrecover\\_program | {head} |")),
        "{summary}"
    );
    assert!(summary.contains("| memcmp (new) |"), "{summary}");
    let (code, _, stderr) = sandbox.run(&["report", "--commit", "c", "--base-branch", "main"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "--commit c is ambiguous: c1c1c1c1 (3 runs), c2c2c2c2 (4 runs), c3c3c3c3 (1 run)"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = sandbox.run(&["report", "--commit", "ffff"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no runs at a commit starting with ffff"),
        "{stderr}"
    );
}

#[test]
fn out_dir_holds_the_summary_every_report_and_one_bmf() {
    let sandbox = history();
    let (code, stdout, stderr) = sandbox.run(&[
        "report",
        "--commit",
        "c2",
        "--out-dir",
        "out",
        "--results-link",
        "https://ci.example/r",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let out = sandbox.path("out");
    for file in [
        "summary.md",
        "bmf.json",
        "ecrecover_program.md",
        "ecrecover_program.detailed.md",
        "memcmp.md",
        "reth.md",
        "reth.detailed.md",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    insta::assert_snapshot!(
        "history_summary",
        std::fs::read_to_string(out.join("summary.md")).unwrap()
    );
    let bmf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bmf.json")).unwrap()).unwrap();
    let names: Vec<&String> = bmf
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| !k.contains("::"))
        .collect();
    assert_eq!(names, ["ecrecover_program", "fibonacci", "memcmp", "reth"]);
    let fibonacci = std::fs::read_to_string(out.join("fibonacci.md")).unwrap();
    assert!(fibonacci.contains("![GPU memory usage](fibonacci.memory.svg)"));
    assert!(fibonacci.contains("### Instruction counts"));
    let memcmp_s = bmf["memcmp"]["total_proof_time"]["value"].as_f64().unwrap();
    assert!(close(memcmp_s, model(MEMCMP_HEAD).serial_s), "{memcmp_s}");
    insta::assert_snapshot!(
        "history_bmf_memcmp",
        serde_json::to_string_pretty(&bmf["memcmp::random_slice_comparison"]).unwrap()
    );
}

#[test]
fn fail_above_fails_on_slowdowns_only() {
    let sandbox = history();
    let (code, stdout, stderr) = sandbox.run(&["report", "--commit", "c2", "--fail-above", "5"]);
    assert_eq!(code, 1, "memcmp is 9.7% slower: {stderr}");
    // The "Regressions" section of verdicts from history comes first, then
    // the --fail-above warning.
    assert!(stdout.starts_with("### Regressions\n"), "{stdout}");
    assert!(stdout.contains("\n> [!WARNING]\n> "), "{stdout}");
    let (memcmp_base, memcmp_head) = (model(MEMCMP_BASE), model(MEMCMP_HEAD));
    let (ecrecover_base, ecrecover_head) = (model(ECRECOVER_BASE), model(ECRECOVER_HEAD));
    // A row of the warning's table: before, after, change.
    let moved = |base: f64, head: f64, decimals: usize| {
        format!(
            "| {} | {} | {} |",
            number(base, decimals),
            number(head, decimals),
            change_pct(base, head)
        )
    };
    let serial = moved(memcmp_base.serial_s, memcmp_head.serial_s, 2);
    assert!(
        stdout.contains(&format!("| memcmp | total | `serial_s` {serial}")),
        "{stdout}"
    );
    let prove = "stark_prove_excluding_trace_time_ms";
    let memcmp_prove = moved(
        memcmp_base.sum(MEMCMP_APP, prove),
        memcmp_head.sum(MEMCMP_APP, prove),
        0,
    );
    assert!(
        stdout.contains(&format!(
            "| memcmp | random\\_slice\\_comparison | `{prove}` {memcmp_prove}"
        )),
        "{stdout}"
    );
    let app = "ecrecover_program";
    let trace = moved(
        ecrecover_base.sum(app, "trace_gen_time_ms"),
        ecrecover_head.sum(app, "trace_gen_time_ms"),
        0,
    );
    assert!(
        stdout.contains(&format!(
            "| ecrecover\\_program | ecrecover\\_program | `trace_gen_time_ms` {trace}"
        )),
        "{stdout}"
    );
    assert!(
        !stdout.contains("| ecrecover\\_program | total |"),
        "its total moved +0.1%, under the threshold"
    );
    let ecrecover_prove = number(ecrecover_base.sum(app, prove), 0);
    assert!(
        !stdout.contains(&format!("`{prove}` | {ecrecover_prove}")),
        "ecrecover's proving time moved +0.3%, under the threshold"
    );
    assert!(stderr.contains("regressions above 5%"), "{stderr}");
    let (code, stdout, _) = sandbox.run(&["report", "--commit", "c2", "--fail-above", "150"]);
    // The largest slowdown is memcmp's memory_finalize_time_ms, 1 → 2 ms.
    assert_eq!(code, 0);
    assert!(!stdout.contains("WARNING"));
    // A run where everything got faster passes even a 0% threshold.
    let faster = |ms: u32| {
        format!(
            r#"{{"gauge": [{{"labels": [["group", "app"], ["segment", "0"]], "metric": "total_proof_time_ms", "value": "{ms}"}},
                           {{"labels": [["group", "app"], ["segment", "0"]], "metric": "trace_gen_time_ms", "value": "{ms}"}}]}}"#
        )
    };
    sandbox.ingest(
        &sandbox.write("slow.json", faster(200)),
        &["--commit", "f1", "--branch", "main", "--name", "faster"],
    );
    sandbox.ingest(
        &sandbox.write("fast.json", faster(100)),
        &["--commit", "f2", "--branch", "pr", "--name", "faster"],
    );
    let (code, stdout, stderr) = sandbox.run(&["report", "--commit", "f2", "--fail-above", "0"]);
    assert_eq!(code, 0, "improvements never fail: {stderr}");
    assert!(stdout.contains("(-100 [-50.0%])"), "{stdout}");
    let (code, _, stderr) = sandbox.run(&["report", "--commit", "c2", "--fail-above=-1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--fail-above -1: give a percentage of 0 or more"),
        "{stderr}"
    );
}

#[test]
fn the_summary_is_appended_to_the_github_step_summary() {
    let sandbox = history();
    let step = sandbox.write("step.md", "earlier step\n");
    let output = sandbox
        .prof()
        .env("GITHUB_STEP_SUMMARY", &step)
        .args(["report", "--commit", "c2"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let written = std::fs::read_to_string(&step).unwrap();
    assert_eq!(
        written,
        format!(
            "earlier step\n{}",
            String::from_utf8(output.stdout).unwrap()
        )
    );
}

#[test]
fn the_summary_drops_cells_columns_when_no_run_has_them() {
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &shared_data("openvm_11de835_client-eth-metrics-vanilla.json"),
        &["--commit", "v1"],
    );
    let summary = sandbox.stdout(&["report", "--commit", "v1"]);
    assert!(
        summary.starts_with("Head `v1`, baseline none (every benchmark is new).\n\n| benchmark | app.proof_time_ms | app.cycles | leaf.proof_time_ms |\n| -- | -- | -- | -- |\n"),
        "{summary}"
    );
    assert!(summary.contains(
        "Note: the cells_used columns are left out because no benchmark has `main_cells_used`."
    ));
}

#[test]
fn trend_lists_runs_oldest_first_with_steps_and_a_sparkline() {
    let sandbox = history();
    let md = sandbox.stdout(&[
        "trend",
        "total_proof_time_ms",
        "--name",
        "ecrecover_program",
        "--group",
        "ecrecover_program",
    ]);
    insta::assert_snapshot!("trend_md", md);
    let csv = sandbox.stdout(&[
        "trend",
        "total_proof_time_ms",
        "--name",
        "ecrecover_program",
        "--group",
        "ecrecover_program",
        "--format",
        "csv",
        "--branch",
        "main",
    ]);
    let lines: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        lines[0],
        [
            "run_id",
            "commit",
            "branch",
            "created_at",
            "value",
            "change",
            "change_pct",
            "largest_step"
        ]
    );
    assert_eq!(lines.len(), 3, "runs 1 and 6, the main runs: {csv}");
    let (base, head) = (
        ecrecover_app_ms(&model(ECRECOVER_BASE)),
        ecrecover_app_ms(&model(ECRECOVER_HEAD)),
    );
    let value = |cell: &str| cell.parse::<f64>().unwrap();
    assert_eq!(
        lines[1][..4],
        ["1", "c1c1c1c1", "main", "2026-02-03T04:05:06Z"]
    );
    assert!(close(value(lines[1][4]), base), "{csv}");
    assert_eq!(
        lines[1][5..],
        ["", "", "false"],
        "the first point has no change"
    );
    assert_eq!(
        lines[2][..4],
        ["6", "c3c3c3c3", "main", "2026-02-03T04:05:06Z"]
    );
    assert!(close(value(lines[2][4]), head), "{csv}");
    assert!(close(value(lines[2][5]), head - base), "{csv}");
    assert!(
        close(value(lines[2][6]), (head - base) / base * 100.0),
        "{csv}"
    );
    assert_eq!(lines[2][7], "true", "{csv}");
    let json: serde_json::Value = sandbox.json(&[
        "trend",
        "trace_gen_time_ms",
        "--name",
        "memcmp",
        "--stat",
        "max",
        "--format",
        "json",
    ]);
    // Without --branch the trend keeps to the newest run's branch.
    assert_eq!(json["points"].as_array().unwrap().len(), 1);
    assert_eq!(json["branch"], "pr-7");
    assert_eq!(json["stat"], "max");
    let last = sandbox.stdout(&[
        "trend",
        "total_proof_time_ms",
        "--name",
        "ecrecover_program",
        "--group",
        "ecrecover_program",
        "--last",
        "1",
        "--format",
        "csv",
    ]);
    assert_eq!(last.lines().count(), 2, "{last}");
}

#[test]
fn trend_asks_which_benchmark_or_group_when_several_have_the_metric() {
    let sandbox = history();
    let (code, _, stderr) = sandbox.run(&["trend", "trace_gen_time_ms"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`trace_gen_time_ms` is in several benchmarks (ecrecover_program, fibonacci, memcmp, reth) and groups ("), "{stderr}");
    let (code, _, stderr) =
        sandbox.run(&["trend", "trace_gen_time_ms", "--name", "ecrecover_program"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is in several groups (ecrecover_program, leaf); choose one with --group"),
        "{stderr}"
    );
    let (code, _, stderr) = sandbox.run(&["trend", "no_such_metric"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no run has metric `no_such_metric`"),
        "{stderr}"
    );
}

#[test]
fn legacy_writes_what_the_original_wrote_with_corrected_numbers() {
    let sandbox = Sandbox::new();
    std::fs::copy(
        shared_data("metrics.example.json"),
        sandbox.path("metrics.example.json"),
    )
    .unwrap();
    std::fs::copy(
        shared_data("metrics.prev.example.json"),
        sandbox.path("metrics.prev.example.json"),
    )
    .unwrap();
    sandbox
        .prof()
        .env_remove("PROF_DB")
        .args([
            "legacy",
            "--json-paths",
            "metrics.example.json",
            "--prev-json-paths",
            "metrics.prev.example.json",
            "--names",
            "example",
            "--output-json",
            "bmf.json",
            "summary",
            "--benchmark-results-link",
            "https://example.invalid/results",
            "--summary-md-path",
            "summary.md",
        ])
        .assert()
        .success();
    assert!(
        !sandbox.path("prof.db").exists(),
        "a temporary database, not ./prof.db"
    );
    let (base, head) = (model(ECRECOVER_BASE), model(ECRECOVER_HEAD));
    let md = std::fs::read_to_string(sandbox.path("metrics.example.md")).unwrap();
    let total = diff_cell(base.serial_s, head.serial_s, 3);
    assert!(md.contains(&format!("| Total | {total} |")), "{md}");
    let app = "ecrecover_program";
    let trace = diff_cell(
        base.sum(app, "trace_gen_time_ms"),
        head.sum(app, "trace_gen_time_ms"),
        0,
    );
    assert!(
        md.contains(&format!("| `trace_gen_time_ms` | {trace} |")),
        "{md}"
    );
    assert!(sandbox.path("metrics.example.detailed.md").is_file());
    let summary = std::fs::read_to_string(sandbox.path("summary.md")).unwrap();
    let app_cell = diff_cell(ecrecover_app_ms(&base), ecrecover_app_ms(&head), 0);
    assert!(
        summary.contains(&format!(
            "| [example](https://example.invalid/results/metrics.example.md) | {app_cell} |"
        )),
        "{summary}"
    );
    let bmf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.path("bmf.json")).unwrap()).unwrap();
    let total = bmf["example"]["total_proof_time"]["value"]
        .as_f64()
        .unwrap();
    assert!(close(total, head.serial_s), "{total}");
    let leaf = bmf["example::leaf"]["stark_prove_excluding_trace_time_ms"]["value"]
        .as_f64()
        .unwrap();
    assert!(
        close(
            leaf,
            head.sum("leaf", "stark_prove_excluding_trace_time_ms")
        ),
        "{leaf}"
    );
}

#[test]
fn legacy_treats_a_missing_previous_file_as_a_new_benchmark() {
    let sandbox = Sandbox::new();
    std::fs::copy(shared_data("metrics.example.json"), sandbox.path("a.json")).unwrap();
    let output = sandbox
        .prof()
        .args([
            "legacy",
            "--json-paths",
            "a.json",
            "--prev-json-paths",
            "missing.json",
            "summary",
            "--benchmark-results-link",
            "L",
        ])
        .succeeds();
    let summary = String::from_utf8(output.stdout).unwrap();
    let app = number(ecrecover_app_ms(&model(ECRECOVER_HEAD)), 0);
    assert!(
        summary.contains(&format!("| [a (new)](L/a.md) | {app} |")),
        "{summary}"
    );
    let md = std::fs::read_to_string(sandbox.path("a.md")).unwrap();
    assert!(
        !md.contains("Base:") && !md.contains("span"),
        "no diffs without a previous run"
    );
    sandbox
        .prof()
        .args(["legacy", "--json-paths", "a.json,a.json", "--names", "one"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--names has 1 name for 2 --json-paths",
        ));
    sandbox
        .prof()
        .args([
            "legacy",
            "--json-paths",
            "a.json",
            "--prev-json-paths",
            "x.json,y.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--prev-json-paths has 2 paths for 1 --json-paths",
        ));
}

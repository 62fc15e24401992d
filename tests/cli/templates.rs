//! Templates given with `--templates` are data from a possibly untrusted
//! checkout: they read only known names inside their directory, stop on a
//! fuel budget, and a misspelt field or file name is an error naming it.

use std::path::Path;

use crate::foreign_input::small_run;
use crate::support::Sandbox;

/// A sandbox with two small runs of benchmark `b` and a template directory.
fn pair_with_templates() -> (Sandbox, std::path::PathBuf) {
    let sandbox = Sandbox::new();
    let base = small_run(&sandbox, "base.json", 1.0);
    let head = small_run(&sandbox, "head.json", 2.0);
    sandbox.ingest(&base, &["--name", "b", "--commit", "aaaa"]);
    sandbox.ingest(&head, &["--name", "b", "--commit", "bbbb"]);
    let dir = sandbox.path("tpl");
    std::fs::create_dir(&dir).unwrap();
    (sandbox, dir)
}

fn compare_with(sandbox: &Sandbox, dir: &Path) -> (i32, String, String) {
    let output = sandbox
        .prof()
        .args(["compare", "1", "2", "--templates", dir.to_str().unwrap()])
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn templates_cannot_include_files_outside_their_directory() {
    let (sandbox, dir) = pair_with_templates();
    sandbox.write("secret.j2", "SECRET");
    for include in [
        "../secret.j2",
        "/etc/passwd",
        "tpl/../secret.j2",
        "secret.j2",
    ] {
        std::fs::write(
            dir.join("compare.md.j2"),
            format!("{{% include \"{include}\" %}}\n"),
        )
        .unwrap();
        let (code, stdout, stderr) = compare_with(&sandbox, &dir);
        assert_eq!(code, 2, "{include}: {stdout}");
        assert!(
            !stdout.contains("SECRET") && !stdout.contains("root:"),
            "{include}"
        );
        assert!(
            stderr.starts_with("prof: template compare.md.j2:1: "),
            "{stderr}"
        );
        assert!(
            stderr.contains("macros.md.j2"),
            "names what may be included: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // An override that is a link out of the directory is refused too.
    std::fs::remove_file(dir.join("compare.md.j2")).unwrap();
    std::os::unix::fs::symlink(sandbox.path("secret.j2"), dir.join("compare.md.j2")).unwrap();
    let (code, stdout, stderr) = compare_with(&sandbox, &dir);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("outside the template directory"),
        "{stderr}"
    );
    // A known name that is included stays allowed.
    std::fs::remove_file(dir.join("compare.md.j2")).unwrap();
    std::fs::write(
        dir.join("macros.md.j2"),
        "{% macro run_line(role, run) %}R{% endmacro %}",
    )
    .unwrap();
    std::fs::write(
        dir.join("compare.md.j2"),
        "{% import \"macros.md.j2\" as m %}{{ m.run_line(1, 2) }}\n",
    )
    .unwrap();
    assert_eq!(compare_with(&sandbox, &dir).1, "R\n");
}

#[test]
fn a_looping_template_runs_out_of_fuel_with_one_clear_line() {
    let (sandbox, dir) = pair_with_templates();
    std::fs::write(
        dir.join("compare.md.j2"),
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let mut child = sandbox
        .command()
        .args(["compare", "1", "2", "--templates", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    // Generous for a loaded machine; without a fuel limit this loop runs
    // for hours and prints gigabytes.
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("the looping template was still running after 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.starts_with("prof: template compare.md.j2:1: rendering stopped"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn an_unknown_template_file_is_an_error_naming_the_known_ones() {
    let (sandbox, dir) = pair_with_templates();
    std::fs::write(dir.join("compre.md.j2"), "typo").unwrap();
    std::fs::write(dir.join("README.md"), "not a template").unwrap();
    let (code, _, stderr) = compare_with(&sandbox, &dir);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown template compre.md.j2"), "{stderr}");
    assert!(
        stderr.contains("compare.md.j2, detailed.md.j2, macros.md.j2, gpu_memory.svg.j2, summary.md.j2, trend.md.j2"),
        "{stderr}"
    );
}

#[test]
fn a_misspelt_field_is_an_error_naming_the_template_and_line() {
    let (sandbox, dir) = pair_with_templates();
    std::fs::write(
        dir.join("compare.md.j2"),
        "{{ report.name }}\n{% if report.missing %}no{% endif %}\n{{ report.nmae }}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = compare_with(&sandbox, &dir);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.starts_with("prof: template compare.md.j2:3: "),
        "{stderr}"
    );
    assert!(stderr.contains("undefined"), "{stderr}");
}

#[test]
fn markdown_to_stdout_renders_no_detailed_tables() {
    let (sandbox, dir) = pair_with_templates();
    // A detailed template that fails (in any undefined mode) shows whether
    // it is rendered at all.
    std::fs::write(dir.join("detailed.md.j2"), "{{ report.no_such_field.x }}\n").unwrap();
    let (code, stdout, stderr) = compare_with(&sandbox, &dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("## b\n"), "{stdout}");
    let written = sandbox
        .prof()
        .args([
            "compare",
            "1",
            "2",
            "-o",
            "b.md",
            "--templates",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(written.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&written.stderr).starts_with("prof: template detailed.md.j2:1: "),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
}

/// The detailed tables reach a template as lists and maps that are made
/// only when read: an override that maps `md` and `cell` over each row, as
/// the shipped template once did, and one that reads them as plain data
/// write what the shipped template and the JSON model say.
#[test]
fn detailed_rows_read_the_same_through_any_filter() {
    let sandbox = crate::support::Sandbox::new();
    let base = crate::support::shared_data("openvm_a9d7984_default_memcmp.json");
    let head = crate::support::shared_data("openvm_a9d7984_custom_memcmp.json");
    sandbox.ingest(&base, &["--name", "m", "--commit", "aaaa"]);
    sandbox.ingest(&head, &["--name", "m", "--commit", "bbbb"]);
    let detailed = |dir: Option<&Path>, out: &str| {
        let mut command = sandbox.prof();
        command.args([
            "compare",
            "1",
            "2",
            "-o",
            sandbox.path(out).to_str().unwrap(),
        ]);
        if let Some(dir) = dir {
            command.args(["--templates", dir.to_str().unwrap()]);
        }
        command.assert().success();
        std::fs::read_to_string(sandbox.path(out).with_extension("detailed.md")).unwrap()
    };
    let shipped = detailed(None, "shipped.md");
    assert!(shipped.lines().count() > 20, "{shipped}");

    let dir = sandbox.path("tpl");
    std::fs::create_dir(&dir).unwrap();
    let old = include_str!("../../templates/detailed.md.j2").replace(
        "{{ row | detailed_row }}",
        r#"{{ (row.labels | map("md") | list + row.values | map("cell") | list) | join(" | ") }}"#,
    );
    assert_ne!(old, include_str!("../../templates/detailed.md.j2"));
    std::fs::write(dir.join("detailed.md.j2"), old).unwrap();
    assert_eq!(detailed(Some(&dir), "mapped.md"), shipped);

    // As data: the tables of `--format json`, however a template walks them.
    std::fs::write(
        dir.join("detailed.md.j2"),
        "{% for t in report.detailed %}{{ t | length }} {{ t.rows | length }} \
         {{ t.rows[-1].labels | join(',') }} {{ t.rows[0].values[0].change }} \
         {{ t.rows[0] == t.rows[0] }} {{ t | list | join(',') }}\n{% endfor %}",
    )
    .unwrap();
    let walked = detailed(Some(&dir), "data.md");
    let report = sandbox.json(&["compare", "1", "2", "--format", "json"]);
    let expected: String = report["detailed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let rows = t["rows"].as_array().unwrap();
            let last: Vec<&str> = rows.last().unwrap()["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect();
            format!(
                "3 {} {} {} True label_keys,metrics,rows\n",
                rows.len(),
                last.join(","),
                rows[0]["values"][0]["change"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(walked, expected);
}

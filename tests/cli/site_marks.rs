//! `prof site` marks what the history knows: on a stored history with a
//! known step, one more cycle and an outlier (`changes::history`), the
//! benchmark page marks the step's change point, the excluded run and the
//! acknowledged shift with their reasons (escaped), and the index shows the
//! verdict `prof check` gives the newest run.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::changes::{CYCLE, OUTLIER, RUNS, STEP, commit, history};
use crate::site::{build_site, check_site};
use crate::support::Sandbox;

const EXCLUDE_REASON: &str = "<b>noisy</b> box & \"q\"";
const ACK_REASON: &str = "<script>alert(1)</script> one more cycle, by design";

fn run_id(sandbox: &Sandbox, i: usize) -> i64 {
    sandbox
        .conn()
        .query_row(
            "SELECT id FROM runs WHERE commit_sha = ?1",
            [commit(i)],
            |row| row.get(0),
        )
        .unwrap()
}

/// One more run on main whose proving is 10 % slower than the new level.
fn slower_head(sandbox: &Sandbox) -> i64 {
    let labels = r#"[["group", "fib"], ["segment", "0"]]"#;
    let file = sandbox.write(
        "slow.json",
        format!(
            r#"{{"gauge": [
              {{"labels": {labels}, "metric": "stark_prove_excluding_trace_time_ms", "value": "{}"}},
              {{"labels": {labels}, "metric": "trace_gen_time_ms", "value": "300"}},
              {{"labels": {labels}, "metric": "execute_time_ms", "value": "100"}}],
             "counter": [{{"labels": {labels}, "metric": "execute_preflight_insns", "value": "1000001"}}]}}"#,
            2_000.0 * 1.08 * 1.10
        ),
    );
    sandbox.ingest_as(
        &file,
        "fib",
        "main",
        &commit(RUNS),
        Some("2026-03-01T02:00:00Z"),
    )
}

/// The page's listed markers: (class, run link, text).
fn listed(html: &scraper::Html) -> Vec<(String, String, String)> {
    let selector = scraper::Selector::parse("ul.markers li").unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    html.select(&selector)
        .map(|li| {
            (
                li.attr("class").unwrap_or("").to_string(),
                li.select(&link)
                    .next()
                    .and_then(|a| a.attr("href"))
                    .unwrap_or("")
                    .to_string(),
                li.text().collect::<String>(),
            )
        })
        .collect()
}

#[test]
fn the_site_marks_shifts_exclusions_and_acks_and_shows_the_latest_verdict() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let head = slower_head(&sandbox);
    let outlier = run_id(&sandbox, OUTLIER);
    sandbox
        .prof()
        .args(["exclude", &outlier.to_string(), "--reason", EXCLUDE_REASON])
        .args(["--by", "ci"])
        .assert()
        .success();
    let cycle_series = format!("fib/fib/execute_preflight_insns@{}", &commit(CYCLE)[..7]);
    sandbox
        .prof()
        .args([
            "ack",
            &cycle_series,
            "--reason",
            ACK_REASON,
            "--by",
            "alice",
        ])
        .assert()
        .success();
    let dir = sandbox.path("site");
    build_site(&sandbox, &dir, &["--no-flamegraphs"]);
    check_site(&dir);

    let page = std::fs::read_to_string(dir.join("bench/fib.html")).unwrap();
    assert!(
        !page.contains("<script>alert"),
        "the ack's reason is escaped"
    );
    assert!(
        !page.contains("<b>noisy"),
        "the exclusion's reason is escaped"
    );
    let html = scraper::Html::parse_document(&page);
    let marks = listed(&html);
    let step = run_id(&sandbox, STEP);
    let href = |id: i64| format!("../runs/{id}.html");
    let change = marks
        .iter()
        .find(|(class, _, text)| {
            class == "change_point" && text.contains("fib/stark_prove_excluding_trace_time_ms")
        })
        .unwrap_or_else(|| panic!("the +8 % step is marked: {marks:#?}"));
    assert_eq!(change.1, href(step), "at the first run of the new level");
    assert!(change.2.contains("worse"), "{}", change.2);
    let excluded: Vec<_> = marks.iter().filter(|m| m.0 == "excluded").collect();
    assert_eq!(excluded.len(), 1, "{marks:#?}");
    assert_eq!(excluded[0].1, href(outlier));
    assert!(excluded[0].2.contains(EXCLUDE_REASON), "{}", excluded[0].2);
    let acked: Vec<_> = marks.iter().filter(|m| m.0 == "acknowledged").collect();
    assert_eq!(acked.len(), 1, "{marks:#?}");
    assert_eq!(acked[0].1, href(run_id(&sandbox, CYCLE)));
    assert!(acked[0].2.contains(ACK_REASON), "{}", acked[0].2);
    assert!(acked[0].2.contains("fib/execute_preflight_insns"));
    assert!(
        !marks
            .iter()
            .any(|m| m.0 == "change_point" && m.2.contains("execute_preflight_insns")),
        "the acknowledged change point is marked as acknowledged only: {marks:#?}"
    );
    assert!(
        !marks.iter().any(|m| m.2.contains("trace_gen_time_ms")),
        "the outlier is no shift: {marks:#?}"
    );

    // The charts draw them as lines whose hover text is the reason.
    let lines = scraper::Selector::parse("svg line.marker").unwrap();
    let drawn: BTreeSet<(String, String)> = html
        .select(&lines)
        .map(|line| {
            (
                line.attr("class").unwrap().to_string(),
                line.text().collect::<String>(),
            )
        })
        .collect();
    assert!(
        drawn
            .iter()
            .any(|(c, t)| c == "marker excluded" && t.contains(EXCLUDE_REASON)),
        "{drawn:#?}"
    );
    assert!(
        drawn
            .iter()
            .any(|(c, t)| c == "marker acknowledged" && t.contains(ACK_REASON)),
        "{drawn:#?}"
    );
    assert!(
        drawn.iter().any(|(c, t)| c == "marker change_point"
            && t.contains("stark_prove_excluding_trace_time_ms")),
        "{drawn:#?}"
    );

    // The index shows the newest run's verdict, the one `prof check` gives.
    let check = sandbox
        .prof()
        .args(["check", &head.to_string(), "--format", "json"])
        .output()
        .unwrap();
    let check: Value = serde_json::from_slice(&check.stdout).unwrap();
    let regressions = check["regressions"].as_u64().unwrap();
    assert!(regressions >= 1, "{check:#}");
    let index =
        scraper::Html::parse_document(&std::fs::read_to_string(dir.join("index.html")).unwrap());
    let cell = index
        .select(&scraper::Selector::parse("td.verdict").unwrap())
        .next()
        .expect("a verdict cell")
        .text()
        .collect::<String>();
    let expected = format!(
        "run {head}: 🔴 {regressions} regression{}",
        if regressions == 1 { "" } else { "s" }
    );
    assert!(cell.starts_with(&expected), "{cell:?} against {expected:?}");
}

#[test]
fn a_new_exclusion_or_ack_rewrites_the_pages_that_show_it() {
    let sandbox = Sandbox::new();
    history(&sandbox);
    let dir = sandbox.path("site");
    build_site(&sandbox, &dir, &["--no-flamegraphs"]);
    let again = build_site(&sandbox, &dir, &["--no-flamegraphs"]);
    assert!(again.contains("wrote 0 of"), "{again}");
    let outlier = run_id(&sandbox, OUTLIER);
    sandbox
        .prof()
        .args(["exclude", &outlier.to_string(), "--reason", "bad box"])
        .assert()
        .success();
    let after = build_site(&sandbox, &dir, &["--no-flamegraphs"]);
    // The benchmark page and the index (its count of marked runs).
    assert!(after.contains("wrote 2 of"), "{after}");
    let page = std::fs::read_to_string(dir.join("bench/fib.html")).unwrap();
    assert!(page.contains("excluded: bad box"));
    let series = format!("fib/fib/execute_preflight_insns@{}", &commit(CYCLE)[..7]);
    sandbox
        .prof()
        .args(["ack", &series, "--reason", "accepted"])
        .assert()
        .success();
    let after = build_site(&sandbox, &dir, &["--no-flamegraphs"]);
    assert!(after.contains("wrote 2 of"), "{after}");
    let page = std::fs::read_to_string(dir.join("bench/fib.html")).unwrap();
    assert!(page.contains("accepted"));
}

//! Integration tests, built as one binary. Every test gets a fresh temporary
//! directory from [`support::Sandbox`] and runs the real `prof` binary in it.

mod annotations;
mod bmf;
mod browser;
mod changes;
mod changes_truth;
mod compare;
mod compare_json;
mod flamegraph;
mod foreign_input;
mod formats;
mod histories;
mod history;
mod identity;
mod ingest;
mod properties;
mod refusals;
mod reliability;
mod report;
mod run_records;
mod semantics;
mod series;
mod site;
mod site_marks;
mod sqlite_shell;
mod stats_peer;
mod store;
mod support;
mod templates;
mod verdicts;

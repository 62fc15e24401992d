//! Integration tests, built as one binary. Every test gets a fresh temporary
//! directory from [`support::Sandbox`] and runs the real `prof` binary in it.

mod annotations;
mod bmf;
mod changes;
mod changes_truth;
mod compare;
mod histories;
mod ingest;
mod properties;
mod reliability;
mod report;
mod semantics;
mod sqlite_shell;
mod stats_peer;
mod support;
mod verdicts;

//! Integration tests, built as one binary. Every test gets a fresh temporary
//! directory from [`support::Sandbox`] and runs the real `prof` binary in it.

mod browser;
mod compare;
mod flamegraph;
mod ingest;
mod properties;
mod reliability;
mod report;
mod semantics;
mod site;
mod sqlite_shell;
mod support;

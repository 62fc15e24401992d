//! Integration tests, built as one binary. Every test gets a fresh temporary
//! directory from [`support::Sandbox`] and runs the real `prof` binary in it.

mod compare;
mod ingest;
mod properties;
mod reliability;
mod report;
mod semantics;
mod series;
mod sqlite_shell;
mod store;
mod support;

//! prof: a benchmark history store for OpenVM zkVM metrics.
//!
//! `input` reads metrics files, `db` stores and queries runs (the schema and
//! its views live in `migrations/`), `ingest` ties the two together.

pub mod cli;
pub mod db;
pub mod error;
pub mod ingest;
pub mod input;
pub mod model;

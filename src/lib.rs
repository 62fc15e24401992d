//! prof: a benchmark history store for OpenVM zkVM metrics.
//!
//! `input` reads metrics files (the input model), `db` stores and queries
//! runs (the schema and its views live in `migrations/`; `model` holds the
//! stored rows), `report` shapes what a comparison says (the view model) and
//! `render` writes it as Markdown, JSON or BMF. `commands` runs each
//! subcommand from validated options.

pub mod cli;
pub mod commands;
pub mod db;
pub mod error;
pub mod flame;
pub mod ingest_pipeline;
pub mod input;
pub mod model;
pub mod naming;
pub mod render;
pub mod report;
pub mod runref;
pub mod site;
pub mod stats;

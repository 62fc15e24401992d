//! The command line as clap sees it. These types stay at the edge: `main`
//! turns them into validated options before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "prof",
    version,
    about = "A benchmark history store for OpenVM metrics"
)]
pub struct Cli {
    /// The database file; created on first use.
    #[arg(long, global = true, env = "PROF_DB", default_value = "prof.db")]
    pub db: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store metrics files, one run per file; prints the new run ids.
    Ingest(IngestArgs),
    /// List runs, newest first.
    Runs(RunsArgs),
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Metrics JSON files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Benchmark name [default: the app group's name, else the file stem].
    #[arg(long)]
    pub name: Option<String>,

    /// Commit the run measured [default: $GITHUB_SHA].
    #[arg(long)]
    pub commit: Option<String>,

    /// Branch the run measured [default: $GITHUB_HEAD_REF, else $GITHUB_REF_NAME].
    #[arg(long)]
    pub branch: Option<String>,

    /// Extra metadata, repeatable: --meta instance=g6.2xlarge.
    #[arg(long, value_name = "KEY=VALUE")]
    pub meta: Vec<String>,

    /// When the run happened, RFC 3339 [default: now].
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,

    /// Store a new run even when the same content was stored for this
    /// benchmark and commit.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// Only runs of this benchmark.
    #[arg(long)]
    pub name: Option<String>,

    /// At most this many runs.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,

    /// Output format.
    #[arg(long, value_enum, default_value_t = RunsFormat::Table)]
    pub format: RunsFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RunsFormat {
    Table,
    Json,
}

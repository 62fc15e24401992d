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
    /// Compare two runs: what changed from BASE to HEAD, and where.
    Compare(CompareArgs),
    /// Report one run on its own.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The base run: an id, `latest`, NAME, NAME@COMMIT or NAME@BRANCH, with
    /// an optional ~N to step N runs back.
    pub base: String,
    /// The head run, in the same forms.
    pub head: String,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The run: an id, `latest`, NAME, NAME@COMMIT or NAME@BRANCH, ~N.
    pub run: String,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// How `compare` and `show` shape and write their report.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: crate::render::Format,

    /// Write to FILE; with md, also FILE's stem + .detailed.md and any chart
    /// as .memory.svg beside it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// GPUs for the bounded-parallel estimate.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    pub num_devices: u32,

    /// Proofs each GPU runs at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub proofs_per_device: u32,

    /// Metrics to show per group, comma-separated [default: the headline list].
    #[arg(long, value_delimiter = ',', conflicts_with = "all_metrics")]
    pub metrics: Option<Vec<String>>,

    /// Show every metric of every group.
    #[arg(long)]
    pub all_metrics: bool,

    /// Directory of templates that replace the embedded ones by file name
    /// (compare.md.j2, detailed.md.j2, macros.md.j2, gpu_memory.svg.j2).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
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

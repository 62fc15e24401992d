//! The command line of the commands that build reports: `report`,
//! `compare`, `show` and `legacy`, and the prover counts they share.
//! Checked once into `report::build::ReportOptions` and each command's
//! own options.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{FailOn, VerdictArgs};
use crate::report::build::{DEFAULT_NUM_DEVICES, DEFAULT_PROOFS_PER_DEVICE, ReportOptions};

#[derive(Debug, Args)]
pub struct ReportCmdArgs {
    /// The commit of the head runs (a prefix works) [default: $GITHUB_SHA].
    #[arg(long)]
    pub commit: Option<String>,

    /// Baseline: the newest run of each benchmark at this commit (e.g. the
    /// PR's merge-base). Without it, the newest run on --base-branch
    /// ingested before the head run.
    #[arg(long, value_name = "COMMIT")]
    pub baseline_commit: Option<String>,

    /// The branch baselines come from.
    #[arg(long, default_value = "main", value_name = "BRANCH")]
    pub base_branch: String,

    /// Where the full reports will be published; rows link to LINK/NAME.md.
    #[arg(long, value_name = "URL")]
    pub results_link: Option<String>,

    /// Write summary.md, NAME.md, NAME.detailed.md and bmf.json here;
    /// without it the summary goes to stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Exit 1 when a benchmark's serial or parallel total, or a headline
    /// time metric of any group, got slower by more than PCT percent.
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub fail_above: Option<f64>,

    /// Exit 1 when a benchmark that has a baseline has no run at the head
    /// commit (a crashed or skipped benchmark job); summary.md lists them.
    #[arg(long)]
    pub fail_on_missing: bool,

    #[command(flatten)]
    pub provers: ProverArgs,

    /// Directory of templates that replace the embedded ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Format of the summary on stdout: md (without --out-dir), or text
    /// (printed with or without --out-dir); files and
    /// $GITHUB_STEP_SUMMARY are always Markdown.
    #[arg(long, value_enum, default_value = "md")]
    pub format: crate::render::SummaryFormat,
    /// "Recent shifts on the base branch" lists change points this far back
    /// from the newest head run: Nd, Nh or Nw.
    #[arg(
        long,
        value_name = "AGE",
        default_value = "14d",
        allow_hyphen_values = true
    )]
    pub since: String,

    #[command(flatten)]
    pub verdicts: VerdictArgs,

    /// Exit 1 when a verdict from history says `regression` (or, with
    /// `changed`, also when a counter changed for the worse).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
    /// With --out-dir, do not write each reported run's flamegraphs.
    #[arg(long)]
    pub no_flamegraphs: bool,
}

/// The provers of the bounded-parallel estimate, for `compare`, `show`,
/// `report` and `legacy`; the defaults are the report's own.
#[derive(Clone, Copy, Debug, Args)]
pub struct ProverArgs {
    /// GPUs for the bounded-parallel estimate.
    #[arg(long, default_value_t = DEFAULT_NUM_DEVICES, value_parser = clap::value_parser!(u32).range(1..=65536), allow_negative_numbers = true)]
    pub num_devices: u32,

    /// Proofs each GPU runs at once.
    #[arg(long, default_value_t = DEFAULT_PROOFS_PER_DEVICE, value_parser = clap::value_parser!(u32).range(1..=1024), allow_negative_numbers = true)]
    pub proofs_per_device: u32,
}

impl ProverArgs {
    /// `options` with these prover counts.
    pub fn apply(self, options: ReportOptions) -> ReportOptions {
        ReportOptions {
            num_devices: self.num_devices as usize,
            proofs_per_device: self.proofs_per_device as usize,
            ..options
        }
    }
}

/// The original profiler's flags, unchanged.
#[derive(Debug, Args)]
pub struct LegacyArgs {
    /// Metrics files, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub json_paths: Vec<PathBuf>,

    /// Previous runs' files, in the same order; a file that does not exist
    /// marks a new benchmark.
    #[arg(long, value_delimiter = ',')]
    pub prev_json_paths: Option<Vec<PathBuf>>,

    /// Benchmark names, in the same order [default: each file's stem without
    /// commit hashes and dates]; two inputs may not share a name.
    #[arg(long, value_delimiter = ',')]
    pub names: Option<Vec<String>>,

    /// Write Bencher Metric Format JSON for every benchmark here.
    #[arg(long)]
    pub output_json: Option<PathBuf>,

    #[command(flatten)]
    pub provers: ProverArgs,

    #[command(subcommand)]
    pub command: Option<LegacyCommand>,
}

#[derive(Debug, Subcommand)]
pub enum LegacyCommand {
    /// Also write the GitHub summary.
    Summary(LegacySummaryArgs),
}

#[derive(Debug, Args)]
pub struct LegacySummaryArgs {
    /// Where the reports are published; rows link to LINK/FILE.md.
    #[arg(long)]
    pub benchmark_results_link: String,

    /// Write the summary here instead of stdout.
    #[arg(long)]
    pub summary_md_path: Option<PathBuf>,
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
    #[command(flatten)]
    pub verdicts: VerdictArgs,
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

    #[command(flatten)]
    pub provers: ProverArgs,

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

//! The command line as clap sees it. These types stay at the edge: `main`
//! turns them into validated options before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::model::TrendStat;

mod reports;
mod verdicts;
pub use reports::{
    CompareArgs, LegacyArgs, LegacyCommand, LegacySummaryArgs, ProverArgs, ReportArgs,
    ReportCmdArgs, ShowArgs,
};
pub use verdicts::{CheckArgs, CheckFormat, FailOn, VerdictArgs};

#[derive(Debug, Parser)]
#[command(
    name = "prof",
    version,
    about = "A benchmark history store for OpenVM metrics"
)]
pub struct Cli {
    /// The database file; `ingest` creates it on first use [default:
    /// $PROF_DB, else ./prof.db; `legacy` uses a temporary one].
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The database a command uses unless it has a default of its own.
    pub fn db_path(&self) -> PathBuf {
        self.db_given().unwrap_or_else(|| PathBuf::from("prof.db"))
    }

    /// `--db`, else a non-empty `$PROF_DB`.
    pub fn db_given(&self) -> Option<PathBuf> {
        self.db.clone().or_else(|| {
            std::env::var_os("PROF_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
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
    /// The PR summary of a CI run: every benchmark at a commit against its
    /// baseline.
    Report(ReportCmdArgs),
    /// One metric's history: a row per run, oldest first.
    Trend(TrendArgs),
    /// The original profiler's command line, as a drop-in replacement.
    Legacy(LegacyArgs),
    /// Change points of a branch's history: when each series shifted, the
    /// commit range, by how much, and whether it still holds.
    Changes(ChangesArgs),
    /// Leave a run out of baselines and change detection (it stays stored).
    Exclude(ExcludeArgs),
    /// Accept a shift of one series: history before it stops counting as
    /// its baseline.
    Ack(AckArgs),
    /// List exclusions and acknowledged shifts.
    Annotations(AnnotationsArgs),
    /// Verdicts of one run against its own branch's history.
    Check(CheckArgs),
    /// Remove runs, with their samples and stored aggregates, in one go.
    Rm(RmArgs),
    /// Upgrade a database written by an older prof to this prof's schema
    /// (reading commands refuse to; `ingest` does it itself).
    Migrate,
    /// Flamegraphs of a run per group (differential against --base).
    Flamegraph(FlamegraphArgs),
    /// A static site of the whole history: trends, runs, flamegraphs.
    Site(SiteArgs),
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The runs: ids, NAME@COMMIT, NAME@BRANCH, ... as for `compare`; all
    /// are removed or none.
    #[arg(required = true, value_name = "RUN")]
    pub runs: Vec<String>,
}

#[derive(Debug, Args)]
pub struct FlamegraphArgs {
    /// The run: an id, `latest`, NAME, NAME@COMMIT or NAME@BRANCH, ~N.
    pub run: String,

    /// Draw differential flamegraphs against this run.
    #[arg(long, value_name = "RUN")]
    pub base: Option<String>,

    /// Directory for the .svg and .folded files.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,

    /// Also draw each stack reversed (the leaf frames at the root).
    #[arg(long)]
    pub reverse: bool,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Directory the site is written to (and updated in, incrementally).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,

    /// The branch whose history the charts show.
    #[arg(long, default_value = "main", value_name = "BRANCH")]
    pub branch: String,

    /// Only each benchmark's newest N runs on the branch [default: all].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub last: Option<u32>,

    /// Skip the flamegraphs of each run page.
    #[arg(long)]
    pub no_flamegraphs: bool,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// The metric, e.g. total_proof_time_ms (an estimated group's proof
    /// time included), or `serial_s` / `parallel_s` for the run's totals.
    pub metric: String,

    /// The benchmark [default: the only one that has the metric].
    #[arg(long)]
    pub name: Option<String>,

    /// The group [default: the only one that has the metric].
    #[arg(long)]
    pub group: Option<String>,

    /// Only runs on this branch [default: the branch of the newest run].
    #[arg(long)]
    pub branch: Option<String>,

    /// Which statistic of the metric per run [default: sum]; a run total
    /// (`serial_s`, `parallel_s`) has one value per run and takes none.
    #[arg(long, value_enum)]
    pub stat: Option<TrendStat>,

    /// Only the newest N runs.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub last: u32,

    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: TrendFormat,

    /// Directory of templates that replace the embedded ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// `--stat` takes the model's statistics by their column names; the impl
/// lives here so clap stays out of the model.
impl clap::ValueEnum for TrendStat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            TrendStat::Sum,
            TrendStat::Avg,
            TrendStat::Max,
            TrendStat::Min,
            TrendStat::Count,
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.column()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TrendFormat {
    Md,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Metrics JSON files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Benchmark name [default: the file stem without commit hashes and
    /// dates, e.g. reth for reth-3f2c1e9.json]. Runs with one name at one
    /// commit are repeats of one benchmark (samples of that commit): give
    /// different benchmarks of a commit different names.
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

    /// When the run happened, RFC 3339 [default: now]; runs are ordered by
    /// it (backfill with it), and it may be at most a day ahead.
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,

    /// Store a new run even when the same content was stored for this
    /// benchmark and commit.
    #[arg(long)]
    pub force: bool,

    /// The files' format [default: detected from each file's content]; bmf
    /// (Bencher Metric Format) needs --name.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<IngestFormat>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum IngestFormat {
    /// OpenVM metrics JSON.
    Metrics,
    /// Bencher Metric Format JSON.
    Bmf,
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

#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// Only these metrics, comma-separated (`serial_s`, `parallel_s` name
    /// the run totals) [default: the run totals and the headline metrics].
    #[arg(long, value_delimiter = ',', conflicts_with = "all_metrics")]
    pub metric: Option<Vec<String>>,

    /// Every metric of every group.
    #[arg(long)]
    pub all_metrics: bool,

    /// Only this group.
    #[arg(long)]
    pub group: Option<String>,

    /// Only this benchmark.
    #[arg(long)]
    pub name: Option<String>,

    /// The branch whose history is read.
    #[arg(long, default_value = "main")]
    pub branch: String,

    /// Only the N newest change points of each benchmark.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub last: Option<u32>,

    /// Significance level of the t-test that keeps a change point.
    #[arg(long, default_value_t = 0.001, allow_negative_numbers = true)]
    pub alpha: f64,

    /// The smallest change kept, in percent of the level before.
    #[arg(
        long,
        value_name = "PCT",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub min_change: f64,

    /// Runs per sliding window of the detection.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 50,
        allow_negative_numbers = true
    )]
    pub window: i64,

    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: TrendFormat,

    /// Directory of templates that replace the embedded ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExcludeArgs {
    /// The run: an id, `latest`, NAME, NAME@COMMIT or NAME@BRANCH, ~N.
    pub run: String,

    /// Why the run does not count (required unless --undo).
    #[arg(long, required_unless_present = "undo")]
    pub reason: Option<String>,

    /// Bring an excluded run back.
    #[arg(long, conflicts_with = "reason")]
    pub undo: bool,

    /// Who decides [default: $GITHUB_ACTOR, else the user].
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    /// SERIES@COMMIT: NAME/GROUP/METRIC (or NAME/serial_s, NAME/parallel_s)
    /// as `prof changes` prints it, and the first commit of the new level.
    pub target: String,

    /// Why the shift is accepted.
    #[arg(long)]
    pub reason: String,

    /// Who decides [default: $GITHUB_ACTOR, else the user].
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(Debug, Args)]
pub struct AnnotationsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: TrendFormat,
}

//! The command line of verdicts from history: the window and test flags
//! shared by `report`, `compare` and `check`, `--fail-on`, and `prof check`.
//! Checked once into `report::verdict::VerdictOptions`.

use clap::Args;

/// How verdicts judge a head against its history.
#[derive(Debug, Args, Clone)]
pub struct VerdictArgs {
    /// Runs of base-branch history in each series' window.
    #[arg(
        long,
        default_value_t = 30,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub window: i64,

    /// False discovery rate for regressions across the report's noisy series
    /// (Benjamini–Hochberg).
    #[arg(
        long,
        default_value_t = 0.001,
        value_name = "P",
        allow_negative_numbers = true
    )]
    pub alpha: f64,

    /// A noisy series must move by more than this many percent to be flagged.
    #[arg(
        long = "min-change",
        default_value_t = 1.0,
        value_name = "PCT",
        allow_negative_numbers = true
    )]
    pub min_change: f64,

    /// Below this many runs of history, verdicts fall back to base vs head
    /// against --fail-above (default 5 %).
    #[arg(
        long = "min-history",
        default_value_t = 5,
        value_name = "K",
        allow_negative_numbers = true
    )]
    pub min_history: i64,
}

/// What makes `report` (or `check`) exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A noisy series is a regression (or a short history's slowdown above
    /// --fail-above), or a series is incomplete: non-finite values at the
    /// head left out of it, so it reads low.
    Regression,
    /// Also an exact series (a counter) that changed for the worse.
    Changed,
}

/// `prof check RUN`: the verdicts of one run against its own branch's history.
#[derive(Debug, Args)]
pub struct CheckArgs {
    pub run: String,

    #[command(flatten)]
    pub verdicts: VerdictArgs,

    /// Exit 1 when a verdict says so.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,

    /// The base-vs-head threshold for short histories, percent.
    #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
    pub fail_above: Option<f64>,

    #[arg(long, value_enum, default_value = "md")]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Md,
    Json,
}

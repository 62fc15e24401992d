//! Stored rows: what the database hands back, before any report shapes it.
//! Each struct mirrors one view or table of the schema.

use std::collections::BTreeMap;

use serde::Serialize;

/// A row of `runs` joined with `run_totals`, with its `--meta` pairs and
/// how many runs its benchmark has at its commit (more than one: repeats).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub created_at: String,
    pub source_path: String,
    pub serial_s: f64,
    pub parallel_s: f64,
    /// Some group's proof time is an estimate from its components.
    pub estimated: bool,
    pub runs_at_commit: usize,
    pub meta: BTreeMap<String, String>,
    /// Why the run is left out of baselines and change detection
    /// (`prof exclude`), if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
    /// NaN and inf values stored but kept out of its statistics: sums that
    /// include such a metric read low.
    #[serde(skip_serializing_if = "is_zero")]
    pub nonfinite: i64,
}

fn is_zero(count: &i64) -> bool {
    *count == 0
}

/// A row of `group_stats`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStatRow {
    pub group_name: String,
    pub weight: i64,
    pub metric: String,
    pub count: i64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub avg: f64,
    pub phase: Option<String>,
}

/// A row of `group_proof_time`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupProofRow {
    pub group_name: String,
    pub weight: i64,
    pub serial_ms: f64,
    pub parallel_ms: f64,
    pub estimated: bool,
    pub app_serial_ms: f64,
}

/// One sample's value with its label set and metric, by id: the detailed
/// tables resolve names once per label set, not once per sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampleValue {
    pub label_set_id: i64,
    pub metric_id: i64,
    pub value: f64,
}

/// A group's weight: its stage in the proving pipeline and its display
/// order. The view `scope_group_stats` (migrations/V8__group_stats_sort_order.sql)
/// decides it from the group's name; these are the numbers it gives, named
/// once for Rust.
pub mod weight {
    /// The program's own groups: any name no other rule matches.
    pub const APP: i64 = 0;
    /// Names starting `leaf` (`leaf`, older `leaf_verifier`).
    pub const LEAF: i64 = 1;
    /// Names starting `internal`.
    pub const INTERNAL: i64 = 2;
    /// Names starting `root`.
    pub const ROOT: i64 = 3;
    /// Names starting `halo2_`, the wrapper excepted (`halo2_outer`, older
    /// `halo2_verifier`).
    pub const HALO2_OUTER: i64 = 4;
    /// Names starting `halo2_wrapper`.
    pub const HALO2_WRAPPER: i64 = 5;
    /// Names containing `keygen`: left out of every total and table.
    pub const KEYGEN: i64 = 6;
}

/// Which statistic of a stored series a trend follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendStat {
    Sum,
    Avg,
    Max,
    Min,
    Count,
}

impl TrendStat {
    /// The statistic's column in `metric_history`, and its name in output.
    pub fn column(self) -> &'static str {
        match self {
            TrendStat::Sum => "sum",
            TrendStat::Avg => "avg",
            TrendStat::Max => "max",
            TrendStat::Min => "min",
            TrendStat::Count => "count",
        }
    }
}

/// What a trend follows: one statistic of a group's metric, or one of the
/// run's proof-time totals (`run_totals`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrendSeries {
    Metric {
        group: String,
        metric: String,
        stat: TrendStat,
    },
    /// `serial_s` or `parallel_s` of `run_totals`.
    Total(RunTotal),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunTotal {
    SerialS,
    ParallelS,
}

impl RunTotal {
    /// The metric names a user gives `prof trend` for the run's totals.
    pub fn from_name(name: &str) -> Option<RunTotal> {
        match name {
            "serial_s" => Some(RunTotal::SerialS),
            "parallel_s" => Some(RunTotal::ParallelS),
            _ => None,
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            RunTotal::SerialS => "serial_s",
            RunTotal::ParallelS => "parallel_s",
        }
    }
}

/// One run's value of a trend series, with the run's identity.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesPoint {
    pub run_id: i64,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub created_at: String,
    pub value: f64,
}

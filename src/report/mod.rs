//! The report view model: what `compare` and `show` say about a head run
//! against an optional base run, as plain data. The Markdown templates, the
//! JSON output and the BMF output all render this one model.

pub mod build;
pub mod cell;
pub mod changes;
pub mod csv;
pub mod detail;
pub mod gpu;
pub mod headline;
pub mod proof_time;
pub mod regress;
pub mod summary;
pub mod trend;
pub mod verdict;
pub mod verdict_load;
pub mod verdict_section;
pub mod verdict_text;

use serde::Serialize;

pub use cell::{Cell, Change};

/// The identity of a run in a report.
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub id: i64,
    pub name: String,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub created_at: String,
    /// Runs of this benchmark at this commit: more than one are repeats,
    /// and the numbers shown are this run's, the newest.
    pub runs_at_commit: usize,
    /// The run's `--meta` pairs, by key.
    pub meta: std::collections::BTreeMap<String, String>,
    /// Why the run is left out of history (`prof exclude`), if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded: Option<String>,
    /// NaN and inf values left out of its statistics (0: none, not shown).
    #[serde(skip_serializing_if = "is_zero")]
    pub nonfinite: i64,
}

fn is_zero(count: &i64) -> bool {
    *count == 0
}

/// A comparison of `head` against `base` (or a single run when `base` is
/// absent).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub name: String,
    pub base: Option<RunInfo>,
    pub head: RunInfo,
    pub totals: Totals,
    /// Groups in display order (weight, then name); keygen groups included
    /// but flagged, since only BMF shows them.
    pub groups: Vec<GroupReport>,
    pub detailed: DetailedTables,
    pub instruction_counts: Vec<InstructionCount>,
    pub gpu_memory: Option<GpuMemory>,
    /// Verdicts from history on the head's series (see `verdict`); absent
    /// when none were made (`show`, or no baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<verdict_section::VerdictSection>,
}

/// Proof time of the whole run, in seconds.
#[derive(Clone, Debug, Serialize)]
pub struct Totals {
    pub serial_s: Cell,
    pub parallel_s: Cell,
    pub bounded_s: Cell,
    /// Provers for the bounded estimate: num_devices × proofs_per_device.
    pub provers: usize,
    pub num_devices: usize,
    pub proofs_per_device: usize,
    /// Some group's time is estimated from its components.
    pub estimated: bool,
}

/// Proof time of one group, in seconds.
#[derive(Clone, Debug, Serialize)]
pub struct GroupProofTime {
    /// Serial proof time in ms, as `group_proof_time` has it.
    pub serial_ms: Cell,
    /// The group's proof_time_ms of the PR summary (SEMANTICS, the
    /// original's outputs #6): the sum of its `total_proof_time_ms`, or
    /// the estimate, without the app's once-run execution that `serial_ms`
    /// adds.
    pub proofs_ms: Cell,
    pub serial_s: Cell,
    pub parallel_s: Cell,
    pub bounded_s: Cell,
    pub estimated: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupReport {
    pub name: String,
    pub weight: i64,
    pub keygen: bool,
    /// Present in head only / base only.
    pub change: Change,
    pub proof_time: Option<GroupProofTime>,
    /// `phase` sections in display order; `None` (no phase) first.
    pub phases: Vec<Option<String>>,
    /// Every metric of the group: the shown ones first, in headline order,
    /// then the rest by name.
    pub metrics: Vec<MetricRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MetricRow {
    pub metric: String,
    pub phase: Option<String>,
    /// Shown in the group's Markdown table.
    pub shown: bool,
    /// Only the average means something (app `execute_metered_*`).
    pub avg_only: bool,
    /// The sum is misleading (`*_insn_mi/s` rates).
    pub hide_sum: bool,
    pub count: Cell,
    pub avg: Cell,
    pub sum: Cell,
    pub max: Cell,
    pub min: Cell,
}

/// The detailed tables, shared rather than copied: templates read them in
/// place (see `render::detailed`, which also serialises them), since a large
/// run's tables hold millions of cells.
#[derive(Clone, Debug, Default)]
pub struct DetailedTables(pub std::sync::Arc<Vec<DetailedTable>>);

impl std::ops::Deref for DetailedTables {
    type Target = [DetailedTable];

    fn deref(&self) -> &[DetailedTable] {
        &self.0
    }
}

impl From<Vec<DetailedTable>> for DetailedTables {
    fn from(tables: Vec<DetailedTable>) -> Self {
        DetailedTables(std::sync::Arc::new(tables))
    }
}

/// One table of the detailed report: every label set with these keys.
#[derive(Clone, Debug, Serialize)]
pub struct DetailedTable {
    pub label_keys: Vec<String>,
    pub metrics: Vec<String>,
    pub rows: Vec<DetailedRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DetailedRow {
    pub labels: Vec<String>,
    /// One cell per metric of the table; an absent value is an empty cell.
    pub values: Vec<Cell>,
}

/// `frequency` summed per (group, opcode).
#[derive(Clone, Debug, Serialize)]
pub struct InstructionCount {
    pub group: String,
    pub opcode: String,
    pub frequency: Cell,
}

/// GPU memory over time, from `gpu_mem.*` gauges with a `module` label.
#[derive(Clone, Debug, Serialize)]
pub struct GpuMemory {
    pub chart: gpu::Chart,
    /// File name of the SVG beside the Markdown, when one is written.
    pub svg_file: Option<String>,
    pub modules: Vec<ModulePeak>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModulePeak {
    pub module: String,
    pub peak_gb: Cell,
    /// The other labels of the sample where the peak was seen.
    pub at: String,
}

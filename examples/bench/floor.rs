//! The CPU floor of an ingest: what the work no ingest of a file can skip
//! costs when each piece runs alone (a bare parse, the file's sha256,
//! SQLite storing that many sample rows in prof's schema, and for a
//! benchmark's first run its label sets), beside what `prof ingest`
//! spends in all. On a machine with N cores no ingest can take less wall
//! time than its CPU time over N, nor less than the parse, which runs on
//! one core: the table prints that bound for the floors and for the
//! ingests, as ratios to the bare parse, the unit the speed goals are set
//! in. Every piece leaves out work an ingest also does (numbering, the
//! aggregates, every other table), so the floors are lower bounds.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::measure::{Spread, measure, ms, prof_cmd, remove_db, repeat_enough};

/// Sample rows per multi-row insert, as `prof`'s writer sends them.
const ROWS_PER_STATEMENT: usize = 128;

/// The file's sha256 in 1 MB steps, as `prof` takes it.
pub fn plain_sha256(path: &Path) -> ExitCode {
    let Some(map) = crate::big_file::map_input(path) else {
        return ExitCode::FAILURE;
    };
    let mut hasher = Sha256::new();
    for step in map.chunks(1 << 20) {
        hasher.update(step);
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    eprintln!("{hex}");
    ExitCode::SUCCESS
}

/// Metric names the stored rows spread over, as in the generated files.
const METRICS: usize = 40;

/// Stores in the prof database at `db` what sample rows refer to: a label
/// set for every line of `texts` (their `items`, as a stored run has
/// them), one row at a time as `prof` stores a new set, the UNIQUE index
/// on `items` included, and [`METRICS`] metric names. Timed alone, this is
/// what a benchmark's first run stores beyond its samples; untimed, it
/// readies `db` for [`plain_insert`].
pub fn plain_label_sets(db: &Path, texts: &Path) -> ExitCode {
    exit(db, label_sets(db, texts))
}

/// Stores `rows` sample rows of one new run in the prof database at `db`
/// (readied by [`plain_label_sets`]), opened as `prof` opens it, in one
/// transaction, then checkpoints as every writing `prof` command does:
/// the least any ingest of a file with that many samples writes. Each
/// label set takes two samples in turn, as in the generated files.
pub fn plain_insert(db: &Path, rows: usize) -> ExitCode {
    exit(db, insert(db, rows))
}

/// Errors name the database: prof's own already do, SQLite's get it here.
fn exit(db: &Path, result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.starts_with(&db.display().to_string()) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{}: {e}", db.display());
            ExitCode::FAILURE
        }
    }
}

fn sql(e: rusqlite::Error) -> String {
    e.to_string()
}

fn label_sets(db: &Path, texts: &Path) -> Result<(), String> {
    let texts = fs::read_to_string(texts).map_err(|e| format!("{}: {e}", texts.display()))?;
    let mut conn = prof::db::open(db, prof::db::Access::ReadWrite).map_err(|e| e.to_string())?;
    let tx = conn.transaction().map_err(sql)?;
    {
        let mut metric = tx
            .prepare("INSERT INTO metric_names (name) VALUES (?1)")
            .map_err(sql)?;
        for i in 0..METRICS {
            metric.execute([format!("floor_metric_{i}")]).map_err(sql)?;
        }
        let mut set = tx
            .prepare("INSERT INTO label_sets (items) VALUES (?1)")
            .map_err(sql)?;
        for text in texts.lines() {
            set.execute([text]).map_err(sql)?;
        }
    }
    tx.commit().map_err(sql)?;
    prof::db::checkpoint(&conn, db).map_err(|e| e.to_string())
}

fn insert(db: &Path, rows: usize) -> Result<(), String> {
    let mut conn = prof::db::open(db, prof::db::Access::ReadWrite).map_err(|e| e.to_string())?;
    let tx = conn.transaction().map_err(sql)?;
    let (first_set, sets, first_metric): (i64, i64, i64) = tx
        .query_row(
            "SELECT (SELECT MIN(id) FROM label_sets), (SELECT COUNT(*) FROM label_sets),
                    (SELECT MIN(id) FROM metric_names WHERE name LIKE 'floor_metric_%')",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .map_err(sql)?;
    if sets == 0 {
        return Err("no label sets: run `bench plain-label-sets` on it first".into());
    }
    tx.execute(
        "INSERT INTO runs (name, created_at, source_path, content_sha256, entries,
                           zero_counters, nonfinite)
         VALUES ('floor', '2026-01-01T00:00:00Z', '', '', ?1, 0, 0)",
        [rows as i64],
    )
    .map_err(sql)?;
    let run_id = tx.last_insert_rowid();
    let statement = |count: usize| {
        let values = vec!["(?, ?, ?, ?, ?, ?, NULL)"; count].join(", ");
        format!(
            "INSERT INTO samples (run_id, seq, label_set_id, metric_id, kind, value, nonfinite) \
             VALUES {values}"
        )
    };
    let mut full = tx.prepare(&statement(ROWS_PER_STATEMENT)).map_err(sql)?;
    let mut seq = 0usize;
    while seq < rows {
        let count = ROWS_PER_STATEMENT.min(rows - seq);
        let mut partial;
        let insert = if count == ROWS_PER_STATEMENT {
            &mut full
        } else {
            partial = tx.prepare(&statement(count)).map_err(sql)?;
            &mut partial
        };
        for i in 0..count {
            let row = (seq + i) as i64;
            let at = i * 6;
            insert.raw_bind_parameter(at + 1, run_id).map_err(sql)?;
            insert.raw_bind_parameter(at + 2, row).map_err(sql)?;
            insert
                .raw_bind_parameter(at + 3, first_set + (row / 2) % sets)
                .map_err(sql)?;
            insert
                .raw_bind_parameter(at + 4, first_metric + row % METRICS as i64)
                .map_err(sql)?;
            insert.raw_bind_parameter(at + 5, row % 2).map_err(sql)?;
            insert
                .raw_bind_parameter(at + 6, (row % 100_003) as f64)
                .map_err(sql)?;
        }
        insert.raw_execute().map_err(sql)?;
        seq += count;
    }
    drop(full);
    tx.commit().map_err(sql)?;
    prof::db::checkpoint(&conn, db).map_err(|e| e.to_string())
}

/// What the floor table needs from the speed rows.
pub struct Ingests<'a> {
    pub parse: &'a Spread,
    pub fresh: &'a Spread,
    pub next: &'a Spread,
    /// Samples the base file's run stored.
    pub samples: usize,
    /// A database holding the base file's run, whose label sets the
    /// label-set row stores again.
    pub stored: &'a Path,
}

/// The pieces, each timed alone.
struct Pieces {
    sha: Spread,
    label_sets: Spread,
    samples: Spread,
    /// How many label sets the label-set row stored.
    label_set_count: i64,
}

/// Measures the pieces, then prints the table.
pub fn table(
    prof: &Path,
    base: &Path,
    dir: &Path,
    runs: usize,
    ingests: &Ingests,
) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    eprintln!("bench: speed: the pieces of an ingest, alone");
    let sha = repeat_enough(runs, |_| {
        measure(Command::new(&me).arg("plain-sha256").arg(base))
    })?;
    // The stored run's label sets, as text the timed child reads in a few
    // milliseconds: reading them from SQLite would be timed with them.
    let texts = dir.join("speed-label-sets.txt");
    dump_label_sets(ingests.stored, &texts)?;
    let db = dir.join("speed-floor.db");
    let fresh_schema = || {
        remove_db(&db);
        measure(prof_cmd(prof, &db).arg("migrate")).map(drop)
    };
    let store_label_sets = || {
        measure(
            Command::new(&me)
                .arg("plain-label-sets")
                .arg(&db)
                .arg(&texts),
        )
    };
    let label_sets = repeat_enough(runs, |_| {
        fresh_schema()?;
        store_label_sets()
    })?;
    let label_set_count = rusqlite::Connection::open(&db)
        .and_then(|conn| conn.query_row("SELECT COUNT(*) FROM label_sets", [], |row| row.get(0)))
        .map_err(|e| format!("{}: {e}", db.display()))?;
    let samples = repeat_enough(runs, |_| {
        fresh_schema()?;
        store_label_sets()?;
        measure(
            Command::new(&me)
                .arg("plain-insert")
                .arg(&db)
                .arg(ingests.samples.to_string()),
        )
    })?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pieces = Pieces {
        sha,
        label_sets,
        samples,
        label_set_count,
    };
    print(&mut std::io::stdout().lock(), ingests, &pieces, cores).map_err(|e| e.to_string())
}

/// Every label set's `items` in the prof database `db`, a line each (the
/// text is a JSON array of integers, so it has no line break).
fn dump_label_sets(db: &Path, to: &Path) -> Result<(), String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("{}: {e}", db.display()))?;
    let mut read = conn
        .prepare("SELECT items FROM label_sets ORDER BY id")
        .map_err(sql)?;
    let mut rows = read.query([]).map_err(sql)?;
    let mut text = String::new();
    while let Some(row) = rows.next().map_err(sql)? {
        text.push_str(row.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(sql)?);
        text.push('\n');
    }
    fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))
}

fn cpu(spread: &Spread) -> Duration {
    spread.median().cpu
}

fn print(
    out: &mut impl Write,
    ingests: &Ingests,
    pieces: &Pieces,
    cores: usize,
) -> std::io::Result<()> {
    let parse = ingests.parse.median().wall;
    let to_parse = |d: Duration| format!("{:.2}×", d.as_secs_f64() / parse.as_secs_f64());
    // The wall time no run can beat: the parse is one thread's work, and
    // all the CPU time spread over every core at best.
    let bound = |total: Duration| (total / cores as u32).max(parse);
    let next_floor = cpu(ingests.parse) + cpu(&pieces.sha) + cpu(&pieces.samples);
    let fresh_floor = next_floor + cpu(&pieces.label_sets);
    writeln!(
        out,
        "The CPU floor of an ingest: its pieces timed alone ({cores} cores; medians; \
         ratios to the bare parse's wall time)"
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "| what | wall | CPU (user + sys) | least wall on {cores} cores | ratio |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|")?;
    // A piece alone gets no bound: only a whole ingest is a run.
    let mut line = |what: &str, wall: Option<Duration>, total: Duration, bounded: bool| {
        let (least, ratio) = if bounded {
            (ms(bound(total)), to_parse(bound(total)))
        } else {
            (String::new(), String::new())
        };
        writeln!(
            out,
            "| {what} | {} | {} | {least} | {ratio} |",
            wall.map(ms).unwrap_or_default(),
            ms(total),
        )
    };
    let timed = |spread: &Spread| Some(spread.median().wall);
    line(
        "bare parse (`bench plain-parse`)",
        timed(ingests.parse),
        cpu(ingests.parse),
        false,
    )?;
    line(
        "sha256 of the file (`bench plain-sha256`)",
        timed(&pieces.sha),
        cpu(&pieces.sha),
        false,
    )?;
    line(
        &format!(
            "storing its {} sample rows, commit and checkpoint (`bench plain-insert`)",
            ingests.samples
        ),
        timed(&pieces.samples),
        cpu(&pieces.samples),
        false,
    )?;
    line(
        &format!(
            "storing its {} label sets, in a fresh database only (`bench plain-label-sets`)",
            pieces.label_set_count
        ),
        timed(&pieces.label_sets),
        cpu(&pieces.label_sets),
        false,
    )?;
    line(
        "**next run's floor: parse + sha256 + sample rows**",
        None,
        next_floor,
        true,
    )?;
    line(
        "`prof ingest` of the next run",
        timed(ingests.next),
        cpu(ingests.next),
        true,
    )?;
    line(
        "**fresh floor: the above + label sets**",
        None,
        fresh_floor,
        true,
    )?;
    line(
        "`prof ingest` into a fresh database",
        timed(ingests.fresh),
        cpu(ingests.fresh),
        true,
    )?;
    writeln!(out)
}

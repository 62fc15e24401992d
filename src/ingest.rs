//! `prof ingest`: one metrics file becomes one run, in one transaction.
//!
//! The file is memory-mapped and parsed on one thread while the other writes
//! to SQLite, so both cores work. Batches of parsed entries cross a bounded
//! channel; behind the parser, consumed pages are hashed (sha256 of the
//! content) and released from the mapping, so resident memory stays flat
//! however large the file is.

use std::borrow::Cow;
use std::fs::File;
use std::path::Path;
use std::sync::mpsc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use memmap2::{Mmap, UncheckedAdvice};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::db::writer::{RunHeader, RunWriter, WriteCounts};
use crate::error::{self, Error, Result};
use crate::input::{self, Entry};

/// Entries per batch sent from the parser to the writer.
const BATCH: usize = 4096;
/// Batches in flight; bounds the memory between the two threads.
const IN_FLIGHT: usize = 4;
/// Files larger than this show a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;
/// The mapping's pages are released behind the writer in steps this large.
const RELEASE_STEP: usize = 8 << 20;

/// What the user asked for, validated.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    pub name: Option<String>,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub meta: Vec<(String, String)>,
    pub created_at: String,
    pub force: bool,
}

/// What became of one file.
#[derive(Debug)]
pub enum Outcome {
    Created {
        run_id: i64,
        name: String,
        counts: WriteCounts,
        app_groups: Vec<String>,
    },
    /// The same content was already stored for this benchmark and commit.
    Existing { run_id: i64, name: String },
}

/// Ingests one file into `conn`. On any error the transaction is rolled back
/// and the database holds exactly what it held before.
pub fn ingest_file(conn: &mut Connection, path: &Path, options: &IngestOptions) -> Result<Outcome> {
    let db_path = conn
        .path()
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let file = open_metrics_file(path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Err(Error::input(
            path,
            "the file is empty (expected a metrics JSON object such as {\"counter\": [], \"gauge\": []})",
        ));
    }
    // SAFETY: the mapping is read-only and private. prof never writes through
    // it; another process truncating the file while it is read is the one
    // hazard, as for any mmap reader, and CI artifacts are not rewritten.
    let map = unsafe { Mmap::map(&file) }.map_err(|e| {
        Error::input(
            path,
            format!("cannot map the file: {}", error::io_reason(&e)),
        )
    })?;
    let _ = map.advise(memmap2::Advice::Sequential);

    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| error::sqlite(&db_path, &e))?;
    let header = RunHeader {
        commit_sha: options.commit_sha.clone(),
        branch: options.branch.clone(),
        created_at: options.created_at.clone(),
        source_path: path.display().to_string(),
        meta: options.meta.clone(),
    };
    let progress = progress_bar(len);
    let (parsed, written) = std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Batch<'_>>(IN_FLIGHT);
        let parser = scope.spawn(|| parse_and_send(&map, sender, &progress));
        let written = write_all(&tx, &header, &map, receiver);
        let parsed = parser
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (parsed, written)
    });
    progress.finish_and_clear();

    let (parse_result, sha256) = parsed;
    if let Err(parse_error) = parse_result {
        return Err(Error::input(path, parse_error));
    }
    let writer = written.map_err(|e| error::sqlite(&db_path, &e))?;
    let run_id = writer.run_id();
    // The groups are known once every sample is in; name the run from them.
    let (name, counts, app_groups) = (|| -> rusqlite::Result<_> {
        let counts = writer.finish("", &sha256)?;
        let app_groups = RunWriter::app_groups(&tx, run_id)?;
        let name = match (&options.name, app_groups.first()) {
            (Some(name), _) => name.clone(),
            (None, Some(app)) => app.clone(),
            (None, None) => file_stem(path),
        };
        tx.execute(
            "UPDATE runs SET name = ?2 WHERE id = ?1",
            rusqlite::params![run_id, name],
        )?;
        Ok((name, counts, app_groups))
    })()
    .map_err(|e| error::sqlite(&db_path, &e))?;

    if !options.force {
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM runs
                 WHERE name = ?1 AND commit_sha IS ?2 AND content_sha256 = ?3 AND id <> ?4
                 ORDER BY id LIMIT 1",
                rusqlite::params![name, options.commit_sha, sha256, run_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| error::sqlite(&db_path, &e))?;
        if let Some(existing) = existing {
            // Dropping the transaction rolls the duplicate back.
            return Ok(Outcome::Existing {
                run_id: existing,
                name,
            });
        }
    }
    tx.commit().map_err(|e| error::sqlite(&db_path, &e))?;
    Ok(Outcome::Created {
        run_id,
        name,
        counts,
        app_groups,
    })
}

fn open_metrics_file(path: &Path) -> Result<File> {
    let file = File::open(path).map_err(|e| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => "check the path",
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check that the file can be read",
        };
        Error::input(
            path,
            format!("cannot read: {} ({hint})", error::io_reason(&e)),
        )
    })?;
    let metadata = file
        .metadata()
        .map_err(|e| Error::input(path, format!("cannot read: {}", error::io_reason(&e))))?;
    if metadata.is_dir() {
        return Err(Error::input(
            path,
            "is a directory, not a metrics file (pass the JSON files in it, e.g. DIR/*.json)",
        ));
    }
    Ok(file)
}

/// A batch of parsed entries and how far into the file the parser had got
/// when it sent them.
struct Batch<'a> {
    entries: Vec<Entry<'a>>,
    position: usize,
}

/// Parser thread: walks the mapping, hashes what it has passed and sends
/// batches. Returns the parse result and the content's sha256.
fn parse_and_send<'a>(
    bytes: &'a [u8],
    sender: mpsc::SyncSender<Batch<'a>>,
    progress: &ProgressBar,
) -> (std::result::Result<bool, input::ParseError>, String) {
    let base = bytes.as_ptr() as usize;
    let mut hasher = Sha256::new();
    let mut hashed = 0usize;
    let mut entries = Vec::with_capacity(BATCH);
    // The parser's position is known from where the strings it borrows lie.
    let mut position = 0usize;
    let mut flush = |entries: &mut Vec<Entry<'a>>, position: usize| -> bool {
        hasher.update(&bytes[hashed..position]);
        hashed = position;
        progress.set_position(position as u64);
        let full = std::mem::replace(entries, Vec::with_capacity(BATCH));
        sender
            .send(Batch {
                entries: full,
                position,
            })
            .is_ok()
    };
    let result = input::for_each_entry(bytes, |entry| {
        if let Cow::Borrowed(metric) = &entry.metric {
            position = position.max(metric.as_ptr() as usize - base);
        }
        entries.push(entry);
        if entries.len() == BATCH {
            return flush(&mut entries, position);
        }
        true
    });
    if result.is_ok() && !entries.is_empty() {
        flush(&mut entries, position);
    }
    drop(flush);
    hasher.update(&bytes[hashed..]);
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    (result, hex)
}

/// Writer side: inserts every batch, then drops the mapping's pages behind
/// it: both threads are done with them. Stops at the first database error,
/// which also stops the parser (its next send fails).
fn write_all<'t>(
    tx: &'t rusqlite::Transaction<'t>,
    header: &RunHeader,
    map: &Mmap,
    receiver: mpsc::Receiver<Batch<'_>>,
) -> rusqlite::Result<RunWriter<'t>> {
    let mut writer = RunWriter::begin(tx, header)?;
    let mut released = 0usize;
    for batch in receiver {
        for entry in &batch.entries {
            writer.push(entry)?;
        }
        // Everything before the batch's first string is parsed, hashed and
        // written; the strings of later batches lie after it.
        let done = batch
            .entries
            .first()
            .map_or(batch.position, |e| match &e.metric {
                Cow::Borrowed(metric) => metric.as_ptr() as usize - map.as_ptr() as usize,
                Cow::Owned(_) => released,
            });
        let releasable = done / RELEASE_STEP * RELEASE_STEP;
        if releasable > released {
            // SAFETY: the mapping is read-only, so dropping its pages loses
            // nothing: a later access would fault them back in from the file.
            let _ = unsafe {
                map.unchecked_advise_range(
                    UncheckedAdvice::DontNeed,
                    released,
                    releasable - released,
                )
            };
            released = releasable;
        }
    }
    Ok(writer)
}

fn progress_bar(len: u64) -> ProgressBar {
    if len < PROGRESS_MIN_BYTES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} ingesting {bytes}/{total_bytes} {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".to_string())
}

/// Ingests `bytes` as if they were a file, for unit tests; returns the run id.
#[cfg(test)]
pub fn ingest_bytes_for_tests(conn: &mut Connection, bytes: &[u8]) -> i64 {
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    std::io::Write::write_all(&mut file, bytes).expect("write the temporary file");
    let options = IngestOptions {
        created_at: "2026-01-01T00:00:00Z".into(),
        ..IngestOptions::default()
    };
    match ingest_file(conn, file.path(), &options).expect("the test input ingests") {
        Outcome::Created { run_id, .. } | Outcome::Existing { run_id, .. } => run_id,
    }
}

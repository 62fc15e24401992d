//! `prof ingest`: one metrics file becomes one run, in one transaction.
//!
//! The file is memory-mapped and parsed on one thread while the other writes
//! to SQLite, so both cores work. Batches of parsed entries cross a bounded
//! channel; behind the parser, consumed pages are hashed (sha256 of the
//! content) and released from the mapping, so resident memory stays flat
//! however large the file is.

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
/// Pages are released this far behind the parser, in 8 MiB steps.
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
        let (sender, receiver) = mpsc::sync_channel::<Vec<Entry<'_>>>(IN_FLIGHT);
        let parser = scope.spawn(|| parse_and_send(&map, sender, &progress));
        let written = write_all(&tx, &header, receiver);
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

/// Parser thread: walks the mapping, sends batches, hashes and releases what
/// it has passed. Returns the parse result and the content's sha256.
fn parse_and_send<'a>(
    map: &'a Mmap,
    sender: mpsc::SyncSender<Vec<Entry<'a>>>,
    progress: &ProgressBar,
) -> (std::result::Result<bool, input::ParseError>, String) {
    let bytes: &'a [u8] = map;
    let base = bytes.as_ptr() as usize;
    let mut hasher = Sha256::new();
    let mut hashed = 0usize;
    let mut released = 0usize;
    let mut batch = Vec::with_capacity(BATCH);
    // The parser's position is known from where the strings it borrows lie.
    let mut position = 0usize;
    let mut flush = |batch: &mut Vec<Entry<'a>>, position: usize| -> bool {
        let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
        if sender.send(full).is_err() {
            return false;
        }
        hasher.update(&bytes[hashed..position]);
        hashed = position;
        progress.set_position(position as u64);
        // Pages well behind the parser are done with: hashed, parsed, and any
        // string still in flight re-reads its page from the page cache.
        let releasable = position.saturating_sub(RELEASE_STEP) / RELEASE_STEP * RELEASE_STEP;
        if releasable > released {
            // SAFETY: the mapping is private and read-only, so dropping its
            // pages loses nothing: a later access faults them back in from
            // the file.
            let _ = unsafe {
                map.unchecked_advise_range(
                    UncheckedAdvice::DontNeed,
                    released,
                    releasable - released,
                )
            };
            released = releasable;
        }
        true
    };
    let result = input::for_each_entry(bytes, |entry| {
        if let Cow::Borrowed(metric) = &entry.metric {
            position = position.max(metric.as_ptr() as usize - base);
        }
        batch.push(entry);
        if batch.len() == BATCH {
            return flush(&mut batch, position);
        }
        true
    });
    if result.is_ok() && !batch.is_empty() {
        flush(&mut batch, position);
    }
    drop(flush);
    hasher.update(&bytes[hashed..]);
    let digest = hasher.finalize();
    let hex = digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    (result, hex)
}

use std::borrow::Cow;

/// Writer side: inserts every batch; stops at the first database error, which
/// also stops the parser (its next send fails).
fn write_all<'t>(
    tx: &'t rusqlite::Transaction<'t>,
    header: &RunHeader,
    receiver: mpsc::Receiver<Vec<Entry<'_>>>,
) -> rusqlite::Result<RunWriter<'t>> {
    let mut writer = RunWriter::begin(tx, header)?;
    for batch in receiver {
        for entry in &batch {
            writer.push(entry)?;
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

//! The ingest pipeline behind `prof ingest` and `prof legacy`: each metrics
//! file becomes one run, in one transaction.
//!
//! Files are memory-mapped and parsed on one thread while another writes to
//! SQLite: within a large file the two overlap batch by batch, and across
//! many files the parser runs ahead into the next file while the writer
//! finishes the last one. The parser also numbers each file's names and
//! label sets (`numbering`), so batches own what they carry and the writer
//! meets each name once. The file's sha256 (about 0.7 s per GB, as much as
//! the parse) is computed in the gaps (`digest`): by whichever thread would
//! otherwise wait on the channel, and by the parser after the parse, while
//! the writer stores the aggregates, which is when the writer first needs
//! it. The parser and the hasher release the mapped pages behind them, so
//! resident memory stays flat however large a file is.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use memmap2::Mmap;
use rusqlite::{Connection, TransactionBehavior};

use crate::db::writer::{self, Batch, RunHeader, RunWriter, WriteCounts};
use crate::error::{self, Error, Result};
use crate::input::{self, Entry, ParseError};

mod digest;
mod mapping;
mod numbering;

use digest::{SharedDigest, recv_hashing, send_hashing};
use mapping::{map_file, release_behind};
use numbering::Numbering;

/// Entries per batch sent from the parser to the writer.
const BATCH: usize = 4096;
/// Batches in flight; bounds the memory between the two threads.
const IN_FLIGHT: usize = 4;
/// Files larger than this show a progress bar (when stderr is a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// What the user asked for, validated.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    pub name: Option<String>,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub meta: Vec<(String, String)>,
    pub created_at: String,
    pub force: bool,
    /// The input format; `None` detects it from each file's content.
    pub format: Option<input::Format>,
}

/// What became of one file.
#[derive(Debug)]
pub enum Outcome {
    Created {
        run_id: i64,
        name: String,
        counts: WriteCounts,
        /// With other runs of the same name at the same commit: how many
        /// runs that commit now has, this one included (its repeat number).
        repeat: Option<i64>,
    },
    /// The same content was already stored for this benchmark and commit.
    Existing { run_id: i64, name: String },
}

/// Ingests one file into `conn`. On any error the transaction is rolled back
/// and the database holds exactly what it held before.
pub fn ingest_file(conn: &mut Connection, path: &Path, options: &IngestOptions) -> Result<Outcome> {
    let mut outcome = None;
    ingest_files(conn, &[path.to_path_buf()], options, |_, result| {
        outcome = Some(result)
    });
    outcome.unwrap_or_else(|| Err(Error::internal("ingest gave no outcome for its one file")))
}

/// Ingests every file in order, each in its own transaction, and hands each
/// outcome to `report` as soon as it is known. A failing file leaves no
/// trace and does not stop the others.
pub fn ingest_files(
    conn: &mut Connection,
    paths: &[PathBuf],
    options: &IngestOptions,
    mut report: impl FnMut(&Path, Result<Outcome>),
) {
    let db_path = conn.path().map(PathBuf::from).unwrap_or_default();
    let maps: Vec<Result<Mmap>> = paths.iter().map(|path| map_file(path)).collect();
    // The index of a file the writer gave up on: the parser and the hasher
    // stop it early.
    let abandoned = AtomicUsize::new(usize::MAX);
    let digests: Vec<SharedDigest> = maps.iter().map(|_| SharedDigest::default()).collect();
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Message>(IN_FLIGHT);
        let maps = &maps;
        let abandoned = &abandoned;
        let digests = &digests;
        scope.spawn(move || parse_all(maps, options, sender, digests, abandoned));
        for (index, (path, map)) in paths.iter().zip(maps).enumerate() {
            let result = match map {
                Err(e) => Err(clone_error(e)),
                Ok(map) => {
                    let mut done = false;
                    let file = FileInput {
                        path,
                        map,
                        digest: &digests[index],
                    };
                    let result = write_file(conn, &db_path, &file, options, &receiver, &mut done);
                    if result.is_err() {
                        // Stop the hasher on this file; unless the parser is
                        // done with it, skip the rest of it and drop what the
                        // parser already sent, so the next file starts clean.
                        abandoned.store(index, Ordering::SeqCst);
                        if !done {
                            drain_file(&receiver);
                        }
                    }
                    result
                }
            };
            report(path, result);
        }
    });
}

/// What the parser tells the writer, file by file in order.
enum Message {
    Batch(Batch),
    /// The file is parsed: the parse result.
    Done(std::result::Result<bool, ParseError>),
}

/// One input file as the writer sees it.
struct FileInput<'s> {
    path: &'s Path,
    map: &'s Mmap,
    /// The content's sha256 in the making.
    digest: &'s SharedDigest,
}

fn clone_error(error: &Error) -> Error {
    match error {
        Error::Input { path, detail } => Error::Input {
            path: path.clone(),
            detail: detail.clone(),
        },
        other => Error::internal(format!("an input error of an unexpected kind: {other}")),
    }
}

/// Parser thread: every mapped file in order, batch by batch, each closed
/// by a `Done`; then the rest of the file's sha256, while the writer stores
/// the run's aggregates.
fn parse_all(
    maps: &[Result<Mmap>],
    options: &IngestOptions,
    sender: mpsc::SyncSender<Message>,
    digests: &[SharedDigest],
    abandoned: &AtomicUsize,
) {
    for (index, map) in maps.iter().enumerate() {
        let Ok(map) = map else { continue };
        let progress = progress_bar(map.len() as u64);
        let digest = &digests[index];
        let result = parse_one(map, index, options, &sender, digest, &progress, abandoned);
        progress.finish_and_clear();
        let parsed = result.is_ok();
        if sender.send(Message::Done(result)).is_err() {
            return;
        }
        if parsed {
            digest.finish(map, || abandoned.load(Ordering::SeqCst) == index);
        }
    }
}

fn parse_one(
    map: &Mmap,
    index: usize,
    options: &IngestOptions,
    sender: &mpsc::SyncSender<Message>,
    digest: &SharedDigest,
    progress: &ProgressBar,
    abandoned: &AtomicUsize,
) -> std::result::Result<bool, ParseError> {
    let bytes: &[u8] = map;
    let base = bytes.as_ptr() as usize;
    let mut numbering = Numbering::default();
    let mut batch = Batch::default();
    let mut too_many = false;
    // The parser's position is known from where the strings it borrows lie.
    let mut position = 0usize;
    let mut released = 0usize;
    let mut flush = |batch: &mut Batch, position: usize| -> bool {
        progress.set_position(position as u64);
        // A batch owns what it carries: the pages behind the parser can go.
        released = release_behind(map, position, released);
        let full = std::mem::take(batch);
        abandoned.load(Ordering::SeqCst) != index
            && send_hashing(sender, Message::Batch(full), digest, map)
    };
    let on_entry = |entry: Entry<'_>| {
        if let Cow::Borrowed(metric) = &entry.metric {
            position = position.max(metric.as_ptr() as usize - base);
        }
        if numbering.add(&entry, &mut batch).is_err() {
            too_many = true;
            return false;
        }
        if batch.entries as usize == BATCH {
            return flush(&mut batch, position);
        }
        true
    };
    let result = match input::detect::choose(bytes, options.format, options.name.is_some()) {
        Ok(input::Format::Metrics) => input::for_each_entry(bytes, on_entry),
        Ok(input::Format::Bmf) => input::bmf::for_each_entry(bytes, on_entry),
        Err(error) => Err(error),
    };
    if too_many {
        return Err(ParseError {
            position: None,
            message: "more than 4,294,967,295 distinct names or label sets".into(),
            hint: "split the file into several runs",
        });
    }
    if result.is_ok() && batch.entries > 0 {
        flush(&mut batch, position);
    }
    result
}

/// Drops messages up to and including the current file's `Done`.
fn drain_file(receiver: &mpsc::Receiver<Message>) {
    while let Ok(message) = receiver.recv() {
        if let Message::Done(..) = message {
            return;
        }
    }
}

/// Writer side for one file: its transaction from the first batch to the
/// commit. `done` says whether the file's `Done` was consumed.
fn write_file(
    conn: &mut Connection,
    db_path: &Path,
    file: &FileInput<'_>,
    options: &IngestOptions,
    receiver: &mpsc::Receiver<Message>,
    done: &mut bool,
) -> Result<Outcome> {
    let sql = |e: rusqlite::Error| error::sqlite(db_path, &e);
    let path = file.path;
    // BEGIN IMMEDIATE takes the write lock up front, so the busy timeout
    // (not an error) covers another process's ingest in progress.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    let header = RunHeader {
        commit_sha: options.commit_sha.clone(),
        branch: options.branch.clone(),
        created_at: options.created_at.clone(),
        source_path: path.display().to_string(),
        meta: options.meta.clone(),
    };
    let mut run = RunWriter::begin(&tx, &header).map_err(sql)?;
    let parsed = loop {
        match recv_hashing(receiver, file.digest, file.map) {
            Ok(Message::Batch(batch)) => run.push_batch(&batch).map_err(sql)?,
            Ok(Message::Done(parsed)) => {
                *done = true;
                break parsed;
            }
            Err(_) => return Err(Error::internal("the parser thread stopped unexpectedly")),
        }
    };
    if let Err(parse_error) = parsed {
        // Dropping the transaction rolls back everything the file wrote.
        return Err(Error::parse(path, &parse_error));
    }
    let run_id = run.run_id();
    let counts = run.finish().map_err(sql)?;
    let sha256 = file
        .digest
        .finish(file.map, || false)
        .ok_or_else(|| Error::internal("the file's digest was given up"))?;
    let name = match &options.name {
        Some(name) => name.clone(),
        None => default_name(path, options.commit_sha.as_deref()),
    };
    writer::set_identity(&tx, run_id, &name, &sha256).map_err(sql)?;
    if !options.force {
        let existing =
            writer::same_content(&tx, run_id, &name, options.commit_sha.as_deref(), &sha256)
                .map_err(sql)?;
        if let Some(existing) = existing {
            // Dropping the transaction rolls the duplicate back.
            return Ok(Outcome::Existing {
                run_id: existing,
                name,
            });
        }
    }
    let repeat = match &options.commit_sha {
        Some(commit) => {
            Some(writer::runs_at_commit(&tx, &name, commit).map_err(sql)?).filter(|&runs| runs > 1)
        }
        None => None,
    };
    tx.commit().map_err(sql)?;
    Ok(Outcome::Created {
        run_id,
        name,
        counts,
        repeat,
    })
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

/// The name of a run without `--name`: see [`crate::naming`].
pub fn default_name(path: &Path, commit: Option<&str>) -> String {
    match path.file_stem() {
        Some(stem) => crate::naming::default_name(&stem.to_string_lossy(), commit),
        None => "run".to_string(),
    }
}

/// Now, as stored in `runs.created_at`: seconds precision, UTC, sortable.
pub fn now() -> String {
    format_time(jiff::Timestamp::now())
}

pub fn format_time(time: jiff::Timestamp) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
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

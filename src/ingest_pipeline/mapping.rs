//! Metrics files as read-only memory maps: opening one with an error that
//! says what to do, and releasing the pages behind a reader (the parser or
//! the hasher), so resident memory stays flat however large the file.

use std::fs::File;
use std::path::Path;

use memmap2::{Mmap, UncheckedAdvice};

use crate::error::{self, Error, Result};

/// The mapping's pages are released behind the writer in steps this large.
const RELEASE_STEP: usize = 8 << 20;

/// `path` mapped for one sequential read; an empty file is refused here.
pub(super) fn map_file(path: &Path) -> Result<Mmap> {
    let file = open_metrics_file(path)?;
    if file.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        return Err(Error::input(
            path,
            "the file is empty (expected a metrics JSON object such as {\"counter\": [], \"gauge\": []})",
        ));
    }
    // SAFETY: the mapping is read-only; prof never writes through it. Another
    // process truncating the file while it is read is the one hazard, as for
    // any mmap reader, and CI artifacts are not rewritten in place.
    let map = unsafe { Mmap::map(&file) }.map_err(|e| {
        Error::input(
            path,
            format!("cannot map the file: {}", error::io_reason(&e)),
        )
    })?;
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(map)
}

fn open_metrics_file(path: &Path) -> Result<File> {
    let cannot_read = |e: std::io::Error| {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => "check the path",
            std::io::ErrorKind::PermissionDenied => "check the file's permissions",
            _ => "check that the file can be read",
        };
        Error::input(
            path,
            format!("cannot read: {} ({hint})", error::io_reason(&e)),
        )
    };
    // The type is checked before the file is opened: opening a FIFO blocks
    // until a writer comes, which may be never.
    let metadata = std::fs::metadata(path).map_err(cannot_read)?;
    if metadata.is_dir() {
        return Err(Error::input(
            path,
            "is a directory, not a metrics file (pass the JSON files in it, e.g. DIR/*.json)",
        ));
    }
    if !metadata.is_file() {
        return Err(Error::input(
            path,
            "is not a regular file (prof maps its input into memory; save a pipe's output to a file first)",
        ));
    }
    File::open(path).map_err(cannot_read)
}

/// Drops the mapping's pages before `done`, in whole steps, from the mark
/// `released` on; returns the new mark.
pub(super) fn release_behind(map: &Mmap, done: usize, released: usize) -> usize {
    let releasable = done / RELEASE_STEP * RELEASE_STEP;
    if releasable <= released {
        return released;
    }
    // SAFETY: the mapping is read-only, so dropping its pages loses nothing:
    // a later access would fault them back in from the file.
    let _ = unsafe {
        map.unchecked_advise_range(UncheckedAdvice::DontNeed, released, releasable - released)
    };
    releasable
}

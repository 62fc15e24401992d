//! A file's sha256, computed a step at a time by whichever thread would
//! otherwise wait: the parser when the writer is behind, the writer when
//! the parser is, and the parser once the file is parsed, while the writer
//! stores the run's aggregates. Hashing 1 GB costs about as much as parsing
//! it, so doing it in those gaps keeps it off both threads' critical path.

use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};

use memmap2::Mmap;
use sha2::{Digest, Sha256};

use super::Message;
use super::mapping::release_behind;

/// Bytes hashed per step: small enough that a thread taking a step while
/// its channel is full or empty comes back to it within a millisecond.
const STEP: usize = 1 << 20;

/// One file's digest in the making.
#[derive(Default)]
pub(super) struct SharedDigest {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    hasher: Sha256,
    /// Leading bytes hashed, and the mark up to which their pages are
    /// released.
    done: usize,
    released: usize,
    hex: Option<String>,
}

impl SharedDigest {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave the state half-updated in a way
        // that matters: at worst the digest is wrong for a run that fails.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hashes the next step of `map` unless another thread is hashing it or
    /// nothing is left; says whether it did.
    pub fn step(&self, map: &Mmap) -> bool {
        match self.state.try_lock() {
            Ok(mut state) => state.step(map),
            Err(_) => false,
        }
    }

    /// Hashes whatever is left and returns the digest as lowercase hex;
    /// `None` if `stop` says to give up first.
    pub fn finish(&self, map: &Mmap, stop: impl Fn() -> bool) -> Option<String> {
        loop {
            let mut state = self.lock();
            if let Some(hex) = &state.hex {
                return Some(hex.clone());
            }
            if stop() {
                return None;
            }
            state.step(map);
        }
    }
}

impl State {
    fn step(&mut self, map: &Mmap) -> bool {
        if self.hex.is_some() {
            return false;
        }
        let end = map.len().min(self.done + STEP);
        self.hasher.update(&map[self.done..end]);
        self.done = end;
        // The parser and the hasher each release the pages behind them; a
        // page one released before the other read it comes back from the
        // page cache.
        self.released = release_behind(map, self.done, self.released);
        if self.done == map.len() {
            let digest = std::mem::take(&mut self.hasher).finalize();
            self.hex = Some(digest.iter().map(|b| format!("{b:02x}")).collect());
        }
        true
    }
}

/// Sends `message`, taking steps of the file's digest while the channel is
/// full; false if the writer has gone.
pub(super) fn send_hashing(
    sender: &mpsc::SyncSender<Message>,
    mut message: Message,
    digest: &SharedDigest,
    map: &Mmap,
) -> bool {
    loop {
        match sender.try_send(message) {
            Ok(()) => return true,
            Err(mpsc::TrySendError::Disconnected(_)) => return false,
            Err(mpsc::TrySendError::Full(back)) => {
                message = back;
                if !digest.step(map) {
                    return sender.send(message).is_ok();
                }
            }
        }
    }
}

/// Receives the next message, taking steps of the file's digest while the
/// channel is empty.
pub(super) fn recv_hashing(
    receiver: &mpsc::Receiver<Message>,
    digest: &SharedDigest,
    map: &Mmap,
) -> std::result::Result<Message, mpsc::RecvError> {
    loop {
        match receiver.try_recv() {
            Ok(message) => return Ok(message),
            Err(mpsc::TryRecvError::Disconnected) => return Err(mpsc::RecvError),
            Err(mpsc::TryRecvError::Empty) => {
                if !digest.step(map) {
                    return receiver.recv();
                }
            }
        }
    }
}

//! Where a generation is, for a status line: the CLI shows one on a terminal when a
//! generation takes more than a second (Microsoft Graph's takes twenty).

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// A stage of the pipeline, as a status line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    /// Loading, normalising and parsing the document.
    Reading,
    /// Lowering it to types and operations.
    Lowering,
    /// Emitting and formatting the code: `done` of `total` items.
    Formatting,
    /// Comparing the SDK on disk with the new one (the change report).
    Comparing,
}

/// Where a generation is: written by the pipeline, read by whoever shows it, from another
/// thread. Costs an atomic add per formatted batch.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    /// Enters `stage`, which has `total` items to do (0: not counted).
    pub fn begin(&self, stage: Stage, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    /// `n` more items of the stage are done.
    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// The stage, and how many of its items are done of how many.
    pub fn now(&self) -> (Stage, usize, usize) {
        let stage = match self.stage.load(Ordering::Relaxed) {
            1 => Stage::Lowering,
            2 => Stage::Formatting,
            3 => Stage::Comparing,
            _ => Stage::Reading,
        };
        let total = self.total.load(Ordering::Relaxed);
        let done = self.done.load(Ordering::Relaxed).min(total);
        (stage, done, total)
    }
}

//! The GIL hand-off hint between a Buffer's writer and reader threads.
//!
//! Strategy: see [`GilHandoff`]. Only a hint in one atomic byte: correctness
//! never depends on it, and nobody spins longer than [`HANDOFF_SPIN`].

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// How long a thread coming back from a GIL-free section spins for the other
/// thread of the Buffer to let go of the GIL before queueing for it.
const HANDOFF_SPIN: Duration = Duration::from_micros(20);
/// Which of the Buffer's two threads is (about to be) holding the GIL.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Role {
    Writer = 1,
    Reader = 2,
}

/// No thread of this Buffer holds the GIL (as far as the hint knows).
const NOBODY: u8 = 0;

/// A hint of which of the Buffer's two threads holds the GIL, so a thread
/// coming back from a GIL-free copy or wait can wait for the other one to let
/// go of it by spinning, instead of queueing in CPython's GIL wait (a futex
/// sleep, then a wakeup of tens of microseconds -- during which the other
/// thread often takes the GIL back, so the sleeper waits again).
///
/// With it, a writer and a reader streaming large chunks take turns on the
/// GIL only for their Python-level work while their copies overlap on two
/// cores. It is only a hint: correctness never depends on it, and a thread
/// never spins longer than [`HANDOFF_SPIN`] per GIL-free section (then it
/// queues for the GIL as usual: the other thread is in long Python work, or
/// descheduled).
pub struct GilHandoff {
    holder: AtomicU8,
}

impl GilHandoff {
    pub fn new() -> Self {
        GilHandoff {
            holder: AtomicU8::new(NOBODY),
        }
    }

    /// Records that `role`'s thread holds the GIL (called with the GIL).
    pub fn hold(&self, role: Role) {
        if self.holder.load(Ordering::Relaxed) != role as u8 {
            self.holder.store(role as u8, Ordering::Relaxed);
        }
    }

    /// Runs `work` with the GIL released, then takes the GIL back, first
    /// spinning (briefly) until the other thread has released it.
    pub fn detach<T: Send>(
        &self,
        py: Python<'_>,
        role: Role,
        work: impl FnOnce() -> T + Send,
    ) -> T {
        py.detach(|| {
            let _ = self.holder.compare_exchange(
                role as u8,
                NOBODY,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            let out = work();
            self.reclaim(role);
            out
        })
    }

    fn reclaim(&self, role: Role) {
        let claim = || match self.holder.compare_exchange(
            NOBODY,
            role as u8,
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            Ok(_) => true,
            Err(holder) => holder == role as u8,
        };
        if claim() {
            return;
        }
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            std::hint::spin_loop();
            if claim() {
                return;
            }
            spins = spins.wrapping_add(1);
            if spins % 32 == 0 && start.elapsed() >= HANDOFF_SPIN {
                break;
            }
        }
        // The other thread kept the GIL (long Python work, or descheduled):
        // queue for it as usual.
        self.holder.store(role as u8, Ordering::Relaxed);
    }
}

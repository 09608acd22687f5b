//! Bounded lock-free single-producer/single-consumer byte ring (issue 2).
//!
//! Strategy: four small primitives, each in its own module.
//! - [`mapping`] owns the memory: `2 * capacity` bytes of address space whose
//!   second half mirrors the first (one memfd mapped twice on Linux; a heap
//!   copy-on-commit fallback elsewhere, on request, and always under loom).
//!   Because of the mirror, any `capacity` bytes starting at any offset are one
//!   contiguous slice, so the ring never splits a grant at the wrap point.
//! - [`spsc`] is the lock-free index protocol: absolute `u64` head/tail
//!   positions in cache-padded atomics, each side caching the other's index,
//!   and a grant/commit API ([`Producer::write_grant`] / [`Producer::commit`],
//!   [`Consumer::read_grant`] / [`Consumer::consume`]).
//! - [`wait`] is the blocking wakeup used only on the slow path (a futex on an
//!   epoch counter with a "waiters present" count; a Mutex+Condvar emulation
//!   off Linux, also selectable at run time), so a full or empty ring can be
//!   waited on with a timeout and without sleep-polling.
//!
//! - [`slots`] is the same protocol over values instead of bytes: a bounded
//!   queue whose receiver can look at everything it has not popped yet (the
//!   Buffer binding lists there the ranges lent to the ring by reference).
//!
//! `sync` swaps std atomics for loom's under `cfg(loom)` so the protocol is
//! model-checked (`cargo test --cfg loom ... loom`).

pub mod mapping;
pub mod slots;
pub mod spsc;
pub(crate) mod sync;
pub mod wait;

#[cfg(all(test, loom))]
mod loom_tests;

pub use mapping::{Mirroring, RingError, RingMemory};
pub use slots::{slots, SlotReceiver, SlotSender};
pub use spsc::{ring, ring_with_wakeup, Consumer, Producer, RingObserver};
pub use wait::{WaitPoint, Wakeup};

//! The synchronisation types the ring uses: std's normally, loom's under
//! `cfg(loom)`.
//!
//! Strategy: every ring module imports atomics, `Arc`, `Mutex` and `Condvar`
//! from here and nowhere else, so the loom build model-checks exactly the code
//! that ships.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU32, AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::Arc;
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex};

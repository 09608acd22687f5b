//! The synchronisation types the ring uses: std's normally, loom's under
//! `cfg(loom)`.
//!
//! Strategy: every ring module imports atomics, `Arc`, `Mutex`, `Condvar` and cells
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

/// A cell the two ends of a queue hand back and forth: loom's `UnsafeCell`
/// (which checks every access for a happens-before edge) under loom.
#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell as ValueCell;

/// std's `UnsafeCell` with loom's closure-style access, so queue code is the
/// same in both builds.
#[cfg(not(loom))]
pub(crate) struct ValueCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> ValueCell<T> {
    pub(crate) fn new(value: T) -> Self {
        ValueCell(std::cell::UnsafeCell::new(value))
    }

    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

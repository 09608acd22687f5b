//! The flag that makes each end of a Buffer single-threaded.
//!
//! Strategy: the Buffer class is `frozen` (no PyO3 borrow flag), so a writer
//! thread and a reader thread can both be inside it. Each end sits in a
//! [`Side`]: an `UnsafeCell` that only the thread holding its atomic busy flag
//! may reach, so a second concurrent writer (or reader) gets a `RuntimeError`
//! instead of undefined behaviour. The flag is a compare-exchange per call:
//! no lock, no waiting.

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// One end of the ring plus the flag that makes it single-threaded.
pub struct Side<T> {
    cell: UnsafeCell<T>,
    busy: AtomicBool,
    role: &'static str,
}

// SAFETY: the `T` inside is only reached through `Side::enter`, whose atomic
// busy flag admits one thread at a time, so sharing `&Side` never shares `&T`
// between threads concurrently; `T: Send` lets that one thread be any thread.
unsafe impl<T: Send> Sync for Side<T> {}

impl<T> Side<T> {
    pub fn new(value: T, role: &'static str) -> Self {
        Side {
            cell: UnsafeCell::new(value),
            busy: AtomicBool::new(false),
            role,
        }
    }

    pub fn enter(&self) -> PyResult<SideGuard<'_, T>> {
        if self
            .busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return Err(PyRuntimeError::new_err(format!(
                "Buffer is already being used by another {} thread; \
                 use one writer thread and one reader thread",
                self.role
            )));
        }
        Ok(SideGuard { side: self })
    }
}

pub struct SideGuard<'a, T> {
    side: &'a Side<T>,
}

impl<T> Deref for SideGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the busy flag, so no other reference to the
        // cell's contents exists (see `Side::enter`).
        unsafe { &*self.side.cell.get() }
    }
}

impl<T> DerefMut for SideGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only borrow.
        unsafe { &mut *self.side.cell.get() }
    }
}

impl<T> Drop for SideGuard<'_, T> {
    fn drop(&mut self) {
        self.side.busy.store(false, Ordering::Release);
    }
}

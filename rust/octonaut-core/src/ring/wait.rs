//! A blocking wakeup for the ring's slow path: wait (with a timeout) until a
//! condition holds, woken by the other side rather than by polling.
//!
//! Strategy: a [`WaitPoint`] is an epoch counter plus a count of waiters. On
//! Linux the epoch is a futex word; elsewhere, and under loom, a Mutex+Condvar
//! emulates the two futex calls exactly (check-and-sleep happens under the
//! mutex that `wake` also takes after bumping the epoch).
//!
//! Protocol, and why no wakeup is lost:
//! - waiter: `e = epoch.load()`; `waiters.fetch_add(1)` (AcqRel); re-check the
//!   condition; if still false, `futex_wait(epoch, e)`; `waiters.fetch_sub(1)`.
//! - notifier (after publishing with a Release store): `if
//!   waiters.fetch_add(0) (AcqRel) != 0 { epoch += 1; futex_wake(all) }`.
//!
//! Both sides perform a read-modify-write on `waiters`, and RMWs on one
//! location are totally ordered, each reading the value the previous one left.
//! If the notifier's RMW comes first, the waiter's acquiring RMW reads from it
//! (RMWs continue a release sequence), so the publication happens-before the
//! waiter's re-check, which then sees the condition true and does not sleep.
//! If the waiter's RMW comes first, the notifier reads `waiters >= 1` and bumps
//! the epoch; the waiter loaded `e` before its RMW, so the bump makes the
//! epoch differ from `e` and `futex_wait` either returns at once (the kernel
//! compares the word atomically with queueing) or is woken by the wake that
//! follows the bump. Spurious wakeups are harmless: the caller loops.
//! The notifier pays one uncontended RMW; nothing touches the futex syscall
//! unless someone is actually waiting.

use super::sync::{AtomicU32, Ordering};
use crossbeam_utils::CachePadded;
use std::time::Duration;

#[cfg(not(loom))]
use std::time::Instant;

/// An epoch counter that threads can sleep on until notified.
pub struct WaitPoint {
    epoch: CachePadded<AtomicU32>,
    waiters: AtomicU32,
    #[cfg(any(loom, not(target_os = "linux")))]
    parking: emulated::Parking,
}

impl Default for WaitPoint {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for WaitPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitPoint").finish_non_exhaustive()
    }
}

impl WaitPoint {
    pub fn new() -> Self {
        WaitPoint {
            epoch: CachePadded::new(AtomicU32::new(0)),
            waiters: AtomicU32::new(0),
            #[cfg(any(loom, not(target_os = "linux")))]
            parking: emulated::Parking::new(),
        }
    }

    /// Blocks until `ready()` returns true or `timeout` passes; returns the
    /// final `ready()`. `ready` must read, with Acquire, state that the
    /// notifier publishes with Release before calling [`WaitPoint::notify`].
    /// Under loom the timeout is not modelled (waits until notified).
    pub fn wait_until(&self, mut ready: impl FnMut() -> bool, timeout: Duration) -> bool {
        #[cfg(not(loom))]
        let deadline = Instant::now().checked_add(timeout);
        #[cfg(loom)]
        let _ = timeout;
        loop {
            if ready() {
                return true;
            }
            let epoch = self.epoch.load(Ordering::Acquire);
            self.waiters.fetch_add(1, Ordering::AcqRel);
            if ready() {
                self.waiters.fetch_sub(1, Ordering::Release);
                return true;
            }
            #[cfg(not(loom))]
            let remaining = match deadline {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        self.waiters.fetch_sub(1, Ordering::Release);
                        return false;
                    }
                    Some(left)
                }
                None => None,
            };
            #[cfg(loom)]
            let remaining: Option<Duration> = None;
            self.sleep_while_epoch_is(epoch, remaining);
            self.waiters.fetch_sub(1, Ordering::Release);
        }
    }

    /// Wakes every thread in [`WaitPoint::wait_until`]; cheap (one RMW) when
    /// nobody waits. Call after publishing the state `ready` checks.
    pub fn notify(&self) {
        if self.waiters.fetch_add(0, Ordering::AcqRel) != 0 {
            self.epoch.fetch_add(1, Ordering::Release);
            self.wake_all();
        }
    }

    #[cfg(all(target_os = "linux", not(loom)))]
    fn sleep_while_epoch_is(&self, epoch: u32, timeout: Option<Duration>) {
        let timespec = timeout.map(|t| libc::timespec {
            tv_sec: t.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
            tv_nsec: t.subsec_nanos() as libc::c_long,
        });
        let timespec_ptr = timespec
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: the futex word is a live, aligned AtomicU32 (same layout as
        // u32) that outlives the call; the timespec pointer is null or points
        // at a local that outlives the call. EINTR/EAGAIN/ETIMEDOUT are all
        // fine: the caller re-checks its condition.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                self.epoch.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                epoch,
                timespec_ptr,
                std::ptr::null::<u32>(),
                0u32,
            );
        }
    }

    #[cfg(all(target_os = "linux", not(loom)))]
    fn wake_all(&self) {
        // SAFETY: same futex word as in `sleep_while_epoch_is`.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                self.epoch.as_ptr(),
                libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                i32::MAX,
            );
        }
    }

    #[cfg(any(loom, not(target_os = "linux")))]
    fn sleep_while_epoch_is(&self, epoch: u32, timeout: Option<Duration>) {
        self.parking
            .sleep_while(|| self.epoch.load(Ordering::Acquire) == epoch, timeout);
    }

    #[cfg(any(loom, not(target_os = "linux")))]
    fn wake_all(&self) {
        self.parking.wake_all();
    }
}

#[cfg(any(loom, not(target_os = "linux")))]
mod emulated {
    //! Futex emulation: the comparison and the sleep happen under `lock`,
    //! and `wake_all` takes `lock` after the epoch bump, so a wake can never
    //! fall between a waiter's comparison and its sleep.
    use super::super::sync::{Condvar, Mutex};
    use std::time::Duration;

    pub(super) struct Parking {
        lock: Mutex<()>,
        condvar: Condvar,
    }

    impl Parking {
        pub(super) fn new() -> Self {
            Parking {
                lock: Mutex::new(()),
                condvar: Condvar::new(),
            }
        }

        pub(super) fn sleep_while(&self, unchanged: impl Fn() -> bool, timeout: Option<Duration>) {
            let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            if !unchanged() {
                return;
            }
            match timeout {
                #[cfg(not(loom))]
                Some(t) => drop(self.condvar.wait_timeout(guard, t)),
                _ => drop(self.condvar.wait(guard)),
            }
        }

        pub(super) fn wake_all(&self) {
            drop(self.lock.lock().unwrap_or_else(|e| e.into_inner()));
            self.condvar.notify_all();
        }
    }
}

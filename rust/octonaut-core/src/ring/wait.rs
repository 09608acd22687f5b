//! A blocking wakeup for the ring's slow path: wait (with a timeout) until a
//! condition holds, woken by the other side rather than by polling.
//!
//! Strategy: a [`WaitPoint`] is an epoch counter plus a count of waiters. On
//! Linux the epoch is a futex word ([`Wakeup::Futex`], the default there);
//! elsewhere, and under loom, a Mutex+Condvar emulates the two futex calls
//! exactly ([`Wakeup::Condvar`]: check-and-sleep happens under the mutex that
//! `wake` also takes after bumping the epoch). The Condvar backend is compiled
//! on every platform and can be chosen at run time
//! ([`WaitPoint::with_wakeup`]), so the Linux test suite exercises the code
//! that other platforms ship, not only its loom model.
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
//!
//! Spin, then park: before that protocol, a waiter polls its condition for a
//! few microseconds ([`AdaptiveSpin`]) without registering, so when the other
//! side moves within that time neither side makes a syscall and the waiter
//! skips a sleep and a wakeup (several microseconds each on a VM, more than a
//! 64 KiB copy). The spin only polls the same `ready()` more often, so the
//! protocol above is unchanged; it backs off when spins keep timing out
//! (the other side is descheduled or shares our core), so it never costs
//! much where it cannot help.

use super::sync::{AtomicU32, Ordering};
use crossbeam_utils::CachePadded;
use std::time::Duration;

#[cfg(not(loom))]
use std::time::Instant;

/// How a [`WaitPoint`] puts a thread to sleep and wakes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wakeup {
    /// The platform's best: [`Wakeup::Futex`] on Linux, [`Wakeup::Condvar`]
    /// elsewhere and under loom.
    Native,
    /// A Linux futex on the epoch word (falls back to `Condvar` elsewhere).
    Futex,
    /// A Mutex + Condvar emulating the futex (every platform).
    Condvar,
}

/// The backend actually in use (`Native` resolved).
enum Sleeper {
    #[cfg(all(target_os = "linux", not(loom)))]
    Futex,
    Parking(emulated::Parking),
}

/// An epoch counter that threads can sleep on until notified.
pub struct WaitPoint {
    epoch: CachePadded<AtomicU32>,
    waiters: AtomicU32,
    sleeper: Sleeper,
    spin: AdaptiveSpin,
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
    /// A wait point with the platform's native wakeup ([`Wakeup::Native`]).
    pub fn new() -> Self {
        Self::with_wakeup(Wakeup::Native)
    }

    /// A wait point with the chosen wakeup backend. [`Wakeup::Futex`] where
    /// futexes are unavailable (off Linux, under loom) gives the Condvar.
    pub fn with_wakeup(wakeup: Wakeup) -> Self {
        #[cfg(all(target_os = "linux", not(loom)))]
        let sleeper = match wakeup {
            Wakeup::Native | Wakeup::Futex => Sleeper::Futex,
            Wakeup::Condvar => Sleeper::Parking(emulated::Parking::new()),
        };
        #[cfg(not(all(target_os = "linux", not(loom))))]
        let sleeper = {
            let _ = wakeup;
            Sleeper::Parking(emulated::Parking::new())
        };
        WaitPoint {
            epoch: CachePadded::new(AtomicU32::new(0)),
            waiters: AtomicU32::new(0),
            sleeper,
            spin: AdaptiveSpin::new(),
        }
    }

    /// This wait point with its spin phase turned off, so every wait that
    /// is not ready at once sleeps (tests of the futex path).
    #[cfg(all(test, not(loom)))]
    fn without_spin(mut self) -> Self {
        self.spin.limit = Duration::ZERO;
        self
    }

    /// The backend in use ([`Wakeup::Futex`] or [`Wakeup::Condvar`]).
    pub fn wakeup(&self) -> Wakeup {
        match self.sleeper {
            #[cfg(all(target_os = "linux", not(loom)))]
            Sleeper::Futex => Wakeup::Futex,
            Sleeper::Parking(_) => Wakeup::Condvar,
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
        if ready() || self.spin.spin_until(&mut ready, timeout) {
            return true;
        }
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

    fn sleep_while_epoch_is(&self, epoch: u32, timeout: Option<Duration>) {
        match &self.sleeper {
            #[cfg(all(target_os = "linux", not(loom)))]
            Sleeper::Futex => self.futex_wait(epoch, timeout),
            Sleeper::Parking(parking) => {
                parking.sleep_while(|| self.epoch.load(Ordering::Acquire) == epoch, timeout)
            }
        }
    }

    fn wake_all(&self) {
        match &self.sleeper {
            #[cfg(all(target_os = "linux", not(loom)))]
            Sleeper::Futex => self.futex_wake_all(),
            Sleeper::Parking(parking) => parking.wake_all(),
        }
    }

    #[cfg(all(target_os = "linux", not(loom)))]
    fn futex_wait(&self, epoch: u32, timeout: Option<Duration>) {
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
    fn futex_wake_all(&self) {
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
}

/// The spin phase of a wait: before registering as a waiter (and so before
/// the notifier pays a `futex_wake` and the waiter a sleep and a wakeup of
/// several microseconds on a VM), poll the condition for a few microseconds.
/// On two idle cores the other side usually moves within that time.
///
/// Adaptive, so that it never costs much when the other side is not running
/// (descheduled, sharing our core, or busy elsewhere): each spin that times
/// out doubles the number of following waits that skip spinning (1, 3, 7,
/// ... up to `2^MAX_BACKOFF - 1`); a spin that succeeds resets it. Only a hint: the state is
/// Relaxed atomics, and the wait's correctness never depends on it.
struct AdaptiveSpin {
    /// Waits still to skip spinning.
    skip: AtomicU32,
    /// Consecutive spins that timed out (the exponent of the next skip).
    misses: AtomicU32,
    /// Longest spin ([`SPIN_LIMIT`]; zero in tests that want every wait to
    /// reach the futex).
    #[cfg(not(loom))]
    limit: Duration,
}

/// Longest spin before sleeping. About two 64 KiB copies on this class of
/// machine: long enough to catch a peer that is mid-copy, short against the
/// 50 ms slices the callers wait in.
#[cfg(not(loom))]
const SPIN_LIMIT: Duration = Duration::from_micros(20);
/// After `k` consecutive timed-out spins the next `2^k - 1` waits skip
/// spinning; `k` stops growing here (63 waits).
const MAX_BACKOFF: u32 = 6;

impl AdaptiveSpin {
    fn new() -> Self {
        AdaptiveSpin {
            skip: AtomicU32::new(0),
            misses: AtomicU32::new(0),
            #[cfg(not(loom))]
            limit: SPIN_LIMIT,
        }
    }

    /// Polls `ready` for up to its limit (never beyond `timeout`);
    /// returns whether it became true. Under loom: one extra poll, so the
    /// models cover the path without modelling time.
    fn spin_until(&self, ready: &mut impl FnMut() -> bool, timeout: Duration) -> bool {
        #[cfg(not(loom))]
        let timeout = timeout.min(self.limit);
        if timeout.is_zero() {
            // No time to spin: neither a spin nor a miss.
            return false;
        }
        let skip = self.skip.load(Ordering::Relaxed);
        if skip > 0 {
            self.skip.store(skip - 1, Ordering::Relaxed);
            return false;
        }
        if self.poll(ready, timeout) {
            self.misses.store(0, Ordering::Relaxed);
            return true;
        }
        let misses = (self.misses.load(Ordering::Relaxed) + 1).min(MAX_BACKOFF);
        self.misses.store(misses, Ordering::Relaxed);
        self.skip.store((1 << misses) - 1, Ordering::Relaxed);
        false
    }

    #[cfg(not(loom))]
    fn poll(&self, ready: &mut impl FnMut() -> bool, timeout: Duration) -> bool {
        let start = Instant::now();
        loop {
            for _ in 0..16 {
                std::hint::spin_loop();
                if ready() {
                    return true;
                }
            }
            if start.elapsed() >= timeout {
                return false;
            }
        }
    }

    #[cfg(loom)]
    fn poll(&self, ready: &mut impl FnMut() -> bool, _timeout: Duration) -> bool {
        loom::thread::yield_now();
        ready()
    }
}

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

#[cfg(all(test, not(loom)))]
mod tests {
    //! Both backends, run on this platform: the futex (Linux) and the
    //! Mutex+Condvar emulation that other platforms ship.
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    const BACKENDS: [Wakeup; 2] = [Wakeup::Futex, Wakeup::Condvar];

    #[test]
    fn the_chosen_backend_is_used() {
        assert_eq!(
            WaitPoint::with_wakeup(Wakeup::Condvar).wakeup(),
            Wakeup::Condvar
        );
        let native = WaitPoint::new().wakeup();
        if cfg!(target_os = "linux") {
            assert_eq!(native, Wakeup::Futex);
        } else {
            assert_eq!(native, Wakeup::Condvar);
        }
    }

    #[test]
    fn wait_times_out_when_never_notified() {
        for wakeup in BACKENDS {
            let point = WaitPoint::with_wakeup(wakeup);
            let start = Instant::now();
            assert!(!point.wait_until(|| false, Duration::from_millis(30)));
            let waited = start.elapsed();
            assert!(
                waited >= Duration::from_millis(30),
                "{wakeup:?}: {waited:?}"
            );
            assert_eq!(point.waiters.load(Ordering::Relaxed), 0, "{wakeup:?}");
        }
    }

    #[test]
    fn notify_wakes_a_sleeping_waiter_long_before_its_timeout() {
        for wakeup in BACKENDS {
            let point = Arc::new(WaitPoint::with_wakeup(wakeup));
            let flag = Arc::new(AtomicU32::new(0));
            let waiter = {
                let (point, flag) = (point.clone(), flag.clone());
                std::thread::spawn(move || {
                    let start = Instant::now();
                    let ready = point.wait_until(
                        || flag.load(Ordering::Acquire) == 1,
                        Duration::from_secs(60),
                    );
                    (ready, start.elapsed())
                })
            };
            // Let the waiter reach its sleep (it re-checks, so a notify that
            // comes first is not lost either).
            while point.waiters.load(Ordering::Acquire) == 0 {
                std::thread::yield_now();
            }
            flag.store(1, Ordering::Release);
            point.notify();
            let (ready, waited) = waiter.join().unwrap();
            assert!(ready, "{wakeup:?}");
            assert!(waited < Duration::from_secs(30), "{wakeup:?}: {waited:?}");
        }
    }

    #[test]
    fn a_condition_met_while_spinning_never_registers_a_waiter() {
        for wakeup in BACKENDS {
            let point = WaitPoint::with_wakeup(wakeup);
            let mut polls = 0;
            let ready = point.wait_until(
                || {
                    // Nobody may be registered while the spin polls, so a
                    // notifier at that moment pays no futex_wake.
                    assert_eq!(point.waiters.load(Ordering::Relaxed), 0, "{wakeup:?}");
                    polls += 1;
                    polls == 3
                },
                Duration::from_secs(60),
            );
            assert!(ready, "{wakeup:?}");
            assert_eq!(polls, 3, "{wakeup:?}");
            assert_eq!(point.spin.misses.load(Ordering::Relaxed), 0, "{wakeup:?}");
        }
    }

    #[test]
    fn spins_that_time_out_back_off_exponentially_and_a_success_resets() {
        let spin = AdaptiveSpin::new();
        let never = &mut || false;
        // A 1 ns timeout makes each spin a miss at once.
        let mut skipped = 0;
        let mut spun = 0;
        for _ in 0..200 {
            let before = spin.skip.load(Ordering::Relaxed);
            assert!(!spin.spin_until(never, Duration::from_nanos(1)));
            if before > 0 {
                skipped += 1;
            } else {
                spun += 1;
            }
        }
        // Misses 1, 2, 3, ... skip 1, 3, 7, 15, 31, then 63 waits each.
        assert_eq!(spun + skipped, 200);
        assert!(spun <= 8, "spun {spun} times in 200 missed waits");
        assert!(spin.skip.load(Ordering::Relaxed) < 1 << MAX_BACKOFF);
        // Burn the remaining skips, then one success resets the backoff.
        while spin.skip.load(Ordering::Relaxed) > 0 {
            assert!(!spin.spin_until(&mut || true, Duration::from_secs(1)));
        }
        assert!(spin.spin_until(&mut || true, Duration::from_secs(1)));
        assert_eq!(spin.misses.load(Ordering::Relaxed), 0);
        assert_eq!(spin.skip.load(Ordering::Relaxed), 0);
    }

    /// Two threads take turns 20,000 times, each waiting (with a long
    /// timeout) for the other's move: a lost wakeup stalls the run until the
    /// timeout and fails the `ready` assertion. Run with the spin phase (most
    /// turns are caught spinning) and without it (every wait sleeps).
    #[test]
    fn ping_pong_stress_loses_no_wakeup() {
        const TURNS: u64 = 20_000;
        const PATIENCE: Duration = Duration::from_secs(20);
        for (wakeup, spin) in BACKENDS.into_iter().flat_map(|w| [(w, true), (w, false)]) {
            let point = || {
                let point = WaitPoint::with_wakeup(wakeup);
                if spin {
                    point
                } else {
                    point.without_spin()
                }
            };
            let turn = Arc::new(AtomicU64::new(0));
            let points = Arc::new([point(), point()]);
            let player = |me: u64| {
                let (turn, points) = (turn.clone(), points.clone());
                std::thread::spawn(move || {
                    let mine = &points[me as usize];
                    let theirs = &points[1 - me as usize];
                    let mut slept = 0u64;
                    loop {
                        let now = turn.load(Ordering::Acquire);
                        if now >= TURNS {
                            return slept;
                        }
                        if now % 2 != me {
                            slept += 1;
                            let ready = mine.wait_until(
                                || {
                                    let t = turn.load(Ordering::Acquire);
                                    t % 2 == me || t >= TURNS
                                },
                                PATIENCE,
                            );
                            assert!(ready, "{wakeup:?}: wakeup lost at turn {now}");
                            continue;
                        }
                        turn.store(now + 1, Ordering::Release);
                        theirs.notify();
                    }
                })
            };
            let (a, b) = (player(0), player(1));
            let slept = a.join().unwrap() + b.join().unwrap();
            assert_eq!(turn.load(Ordering::Relaxed), TURNS, "{wakeup:?}");
            assert!(slept > 0, "{wakeup:?}: the waits were never exercised");
        }
    }
}

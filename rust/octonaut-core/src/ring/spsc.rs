//! The lock-free single-producer/single-consumer byte ring.
//!
//! Strategy: the producer owns `head`, the consumer owns `tail`; both are
//! absolute `u64` stream positions (they never wrap in practice: 2^64 bytes),
//! so `head - tail` is the readable length with no full/empty ambiguity. Each
//! index lives in its own [`CachePadded`] atomic, and each side keeps a plain
//! cached copy of the other's index, re-reading the shared one only when the
//! cached view is not enough. That keeps the common case free of cache-line
//! traffic.
//!
//! Ownership of bytes: positions `tail .. head` belong to the consumer,
//! `head .. tail + capacity` to the producer. The producer writes its bytes,
//! then publishes them with a Release store of `head`; the consumer's Acquire
//! load of `head` makes them visible. Symmetrically the consumer hands bytes
//! back with a Release store of `tail`. Thanks to the mirrored memory
//! ([`RingMemory`]) every grant is ONE contiguous slice starting at
//! `position % capacity`, never longer than `capacity`, so no slice covers a
//! byte and its mirror.
//!
//! Blocking is opt-in: [`Producer::wait_for_free`] / [`Consumer::wait_for_len`]
//! sleep on a [`WaitPoint`], and the `*_and_notify` variants of commit/consume
//! wake the other side. The plain `commit`/`consume` never pay for that.

use super::mapping::{Mirroring, RingError, RingMemory};
use super::sync::{Arc, AtomicU64, Ordering};
use super::wait::{WaitPoint, Wakeup};
use crossbeam_utils::CachePadded;
use std::time::Duration;

/// Creates a ring of at least `capacity` bytes and returns its two ends.
pub fn ring(capacity: usize, mirroring: Mirroring) -> Result<(Producer, Consumer), RingError> {
    ring_with_wakeup(capacity, mirroring, Wakeup::Native)
}

/// [`ring`] with the blocking waits on the chosen [`Wakeup`] backend (tests
/// use it to run the Condvar backend, which non-Linux platforms ship, on Linux).
pub fn ring_with_wakeup(
    capacity: usize,
    mirroring: Mirroring,
    wakeup: Wakeup,
) -> Result<(Producer, Consumer), RingError> {
    let memory = RingMemory::new(capacity, mirroring)?;
    let shared = Arc::new(Shared {
        head: CachePadded::new(AtomicU64::new(0)),
        tail: CachePadded::new(AtomicU64::new(0)),
        readable: WaitPoint::with_wakeup(wakeup),
        writable: WaitPoint::with_wakeup(wakeup),
        capacity: memory.capacity() as u64,
        #[cfg(loom)]
        ownership: (0..memory.capacity())
            .map(|_| loom::cell::UnsafeCell::new(()))
            .collect(),
        memory,
    });
    let producer = Producer {
        shared: shared.clone(),
        head: 0,
        cached_tail: 0,
    };
    let consumer = Consumer {
        shared,
        tail: 0,
        cached_head: 0,
    };
    Ok((producer, consumer))
}

struct Shared {
    head: CachePadded<AtomicU64>,
    tail: CachePadded<AtomicU64>,
    /// The consumer sleeps here; the producer notifies after a commit.
    readable: WaitPoint,
    /// The producer sleeps here; the consumer notifies after a consume.
    writable: WaitPoint,
    capacity: u64,
    memory: RingMemory,
    /// Loom cannot see raw-pointer accesses, so under loom every grant and
    /// release also "touches" one loom cell per ring slot: loom then reports
    /// any byte the protocol lets both sides access without happens-before.
    #[cfg(loom)]
    ownership: Box<[loom::cell::UnsafeCell<()>]>,
}

impl Shared {
    fn offset(&self, position: u64) -> usize {
        (position % self.capacity) as usize
    }

    #[cfg(loom)]
    fn track(&self, start: u64, len: usize, write: bool) {
        for k in 0..len as u64 {
            let cell = &self.ownership[self.offset(start + k)];
            if write {
                cell.with_mut(|_| ());
            } else {
                cell.with(|_| ());
            }
        }
    }

    #[cfg(not(loom))]
    #[inline(always)]
    fn track(&self, _start: u64, _len: usize, _write: bool) {}
}

/// A shareable, read-only window on a ring's counters, usable from any thread.
#[derive(Clone)]
pub struct RingObserver {
    shared: Arc<Shared>,
}

impl RingObserver {
    pub fn capacity(&self) -> usize {
        self.shared.capacity as usize
    }

    pub fn is_mirrored(&self) -> bool {
        self.shared.memory.is_mirrored()
    }

    /// The wakeup backend of the ring's blocking waits.
    pub fn wakeup(&self) -> Wakeup {
        self.shared.readable.wakeup()
    }

    /// False in a child forked after the ring was made (see
    /// [`RingMemory::in_creating_process`]): its bytes must not be touched.
    pub fn in_creating_process(&self) -> bool {
        self.shared.memory.in_creating_process()
    }

    /// Bytes readable right now (a snapshot; exact when no thread is mid-call).
    pub fn len(&self) -> usize {
        let tail = self.shared.tail.load(Ordering::Acquire);
        let head = self.shared.head.load(Ordering::Acquire);
        head.saturating_sub(tail).min(self.shared.capacity) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes writable right now (a snapshot).
    pub fn free(&self) -> usize {
        let head = self.shared.head.load(Ordering::Acquire);
        let tail = self.shared.tail.load(Ordering::Acquire);
        (self.shared.capacity - head.saturating_sub(tail).min(self.shared.capacity)) as usize
    }

    /// Total bytes consumed so far: the stream offset of the next unread byte.
    pub fn consumed(&self) -> u64 {
        self.shared.tail.load(Ordering::Acquire)
    }

    /// Total bytes committed so far.
    pub fn produced(&self) -> u64 {
        self.shared.head.load(Ordering::Acquire)
    }
}

/// The writing end. Not `Clone`: there is exactly one producer.
pub struct Producer {
    shared: Arc<Shared>,
    head: u64,
    cached_tail: u64,
}

impl Producer {
    pub fn capacity(&self) -> usize {
        self.shared.capacity as usize
    }

    pub fn is_mirrored(&self) -> bool {
        self.shared.memory.is_mirrored()
    }

    pub fn observer(&self) -> RingObserver {
        RingObserver {
            shared: self.shared.clone(),
        }
    }

    /// Total bytes committed so far.
    pub fn position(&self) -> u64 {
        self.head
    }

    fn cached_free(&self) -> usize {
        (self.shared.capacity - (self.head - self.cached_tail)) as usize
    }

    /// Re-reads the consumer's index and returns the free space.
    pub fn free(&mut self) -> usize {
        self.cached_tail = self.shared.tail.load(Ordering::Acquire);
        self.cached_free()
    }

    /// All free space as one contiguous slice (re-reads the consumer's index).
    pub fn write_grant(&mut self) -> &mut [u8] {
        let free = self.free();
        self.grant(free)
    }

    /// All free space known without touching the consumer's cache line, if it
    /// is at least `min` bytes; otherwise re-reads the consumer's index once.
    /// Returns `None` if fewer than `min` bytes are free.
    #[inline]
    pub fn write_grant_at_least(&mut self, min: usize) -> Option<&mut [u8]> {
        let mut free = self.cached_free();
        if free < min {
            free = self.free();
            if free < min {
                return None;
            }
        }
        Some(self.grant(free))
    }

    /// All free space as a raw pointer and length, without forming a Rust
    /// reference: for exporting a view that outlives this borrow (the Python
    /// binding), whose memory other threads may be writing through earlier
    /// views. The bytes stay the producer's until it commits them.
    pub fn write_grant_raw(&mut self) -> (*mut u8, usize) {
        let free = self.free();
        self.shared.track(self.head, free, true);
        let offset = self.shared.offset(self.head);
        // SAFETY: `offset < capacity`, so the pointer stays inside the 2N
        // mapping; no reference is formed.
        let ptr = unsafe { self.shared.memory.as_ptr().add(offset) };
        (ptr, free)
    }

    #[inline]
    fn grant(&mut self, len: usize) -> &mut [u8] {
        self.shared.track(self.head, len, true);
        let offset = self.shared.offset(self.head);
        // SAFETY: positions head .. head + len (len <= free <= capacity) belong
        // to the producer: the consumer handed them back with a Release store
        // of `tail` that our Acquire load observed, and it will not touch them
        // until we publish `head`. `offset + len <= 2 * capacity`, inside the
        // mapping, and len <= capacity so the slice never covers a byte and its
        // mirror. `&mut self` makes this the only live grant; the bytes are
        // initialised (zeroed at allocation, then only ever written as u8).
        unsafe { std::slice::from_raw_parts_mut(self.shared.memory.as_ptr().add(offset), len) }
    }

    /// Publishes the first `n` bytes of the last grant.
    ///
    /// # Panics
    /// If `n` exceeds the free space (a caller bug; bindings check first).
    /// Committing more than was written publishes whatever those bytes held
    /// (initialised, never undefined).
    #[inline]
    pub fn commit(&mut self, n: usize) {
        self.publish(n, true);
    }

    /// Moves `head` past the next `n` positions, mirroring their bytes first
    /// on the heap fallback when `written`.
    #[inline]
    fn publish(&mut self, n: usize, written: bool) {
        if n > self.cached_free() {
            self.free();
        }
        assert!(
            n <= self.cached_free(),
            "commit({n}) exceeds the free space"
        );
        if n == 0 {
            return;
        }
        if written {
            let offset = self.shared.offset(self.head);
            // SAFETY: we own positions head .. head + n (see `grant`) until
            // the Release store below publishes them.
            unsafe { self.shared.memory.sync_mirror(offset, n) };
        }
        self.shared.track(self.head, n, true);
        self.head += n as u64;
        self.shared.head.store(self.head, Ordering::Release);
    }

    /// [`Producer::commit`], then wakes a consumer blocked in
    /// [`Consumer::wait_for_len`].
    pub fn commit_and_notify(&mut self, n: usize) {
        self.commit(n);
        self.shared.readable.notify();
    }

    /// Publishes the next `n` positions without writing them: their bytes are
    /// delivered out of band (the binding lends them by reference), and the
    /// consumer must never read them from the ring unless it first fills them
    /// with [`Consumer::overwrite`]. Skips the heap fallback's mirror copy, so
    /// publishing costs the same whatever `n` is. Wakes a blocked consumer.
    ///
    /// # Panics
    /// If `n` exceeds the free space (a caller bug; bindings check first).
    pub fn commit_unwritten_and_notify(&mut self, n: usize) {
        self.publish(n, false);
        self.shared.readable.notify();
    }

    /// Copies all of `data` in, or nothing if it does not fit; publishes it.
    pub fn push(&mut self, data: &[u8]) -> bool {
        match self.write_grant_at_least(data.len()) {
            Some(grant) => {
                grant[..data.len()].copy_from_slice(data);
                self.commit(data.len());
                true
            }
            None => false,
        }
    }

    /// Blocks until at least `n` bytes are free or `timeout` passes; returns
    /// whether they are. `n` above the capacity never becomes true.
    pub fn wait_for_free(&mut self, n: usize, timeout: Duration) -> bool {
        if self.cached_free() >= n {
            return true;
        }
        let shared = &self.shared;
        let head = self.head;
        let ready = shared.writable.wait_until(
            || shared.capacity - (head - shared.tail.load(Ordering::Acquire)) >= n as u64,
            timeout,
        );
        self.free();
        ready
    }
}

/// The reading end. Not `Clone`: there is exactly one consumer.
pub struct Consumer {
    shared: Arc<Shared>,
    tail: u64,
    cached_head: u64,
}

impl Consumer {
    pub fn capacity(&self) -> usize {
        self.shared.capacity as usize
    }

    pub fn is_mirrored(&self) -> bool {
        self.shared.memory.is_mirrored()
    }

    pub fn observer(&self) -> RingObserver {
        RingObserver {
            shared: self.shared.clone(),
        }
    }

    /// Total bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.tail
    }

    fn cached_len(&self) -> usize {
        (self.cached_head - self.tail) as usize
    }

    /// Re-reads the producer's index and returns the readable length.
    pub fn len(&mut self) -> usize {
        self.cached_head = self.shared.head.load(Ordering::Acquire);
        self.cached_len()
    }

    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }

    /// All readable bytes as one contiguous slice (re-reads the producer's
    /// index), even when they cross the wrap point.
    pub fn read_grant(&mut self) -> &[u8] {
        let len = self.len();
        self.grant(len)
    }

    /// All readable bytes known without touching the producer's cache line,
    /// if at least `min`; otherwise re-reads the producer's index once.
    /// Returns `None` if fewer than `min` bytes are readable.
    #[inline]
    pub fn read_grant_at_least(&mut self, min: usize) -> Option<&[u8]> {
        let mut len = self.cached_len();
        if len < min {
            len = self.len();
            if len < min {
                return None;
            }
        }
        Some(self.grant(len))
    }

    /// The readable bytes as a raw pointer and length, for exporting a view
    /// that outlives this borrow (the Python binding). The bytes stay valid
    /// and unchanged until this consumer consumes them.
    pub fn read_grant_raw(&mut self) -> (*const u8, usize) {
        let grant = self.read_grant();
        (grant.as_ptr(), grant.len())
    }

    #[inline]
    fn grant(&self, len: usize) -> &[u8] {
        self.shared.track(self.tail, len, false);
        let offset = self.shared.offset(self.tail);
        // SAFETY: positions tail .. tail + len (len <= head - tail <= capacity)
        // were published by the producer's Release store of `head`, observed by
        // our Acquire load; the producer will not write them again until we
        // move `tail` past them, which needs `&mut self` (so this shared borrow
        // must end first). In bounds and never longer than capacity, so no
        // slice covers a byte and its mirror. Bytes are initialised u8.
        unsafe { std::slice::from_raw_parts(self.shared.memory.as_ptr().add(offset), len) }
    }

    /// Releases the first `n` readable bytes to the producer.
    ///
    /// # Panics
    /// If `n` exceeds the readable length (a caller bug; bindings check first).
    #[inline]
    pub fn consume(&mut self, n: usize) {
        if n > self.cached_len() {
            self.len();
        }
        assert!(
            n <= self.cached_len(),
            "consume({n}) exceeds the readable bytes"
        );
        if n == 0 {
            return;
        }
        self.shared.track(self.tail, n, false);
        self.tail += n as u64;
        self.shared.tail.store(self.tail, Ordering::Release);
    }

    /// [`Consumer::consume`], then wakes a producer blocked in
    /// [`Producer::wait_for_free`].
    pub fn consume_and_notify(&mut self, n: usize) {
        self.consume(n);
        self.shared.writable.notify();
    }

    /// Writes `bytes` over the readable bytes starting `at` bytes past the
    /// read position (keeping the heap fallback's mirror in step): how the
    /// binding brings bytes lent by reference into the ring before it exposes
    /// them as one contiguous view.
    ///
    /// # Safety
    /// No reference to, and no exported view of, the overwritten bytes may be
    /// alive: the binding overwrites only ranges it has never exported. And
    /// `bytes` must not lie in this ring's memory (a raw-pointer slice of it,
    /// e.g. from `read_grant_raw`, would overlap the copy or its mirror).
    ///
    /// # Panics
    /// If `at + bytes.len()` exceeds the readable length.
    pub unsafe fn overwrite(&mut self, at: usize, bytes: &[u8]) {
        let len = self.cached_len();
        assert!(
            at.checked_add(bytes.len()).is_some_and(|end| end <= len),
            "overwrite({at}, {}) exceeds the readable bytes",
            bytes.len()
        );
        if bytes.is_empty() {
            return;
        }
        let start = self.tail + at as u64;
        self.shared.track(start, bytes.len(), true);
        let offset = self.shared.offset(start);
        // SAFETY: positions start .. start + len are readable, hence the
        // consumer's: the producer published them and will not write them
        // again until we consume them (needs `&mut self`); the caller
        // guarantees nothing else refers to them. `offset + len <= 2 *
        // capacity` keeps the write in the mapping, and len <= capacity means
        // it never covers a byte and its mirror; `bytes` is not ring memory
        // (caller contract), so the copy and the mirror sync never overlap it.
        unsafe {
            let to = self.shared.memory.as_ptr().add(offset);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), to, bytes.len());
            self.shared.memory.sync_mirror(offset, bytes.len());
        }
    }

    /// Copies up to `out.len()` bytes out and consumes them; returns the count.
    pub fn pop_into(&mut self, out: &mut [u8]) -> usize {
        let grant = self.read_grant();
        let n = grant.len().min(out.len());
        out[..n].copy_from_slice(&grant[..n]);
        self.consume(n);
        n
    }

    /// Blocks until at least `n` bytes are readable or `timeout` passes;
    /// returns whether they are.
    pub fn wait_for_len(&mut self, n: usize, timeout: Duration) -> bool {
        if self.cached_len() >= n {
            return true;
        }
        let shared = &self.shared;
        let tail = self.tail;
        let ready = shared.readable.wait_until(
            || shared.head.load(Ordering::Acquire) - tail >= n as u64,
            timeout,
        );
        self.len();
        ready
    }
}

impl std::fmt::Debug for Producer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Producer")
            .field("head", &self.head)
            .field("capacity", &self.shared.capacity)
            .finish()
    }
}

impl std::fmt::Debug for Consumer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("tail", &self.tail)
            .field("capacity", &self.shared.capacity)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn both() -> [Mirroring; 2] {
        [Mirroring::Required, Mirroring::Disabled]
    }

    #[test]
    fn grants_are_contiguous_across_the_wrap_point() {
        for mode in both() {
            let (mut tx, mut rx) = ring(4096, mode).unwrap();
            let n = tx.capacity();
            assert!(tx.push(&vec![1u8; n - 10]));
            rx.consume(n - 10);
            // Free space now starts 10 bytes before the end and wraps.
            let grant = tx.write_grant();
            assert_eq!(grant.len(), n);
            for (i, byte) in grant.iter_mut().enumerate().take(100) {
                *byte = i as u8;
            }
            tx.commit(100);
            let read = rx.read_grant();
            assert_eq!(read.len(), 100);
            assert!(
                read.iter().enumerate().all(|(i, &b)| b == i as u8),
                "{mode:?}"
            );
            assert_eq!(rx.observer().consumed(), (n - 10) as u64);
        }
    }

    #[test]
    fn full_and_empty() {
        for mode in both() {
            let (mut tx, mut rx) = ring(100, mode).unwrap();
            let n = tx.capacity();
            assert!(rx.read_grant().is_empty());
            assert!(tx.push(&vec![7; n]));
            assert_eq!(tx.free(), 0);
            assert!(!tx.push(&[1]));
            assert!(tx.write_grant_at_least(1).is_none());
            assert_eq!(rx.read_grant().len(), n);
            let obs = tx.observer();
            assert_eq!((obs.len(), obs.free()), (n, 0));
            rx.consume(n);
            assert_eq!((obs.len(), obs.free()), (0, n));
        }
    }

    #[test]
    fn wait_times_out_and_wakes() {
        let (mut tx, mut rx) = ring(64, Mirroring::Auto).unwrap();
        let start = std::time::Instant::now();
        assert!(!rx.wait_for_len(1, Duration::from_millis(20)));
        assert!(start.elapsed() >= Duration::from_millis(20));
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            assert!(tx.push(b"x"));
            tx.commit_and_notify(0);
            tx
        });
        assert!(rx.wait_for_len(1, Duration::from_secs(10)));
        writer.join().unwrap();
    }
}

//! The Buffer's two ends: the ring's producer and consumer, each paired with
//! its end of the list of bytes lent to the ring by reference.
//!
//! Strategy: a `write` of an exact `bytes` of at least [`LEND_MIN`] bytes does
//! not copy it into the ring. Its writer reserves the positions, lists the
//! range with a strong reference to the object (a [`Lent`] in a slot queue
//! fixed at construction), then publishes the positions unwritten. The ring's
//! capacity still counts those bytes, so the bound is unchanged, and `bytes`
//! are immutable, so the reference is as good as a copy. A queue passes large
//! chunks the same way; before this, Buffer copied each one in and out.
//!
//! The reader treats the readable span as pieces: ring bytes, and listed
//! ranges whose bytes live in their objects. `read`/`readinto` copy piece by
//! piece straight to their destination (one copy instead of two), and a read
//! of exactly one untouched lent range returns the writer's object itself
//! (no copy). Anything that exposes the readable bytes as one slice (views,
//! `find`, indexing, `readline`) first fills the listed ranges into the ring
//! ([`Reader::contiguous`]): the first copy, made late.
//!
//! Ordering: the writer lists a range before it publishes its positions, and
//! the reader refreshes the list after every load of the ring's head, so any
//! readable position inside a lent range is always listed (loom model
//! `loom_lent_range_is_listed_before_its_bytes_are_readable`). List entries
//! are immutable: the unconsumed part of one is `[max(start, tail), end)`.
//! An entry is dropped only with the GIL held ([`Reader::settle`]), since
//! dropping its reference is a decref; GIL-free copies leave spent entries
//! listed until then.

use octonaut_core::ring::{Consumer, Producer, SlotReceiver, SlotSender};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Fills of lent ranges into the ring at least this long run with the GIL
/// released (as the binding's other long copies do).
const DETACH_FILL: u64 = 64 * 1024;

/// Writes of an exact `bytes` at least this long are lent rather than copied.
/// Shorter ones cost less to copy than to list and later fill or release.
pub const LEND_MIN: usize = 32 * 1024;

/// How many lent ranges a ring of `capacity` bytes can hold at once: each
/// takes at least `LEND_MIN` positions, plus one partly consumed at the front.
pub fn lend_slots(capacity: usize) -> usize {
    if capacity < LEND_MIN {
        0
    } else {
        capacity / LEND_MIN + 1
    }
}

/// Stream positions `start .. start + len` whose bytes are the `len` bytes at
/// `data`, inside `object` (which pins them; `bytes` never change).
pub struct Lent {
    pub start: u64,
    pub len: usize,
    pub data: usize,
    pub object: Py<PyBytes>,
}

impl Lent {
    pub fn end(&self) -> u64 {
        self.start + self.len as u64
    }
}

/// The writing end.
pub struct Writer {
    pub ring: Producer,
    lend: SlotSender<Lent>,
}

impl Writer {
    pub fn new(ring: Producer, lend: SlotSender<Lent>) -> Self {
        Writer { ring, lend }
    }

    /// Whether this Buffer lends writes of `len` bytes (when the list has room).
    pub fn lends(&self, len: usize) -> bool {
        len >= LEND_MIN && self.lend.capacity() > 0
    }

    /// Lists `lent`, which must start at the current write position with its
    /// `len` bytes free, then publishes its positions unwritten. A full list
    /// hands it back (the caller then copies).
    pub fn lend(&mut self, lent: Lent) -> Result<(), Lent> {
        debug_assert_eq!(lent.start, self.ring.position());
        let len = lent.len;
        self.lend.try_push(lent)?;
        self.ring.commit_unwritten_and_notify(len);
        Ok(())
    }
}

/// The address of memory the caller owns exclusively for the duration of a
/// copy: a fresh, not yet shared `bytes`, or an exported writable buffer.
#[derive(Clone, Copy)]
pub struct OutPtr(pub usize);

/// The reading end. Its ring is private, so every load of the write
/// position goes through a method that refreshes the list after it.
pub struct Reader {
    ring: Consumer,
    lent: SlotReceiver<Lent>,
}

impl Reader {
    pub fn new(ring: Consumer, lent: SlotReceiver<Lent>) -> Self {
        Reader { ring, lent }
    }

    /// Re-reads the writer's position and returns the readable length. The
    /// list is refreshed after that load, so every lent range within the
    /// returned length is listed.
    pub fn len(&mut self) -> usize {
        let len = self.ring.len();
        self.lent.refresh();
        len
    }

    /// Blocks (GIL-free) until a byte is readable or `timeout` passes; then
    /// as [`Reader::len`]. Returns the readable length (0: timed out).
    pub fn wait(&mut self, timeout: std::time::Duration) -> usize {
        if !self.ring.wait_for_len(1, timeout) {
            return 0;
        }
        self.len()
    }

    /// If the next `take` readable bytes are exactly one untouched lent range,
    /// consumes them and returns its entry (holding the writer's object).
    /// Moving the entry out touches no reference count: no GIL needed. (A
    /// spent entry still listed at the front starts before the read
    /// position, so it never matches.)
    pub fn take_whole(&mut self, take: usize) -> Option<Lent> {
        let front = self.lent.get(0)?;
        if front.start != self.ring.position() || front.len != take {
            return None;
        }
        let lent = self.lent.pop()?;
        self.ring.consume_and_notify(take);
        Some(lent)
    }

    /// Copies the first `take` readable bytes to `out`, ring bytes from the
    /// ring and lent bytes from their objects, and consumes them. Needs no
    /// GIL; spent entries stay listed until [`Reader::settle`].
    ///
    /// # Safety
    /// `out` must point at `take` writable bytes the caller owns exclusively
    /// and that overlap neither the ring nor a lent object; `take` must not
    /// exceed the length last returned by `len`/`wait`.
    pub unsafe fn copy_out(&mut self, take: usize, out: OutPtr) {
        let tail = self.ring.position();
        let end = tail + take as u64;
        let (ring, _) = self.ring.read_grant_raw();
        let out = out.0 as *mut u8;
        let mut position = tail;
        let mut index = 0;
        while position < end {
            let next = self.lent.get(index).filter(|lent| lent.start < end);
            if next.is_some_and(|lent| lent.end() <= position) {
                index += 1; // spent: consumed earlier, not yet released
                continue;
            }
            let ring_until = next.map_or(end, |lent| lent.start.max(position));
            if ring_until > position {
                let n = (ring_until - position) as usize;
                // SAFETY: positions `position .. ring_until` are readable and
                // not lent (every lent range in the readable span is listed,
                // see the module doc), so the ring holds their bytes, one
                // contiguous run from `ring` (the read position's address);
                // `out` has room for `take` bytes (caller contract).
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        ring.add((position - tail) as usize),
                        out.add((position - tail) as usize),
                        n,
                    );
                }
                position = ring_until;
            }
            if let Some(lent) = next {
                let n = (lent.end().min(end) - position) as usize;
                let from = (position - lent.start) as usize;
                // SAFETY: `from + n <= lent.len`, inside the object's bytes,
                // which the listed entry pins (it is not dropped before
                // `settle`, which needs `&mut self`); room in `out` as above.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        (lent.data as *const u8).add(from),
                        out.add((position - tail) as usize),
                        n,
                    );
                }
                position += n as u64;
                index += 1;
            }
        }
        self.ring.consume_and_notify(take);
    }

    /// Consumes `n` readable bytes without reading them.
    pub fn discard(&mut self, n: usize) {
        self.ring.consume_and_notify(n);
    }

    /// Releases the entries of wholly consumed ranges (their decrefs need the
    /// GIL, hence the token).
    pub fn settle(&mut self, _py: Python<'_>) {
        let tail = self.ring.position();
        while self.lent.get(0).is_some_and(|lent| lent.end() <= tail) {
            drop(self.lent.pop());
        }
    }

    /// Fills every lent range in the readable span into the ring and returns
    /// the span as one contiguous run: its address and length. Ranges lent
    /// after this call lie beyond the returned length. Long fills run with
    /// the GIL released; the entries are released after, with it.
    pub fn contiguous(&mut self, py: Python<'_>) -> (*const u8, usize) {
        self.settle(py);
        let len = self.len();
        let tail = self.ring.position();
        let head = tail + len as u64;
        // Published ranges lie wholly before `head` (a range is published
        // whole), so these are exactly the ranges within the readable span.
        let filled = (0..)
            .map_while(|index| self.lent.get(index))
            .take_while(|lent| lent.start < head)
            .count();
        let to_fill: u64 = (0..filled)
            .filter_map(|index| self.lent.get(index))
            .map(|lent| lent.end() - lent.start.max(tail))
            .sum();
        if to_fill >= DETACH_FILL {
            py.detach(|| self.fill(filled));
        } else {
            self.fill(filled);
        }
        for _ in 0..filled {
            drop(self.lent.pop());
        }
        let (ptr, readable) = self.ring.read_grant_raw();
        (ptr, readable.min(len))
    }

    /// Copies the first `count` listed ranges (all within the readable span,
    /// none spent) into their ring positions. Touches no reference count.
    fn fill(&mut self, count: usize) {
        let tail = self.ring.position();
        for index in 0..count {
            let Some(lent) = self.lent.get(index) else {
                break;
            };
            let from = lent.start.max(tail);
            // SAFETY: the object pins its bytes (see `Lent`); `from` lies in
            // the range, so the slice is inside them.
            let bytes = unsafe {
                std::slice::from_raw_parts(
                    (lent.data as *const u8).add((from - lent.start) as usize),
                    (lent.end() - from) as usize,
                )
            };
            // SAFETY: these positions were never exposed: every export of the
            // readable bytes goes through `contiguous`, which fills each range
            // before exporting, and published ranges never straddle the head
            // (a range is published whole), so earlier exports end before any
            // range still listed. Lent bytes are never ring memory.
            unsafe { self.ring.overwrite((from - tail) as usize, bytes) };
        }
    }
}

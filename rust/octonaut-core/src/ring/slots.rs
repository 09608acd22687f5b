//! A bounded lock-free single-producer/single-consumer queue of values.
//!
//! Strategy: the index protocol of the byte ring ([`super::spsc`]) over an
//! array of `capacity` value cells fixed at construction. Positions are
//! absolute `u64` counters in cache-padded atomics; slot `position % capacity`
//! holds the value. The producer moves a value into its slot and publishes it
//! with a Release store of `head`; the consumer's Acquire load of `head` makes
//! it visible. The consumer hands slots back with a Release store of `tail`.
//! A full queue refuses a push and hands the value back, so nothing grows.
//!
//! Unlike a plain channel, the consumer may look at, and change, every value
//! it has received but not yet popped. The Buffer binding relies on this: its
//! queue lists the stream ranges whose bytes were lent to the ring by
//! reference, and a reader walks that list while it copies.

use super::sync::{Arc, AtomicU64, Ordering, ValueCell};
use crossbeam_utils::CachePadded;
use std::mem::MaybeUninit;

/// Creates a queue of `capacity` values (0 makes a queue that is always full)
/// and returns its two ends.
pub fn slots<T: Send>(capacity: usize) -> (SlotSender<T>, SlotReceiver<T>) {
    let shared = Arc::new(Shared {
        head: CachePadded::new(AtomicU64::new(0)),
        tail: CachePadded::new(AtomicU64::new(0)),
        cells: (0..capacity)
            .map(|_| ValueCell::new(MaybeUninit::uninit()))
            .collect(),
    });
    let sender = SlotSender {
        shared: shared.clone(),
        head: 0,
        cached_tail: 0,
    };
    let receiver = SlotReceiver {
        shared,
        tail: 0,
        cached_head: 0,
    };
    (sender, receiver)
}

struct Shared<T> {
    head: CachePadded<AtomicU64>,
    tail: CachePadded<AtomicU64>,
    /// Cells `tail .. head` (mod capacity) hold initialised values.
    cells: Box<[ValueCell<MaybeUninit<T>>]>,
}

impl<T> Shared<T> {
    fn cell(&self, position: u64) -> &ValueCell<MaybeUninit<T>> {
        &self.cells[(position % self.cells.len() as u64) as usize]
    }
}

// SAFETY: a value is only ever reached by one side at a time: the producer
// writes a cell before publishing it (Release on `head`) and never touches it
// again until the consumer hands it back (Release on `tail`); the consumer
// reads, changes or moves it only in between. So sharing `Shared` between the
// two threads moves `T`s across threads (hence `T: Send`) but never shares one.
unsafe impl<T: Send> Sync for Shared<T> {}
// SAFETY: as above; `Shared` owns its `T`s, which are `Send`.
unsafe impl<T: Send> Send for Shared<T> {}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        let head = self.head.load(Ordering::Acquire);
        let mut position = self.tail.load(Ordering::Acquire);
        while position < head {
            // SAFETY: cells `tail .. head` hold initialised values (see
            // `cells`); `&mut self` means both ends are gone, and each value
            // is dropped exactly once.
            self.cell(position)
                .with_mut(|value| unsafe { (*value).assume_init_drop() });
            position += 1;
        }
    }
}

/// The pushing end. Not `Clone`: there is exactly one sender.
pub struct SlotSender<T> {
    shared: Arc<Shared<T>>,
    head: u64,
    cached_tail: u64,
}

impl<T: Send> SlotSender<T> {
    pub fn capacity(&self) -> usize {
        self.shared.cells.len()
    }

    /// Appends `value`, or hands it back if the queue is full.
    pub fn try_push(&mut self, value: T) -> Result<(), T> {
        let capacity = self.capacity() as u64;
        if self.head - self.cached_tail == capacity {
            self.cached_tail = self.shared.tail.load(Ordering::Acquire);
            if self.head - self.cached_tail == capacity {
                return Err(value);
            }
        }
        // SAFETY: the cell at `head` is free: the consumer released it with a
        // Release store of `tail` that our Acquire load observed (or it was
        // never used), and it will not read it until we publish `head`.
        self.shared
            .cell(self.head)
            .with_mut(|cell| unsafe { (*cell).write(value) });
        self.head += 1;
        self.shared.head.store(self.head, Ordering::Release);
        Ok(())
    }
}

/// The popping end. Not `Clone`: there is exactly one receiver.
pub struct SlotReceiver<T> {
    shared: Arc<Shared<T>>,
    tail: u64,
    cached_head: u64,
}

impl<T: Send> SlotReceiver<T> {
    /// Re-reads the sender's index and returns how many values are received.
    /// Values published before whatever the caller observed earlier (with
    /// Acquire) are included: the load here is an Acquire load made later.
    pub fn refresh(&mut self) -> usize {
        self.cached_head = self.shared.head.load(Ordering::Acquire);
        self.len()
    }

    /// Values received as of the last [`refresh`](Self::refresh) and not popped.
    pub fn len(&self) -> usize {
        (self.cached_head - self.tail) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `index`th received value (0 is the oldest), if received.
    pub fn get(&self, index: usize) -> Option<&T> {
        let position = self.tail + index as u64;
        if position >= self.cached_head {
            return None;
        }
        // SAFETY: `tail <= position < cached_head`, so the cell holds an
        // initialised value the sender published (Acquire in `refresh`) and
        // will not touch until we release it, which needs `&mut self`.
        Some(
            self.shared
                .cell(position)
                .with(|cell| unsafe { (*cell).assume_init_ref() }),
        )
    }

    /// The oldest received value, to change in place.
    pub fn front_mut(&mut self) -> Option<&mut T> {
        if self.tail == self.cached_head {
            return None;
        }
        // SAFETY: as in `get`; `&mut self` makes this the only reference.
        Some(
            self.shared
                .cell(self.tail)
                .with_mut(|cell| unsafe { (*cell).assume_init_mut() }),
        )
    }

    /// Removes and returns the oldest received value.
    pub fn pop(&mut self) -> Option<T> {
        if self.tail == self.cached_head {
            return None;
        }
        // SAFETY: as in `get`; the value is moved out exactly once, since the
        // Release store below hands the cell back before anyone reads it again.
        let value = self
            .shared
            .cell(self.tail)
            .with(|cell| unsafe { (*cell).assume_init_read() });
        self.tail += 1;
        self.shared.tail.store(self.tail, Ordering::Release);
        Some(value)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn push_until_full_then_pop_in_order() {
        let (mut tx, mut rx) = slots::<String>(3);
        for word in ["a", "b", "c"] {
            tx.try_push(word.to_string()).unwrap();
        }
        assert_eq!(tx.try_push("d".into()), Err("d".to_string()));
        assert_eq!(rx.refresh(), 3);
        assert_eq!(rx.get(2).map(String::as_str), Some("c"));
        assert_eq!(rx.get(3), None);
        rx.front_mut().unwrap().push('!');
        assert_eq!(rx.pop().as_deref(), Some("a!"));
        tx.try_push("d".into()).unwrap();
        assert_eq!(rx.refresh(), 3);
        let rest: Vec<String> = std::iter::from_fn(|| rx.pop()).collect();
        assert_eq!(rest, ["b", "c", "d"]);
    }

    #[test]
    fn zero_capacity_is_always_full() {
        let (mut tx, mut rx) = slots::<u8>(0);
        assert_eq!(tx.try_push(1), Err(1));
        assert_eq!(rx.refresh(), 0);
        assert_eq!(rx.pop(), None);
    }

    #[test]
    fn unpopped_values_are_dropped_with_the_queue() {
        let value = std::sync::Arc::new(());
        let (mut tx, mut rx) = slots(4);
        for _ in 0..3 {
            tx.try_push(value.clone()).unwrap();
        }
        rx.refresh();
        drop(rx.pop());
        assert_eq!(std::sync::Arc::strong_count(&value), 3);
        drop((tx, rx));
        assert_eq!(std::sync::Arc::strong_count(&value), 1);
    }
}

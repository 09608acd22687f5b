//! Loom models of the SPSC ring and its wakeup (`--cfg loom` only).
//!
//! Strategy: tiny rings (2-4 bytes) and a handful of bytes, so loom can
//! enumerate every interleaving (bounded preemptions) in seconds. Every grant
//! and release also touches a loom cell per slot (see `Shared::track`), so
//! loom reports any byte both threads could access without happens-before;
//! the blocking models use the real `WaitPoint` protocol, so a lost wakeup
//! shows up as a loom deadlock.

use super::mapping::Mirroring;
use super::slots::slots;
use super::spsc::{ring, Consumer, Producer};
use loom::thread;
use std::time::Duration;

const FOREVER: Duration = Duration::from_secs(3600);

fn model(body: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    builder.check(body);
}

/// Writes `chunks` one after another, blocking while the ring is full.
fn blocking_writer(mut tx: Producer, chunks: &'static [&'static [u8]]) {
    for chunk in chunks {
        assert!(tx.wait_for_free(chunk.len(), FOREVER));
        let grant = tx
            .write_grant_at_least(chunk.len())
            .expect("free after wait");
        grant[..chunk.len()].copy_from_slice(chunk);
        tx.commit_and_notify(chunk.len());
    }
}

/// Reads `total` bytes, blocking while the ring is empty.
fn blocking_reader(mut rx: Consumer, total: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < total {
        assert!(rx.wait_for_len(1, FOREVER));
        let grant = rx.read_grant();
        let n = grant.len();
        out.extend_from_slice(grant);
        rx.consume_and_notify(n);
    }
    out
}

#[test]
fn loom_push_pop_blocking_with_wrap_and_full() {
    // Capacity 2, three 1-byte pushes: the ring fills, empties and wraps,
    // and both sides must block and be woken at least once in some schedules.
    model(|| {
        let (tx, rx) = ring(2, Mirroring::Disabled).unwrap();
        let writer = thread::spawn(move || blocking_writer(tx, &[b"a", b"b", b"c"]));
        let got = blocking_reader(rx, 3);
        writer.join().unwrap();
        assert_eq!(got, b"abc");
    });
}

#[test]
fn loom_chunk_grant_crosses_wrap_point() {
    // Capacity 3: the second 2-byte chunk starts at offset 2 and wraps, so the
    // heap fallback must mirror it before publishing.
    model(|| {
        let (tx, rx) = ring(3, Mirroring::Disabled).unwrap();
        let writer = thread::spawn(move || blocking_writer(tx, &[b"xy", b"zw"]));
        let got = blocking_reader(rx, 4);
        writer.join().unwrap();
        assert_eq!(got, b"xyzw");
    });
}

#[test]
fn loom_try_push_pop_full_and_empty() {
    // Non-blocking API with spinning: push fails when full, the read grant is
    // empty when empty, and bytes arrive intact and in order.
    model(|| {
        let (mut tx, mut rx) = ring(2, Mirroring::Disabled).unwrap();
        let writer = thread::spawn(move || {
            let mut full_seen = false;
            for byte in [1u8, 2, 3] {
                while !tx.push(&[byte]) {
                    full_seen = true;
                    thread::yield_now();
                }
            }
            full_seen
        });
        let mut got = Vec::new();
        while got.len() < 3 {
            let grant = rx.read_grant();
            if grant.is_empty() {
                thread::yield_now();
                continue;
            }
            let n = grant.len();
            assert!(n <= 2, "read grant longer than capacity");
            got.extend_from_slice(grant);
            rx.consume(n);
        }
        writer.join().unwrap();
        assert_eq!(got, [1, 2, 3]);
        assert!(rx.read_grant().is_empty());
    });
}

#[test]
fn loom_observer_snapshot_stays_in_bounds() {
    model(|| {
        let (mut tx, mut rx) = ring(2, Mirroring::Disabled).unwrap();
        let observer = tx.observer();
        let writer = thread::spawn(move || {
            assert!(tx.push(b"ab"));
        });
        let len = observer.len();
        let free = observer.free();
        assert!(len <= 2 && free <= 2);
        writer.join().unwrap();
        assert_eq!(rx.read_grant(), b"ab");
        assert_eq!((observer.len(), observer.free()), (2, 0));
    });
}

#[test]
fn loom_slots_push_pop_full_and_in_order() {
    // Capacity 2, three values: the queue fills, refuses a push, wraps, and
    // every value arrives once, in order (loom checks each cell hand-over).
    model(|| {
        let (mut tx, mut rx) = slots::<Box<u8>>(2);
        let writer = thread::spawn(move || {
            for value in 1u8..=3 {
                let mut boxed = Box::new(value);
                while let Err(back) = tx.try_push(boxed) {
                    boxed = back;
                    thread::yield_now();
                }
            }
        });
        let mut got = Vec::new();
        while got.len() < 3 {
            rx.refresh();
            match rx.pop() {
                Some(value) => got.push(*value),
                None => thread::yield_now(),
            }
        }
        writer.join().unwrap();
        assert_eq!(got, [1, 2, 3]);
    });
}

#[test]
fn loom_slots_receiver_changes_unpopped_values() {
    // The receiver looks at and edits values it has not popped while the
    // sender keeps pushing into the other cell.
    model(|| {
        let (mut tx, mut rx) = slots::<u8>(2);
        let writer = thread::spawn(move || {
            for value in [10u8, 20] {
                let mut v = value;
                while let Err(back) = tx.try_push(v) {
                    v = back;
                    thread::yield_now();
                }
            }
        });
        while rx.refresh() == 0 {
            thread::yield_now();
        }
        *rx.front_mut().unwrap() += 1;
        assert_eq!(rx.get(0), Some(&11));
        assert_eq!(rx.pop(), Some(11));
        while rx.refresh() == 0 {
            thread::yield_now();
        }
        assert_eq!(rx.pop(), Some(20));
        writer.join().unwrap();
    });
}

#[test]
fn loom_lent_range_is_listed_before_its_bytes_are_readable() {
    // The Buffer binding's lending order: the producer lists a range in the
    // slot queue, then publishes its positions unwritten; a consumer that sees
    // the positions and then refreshes the list must find the range there,
    // and filling it with `overwrite` must not race the producer's next write.
    model(|| {
        let (mut tx, mut rx) = ring(4, Mirroring::Disabled).unwrap();
        let (mut lend, mut lent) = slots::<(u64, &'static [u8])>(1);
        let writer = thread::spawn(move || {
            lend.try_push((0, b"ab")).unwrap();
            tx.commit_unwritten_and_notify(2);
            assert!(tx.push(b"c"));
        });
        let mut out = Vec::new();
        while out.len() < 3 {
            let len = rx.len();
            if len == 0 {
                thread::yield_now();
                continue;
            }
            lent.refresh();
            if rx.position() == 0 {
                let &(start, bytes) = lent.get(0).expect("listed before published");
                assert_eq!(start, 0);
                assert!(len >= bytes.len());
                // SAFETY: nothing refers to the readable bytes here.
                unsafe { rx.overwrite(0, bytes) };
                lent.pop();
            }
            let grant = rx.read_grant();
            let n = grant.len();
            out.extend_from_slice(grant);
            rx.consume(n);
        }
        writer.join().unwrap();
        assert_eq!(out, b"abc");
    });
}

#[test]
fn loom_lent_range_across_the_wrap_is_filled_through_the_heap_mirror() {
    // Heap fallback (always under loom), capacity 4. A copied "xy" moves both
    // ends to 2; then "abc" is lent at positions 2..5 (offsets 2, 3, 0: across
    // the wrap) and "d" is copied after it while the consumer fills and reads.
    // The consumer's grants are at most 2 bytes long, so it reads "c" at
    // offset 0 (the first half): that byte was written by `overwrite` in the
    // second half, so it arrives only through the mirror copy, and "d" (offset
    // 1) is the producer's own write racing the fill.
    model(|| {
        let (mut tx, mut rx) = ring(4, Mirroring::Disabled).unwrap();
        let (mut lend, mut lent) = slots::<(u64, &'static [u8])>(1);
        assert!(tx.push(b"xy"));
        assert_eq!(rx.read_grant(), b"xy");
        rx.consume(2);
        let writer = thread::spawn(move || {
            lend.try_push((2, b"abc")).unwrap();
            tx.commit_unwritten_and_notify(3);
            while !tx.push(b"d") {
                thread::yield_now();
            }
        });
        let mut out = Vec::new();
        while out.len() < 4 {
            let len = rx.len();
            if len == 0 {
                thread::yield_now();
                continue;
            }
            lent.refresh();
            if let Some(&(start, bytes)) = lent.get(0) {
                if start < rx.position() + len as u64 {
                    assert_eq!(start, rx.position(), "filled before any of it is read");
                    // SAFETY: nothing refers to the readable bytes here.
                    unsafe { rx.overwrite(0, bytes) };
                    lent.pop();
                }
            }
            let grant = rx.read_grant();
            let n = grant.len().min(2);
            out.extend_from_slice(&grant[..n]);
            rx.consume(n);
        }
        writer.join().unwrap();
        assert_eq!(out, b"abcd");
    });
}

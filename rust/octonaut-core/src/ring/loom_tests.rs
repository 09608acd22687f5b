//! Loom models of the SPSC ring and its wakeup (`--cfg loom` only).
//!
//! Strategy: tiny rings (2-4 bytes) and a handful of bytes, so loom can
//! enumerate every interleaving (bounded preemptions) in seconds. Every grant
//! and release also touches a loom cell per slot (see `Shared::track`), so
//! loom reports any byte both threads could access without happens-before;
//! the blocking models use the real `WaitPoint` protocol, so a lost wakeup
//! shows up as a loom deadlock.

use super::mapping::Mirroring;
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

//! Steady state allocates nothing: after warm-up, streaming through the ring
//! (grants, commits, consumes, notifications and waits on both the mirrored
//! and the heap path) performs zero heap allocations.
//!
//! Strategy: the shared counting allocator (`support/counting_alloc.rs`); the
//! ring is built and warmed up first, then the count must stay zero while
//! 10+ MiB stream.
#![cfg(not(loom))]

use octonaut_core::ring::{ring_with_wakeup, Mirroring, Wakeup};
use std::time::Duration;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{assert_counter_works, count_allocations, CountingAllocator};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn streaming_after_warm_up_allocates_nothing() {
    assert_counter_works();
    for (mode, wakeup) in [
        (Mirroring::Required, Wakeup::Native),
        (Mirroring::Disabled, Wakeup::Native),
        (Mirroring::Required, Wakeup::Condvar),
    ] {
        let (mut tx, mut rx) = ring_with_wakeup(4096, mode, wakeup).unwrap();
        let chunk = [0x5Au8; 700];
        let mut out = [0u8; 1000];
        let mut stream = |rounds: usize| {
            let mut moved = 0;
            for _ in 0..rounds {
                assert!(tx.wait_for_free(chunk.len(), Duration::from_millis(1)));
                assert!(tx.push(&chunk));
                tx.commit_and_notify(0);
                let grant = tx.write_grant();
                grant[..3].copy_from_slice(b"abc");
                tx.commit_and_notify(3);
                assert!(rx.wait_for_len(1, Duration::from_millis(1)));
                moved += rx.pop_into(&mut out);
                let _ = rx.read_grant().len();
                rx.consume_and_notify(0);
            }
            moved
        };
        stream(100); // warm-up
        let (moved, allocations) = count_allocations(|| stream(20_000));
        assert!(moved > 10_000_000, "{mode:?}: only {moved} bytes moved");
        assert_eq!(
            allocations, 0,
            "{mode:?}/{wakeup:?}: steady state allocated"
        );
    }
}

#[test]
fn lending_after_warm_up_allocates_nothing() {
    // The Buffer binding's lending path: list a range, publish it unwritten,
    // fill it into the ring with `overwrite`, or consume it and pop its entry.
    assert_counter_works();
    for mode in [Mirroring::Required, Mirroring::Disabled] {
        let (mut tx, mut rx) = ring_with_wakeup(8192, mode, Wakeup::Native).unwrap();
        let (mut lend, mut lent) = octonaut_core::ring::slots::<(u64, &'static [u8])>(4);
        static LENT: [u8; 3000] = [0xA5; 3000];
        let mut stream = |rounds: usize| {
            let mut moved = 0;
            for round in 0..rounds {
                assert!(tx.wait_for_free(LENT.len(), Duration::from_millis(1)));
                lend.try_push((tx.position(), &LENT[..])).unwrap();
                tx.commit_unwritten_and_notify(LENT.len());
                let len = rx.len();
                lent.refresh();
                let (start, bytes) = lent.pop().expect("listed before published");
                assert_eq!(start, rx.position());
                if round % 2 == 0 {
                    // SAFETY: nothing refers to the readable bytes here.
                    unsafe { rx.overwrite(0, bytes) };
                    moved += rx.read_grant()[..len].len();
                }
                rx.consume_and_notify(len);
                moved += len;
            }
            moved
        };
        stream(100); // warm-up
        let (moved, allocations) = count_allocations(|| stream(10_000));
        assert!(moved > 30_000_000, "{mode:?}: only {moved} bytes moved");
        assert_eq!(allocations, 0, "{mode:?}: lending allocated");
    }
}

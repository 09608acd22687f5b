//! Multi-threaded stress test of the SPSC ring: 64 MiB in random chunk sizes
//! through a small ring, on both the mirrored and the heap path, with both the
//! blocking and the spinning API. Every byte is checked against the same
//! pseudo-random stream the producer wrote (stronger than a checksum), and the
//! checksums of both sides are compared too.
//!
//! Strategy: chunk sizes are random on both sides and independent, so grants
//! start at every offset and cross the wrap point constantly; the heap ring
//! uses a capacity (1000) that is not a power of two or a page multiple.
#![cfg(not(loom))]

use octonaut_core::ring::{ring_with_wakeup, Mirroring, Wakeup};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

#[path = "support/stream_bytes.rs"]
mod stream_bytes;

use stream_bytes::byte_at;

const TOTAL: usize = 64 << 20;
const WAIT: Duration = Duration::from_secs(30);

fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(hash, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01B3))
}

fn stream(mode: Mirroring, capacity: usize, blocking: bool) {
    stream_with(mode, capacity, blocking, Wakeup::Native);
}

fn stream_with(mode: Mirroring, capacity: usize, blocking: bool, wakeup: Wakeup) {
    let (mut tx, mut rx) = ring_with_wakeup(capacity, mode, wakeup).unwrap();
    assert_eq!(
        tx.observer().wakeup() == Wakeup::Condvar,
        wakeup == Wakeup::Condvar
    );
    let capacity = tx.capacity();
    let writer = std::thread::spawn(move || {
        let mut rng = SmallRng::seed_from_u64(1);
        let mut written = 0;
        let mut hash = 0xCBF2_9CE4_8422_2325;
        while written < TOTAL {
            let want = rng.random_range(1..=capacity).min(TOTAL - written);
            if blocking {
                assert!(tx.wait_for_free(want, WAIT), "writer starved");
            }
            let Some(grant) = tx.write_grant_at_least(want) else {
                std::thread::yield_now();
                continue;
            };
            for (k, slot) in grant[..want].iter_mut().enumerate() {
                *slot = byte_at(written + k);
            }
            hash = fnv(hash, &grant[..want]);
            if blocking {
                tx.commit_and_notify(want);
            } else {
                tx.commit(want);
            }
            written += want;
        }
        hash
    });
    let mut rng = SmallRng::seed_from_u64(2);
    let mut read = 0;
    let mut hash = 0xCBF2_9CE4_8422_2325;
    while read < TOTAL {
        if blocking {
            assert!(rx.wait_for_len(1, WAIT), "reader starved");
        }
        let grant = rx.read_grant();
        if grant.is_empty() {
            std::thread::yield_now();
            continue;
        }
        let take = rng.random_range(1..=grant.len());
        let chunk = &grant[..take];
        if let Some(k) = (0..take).find(|&k| chunk[k] != byte_at(read + k)) {
            panic!("{mode:?}: byte {} corrupted", read + k);
        }
        hash = fnv(hash, chunk);
        if blocking {
            rx.consume_and_notify(take);
        } else {
            rx.consume(take);
        }
        read += take;
    }
    assert_eq!(writer.join().unwrap(), hash, "{mode:?}: checksums differ");
    assert_eq!(rx.observer().consumed(), TOTAL as u64);
}

#[test]
fn stress_mirrored_blocking() {
    stream(Mirroring::Required, 4096, true);
}

#[test]
fn stress_mirrored_spinning() {
    stream(Mirroring::Required, 4096, false);
}

#[test]
fn stress_heap_blocking() {
    stream(Mirroring::Disabled, 1000, true);
}

#[test]
fn stress_heap_spinning() {
    stream(Mirroring::Disabled, 1000, false);
}

/// The Mutex+Condvar wakeup that non-Linux platforms ship, run here.
#[test]
fn stress_mirrored_blocking_condvar_wakeup() {
    stream_with(Mirroring::Required, 4096, true, Wakeup::Condvar);
}

#[test]
fn stress_heap_blocking_condvar_wakeup() {
    stream_with(Mirroring::Disabled, 1000, true, Wakeup::Condvar);
}

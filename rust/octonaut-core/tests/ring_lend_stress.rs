//! Multi-threaded stress test of lending: the protocol the Buffer binding runs
//! on top of the byte ring and the slot queue, in pure Rust.
//!
//! Strategy: the producer writes 64 MiB of a known stream, each chunk either
//! copied into the ring or lent by reference (listed in the slot queue, then
//! published unwritten), at random. The consumer takes random amounts, copying
//! ring bytes from the ring and lent bytes from the lent chunks, and at times
//! first fills every listed range into the ring with `overwrite` and reads the
//! whole readable span as one slice, as the binding does before it exports a
//! view. Every byte is checked against the stream. A small slot queue makes
//! the producer fall back to copying whenever the list is full.
#![cfg(not(loom))]

use octonaut_core::ring::{ring, slots, Mirroring};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

#[path = "support/stream_bytes.rs"]
mod stream_bytes;

use stream_bytes::byte_at;

const TOTAL: usize = 64 << 20;
const WAIT: Duration = Duration::from_secs(30);

/// A lent range: stream positions `start ..` whose bytes are `bytes[used..]`.
struct Lent {
    start: u64,
    bytes: Vec<u8>,
    used: usize,
}

fn stream(mode: Mirroring, capacity: usize) {
    let (mut tx, mut rx) = ring(capacity, mode).unwrap();
    let (mut lend, mut lent) = slots::<Lent>(3);
    let capacity = tx.capacity();
    let writer = std::thread::spawn(move || {
        let mut rng = SmallRng::seed_from_u64(3);
        let mut written = 0;
        let mut lent_count = 0u32;
        while written < TOTAL {
            let want = rng.random_range(1..=capacity).min(TOTAL - written);
            assert!(tx.wait_for_free(want, WAIT), "writer starved");
            let chunk: Vec<u8> = (written..written + want).map(byte_at).collect();
            let mut by_copy = Some(chunk);
            if rng.random_bool(0.5) {
                let item = Lent {
                    start: tx.position(),
                    bytes: by_copy.take().unwrap(),
                    used: 0,
                };
                match lend.try_push(item) {
                    Ok(()) => {
                        tx.commit_unwritten_and_notify(want);
                        lent_count += 1;
                    }
                    Err(item) => by_copy = Some(item.bytes),
                }
            }
            if let Some(chunk) = by_copy {
                let grant = tx.write_grant_at_least(want).expect("free after wait");
                grant[..want].copy_from_slice(&chunk);
                tx.commit_and_notify(want);
            }
            written += want;
        }
        lent_count
    });
    let mut rng = SmallRng::seed_from_u64(4);
    let mut read = 0;
    let mut scratch = Vec::with_capacity(capacity);
    while read < TOTAL {
        assert!(rx.wait_for_len(1, WAIT), "reader starved");
        let len = rx.len();
        lent.refresh();
        let tail = rx.position();
        if rng.random_ratio(1, 8) {
            // Fill every listed range into the ring, then read one slice.
            while let Some(item) = lent.get(0) {
                if item.start >= tail + len as u64 {
                    break; // listed, but its positions are not published yet
                }
                let at = (item.start - tail) as usize;
                // SAFETY: no reference to the ring's readable bytes is alive.
                unsafe { rx.overwrite(at, &item.bytes[item.used..]) };
                lent.pop();
            }
            let grant = rx.read_grant();
            let take = rng.random_range(1..=len);
            if let Some(k) = (0..take).find(|&k| grant[k] != byte_at(read + k)) {
                panic!("{mode:?}: byte {} corrupted after overwrite", read + k);
            }
            rx.consume_and_notify(take);
            read += take;
            continue;
        }
        // Copy `take` bytes out piece by piece, as `read(n)` does.
        let take = rng.random_range(1..=len);
        let end = tail + take as u64;
        scratch.clear();
        let mut position = tail;
        let mut index = 0;
        while position < end {
            let next_lent = lent.get(index).filter(|item| item.start < end);
            let ring_until = next_lent.map_or(end, |item| item.start);
            if ring_until > position {
                let grant = rx.read_grant();
                let from = (position - tail) as usize;
                scratch.extend_from_slice(&grant[from..(ring_until - tail) as usize]);
                position = ring_until;
            }
            if let Some(item) = next_lent {
                let piece = &item.bytes[item.used..];
                let n = piece.len().min((end - position) as usize);
                scratch.extend_from_slice(&piece[..n]);
                position += n as u64;
                index += 1;
            }
        }
        if let Some(k) = (0..take).find(|&k| scratch[k] != byte_at(read + k)) {
            panic!("{mode:?}: byte {} corrupted in a piecewise copy", read + k);
        }
        rx.consume_and_notify(take);
        // Drop the ranges now wholly consumed; trim a partly consumed one.
        while let Some(item) = lent.front_mut() {
            let item_end = item.start + (item.bytes.len() - item.used) as u64;
            if item.start >= end {
                break;
            }
            if item_end <= end {
                lent.pop();
            } else {
                item.used += (end - item.start) as usize;
                item.start = end;
                break;
            }
        }
        read += take;
    }
    let lent_count = writer.join().unwrap();
    assert!(
        lent_count > 100,
        "{mode:?}: only {lent_count} chunks were lent"
    );
    assert_eq!(rx.observer().consumed(), TOTAL as u64);
}

#[test]
fn lend_stress_mirrored() {
    stream(Mirroring::Required, 4096);
}

#[test]
fn lend_stress_heap() {
    stream(Mirroring::Disabled, 1000);
}

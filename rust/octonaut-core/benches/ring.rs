//! Cross-thread byte streaming: octonaut's SPSC ring against `rtrb`.
//!
//! Strategy: a producer thread pushes `iters` chunks of `chunk` bytes through a
//! 64 KiB ring while the bench thread pops the same chunks, both sides copying
//! the bytes (in with `copy_from_slice`, out into a local buffer) and spinning
//! (`yield_now`, fair on a loaded machine) when the ring is full/empty. rtrb uses its chunk API
//! (`write_chunk_uninit` / `read_chunk`), which hands out two slices at the
//! wrap point; ours hands out one. Throughput is reported in bytes/s.
#![cfg(not(loom))]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use octonaut_core::ring::{ring, Mirroring};
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

const RING: usize = 64 * 1024;

fn octonaut_stream(iters: u64, chunk: usize) -> Duration {
    let (mut tx, mut rx) = ring(RING, Mirroring::Required).expect("mirrored ring");
    let source = vec![0xA5u8; chunk];
    let mut sink = vec![0u8; chunk];
    let start = Instant::now();
    let producer = std::thread::spawn(move || {
        for _ in 0..iters {
            loop {
                if let Some(grant) = tx.write_grant_at_least(chunk) {
                    grant[..chunk].copy_from_slice(&source);
                    tx.commit(chunk);
                    break;
                }
                std::thread::yield_now();
            }
        }
    });
    for _ in 0..iters {
        loop {
            if let Some(grant) = rx.read_grant_at_least(chunk) {
                sink.copy_from_slice(&grant[..chunk]);
                rx.consume(chunk);
                break;
            }
            std::thread::yield_now();
        }
        black_box(&sink);
    }
    producer.join().unwrap();
    start.elapsed()
}

fn rtrb_stream(iters: u64, chunk: usize) -> Duration {
    let (mut tx, mut rx) = rtrb::RingBuffer::<u8>::new(RING);
    let source = vec![0xA5u8; chunk];
    let mut sink = vec![0u8; chunk];
    let start = Instant::now();
    let producer = std::thread::spawn(move || {
        for _ in 0..iters {
            loop {
                if let Ok(mut grant) = tx.write_chunk_uninit(chunk) {
                    let (first, second) = grant.as_mut_slices();
                    let split = first.len();
                    copy_into_uninit(first, &source[..split]);
                    copy_into_uninit(second, &source[split..]);
                    // SAFETY: both slices were fully initialised just above.
                    unsafe { grant.commit_all() };
                    break;
                }
                std::thread::yield_now();
            }
        }
    });
    for _ in 0..iters {
        loop {
            if let Ok(grant) = rx.read_chunk(chunk) {
                let (first, second) = grant.as_slices();
                sink[..first.len()].copy_from_slice(first);
                sink[first.len()..].copy_from_slice(second);
                grant.commit_all();
                break;
            }
            std::thread::yield_now();
        }
        black_box(&sink);
    }
    producer.join().unwrap();
    start.elapsed()
}

/// A plain memcpy into rtrb's uninitialised slots (as fast as ours).
fn copy_into_uninit(to: &mut [MaybeUninit<u8>], from: &[u8]) {
    assert_eq!(to.len(), from.len());
    // SAFETY: equal lengths (checked), distinct allocations, and MaybeUninit<u8>
    // has the layout of u8.
    unsafe { std::ptr::copy_nonoverlapping(from.as_ptr(), to.as_mut_ptr().cast(), from.len()) };
}

fn cross_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("spsc_64KiB_ring");
    for chunk in [4096usize, 64] {
        group.throughput(Throughput::Bytes(chunk as u64));
        group.bench_with_input(BenchmarkId::new("octonaut", chunk), &chunk, |b, &chunk| {
            b.iter_custom(|iters| octonaut_stream(iters, chunk))
        });
        group.bench_with_input(BenchmarkId::new("rtrb", chunk), &chunk, |b, &chunk| {
            b.iter_custom(|iters| rtrb_stream(iters, chunk))
        });
    }
    group.finish();
}

criterion_group!(benches, cross_thread);
criterion_main!(benches);

//! Steady state allocates nothing: after warm-up, streaming through the ring
//! (grants, commits, consumes, notifications and waits on both the mirrored
//! and the heap path) performs zero heap allocations.
//!
//! Strategy: a counting global allocator; the ring is built and warmed up
//! first, then the allocation count must not move while 10+ MiB stream.
#![cfg(not(loom))]

use octonaut_core::ring::{ring, Mirroring};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; it only
// counts allocations on the side.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn streaming_after_warm_up_allocates_nothing() {
    for mode in [Mirroring::Required, Mirroring::Disabled] {
        let (mut tx, mut rx) = ring(4096, mode).unwrap();
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
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        let moved = stream(20_000);
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert!(moved > 10_000_000, "{mode:?}: only {moved} bytes moved");
        assert_eq!(after - before, 0, "{mode:?}: steady state allocated");
    }
}

//! The automatic heap fallback: when the mirrored mapping cannot be made,
//! `Mirroring::Auto` must still give a working ring, while
//! `Mirroring::Required` must report the failure.
//!
//! Strategy: make memfd_create fail for real, deterministically, by
//! exhausting this process's file descriptors (lower the soft
//! `RLIMIT_NOFILE`, then open /dev/null until EMFILE). The heap needs no
//! descriptor, so the fallback is the only way `Auto` can succeed. This file
//! holds a single test because the limit is process-wide; cargo runs each
//! integration test file in its own process.
#![cfg(all(target_os = "linux", not(loom)))]

use octonaut_core::ring::{ring, Mirroring, RingError, RingMemory};
use std::fs::File;

/// Lowers the soft descriptor limit and fills every free slot below it;
/// restores both on drop.
struct DescriptorsExhausted {
    saved: libc::rlimit,
    hogs: Vec<File>,
}

impl DescriptorsExhausted {
    fn new() -> Self {
        let mut saved = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `saved` is a valid out-pointer for getrlimit.
        let status = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut saved) };
        assert_eq!(status, 0);
        // Room for what the test harness already has open, then no more.
        let low = libc::rlimit {
            rlim_cur: 256.min(saved.rlim_cur),
            rlim_max: saved.rlim_max,
        };
        // SAFETY: `low` is a valid rlimit; lowering the soft limit is always allowed.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &low) }, 0);
        let mut hogs = Vec::new();
        loop {
            match File::open("/dev/null") {
                Ok(file) => hogs.push(file),
                Err(err) if err.raw_os_error() == Some(libc::EMFILE) => break,
                Err(err) => panic!("unexpected error while exhausting descriptors: {err}"),
            }
            assert!(hogs.len() <= 256, "the descriptor limit did not bite");
        }
        DescriptorsExhausted { saved, hogs }
    }
}

impl Drop for DescriptorsExhausted {
    fn drop(&mut self) {
        self.hogs.clear();
        // SAFETY: restores the limit read in `new` (always permitted: the
        // hard limit was never lowered).
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &self.saved) };
    }
}

#[test]
fn auto_falls_back_to_the_heap_when_memfd_fails() {
    let exhausted = DescriptorsExhausted::new();

    // Required: the real error from memfd_create comes back.
    match RingMemory::new(5000, Mirroring::Required) {
        Err(RingError::MirrorUnavailable(err)) => {
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}")
        }
        other => panic!("expected MirrorUnavailable, got {other:?}"),
    }

    // Auto: the heap fallback, with the exact (not page-rounded) capacity.
    let (mut tx, mut rx) = ring(5000, Mirroring::Auto).expect("heap fallback");
    assert!(!tx.is_mirrored());
    assert_eq!(tx.capacity(), 5000);
    // Stream bytes across the wrap point many times; every grant must be one
    // contiguous slice holding the bytes in order.
    let mut next_in = 0u8;
    let mut next_out = 0u8;
    let mut total = 0u64;
    for round in 0..2000usize {
        let want = 1 + (round * 7919) % 4999;
        let grant = tx.write_grant_at_least(want).expect("room after draining");
        for slot in &mut grant[..want] {
            *slot = next_in;
            next_in = next_in.wrapping_add(1);
        }
        tx.commit_and_notify(want);
        let read = rx.read_grant();
        assert_eq!(read.len(), want);
        for &byte in read {
            assert_eq!(byte, next_out, "round {round}");
            next_out = next_out.wrapping_add(1);
        }
        rx.consume_and_notify(want);
        total += want as u64;
    }
    assert_eq!(rx.observer().consumed(), total);
    assert!(
        total > 400 * 5000,
        "the wrap point was crossed only a few times"
    );

    // With descriptors available again, Auto mirrors.
    drop(exhausted);
    let (tx, _rx) = ring(5000, Mirroring::Auto).expect("mirrored ring");
    assert!(tx.is_mirrored());
    assert_eq!(tx.capacity() % octonaut_core::ring::mapping::page_size(), 0);
}

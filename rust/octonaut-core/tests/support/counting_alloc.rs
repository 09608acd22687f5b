//! The counting global allocator behind every zero-allocation test.
//!
//! Strategy: count only what the calling thread allocates inside
//! [`count_allocations`], with a thread-local counter, so the test harness's
//! own threads (and other tests running in parallel) never disturb a count.
//! Each test binary installs it with
//! `#[global_allocator] static GLOBAL: CountingAllocator = CountingAllocator;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards to [`System`], counting allocations on threads that asked for it.
pub struct CountingAllocator;

thread_local! {
    /// `Some(n)` while this thread counts; `None` otherwise.
    static COUNT: Cell<Option<u64>> = const { Cell::new(None) };
}

fn note_allocation() {
    // `try_with`: allocations during thread teardown are simply not counted.
    let _ = COUNT.try_with(|count| {
        if let Some(n) = count.get() {
            count.set(Some(n + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting
// has no effect on the memory handed out.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Runs `f` and returns its result with the number of heap allocations
/// (including reallocations) this thread made meanwhile.
pub fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, u64) {
    COUNT.with(|count| count.set(Some(0)));
    let result = f();
    let allocations = COUNT.with(|count| count.replace(None)).unwrap_or(0);
    (result, allocations)
}

/// The counter sees a real allocation (so a zero elsewhere means something).
#[allow(dead_code)] // each test binary uses the part it needs
pub fn assert_counter_works() {
    let (boxed, allocations) = count_allocations(|| std::hint::black_box(Box::new(7u64)));
    drop(boxed);
    assert_eq!(
        allocations, 1,
        "the counting allocator missed an allocation"
    );
}

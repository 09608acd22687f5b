//! The ring's memory: `2 * capacity` bytes whose second half mirrors the first.
//!
//! Strategy: on Linux (and not under loom) one memfd of `capacity` bytes
//! (page-rounded) is mapped twice, back to back. The mapping is race-free: we
//! first reserve `2 * capacity` bytes of address space with an anonymous
//! `PROT_NONE` mapping, then place both shared views of the memfd over it with
//! `MAP_FIXED`, so no other thread can grab the second half in between.
//! `MADV_DONTFORK` keeps a forked child from sharing the ring.
//!
//! The fallback ([`Mirroring::Disabled`], or [`Mirroring::Auto`] when mapping
//! fails, and always under `cfg(loom)`) allocates `2 * capacity` zeroed heap
//! bytes and keeps the halves identical by copying every committed write into
//! its mirror ([`RingMemory::sync_mirror`]) before the write is published. So
//! both paths present the same contract: for any offset `o < capacity`, the
//! bytes `o .. o + capacity` are one contiguous, readable and writable range
//! whose byte `i` equals byte `i ± capacity`.
//!
//! Fork: a child does not inherit the double mapping (`MADV_DONTFORK`), so
//! every ring remembers the fork generation it was created in (bumped by a
//! `pthread_atfork` child hook); [`RingMemory::in_creating_process`] lets the
//! binding refuse to touch a ring in a forked child, and `Drop` never unmaps
//! an address range a child may since have reused.
//!
//! Nothing here ever forms a Rust reference: callers get raw pointers and must
//! never build one slice longer than `capacity`, so no slice covers a byte and
//! its mirror.

use std::fmt;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many forks separate this process from the first one that made a ring.
/// Process-wide bookkeeping, not part of the SPSC protocol (so not loom's).
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current process's fork generation (registers the fork hook once).
fn fork_generation() -> u64 {
    #[cfg(all(unix, not(loom)))]
    {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            unsafe extern "C" fn in_child() {
                FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
            }
            // SAFETY: registers a handler that only bumps an atomic, which is
            // async-signal-safe as the child side of fork requires. A failure
            // (ENOMEM) leaves the guard inactive, which we accept.
            unsafe { libc::pthread_atfork(None, None, Some(in_child)) };
        });
    }
    FORK_GENERATION.load(Ordering::Relaxed)
}

/// How [`RingMemory::new`] should obtain its memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mirroring {
    /// Mirror when the OS allows it, otherwise fall back to the heap.
    Auto,
    /// Mirror or fail with [`RingError::MirrorUnavailable`].
    Required,
    /// Always use the heap copy-on-commit fallback.
    Disabled,
}

/// Why a ring could not be built.
#[derive(Debug)]
pub enum RingError {
    /// A ring must hold at least one byte.
    ZeroCapacity,
    /// `2 * capacity` does not fit the address space (or `isize`).
    CapacityTooLarge(usize),
    /// The double mapping was required but could not be made.
    MirrorUnavailable(std::io::Error),
    /// The heap fallback could not be allocated.
    OutOfMemory(usize),
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RingError::ZeroCapacity => write!(f, "capacity must be at least 1 byte"),
            RingError::CapacityTooLarge(n) => write!(f, "capacity {n} is too large"),
            RingError::MirrorUnavailable(err) => write!(f, "mirrored mapping unavailable: {err}"),
            RingError::OutOfMemory(n) => write!(f, "could not allocate {n} bytes"),
        }
    }
}

impl std::error::Error for RingError {}

/// `2 * capacity` bytes whose halves always agree; see the module docs.
pub struct RingMemory {
    base: NonNull<u8>,
    capacity: usize,
    mirrored: bool,
    generation: u64,
}

// SAFETY: RingMemory only hands out raw pointers; which thread may touch which
// bytes is decided by the SPSC protocol in `spsc`, not here, and the mapping
// itself may be unmapped from any thread.
unsafe impl Send for RingMemory {}
// SAFETY: see `Send` above; `&RingMemory` exposes no references to the bytes.
unsafe impl Sync for RingMemory {}

impl RingMemory {
    /// Allocates a ring memory of at least `capacity` bytes (page-rounded when
    /// mirrored).
    pub fn new(capacity: usize, mirroring: Mirroring) -> Result<Self, RingError> {
        if capacity == 0 {
            return Err(RingError::ZeroCapacity);
        }
        if capacity > (isize::MAX as usize) / 4 {
            return Err(RingError::CapacityTooLarge(capacity));
        }
        match mirroring {
            Mirroring::Disabled => Self::heap(capacity),
            Mirroring::Required => Self::mirrored(capacity).map_err(RingError::MirrorUnavailable),
            Mirroring::Auto => Self::mirrored(capacity).or_else(|_| Self::heap(capacity)),
        }
    }

    /// Usable bytes (the length of one half).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// True when the halves are one memfd mapped twice.
    pub fn is_mirrored(&self) -> bool {
        self.mirrored
    }

    /// False in a child forked after this memory was made: a mirrored ring
    /// is not mapped there at all, so it must not be touched.
    pub fn in_creating_process(&self) -> bool {
        self.generation == fork_generation()
    }

    /// Start of the `2 * capacity` byte window. Callers must keep every slice
    /// they build from it no longer than `capacity` bytes.
    pub fn as_ptr(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    /// Makes the mirror agree with bytes `offset .. offset + len` just written
    /// (`offset < capacity`, `len <= capacity`). A no-op when mirrored.
    ///
    /// # Safety
    /// The caller must own (exclusively, per the SPSC protocol) the ring
    /// positions those bytes stand for, so no other thread reads or writes them
    /// or their mirrors during the call.
    pub unsafe fn sync_mirror(&self, offset: usize, len: usize) {
        if self.mirrored || len == 0 {
            return;
        }
        debug_assert!(offset < self.capacity && len <= self.capacity);
        let n = self.capacity;
        let base = self.base.as_ptr();
        let end = offset + len;
        let in_first = end.min(n) - offset;
        // SAFETY: `offset .. offset + in_first` lies in the first half and its
        // copy target `+ n` in the second; both are inside the 2n allocation,
        // the ranges are disjoint (they are n apart and in_first <= n), and the
        // caller owns these positions.
        unsafe { std::ptr::copy_nonoverlapping(base.add(offset), base.add(offset + n), in_first) };
        if end > n {
            // SAFETY: the tail `n .. end` (end <= 2n) was written in the second
            // half; its mirror `0 .. end - n` is in the first. Disjoint, in
            // bounds, and owned by the caller for the same reason.
            unsafe { std::ptr::copy_nonoverlapping(base.add(n), base, end - n) };
        }
    }

    fn heap(capacity: usize) -> Result<Self, RingError> {
        let layout = heap_layout(capacity)?;
        // SAFETY: the layout has non-zero size (capacity >= 1).
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        let base = NonNull::new(ptr).ok_or(RingError::OutOfMemory(layout.size()))?;
        Ok(RingMemory {
            base,
            capacity,
            mirrored: false,
            generation: fork_generation(),
        })
    }

    #[cfg(all(target_os = "linux", not(loom)))]
    fn mirrored(capacity: usize) -> std::io::Result<Self> {
        let page = page_size();
        let capacity = capacity
            .checked_next_multiple_of(page)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
        let (base, _fd) = linux::map_twice(capacity)?;
        Ok(RingMemory {
            base,
            capacity,
            mirrored: true,
            generation: fork_generation(),
        })
    }

    #[cfg(not(all(target_os = "linux", not(loom))))]
    fn mirrored(_capacity: usize) -> std::io::Result<Self> {
        Err(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "mirrored mapping needs Linux (and is never used under loom)",
        ))
    }
}

impl Drop for RingMemory {
    fn drop(&mut self) {
        if self.mirrored {
            if !self.in_creating_process() {
                // Not inherited (MADV_DONTFORK): the range may belong to
                // someone else in this child by now.
                return;
            }
            #[cfg(all(target_os = "linux", not(loom)))]
            // SAFETY: `base .. base + 2 * capacity` is exactly the region
            // `map_twice` mapped, and nothing refers to it once we are dropped.
            unsafe {
                libc::munmap(self.base.as_ptr().cast(), 2 * self.capacity);
            }
        } else if let Ok(layout) = heap_layout(self.capacity) {
            // SAFETY: `heap` allocated `base` with this very layout.
            unsafe { std::alloc::dealloc(self.base.as_ptr(), layout) };
        }
    }
}

impl fmt::Debug for RingMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingMemory")
            .field("capacity", &self.capacity)
            .field("mirrored", &self.mirrored)
            .finish()
    }
}

fn heap_layout(capacity: usize) -> Result<std::alloc::Layout, RingError> {
    std::alloc::Layout::from_size_align(2 * capacity, 64)
        .map_err(|_| RingError::CapacityTooLarge(capacity))
}

/// The OS page size (4096 if it cannot be queried).
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

#[cfg(all(target_os = "linux", not(loom)))]
mod linux {
    use std::io;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::ptr::NonNull;

    /// Maps a fresh memfd of `len` bytes (a page multiple) twice, back to back.
    /// The fd is returned only to be closed by the caller (the mappings keep
    /// the memory alive).
    pub(super) fn map_twice(len: usize) -> io::Result<(NonNull<u8>, OwnedFd)> {
        // SAFETY: the name is a valid NUL-terminated string; flags are valid.
        let raw = unsafe { libc::memfd_create(c"octonaut-ring".as_ptr(), libc::MFD_CLOEXEC) };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a fresh fd we own; OwnedFd closes it on every path.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let file_len = libc::off_t::try_from(len).map_err(|_| io::ErrorKind::InvalidInput)?;
        // SAFETY: `fd` is a valid memfd.
        if unsafe { libc::ftruncate(std::os::fd::AsRawFd::as_raw_fd(&fd), file_len) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: anonymous PROT_NONE reservation; the kernel picks the address.
        let reserved = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                2 * len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if reserved == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let reservation = Reservation {
            base: reserved,
            len: 2 * len,
        };
        for half in 0..2 {
            // SAFETY: the target `reserved + half * len .. + len` lies inside
            // our own reservation, so MAP_FIXED replaces only pages we own.
            let mapped = unsafe {
                libc::mmap(
                    reserved.cast::<u8>().add(half * len).cast(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED | libc::MAP_FIXED,
                    std::os::fd::AsRawFd::as_raw_fd(&fd),
                    0,
                )
            };
            if mapped == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
        }
        // SAFETY: the range is our mapping. Failure is harmless (a fork would
        // then share the ring), so the result is deliberately ignored.
        unsafe { libc::madvise(reserved, 2 * len, libc::MADV_DONTFORK) };
        let base = NonNull::new(reserved.cast::<u8>()).ok_or(io::ErrorKind::Other)?;
        std::mem::forget(reservation);
        Ok((base, fd))
    }

    /// Unmaps the reservation if `map_twice` fails half-way.
    struct Reservation {
        base: *mut libc::c_void,
        len: usize,
    }

    impl Drop for Reservation {
        fn drop(&mut self) {
            // SAFETY: exactly the region reserved by `map_twice`.
            unsafe { libc::munmap(self.base, self.len) };
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    // Volatile, because the optimiser assumes `p` and `p + n` never alias and
    // would otherwise forward a value stored at one address to a read of its
    // mirror within this one function. (The ring itself never touches both
    // halves between two atomic synchronisation points of one grant.)
    fn write(memory: &RingMemory, index: usize, value: u8) {
        assert!(index < 2 * memory.capacity());
        // SAFETY: in bounds (checked above); single-threaded test.
        unsafe { memory.as_ptr().add(index).write_volatile(value) }
    }

    fn read(memory: &RingMemory, index: usize) -> u8 {
        assert!(index < 2 * memory.capacity());
        // SAFETY: in bounds (checked above); single-threaded test.
        unsafe { memory.as_ptr().add(index).read_volatile() }
    }

    #[test]
    fn mirrored_capacity_is_page_rounded_and_aliases() {
        let memory = RingMemory::new(100, Mirroring::Required).expect("memfd available");
        assert!(memory.is_mirrored());
        let n = memory.capacity();
        assert_eq!(n, page_size());
        for i in [0, 1, 99, n - 1] {
            write(&memory, i, (i % 251) as u8 + 1);
            assert_eq!(read(&memory, i + n), (i % 251) as u8 + 1);
            write(&memory, i + n, 0xEE);
            assert_eq!(read(&memory, i), 0xEE);
        }
    }

    #[test]
    fn heap_fallback_keeps_exact_capacity_and_syncs_mirror() {
        let memory = RingMemory::new(10, Mirroring::Disabled).unwrap();
        assert!(!memory.is_mirrored());
        assert_eq!(memory.capacity(), 10);
        // A write that crosses the wrap point: offsets 8..13 = 8, 9 | 10, 11, 12.
        for (k, i) in (8..13).enumerate() {
            write(&memory, i, k as u8 + 1);
        }
        // SAFETY: single-threaded; we own every position.
        unsafe { memory.sync_mirror(8, 5) };
        for i in 0..10 {
            assert_eq!(read(&memory, i), read(&memory, i + 10), "byte {i}");
        }
        assert_eq!(read(&memory, 0), 3);
        assert_eq!(read(&memory, 18), 1);
    }

    #[test]
    fn zero_capacity_is_rejected() {
        assert!(matches!(
            RingMemory::new(0, Mirroring::Auto),
            Err(RingError::ZeroCapacity)
        ));
    }

    #[test]
    fn drop_unmaps_the_mirror() {
        let memory = RingMemory::new(1, Mirroring::Required).unwrap();
        let base = memory.as_ptr() as usize;
        let len = 2 * memory.capacity();
        let inodes = ring_inodes_in(base, len);
        assert_eq!(inodes.len(), 2, "both halves map the memfd: {inodes:?}");
        assert_eq!(inodes[0], inodes[1], "both halves map the same memfd");
        drop(memory);
        // Another test may map a new ring at the same address meanwhile, but
        // never the same memfd inode (a fresh memfd gets a fresh inode).
        assert!(
            !ring_inodes_in(base, len).contains(&inodes[0]),
            "memfd still mapped after drop"
        );
    }

    /// Inode numbers of the octonaut memfd mappings overlapping
    /// `base .. base + len`, per /proc/self/maps.
    fn ring_inodes_in(base: usize, len: usize) -> Vec<u64> {
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        maps.lines()
            .filter(|line| line.contains("octonaut-ring"))
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let (start, end) = fields[0].split_once('-')?;
                let start = usize::from_str_radix(start, 16).ok()?;
                let end = usize::from_str_radix(end, 16).ok()?;
                (start < base + len && base < end).then(|| fields[4].parse().ok())?
            })
            .collect()
    }
}

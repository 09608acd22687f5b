//! `octonaut.Buffer`: the Python face of the SPSC byte ring
//! (`octonaut_core::ring`).
//!
//! Strategy: the class is `frozen`, so Python never takes a `RefCell`-style
//! borrow and a writer thread and a reader thread can use one Buffer at once
//! with no "already borrowed" errors. The two ends ([`Writer`] and [`Reader`]
//! in `ends`: the ring's producer and consumer, each with its end of the list
//! of lent bytes) each sit in a [`Side`] (`side`): an `UnsafeCell` guarded by
//! an atomic busy flag, so a second concurrent writer (or reader) gets a
//! `RuntimeError` instead of undefined behaviour. Read-only methods that every
//! thread may call (`len`, `free`, `tell`) go through a [`RingObserver`] and
//! take no flag. This file holds the class and its methods; `copy` the
//! memcpys, `deadline` the timeouts, `handoff` the GIL hint, `view` the
//! buffer-protocol exports.
//!
//! Views: `writable()`, `peek()` and `memoryview(buf)` export raw pointers into
//! the ring. Each export is counted (`read_exports`, `write_exports`) from
//! `__getbuffer__` to `__releasebuffer__`; consuming under a live read view, or
//! writing/committing under a live writable view, raises `BufferError` (as
//! bytearray does when resized under an export). The exporter of `writable()`
//! and `peek()` views is a small [`BufferView`] object holding a strong
//! reference to the Buffer, so a view keeps the memory mapped even after the
//! last user reference to the Buffer is gone.
//!
//! Lending: a write of an exact `bytes` of 32 KiB or more is passed to the
//! ring by reference, not copied; a read of exactly that range returns the
//! same object, and other reads copy it once, straight to their destination
//! (see `ends`). It is invisible to callers except in speed and in one
//! detail: the Buffer holds a reference to the object until its bytes are
//! consumed.
//!
//! Blocking: waits release the GIL (`py.detach`) in slices of at most 50 ms
//! and call `py.check_signals()` between slices, so Ctrl-C works; the wakeup
//! itself is the ring's `WaitPoint` (a spin of at most 20 µs that backs off
//! when it keeps missing, then a futex sleep), never sleep-polling. Copies of
//! 64 KiB or more also run with the GIL released; shorter ones keep it, since
//! a GIL hand-off costs more than a short memcpy. Taking the GIL back after a
//! GIL-free section first spins briefly until the Buffer's other thread has
//! let go of it ([`GilHandoff`]), so the writer's and the reader's copies
//! overlap on two cores instead of each queueing in CPython's GIL wait (which
//! made releasing the GIL for 64 KiB copies a loss before). A copy that follows a
//! blocking wait is made before the GIL is taken back (the wait released it
//! anyway): `write` copies into the ring as soon as room appears, and
//! `read(n)` / `readinto` copy out as soon as bytes arrive, `read` into a
//! result it allocated before waiting (for reads of 64 KiB or more), so that
//! copy overlaps the other thread's work at no extra GIL hand-off.

use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

mod copy;
mod deadline;
mod ends;
mod handoff;
mod side;
mod view;

use copy::{copy_bytes, copy_into_ring, copy_out_of_ring, source_of, uninit_bytes};
use deadline::Deadline;
use ends::{lend_slots, Lent, OutPtr, Reader, Writer};
use handoff::{GilHandoff, Role};
use octonaut_core::ring::{ring, slots, Mirroring, RingError, RingObserver};
use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::{
    PyBufferError, PyIndexError, PyMemoryError, PyOSError, PyRuntimeError, PyTypeError,
    PyValueError,
};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyMemoryView, PySlice};
use side::{Side, SideGuard};
use view::{fill_view, BufferView};

use crate::errors;

/// Copies at least this long run with the GIL released (see [`GilHandoff`]
/// for why that pays off only with the hand-off spin).
const DETACH_COPY: usize = 64 * 1024;
/// Searches over at least this many bytes run with the GIL released.
const DETACH_SEARCH: usize = 256 * 1024;
/// A `read(n)` that must wait allocates its result before waiting when `n`
/// (capped at the capacity) is at least this long; see `Buffer::read`.
const PREALLOCATE_READ: usize = 64 * 1024;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Buffer>()?;
    m.add_class::<BufferView>()?;
    Ok(())
}

/// What a reader's GIL-free wait achieved.
enum Waited {
    /// Nothing readable before the slice ended.
    NotYet,
    /// Bytes are readable; copy them with the GIL.
    Ready,
    /// The preallocated result was filled and consumed.
    Copied,
    /// The read is exactly one lent `bytes`, consumed: return it.
    Whole(Lent),
}

/// A bounded byte buffer: a lock-free single-producer/single-consumer ring.
#[pyclass(frozen, module = "octonaut._octonaut")]
pub struct Buffer {
    producer: Side<Writer>,
    consumer: Side<Reader>,
    observer: RingObserver,
    /// Live `peek()` / `memoryview(buf)` exports: consuming is refused.
    read_exports: AtomicUsize,
    /// Live `writable()` exports: writing and committing are refused.
    write_exports: AtomicUsize,
    /// Whether the reader's last blocking wait ended with a whole read's
    /// worth of bytes: then the next wait preallocates its result (see `read`).
    waits_fill_reads: AtomicBool,
    handoff: GilHandoff,
}

impl Buffer {
    /// Refuses use in a forked child, where the ring is not mapped.
    fn check_process(&self) -> PyResult<()> {
        if self.observer.in_creating_process() {
            Ok(())
        } else {
            Err(PyRuntimeError::new_err(
                "this Buffer was created before fork(); it is not mapped in the child process",
            ))
        }
    }

    /// The writer side (one thread at a time).
    fn writer(&self) -> PyResult<SideGuard<'_, Writer>> {
        self.check_process()?;
        self.producer.enter()
    }

    /// The reader side (one thread at a time).
    fn reader(&self) -> PyResult<SideGuard<'_, Reader>> {
        self.check_process()?;
        self.consumer.enter()
    }

    fn producing(&self) -> PyResult<SideGuard<'_, Writer>> {
        let producer = self.writer()?;
        if self.write_exports.load(Ordering::Acquire) != 0 {
            return Err(PyBufferError::new_err(
                "a writable() view is still exported; release it before writing or committing",
            ));
        }
        Ok(producer)
    }

    fn consuming(&self) -> PyResult<SideGuard<'_, Reader>> {
        let consumer = self.reader()?;
        if self.read_exports.load(Ordering::Acquire) != 0 {
            return Err(PyBufferError::new_err(
                "a read view (peek() or memoryview) is still exported; \
                 release it before consuming bytes",
            ));
        }
        Ok(consumer)
    }

    /// Consumes the first `take` readable bytes into a `bytes`: the writer's
    /// own object when they are exactly one lent `bytes`, otherwise a new one
    /// (long copies run with the GIL released).
    fn bytes_from_ring<'py>(
        &self,
        py: Python<'py>,
        reader: &mut Reader,
        take: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if let Some(lent) = reader.take_whole(take) {
            return Ok(lent.object.into_bound(py));
        }
        // Uninitialised, then filled by one copy per piece (`PyBytes::new_with`
        // would zero-fill it first: a second pass over the bytes).
        let (bytes, out) = uninit_bytes(py, take)?;
        if take < DETACH_COPY {
            copy_out_of_ring(reader, take, out);
        } else {
            self.handoff
                .detach(py, Role::Reader, || copy_out_of_ring(reader, take, out));
        }
        reader.settle(py);
        Ok(bytes)
    }

    fn view<'py>(
        slf: &Bound<'py, Self>,
        ptr: *const u8,
        len: usize,
        writable: bool,
    ) -> PyResult<Bound<'py, PyMemoryView>> {
        let exporter = Bound::new(
            slf.py(),
            BufferView {
                owner: slf.clone().unbind(),
                address: ptr as usize,
                len,
                writable,
                exported: AtomicBool::new(false),
            },
        )?;
        PyMemoryView::from(exporter.as_any())
    }
}

/// `n` as a count between 0 and `bound`, else the `ValueError` of
/// `method(n)` naming the bound (`bound_name=bound`).
fn count_up_to(n: i64, bound: usize, method: &str, bound_name: &str) -> PyResult<usize> {
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= bound)
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "{method}({n}): n must be between 0 and {bound_name}={bound}"
            ))
        })
}

fn ring_error(err: RingError) -> PyErr {
    match err {
        RingError::ZeroCapacity | RingError::CapacityTooLarge(_) => {
            PyValueError::new_err(err.to_string())
        }
        RingError::MirrorUnavailable(_) => PyOSError::new_err(err.to_string()),
        RingError::OutOfMemory(_) => PyMemoryError::new_err(err.to_string()),
    }
}

/// Resolves `start`/`end` like `bytes.find`; `None` when no match is possible.
/// A `bytes.find`-style bound: any integer (or `__index__` object), with
/// values beyond `isize` saturated rather than raising, as `bytes.find` does.
fn slice_index(bound: &Bound<'_, PyAny>) -> PyResult<isize> {
    match bound.extract::<isize>() {
        Ok(index) => Ok(index),
        Err(err) if err.is_instance_of::<pyo3::exceptions::PyOverflowError>(bound.py()) => {
            Ok(if bound.lt(0)? { isize::MIN } else { isize::MAX })
        }
        Err(err) => Err(err),
    }
}

fn search_window(
    len: usize,
    start: isize,
    end: Option<isize>,
    needle: usize,
) -> Option<(usize, usize)> {
    let len = len as isize;
    let clamp = |i: isize| if i < 0 { (i + len).max(0) } else { i };
    let start = clamp(start);
    let end = clamp(end.unwrap_or(len)).min(len);
    (end - start >= needle as isize).then_some((start as usize, end as usize))
}

#[pymethods]
impl Buffer {
    #[new]
    #[pyo3(signature = (capacity, *, mirrored = None))]
    fn new(capacity: i64, mirrored: Option<bool>) -> PyResult<Self> {
        let capacity = usize::try_from(capacity)
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| PyValueError::new_err("capacity must be a positive integer"))?;
        let mode = match mirrored {
            None => Mirroring::Auto,
            Some(true) => Mirroring::Required,
            Some(false) => Mirroring::Disabled,
        };
        let (producer, consumer) = ring(capacity, mode).map_err(ring_error)?;
        let observer = producer.observer();
        let (lend, lent) = slots(lend_slots(observer.capacity()));
        Ok(Buffer {
            producer: Side::new(Writer::new(producer, lend), "writer"),
            consumer: Side::new(Reader::new(consumer, lent), "reader"),
            observer,
            read_exports: AtomicUsize::new(0),
            write_exports: AtomicUsize::new(0),
            waits_fill_reads: AtomicBool::new(true),
            handoff: GilHandoff::new(),
        })
    }

    /// Usable bytes (page-rounded when mirrored).
    #[getter]
    fn capacity(&self) -> usize {
        self.observer.capacity()
    }

    /// True when the memory is one memfd mapped twice.
    #[getter]
    fn mirrored(&self) -> bool {
        self.observer.is_mirrored()
    }

    /// Bytes writable right now.
    #[getter]
    fn free(&self) -> usize {
        self.observer.free()
    }

    fn __len__(&self) -> usize {
        self.observer.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<octonaut.Buffer capacity={} mirrored={} len={}>",
            self.observer.capacity(),
            if self.observer.is_mirrored() {
                "True"
            } else {
                "False"
            },
            self.observer.len()
        )
    }

    /// Absolute stream offset of the next unread byte (bytes consumed so far).
    fn tell(&self) -> u64 {
        self.observer.consumed()
    }

    /// Appends all of `data` or nothing (raises `BufferFull`).
    #[pyo3(signature = (data, timeout = Some(0.0)), text_signature = "($self, data, timeout=0)")]
    fn write(&self, py: Python<'_>, data: &Bound<'_, PyAny>, timeout: Option<f64>) -> PyResult<()> {
        let (_owner, source) = source_of(data)?;
        let deadline = Deadline::from_timeout(timeout)?;
        let need = source.len;
        let capacity = self.observer.capacity();
        if need > capacity {
            return Err(errors::buffer_full(
                py,
                format!("cannot write {need} bytes: larger than the capacity of {capacity} bytes"),
            ));
        }
        let mut writer = self.producing()?;
        self.handoff.hold(Role::Writer);
        if need == 0 {
            return Ok(());
        }
        // An exact `bytes` (immutable, so a reference is as good as a copy)
        // long enough is lent to the ring rather than copied (see `ends`).
        let mut lent = match data.cast_exact::<PyBytes>() {
            Ok(bytes) if writer.lends(need) => Some(Lent {
                start: writer.ring.position(),
                len: need,
                data: source.ptr as usize,
                object: bytes.clone().unbind(),
            }),
            _ => None,
        };
        loop {
            let free = writer.ring.free();
            if free >= need {
                if let Some(item) = lent.take() {
                    match writer.lend(item) {
                        Ok(()) => return Ok(()),
                        Err(item) => drop(item), // the list is full: copy
                    }
                }
                if need < DETACH_COPY {
                    copy_into_ring(&mut writer.ring, source);
                } else {
                    let producer = &mut writer.ring;
                    self.handoff
                        .detach(py, Role::Writer, move || copy_into_ring(producer, source));
                }
                return Ok(());
            }
            let Some(slice) = deadline.next_slice() else {
                return Err(errors::buffer_full(
                    py,
                    format!("cannot write {need} bytes: only {free} of {capacity} bytes are free"),
                ));
            };
            let writer = &mut *writer;
            let pending = lent.take();
            // The GIL is released for the wait anyway: lend or copy before
            // taking it back, so a copy overlaps the reader's work at no extra
            // cost. An entry the list refused, or kept for the next slice,
            // comes back to be dropped or retried with the GIL.
            let (written, unused) = self.handoff.detach(py, Role::Writer, move || {
                if !writer.ring.wait_for_free(need, slice) {
                    return (false, pending);
                }
                let unused = match pending.map(|item| writer.lend(item)) {
                    Some(Ok(())) => return (true, None),
                    Some(Err(item)) => Some(item),
                    None => None,
                };
                copy_into_ring(&mut writer.ring, source);
                (true, unused)
            });
            if written {
                return Ok(());
            }
            lent = unused;
            py.check_signals()?;
        }
    }

    /// A writable memoryview over all free space (contiguous); then `commit(n)`.
    fn writable<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyMemoryView>> {
        let this = slf.get();
        let mut writer = this.writer()?;
        // Raw: earlier writable() views may still be written through (e.g. by
        // recv_into in another thread), so no `&mut [u8]` may cover them.
        let (ptr, len) = writer.ring.write_grant_raw();
        let view = Self::view(slf, ptr, len, true);
        drop(writer);
        view
    }

    /// Publishes `n` bytes written through `writable()`.
    fn commit(&self, n: i64) -> PyResult<()> {
        let mut writer = self.producing()?;
        let free = writer.ring.free();
        let n = count_up_to(n, free, "commit", "free")?;
        writer.ring.commit_and_notify(n);
        Ok(())
    }

    /// A read-only memoryview of the first `n` readable bytes (all if n < 0 or None).
    #[pyo3(signature = (n = None), text_signature = "($self, n=-1)")]
    fn peek<'py>(slf: &Bound<'py, Self>, n: Option<i64>) -> PyResult<Bound<'py, PyMemoryView>> {
        let n = n.unwrap_or(-1);
        let this = slf.get();
        let mut reader = this.reader()?;
        let (ptr, len) = reader.contiguous(slf.py());
        let len = usize::try_from(n).map_or(len, |n| n.min(len));
        let view = Self::view(slf, ptr, len, false);
        drop(reader);
        view
    }

    /// Reads and consumes up to `n` bytes (all readable if n < 0 or None, as io does).
    #[pyo3(signature = (n = None, timeout = Some(0.0)), text_signature = "($self, n=-1, timeout=0)")]
    fn read<'py>(
        &self,
        py: Python<'py>,
        n: Option<i64>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let n = n.unwrap_or(-1);
        let deadline = Deadline::from_timeout(timeout)?;
        let mut reader = self.consuming()?;
        self.handoff.hold(Role::Reader);
        reader.settle(py);
        let want = usize::try_from(n).ok();
        if want == Some(0) {
            return Ok(PyBytes::new(py, b""));
        }
        let len = reader.len();
        if len > 0 {
            let take = want.map_or(len, |w| w.min(len));
            return self.bytes_from_ring(py, &mut reader, take);
        }
        // Nothing readable: the wait releases the GIL. For a large read, the
        // result is allocated before waiting, so that if the arrival fills it
        // the copy runs before the GIL is taken back (overlapping the writer)
        // -- unless the last wait's arrival was too short to fill a read, or
        // was a lent `bytes` returned whole, which would waste the allocation.
        let target = want.map(|w| w.min(self.observer.capacity()));
        let early = match target {
            Some(t)
                if t >= PREALLOCATE_READ
                    && !matches!(deadline, Deadline::Now)
                    && self.waits_fill_reads.load(Ordering::Relaxed) =>
            {
                Some(uninit_bytes(py, t)?)
            }
            _ => None,
        };
        loop {
            let Some(slice) = deadline.next_slice() else {
                // Time is up; still return whatever arrived meanwhile.
                let len = reader.len();
                let take = want.map_or(len, |w| w.min(len));
                return self.bytes_from_ring(py, &mut reader, take);
            };
            let reader = &mut *reader;
            let out = early.as_ref().map(|(_, out)| *out);
            let waited = self.handoff.detach(py, Role::Reader, || {
                let len = reader.wait(slice);
                if len == 0 {
                    return Waited::NotYet;
                }
                if let Some(lent) = reader.take_whole(want.map_or(len, |w| w.min(len))) {
                    return Waited::Whole(lent);
                }
                match (target, out) {
                    (Some(t), Some(out)) if len >= t => {
                        copy_out_of_ring(reader, t, out);
                        Waited::Copied
                    }
                    _ => Waited::Ready,
                }
            });
            match waited {
                Waited::Whole(lent) => {
                    self.waits_fill_reads.store(false, Ordering::Relaxed);
                    return Ok(lent.object.into_bound(py));
                }
                Waited::Copied => {
                    self.waits_fill_reads.store(true, Ordering::Relaxed);
                    reader.settle(py);
                    let (bytes, _) = early.expect("Copied implies a preallocated result");
                    return Ok(bytes);
                }
                Waited::Ready => {
                    let len = reader.len();
                    let take = want.map_or(len, |w| w.min(len));
                    self.waits_fill_reads
                        .store(target.is_some_and(|t| len >= t), Ordering::Relaxed);
                    return self.bytes_from_ring(py, reader, take);
                }
                Waited::NotYet => py.check_signals()?,
            }
        }
    }

    /// Moves up to `len(b)` bytes into the writable buffer `b`; returns the
    /// count. With a timeout, waits (like `read`) for at least one byte.
    #[pyo3(signature = (b, timeout = Some(0.0)), text_signature = "($self, b, timeout=0)")]
    fn readinto(
        &self,
        py: Python<'_>,
        b: &Bound<'_, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<usize> {
        let deadline = Deadline::from_timeout(timeout)?;
        let target = PyUntypedBuffer::get(b)?;
        if target.readonly() {
            return Err(PyTypeError::new_err("readinto() argument must be writable"));
        }
        if !target.is_c_contiguous() {
            return Err(PyBufferError::new_err(
                "readinto() argument must be C-contiguous",
            ));
        }
        let room = target.len_bytes();
        let out = OutPtr(target.buf_ptr() as usize);
        let mut reader = self.consuming()?;
        self.handoff.hold(Role::Reader);
        reader.settle(py);
        if room == 0 {
            return Ok(0);
        }
        let len = reader.len();
        if len > 0 {
            let take = len.min(room);
            if take < DETACH_COPY {
                copy_out_of_ring(&mut reader, take, out);
            } else {
                let reader = &mut *reader;
                self.handoff
                    .detach(py, Role::Reader, || copy_out_of_ring(reader, take, out));
            }
            reader.settle(py);
            return Ok(take);
        }
        loop {
            let Some(slice) = deadline.next_slice() else {
                // Time is up; still move whatever arrived meanwhile.
                let take = reader.len().min(room);
                copy_out_of_ring(&mut reader, take, out);
                reader.settle(py);
                return Ok(take);
            };
            let reader = &mut *reader;
            // As in `read`: the copy follows the wait before the GIL returns.
            let moved = self.handoff.detach(py, Role::Reader, || {
                let take = reader.wait(slice).min(room);
                if take > 0 {
                    copy_out_of_ring(reader, take, out);
                }
                take
            });
            if moved > 0 {
                reader.settle(py);
                return Ok(moved);
            }
            py.check_signals()?;
        }
    }

    /// Consumes and returns one complete line including b"\n", or b"".
    #[pyo3(signature = (limit = None), text_signature = "($self, limit=-1)")]
    fn readline<'py>(&self, py: Python<'py>, limit: Option<i64>) -> PyResult<Bound<'py, PyBytes>> {
        let limit = limit.unwrap_or(-1);
        let mut reader = self.consuming()?;
        let (ptr, len) = reader.contiguous(py);
        // SAFETY: `contiguous` returned `len` readable bytes at `ptr`, ours
        // until consumed (which needs the reader, held here).
        let grant = unsafe { std::slice::from_raw_parts(ptr, len) };
        let limit = usize::try_from(limit).ok();
        let window = &grant[..limit.map_or(grant.len(), |l| l.min(grant.len()))];
        let take = match memchr::memchr(b'\n', window) {
            Some(i) => i + 1,
            None if limit == Some(window.len()) => window.len(),
            None => 0,
        };
        let line = PyBytes::new(py, &window[..take]);
        reader.discard(take);
        Ok(line)
    }

    /// Discards the next `n` readable bytes (ValueError if fewer are readable).
    fn skip(&self, py: Python<'_>, n: i64) -> PyResult<()> {
        let mut reader = self.consuming()?;
        let len = reader.len();
        let n = count_up_to(n, len, "skip", "len")?;
        reader.discard(n);
        reader.settle(py);
        Ok(())
    }

    /// Discards every readable byte.
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        let mut reader = self.consuming()?;
        let len = reader.len();
        reader.discard(len);
        reader.settle(py);
        Ok(())
    }

    /// Lowest index of `sub` in the readable bytes within [start, end), or -1.
    #[pyo3(signature = (sub, start = None, end = None), text_signature = "($self, sub, start=0, end=None)")]
    fn find(
        &self,
        py: Python<'_>,
        sub: &Bound<'_, PyAny>,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<isize> {
        let start = start.map(slice_index).transpose()?.unwrap_or(0);
        let end = end.map(slice_index).transpose()?;
        let single;
        let owned;
        let needle: &[u8] = if let Ok(bytes) = sub.cast::<PyBytes>() {
            bytes.as_bytes()
        } else if let Ok(byte) = sub.extract::<i64>() {
            single = [u8::try_from(byte)
                .map_err(|_| PyValueError::new_err("byte must be in range(0, 256)"))?];
            &single
        } else {
            let (_owner, source) = source_of(sub)?;
            let mut copy = vec![0u8; source.len];
            copy_bytes(py, source, copy.as_mut_ptr());
            owned = copy;
            &owned
        };
        let mut reader = self.reader()?;
        let (ptr, len) = reader.contiguous(py);
        // SAFETY: as in `readline`; the reader is held while `haystack` lives.
        let haystack = unsafe { std::slice::from_raw_parts(ptr, len) };
        let Some((from, to)) = search_window(haystack.len(), start, end, needle.len()) else {
            return Ok(-1);
        };
        let window = &haystack[from..to];
        let search = || match needle {
            [byte] => memchr::memchr(*byte, window),
            _ => memchr::memmem::find(window, needle),
        };
        let found = if window.len() >= DETACH_SEARCH {
            py.detach(search)
        } else {
            search()
        };
        Ok(found.map_or(-1, |i| (from + i) as isize))
    }

    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let mut reader = self.reader()?;
        let (ptr, len) = reader.contiguous(py);
        // SAFETY: as in `readline`; the reader is held while `readable` lives.
        let readable = unsafe { std::slice::from_raw_parts(ptr, len) };
        if let Ok(slice) = key.cast::<PySlice>() {
            let range = slice.indices(readable.len() as isize)?;
            let bytes = if range.step == 1 {
                let start = range.start as usize;
                PyBytes::new(py, &readable[start..start + range.slicelength])
            } else {
                let picked: Vec<u8> = (0..range.slicelength as isize)
                    .map(|k| readable[(range.start + k * range.step) as usize])
                    .collect();
                PyBytes::new(py, &picked)
            };
            return Ok(bytes.into_any().unbind());
        }
        let index: isize = match key.extract() {
            Ok(index) => index,
            Err(_) if key.cast::<PyInt>().is_ok() => {
                return Err(PyIndexError::new_err(
                    "cannot fit 'int' into an index-sized integer",
                ))
            }
            Err(_) => {
                return Err(PyTypeError::new_err(
                    "Buffer indices must be integers or slices",
                ))
            }
        };
        let len = readable.len() as isize;
        let resolved = if index < 0 { index + len } else { index };
        if !(0..len).contains(&resolved) {
            return Err(PyIndexError::new_err("Buffer index out of range"));
        }
        Ok(readable[resolved as usize]
            .into_pyobject(py)?
            .into_any()
            .unbind())
    }

    /// `memoryview(buf)`: a read-only view of every readable byte.
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let this = slf.get();
        let mut reader = this.reader()?;
        let (ptr, len) = reader.contiguous(slf.py());
        // SAFETY: `view` is the Py_buffer CPython passed to bf_getbuffer.
        unsafe {
            fill_view(
                view,
                slf.as_any(),
                ptr,
                len,
                false,
                flags,
                &this.read_exports,
            )
        }
    }

    unsafe fn __releasebuffer__(&self, _view: *mut ffi::Py_buffer) {
        self.read_exports.fetch_sub(1, Ordering::AcqRel);
    }
}

//! The copies between Python objects and the ring.
//!
//! Strategy: a copy takes raw pointers ([`Source`], [`OutPtr`]) whose memory
//! an object the calling frame holds keeps alive, so it can run with the GIL
//! released; the functions here are the only places that turn those pointers
//! into a `memcpy`, each with its own safety argument.

use octonaut_core::ring::Producer;
use pyo3::buffer::PyUntypedBuffer;
use pyo3::exceptions::{PyBufferError, PyMemoryError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::ends::{OutPtr, Reader};
use super::DETACH_COPY;

/// Bytes to copy from Python: kept alive by the owner the caller holds (a
/// `bytes` object or an exported `PyUntypedBuffer`).
#[derive(Clone, Copy)]
pub struct Source {
    pub ptr: *const u8,
    pub len: usize,
}

// SAFETY: a `Source` is only a pointer/length pair whose memory is pinned by
// an object the creating frame keeps alive for as long as the `Source` is used.
unsafe impl Send for Source {}

impl Source {
    /// # Safety
    /// `to` must be valid for `self.len` bytes of writes, not overlapping the
    /// source, and the source must still be pinned by its owner.
    pub unsafe fn copy_to(self, to: *mut u8) {
        // SAFETY: forwarded to the caller (see above).
        unsafe { std::ptr::copy_nonoverlapping(self.ptr, to, self.len) }
    }
}

/// The bytes of `data`. A `bytes` object is pinned by the caller's reference
/// to `data`; any other bytes-like object is pinned by the returned export,
/// which the caller must keep alive while it uses the `Source`.
pub fn source_of(data: &Bound<'_, PyAny>) -> PyResult<(Option<PyUntypedBuffer>, Source)> {
    if let Ok(bytes) = data.cast::<PyBytes>() {
        let slice = bytes.as_bytes();
        let source = Source {
            ptr: slice.as_ptr(),
            len: slice.len(),
        };
        return Ok((None, source));
    }
    let buffer = PyUntypedBuffer::get(data).map_err(|_| {
        PyTypeError::new_err(format!(
            "a bytes-like object is required, not '{}'",
            data.get_type()
                .name()
                .map_or_else(|_| "?".to_string(), |n| n.to_string())
        ))
    })?;
    if !buffer.is_c_contiguous() {
        return Err(PyBufferError::new_err("data must be C-contiguous"));
    }
    let source = Source {
        ptr: buffer.buf_ptr() as *const u8,
        len: buffer.len_bytes(),
    };
    Ok((Some(buffer), source))
}

/// Copies `len` bytes, with the GIL released when the copy is long.
pub fn copy_bytes(py: Python<'_>, from: Source, to: *mut u8) {
    let to = to as usize;
    let copy = move || {
        // SAFETY: `from` is pinned by its owner (see `Source`) and `to` points
        // at `from.len` bytes the caller owns exclusively (a ring grant or an
        // exported writable buffer); the two never overlap (ring memory is
        // never exported as a source while granted to us).
        unsafe { from.copy_to(to as *mut u8) }
    };
    if from.len >= DETACH_COPY {
        py.detach(copy);
    } else {
        copy();
    }
}

/// A new `bytes` of `len` bytes with unspecified contents, and the address
/// of its data. The caller fills all `len` bytes before any Python code can
/// see the object.
pub fn uninit_bytes(py: Python<'_>, len: usize) -> PyResult<(Bound<'_, PyBytes>, OutPtr)> {
    let size = ffi::Py_ssize_t::try_from(len)
        .map_err(|_| PyMemoryError::new_err("read size too large"))?;
    // SAFETY: a NULL source asks CPython for a new, uninitialised bytes object
    // of `size` bytes (documented API); we hold the GIL.
    let raw = unsafe { ffi::PyBytes_FromStringAndSize(std::ptr::null(), size) };
    // SAFETY: `raw` is a new reference, or NULL with an exception set.
    let object = unsafe { Bound::from_owned_ptr_or_err(py, raw)? };
    // SAFETY: PyBytes_FromStringAndSize returns a bytes object.
    let bytes = unsafe { object.cast_into_unchecked::<PyBytes>() };
    // SAFETY: `bytes` is a live bytes object; the pointer is to its data,
    // which stays put while we hold the object.
    let data = unsafe { ffi::PyBytes_AsString(bytes.as_ptr()) };
    Ok((bytes, OutPtr(data as usize)))
}

/// Copies `source` into the ring and publishes it; the caller checked that
/// `source.len` bytes are free.
pub fn copy_into_ring(producer: &mut Producer, source: Source) {
    let grant = producer.write_grant();
    debug_assert!(grant.len() >= source.len);
    // SAFETY: the grant holds at least `source.len` bytes the producer owns
    // exclusively; `source` is pinned by its owner (see `Source`) and is never
    // ring memory granted to us, so the ranges do not overlap.
    unsafe { source.copy_to(grant.as_mut_ptr()) };
    producer.commit_and_notify(source.len);
}

/// Copies the first `take` readable bytes to `out` and consumes them; the
/// caller checked that `take` bytes are readable and that `out` has room.
pub fn copy_out_of_ring(reader: &mut Reader, take: usize, out: OutPtr) {
    // SAFETY: `out` points at `take` writable bytes the caller owns
    // exclusively (a fresh bytes object or an exported writable buffer, see
    // `OutPtr`), which is neither ring memory (a read view of the ring is
    // never writable) nor a lent `bytes` (immutable, never exported
    // writable); the caller checked that `take` bytes are readable.
    unsafe { reader.copy_out(take, out) };
}

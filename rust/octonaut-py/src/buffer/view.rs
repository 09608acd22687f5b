//! Exporting ring memory through the buffer protocol.
//!
//! Strategy: `writable()` and `peek()` return memoryviews over a small
//! exporter object ([`BufferView`]) that holds a strong reference to its
//! Buffer, so a view keeps the ring mapped however long it lives; each export
//! is counted from `__getbuffer__` to `__releasebuffer__` in the Buffer's
//! `read_exports`/`write_exports`, which the consuming and committing methods
//! check (`BufferError`, as bytearray raises when resized under an export).

use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use pyo3::exceptions::PyBufferError;
use pyo3::ffi;
use pyo3::prelude::*;

use super::Buffer;

/// Fills `view` for `len` bytes at `ptr` exported by `exporter`, counting the
/// export in `exports` (decremented by the matching `__releasebuffer__`).
///
/// # Safety
/// `view` must be the valid `Py_buffer` CPython handed to `bf_getbuffer`, and
/// `ptr .. ptr + len` must stay valid while `exporter` lives.
pub(super) unsafe fn fill_view(
    view: *mut ffi::Py_buffer,
    exporter: &Bound<'_, PyAny>,
    ptr: *const u8,
    len: usize,
    writable: bool,
    flags: c_int,
    exports: &AtomicUsize,
) -> PyResult<()> {
    if flags & ffi::PyBUF_WRITABLE != 0 && !writable {
        return Err(PyBufferError::new_err(
            "this view is read-only (use Buffer.writable() to write)",
        ));
    }
    exports.fetch_add(1, Ordering::AcqRel);
    // SAFETY: `view` is valid (caller contract); the memory outlives the view
    // because `exporter` (which keeps the ring alive) is stored in view.obj
    // with a new reference by PyBuffer_FillInfo.
    let status = unsafe {
        ffi::PyBuffer_FillInfo(
            view,
            exporter.as_ptr(),
            ptr as *mut std::ffi::c_void,
            len as ffi::Py_ssize_t,
            c_int::from(!writable),
            flags,
        )
    };
    if status != 0 {
        exports.fetch_sub(1, Ordering::AcqRel);
        return Err(PyErr::fetch(exporter.py()));
    }
    Ok(())
}

/// The exporter behind `writable()` and `peek()` memoryviews: it owns a strong
/// reference to its Buffer, so the ring stays mapped while any view lives.
#[pyclass(frozen, module = "octonaut._octonaut", name = "_BufferView")]
pub struct BufferView {
    pub(super) owner: Py<Buffer>,
    pub(super) address: usize,
    pub(super) len: usize,
    pub(super) writable: bool,
    /// A BufferView describes one moment of the ring; it is exported once.
    pub(super) exported: AtomicBool,
}

#[pymethods]
impl BufferView {
    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let this = slf.get();
        if this.exported.swap(true, Ordering::AcqRel) {
            return Err(PyBufferError::new_err(
                "this Buffer view was already exported; call writable() or peek() again",
            ));
        }
        let owner = this.owner.get();
        let exports = if this.writable {
            &owner.write_exports
        } else {
            &owner.read_exports
        };
        // SAFETY: `view` is the Py_buffer CPython passed to bf_getbuffer; the
        // region stays mapped while `slf` (holding `owner`) lives.
        unsafe {
            fill_view(
                view,
                slf.as_any(),
                this.address as *const u8,
                this.len,
                this.writable,
                flags,
                exports,
            )
        }
    }

    unsafe fn __releasebuffer__(&self, _view: *mut ffi::Py_buffer) {
        let owner = self.owner.get();
        let exports = if self.writable {
            &owner.write_exports
        } else {
            &owner.read_exports
        };
        exports.fetch_sub(1, Ordering::AcqRel);
    }
}

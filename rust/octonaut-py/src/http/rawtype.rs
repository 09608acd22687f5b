//! Final Python classes declared on the C API, for objects made once per message.
//!
//! Strategy: `Py::new` on a pyclass costs about 290 instructions per object
//! (a `tp_new` slot lookup, `object_new` with an empty argument tuple, a free
//! list behind a mutex, a move of the Rust value into place) and PyO3's
//! `tp_dealloc` about 240 more (a trampoline that counts attachment in a
//! thread-local, catches panics and then frees through the free list). A
//! class that only carries read-only object attributes needs none of that:
//! it is a `#[repr(C)]` struct that starts with a `PyObject`, allocated with
//! `PyObject_Malloc` and `PyObject_Init`, with its fields written in place,
//! its attributes exposed as read-only struct members (`PyMemberDef`), and a
//! `tp_dealloc` that releases the fields and frees the memory. The classes
//! here are final and cannot be instantiated from Python, and they hold no
//! references back to anything that could hold them (only exact `bytes`,
//! `int`s, their own instances and a tuple of `bytes` pairs: never a bytes
//! subclass, whose `__dict__` could, nor a list a caller could reach), so
//! they stay out of the cycle collector as PyO3's frozen classes do. A class may keep a
//! [`FreeList`] of freed instances, as CPython does for its own hot types:
//! a pop or push of a pointer instead of `PyObject_Malloc`/`PyObject_Free`.
//! Slot functions written here
//! run Rust code through [`guarded`], which turns a `PyErr` or a panic into a
//! raised exception (no panic crosses the FFI boundary).

use std::cell::UnsafeCell;
use std::ffi::{c_int, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::PyType;

/// Creates a final, non-instantiable class named `name` (`"module.Class"`)
/// whose instances are `basicsize` bytes. `slots` must not include the
/// terminating entry. The slot, member and getset tables are leaked: CPython
/// keeps pointers into them for the life of the type, which is the life of
/// the process for a class made once at module initialisation.
pub(crate) fn create_type<'py>(
    py: Python<'py>,
    name: &'static CStr,
    basicsize: usize,
    mut slots: Vec<ffi::PyType_Slot>,
) -> PyResult<Bound<'py, PyType>> {
    slots.push(ffi::PyType_Slot {
        slot: 0,
        pfunc: std::ptr::null_mut(),
    });
    let slots: &'static mut [ffi::PyType_Slot] = Box::leak(slots.into_boxed_slice());
    let spec = Box::leak(Box::new(ffi::PyType_Spec {
        name: name.as_ptr(),
        basicsize: c_int::try_from(basicsize)
            .map_err(|_| pyo3::exceptions::PySystemError::new_err("class too large"))?,
        itemsize: 0,
        flags: (ffi::Py_TPFLAGS_DEFAULT
            | ffi::Py_TPFLAGS_DISALLOW_INSTANTIATION
            | ffi::Py_TPFLAGS_IMMUTABLETYPE) as _,
        slots: slots.as_mut_ptr(),
    }));
    // SAFETY: `spec` and everything it points to are leaked, so they outlive
    // the type; PyType_FromSpec returns a new reference or NULL with an
    // exception set.
    let type_object = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyType_FromSpec(spec))? };
    // SAFETY: PyType_FromSpec returns a type object.
    Ok(unsafe { type_object.cast_into_unchecked() })
}

/// A `PyType_Slot` entry.
pub(crate) fn slot(slot: c_int, pfunc: *mut c_void) -> ffi::PyType_Slot {
    ffi::PyType_Slot { slot, pfunc }
}

/// A leaked, NULL-terminated member table for [`create_type`].
pub(crate) fn members(entries: &[(&'static CStr, usize, &'static CStr)]) -> *mut c_void {
    let mut table: Vec<ffi::PyMemberDef> = entries
        .iter()
        .map(|&(name, offset, doc)| ffi::PyMemberDef {
            name: name.as_ptr(),
            type_code: ffi::Py_T_OBJECT_EX,
            offset: offset as ffi::Py_ssize_t,
            flags: ffi::Py_READONLY,
            doc: doc.as_ptr(),
        })
        .collect();
    table.push(ffi::PyMemberDef::default());
    Box::leak(table.into_boxed_slice()).as_mut_ptr().cast()
}

/// A leaked, NULL-terminated table of read-only properties for [`create_type`].
pub(crate) fn getters(entries: &[(&'static CStr, ffi::getter, &'static CStr)]) -> *mut c_void {
    let mut table: Vec<ffi::PyGetSetDef> = entries
        .iter()
        .map(|&(name, get, doc)| ffi::PyGetSetDef {
            name: name.as_ptr(),
            get: Some(get),
            set: None,
            doc: doc.as_ptr(),
            closure: std::ptr::null_mut(),
        })
        .collect();
    table.push(ffi::PyGetSetDef::default());
    Box::leak(table.into_boxed_slice()).as_mut_ptr().cast()
}

/// Allocates an instance of `type_object` (a class from [`create_type`]
/// whose instances are a `T`, a `#[repr(C)]` struct starting with
/// `PyObject`, possibly followed by a tail the class manages itself) of
/// `size` bytes. The returned memory has its header set (type and a
/// reference count of one) and every other byte uninitialised: the caller
/// writes each field before the object is used or released.
///
/// # Safety
/// `type_object` must be a class made by [`create_type`] for such
/// instances, `size` at least `size_of::<T>()`, and the thread must be
/// attached to the interpreter.
pub(crate) unsafe fn alloc_sized<T>(
    type_object: *mut ffi::PyTypeObject,
    size: usize,
) -> PyResult<*mut T> {
    debug_assert!(size >= size_of::<T>());
    // SAFETY: attached (caller); PyObject_Malloc returns NULL or memory
    // suitably aligned for any object struct.
    let memory = unsafe { ffi::PyObject_Malloc(size) };
    if memory.is_null() {
        return Err(pyo3::exceptions::PyMemoryError::new_err(()));
    }
    // SAFETY: `memory` is large enough for a PyObject header; PyObject_Init
    // sets the type (taking a reference to the heap type) and the refcount.
    unsafe { ffi::PyObject_Init(memory.cast(), type_object) };
    Ok(memory.cast())
}

/// How many freed instances a [`FreeList`] keeps.
const FREE_LIST_LEN: usize = 64;

/// Freed instances of one class, all of one allocation size, kept for the
/// next allocation of that class (CPython keeps such lists for its tuples,
/// floats and frames).
///
/// Only touched while attached to the interpreter, and the interpreter lock
/// then serialises every access, as there is one lock for every interpreter
/// that can load the module: a free-threaded build does not load abi3
/// extensions, an interpreter with its own lock (3.12+) refuses a
/// single-phase-init module such as this one, and a legacy subinterpreter
/// (which may get the module, copied from the first import without running
/// PyO3's init again) shares the main interpreter's lock and allocator.
pub(crate) struct FreeList {
    /// `len` blocks of memory from `PyObject_Malloc`, none of them objects.
    slots: UnsafeCell<[*mut c_void; FREE_LIST_LEN]>,
    len: UnsafeCell<usize>,
}

// SAFETY: see the type's doc: every access happens under the interpreter
// lock, which makes the accesses sequential across threads.
unsafe impl Sync for FreeList {}

impl FreeList {
    pub(crate) const fn new() -> Self {
        FreeList {
            slots: UnsafeCell::new([std::ptr::null_mut(); FREE_LIST_LEN]),
            len: UnsafeCell::new(0),
        }
    }

    /// # Safety
    /// Attached to the interpreter (see the type's doc).
    unsafe fn pop(&self) -> Option<*mut c_void> {
        // SAFETY: exclusive access under the interpreter lock (caller); the
        // first `len` slots hold blocks.
        unsafe {
            let len = &mut *self.len.get();
            if *len == 0 {
                return None;
            }
            *len -= 1;
            Some((*self.slots.get())[*len])
        }
    }

    /// Keeps `memory`, or returns false when the list is full.
    ///
    /// # Safety
    /// Attached to the interpreter (see the type's doc).
    unsafe fn push(&self, memory: *mut c_void) -> bool {
        // SAFETY: exclusive access under the interpreter lock (caller).
        unsafe {
            let len = &mut *self.len.get();
            if *len == FREE_LIST_LEN {
                return false;
            }
            (*self.slots.get())[*len] = memory;
            *len += 1;
            true
        }
    }
}

/// Like [`alloc_sized`], reusing a block from `list` when it has one. Every
/// block in `list` has exactly `size` bytes.
///
/// # Safety
/// As for [`alloc_sized`]; `size` must be the block size of every
/// allocation made through `list`.
pub(crate) unsafe fn alloc_from<T>(
    list: &FreeList,
    type_object: *mut ffi::PyTypeObject,
    size: usize,
) -> PyResult<*mut T> {
    // SAFETY: attached (caller), so the list may be used.
    match unsafe { list.pop() } {
        Some(memory) => {
            // SAFETY: `memory` is a released block of `size` bytes from
            // PyObject_Malloc (see `free_to`); PyObject_Init makes it an
            // object header again, as in `alloc_sized`.
            unsafe { ffi::PyObject_Init(memory.cast(), type_object) };
            Ok(memory.cast())
        }
        // SAFETY: forwarded from the caller.
        None => unsafe { alloc_sized(type_object, size) },
    }
}

/// Frees an instance whose fields were already released, keeping its block
/// in `list` when given and not full, and drops the reference it held to
/// its (heap) type.
///
/// # Safety
/// `object` must be unreachable, come from [`alloc_sized`] or
/// [`alloc_from`] (with `list`'s block size when `list` is given), and the
/// thread must be attached to the interpreter.
pub(crate) unsafe fn free_to(object: *mut ffi::PyObject, list: Option<&FreeList>) {
    // SAFETY: `object` is a live object header (caller), so its type is a
    // live heap type that the instance holds one reference to; the block
    // came from PyObject_Malloc, and a block kept in the list is no longer
    // an object.
    unsafe {
        let type_object = ffi::Py_TYPE(object);
        if !list.is_some_and(|list| list.push(object.cast())) {
            ffi::PyObject_Free(object.cast());
        }
        ffi::Py_DecRef(type_object.cast());
    }
}

/// Runs the body of a slot function called by the interpreter. An error is
/// raised as the current exception and a panic as a `PanicException`; both
/// then return `failed`, the slot's error value.
///
/// Inside `body`, PyO3 does not count the thread as attached (no PyO3
/// trampoline ran), so the body should release objects through `Bound` (an
/// immediate decref) rather than drop `Py` handles (which PyO3 would then
/// queue for its next trampoline instead).
///
/// # Safety
/// Must only be called from a slot function, i.e. with the thread attached.
pub(crate) unsafe fn guarded<R>(failed: R, body: impl FnOnce(Python<'_>) -> PyResult<R>) -> R {
    // SAFETY: slot functions run with the thread attached (caller).
    let py = unsafe { Python::assume_attached() };
    match catch_unwind(AssertUnwindSafe(|| body(py))) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            err.restore(py);
            failed
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic in a slot function".to_owned());
            PanicException::new_err(message).restore(py);
            failed
        }
    }
}

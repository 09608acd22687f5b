//! `Headers`: a message's fields as a case-insensitive multimap, in wire order.
//!
//! Strategy: one `Headers` is made for every message, so it is a C-API class
//! ([`rawtype`](super::rawtype)) rather than a pyclass: one block that holds
//! the fixed part and the span table after it (16 bytes per field, written
//! in place), taken from and returned to a free list for up to 16 fields
//! (nearly every message) and sized exactly beyond. It keeps a
//! reference to the `bytes` its spans index into together with that buffer's
//! address and length (a `bytes` never moves or changes), so a lookup reads
//! the names without a call. Lookups scan the span table linearly with an
//! ASCII case-insensitive compare that rejects on length first, which beats
//! hashing for the few fields a message has (`max_headers` bounds it); a
//! `str` or `bytes` key is read in place, without a conversion. Values are
//! made only when touched; the `(name, value)` tuple that iteration walks is
//! made on first use and kept.

use std::ffi::{c_int, c_void, CStr};
use std::ptr;

use octonaut_core::http::message::{Field, Span};
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyByteArray, PyBytes, PyList, PyMemoryView, PyModule, PyString, PyTuple, PyType,
};

use super::message::{bytes_of, name_bytes, LazyObject};
use super::rawtype::{self, guarded};

/// The fixed part of a `Headers` instance; `len` fields follow it.
#[repr(C)]
struct HeadersObject {
    header: ffi::PyObject,
    /// A strong reference to the `bytes` the spans index into.
    area_bytes: *mut ffi::PyObject,
    /// The record's byte area: a view into `area_bytes`' buffer.
    area_ptr: *const u8,
    area_len: usize,
    /// The `(name, value)` pairs as a tuple, made on first iteration. A
    /// tuple, not a list: iterators hand out what they iterate
    /// (`iter(h).__reduce__()`), and a list could then be changed, or made
    /// to hold the `Headers` itself, a cycle the collector cannot see (this
    /// class is not a GC type).
    items: LazyObject,
    len: usize,
    /// Whether the block has room for [`POOLED_FIELDS`] fields and goes back
    /// to [`FREE_HEADERS`] when freed.
    pooled: bool,
}

/// Byte offset of the span table in a `Headers` instance.
const FIELDS_AT: usize = size_of::<HeadersObject>();
const _: () = assert!(FIELDS_AT % align_of::<Field>() == 0);

static HEADERS_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Headers of up to this many fields (nearly all) get a block of one size,
/// kept in [`FREE_HEADERS`] when freed; longer ones get an exact allocation.
const POOLED_FIELDS: usize = 16;
const POOLED_SIZE: usize = FIELDS_AT + POOLED_FIELDS * size_of::<Field>();

/// Freed `Headers` blocks of [`POOLED_SIZE`] bytes.
static FREE_HEADERS: rawtype::FreeList = rawtype::FreeList::new();

/// A live `Headers` instance, borrowed for the length of a slot call.
#[derive(Clone, Copy)]
struct View<'a> {
    area: &'a [u8],
    fields: &'a [Field],
    items: &'a LazyObject,
}

impl<'a> View<'a> {
    /// # Safety
    /// `object` must be a live `Headers` instance (made by [`new_headers`]).
    unsafe fn of(object: *mut ffi::PyObject) -> View<'a> {
        let fixed = object.cast::<HeadersObject>();
        // SAFETY: `new_headers` wrote the fixed part and `len` fields after
        // it in the same allocation; the area points into a `bytes` buffer
        // this object keeps alive, which never changes.
        unsafe {
            View {
                area: std::slice::from_raw_parts((*fixed).area_ptr, (*fixed).area_len),
                fields: std::slice::from_raw_parts(
                    object.cast::<u8>().add(FIELDS_AT).cast::<Field>(),
                    (*fixed).len,
                ),
                items: &(*fixed).items,
            }
        }
    }

    fn first(&self, name: &[u8]) -> Option<Span> {
        self.fields
            .iter()
            .find(|f| same_name(self.bytes(f.name), name))
            .map(|f| f.value)
    }

    /// The bytes of `span` (spans come from the collector and always lie in
    /// the area; this never panics either way, so slot fast paths may use it).
    #[inline]
    fn bytes(&self, span: Span) -> &'a [u8] {
        self.area
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    fn items_tuple<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.items.get_or_make(py, || {
            let area = self.area;
            let len = self.fields.len() as ffi::Py_ssize_t;
            // SAFETY: PyTuple_New returns a new reference, or NULL with an
            // exception set; its slots start NULL, which dealloc tolerates if
            // we bail out half-way.
            let tuple = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyTuple_New(len))? };
            for (index, field) in self.fields.iter().enumerate() {
                let name = name_bytes(py, field.name.of(area)).into_bound(py);
                let value = bytes_of(py, field.value.of(area)).into_bound(py);
                // SAFETY: PyTuple_Pack takes `n` object pointers (alive here,
                // held by `name` and `value`) and returns a new tuple holding
                // its own references, or NULL with an exception set. One call
                // is cheaper than PyTuple_New and two checked SetItems.
                let pair = unsafe {
                    Bound::from_owned_ptr_or_err(
                        py,
                        ffi::PyTuple_Pack(2, name.as_ptr(), value.as_ptr()),
                    )?
                };
                // SAFETY: `tuple` is a fresh tuple of `len` slots, referenced
                // only here, and `index < len`; SetItem steals the reference
                // `into_ptr` hands over, and cannot fail for an in-range
                // index of such a tuple.
                unsafe {
                    ffi::PyTuple_SetItem(tuple.as_ptr(), index as ffi::Py_ssize_t, pair.into_ptr());
                }
            }
            // SAFETY: `tuple` came from PyTuple_New.
            Ok(unsafe { tuple.cast_into_unchecked::<PyTuple>() })
        })
    }
}

/// ASCII case-insensitive equality, rejecting on length first. Equal bytes
/// (most of them, as lookups mostly differ from the wire in the case of a
/// letter or two) cost one compare; only unequal ones are checked for being
/// the two cases of one letter.
#[inline]
fn same_name(name: &[u8], key: &[u8]) -> bool {
    name.len() == key.len()
        && name
            .iter()
            .zip(key)
            .all(|(&a, &b)| a == b || (a ^ b == 0x20 && (a | 0x20).wrapping_sub(b'a') < 26))
}

/// The bytes a header-name argument stands for: `str` and `bytes` are read
/// in place, other bytes-likes are copied. `None` for any other type.
///
/// # Safety
/// `key` must be a live object; the returned slice borrows its buffer (or
/// its cached UTF-8), so it must not outlive `key`'s reference.
unsafe fn key_bytes<'k>(
    py: Python<'_>,
    key: *mut ffi::PyObject,
) -> PyResult<Option<std::borrow::Cow<'k, [u8]>>> {
    // SAFETY: `key` is live (caller). An exact `str` has a UTF-8 form kept
    // with it (for ASCII, its own buffer) and an exact `bytes` an immutable
    // buffer, both valid as long as the object.
    unsafe {
        if ffi::PyUnicode_CheckExact(key) != 0 {
            let mut len: ffi::Py_ssize_t = 0;
            let data = ffi::PyUnicode_AsUTF8AndSize(key, &mut len);
            if data.is_null() {
                return Err(PyErr::fetch(py));
            }
            return Ok(Some(std::borrow::Cow::Borrowed(
                std::slice::from_raw_parts(data.cast::<u8>(), len as usize),
            )));
        }
        if ffi::PyBytes_CheckExact(key) != 0 {
            let data = ffi::PyBytes_AsString(key);
            let len = ffi::PyBytes_Size(key);
            return Ok(Some(std::borrow::Cow::Borrowed(
                std::slice::from_raw_parts(data.cast::<u8>(), len as usize),
            )));
        }
        let key = Bound::from_borrowed_ptr(py, key);
        if let Ok(text) = key.cast::<PyString>() {
            return Ok(Some(std::borrow::Cow::Owned(
                text.to_str()?.as_bytes().to_vec(),
            )));
        }
        // Other binary keys (a bytes subclass, bytearray, a byte memoryview)
        // are copied; a list of ints is not a name, though PyO3 would
        // extract one into a Vec<u8>.
        if let Ok(bytes) = key.cast::<PyBytes>() {
            return Ok(Some(std::borrow::Cow::Owned(bytes.as_bytes().to_vec())));
        }
        if let Ok(array) = key.cast::<PyByteArray>() {
            return Ok(Some(std::borrow::Cow::Owned(array.to_vec())));
        }
        if key.cast::<PyMemoryView>().is_ok() {
            if let Ok(buffer) = PyBuffer::<u8>::get(&key) {
                return Ok(Some(std::borrow::Cow::Owned(buffer.to_vec(py)?)));
            }
        }
        Ok(None)
    }
}

/// Like [`key_bytes`], raising TypeError for an unsupported key type.
///
/// # Safety
/// As for [`key_bytes`].
unsafe fn name_arg<'k>(
    py: Python<'_>,
    key: *mut ffi::PyObject,
) -> PyResult<std::borrow::Cow<'k, [u8]>> {
    // SAFETY: forwarded from the caller.
    unsafe { key_bytes(py, key) }?
        .ok_or_else(|| PyTypeError::new_err("header names are str or bytes"))
}

/// A new `Headers` over `fields` whose spans index into the same area as
/// those of `headers` (a message's trailers, next to its headers).
///
/// # Safety
/// `headers` must be a live `Headers` instance.
pub(crate) unsafe fn new_headers_beside<'py>(
    py: Python<'py>,
    headers: *mut ffi::PyObject,
    fields: &[Field],
) -> PyResult<Bound<'py, PyAny>> {
    let fixed = headers.cast::<HeadersObject>();
    // SAFETY: `headers` is a live Headers (caller): its area is a view into
    // the live `bytes` it references, which the new object references too.
    unsafe {
        let bytes = Bound::from_borrowed_ptr(py, (*fixed).area_bytes).cast_into_unchecked();
        new_headers_over(py, bytes, ((*fixed).area_ptr, (*fixed).area_len), fields)
    }
}

/// A new `Headers` over `fields`, whose spans index into `view`, a range of
/// the buffer of `bytes` (which the new object keeps).
///
/// # Safety
/// `view` (address and length) must lie in the buffer of `bytes`.
pub(crate) unsafe fn new_headers_over<'py>(
    py: Python<'py>,
    bytes: Bound<'py, PyBytes>,
    view: (*const u8, usize),
    fields: &[Field],
) -> PyResult<Bound<'py, PyAny>> {
    let class = HEADERS_TYPE.get(py).ok_or_else(|| {
        pyo3::exceptions::PySystemError::new_err("octonaut.http is not initialised")
    })?;
    let class = class.as_ptr().cast();
    let pooled = fields.len() <= POOLED_FIELDS;
    // SAFETY: `class` is the Headers class, made by `register` for instances
    // of a `HeadersObject` followed by fields; either size covers both, and
    // every block in FREE_HEADERS has POOLED_SIZE bytes.
    let object = unsafe {
        if pooled {
            rawtype::alloc_from::<HeadersObject>(&FREE_HEADERS, class, POOLED_SIZE)?
        } else {
            rawtype::alloc_sized::<HeadersObject>(class, FIELDS_AT + size_of_val(fields))?
        }
    };
    // SAFETY: `object` is a fresh allocation of `size` bytes with its header
    // set; this writes the fixed part and then the span table after it, and
    // hands the only reference to the returned Bound.
    unsafe {
        (&raw mut (*object).area_ptr).write(view.0);
        (&raw mut (*object).area_len).write(view.1);
        (&raw mut (*object).items).write(LazyObject::new());
        (&raw mut (*object).len).write(fields.len());
        (&raw mut (*object).pooled).write(pooled);
        (&raw mut (*object).area_bytes).write(bytes.into_ptr());
        ptr::copy_nonoverlapping(
            fields.as_ptr(),
            object.cast::<u8>().add(FIELDS_AT).cast::<Field>(),
            fields.len(),
        );
        Ok(Bound::from_owned_ptr(py, object.cast()))
    }
}

/// The number of fields of `object`.
///
/// # Safety
/// `object` must be a live `Headers` instance.
pub(crate) unsafe fn header_count(object: *mut ffi::PyObject) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { (*object.cast::<HeadersObject>()).len }
}

unsafe extern "C" fn headers_dealloc(object: *mut ffi::PyObject) {
    let fixed = object.cast::<HeadersObject>();
    // SAFETY: called once by the interpreter, attached, on an unreachable
    // instance made by `new_headers`: release what it owns, then its memory.
    unsafe {
        ptr::drop_in_place(&raw mut (*fixed).items);
        ffi::Py_DecRef((*fixed).area_bytes);
        let list = (*fixed).pooled.then_some(&FREE_HEADERS);
        rawtype::free_to(object, list);
    }
}

unsafe extern "C" fn headers_len(object: *mut ffi::PyObject) -> ffi::Py_ssize_t {
    // SAFETY: a slot of the Headers class, called on an instance.
    unsafe { header_count(object) as ffi::Py_ssize_t }
}

unsafe extern "C" fn headers_getitem(
    object: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: a slot of the Headers class, called attached on an instance
    // with a live key. The fast path (an exact `str` key that is present,
    // as in `h["host"]`) calls nothing that can panic; it reads the key's
    // UTF-8 form (kept with the str) and returns a new bytes or NULL with an
    // exception set. Everything else goes through the guarded general path.
    unsafe {
        if ffi::PyUnicode_CheckExact(key) != 0 {
            let mut len: ffi::Py_ssize_t = 0;
            let data = ffi::PyUnicode_AsUTF8AndSize(key, &mut len);
            if !data.is_null() {
                let name = std::slice::from_raw_parts(data.cast::<u8>(), len as usize);
                let view = View::of(object);
                if let Some(span) = view.first(name) {
                    let value = view.bytes(span);
                    return ffi::PyBytes_FromStringAndSize(
                        value.as_ptr().cast(),
                        value.len() as ffi::Py_ssize_t,
                    );
                }
            } else {
                ffi::PyErr_Clear();
            }
        }
        headers_getitem_general(object, key)
    }
}

/// `h[key]` for any key: other key types, missing names (KeyError), and
/// a `str` that has no UTF-8 form (the error is raised again here).
///
/// # Safety
/// As for `headers_getitem`.
#[cold]
#[inline(never)]
unsafe fn headers_getitem_general(
    object: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: forwarded from the slot (attached, live instance and key).
    unsafe {
        guarded(ptr::null_mut(), |py| {
            let view = View::of(object);
            let name = name_arg(py, key)?;
            match view.first(&name) {
                Some(span) => Ok(bytes_of(py, span.of(view.area)).into_ptr()),
                None => {
                    let args = PyTuple::new(py, [Bound::from_borrowed_ptr(py, key)])?;
                    ffi::PyErr_SetObject(ffi::PyExc_KeyError, args.as_ptr());
                    Ok(ptr::null_mut())
                }
            }
        })
    }
}

unsafe extern "C" fn headers_contains(
    object: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
) -> c_int {
    // SAFETY: a slot of the Headers class, called attached on an instance
    // with a live key.
    unsafe {
        guarded(-1, |py| {
            let view = View::of(object);
            Ok(match key_bytes(py, key)? {
                Some(name) => view.first(&name).is_some() as c_int,
                None => 0,
            })
        })
    }
}

unsafe extern "C" fn headers_iter(object: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: a slot of the Headers class, called attached on an instance.
    unsafe {
        guarded(ptr::null_mut(), |py| {
            let items = View::of(object).items_tuple(py)?;
            Ok(items.try_iter()?.into_ptr())
        })
    }
}

unsafe extern "C" fn headers_repr(object: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: a slot of the Headers class, called attached on an instance.
    unsafe {
        guarded(ptr::null_mut(), |py| {
            let items = View::of(object).items_tuple(py)?;
            let text = format!("Headers({})", PyList::new(py, items.iter())?.repr()?);
            Ok(PyString::new(py, &text).into_ptr())
        })
    }
}

unsafe extern "C" fn headers_richcompare(
    object: *mut ffi::PyObject,
    other: *mut ffi::PyObject,
    op: c_int,
) -> *mut ffi::PyObject {
    // SAFETY: a slot of the Headers class, called attached on an instance
    // and a live `other` (a Headers when its type is the class).
    unsafe {
        guarded(ptr::null_mut(), |_py| {
            let is_headers = ffi::Py_TYPE(other) == ffi::Py_TYPE(object);
            if !is_headers || (op != ffi::Py_EQ && op != ffi::Py_NE) {
                return Ok(ffi::Py_NewRef(ffi::Py_NotImplemented()));
            }
            let (a, b) = (View::of(object), View::of(other));
            let equal = a.fields.len() == b.fields.len()
                && a.fields.iter().zip(b.fields.iter()).all(|(x, y)| {
                    x.name.of(a.area) == y.name.of(b.area)
                        && x.value.of(a.area) == y.value.of(b.area)
                });
            let result = if (op == ffi::Py_EQ) == equal {
                ffi::Py_True()
            } else {
                ffi::Py_False()
            };
            Ok(ffi::Py_NewRef(result))
        })
    }
}

/// `h.get(name, default=None)`: the first value of `name`, or `default`.
unsafe extern "C" fn headers_get(
    object: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: a METH_FASTCALL | METH_KEYWORDS method of the Headers class:
    // `args` holds `nargs` positional then the keyword values named by the
    // `kwnames` tuple (or NULL), all live for the call.
    unsafe {
        guarded(ptr::null_mut(), |py| {
            let mut slots: [*mut ffi::PyObject; 2] = [ptr::null_mut(); 2];
            let nargs = nargs as usize;
            if nargs > 2 {
                return Err(PyTypeError::new_err(format!(
                    "get() takes at most 2 arguments ({nargs} given)"
                )));
            }
            slots[..nargs].copy_from_slice(std::slice::from_raw_parts(args, nargs));
            if !kwnames.is_null() {
                let names = Bound::from_borrowed_ptr(py, kwnames).cast_into_unchecked::<PyTuple>();
                for (i, keyword) in names.iter().enumerate() {
                    let at = match keyword.cast::<PyString>()?.to_str()? {
                        "name" => 0,
                        "default" => 1,
                        other => {
                            return Err(PyTypeError::new_err(format!(
                                "get() got an unexpected keyword argument '{other}'"
                            )))
                        }
                    };
                    if !slots[at].is_null() {
                        return Err(PyTypeError::new_err(
                            "get() got multiple values for one argument",
                        ));
                    }
                    slots[at] = *args.add(nargs + i);
                }
            }
            if slots[0].is_null() {
                return Err(PyTypeError::new_err(
                    "get() missing required argument 'name'",
                ));
            }
            let view = View::of(object);
            let name = name_arg(py, slots[0])?;
            Ok(match view.first(&name) {
                Some(span) => bytes_of(py, span.of(view.area)).into_ptr(),
                None if slots[1].is_null() => ffi::Py_NewRef(ffi::Py_None()),
                None => ffi::Py_NewRef(slots[1]),
            })
        })
    }
}

/// Declares a method of the Headers class: `METH_O` (`$arg` is the
/// argument) or `METH_NOARGS` (`$arg` is unused); `$body` runs under
/// `guarded` with `$view`, the instance's fields over its area.
macro_rules! headers_method {
    ($(#[$doc:meta])* $name:ident($py:ident, $view:ident, $arg:ident) $body:block) => {
        $(#[$doc])*
        unsafe extern "C" fn $name(
            object: *mut ffi::PyObject,
            $arg: *mut ffi::PyObject,
        ) -> *mut ffi::PyObject {
            // SAFETY: a method of the Headers class, called attached on an
            // instance, with a live argument (METH_O) or NULL (METH_NOARGS).
            unsafe {
                guarded(ptr::null_mut(), |$py| {
                    let $view = View::of(object);
                    $body
                })
            }
        }
    };
}

headers_method! {
    /// `h.getall(name)`: every value of `name`, in wire order.
    headers_getall(py, view, key) {
        let name = name_arg(py, key)?;
        let values = view
            .fields
            .iter()
            .filter(|f| same_name(f.name.of(view.area), &name))
            .map(|f| bytes_of(py, f.value.of(view.area)));
        Ok(PyList::new(py, values)?.into_ptr())
    }
}

headers_method! {
    /// `h.items()`: `(name, value)` pairs in wire order (a new list).
    headers_items(py, view, _unused) {
        Ok(PyList::new(py, view.items_tuple(py)?.iter())?.into_ptr())
    }
}

headers_method! {
    /// `h.keys()`: the field names in wire order (repeated names repeat).
    headers_keys(py, view, _unused) {
        let names = view.fields.iter().map(|f| name_bytes(py, f.name.of(view.area)));
        Ok(PyList::new(py, names)?.into_ptr())
    }
}

headers_method! {
    /// `h.values()`: the field values in wire order.
    headers_values(py, view, _unused) {
        let values = view.fields.iter().map(|f| bytes_of(py, f.value.of(view.area)));
        Ok(PyList::new(py, values)?.into_ptr())
    }
}

fn method(
    name: &'static CStr,
    meth: ffi::PyMethodDefPointer,
    flags: c_int,
    doc: &'static CStr,
) -> ffi::PyMethodDef {
    ffi::PyMethodDef {
        ml_name: name.as_ptr(),
        ml_meth: meth,
        ml_flags: flags,
        ml_doc: doc.as_ptr(),
    }
}

/// Adds the `Headers` class to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let class = HEADERS_TYPE.get_or_try_init(py, || {
        let noargs = |f: ffi::PyCFunction| ffi::PyMethodDefPointer { PyCFunction: f };
        let methods: &'static mut [ffi::PyMethodDef] = Box::leak(Box::new([
            method(
                c"get",
                ffi::PyMethodDefPointer {
                    PyCFunctionFastWithKeywords: headers_get,
                },
                ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
                c"get($self, name, default=None)\n--\n\nThe first value of `name`, or `default`.",
            ),
            method(
                c"getall",
                noargs(headers_getall),
                ffi::METH_O,
                c"getall($self, name)\n--\n\nEvery value of `name`, in wire order (an empty list if absent).",
            ),
            method(
                c"items",
                noargs(headers_items),
                ffi::METH_NOARGS,
                c"items($self)\n--\n\n`(name, value)` pairs in wire order (a new list).",
            ),
            method(
                c"keys",
                noargs(headers_keys),
                ffi::METH_NOARGS,
                c"keys($self)\n--\n\nField names in wire order (repeated names repeat).",
            ),
            method(
                c"values",
                noargs(headers_values),
                ffi::METH_NOARGS,
                c"values($self)\n--\n\nField values in wire order.",
            ),
            ffi::PyMethodDef::zeroed(),
        ]));
        let slots = vec![
            rawtype::slot(
                ffi::Py_tp_doc,
                c"A case-insensitive multimap of header (or trailer) fields, in wire order.\n\n`h[\"host\"]` / `h[b\"Host\"]` give the first value (KeyError if absent), `h.get(name, default=None)`, `h.getall(name)` every value, iteration yields `(name, value)` bytes pairs. Values are created when touched."
                    .as_ptr() as *mut c_void,
            ),
            rawtype::slot(ffi::Py_tp_dealloc, headers_dealloc as *mut c_void),
            rawtype::slot(ffi::Py_mp_length, headers_len as *mut c_void),
            rawtype::slot(ffi::Py_sq_length, headers_len as *mut c_void),
            rawtype::slot(ffi::Py_mp_subscript, headers_getitem as *mut c_void),
            rawtype::slot(ffi::Py_sq_contains, headers_contains as *mut c_void),
            rawtype::slot(ffi::Py_tp_iter, headers_iter as *mut c_void),
            rawtype::slot(ffi::Py_tp_repr, headers_repr as *mut c_void),
            rawtype::slot(ffi::Py_tp_richcompare, headers_richcompare as *mut c_void),
            rawtype::slot(ffi::Py_tp_methods, methods.as_mut_ptr().cast()),
        ];
        rawtype::create_type(py, c"octonaut.http.Headers", FIELDS_AT, slots).map(Bound::unbind)
    })?;
    module.add("Headers", class.bind(py))
}

#[cfg(test)]
mod tests {
    use super::same_name;

    #[test]
    fn same_name_is_eq_ignore_ascii_case() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let (a, b) = ([b'x', a, b'Y'], [b'X', b, b'y']);
                assert_eq!(same_name(&a, &b), a.eq_ignore_ascii_case(&b), "{a:?} {b:?}");
            }
        }
        assert!(same_name(b"Content-Length", b"content-length"));
        assert!(!same_name(b"Content-Length", b"content-lengt"));
        assert!(!same_name(b"Hos^", b"Hos~") && !same_name(b"@", b"`"));
        assert!(same_name(b"", b""));
    }
}

//! `Request`, `Response` and `Headers`: complete messages as lazy Python objects.
//!
//! Strategy: a message's bytes stay in one immutable `bytes` object that its
//! spans index into. When the collector reports that the record's byte area
//! is one run of the fed `bytes` (the head arrived in one feed, the common
//! case), the message shares that object at an offset: no copy and no
//! allocation (feeds over 64 KiB are copied, so a kept message never pins a
//! large buffer). Otherwise the area is copied into a new `bytes` once.
//! Beyond that, building a message costs the target and body `bytes` (a
//! shared empty one for most bodies) and two instances, the message and its
//! `Headers` (which holds the span table, see [`headers`](super::headers)),
//! both declared on the C API ([`rawtype`](super::rawtype)), which makes and
//! frees them for a fraction of PyO3's cost. The object attributes (method, target, headers, body)
//! are made up front and stored as object fields exposed as read-only
//! struct members, so reading one never calls into Rust; the plain values
//! (version, flags, content length) are kept as Rust values and handed out
//! by getters as interned or singleton objects, so they need no reference
//! counting when a message is made or freed. Header values, the iteration
//! tuple and `.trailers` are made on first access (and the latter two cached,
//! without `PyOnceLock::get_or_init`, whose GIL round trip would cost more
//! than the whole message). Well-known methods, versions and header names
//! come from interned objects. Headers look names up by a linear, ASCII
//! case-insensitive scan of the span table, which beats
//! hashing for the few fields a message has (`max_headers` bounds it).

use octonaut_core::http::message::{Field, MessageRecord};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyModule, PyString, PyType};
use std::ffi::CStr;
use std::ptr;

use super::headers::{self, header_count, new_headers_beside, new_headers_over};
use super::rawtype;
use std::sync::atomic::{AtomicPtr, Ordering};

/// Interned `bytes` objects for common header names,
/// found through an open-addressing hash index built at compile time (one
/// probe and one comparison for a hit, usually one probe for a miss).
struct Interned {
    table: &'static [&'static [u8]],
    index: [u8; BUCKETS],
    cells: [PyOnceLock<Py<PyBytes>>; 48],
}

const BUCKETS: usize = 128;
const NO_ENTRY: u8 = u8::MAX;

/// The home bucket of a non-empty name: its length, first and last bytes.
#[inline]
const fn bucket(name: &[u8]) -> usize {
    (name.len().wrapping_mul(31)
        ^ (name[0] as usize).wrapping_mul(7)
        ^ name[name.len() - 1] as usize)
        & (BUCKETS - 1)
}

const fn build_index(table: &[&[u8]]) -> [u8; BUCKETS] {
    assert!(table.len() <= 48);
    let mut index = [NO_ENTRY; BUCKETS];
    let mut i = 0;
    while i < table.len() {
        let mut slot = bucket(table[i]);
        while index[slot] != NO_ENTRY {
            slot = (slot + 1) & (BUCKETS - 1);
        }
        index[slot] = i as u8;
        i += 1;
    }
    index
}

/// The standard methods, in the order [`method_index`] numbers them.
const METHODS: [&[u8]; 9] = [
    b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH", b"CONNECT", b"TRACE",
];

/// The position of a standard method in [`METHODS`]: a length switch and a
/// few byte compares, cheaper than the hashed [`Interned`] lookup.
#[inline]
fn method_index(method: &[u8]) -> Option<usize> {
    Some(match method {
        b"GET" => 0,
        b"POST" => 1,
        b"PUT" => 2,
        b"HEAD" => 3,
        b"DELETE" => 4,
        b"OPTIONS" => 5,
        b"PATCH" => 6,
        b"CONNECT" => 7,
        b"TRACE" => 8,
        _ => return None,
    })
}

const HEADER_NAMES: &[&[u8]] = &[
    b"Host",
    b"User-Agent",
    b"Accept",
    b"Accept-Language",
    b"Accept-Encoding",
    b"Accept-Charset",
    b"Connection",
    b"Keep-Alive",
    b"Cookie",
    b"Content-Type",
    b"Content-Length",
    b"Transfer-Encoding",
    b"Cache-Control",
    b"Pragma",
    b"Referer",
    b"Origin",
    b"Authorization",
    b"Upgrade",
    b"Date",
    b"Server",
    b"Set-Cookie",
    b"Location",
    b"Content-Encoding",
    b"Vary",
    b"ETag",
    b"Last-Modified",
    b"If-None-Match",
    b"If-Modified-Since",
    b"X-Forwarded-For",
    b"X-Requested-With",
    b"host",
    b"user-agent",
    b"accept",
    b"accept-encoding",
    b"accept-language",
    b"connection",
    b"content-type",
    b"content-length",
    b"cookie",
    b"transfer-encoding",
];

impl Interned {
    const fn new(table: &'static [&'static [u8]]) -> Self {
        Interned {
            table,
            index: build_index(table),
            cells: [const { PyOnceLock::new() }; 48],
        }
    }

    /// The interned object equal to `bytes`, if `bytes` is in the table.
    #[inline]
    fn get(&self, py: Python<'_>, bytes: &[u8]) -> Option<Py<PyBytes>> {
        if bytes.is_empty() {
            return None;
        }
        // Fewer than BUCKETS entries, so an empty bucket ends every probe.
        let mut slot = bucket(bytes);
        let index = loop {
            match self.index[slot] {
                NO_ENTRY => return None,
                entry if same_bytes(self.table[entry as usize], bytes) => break entry as usize,
                _ => slot = (slot + 1) & (BUCKETS - 1),
            }
        };
        let cell = &self.cells[index];
        Some(
            cell.get_or_init(py, || PyBytes::new(py, self.table[index]).unbind())
                .clone_ref(py),
        )
    }
}

/// `a == b`, without a `memcmp` call for the short names the tables hold:
/// two overlapping word loads per side cover 4 to 16 bytes.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a == b,
    }
}

static INTERNED_METHODS: [PyOnceLock<Py<PyBytes>>; METHODS.len()] =
    [const { PyOnceLock::new() }; METHODS.len()];
static INTERNED_NAMES: Interned = Interned::new(HEADER_NAMES);
static EMPTY_BYTES: PyOnceLock<Py<PyBytes>> = PyOnceLock::new();

/// A Python object made on first access and then kept (the target, the
/// iteration tuple, the trailers). Unlike `PyOnceLock`, reading it is one
/// atomic load and making it one compare-and-swap, with no lock and no
/// detach from the interpreter: a thread racing on the same cell may build
/// the value too, and then drops its own (equal) copy.
pub(crate) struct LazyObject(AtomicPtr<ffi::PyObject>);

impl LazyObject {
    pub(crate) const fn new() -> Self {
        LazyObject(AtomicPtr::new(ptr::null_mut()))
    }

    /// The kept object, made by `make` if there is none yet. `make` must
    /// always return an object of type `T` (the cell stores it untyped).
    #[inline]
    pub(crate) fn get_or_make<'py, T>(
        &self,
        py: Python<'py>,
        make: impl FnOnce() -> PyResult<Bound<'py, T>>,
    ) -> PyResult<Bound<'py, T>> {
        let current = self.0.load(Ordering::Acquire);
        if !current.is_null() {
            // SAFETY: a non-null pointer here is a strong reference this cell
            // owns until drop, to an object `make` built, i.e. a `T`.
            return Ok(unsafe { Bound::from_borrowed_ptr(py, current).cast_into_unchecked() });
        }
        let made = make()?;
        match self.0.compare_exchange(
            ptr::null_mut(),
            made.as_ptr(),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                // The cell now owns one reference; `made` keeps the caller's.
                // SAFETY: `made` is a live object; the extra reference is the
                // one the cell releases on drop.
                unsafe { ffi::Py_IncRef(made.as_ptr()) };
                Ok(made)
            }
            Err(winner) => {
                // SAFETY: as above, the winner's pointer is a strong
                // reference the cell owns, to a `T`; `made` is dropped.
                Ok(unsafe { Bound::from_borrowed_ptr(py, winner).cast_into_unchecked() })
            }
        }
    }
}

impl Drop for LazyObject {
    fn drop(&mut self) {
        let current = *self.0.get_mut();
        if !current.is_null() {
            // SAFETY: the cell owns this reference. Cells live only inside
            // the C-API message and Headers objects, which are dropped by
            // their tp_dealloc while attached to the interpreter, so a direct
            // decref is allowed.
            unsafe { ffi::Py_DecRef(current) };
        }
    }
}

/// `b""`, shared.
pub(crate) fn empty_bytes(py: Python<'_>) -> Py<PyBytes> {
    EMPTY_BYTES
        .get_or_init(py, || PyBytes::new(py, b"").unbind())
        .clone_ref(py)
}

/// `bytes` for `data`, shared when empty.
pub(crate) fn bytes_of(py: Python<'_>, data: &[u8]) -> Py<PyBytes> {
    if data.is_empty() {
        empty_bytes(py)
    } else {
        PyBytes::new(py, data).unbind()
    }
}

/// A method `bytes`, interned for the standard methods.
pub(crate) fn method_bytes(py: Python<'_>, method: &[u8]) -> Py<PyBytes> {
    match method_index(method) {
        Some(index) => INTERNED_METHODS[index]
            .get_or_init(py, || PyBytes::new(py, METHODS[index]).unbind())
            .clone_ref(py),
        None => PyBytes::new(py, method).unbind(),
    }
}

pub(crate) fn name_bytes(py: Python<'_>, name: &[u8]) -> Py<PyBytes> {
    INTERNED_NAMES
        .get(py, name)
        .unwrap_or_else(|| PyBytes::new(py, name).unbind())
}

/// `"1.1"`-style version string (interned for 1.0 and 1.1).
pub(crate) fn version_str(py: Python<'_>, version: (u8, u8)) -> Bound<'_, PyString> {
    match version {
        (1, 1) => pyo3::intern!(py, "1.1").clone(),
        (1, 0) => pyo3::intern!(py, "1.0").clone(),
        (major, minor) => PyString::new(py, &format!("{major}.{minor}")),
    }
}

/// Where a record's byte area can come from without a copy: the fed
/// `bytes` and the offset of the parse call's input in it.
#[derive(Clone, Copy)]
pub(crate) struct SharedInput<'a, 'py> {
    pub(crate) bytes: &'a Bound<'py, PyBytes>,
    /// The buffer of `bytes`.
    pub(crate) data: &'a [u8],
    pub(crate) offset: usize,
}

/// The plain-value attributes of a message, kept as Rust values and turned
/// into objects when read (`True`/`False`/`None` and the interned versions
/// cost nothing to hand out), so making and freeing a message takes no
/// reference counting for them.
#[derive(Clone, Copy)]
struct Facts {
    version: (u8, u8),
    keep_alive: bool,
    upgrade: bool,
    chunked: bool,
    content_length: Option<u64>,
}

/// The fields of a `Request` or `Response` after the object header. Every
/// pointer is a strong reference, released on drop (in `tp_dealloc`).
#[repr(C)]
struct MessageFields {
    /// `method` of a request, `status` of a response.
    first: *mut ffi::PyObject,
    /// `target` of a request, `reason` of a response.
    second: *mut ffi::PyObject,
    headers: *mut ffi::PyObject,
    body: *mut ffi::PyObject,
    facts: Facts,
    trailer_fields: Box<[Field]>,
    trailers: LazyObject,
}

impl Drop for MessageFields {
    fn drop(&mut self) {
        for object in [self.first, self.second, self.headers, self.body] {
            // SAFETY: each field is a strong reference this object owns; it
            // is dropped only by `message_dealloc`, which the interpreter
            // calls while attached.
            unsafe { ffi::Py_DecRef(object) };
        }
    }
}

/// A `Request` or `Response` instance (see [`rawtype`](super::rawtype)).
#[repr(C)]
struct MessageObject {
    header: ffi::PyObject,
    fields: MessageFields,
}

/// The fields of `object`, a `Request` or `Response` instance.
///
/// # Safety
/// `object` must be a live instance of one of the two message classes.
unsafe fn message_fields<'a>(object: *mut ffi::PyObject) -> &'a MessageFields {
    // SAFETY: instances of the message classes are `MessageObject`s whose
    // fields were all written before the object was handed out (caller).
    unsafe { &(*object.cast::<MessageObject>()).fields }
}

/// A borrowed field of a message as a `Bound` of type `T`.
///
/// # Safety
/// `object` must be a live object of type `T`.
unsafe fn field<'py, T>(py: Python<'py>, object: *mut ffi::PyObject) -> Bound<'py, T> {
    // SAFETY: `object` is live and a `T` (caller); the Bound takes its own
    // reference.
    unsafe { Bound::from_borrowed_ptr(py, object).cast_into_unchecked() }
}

unsafe extern "C" fn message_dealloc(object: *mut ffi::PyObject) {
    // SAFETY: the interpreter calls tp_dealloc once, attached, on an
    // unreachable instance whose fields are initialised; they are dropped
    // in place (decrefs and a box free, none of which panic), then the memory
    // goes back to the allocator it came from.
    unsafe {
        std::ptr::drop_in_place(&raw mut (*object.cast::<MessageObject>()).fields);
        rawtype::free_to(object, Some(&FREE_MESSAGES));
    }
}

unsafe extern "C" fn message_trailers(
    object: *mut ffi::PyObject,
    _closure: *mut std::ffi::c_void,
) -> *mut ffi::PyObject {
    // SAFETY: a getter of the message classes, called attached on one of
    // their instances.
    unsafe {
        rawtype::guarded(ptr::null_mut(), |py| {
            let fields = message_fields(object);
            let trailers = fields.trailers.get_or_make(py, || {
                // Trailers index into the same area as the headers.
                new_headers_beside(py, fields.headers, &fields.trailer_fields)
            })?;
            Ok(trailers.into_ptr())
        })
    }
}

/// `True` or `False`, as a new reference.
fn bool_object(value: bool) -> *mut ffi::PyObject {
    // SAFETY: True and False are static objects; Py_NewRef hands out a new
    // reference (the callers run attached, as getters).
    unsafe {
        ffi::Py_NewRef(if value {
            ffi::Py_True()
        } else {
            ffi::Py_False()
        })
    }
}

/// Declares the getter of a `bool` fact.
macro_rules! bool_getter {
    ($name:ident, $fact:ident) => {
        unsafe extern "C" fn $name(
            object: *mut ffi::PyObject,
            _closure: *mut std::ffi::c_void,
        ) -> *mut ffi::PyObject {
            // SAFETY: a getter of the message classes, called attached on
            // one of their instances.
            bool_object(unsafe { message_fields(object) }.facts.$fact)
        }
    };
}

bool_getter!(message_keep_alive, keep_alive);
bool_getter!(message_upgrade, upgrade);
bool_getter!(message_chunked, chunked);

unsafe extern "C" fn message_content_length(
    object: *mut ffi::PyObject,
    _closure: *mut std::ffi::c_void,
) -> *mut ffi::PyObject {
    // SAFETY: a getter of the message classes, called attached on one of
    // their instances; PyLong_FromUnsignedLongLong returns a new reference
    // or NULL with an exception set, which is what a getter returns.
    unsafe {
        match message_fields(object).facts.content_length {
            Some(length) => ffi::PyLong_FromUnsignedLongLong(length),
            None => ffi::Py_NewRef(ffi::Py_None()),
        }
    }
}

unsafe extern "C" fn message_version(
    object: *mut ffi::PyObject,
    _closure: *mut std::ffi::c_void,
) -> *mut ffi::PyObject {
    // SAFETY: a getter of the message classes, called attached on one of
    // their instances.
    unsafe {
        rawtype::guarded(ptr::null_mut(), |py| {
            let version = message_fields(object).facts.version;
            Ok(version_str(py, version).into_ptr())
        })
    }
}

/// The header count, version and body length for a `__repr__`.
fn repr_common(py: Python<'_>, fields: &MessageFields) -> PyResult<(String, usize, usize)> {
    // SAFETY: `headers` and `body` hold a Headers and a bytes (written by
    // `new_message` from typed handles).
    let (headers, body) = unsafe {
        (
            header_count(fields.headers),
            field::<PyBytes>(py, fields.body),
        )
    };
    let version = version_str(py, fields.facts.version);
    Ok((
        version.to_cow()?.into_owned(),
        headers,
        body.as_bytes().len(),
    ))
}

unsafe extern "C" fn request_repr(object: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: the `Request` class's tp_repr, called attached on an instance
    // whose `first`/`second` are the method and target bytes.
    unsafe {
        rawtype::guarded(ptr::null_mut(), |py| {
            let fields = message_fields(object);
            let (version, headers, body) = repr_common(py, fields)?;
            let method = field::<PyBytes>(py, fields.first);
            let target = field::<PyBytes>(py, fields.second);
            let text = format!(
                "<Request {} {} HTTP/{version} headers={headers} body={body}B>",
                String::from_utf8_lossy(method.as_bytes()),
                String::from_utf8_lossy(target.as_bytes()),
            );
            Ok(PyString::new(py, &text).into_ptr())
        })
    }
}

unsafe extern "C" fn response_repr(object: *mut ffi::PyObject) -> *mut ffi::PyObject {
    // SAFETY: the `Response` class's tp_repr, called attached on an instance
    // whose `first`/`second` are the status int and reason bytes.
    unsafe {
        rawtype::guarded(ptr::null_mut(), |py| {
            let fields = message_fields(object);
            let (version, headers, body) = repr_common(py, fields)?;
            let status = field::<PyAny>(py, fields.first);
            let reason = field::<PyBytes>(py, fields.second);
            let text = format!(
                "<Response HTTP/{version} {status} {} headers={headers} body={body}B>",
                String::from_utf8_lossy(reason.as_bytes()),
            );
            Ok(PyString::new(py, &text).into_ptr())
        })
    }
}

static REQUEST_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// Freed `Request` and `Response` instances (both `MessageObject`s).
static FREE_MESSAGES: rawtype::FreeList = rawtype::FreeList::new();
static RESPONSE_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The read-only attributes of a message class: `first` and `second` are
/// named per class, the rest are common.
fn message_members(
    first: (&'static CStr, &'static CStr),
    second: (&'static CStr, &'static CStr),
) -> *mut std::ffi::c_void {
    macro_rules! at {
        ($field:ident) => {
            std::mem::offset_of!(MessageObject, fields.$field)
        };
    }
    rawtype::members(&[
        (first.0, at!(first), first.1),
        (second.0, at!(second), second.1),
        (c"headers", at!(headers), c"The header fields."),
        (c"body", at!(body), c"The body, de-chunked."),
    ])
}

/// The slots of a message class.
fn message_slots(
    doc: &'static CStr,
    members: *mut std::ffi::c_void,
    repr: unsafe extern "C" fn(*mut ffi::PyObject) -> *mut ffi::PyObject,
) -> Vec<ffi::PyType_Slot> {
    let getters = rawtype::getters(&[
        (
            c"trailers",
            message_trailers,
            c"The trailer fields of a chunked body (empty otherwise).",
        ),
        (c"version", message_version, c"\"1.1\" or \"1.0\"."),
        (
            c"keep_alive",
            message_keep_alive,
            c"Whether the connection stays open after this message.",
        ),
        (
            c"upgrade",
            message_upgrade,
            c"Whether this message switches protocols (Upgrade, CONNECT, or a 101 / 2xx-to-CONNECT response): the bytes after it are in the parser's `.unparsed`.",
        ),
        (
            c"content_length",
            message_content_length,
            c"The Content-Length header's value, or None.",
        ),
        (c"chunked", message_chunked, c"Whether the body was chunked."),
    ]);
    vec![
        rawtype::slot(ffi::Py_tp_doc, doc.as_ptr() as *mut _),
        rawtype::slot(ffi::Py_tp_dealloc, message_dealloc as *mut _),
        rawtype::slot(ffi::Py_tp_repr, repr as *mut _),
        rawtype::slot(ffi::Py_tp_members, members),
        rawtype::slot(ffi::Py_tp_getset, getters),
    ]
}

/// Creates one message class (once) and adds it to `module` as `name`.
fn register_message_class(
    module: &Bound<'_, PyModule>,
    class: &PyOnceLock<Py<PyType>>,
    (name, qualified_name, doc): (&str, &'static CStr, &'static CStr),
    first: (&'static CStr, &'static CStr),
    second: (&'static CStr, &'static CStr),
    repr: unsafe extern "C" fn(*mut ffi::PyObject) -> *mut ffi::PyObject,
) -> PyResult<()> {
    let py = module.py();
    let class = class.get_or_try_init(py, || {
        let slots = message_slots(doc, message_members(first, second), repr);
        rawtype::create_type(py, qualified_name, size_of::<MessageObject>(), slots)
            .map(Bound::unbind)
    })?;
    module.add(name, class.bind(py))
}

/// Adds `Headers`, `Request` and `Response` to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    headers::register(module)?;
    register_message_class(
        module,
        &REQUEST_TYPE,
        (
            "Request",
            c"octonaut.http.Request",
            c"A complete HTTP request.",
        ),
        (c"method", c"The method, e.g. `b\"GET\"`."),
        (
            c"target",
            c"The request-target as received, e.g. `b\"/index.html?q=1\"`.",
        ),
        request_repr,
    )?;
    register_message_class(
        module,
        &RESPONSE_TYPE,
        (
            "Response",
            c"octonaut.http.Response",
            c"A complete HTTP response.",
        ),
        (c"status", c"The status code."),
        (
            c"reason",
            c"The reason phrase, e.g. `b\"OK\"` (may be empty).",
        ),
        response_repr,
    )
}

/// A new instance of the message class in `class` for `record`. `shared`:
/// the fed `bytes` and the offset of the record's area in it, when the
/// collector says it lies there; the area is then shared, not copied.
///
/// `start_line` makes the two start-line attributes from the message's area:
/// the record's own area may be empty when the collector left the head in the
/// shared input (`parse_kept`), so spans are read from `area`, not the record.
fn new_message(
    py: Python<'_>,
    class: &PyOnceLock<Py<PyType>>,
    record: &MessageRecord,
    shared: Option<(SharedInput<'_, '_>, usize)>,
    start_line: impl FnOnce(&[u8]) -> (Py<PyAny>, Py<PyBytes>),
) -> PyResult<Py<PyAny>> {
    let (area_bytes, (first, second), area) = match shared {
        Some((input, area_at)) => {
            let area = input.data.get(input.offset + area_at..).unwrap_or_default();
            let parts = start_line(area);
            (input.bytes.clone(), parts, (area.as_ptr(), area.len()))
        }
        None => {
            let copy = PyBytes::new(py, record.area());
            let area = copy.as_bytes();
            let parts = start_line(area);
            let area = (area.as_ptr(), area.len());
            (copy, parts, area)
        }
    };
    // SAFETY: `area` is the buffer (from an offset) of `area_bytes`, a
    // `bytes` whose buffer never moves or changes while it lives.
    let headers = unsafe { new_headers_over(py, area_bytes, area, record.headers())? };
    let body = bytes_of(py, record.body());
    let info = record.info();
    let class = class.get(py).ok_or_else(|| {
        pyo3::exceptions::PySystemError::new_err("octonaut.http is not initialised")
    })?;
    // SAFETY: `class` is a message class made by `register` with basicsize
    // `size_of::<MessageObject>()`; the feed that calls this is attached.
    let object = unsafe {
        rawtype::alloc_from::<MessageObject>(
            &FREE_MESSAGES,
            class.as_ptr().cast(),
            size_of::<MessageObject>(),
        )?
    };
    let fields = MessageFields {
        first: first.into_ptr(),
        second: second.into_ptr(),
        headers: headers.into_ptr(),
        body: body.into_ptr(),
        facts: Facts {
            version: record.version(),
            keep_alive: info.keep_alive,
            upgrade: info.upgrade,
            chunked: info.chunked,
            content_length: info.content_length,
        },
        trailer_fields: record.trailers().into(),
        trailers: LazyObject::new(),
    };
    // SAFETY: `object` is a fresh, exclusively owned allocation of a
    // `MessageObject` whose header is set; this initialises the rest, and
    // the object (one reference) is handed to the returned `Py`.
    unsafe {
        (&raw mut (*object).fields).write(fields);
        Ok(Bound::from_owned_ptr(py, object.cast()).unbind())
    }
}

/// `octonaut.http.Request`: built from records by [`FromRecord`].
pub(crate) struct Request;

/// `octonaut.http.Response`: built from records by [`FromRecord`].
pub(crate) struct Response;

/// A message class built from a complete record.
pub(crate) trait FromRecord {
    /// The Python object for `record`, sharing `shared` (the fed `bytes` and
    /// the area's offset in it) instead of copying when given.
    fn from_record(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Py<PyAny>>;
}

impl FromRecord for Request {
    fn from_record(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Py<PyAny>> {
        new_message(py, &REQUEST_TYPE, record, shared, |area| {
            let method = method_bytes(py, record.method_span().of(area)).into_any();
            (method, bytes_of(py, record.target_span().of(area)))
        })
    }
}

impl FromRecord for Response {
    fn from_record(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Py<PyAny>> {
        let status = record.status().into_pyobject(py)?.into_any().unbind();
        new_message(py, &RESPONSE_TYPE, record, shared, |area| {
            (status, bytes_of(py, record.reason_span().of(area)))
        })
    }
}

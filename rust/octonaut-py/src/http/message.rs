//! `Request`, `Response` and `Headers`: complete messages as lazy Python objects.
//!
//! Strategy: a message's bytes stay in one immutable `bytes` object that its
//! spans index into. When the collector reports that the record's byte area
//! is one run of the fed `bytes` (the head arrived in one feed, the common
//! case), the message shares that object at an offset: no copy and no
//! allocation (feeds over 64 KiB are copied, so a kept message never pins a
//! large buffer). Otherwise the area is copied into a new `bytes` once.
//! Beyond that, building a message costs a compact span table (16 bytes per
//! field, stored inside the `Headers` object up to 16 fields, boxed beyond),
//! the target and body `bytes` (a shared empty one for most bodies) and the
//! pyclass instances themselves (`frozen`, with free lists). The attributes
//! every caller reads (method, target, version, headers, body, flags) are
//! made up front and stored as `Py` fields that PyO3 exposes as struct
//! members, so reading one never calls into Rust; header values, the
//! iteration list and `.trailers` are made on first access (and the latter
//! two cached, without `PyOnceLock::get_or_init`, whose GIL round trip would
//! cost more than the whole message). Well-known methods, versions and
//! header names come from interned objects. Headers look names up by a
//! linear, ASCII case-insensitive scan of the span table, which beats
//! hashing for the few fields a message has (`max_headers` bounds it).

use octonaut_core::http::message::{Field, MessageRecord, Span};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyList, PyString};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// Interned `bytes` objects for the standard methods and common header names,
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

const METHODS: &[&[u8]] = &[
    b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH", b"CONNECT", b"TRACE",
];

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

static INTERNED_METHODS: Interned = Interned::new(METHODS);
static INTERNED_NAMES: Interned = Interned::new(HEADER_NAMES);
static EMPTY_BYTES: PyOnceLock<Py<PyBytes>> = PyOnceLock::new();

/// A Python object made on first access and then kept (the target, the
/// iteration list, the trailers). Unlike `PyOnceLock`, reading it is one
/// atomic load and making it one compare-and-swap, with no lock and no
/// detach from the interpreter: a thread racing on the same cell may build
/// the value too, and then drops its own (equal) copy.
struct LazyObject(AtomicPtr<ffi::PyObject>);

impl LazyObject {
    const fn new() -> Self {
        LazyObject(AtomicPtr::new(ptr::null_mut()))
    }

    /// The kept object, made by `make` if there is none yet. `make` must
    /// always return an object of type `T` (the cell stores it untyped).
    #[inline]
    fn get_or_make<'py, T>(
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
            // pyclass objects, which are dropped by tp_dealloc while attached
            // to the interpreter, so a direct decref is allowed.
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
    INTERNED_METHODS
        .get(py, method)
        .unwrap_or_else(|| PyBytes::new(py, method).unbind())
}

fn name_bytes(py: Python<'_>, name: &[u8]) -> Py<PyBytes> {
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

/// The bytes a header-name argument (`str` or bytes-like) stands for.
fn name_arg<'a>(name: &'a Bound<'_, PyAny>) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    if let Ok(bytes) = name.cast::<PyBytes>() {
        return Ok(std::borrow::Cow::Borrowed(bytes.as_bytes()));
    }
    if let Ok(text) = name.cast::<PyString>() {
        return Ok(std::borrow::Cow::Borrowed(text.to_str()?.as_bytes()));
    }
    if let Ok(bytes) = name.extract::<Vec<u8>>() {
        return Ok(std::borrow::Cow::Owned(bytes));
    }
    Err(PyTypeError::new_err("header names are str or bytes"))
}

/// Fields stored inline in the Python object up to this many (one malloc
/// less per message for typical requests); more go to the heap.
const INLINE_FIELDS: usize = 16;

/// A message's span table: inline for the common sizes, boxed beyond.
// The inline variant is large on purpose: it lives inside the Python object,
// which saves a malloc/free pair per message.
#[allow(clippy::large_enum_variant)]
enum FieldTable {
    Inline {
        len: u8,
        fields: [Field; INLINE_FIELDS],
    },
    Heap(Box<[Field]>),
}

impl FieldTable {
    fn from_slice(fields: &[Field]) -> Self {
        if fields.len() <= INLINE_FIELDS {
            let mut inline = [Field::default(); INLINE_FIELDS];
            inline[..fields.len()].copy_from_slice(fields);
            FieldTable::Inline {
                len: fields.len() as u8,
                fields: inline,
            }
        } else {
            FieldTable::Heap(fields.into())
        }
    }
}

impl std::ops::Deref for FieldTable {
    type Target = [Field];

    #[inline]
    fn deref(&self) -> &[Field] {
        match self {
            FieldTable::Inline { len, fields } => &fields[..*len as usize],
            FieldTable::Heap(fields) => fields,
        }
    }
}

/// A case-insensitive multimap of header (or trailer) fields, in wire order.
///
/// `h["host"]` / `h[b"Host"]` give the first value (KeyError if absent),
/// `h.get(name, default=None)`, `h.getall(name)` every value, iteration
/// yields `(name, value)` bytes pairs. Values are created when touched.
#[pyclass(frozen, freelist = 256, module = "octonaut.http", name = "Headers")]
pub struct Headers {
    area: Area,
    fields: FieldTable,
    items: LazyObject,
}

impl Headers {
    fn new(area: Area, fields: &[Field]) -> Self {
        Headers {
            area,
            fields: FieldTable::from_slice(fields),
            items: LazyObject::new(),
        }
    }

    fn first(&self, py: Python<'_>, name: &[u8]) -> Option<Span> {
        let area = self.area.get(py);
        self.fields
            .iter()
            .find(|f| f.name.of(area).eq_ignore_ascii_case(name))
            .map(|f| f.value)
    }

    fn items_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.items.get_or_make(py, || {
            let area = self.area.get(py);
            let len = self.fields.len() as ffi::Py_ssize_t;
            // SAFETY: PyList_New returns a new reference, or NULL with an
            // exception set; its slots start NULL, which dealloc tolerates if
            // we bail out half-way.
            let list = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyList_New(len))? };
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
                // SAFETY: `list` is a fresh list of `len` slots and
                // `index < len`; SetItem steals the reference `into_ptr` hands
                // over, and cannot fail for an in-range index of a list.
                unsafe {
                    ffi::PyList_SetItem(list.as_ptr(), index as ffi::Py_ssize_t, pair.into_ptr());
                }
            }
            // SAFETY: `list` came from PyList_New.
            Ok(unsafe { list.cast_into_unchecked::<PyList>() })
        })
    }
}

#[pymethods]
impl Headers {
    fn __len__(&self) -> usize {
        self.fields.len()
    }

    fn __getitem__(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<Py<PyBytes>> {
        let key = name_arg(name)?;
        match self.first(py, &key) {
            Some(span) => Ok(bytes_of(py, span.of(self.area.get(py)))),
            None => Err(PyKeyError::new_err(name.clone().unbind())),
        }
    }

    fn __contains__(&self, py: Python<'_>, name: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(key) = name_arg(name) else {
            return Ok(false);
        };
        Ok(self.first(py, &key).is_some())
    }

    /// The first value of `name`, or `default`.
    #[pyo3(signature = (name, default = None))]
    fn get(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        default: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let key = name_arg(name)?;
        Ok(match self.first(py, &key) {
            Some(span) => bytes_of(py, span.of(self.area.get(py))).into_any(),
            None => default.unwrap_or_else(|| py.None()),
        })
    }

    /// Every value of `name`, in wire order (an empty list if absent).
    fn getall<'py>(
        &self,
        py: Python<'py>,
        name: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let key = name_arg(name)?;
        let area = self.area.get(py);
        let values = self
            .fields
            .iter()
            .filter(|f| f.name.of(area).eq_ignore_ascii_case(&key))
            .map(|f| bytes_of(py, f.value.of(area)));
        PyList::new(py, values)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.items_list(py)?
            .into_any()
            .try_iter()
            .map(Bound::into_any)
    }

    /// `(name, value)` pairs in wire order (a new list).
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self.items_list(py)?;
        PyList::new(py, items.iter())
    }

    /// Field names in wire order (repeated names repeat).
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let area = self.area.get(py);
        PyList::new(
            py,
            self.fields.iter().map(|f| name_bytes(py, f.name.of(area))),
        )
    }

    /// Field values in wire order.
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let area = self.area.get(py);
        PyList::new(
            py,
            self.fields.iter().map(|f| bytes_of(py, f.value.of(area))),
        )
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<Headers>() else {
            return Ok(false);
        };
        let other = other.get();
        let a = self.area.get(py);
        let b = other.area.get(py);
        Ok(self.fields.len() == other.fields.len()
            && self
                .fields
                .iter()
                .zip(other.fields.iter())
                .all(|(x, y)| x.name.of(a) == y.name.of(b) && x.value.of(a) == y.value.of(b)))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let items = self.items_list(py)?;
        Ok(format!("Headers({})", items.repr()?))
    }
}

/// Where a message's bytes live: a `bytes` object and the offset of the
/// record's byte area in it (0 for a copy; the head's position when the
/// message shares the fed `bytes`).
pub(crate) struct Area {
    bytes: Py<PyBytes>,
    base: usize,
}

impl Area {
    /// The record's byte area (every span indexes into this).
    #[inline]
    fn get<'a>(&'a self, py: Python<'a>) -> &'a [u8] {
        &self.bytes.bind(py).as_bytes()[self.base..]
    }

    fn clone_ref(&self, py: Python<'_>) -> Area {
        Area {
            bytes: self.bytes.clone_ref(py),
            base: self.base,
        }
    }
}

/// Where a record's byte area can come from without a copy: the fed
/// `bytes` and the offset of the parse call's input in it.
#[derive(Clone, Copy)]
pub(crate) struct SharedInput<'a, 'py> {
    pub(crate) bytes: &'a Bound<'py, PyBytes>,
    pub(crate) offset: usize,
}

/// The attributes requests and responses share, built once per message.
struct CommonParts {
    version: Py<PyString>,
    headers: Py<Headers>,
    body: Py<PyBytes>,
    keep_alive: Py<PyBool>,
    upgrade: Py<PyBool>,
    content_length: Py<PyAny>,
    chunked: Py<PyBool>,
    area: Area,
    trailer_fields: Box<[Field]>,
}

impl CommonParts {
    /// `area_at`: the offset of the record's area in `shared`, when the
    /// collector says it lies there; the area is then shared, not copied.
    fn new(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Self> {
        let area = match shared {
            Some((input, area_at)) => Area {
                bytes: input.bytes.clone().unbind(),
                base: input.offset + area_at,
            },
            None => Area {
                bytes: PyBytes::new(py, record.area()).unbind(),
                base: 0,
            },
        };
        let info = record.info();
        let headers = Py::new(py, Headers::new(area.clone_ref(py), record.headers()))?;
        let content_length = match info.content_length {
            Some(length) => length.into_pyobject(py)?.into_any().unbind(),
            None => py.None(),
        };
        Ok(CommonParts {
            version: version_str(py, record.version()).unbind(),
            headers,
            body: bytes_of(py, record.body()),
            keep_alive: PyBool::new(py, info.keep_alive).to_owned().unbind(),
            upgrade: PyBool::new(py, info.upgrade).to_owned().unbind(),
            content_length,
            chunked: PyBool::new(py, info.chunked).to_owned().unbind(),
            area,
            trailer_fields: record.trailers().into(),
        })
    }
}

/// The trailers of a message, made on first access.
fn trailers_of(
    py: Python<'_>,
    cell: &LazyObject,
    area: &Area,
    fields: &[Field],
) -> PyResult<Py<Headers>> {
    cell.get_or_make(py, || {
        Bound::new(py, Headers::new(area.clone_ref(py), fields))
    })
    .map(Bound::unbind)
}

/// Declares a message pyclass with the attributes every message has. They
/// are plain `Py` fields read through `#[pyo3(get)]`, which PyO3 turns into
/// struct members on frozen classes: reading one is a pointer load in the
/// interpreter, with no call into Rust.
macro_rules! message_class {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* $field: $ty,)*
            /// `"1.1"` or `"1.0"`.
            #[pyo3(get)]
            version: Py<PyString>,
            /// The header fields.
            #[pyo3(get)]
            headers: Py<Headers>,
            /// The body, de-chunked.
            #[pyo3(get)]
            body: Py<PyBytes>,
            /// Whether the connection stays open after this message.
            #[pyo3(get)]
            keep_alive: Py<PyBool>,
            /// Whether this message switches protocols (Upgrade, CONNECT, or
            /// a 101 / 2xx-to-CONNECT response): the bytes after it are in
            /// the parser's `.unparsed`.
            #[pyo3(get)]
            upgrade: Py<PyBool>,
            /// The Content-Length header's value, or None.
            #[pyo3(get)]
            content_length: Py<PyAny>,
            /// Whether the body was chunked.
            #[pyo3(get)]
            chunked: Py<PyBool>,
            area: Area,
            trailer_fields: Box<[Field]>,
            trailers: LazyObject,
        }

        impl $name {
            fn with_common(common: CommonParts, $($field: $ty,)*) -> Self {
                $name {
                    $($field,)*
                    version: common.version,
                    headers: common.headers,
                    body: common.body,
                    keep_alive: common.keep_alive,
                    upgrade: common.upgrade,
                    content_length: common.content_length,
                    chunked: common.chunked,
                    area: common.area,
                    trailer_fields: common.trailer_fields,
                    trailers: LazyObject::new(),
                }
            }

            fn header_count(&self) -> usize {
                self.headers.get().fields.len()
            }
        }
    };
}

message_class! {
    /// A complete HTTP request.
    #[pyclass(frozen, freelist = 256, module = "octonaut.http", name = "Request")]
    Request {
        /// The method, e.g. `b"GET"`.
        #[pyo3(get)]
        method: Py<PyBytes>,
        /// The request-target as received, e.g. `b"/index.html?q=1"`.
        #[pyo3(get)]
        target: Py<PyBytes>,
    }
}

/// A message class built from a complete record.
pub(crate) trait FromRecord: Sized {
    /// The Python object for `record`, sharing `shared` (the fed `bytes` and
    /// the area's offset in it) instead of copying when given.
    fn from_record(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Py<Self>>;
}

impl FromRecord for Request {
    fn from_record(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Py<Request>> {
        let common = CommonParts::new(py, record, shared)?;
        // From the message's area (the record's may be left in the input).
        let area = common.area.get(py);
        let method = method_bytes(py, record.method_span().of(area));
        let target = bytes_of(py, record.target_span().of(area));
        Py::new(py, Request::with_common(common, method, target))
    }
}

#[pymethods]
impl Request {
    /// The trailer fields of a chunked body (empty otherwise).
    #[getter]
    fn trailers(&self, py: Python<'_>) -> PyResult<Py<Headers>> {
        trailers_of(py, &self.trailers, &self.area, &self.trailer_fields)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "<Request {} {} HTTP/{} headers={} body={}B>",
            String::from_utf8_lossy(self.method.bind(py).as_bytes()),
            String::from_utf8_lossy(self.target.bind(py).as_bytes()),
            self.version.bind(py).to_cow()?,
            self.header_count(),
            self.body.bind(py).as_bytes().len(),
        ))
    }
}

message_class! {
    /// A complete HTTP response.
    #[pyclass(frozen, freelist = 256, module = "octonaut.http", name = "Response")]
    Response {
        /// The status code.
        #[pyo3(get)]
        status: Py<PyAny>,
        /// The reason phrase, e.g. `b"OK"` (may be empty).
        #[pyo3(get)]
        reason: Py<PyBytes>,
    }
}

impl FromRecord for Response {
    fn from_record(
        py: Python<'_>,
        record: &MessageRecord,
        shared: Option<(SharedInput<'_, '_>, usize)>,
    ) -> PyResult<Py<Response>> {
        let common = CommonParts::new(py, record, shared)?;
        let status = record.status().into_pyobject(py)?.into_any().unbind();
        let reason = bytes_of(py, record.reason_span().of(common.area.get(py)));
        Py::new(py, Response::with_common(common, status, reason))
    }
}

#[pymethods]
impl Response {
    /// The trailer fields of a chunked body (empty otherwise).
    #[getter]
    fn trailers(&self, py: Python<'_>) -> PyResult<Py<Headers>> {
        trailers_of(py, &self.trailers, &self.area, &self.trailer_fields)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "<Response HTTP/{} {} {} headers={} body={}B>",
            self.version.bind(py).to_cow()?,
            self.status.bind(py),
            String::from_utf8_lossy(self.reason.bind(py).as_bytes()),
            self.header_count(),
            self.body.bind(py).as_bytes().len(),
        ))
    }
}

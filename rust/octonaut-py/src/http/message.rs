//! `Request`, `Response` and `Headers`: complete messages as lazy Python objects.
//!
//! Strategy: building a message costs one copy of the record's byte area into
//! a single immutable `bytes` object, a compact span table (16 bytes per
//! field, stored inside the `Headers` object up to 16 fields, boxed beyond),
//! the body `bytes` (a shared empty one for most requests) and the pyclass
//! instances themselves (`frozen` and with free lists, so creating one is a
//! pointer pop). Nothing else is made until it is touched: `.target`, each
//! header value, `.trailers` are created on first access (the target and the
//! iteration list are then cached, without `PyOnceLock::get_or_init`, whose
//! GIL round trip would cost more than the whole message); well-known
//! methods, versions and header names come from interned objects. Headers look names
//! up by a linear, ASCII case-insensitive scan of the span table, which beats
//! hashing for the few fields a message has (`max_headers` bounds it).

use octonaut_core::http::message::{Field, MessageRecord, Span};
use octonaut_core::http::HeadInfo;
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString};
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
    area: Py<PyBytes>,
    fields: FieldTable,
    items: LazyObject,
}

impl Headers {
    pub(crate) fn new(area: Py<PyBytes>, fields: &[Field]) -> Self {
        Headers {
            area,
            fields: FieldTable::from_slice(fields),
            items: LazyObject::new(),
        }
    }

    fn first(&self, py: Python<'_>, name: &[u8]) -> Option<Span> {
        let area = self.area.bind(py).as_bytes();
        self.fields
            .iter()
            .find(|f| f.name.of(area).eq_ignore_ascii_case(name))
            .map(|f| f.value)
    }

    fn items_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.items.get_or_make(py, || {
            let area = self.area.bind(py).as_bytes();
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
            Some(span) => Ok(bytes_of(py, span.of(self.area.bind(py).as_bytes()))),
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
            Some(span) => bytes_of(py, span.of(self.area.bind(py).as_bytes())).into_any(),
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
        let area = self.area.bind(py).as_bytes();
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
        let area = self.area.bind(py).as_bytes();
        PyList::new(
            py,
            self.fields.iter().map(|f| name_bytes(py, f.name.of(area))),
        )
    }

    /// Field values in wire order.
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let area = self.area.bind(py).as_bytes();
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
        let a = self.area.bind(py).as_bytes();
        let b = other.area.bind(py).as_bytes();
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

/// What requests and responses share: the byte area, spans, body, head info.
struct Parts {
    area: Py<PyBytes>,
    headers: Py<Headers>,
    trailer_fields: Box<[Field]>,
    trailers: LazyObject,
    body: Py<PyBytes>,
    info: HeadInfo,
    version: (u8, u8),
}

impl Parts {
    fn from_record(py: Python<'_>, record: &MessageRecord) -> PyResult<Self> {
        let area = PyBytes::new(py, record.area()).unbind();
        let headers = Py::new(py, Headers::new(area.clone_ref(py), record.headers()))?;
        Ok(Parts {
            area,
            headers,
            trailer_fields: record.trailers().into(),
            trailers: LazyObject::new(),
            body: bytes_of(py, record.body()),
            info: *record.info(),
            version: record.version(),
        })
    }

    fn trailers(&self, py: Python<'_>) -> PyResult<Py<Headers>> {
        self.trailers
            .get_or_make(py, || {
                Bound::new(
                    py,
                    Headers::new(self.area.clone_ref(py), &self.trailer_fields),
                )
            })
            .map(Bound::unbind)
    }
}

/// A complete HTTP request.
#[pyclass(frozen, freelist = 256, module = "octonaut.http", name = "Request")]
pub struct Request {
    parts: Parts,
    method: Span,
    target: Span,
    target_obj: LazyObject,
}

impl Request {
    pub(crate) fn from_record(py: Python<'_>, record: &MessageRecord) -> PyResult<Py<Request>> {
        Py::new(
            py,
            Request {
                parts: Parts::from_record(py, record)?,
                method: record.method_span(),
                target: record.target_span(),
                target_obj: LazyObject::new(),
            },
        )
    }
}

#[pymethods]
impl Request {
    /// The method, e.g. `b"GET"`.
    #[getter]
    fn method(&self, py: Python<'_>) -> Py<PyBytes> {
        method_bytes(py, self.method.of(self.parts.area.bind(py).as_bytes()))
    }

    /// The request-target as received, e.g. `b"/index.html?q=1"`.
    #[getter]
    fn target(&self, py: Python<'_>) -> PyResult<Py<PyBytes>> {
        self.target_obj
            .get_or_make(py, || {
                Ok(PyBytes::new(
                    py,
                    self.target.of(self.parts.area.bind(py).as_bytes()),
                ))
            })
            .map(Bound::unbind)
    }

    /// `"1.1"` or `"1.0"`.
    #[getter]
    fn version<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        version_str(py, self.parts.version)
    }

    /// The header fields.
    #[getter]
    fn headers(&self, py: Python<'_>) -> Py<Headers> {
        self.parts.headers.clone_ref(py)
    }

    /// The trailer fields of a chunked body (empty otherwise).
    #[getter]
    fn trailers(&self, py: Python<'_>) -> PyResult<Py<Headers>> {
        self.parts.trailers(py)
    }

    /// The body, de-chunked.
    #[getter]
    fn body(&self, py: Python<'_>) -> Py<PyBytes> {
        self.parts.body.clone_ref(py)
    }

    /// Whether the connection stays open after this message.
    #[getter]
    fn keep_alive(&self) -> bool {
        self.parts.info.keep_alive
    }

    /// Whether this message switches protocols (Upgrade or CONNECT): the
    /// bytes after it are in the parser's `.unparsed`.
    #[getter]
    fn upgrade(&self) -> bool {
        self.parts.info.upgrade
    }

    /// The Content-Length header's value, or None.
    #[getter]
    fn content_length(&self) -> Option<u64> {
        self.parts.info.content_length
    }

    /// Whether the body was chunked.
    #[getter]
    fn chunked(&self) -> bool {
        self.parts.info.chunked
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let area = self.parts.area.bind(py).as_bytes();
        Ok(format!(
            "<Request {} {} HTTP/{}.{} headers={} body={}B>",
            String::from_utf8_lossy(self.method.of(area)),
            String::from_utf8_lossy(self.target.of(area)),
            self.parts.version.0,
            self.parts.version.1,
            self.parts.headers.get().fields.len(),
            self.parts.body.bind(py).as_bytes().len(),
        ))
    }
}

/// A complete HTTP response.
#[pyclass(frozen, freelist = 256, module = "octonaut.http", name = "Response")]
pub struct Response {
    parts: Parts,
    status: u16,
    reason: Span,
}

impl Response {
    pub(crate) fn from_record(py: Python<'_>, record: &MessageRecord) -> PyResult<Py<Response>> {
        Py::new(
            py,
            Response {
                parts: Parts::from_record(py, record)?,
                status: record.status(),
                reason: record.reason_span(),
            },
        )
    }
}

#[pymethods]
impl Response {
    /// The status code.
    #[getter]
    fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase, e.g. `b"OK"` (may be empty).
    #[getter]
    fn reason(&self, py: Python<'_>) -> Py<PyBytes> {
        bytes_of(py, self.reason.of(self.parts.area.bind(py).as_bytes()))
    }

    /// `"1.1"` or `"1.0"`.
    #[getter]
    fn version<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        version_str(py, self.parts.version)
    }

    /// The header fields.
    #[getter]
    fn headers(&self, py: Python<'_>) -> Py<Headers> {
        self.parts.headers.clone_ref(py)
    }

    /// The trailer fields of a chunked body (empty otherwise).
    #[getter]
    fn trailers(&self, py: Python<'_>) -> PyResult<Py<Headers>> {
        self.parts.trailers(py)
    }

    /// The body, de-chunked.
    #[getter]
    fn body(&self, py: Python<'_>) -> Py<PyBytes> {
        self.parts.body.clone_ref(py)
    }

    /// Whether the connection stays open after this message.
    #[getter]
    fn keep_alive(&self) -> bool {
        self.parts.info.keep_alive
    }

    /// Whether this response switches protocols (101, or 2xx to CONNECT).
    #[getter]
    fn upgrade(&self) -> bool {
        self.parts.info.upgrade
    }

    /// The Content-Length header's value, or None.
    #[getter]
    fn content_length(&self) -> Option<u64> {
        self.parts.info.content_length
    }

    /// Whether the body was chunked.
    #[getter]
    fn chunked(&self) -> bool {
        self.parts.info.chunked
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let area = self.parts.area.bind(py).as_bytes();
        Ok(format!(
            "<Response HTTP/{}.{} {} {} headers={} body={}B>",
            self.parts.version.0,
            self.parts.version.1,
            self.status,
            String::from_utf8_lossy(self.reason.of(area)),
            self.parts.headers.get().fields.len(),
            self.parts.body.bind(py).as_bytes().len(),
        ))
    }
}

//! `RequestParser` and `ResponseParser`: the sans-IO message API.
//!
//! Strategy: a [`Driver`] owns a core parser and a [`MessageCollector`]. A
//! `feed` runs the core parser over the caller's bytes (with the GIL released
//! when the feed is large and the bytes are an immutable `bytes`), then turns
//! the complete records into Python objects in one pass and releases their
//! slots. When the collector's slab (16 records) fills up, the parser pauses:
//! the driver builds the objects for what is queued and resumes, so a feed
//! holding thousands of messages never needs more than the slab (a large
//! feed is parsed in batches of 16 messages per GIL release). Non-`bytes`
//! buffers (bytearray, memoryview) are copied first, since another thread
//! could change them while the GIL is released. Errors are sticky
//! until `reset()`, and carry the messages completed earlier in the same call.
//! After an Upgrade or CONNECT the core parser stops; the rest of this feed,
//! and of every later feed, goes to `.unparsed`.

use std::borrow::Cow;

use octonaut_core::http::message::{CollectorLimits, MessageCollector, MessageRecord};
use octonaut_core::http::ResponseParser as CoreResponseParser;
use octonaut_core::http::{Lenient, Limits, RequestParser as CoreRequestParser};
use octonaut_core::parse::{ErrorKind, ParseError, Parser};
use octonaut_core::slab::Key;
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

use super::message::{FromRecord, Request, Response, SharedInput};
use crate::errors;
use crate::limit::Limit;

/// Feeds at least this long are parsed with the GIL released (below it, the
/// release and re-acquire cost more than they free).
const DETACH_THRESHOLD: usize = 64 * 1024;

/// Messages share the fed `bytes` (rather than copy their heads out of it)
/// when it is at most this long, so a kept message never pins much more
/// memory than its own bytes and those of its pipelined neighbours.
const SHARE_LIMIT: usize = 64 * 1024;

/// Complete messages a parser holds before pausing to build Python objects.
const MAX_PENDING: usize = 16;

/// The bytes of a feed argument: borrowed from an immutable `bytes` (safe to
/// read with the GIL released), or copied from any other buffer.
pub(crate) enum FeedData<'a, 'py> {
    Bytes(&'a Bound<'py, PyBytes>, &'a [u8]),
    Copied(Vec<u8>),
}

impl<'a, 'py> FeedData<'a, 'py> {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            FeedData::Bytes(_, b) => b,
            FeedData::Copied(v) => v,
        }
    }

    /// Immutable bytes may be read with the GIL released.
    fn may_detach(&self) -> bool {
        matches!(self, FeedData::Bytes(..))
    }

    /// The `bytes` object messages may share instead of copying their heads:
    /// an exact `bytes` no longer than [`SHARE_LIMIT`]. Not a subclass: its
    /// instance `__dict__` could refer back to the messages, a cycle the
    /// collector cannot see through `Request` and `Headers` (they are not
    /// GC types), so it would never be freed.
    fn shareable(&self) -> Option<(&'a Bound<'py, PyBytes>, &'a [u8])> {
        match self {
            FeedData::Bytes(object, bytes)
                if bytes.len() <= SHARE_LIMIT && object.is_exact_instance_of::<PyBytes>() =>
            {
                Some((object, bytes))
            }
            _ => None,
        }
    }
}

pub(crate) fn feed_data<'a, 'py>(data: &'a Bound<'py, PyAny>) -> PyResult<FeedData<'a, 'py>> {
    // An exact `bytes` (nearly every feed) is recognised by its type
    // pointer, without the flag lookup a subclass check costs.
    if let Ok(bytes) = data.cast_exact::<PyBytes>() {
        return Ok(FeedData::Bytes(bytes, bytes.as_bytes()));
    }
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(FeedData::Bytes(bytes, bytes.as_bytes()));
    }
    match PyBuffer::<u8>::get(data) {
        Ok(buffer) => Ok(FeedData::Copied(buffer.to_vec(data.py())?)),
        Err(_) => Err(PyTypeError::new_err(format!(
            "feed() takes a bytes-like object, not {}",
            data.get_type().name()?
        ))),
    }
}

/// The bytes of an `expect(method)` argument: `str` or bytes-like.
pub(crate) fn method_arg(method: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(text) = method.cast::<PyString>() {
        return Ok(text.to_str()?.as_bytes().to_vec());
    }
    let data = feed_data(method).map_err(|_| {
        PyTypeError::new_err("expect() takes a method as str or a bytes-like object")
    })?;
    Ok(data.as_slice().to_vec())
}

/// Parses `lenient=("bare_lf", ...)` into core flags (`None`: strict).
pub(crate) fn lenient_flags(names: Option<&Bound<'_, PyAny>>) -> PyResult<Lenient> {
    let mut flags = Lenient::STRICT;
    let Some(names) = names else {
        return Ok(flags);
    };
    if names.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "lenient takes an iterable of names, e.g. lenient=(\"bare_lf\",)",
        ));
    }
    for name in names.try_iter()? {
        let name = name?;
        let name: Cow<'_, str> = name.cast::<PyString>()?.to_cow()?;
        match Lenient::from_name(&name) {
            Some(flag) => flags |= flag,
            None => {
                let known: Vec<&str> = Lenient::NAMES.iter().map(|(n, _)| *n).collect();
                return Err(PyValueError::new_err(format!(
                    "unknown leniency {name:?}; known: {}",
                    known.join(", ")
                )));
            }
        }
    }
    Ok(flags)
}

/// Validated limits for the core parser and the collector.
pub(crate) fn limits(
    max_head: usize,
    max_headers: usize,
    max_body: Option<u64>,
    max_line: usize,
    max_chunk_extension: usize,
) -> PyResult<Limits> {
    if max_head == 0 || max_headers == 0 || max_line == 0 {
        return Err(PyValueError::new_err(
            "max_head, max_headers and max_line must be positive",
        ));
    }
    if max_head > u32::MAX as usize / 4 {
        return Err(PyValueError::new_err("max_head is too large"));
    }
    Ok(Limits {
        max_head,
        max_headers,
        max_body,
        max_chunk_extension,
        max_line,
    })
}

/// A core parser, its collector and the Python-facing state.
struct Driver<P> {
    parser: P,
    collector: MessageCollector,
    limits: Limits,
    error: Option<ParseError>,
    upgraded: bool,
    unparsed: Vec<u8>,
}

impl<P: Parser<MessageCollector>> Driver<P> {
    fn new(parser: P, limits: Limits) -> Self {
        let collector = MessageCollector::new(CollectorLimits {
            max_head: limits.max_head,
            max_headers: limits.max_headers,
            max_body: limits
                .max_body
                .map_or(usize::MAX, |b| usize::try_from(b).unwrap_or(usize::MAX)),
            max_pending: MAX_PENDING,
        });
        Driver {
            parser,
            collector,
            limits,
            error: None,
            upgraded: false,
            unparsed: Vec::new(),
        }
    }

    /// The sticky error as a Python exception.
    fn raise_sticky(&self, py: Python<'_>) -> PyResult<()> {
        match &self.error {
            Some(err) => Err(errors::parse_error(py, err, None)),
            None => Ok(()),
        }
    }

    /// A limit the collector hit, as a parse error at the parser's position.
    fn collector_error(&mut self) -> Option<ParseError> {
        let kind = self.collector.take_error()?;
        let limit = match kind {
            ErrorKind::HeadTooLarge => self.limits.max_head as u64,
            ErrorKind::TooManyHeaders => self.limits.max_headers as u64,
            ErrorKind::BodyTooLarge => self.limits.max_body.unwrap_or(u64::MAX),
            _ => 0,
        };
        Some(ParseError::limit(kind, self.parser.offset(), limit))
    }

    /// Moves every complete record into `out` as a Python object; a record
    /// whose head lies in `shared` (the input of the last parse call) shares it.
    /// If building one fails, the records after it are dropped: a head left
    /// in the input (`parse_kept`) cannot outlive it. That holds for a panic
    /// too (PyO3's infallible constructors such as `PyBytes::new` panic when
    /// an allocation fails, and the trampoline raises it): [`ReleaseRest`]
    /// releases the record being built and the rest while unwinding, so no
    /// record whose head lay in a gone input is read by a later feed.
    fn drain(
        &mut self,
        py: Python<'_>,
        out: &Bound<'_, PyList>,
        build: BuildMessage,
        shared: Option<SharedInput<'_, '_>>,
    ) -> PyResult<()> {
        let mut drain = ReleaseRest {
            collector: &mut self.collector,
            in_flight: None,
            done: false,
        };
        while let Some(key) = drain.collector.pop() {
            drain.in_flight = Some(key);
            let built = match drain.collector.record(key) {
                Some(record) => {
                    if record.info().upgrade {
                        self.upgraded = true;
                    }
                    let shared = shared.and_then(|input| {
                        Some((input, drain.collector.area_in_last_input(record)?))
                    });
                    build(py, record, shared)
                }
                None => Ok(py.None()),
            };
            drain.in_flight = None;
            drain.collector.release(key);
            out.append(built?)?;
        }
        drain.done = true;
        Ok(())
    }

    fn fail<'py>(&mut self, py: Python<'py>, err: ParseError, out: Bound<'py, PyList>) -> PyErr {
        self.error = Some(err);
        errors::parse_error(py, &err, Some(out))
    }

    fn feed<'py>(
        &mut self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        build: BuildMessage,
    ) -> PyResult<Bound<'py, PyList>> {
        self.raise_sticky(py)?;
        let data = feed_data(data)?;
        let bytes = data.as_slice();
        let out = PyList::empty(py);
        if self.upgraded {
            self.unparsed.extend_from_slice(bytes);
            return Ok(out);
        }
        // A shared `bytes` outlives this call's drains: heads inside it are
        // left there rather than copied (`parse_kept`).
        let kept = data.shareable().is_some();
        let mut pos = 0;
        loop {
            let rest = &bytes[pos..];
            let parse = |collector: &mut MessageCollector, parser: &mut P| {
                if kept {
                    collector.parse_kept(parser, rest)
                } else {
                    collector.parse(parser, rest)
                }
            };
            let result = if data.may_detach() && rest.len() >= DETACH_THRESHOLD {
                let parser = &mut self.parser;
                let collector = &mut self.collector;
                py.detach(|| parse(collector, parser))
            } else {
                parse(&mut self.collector, &mut self.parser)
            };
            let shared = data.shareable().map(|(bytes, data)| SharedInput {
                bytes,
                data,
                offset: pos,
            });
            self.drain(py, &out, build, shared)?;
            let consumed = match result {
                Ok(consumed) => consumed,
                Err(err) => return Err(self.fail(py, err, out)),
            };
            if let Some(err) = self.collector_error() {
                return Err(self.fail(py, err, out));
            }
            pos += consumed;
            if self.upgraded {
                self.unparsed.extend_from_slice(&bytes[pos..]);
                break;
            }
            if pos >= bytes.len() {
                break;
            }
            if consumed == 0 && self.collector.ready_len() == 0 && !self.collector.is_full() {
                // The parser stopped without a reason we know: never spin.
                let err = ParseError::new(ErrorKind::UnexpectedMessage, self.parser.offset());
                return Err(self.fail(py, err, out));
            }
        }
        Ok(out)
    }

    fn feed_eof(&mut self, py: Python<'_>, build: BuildMessage) -> PyResult<Option<Py<PyAny>>> {
        self.raise_sticky(py)?;
        if self.upgraded {
            return Ok(None);
        }
        let out = PyList::empty(py);
        let result = self.parser.parse_eof(&mut self.collector);
        self.drain(py, &out, build, None)?;
        if let Err(err) = result {
            return Err(self.fail(py, err, out));
        }
        if let Some(err) = self.collector_error() {
            return Err(self.fail(py, err, out));
        }
        Ok(match out.len() {
            0 => None,
            n => Some(out.get_item(n - 1)?.unbind()),
        })
    }

    fn reset(&mut self) {
        self.parser.reset();
        self.collector.reset();
        self.error = None;
        self.upgraded = false;
        self.unparsed.clear();
    }
}

/// Releases, when dropped before [`Driver::drain`] finished (an error or a
/// panic), the popped record being built and every record still queued.
struct ReleaseRest<'a> {
    collector: &'a mut MessageCollector,
    in_flight: Option<Key>,
    done: bool,
}

impl Drop for ReleaseRest<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.in_flight.take() {
            self.collector.release(key);
        }
        if !self.done {
            while let Some(key) = self.collector.pop() {
                self.collector.release(key);
            }
        }
    }
}

/// Builds the Python object for a complete record (sharing the input when
/// the record's area lies in it at the given offset).
type BuildMessage =
    fn(Python<'_>, &MessageRecord, Option<(SharedInput<'_, '_>, usize)>) -> PyResult<Py<PyAny>>;

fn build<M: FromRecord>(
    py: Python<'_>,
    record: &MessageRecord,
    shared: Option<(SharedInput<'_, '_>, usize)>,
) -> PyResult<Py<PyAny>> {
    M::from_record(py, record, shared)
}

/// Declares a message parser class: the constructor (the same keywords for
/// both), `feed`, `feed_eof`, `unparsed`, `offset` and `reset` over a
/// [`Driver`], plus the class's own methods (`$extra`).
macro_rules! message_parser {
    (
        $(#[$class_doc:meta])*
        $name:ident($core:ident) builds $message:ty;
        #[doc = $feed_doc:literal]
        #[doc = $feed_eof_doc:literal]
        #[doc = $unparsed_doc:literal]
        #[doc = $reset_doc:literal]
        $($extra:item)*
    ) => {
        $(#[$class_doc])*
        #[pyclass(module = "octonaut.http")]
        pub struct $name {
            driver: Driver<$core>,
        }

        #[pymethods]
        impl $name {
            #[new]
            #[pyo3(signature = (
                *, max_head = Limit(16384), max_headers = Limit(100), max_body = Limit(1 << 20),
                lenient = None, max_line = Limit(8192), max_chunk_extension = Limit(1024)
            ), text_signature = "(*, max_head=16384, max_headers=100, max_body=1048576, lenient=(), max_line=8192, max_chunk_extension=1024)")]
            fn new(
                max_head: Limit,
                max_headers: Limit,
                max_body: Limit,
                lenient: Option<&Bound<'_, PyAny>>,
                max_line: Limit,
                max_chunk_extension: Limit,
            ) -> PyResult<Self> {
                let flags = lenient_flags(lenient)?;
                let limits = limits(
                    max_head.size(),
                    max_headers.size(),
                    Some(max_body.0),
                    max_line.size(),
                    max_chunk_extension.size(),
                )?;
                Ok($name {
                    driver: Driver::new($core::new(limits, flags), limits),
                })
            }

            #[doc = $feed_doc]
            fn feed<'py>(
                &mut self,
                py: Python<'py>,
                data: &Bound<'py, PyAny>,
            ) -> PyResult<Bound<'py, PyList>> {
                self.driver.feed(py, data, build::<$message>)
            }

            #[doc = $feed_eof_doc]
            fn feed_eof(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
                self.driver.feed_eof(py, build::<$message>)
            }

            #[doc = $unparsed_doc]
            #[getter]
            fn unparsed<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
                PyBytes::new(py, &self.driver.unparsed)
            }

            /// Absolute stream offset of the next byte the parser expects.
            #[getter]
            fn offset(&self) -> u64 {
                Parser::<MessageCollector>::offset(&self.driver.parser)
            }

            #[doc = $reset_doc]
            fn reset(&mut self) {
                self.driver.reset();
            }

            $($extra)*
        }
    };
}

message_parser! {
    /// Incremental HTTP/1.1 request parser: `feed(data)` returns the complete
    /// `Request`s in order.
    ///
    /// `feed_eof()` returns None at a message boundary and raises
    /// `ParseError(code="incomplete")` in the middle of a request.
    RequestParser(CoreRequestParser) builds Request;
    /// Parses `data` (bytes-like) and returns the requests it completed.
    /// The peer closed: returns None, or raises `ParseError(code="incomplete")` when a request was cut short.
    /// The bytes after an Upgrade or CONNECT request (b"" before one).
    /// Restores a clean slate (limits and leniencies are kept).
}

message_parser! {
    /// Incremental HTTP/1.1 response parser: `feed(data)` returns the complete
    /// `Response`s in order; call `expect(method)` once per request sent.
    ResponseParser(CoreResponseParser) builds Response;
    /// Parses `data` (bytes-like) and returns the responses it completed.
    /// The peer closed: returns the response whose body ran until the close, None at a message boundary, or raises `ParseError(code="incomplete")`.
    /// The bytes after a 101 response or a 2xx response to CONNECT.
    /// Restores a clean slate, forgetting expected methods too.

    /// Records that a request with `method` was sent (call once per request,
    /// in pipelined order), so a response to HEAD has no body and a 2xx
    /// response to CONNECT opens a tunnel.
    fn expect(&mut self, py: Python<'_>, method: &Bound<'_, PyAny>) -> PyResult<()> {
        if self.driver.parser.expect(&method_arg(method)?) {
            Ok(())
        } else {
            Err(errors::buffer_full(
                py,
                "too many requests awaiting a response; feed their responses first".into(),
            ))
        }
    }
}

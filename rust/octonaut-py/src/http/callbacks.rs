//! `HttpRequestParser` / `HttpResponseParser`: the httptools-compatible
//! callback API over the same core parsers.
//!
//! Strategy: the protocol's callbacks are looked up once, at construction
//! (as httptools does), and a [`CallbackSink`] forwards the core parser's
//! events to them while `feed_data` holds the GIL. Like httptools, URL,
//! status and body fragments are passed on as they arrive, while a header
//! field is accumulated (in two reused buffers) and passed whole to
//! `on_header(name, value)`. The first exception a callback raises stops the
//! parser at the next event that can pause; `feed_data` then raises
//! `HttpParserCallbackError` with the original as `__context__`. Errors are
//! sticky, like llhttp's. After an Upgrade (or CONNECT) message,
//! `feed_data` raises `HttpParserUpgrade(offset)` with the offset in that
//! call's data where the other protocol begins, and the parser starts afresh
//! on the next call (httptools resumes llhttp the same way).
//!
//! The getters (`get_method()`, `should_keep_alive()`, ...) read a small
//! state behind its own short-lived lock, so callbacks may call them while
//! `feed_data` runs, as uvicorn does; calling `feed_data` itself from a
//! callback raises `RuntimeError` (the callback error's `__context__`).
//!
//! Bodies stream through `on_body` in fragments, whatever their size (no
//! `max_body`). Extension: when a response parser's `on_headers_complete()`
//! returns `True`, the response is treated as having no body (a response to
//! HEAD; httptools issue #47), since the caller knows what it asked. A
//! request parser ignores the return value (as httptools does): a request's
//! framing is never the protocol's to override, or its body could be parsed
//! as a smuggled request.

use octonaut_core::http::{
    HeadInfo, HeadersAction, HttpSink, RequestParser as CoreRequestParser,
    ResponseParser as CoreResponseParser,
};
use octonaut_core::parse::{ErrorKind, ParseError, Parser};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyType};

use super::parsers::{feed_data, lenient_flags, limits, method_arg};
use crate::errors;
use crate::limit::Limit;
use octonaut_core::http::Flow;

/// The httptools exception classes, looked up once in `octonaut._http_errors`.
#[derive(Clone, Copy)]
enum ErrorClass {
    Parser,
    Callback,
    InvalidStatus,
    InvalidMethod,
    InvalidUrl,
    Upgrade,
    /// A limit: both `HttpParserError` and `octonaut.LimitExceeded`.
    Limit,
}

static CLASSES: [PyOnceLock<Py<PyType>>; 7] = [const { PyOnceLock::new() }; 7];

impl ErrorClass {
    fn name(self) -> &'static str {
        match self {
            ErrorClass::Parser => "HttpParserError",
            ErrorClass::Callback => "HttpParserCallbackError",
            ErrorClass::InvalidStatus => "HttpParserInvalidStatusError",
            ErrorClass::InvalidMethod => "HttpParserInvalidMethodError",
            ErrorClass::InvalidUrl => "HttpParserInvalidURLError",
            ErrorClass::Upgrade => "HttpParserUpgrade",
            ErrorClass::Limit => "_HttpParserLimitExceeded",
        }
    }

    fn of(kind: ErrorKind) -> ErrorClass {
        match kind {
            ErrorKind::InvalidMethod => ErrorClass::InvalidMethod,
            ErrorKind::InvalidTarget => ErrorClass::InvalidUrl,
            ErrorKind::InvalidStatus => ErrorClass::InvalidStatus,
            kind if kind.is_limit() => ErrorClass::Limit,
            _ => ErrorClass::Parser,
        }
    }

    fn class<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyType>> {
        CLASSES[self as usize]
            .get_or_try_init(py, || {
                let module = py.import("octonaut._http_errors")?;
                Ok::<_, PyErr>(module.getattr(self.name())?.cast_into::<PyType>()?.unbind())
            })
            .map(|class| class.bind(py).clone())
    }

    /// An instance: `cls(message, code, offset)` for the parse errors,
    /// `HttpParserUpgrade(offset)` for the upgrade signal.
    fn error(self, py: Python<'_>, message: &str, code: &str, offset: u64) -> PyErr {
        let class = match self.class(py) {
            Ok(class) => class,
            Err(err) => return err,
        };
        match self {
            ErrorClass::Upgrade => PyErr::from_type(class, (offset,)),
            _ => PyErr::from_type(class, (message.to_owned(), code.to_owned(), offset)),
        }
    }
}

/// The protocol's callbacks, looked up once (missing or None: not called).
struct Protocol {
    /// A request parser: the return value of `on_headers_complete` is
    /// ignored there, as httptools does, so a body can never be reparsed as
    /// a request (the "no body" answer is for responses only).
    request: bool,
    on_message_begin: Option<Py<PyAny>>,
    on_url: Option<Py<PyAny>>,
    on_status: Option<Py<PyAny>>,
    on_header: Option<Py<PyAny>>,
    on_headers_complete: Option<Py<PyAny>>,
    on_body: Option<Py<PyAny>>,
    on_message_complete: Option<Py<PyAny>>,
    on_chunk_header: Option<Py<PyAny>>,
    on_chunk_complete: Option<Py<PyAny>>,
}

impl Protocol {
    fn new(protocol: &Bound<'_, PyAny>, request: bool) -> PyResult<Self> {
        let lookup = |name: &str| -> PyResult<Option<Py<PyAny>>> {
            match protocol.getattr(name) {
                Ok(attr) if attr.is_none() => Ok(None),
                Ok(attr) => Ok(Some(attr.unbind())),
                Err(err)
                    if err.is_instance_of::<pyo3::exceptions::PyAttributeError>(protocol.py()) =>
                {
                    Ok(None)
                }
                Err(err) => Err(err),
            }
        };
        Ok(Protocol {
            request,
            on_message_begin: lookup("on_message_begin")?,
            on_url: if request { lookup("on_url")? } else { None },
            on_status: if request { None } else { lookup("on_status")? },
            on_header: lookup("on_header")?,
            on_headers_complete: lookup("on_headers_complete")?,
            on_body: lookup("on_body")?,
            on_message_complete: lookup("on_message_complete")?,
            on_chunk_header: lookup("on_chunk_header")?,
            on_chunk_complete: lookup("on_chunk_complete")?,
        })
    }
}

/// What `get_method()` and friends report. It sits behind its own lock,
/// taken only for a moment by the sink and by the getters, so callbacks may
/// call the getters while `feed_data` runs (uvicorn does).
#[derive(Default)]
struct Reported {
    method: Vec<u8>,
    status: u16,
    version: (u8, u8),
    keep_alive: bool,
    upgrade: bool,
}

/// The header field being assembled, and whether a chunk is open.
#[derive(Default)]
struct Assembly {
    name: Vec<u8>,
    value: Vec<u8>,
    chunk_open: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Forwards core events to the protocol while the GIL is held.
struct CallbackSink<'a, 'py> {
    py: Python<'py>,
    protocol: &'a Protocol,
    assembly: &'a mut Assembly,
    reported: &'a Mutex<Reported>,
    error: Option<PyErr>,
}

impl<'a, 'py> CallbackSink<'a, 'py> {
    fn new(
        py: Python<'py>,
        protocol: &'a Protocol,
        assembly: &'a mut Assembly,
        reported: &'a Mutex<Reported>,
    ) -> Self {
        CallbackSink {
            py,
            protocol,
            assembly,
            reported,
            error: None,
        }
    }

    fn record(&mut self, result: PyResult<Bound<'_, PyAny>>) -> Option<bool> {
        match result {
            Ok(value) => Some(value.is_truthy().unwrap_or(false)),
            Err(err) => {
                self.error = Some(err);
                None
            }
        }
    }

    /// `callback()`; Some(truthiness of the result) unless skipped or failed.
    fn call0(&mut self, callback: &Option<Py<PyAny>>) -> Option<bool> {
        if self.error.is_some() {
            return None;
        }
        let callback = callback.as_ref()?;
        let result = callback.bind(self.py).call0();
        self.record(result)
    }

    /// `callback(bytes(data))`.
    fn call_bytes(&mut self, callback: &Option<Py<PyAny>>, data: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let Some(callback) = callback.as_ref() else {
            return;
        };
        let result = callback.bind(self.py).call1((PyBytes::new(self.py, data),));
        self.record(result);
    }

    fn report(&self, update: impl FnOnce(&mut Reported)) {
        update(&mut lock(self.reported));
    }

    fn flow(&self) -> Flow {
        if self.error.is_some() {
            Flow::Pause
        } else {
            Flow::Continue
        }
    }
}

impl HttpSink for CallbackSink<'_, '_> {
    fn on_message_begin(&mut self) -> Flow {
        self.report(|r| {
            r.method.clear();
            r.upgrade = false;
        });
        self.assembly.name.clear();
        self.assembly.value.clear();
        self.assembly.chunk_open = false;
        self.call0(&self.protocol.on_message_begin);
        self.flow()
    }

    fn on_method(&mut self, fragment: &[u8]) {
        self.report(|r| r.method.extend_from_slice(fragment));
    }

    fn on_target(&mut self, fragment: &[u8]) {
        self.call_bytes(&self.protocol.on_url, fragment);
    }

    fn on_status(&mut self, code: u16) {
        self.report(|r| r.status = code);
    }

    fn on_reason(&mut self, fragment: &[u8]) {
        self.call_bytes(&self.protocol.on_status, fragment);
    }

    fn on_version(&mut self, major: u8, minor: u8) {
        self.report(|r| r.version = (major, minor));
    }

    fn on_header_name(&mut self, fragment: &[u8]) {
        self.assembly.name.extend_from_slice(fragment);
    }

    fn on_header_value(&mut self, fragment: &[u8]) {
        self.assembly.value.extend_from_slice(fragment);
    }

    fn on_header_complete(&mut self) {
        if self.error.is_none() {
            if let Some(callback) = self.protocol.on_header.as_ref() {
                let py = self.py;
                let name = PyBytes::new(py, &self.assembly.name);
                let value = PyBytes::new(py, &self.assembly.value);
                let result = callback.bind(py).call1((name, value));
                self.record(result);
            }
        }
        self.assembly.name.clear();
        self.assembly.value.clear();
    }

    fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
        self.report(|r| {
            r.version = (info.version_major, info.version_minor);
            r.keep_alive = info.keep_alive;
            r.upgrade = info.upgrade;
            if info.status != 0 {
                r.status = info.status;
            }
        });
        let answered_no_body = self.call0(&self.protocol.on_headers_complete) == Some(true);
        let skip_body = answered_no_body && !self.protocol.request;
        HeadersAction {
            skip_body,
            pause: self.error.is_some(),
        }
    }

    fn on_body(&mut self, fragment: &[u8]) {
        self.call_bytes(&self.protocol.on_body, fragment);
    }

    fn on_chunk_header(&mut self, _size: u64) {
        self.assembly.chunk_open = true;
        self.call0(&self.protocol.on_chunk_header);
    }

    fn on_chunk_complete(&mut self) {
        self.assembly.chunk_open = false;
        self.call0(&self.protocol.on_chunk_complete);
    }

    fn on_message_complete(&mut self) -> Flow {
        if self.assembly.chunk_open {
            // The last chunk ends with the trailer section (llhttp reports its
            // completion there).
            self.assembly.chunk_open = false;
            self.call0(&self.protocol.on_chunk_complete);
        }
        self.call0(&self.protocol.on_message_complete);
        self.flow()
    }
}

/// Why the parser no longer parses.
#[derive(Clone)]
enum Sticky {
    Parse(ParseError),
    Callback(String),
}

/// Shared machinery of both callback parsers.
struct Engine<P> {
    parser: P,
    protocol: Protocol,
    assembly: Assembly,
    sticky: Option<Sticky>,
}

impl<P: CoreParser> Engine<P> {
    fn new(parser: P, protocol: Protocol) -> Self {
        Engine {
            parser,
            protocol,
            assembly: Assembly::default(),
            sticky: None,
        }
    }

    fn raise(&self, py: Python<'_>, sticky: &Sticky) -> PyErr {
        match sticky {
            Sticky::Parse(err) => {
                ErrorClass::of(err.kind).error(py, &err.to_string(), err.code(), err.offset)
            }
            Sticky::Callback(message) => {
                ErrorClass::Callback.error(py, message, "callback_error", self.parser.offset())
            }
        }
    }

    fn feed_data(
        &mut self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        reported: &Mutex<Reported>,
    ) -> PyResult<()> {
        if let Some(sticky) = &self.sticky {
            return Err(self.raise(py, sticky));
        }
        let data = feed_data(data)?;
        let bytes = data.as_slice();
        let mut pos = 0;
        loop {
            let mut sink = CallbackSink::new(py, &self.protocol, &mut self.assembly, reported);
            let result = self.parser.parse(&bytes[pos..], &mut sink);
            let callback_error = sink.error.take();
            let consumed = self.settle(py, callback_error, result)?;
            pos += consumed;
            if self.parser.upgraded() {
                // Start afresh on the next call, as httptools resumes llhttp.
                self.parser.reset();
                return Err(ErrorClass::Upgrade.error(py, "", "upgrade", pos as u64));
            }
            if pos >= bytes.len() || consumed == 0 {
                return Ok(());
            }
        }
    }

    /// Turns a callback's exception, else a parse error, into the sticky
    /// error and raises it; passes a successful result through.
    fn settle<T>(
        &mut self,
        py: Python<'_>,
        callback_error: Option<PyErr>,
        result: Result<T, ParseError>,
    ) -> PyResult<T> {
        if let Some(original) = callback_error {
            let message = "a protocol callback raised; see __context__".to_owned();
            let sticky = Sticky::Callback(message);
            let err = self.raise(py, &sticky);
            self.sticky = Some(sticky);
            err.value(py).setattr("__context__", original.value(py))?;
            return Err(err);
        }
        result.map_err(|err| {
            let sticky = Sticky::Parse(err);
            let raised = self.raise(py, &sticky);
            self.sticky = Some(sticky);
            raised
        })
    }

    /// Ends the stream: completes a message whose end is the close.
    fn feed_eof(&mut self, py: Python<'_>, reported: &Mutex<Reported>) -> PyResult<()> {
        if let Some(sticky) = &self.sticky {
            return Err(self.raise(py, sticky));
        }
        let mut sink = CallbackSink::new(py, &self.protocol, &mut self.assembly, reported);
        let result = self.parser.parse_eof(&mut sink);
        let callback_error = sink.error.take();
        self.settle(py, callback_error, result)
    }
}

/// The two core parsers, as the engine drives them.
trait CoreParser: for<'a, 'py> Parser<CallbackSink<'a, 'py>> {
    fn upgraded(&self) -> bool;
}

impl CoreParser for CoreRequestParser {
    fn upgraded(&self) -> bool {
        self.is_upgraded()
    }
}

impl CoreParser for CoreResponseParser {
    fn upgraded(&self) -> bool {
        self.is_upgraded()
    }
}

fn version_string(reported: &Mutex<Reported>) -> String {
    let version = lock(reported).version;
    format!("{}.{}", version.0, version.1)
}

/// The engine, unless `feed_data` is already running (a callback called it).
fn engine<P>(engine: &Mutex<Engine<P>>) -> PyResult<MutexGuard<'_, Engine<P>>> {
    match engine.try_lock() {
        Ok(guard) => Ok(guard),
        Err(TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => Err(PyRuntimeError::new_err(
            "feed_data() cannot be called from a protocol callback",
        )),
    }
}

/// Declares an httptools-compatible parser class: the constructor,
/// `feed_data`, `feed_eof`, `get_http_version`, `should_keep_alive` and
/// `should_upgrade`, plus the class's own methods (`$extra`).
macro_rules! callback_parser {
    (
        $(#[$class_doc:meta])*
        $name:ident($core:ident), requests: $requests:literal;
        $($extra:item)*
    ) => {
        $(#[$class_doc])*
        #[pyclass(frozen, module = "octonaut.http")]
        pub struct $name {
            reported: Mutex<Reported>,
            engine: Mutex<Engine<$core>>,
        }

        #[pymethods]
        impl $name {
            #[new]
            #[pyo3(signature = (protocol, *, max_head = Limit(16384), max_headers = Limit(100), max_line = Limit(8192), lenient = None, max_chunk_extension = Limit(1024)),
                text_signature = "(protocol, *, max_head=16384, max_headers=100, max_line=8192, lenient=(), max_chunk_extension=1024)")]
            fn new(
                protocol: &Bound<'_, PyAny>,
                max_head: Limit,
                max_headers: Limit,
                max_line: Limit,
                lenient: Option<&Bound<'_, PyAny>>,
                max_chunk_extension: Limit,
            ) -> PyResult<Self> {
                let flags = lenient_flags(lenient)?;
                let limits = limits(
                    max_head.size(),
                    max_headers.size(),
                    None,
                    max_line.size(),
                    max_chunk_extension.size(),
                )?;
                Ok($name {
                    reported: Mutex::new(Reported::default()),
                    engine: Mutex::new(Engine::new(
                        $core::new(limits, flags),
                        Protocol::new(protocol, $requests)?,
                    )),
                })
            }

            /// Parses `data`, calling the protocol's callbacks.
            fn feed_data(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
                engine(&self.engine)?.feed_data(py, data, &self.reported)
            }

            /// Ends the stream (an octonaut extension; httptools has none):
            /// completes a response whose body runs until the close, calling
            /// `on_message_complete`, or raises `HttpParserError` with
            /// `code="incomplete"` when a message was cut short.
            fn feed_eof(&self, py: Python<'_>) -> PyResult<()> {
                engine(&self.engine)?.feed_eof(py, &self.reported)
            }

            /// `"1.1"` or `"1.0"`.
            fn get_http_version(&self) -> String {
                version_string(&self.reported)
            }

            /// Whether the connection stays open after the current message.
            fn should_keep_alive(&self) -> bool {
                lock(&self.reported).keep_alive
            }

            /// Whether the current message switches protocols.
            fn should_upgrade(&self) -> bool {
                lock(&self.reported).upgrade
            }

            $($extra)*
        }
    };
}

callback_parser! {
    /// httptools-compatible request parser: `HttpRequestParser(protocol)`.
    HttpRequestParser(CoreRequestParser), requests: true;

    /// The current request's method, e.g. `b"GET"`.
    fn get_method<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &lock(&self.reported).method)
    }
}

callback_parser! {
    /// httptools-compatible response parser: `HttpResponseParser(protocol)`.
    HttpResponseParser(CoreResponseParser), requests: false;

    /// Records that a request with `method` was sent, so its response is
    /// framed right (no body after HEAD; a tunnel after a 2xx to CONNECT).
    /// An octonaut extension; returning True from `on_headers_complete` is
    /// the other way to say "no body".
    fn expect(&self, py: Python<'_>, method: &Bound<'_, PyAny>) -> PyResult<()> {
        if engine(&self.engine)?.parser.expect(&method_arg(method)?) {
            Ok(())
        } else {
            Err(errors::buffer_full(
                py,
                "too many requests awaiting a response".into(),
            ))
        }
    }

    /// The current response's status code.
    fn get_status_code(&self) -> u16 {
        lock(&self.reported).status
    }
}

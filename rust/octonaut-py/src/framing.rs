//! Python bindings for the framing parsers: `octonaut.Lines` and
//! `octonaut.LengthPrefixed`.
//!
//! Strategy: `feed` runs the core parser into a [`Spans`] sink that records
//! where each frame lies (a span of the caller's input, or of a side buffer
//! for the rare frame assembled across feeds), and only then builds the
//! `bytes` objects in one pass. For a `bytes` input of at least
//! [`DETACH_THRESHOLD`] bytes the scan runs with the GIL released (a `bytes`
//! object is immutable and our reference keeps it alive, so no other thread
//! can change it meanwhile); other buffers (bytearray, memoryview) are
//! scanned holding the GIL, since only the GIL keeps their writers out.
//! Errors are sticky in the core; they reach Python through
//! [`crate::errors`] carrying the frames the same call completed before the
//! error.

use octonaut_core::framing::{
    ByteOrder, ConfigError, FrameSink, LengthPrefixed as CoreLengthPrefixed, LengthPrefixedConfig,
    Lines as CoreLines, LinesConfig, Recovery,
};
use octonaut_core::parse::{Flow, ParseError, Parser};
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyMemoryError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

use crate::errors;
use crate::limit::Limit;

/// Inputs at least this long are scanned with the GIL released (when they
/// are `bytes`). Below it, releasing and re-taking the GIL costs more than the
/// scan (see `benchmarks/bench_framing.py`).
const DETACH_THRESHOLD: usize = 64 * 1024;

/// Where one frame's bytes are, relative to the input or the side buffer.
#[derive(Clone, Copy)]
enum Span {
    Input { start: usize, end: usize },
    Assembled { start: usize, end: usize },
}

/// A [`FrameSink`] that remembers frame positions instead of copying them.
/// Its vectors are kept between feeds, so they stop growing once warm.
#[derive(Default)]
struct Spans {
    input_start: usize,
    input_len: usize,
    spans: Vec<Span>,
    /// Frames the parser assembled in its own buffer (split across feeds):
    /// copied here because that buffer is reused right after the callback.
    assembled: Vec<u8>,
}

impl Spans {
    fn begin(&mut self, input: &[u8]) {
        self.input_start = input.as_ptr() as usize;
        self.input_len = input.len();
        self.spans.clear();
        self.assembled.clear();
    }

    /// Builds the `bytes` objects for the recorded spans, in order.
    fn to_list<'py>(&self, py: Python<'py>, input: &[u8]) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.spans.iter().map(|span| match *span {
                Span::Input { start, end } => PyBytes::new(py, &input[start..end]),
                Span::Assembled { start, end } => PyBytes::new(py, &self.assembled[start..end]),
            }),
        )
    }
}

impl FrameSink for Spans {
    fn on_frame(&mut self, frame: &[u8]) -> Flow {
        let address = frame.as_ptr() as usize;
        let in_input = address >= self.input_start
            && address + frame.len() <= self.input_start + self.input_len;
        let span = if in_input {
            let start = address - self.input_start;
            Span::Input {
                start,
                end: start + frame.len(),
            }
        } else {
            let start = self.assembled.len();
            self.assembled.extend_from_slice(frame);
            Span::Assembled {
                start,
                end: self.assembled.len(),
            }
        };
        self.spans.push(span);
        Flow::Continue
    }
}

/// Runs `parse` over `data` (any C-contiguous bytes-like object), then builds
/// the list of frames, or the error carrying the frames before it.
fn feed_frames<'py, P>(
    py: Python<'py>,
    parser: &mut P,
    spans: &mut Spans,
    data: &Bound<'py, PyAny>,
    rename_limit: Option<&str>,
) -> PyResult<Bound<'py, PyList>>
where
    P: Parser<Spans> + Send,
{
    let scan = |parser: &mut P, spans: &mut Spans, input: &[u8]| {
        spans.begin(input);
        parser.parse(input, spans).map(|_| ())
    };
    if let Ok(bytes) = data.cast::<PyBytes>() {
        let input = bytes.as_bytes();
        let outcome = if input.len() >= DETACH_THRESHOLD {
            py.detach(|| scan(parser, spans, input))
        } else {
            scan(parser, spans, input)
        };
        return finish(py, spans, input, outcome, rename_limit);
    }
    let buffer = PyBuffer::<u8>::get(data)?;
    if !buffer.is_c_contiguous() {
        return Err(PyValueError::new_err(
            "data must be a C-contiguous bytes-like object",
        ));
    }
    let input: &[u8] = if buffer.len_bytes() == 0 {
        &[]
    } else {
        // SAFETY: the buffer export is held until `buffer` drops at the end of
        // this function, so the memory stays allocated and cannot be resized;
        // it is C-contiguous `len_bytes()` bytes of `u8`; and we hold the GIL
        // throughout, so no Python code can write to it while we read.
        unsafe { std::slice::from_raw_parts(buffer.buf_ptr() as *const u8, buffer.len_bytes()) }
    };
    let outcome = scan(parser, spans, input);
    finish(py, spans, input, outcome, rename_limit)
}

fn finish<'py>(
    py: Python<'py>,
    spans: &Spans,
    input: &[u8],
    outcome: Result<(), ParseError>,
    rename_limit: Option<&str>,
) -> PyResult<Bound<'py, PyList>> {
    let frames = spans.to_list(py, input)?;
    match outcome {
        Ok(()) => Ok(frames),
        Err(error) => Err(raise(py, &error, Some(frames), rename_limit)),
    }
}

/// The Python exception for `error`. `rename_limit` replaces the core's
/// generic option name in the message by the one this class takes.
fn raise<'py>(
    py: Python<'py>,
    error: &ParseError,
    frames: Option<Bound<'py, PyList>>,
    rename_limit: Option<&str>,
) -> PyErr {
    let mut message = error.to_string();
    if let (Some(name), Some(core_name)) = (rename_limit, error.kind.limit_option()) {
        message = message.replace(core_name, name);
    }
    errors::parse_error_with_message(py, message, error, frames)
}

fn config_error(error: ConfigError) -> PyErr {
    match error {
        ConfigError::OutOfMemory => PyMemoryError::new_err(error.to_string()),
        _ => PyValueError::new_err(error.to_string()),
    }
}

/// Splits a byte stream into records ending with a delimiter.
///
/// `feed(data)` returns the records completed by `data` (without the
/// delimiter unless `keep_delimiter`). A record longer than `max_length`
/// bytes (delimiter excluded) raises `LimitExceeded(code="line_too_long")`
/// at the offset of its first byte over the limit, or with
/// `on_error="skip"` is dropped up to the next delimiter and counted in
/// `skipped`. `feed_eof()` returns the final record if the stream did not
/// end with a delimiter (as file iteration and `bytes.splitlines` do).
#[pyclass(module = "octonaut", name = "Lines")]
pub struct Lines {
    /// Boxed: the finder holds SIMD vectors aligned to 32 bytes, and Python
    /// allocates objects only 16-byte aligned (an unboxed field segfaults).
    parser: Box<CoreLines>,
    spans: Spans,
}

#[pymethods]
impl Lines {
    #[new]
    #[pyo3(
        signature = (*, delimiter = None, max_length = Limit(65536), keep_delimiter = false, on_error = "raise"),
        text_signature = "(*, delimiter=b'\\n', max_length=65536, keep_delimiter=False, on_error='raise')"
    )]
    fn new(
        delimiter: Option<&Bound<'_, PyAny>>,
        max_length: Limit,
        keep_delimiter: bool,
        on_error: &str,
    ) -> PyResult<Self> {
        let delimiter = match delimiter {
            None => b"\n".to_vec(),
            Some(given) if given.is_instance_of::<PyString>() => {
                return Err(PyTypeError::new_err(
                    "delimiter must be a bytes-like object, not str",
                ))
            }
            Some(given) => given.extract::<Vec<u8>>()?,
        };
        let recovery = match on_error {
            "raise" => Recovery::Raise,
            "skip" => Recovery::Skip,
            other => {
                return Err(PyValueError::new_err(format!(
                    "on_error must be \"raise\" or \"skip\", not {other:?}"
                )))
            }
        };
        let parser = CoreLines::new(LinesConfig {
            delimiter,
            max_length: max_length.size(),
            keep_delimiter,
            recovery,
        })
        .map_err(config_error)?;
        Ok(Lines {
            parser: Box::new(parser),
            spans: Spans::default(),
        })
    }

    /// Parses `data`; returns the records it completed, in order.
    fn feed<'py>(
        &mut self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        feed_frames(
            py,
            &mut *self.parser,
            &mut self.spans,
            data,
            Some("max_length"),
        )
    }

    /// Ends the stream: returns `[final_record]` if bytes after the last
    /// delimiter are pending, else `[]`.
    fn feed_eof<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.spans.begin(&[]);
        let outcome = Parser::<Spans>::parse_eof(&mut *self.parser, &mut self.spans);
        finish(py, &self.spans, &[], outcome, Some("max_length"))
    }

    /// Forgets all state (pending bytes, error, offsets, `skipped`).
    fn reset(&mut self) {
        Parser::<Spans>::reset(&mut *self.parser);
    }

    /// Records dropped by `on_error="skip"` since construction or `reset()`.
    #[getter]
    fn skipped(&self) -> u64 {
        self.parser.skipped()
    }

    /// The absolute stream offset of the next byte expected.
    #[getter]
    fn offset(&self) -> u64 {
        Parser::<Spans>::offset(&*self.parser)
    }

    /// Bytes left after the parser stopped (issue 3: "common to all
    /// parsers"): always `b""`, since a framing parser never stops early
    /// (only an HTTP Upgrade or CONNECT does).
    #[getter]
    fn unparsed<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, b"")
    }
}

/// Splits a byte stream into frames preceded by an unsigned length.
///
/// The prefix is `width` (1, 2, 4 or 8) bytes in `byteorder` ("big" or
/// "little"); with `includes_header` it counts itself. `feed(data)` returns
/// the payloads completed by `data`. A payload over `max_frame` bytes raises
/// `LimitExceeded(code="frame_too_large")`, a length smaller than the header
/// `ParseError(code="invalid_length")`, both at the offset of the prefix.
/// `feed_eof()` returns `[]`, or raises `ParseError(code="incomplete")` if
/// the stream ended inside a frame.
#[pyclass(module = "octonaut", name = "LengthPrefixed")]
pub struct LengthPrefixed {
    /// Boxed like `Lines::parser`, so its alignment never depends on Python's.
    parser: Box<CoreLengthPrefixed>,
    spans: Spans,
}

#[pymethods]
impl LengthPrefixed {
    #[new]
    #[pyo3(
        signature = (*, width = 4, byteorder = "big", max_frame = Limit(1 << 20), includes_header = false),
        text_signature = "(*, width=4, byteorder='big', max_frame=1048576, includes_header=False)"
    )]
    fn new(
        width: usize,
        byteorder: &str,
        max_frame: Limit,
        includes_header: bool,
    ) -> PyResult<Self> {
        let byte_order = match byteorder {
            "big" => ByteOrder::Big,
            "little" => ByteOrder::Little,
            other => {
                return Err(PyValueError::new_err(format!(
                    "byteorder must be \"big\" or \"little\", not {other:?}"
                )))
            }
        };
        let parser = CoreLengthPrefixed::new(LengthPrefixedConfig {
            width,
            byte_order,
            max_frame: max_frame.0,
            includes_header,
        })
        .map_err(config_error)?;
        Ok(LengthPrefixed {
            parser: Box::new(parser),
            spans: Spans::default(),
        })
    }

    /// Parses `data`; returns the payloads it completed, in order.
    fn feed<'py>(
        &mut self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        feed_frames(py, &mut *self.parser, &mut self.spans, data, None)
    }

    /// Ends the stream: `[]`, or `ParseError(code="incomplete")` if a frame
    /// was cut short.
    fn feed_eof<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.spans.begin(&[]);
        let outcome = Parser::<Spans>::parse_eof(&mut *self.parser, &mut self.spans);
        finish(py, &self.spans, &[], outcome, None)
    }

    /// Forgets all state (partial frame, error, offsets).
    fn reset(&mut self) {
        Parser::<Spans>::reset(&mut *self.parser);
    }

    /// The absolute stream offset of the next byte expected.
    #[getter]
    fn offset(&self) -> u64 {
        Parser::<Spans>::offset(&*self.parser)
    }

    /// Bytes left after the parser stopped (issue 3: "common to all
    /// parsers"): always `b""`, since a framing parser never stops early
    /// (only an HTTP Upgrade or CONNECT does).
    #[getter]
    fn unparsed<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, b"")
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Lines>()?;
    m.add_class::<LengthPrefixed>()?;
    Ok(())
}

//! Maps core errors onto the Python hierarchy defined in `octonaut/_errors.py`:
//! `OctonautError` > `BufferFull`, `ParseError(.code, .offset, .messages)` >
//! `LimitExceeded`.
//!
//! Strategy: the classes are plain Python (so `ParseError` can also be a
//! `ValueError`, and pickling and `repr` behave); Rust looks them up once per
//! interpreter and instantiates them.

use octonaut_core::parse::ParseError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyType};

fn class(
    py: Python<'_>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
) -> PyResult<Py<PyType>> {
    cell.get_or_try_init(py, || {
        let module = py.import("octonaut._errors")?;
        Ok::<_, PyErr>(module.getattr(name)?.cast_into::<PyType>()?.unbind())
    })
    .map(|t| t.clone_ref(py))
}

static BUFFER_FULL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static PARSE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static LIMIT_EXCEEDED: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `octonaut.BufferFull(message)`.
pub fn buffer_full(py: Python<'_>, message: String) -> PyErr {
    match class(py, &BUFFER_FULL, "BufferFull") {
        Ok(cls) => PyErr::from_type(cls.into_bound(py), (message,)),
        Err(err) => err,
    }
}

/// `octonaut.ParseError` (or `LimitExceeded` for limit kinds) for `error`,
/// carrying the complete `messages` parsed before it in the same call.
pub fn parse_error(
    py: Python<'_>,
    error: &ParseError,
    messages: Option<Bound<'_, PyList>>,
) -> PyErr {
    parse_error_with_message(py, error.to_string(), error, messages)
}

/// Like [`parse_error`], with the exception message given (for a binding
/// whose option names differ from the core's generic ones).
pub fn parse_error_with_message(
    py: Python<'_>,
    message: String,
    error: &ParseError,
    messages: Option<Bound<'_, PyList>>,
) -> PyErr {
    let (cell, name) = if error.kind.is_limit() {
        (&LIMIT_EXCEEDED, "LimitExceeded")
    } else {
        (&PARSE_ERROR, "ParseError")
    };
    let cls = match class(py, cell, name) {
        Ok(cls) => cls,
        Err(err) => return err,
    };
    let messages = match messages {
        Some(list) => list.into_any().unbind(),
        None => PyList::empty(py).into_any().unbind(),
    };
    PyErr::from_type(
        cls.into_bound(py),
        (message, error.code(), error.offset, messages),
    )
}

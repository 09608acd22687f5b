//! Python bindings for `octonaut_core::http`: the message API
//! (`RequestParser`, `ResponseParser` returning `Request`/`Response` with lazy
//! `Headers`) and the httptools-compatible callback API
//! (`HttpRequestParser`, `HttpResponseParser`).
//!
//! Strategy: the core parser reports into a `MessageCollector` (slab records)
//! with the GIL released for large feeds; the Python objects are then built
//! in one pass, each owning one copy of its record's bytes and creating
//! attributes only when touched. The callback API drives the same core parser
//! with a sink that calls the protocol's methods directly.

mod callbacks;
mod message;
mod parsers;
mod rawtype;

use pyo3::prelude::*;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    message::register(m)?;
    m.add_class::<parsers::RequestParser>()?;
    m.add_class::<parsers::ResponseParser>()?;
    m.add_class::<callbacks::HttpRequestParser>()?;
    m.add_class::<callbacks::HttpResponseParser>()?;
    Ok(())
}

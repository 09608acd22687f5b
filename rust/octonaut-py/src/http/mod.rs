//! Python bindings for `octonaut_core::http`: the message API
//! (`RequestParser`, `ResponseParser` returning `Request`/`Response` with lazy
//! `Headers`) and the httptools-compatible callback API
//! (`HttpRequestParser`, `HttpResponseParser`).
//!
//! Strategy: the core parser reports into a `MessageCollector` (slab records)
//! with the GIL released for large feeds; the Python objects are then built
//! in one pass, sharing the fed `bytes` (or one copy of the record's bytes)
//! and creating header values only when touched. `Request`, `Response` and
//! `Headers`, made once per message, are C-API classes (`rawtype`) because
//! PyO3's object creation and deallocation cost more than the parse itself.
//! The callback API drives the same core parser with a sink that calls the
//! protocol's methods directly.

mod callbacks;
mod headers;
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

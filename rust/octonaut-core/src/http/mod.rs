//! Incremental, strict HTTP/1.1 parsing (RFC 9112 framing, RFC 9110 semantics).
//!
//! Strategy: see `sink.rs` for the events, and the parser modules for the
//! state machine. The parser never buffers message bytes: it reports
//! fragments of the caller's input to an [`HttpSink`]. Consumers that want
//! whole messages (the Python `RequestParser`) assemble them in slab records.

pub mod message;
mod sink;

pub use sink::{Flow, HeadInfo, HeadersAction, HttpSink};

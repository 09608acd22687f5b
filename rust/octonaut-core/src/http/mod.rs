//! Incremental, strict HTTP/1.1 parsing (RFC 9112 framing, RFC 9110 semantics).
//!
//! Strategy: see `sink.rs` for the events, and `machine.rs` for the state
//! machine shared by [`RequestParser`] and [`ResponseParser`]. The parsers
//! never buffer message bytes: they report fragments of the caller's input to
//! an [`HttpSink`]. Consumers that want whole messages (the Python
//! `RequestParser`) assemble them in slab records. Grammar tables live in
//! `chars.rs`, SIMD scans in `scan.rs` (the field-line class bitmasks in
//! `masks.rs`), framing rules in `framing.rs`; the defaults are strict and
//! every relaxation is a named [`Lenient`] flag.

mod body;
mod chars;
mod expect;
mod fields;
mod framing;
mod lenient;
mod limits;
mod machine;
mod masks;
pub mod message;
mod request;
mod response;
mod scan;
mod sink;

pub use framing::Method;
pub use lenient::Lenient;
pub use limits::Limits;
pub use request::RequestParser;
pub use response::ResponseParser;
pub use sink::{Flow, HeadInfo, HeadersAction, HttpSink};

//! Framing parsers: records cut by a delimiter (`Lines`) or by a length
//! prefix (`LengthPrefixed`).
//!
//! Strategy: a framing parser reports each complete record to a
//! [`FrameSink`]. A record wholly inside one input slice is handed over
//! in place (zero copy); a record split across feeds is assembled in a buffer
//! the parser allocated at construction (bounded by its maximum record size),
//! so steady state never allocates.

use crate::parse::Flow;

/// Receives complete records from a framing parser.
pub trait FrameSink {
    /// One complete record (without the delimiter unless `keep_delimiter`,
    /// without the length prefix).
    fn on_frame(&mut self, frame: &[u8]) -> Flow;
    /// A record was skipped by recovery (`on_error = "skip"`): `offset` is
    /// its absolute start, `code` the error that caused the skip.
    #[allow(unused_variables)]
    fn on_skip(&mut self, offset: u64, kind: crate::parse::ErrorKind) {}
}

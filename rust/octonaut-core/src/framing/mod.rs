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

mod length_prefixed;
mod lines;

pub use length_prefixed::{ByteOrder, LengthPrefixed, LengthPrefixedConfig};
pub use lines::{Lines, LinesConfig, Recovery};

/// A framing parser configuration that cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `Lines` needs a delimiter of at least one byte.
    EmptyDelimiter,
    /// `LengthPrefixed` widths are 1, 2, 4 or 8 bytes.
    InvalidWidth,
    /// The assembly buffer (`max_length`/`max_frame` bytes) cannot be reserved.
    OutOfMemory,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConfigError::EmptyDelimiter => "the delimiter must be at least one byte",
            ConfigError::InvalidWidth => "width must be 1, 2, 4 or 8",
            ConfigError::OutOfMemory => "cannot reserve the assembly buffer for this maximum size",
        })
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests;

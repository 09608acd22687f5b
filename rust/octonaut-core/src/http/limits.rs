//! Size limits for the HTTP parsers, each with its own error code.
//!
//! Strategy: every limit is a plain number checked against absolute stream
//! offsets (`start + limit`), so a check costs one comparison and gives the
//! same answer however the input is split. A limit error points at the first
//! byte beyond the limit and carries the limit itself, so the message can name
//! the option to raise.

/// Limits enforced by [`RequestParser`](super::RequestParser) and
/// [`ResponseParser`](super::ResponseParser).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in a message head: start line, header lines and the empty line
    /// that ends the head, CRLFs included (empty lines before a request line
    /// are not counted). The trailer section of a chunked message has its own
    /// budget of the same size. Error: `head_too_large`. Default 16 KiB.
    pub max_head: usize,
    /// Header fields per message; trailer fields are counted separately
    /// against the same limit. Error: `too_many_headers`. Default 100.
    pub max_headers: usize,
    /// Body bytes per message (after de-chunking). `None` streams bodies of
    /// any size. A Content-Length above the limit is rejected at the
    /// Content-Length value; a chunk that would cross it at its size line; a
    /// close-delimited body at the first byte beyond it. Error:
    /// `body_too_large`. Default `None`.
    pub max_body: Option<u64>,
    /// Bytes of the chunk extensions on one chunk-size line (everything after
    /// the size, before CRLF). Error: `chunk_extension_too_long`. Default 1 KiB.
    pub max_chunk_extension: usize,
    /// Bytes in one line (start line, header or trailer line, chunk-size line),
    /// its CRLF included. Error: `line_too_long`. Default 8 KiB.
    pub max_line: usize,
}

impl Limits {
    /// The defaults: 16 KiB head, 100 headers, unlimited body, 1 KiB of chunk
    /// extensions, 8 KiB lines.
    pub const DEFAULT: Limits = Limits {
        max_head: 16 * 1024,
        max_headers: 100,
        max_body: None,
        max_chunk_extension: 1024,
        max_line: 8 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

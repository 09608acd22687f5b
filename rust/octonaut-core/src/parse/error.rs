//! One error type for every parser, so bindings map it to one exception family.

use std::fmt;

/// Why a parser stopped. Each kind has a stable snake_case [`code`](ErrorKind::code)
/// that Python sees as `ParseError.code`; the limit kinds become `LimitExceeded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    // --- limits (each configurable; Python raises LimitExceeded) ---
    /// The message head (start line + headers) is longer than `max_head`.
    HeadTooLarge,
    /// More header (or trailer) fields than `max_headers`.
    TooManyHeaders,
    /// A body longer than the `max_body` the parser buffers per message.
    BodyTooLarge,
    /// A chunk extension longer than `max_chunk_extension`.
    ChunkExtensionTooLong,
    /// A line (start line, header line, chunk-size line, or a `Lines` record)
    /// longer than `max_line`/`max_length`.
    LineTooLong,
    /// A length-prefixed frame larger than `max_frame`.
    FrameTooLarge,

    // --- HTTP start line ---
    /// Bad method token.
    InvalidMethod,
    /// Bad request-target (empty, control bytes, bad form for the method).
    InvalidTarget,
    /// Bad `HTTP/x.y` version.
    InvalidVersion,
    /// Bad status code (not three digits).
    InvalidStatus,
    /// Bad reason phrase (control bytes).
    InvalidReason,
    /// Request line or status line of the wrong shape (separators, missing parts).
    InvalidStartLine,

    // --- HTTP fields ---
    /// A header name with a non-token byte, or an empty name.
    InvalidHeaderName,
    /// A header value with NUL, CR, LF or another CTL.
    InvalidHeaderValue,
    /// Whitespace between a field name and the colon.
    SpaceBeforeColon,
    /// A line folded with obs-fold.
    ObsFold,
    /// Whitespace before the first header line.
    LeadingWhitespace,
    /// A CR not followed by LF.
    BareCr,
    /// A LF not preceded by CR.
    BareLf,

    // --- HTTP framing ---
    /// Malformed Content-Length (`+5`, `0x5`, `1 0`, overflow, ...).
    InvalidContentLength,
    /// Two or more Content-Length fields (or a list of them).
    DuplicateContentLength,
    /// Content-Length together with Transfer-Encoding.
    ContentLengthWithTransferEncoding,
    /// Transfer-Encoding without `chunked` last, or an unknown/obfuscated coding.
    InvalidTransferEncoding,
    /// Transfer-Encoding in an HTTP/1.0 message.
    TransferEncodingInHttp10,
    /// A bad chunk-size line.
    InvalidChunkSize,
    /// A bad chunk extension.
    InvalidChunkExtension,
    /// A chunk not followed by CRLF.
    InvalidChunkTerminator,
    /// Bytes after a message that said `Connection: close`.
    DataAfterClose,
    /// A response arrived for which no request was expected, or similar
    /// protocol-order violation.
    UnexpectedMessage,

    // --- framing parsers ---
    /// A length prefix that cannot be valid (e.g. smaller than the header when
    /// the length includes the header).
    InvalidLength,

    // --- any parser ---
    /// The stream ended in the middle of a message.
    Incomplete,
}

impl ErrorKind {
    /// The stable snake_case code Python sees as `ParseError.code`.
    pub fn code(self) -> &'static str {
        use ErrorKind::*;
        match self {
            HeadTooLarge => "head_too_large",
            TooManyHeaders => "too_many_headers",
            BodyTooLarge => "body_too_large",
            ChunkExtensionTooLong => "chunk_extension_too_long",
            LineTooLong => "line_too_long",
            FrameTooLarge => "frame_too_large",
            InvalidMethod => "invalid_method",
            InvalidTarget => "invalid_target",
            InvalidVersion => "invalid_version",
            InvalidStatus => "invalid_status",
            InvalidReason => "invalid_reason",
            InvalidStartLine => "invalid_start_line",
            InvalidHeaderName => "invalid_header_name",
            InvalidHeaderValue => "invalid_header_value",
            SpaceBeforeColon => "space_before_colon",
            ObsFold => "obs_fold",
            LeadingWhitespace => "leading_whitespace",
            BareCr => "bare_cr",
            BareLf => "bare_lf",
            InvalidContentLength => "invalid_content_length",
            DuplicateContentLength => "duplicate_content_length",
            ContentLengthWithTransferEncoding => "content_length_with_transfer_encoding",
            InvalidTransferEncoding => "invalid_transfer_encoding",
            TransferEncodingInHttp10 => "transfer_encoding_in_http10",
            InvalidChunkSize => "invalid_chunk_size",
            InvalidChunkExtension => "invalid_chunk_extension",
            InvalidChunkTerminator => "invalid_chunk_terminator",
            DataAfterClose => "data_after_close",
            UnexpectedMessage => "unexpected_message",
            InvalidLength => "invalid_length",
            Incomplete => "incomplete",
        }
    }

    /// True for the kinds that mean "a configured limit was exceeded".
    pub fn is_limit(self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            HeadTooLarge
                | TooManyHeaders
                | BodyTooLarge
                | ChunkExtensionTooLong
                | LineTooLong
                | FrameTooLarge
        )
    }

    /// The parser option that raises this limit, named as Python spells it.
    pub fn limit_option(self) -> Option<&'static str> {
        use ErrorKind::*;
        Some(match self {
            HeadTooLarge => "max_head",
            TooManyHeaders => "max_headers",
            BodyTooLarge => "max_body",
            ChunkExtensionTooLong => "max_chunk_extension",
            LineTooLong => "max_line",
            FrameTooLarge => "max_frame",
            _ => return None,
        })
    }
}

/// A parse failure: what went wrong, and where in the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Absolute stream offset of the offending byte.
    pub offset: u64,
    /// For limit errors: the limit in force (so messages can name it).
    pub limit: u64,
}

impl ParseError {
    /// An error of `kind` at absolute `offset`.
    pub const fn new(kind: ErrorKind, offset: u64) -> Self {
        ParseError {
            kind,
            offset,
            limit: 0,
        }
    }

    /// A limit error, remembering the limit that was exceeded.
    pub const fn limit(kind: ErrorKind, offset: u64, limit: u64) -> Self {
        ParseError {
            kind,
            offset,
            limit,
        }
    }

    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind.limit_option() {
            Some(option) => write!(
                f,
                "{} at offset {}: limit {} = {} exceeded; raise it with {}=...",
                self.kind.code(),
                self.offset,
                option,
                self.limit,
                option
            ),
            None => write!(f, "{} at offset {}", self.kind.code(), self.offset),
        }
    }
}

impl std::error::Error for ParseError {}

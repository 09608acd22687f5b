//! The state machine shared by the request and response parsers.
//!
//! Strategy: one [`Machine`] holds every bit of parser state in fixed-size
//! fields (the only heap memory, a small whitespace buffer and the method
//! FIFO, is allocated in the constructor). [`Machine::parse`] is a loop that
//! dispatches on [`State`]; each state handler consumes as many bytes as it
//! can in one go (SIMD or table scans for tokens, targets and values) and
//! reports them to the sink as a fragment, so a token split across feeds is
//! reported as fragments and never re-scanned. Every check is made on the
//! byte where it applies, in stream order, and limits are absolute offsets;
//! so any split of the input gives the same events and the same error.
//!
//! The start lines live in `request.rs` and `response.rs`, field lines in
//! `fields.rs`, bodies and chunked coding in `body.rs`; all are `impl
//! Machine` blocks over the states declared here.

use super::expect::ExpectQueue;
use super::framing::{Field, Framing, Method};
use super::lenient::Lenient;
use super::limits::Limits;
use super::sink::{Flow, HttpSink};
use crate::parse::{ErrorKind, ParseError};

/// What every parser front over a [`Machine`] shares: the inherent
/// accessors, `Default`, and the [`Parser`](crate::parse::Parser) impl. Each
/// front (request, response) adds its own constructor and `is_upgraded`.
macro_rules! machine_front {
    ($parser:ident) => {
        impl $parser {
            /// Restores a freshly constructed state (no allocation; a response
            /// parser also forgets its expected methods); the same as
            /// [`Parser::reset`](crate::parse::Parser::reset), callable
            /// without naming a sink type.
            pub fn reset(&mut self) {
                self.machine.reset();
            }

            /// The absolute offset of the next byte expected (bytes consumed
            /// since construction or reset); the same as
            /// [`Parser::offset`](crate::parse::Parser::offset).
            pub fn offset(&self) -> u64 {
                self.machine.offset
            }

            /// The limits in force.
            pub fn limits(&self) -> &$crate::http::Limits {
                &self.machine.limits
            }

            /// The leniencies in force.
            pub fn lenient(&self) -> $crate::http::Lenient {
                self.machine.lenient
            }

            /// True between messages (nothing of a next message has been
            /// seen, empty lines aside).
            pub fn is_idle(&self) -> bool {
                self.machine.is_idle()
            }
        }

        impl Default for $parser {
            fn default() -> Self {
                $parser::new(
                    $crate::http::Limits::default(),
                    $crate::http::Lenient::default(),
                )
            }
        }

        impl<S: $crate::http::HttpSink + ?Sized> $crate::parse::Parser<S> for $parser {
            fn parse(
                &mut self,
                input: &[u8],
                sink: &mut S,
            ) -> Result<usize, $crate::parse::ParseError> {
                self.machine.parse(input, sink)
            }

            fn parse_eof(&mut self, sink: &mut S) -> Result<(), $crate::parse::ParseError> {
                self.machine.parse_eof(sink)
            }

            fn reset(&mut self) {
                self.machine.reset();
            }

            fn offset(&self) -> u64 {
                self.machine.offset
            }
        }
    };
}
pub(super) use machine_front;

/// Which start line the machine parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Request,
    Response,
}

/// What a CRLF (or lenient bare LF) completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum After {
    /// An empty line before a request line.
    Idle,
    /// An empty line after a `Connection: close` message.
    Closed,
    StartLine,
    FieldLine,
    /// The empty line that ends the head or the trailer section.
    HeadEnd,
    ChunkSizeLine,
    ChunkData,
}

/// The request-target forms of RFC 9112 §3.2, as far as they need checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TargetForm {
    /// origin-form, or absolute-form after its scheme: any VCHAR.
    Free,
    /// The scheme of an absolute-form target, up to its colon.
    Scheme,
    /// authority-form (CONNECT): host ":" port.
    Authority,
    /// asterisk-form (OPTIONS): just `*`.
    Asterisk,
}

/// Where in a chunk-ext (RFC 9112 §7.1.1) the parser is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ext {
    /// BWS before `;`.
    SemiWs,
    /// BWS after `;`, before the name.
    NameWs,
    Name,
    /// BWS after the name.
    AfterName,
    /// BWS after `=`.
    ValueWs,
    Token,
    Quoted,
    QuotedPair,
    /// Right after a closing quote.
    AfterValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// Between messages.
    Idle,
    /// After a CR: expecting LF.
    Lf(After),
    Method,
    TargetStart,
    Target(TargetForm),
    /// Matching `HTTP/1.` (index 0..7), then the minor digit (index 7).
    Version(u8),
    /// After the version: CRLF (request) or SP (response).
    VersionEnd,
    /// Status digits seen so far.
    Status(u8),
    StatusEnd,
    Reason,
    /// The first byte of a field line, or the empty line ending the head.
    LineStart,
    Name,
    /// Whitespace between name and colon (lenient only).
    NameWs,
    /// OWS before a value.
    ValueWs,
    Value,
    /// Content-Length body.
    Length,
    /// Close-delimited body.
    UntilEof,
    ChunkSize,
    ChunkExt(Ext),
    ChunkData,
    /// After chunk data: expecting CRLF.
    ChunkDataEnd,
    /// After a message that closes the connection.
    Closed,
    /// After an upgrade or CONNECT: nothing more is parsed until reset.
    Stopped,
}

/// Bytes of whitespace held back at the end of a value fragment (it is only
/// part of the value if more value follows). Lines are bounded by the limits,
/// so this buffer is sized `min(max_line, max_head, 64 KiB)` once.
const MAX_HELD_WHITESPACE: usize = 64 * 1024;

/// The shared HTTP/1.x state machine.
#[derive(Debug)]
pub(crate) struct Machine {
    pub(super) role: Role,
    pub(super) limits: Limits,
    pub(super) lenient: Lenient,
    pub(super) state: State,
    /// Absolute stream offset of `input[0]` during a call; bytes consumed
    /// since construction or reset between calls.
    pub(super) offset: u64,
    pub(super) error: Option<ParseError>,
    /// Set by a handler to make `parse` return right after it (pause, stop).
    pub(super) yield_now: bool,

    // Limits, as absolute offsets of the first byte beyond them.
    pub(super) head_limit_at: u64,
    pub(super) line_limit_at: u64,
    pub(super) fields: usize,

    // Start line.
    pub(super) method_buf: [u8; 8],
    pub(super) method_len: usize,
    pub(super) method: Method,
    pub(super) minor: u8,
    pub(super) status: u16,
    pub(super) target_colon: bool,
    /// Some reason-phrase byte has been reported for the current status line.
    pub(super) reason_seen: bool,

    // Field lines.
    pub(super) field: Field,
    /// A field value has ended but the field may still be folded, so
    /// `on_header_complete` waits for the next line's first byte.
    pub(super) field_pending: bool,
    pub(super) name_buf: [u8; 17],
    pub(super) name_len: usize,
    pub(super) name_start: u64,
    pub(super) value_nonempty: bool,
    pub(super) value_end_at: u64,
    pub(super) held_ws: Box<[u8]>,
    pub(super) held_ws_len: usize,
    pub(super) framing: Framing,
    pub(super) trailers: bool,

    // Message outcome.
    pub(super) keep_alive: bool,
    pub(super) upgrade: bool,
    /// A 1xx response other than 101: the final response follows.
    pub(super) interim: bool,

    // Body.
    pub(super) remaining: u64,
    pub(super) body_seen: u64,
    pub(super) chunk_size: u64,
    pub(super) chunk_digits: u32,
    pub(super) chunk_line_start: u64,
    pub(super) ext_start: u64,
    pub(super) ext_count: u32,

    pub(super) expected: ExpectQueue,
}

impl Machine {
    pub(crate) fn new(
        role: Role,
        limits: Limits,
        lenient: Lenient,
        expect_capacity: usize,
    ) -> Self {
        let held = limits
            .max_line
            .min(limits.max_head)
            .clamp(1, MAX_HELD_WHITESPACE);
        Machine {
            role,
            limits,
            lenient,
            state: State::Idle,
            offset: 0,
            error: None,
            yield_now: false,
            head_limit_at: u64::MAX,
            line_limit_at: u64::MAX,
            fields: 0,
            method_buf: [0; 8],
            method_len: 0,
            method: Method::Other,
            minor: 1,
            status: 0,
            target_colon: false,
            reason_seen: false,
            field: Field::Other,
            field_pending: false,
            name_buf: [0; 17],
            name_len: 0,
            name_start: 0,
            value_nonempty: false,
            value_end_at: 0,
            held_ws: vec![0; held].into_boxed_slice(),
            held_ws_len: 0,
            framing: Framing::default(),
            trailers: false,
            keep_alive: true,
            upgrade: false,
            interim: false,
            remaining: 0,
            body_seen: 0,
            chunk_size: 0,
            chunk_digits: 0,
            chunk_line_start: 0,
            ext_start: 0,
            ext_count: 0,
            expected: ExpectQueue::with_capacity(expect_capacity),
        }
    }

    pub(crate) fn reset(&mut self) {
        self.state = State::Idle;
        self.offset = 0;
        self.error = None;
        self.yield_now = false;
        self.head_limit_at = u64::MAX;
        self.line_limit_at = u64::MAX;
        self.held_ws_len = 0;
        self.framing.reset();
        self.trailers = false;
        self.keep_alive = true;
        self.upgrade = false;
        self.interim = false;
        self.expected.clear();
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.state == State::Stopped
    }

    pub(crate) fn is_idle(&self) -> bool {
        self.state == State::Idle
    }

    #[inline(always)]
    pub(super) fn at(&self, pos: usize) -> u64 {
        self.offset + pos as u64
    }

    #[inline(always)]
    pub(super) fn fail(&self, kind: ErrorKind, pos: usize) -> ParseError {
        ParseError::new(kind, self.at(pos))
    }

    /// The end of the bytes the head and line limits let the parser consume
    /// from `pos`; an error when not even the byte at `pos` fits.
    #[inline(always)]
    pub(super) fn window(&self, pos: usize, len: usize) -> Result<usize, ParseError> {
        let limit_at = self.head_limit_at.min(self.line_limit_at);
        let room = limit_at.saturating_sub(self.at(pos));
        if room == 0 {
            return Err(self.limit_error());
        }
        Ok(if room >= (len - pos) as u64 {
            len
        } else {
            pos + room as usize
        })
    }

    #[cold]
    fn limit_error(&self) -> ParseError {
        if self.head_limit_at <= self.line_limit_at {
            ParseError::limit(
                ErrorKind::HeadTooLarge,
                self.head_limit_at,
                self.limits.max_head as u64,
            )
        } else {
            ParseError::limit(
                ErrorKind::LineTooLong,
                self.line_limit_at,
                self.limits.max_line as u64,
            )
        }
    }

    /// A new line starts at `pos`.
    #[inline(always)]
    pub(super) fn new_line(&mut self, pos: usize) {
        self.line_limit_at = self.at(pos).saturating_add(self.limits.max_line as u64);
    }

    pub(crate) fn parse<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.state == State::Stopped {
            return Ok(0);
        }
        match self.run(input, sink) {
            Ok(consumed) => {
                self.offset += consumed as u64;
                Ok(consumed)
            }
            Err(error) => {
                self.error = Some(error);
                self.offset = error.offset;
                Err(error)
            }
        }
    }

    #[inline(always)]
    fn run<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        if self.state == State::Idle && !input.is_empty() {
            return self.run_from_idle(input, sink);
        }
        self.run_from(input, 0, sink)
    }

    /// [`Machine::run`] from the first byte of a message (the common case:
    /// one or more whole messages per input), without first entering the
    /// dispatcher, whose set-up costs more than a whole message needs; its
    /// first step is the dispatcher's own for this state.
    #[inline(never)]
    fn run_from_idle<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let pos = self.idle(input, 0, sink)?;
        if self.yield_now {
            self.yield_now = false;
            return Ok(pos);
        }
        if pos >= input.len() {
            return Ok(pos);
        }
        self.run_from(input, pos, sink)
    }

    /// The dispatcher: each state's handler consumes what it can from `pos`.
    #[inline(never)]
    fn run_from<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        mut pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let len = input.len();
        while pos < len {
            pos = match self.state {
                State::Idle => self.idle(input, pos, sink)?,
                State::Lf(after) => self.lf(after, input, pos, sink)?,
                State::Method => self.method(input, pos, sink)?,
                State::TargetStart => self.target_start(input, pos, sink)?,
                State::Target(form) => self.target(form, input, pos, sink)?,
                State::Version(index) => self.version(index, input, pos, sink)?,
                State::VersionEnd => self.version_end(input, pos, sink)?,
                State::Status(digits) => self.status_digit(digits, input, pos, sink)?,
                State::StatusEnd => self.status_end(input, pos, sink)?,
                State::Reason => self.reason(input, pos, sink)?,
                State::LineStart => self.field_lines(input, pos, sink)?,
                State::Name => self.name(input, pos, sink)?,
                State::NameWs => self.name_ws(input, pos)?,
                State::ValueWs => self.value_ws(input, pos)?,
                State::Value => self.value(input, pos, sink)?,
                State::Length => self.length_body(input, pos, sink)?,
                State::UntilEof => self.until_eof_body(input, pos, sink)?,
                State::ChunkSize => self.chunk_size(input, pos, sink)?,
                State::ChunkExt(ext) => self.chunk_ext(ext, input, pos, sink)?,
                State::ChunkData => self.chunk_data(input, pos, sink)?,
                State::ChunkDataEnd => self.chunk_data_end(input, pos, sink)?,
                State::Closed => self.closed(input, pos, sink)?,
                State::Stopped => return Ok(pos),
            };
            if self.yield_now {
                self.yield_now = false;
                return Ok(pos);
            }
        }
        Ok(pos)
    }

    pub(crate) fn parse_eof<S: HttpSink + ?Sized>(
        &mut self,
        sink: &mut S,
    ) -> Result<(), ParseError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match self.state {
            State::Idle | State::Closed | State::Stopped => Ok(()),
            State::UntilEof => {
                let _ = sink.on_message_complete();
                self.state = State::Closed;
                Ok(())
            }
            _ => {
                let error = ParseError::new(ErrorKind::Incomplete, self.offset);
                self.error = Some(error);
                Err(error)
            }
        }
    }

    /// Between messages: empty lines before a request line (RFC 9112 §2.2),
    /// or the first byte of the next message.
    fn idle<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        match input[pos] {
            b'\r' if self.role == Role::Request => {
                self.state = State::Lf(After::Idle);
                Ok(pos + 1)
            }
            b'\n' if self.role == Role::Request => self.bare_lf(After::Idle, input, pos, sink),
            _ => {
                self.begin_message(pos);
                if sink.on_message_begin() == Flow::Pause {
                    self.yield_now = true;
                    return Ok(pos);
                }
                // Straight on with the start line (no trip through the
                // dispatcher; the handlers below chain the same way).
                match self.role {
                    Role::Request => self.request_line(input, pos, sink),
                    Role::Response => self.version(0, input, pos, sink),
                }
            }
        }
    }

    fn begin_message(&mut self, pos: usize) {
        let start = self.at(pos);
        self.head_limit_at = start.saturating_add(self.limits.max_head as u64);
        self.line_limit_at = start.saturating_add(self.limits.max_line as u64);
        self.fields = 0;
        self.method_len = 0;
        self.method = Method::Other;
        self.minor = 1;
        self.status = 0;
        self.target_colon = false;
        self.field = Field::Other;
        self.field_pending = false;
        self.held_ws_len = 0;
        self.framing.reset();
        self.trailers = false;
        self.keep_alive = true;
        self.upgrade = false;
        self.interim = false;
        self.state = match self.role {
            Role::Request => State::Method,
            Role::Response => State::Version(0),
        };
    }

    /// After a message that closes the connection: only empty lines may follow.
    fn closed<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.line_break_or(After::Closed, ErrorKind::DataAfterClose, input, pos, sink)
    }

    /// A byte that must start a line break leading to `after`: CR (its LF
    /// follows), a bare LF (an error unless lenient), anything else `kind`.
    pub(super) fn line_break_or<S: HttpSink + ?Sized>(
        &mut self,
        after: After,
        kind: ErrorKind,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        match input[pos] {
            b'\r' => {
                self.state = State::Lf(after);
                Ok(pos + 1)
            }
            b'\n' => self.bare_lf(after, input, pos, sink),
            _ => Err(self.fail(kind, pos)),
        }
    }

    /// The byte after a CR must be LF.
    pub(super) fn lf<S: HttpSink + ?Sized>(
        &mut self,
        after: After,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        if matches!(
            after,
            After::StartLine | After::FieldLine | After::HeadEnd | After::ChunkSizeLine
        ) {
            self.window(pos, input.len())?;
        }
        if input[pos] != b'\n' {
            return Err(if after == After::ChunkData {
                self.fail(ErrorKind::InvalidChunkTerminator, pos)
            } else {
                ParseError::new(ErrorKind::BareCr, self.at(pos) - 1)
            });
        }
        self.line_end(after, pos + 1, sink)
    }

    /// A LF where CR LF was expected: accepted only with `bare_lf`.
    pub(super) fn bare_lf<S: HttpSink + ?Sized>(
        &mut self,
        after: After,
        _input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        if !self.lenient.contains(Lenient::BARE_LF) {
            return Err(self.fail(ErrorKind::BareLf, pos));
        }
        self.line_end(after, pos + 1, sink)
    }

    /// A line ended; `next` is the position after its LF.
    pub(super) fn line_end<S: HttpSink + ?Sized>(
        &mut self,
        after: After,
        next: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        match after {
            After::Idle => self.state = State::Idle,
            After::Closed => self.state = State::Closed,
            After::StartLine => {
                // A response reported its version before its status (as
                // llhttp does, so `get_http_version()` works in `on_status`).
                if self.role == Role::Request {
                    sink.on_version(1, self.minor);
                }
                self.new_line(next);
                self.field_pending = false;
                self.state = State::LineStart;
            }
            After::FieldLine => {
                self.new_line(next);
                self.state = State::LineStart;
            }
            After::HeadEnd => return self.head_end(next, sink),
            After::ChunkSizeLine => return self.chunk_size_line_end(next, sink),
            After::ChunkData => {
                sink.on_chunk_complete();
                self.begin_chunk_size_line(next);
            }
        }
        Ok(next)
    }

    /// The empty line ending the head (or the trailer section) was read;
    /// `next` is the first byte after it.
    pub(super) fn head_end<S: HttpSink + ?Sized>(
        &mut self,
        next: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.head_limit_at = u64::MAX;
        self.line_limit_at = u64::MAX;
        if self.trailers {
            sink.on_chunk_complete();
            return Ok(self.message_complete(next, sink));
        }
        self.head_complete(next, sink)
    }

    /// The message is complete at `next`: decide what follows.
    pub(super) fn message_complete<S: HttpSink + ?Sized>(
        &mut self,
        next: usize,
        sink: &mut S,
    ) -> usize {
        if sink.on_message_complete() == Flow::Pause {
            self.yield_now = true;
        }
        self.state = if self.upgrade {
            self.yield_now = true;
            State::Stopped
        } else if self.interim
            || self.keep_alive
            || self.lenient.contains(Lenient::DATA_AFTER_CLOSE)
        {
            State::Idle
        } else {
            State::Closed
        };
        next
    }
}

//! The status line (RFC 9112 §4) and [`ResponseParser`].
//!
//! Strategy: the version is matched like a request's; the status code is
//! exactly three digits (100–999); the reason phrase is scanned with SIMD for
//! the first byte outside HTAB / SP / VCHAR / obs-text. A missing reason (and
//! its SP) is accepted, as every deployed client does. The methods of the
//! requests sent, announced with [`ResponseParser::expect`], sit in a
//! fixed-capacity FIFO so that HEAD and CONNECT responses are framed right.

use super::framing::Method;
use super::lenient::Lenient;
use super::limits::Limits;
use super::machine::{machine_front, After, Machine, Role, State};
use super::scan;
use super::sink::HttpSink;
use crate::parse::{ErrorKind, ParseError};

/// An incremental, strict, allocation-free HTTP/1.1 response parser.
///
/// Call [`expect`](ResponseParser::expect) once per request sent, in order,
/// so that responses to HEAD (no body) and CONNECT (a tunnel) are framed
/// right; without an expectation a response is framed as one to GET. 1xx
/// responses are reported as complete messages of their own and the parser
/// then reads the final response to the same request. After a 101 or a 2xx
/// to CONNECT it stops, like [`RequestParser`](super::RequestParser).
#[derive(Debug)]
pub struct ResponseParser {
    machine: Machine,
}

impl ResponseParser {
    /// The default capacity of the expected-method FIFO.
    pub const DEFAULT_EXPECT_CAPACITY: usize = 64;

    /// A parser with these limits and leniencies and room for
    /// [`DEFAULT_EXPECT_CAPACITY`](Self::DEFAULT_EXPECT_CAPACITY) expected
    /// requests.
    pub fn new(limits: Limits, lenient: Lenient) -> Self {
        Self::with_expect_capacity(limits, lenient, Self::DEFAULT_EXPECT_CAPACITY)
    }

    /// A parser whose expected-method FIFO holds `capacity` entries.
    pub fn with_expect_capacity(limits: Limits, lenient: Lenient, capacity: usize) -> Self {
        ResponseParser {
            machine: Machine::new(Role::Response, limits, lenient, capacity),
        }
    }

    /// Announces that a request with `method` was sent; its response is the
    /// next one not yet announced. False (and nothing recorded) when the FIFO
    /// is full.
    pub fn expect(&mut self, method: &[u8]) -> bool {
        self.machine.expected.push(Method::classify(method))
    }

    /// Like [`expect`](Self::expect) with a classified method.
    pub fn expect_method(&mut self, method: Method) -> bool {
        self.machine.expected.push(method)
    }

    /// Requests announced whose final response has not started its body yet.
    pub fn expected_len(&self) -> usize {
        self.machine.expected.len()
    }

    /// The capacity of the expected-method FIFO.
    pub fn expect_capacity(&self) -> usize {
        self.machine.expected.capacity()
    }

    /// True after a 101 or a 2xx response to CONNECT: the parser has stopped.
    pub fn is_upgraded(&self) -> bool {
        self.machine.is_stopped()
    }
}

machine_front!(ResponseParser);

impl Machine {
    /// One of the three status digits.
    pub(super) fn status_digit<S: HttpSink + ?Sized>(
        &mut self,
        digits: u8,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let mut digits = digits;
        let mut i = pos;
        while i < end && digits < 3 {
            let b = input[i];
            if !b.is_ascii_digit() || (digits == 0 && b == b'0') {
                return Err(self.fail(ErrorKind::InvalidStatus, i));
            }
            self.status = self.status * 10 + u16::from(b - b'0');
            digits += 1;
            i += 1;
        }
        if digits < 3 {
            self.state = State::Status(digits);
            return Ok(i);
        }
        self.state = State::StatusEnd;
        if i < input.len() {
            return self.status_end(input, i, sink);
        }
        Ok(i)
    }

    /// After the status code: SP and a reason, or the end of the line.
    pub(super) fn status_end<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.window(pos, input.len())?;
        if matches!(input[pos], b' ' | b'\r')
            || (input[pos] == b'\n' && self.lenient.contains(Lenient::BARE_LF))
        {
            sink.on_version(1, self.minor);
        }
        match input[pos] {
            b' ' => {
                sink.on_status(self.status);
                self.reason_seen = false;
                self.state = State::Reason;
                if pos + 1 < input.len() {
                    return self.reason(input, pos + 1, sink);
                }
                Ok(pos + 1)
            }
            b'\r' => {
                sink.on_status(self.status);
                self.state = State::Lf(After::StartLine);
                Ok(pos + 1)
            }
            b'\n' if self.lenient.contains(Lenient::BARE_LF) => {
                sink.on_status(self.status);
                self.bare_lf(After::StartLine, input, pos, sink)
            }
            b'\n' => Err(self.fail(ErrorKind::BareLf, pos)),
            _ => Err(self.fail(ErrorKind::InvalidStatus, pos)),
        }
    }

    pub(super) fn reason<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let stop = pos + scan::value_end(&input[pos..end]);
        if stop > pos {
            sink.on_reason(&input[pos..stop]);
            self.reason_seen = true;
        }
        if stop == end {
            return Ok(stop);
        }
        let line_ends = input[stop] == b'\r'
            || (input[stop] == b'\n' && self.lenient.contains(Lenient::BARE_LF));
        if !self.reason_seen && line_ends {
            // `HTTP/1.1 200 \r\n`: an empty reason after the SP is reported
            // once, as an empty fragment (llhttp calls on_status with b"").
            sink.on_reason(&[]);
            self.reason_seen = true;
        }
        match input[stop] {
            b'\r' => {
                self.state = State::Lf(After::StartLine);
                if stop + 1 < input.len() {
                    return self.lf(After::StartLine, input, stop + 1, sink);
                }
                Ok(stop + 1)
            }
            b'\n' => self.bare_lf(After::StartLine, input, stop, sink),
            _ => Err(self.fail(ErrorKind::InvalidReason, stop)),
        }
    }
}

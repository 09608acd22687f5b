//! The request line (RFC 9112 §3) and [`RequestParser`].
//!
//! Strategy: the method is scanned with the tchar table and classified once
//! (HEAD, CONNECT and OPTIONS change framing and target rules); the target is
//! checked by form: origin-form and the rest of an absolute-form target are
//! scanned with SIMD for the first non-VCHAR byte, while the short forms that
//! need per-byte rules (scheme, authority-form, asterisk-form) go byte by
//! byte. The version is matched against `HTTP/1.0` and `HTTP/1.1` only.

use super::chars::{SCHEME, TARGET, TCHAR};
use super::framing::Method;
use super::lenient::Lenient;
use super::limits::Limits;
use super::machine::{machine_front, After, Machine, Role, State, TargetForm};
use super::scan;
use super::sink::HttpSink;
use crate::parse::{ErrorKind, ParseError};

/// An incremental, strict, allocation-free HTTP/1.1 request parser.
///
/// Feed it any split of a stream of pipelined requests; it reports each
/// request's parts to an [`HttpSink`]. After an Upgrade or a CONNECT request
/// it stops: `parse` returns the bytes consumed up to the end of that request
/// and later calls return `Ok(0)` until [`Parser::reset`](crate::parse::Parser::reset); the caller keeps
/// the rest of the input (it is not HTTP).
#[derive(Debug)]
pub struct RequestParser {
    machine: Machine,
}

impl RequestParser {
    /// A parser with these limits and leniencies. Allocates its fixed
    /// buffers here; `parse` never allocates.
    pub fn new(limits: Limits, lenient: Lenient) -> Self {
        RequestParser {
            machine: Machine::new(Role::Request, limits, lenient, 0),
        }
    }

    /// True after an Upgrade or CONNECT request: the parser has stopped and
    /// the bytes after that request belong to another protocol.
    pub fn is_upgraded(&self) -> bool {
        self.machine.is_stopped()
    }
}

machine_front!(RequestParser);

impl Machine {
    /// The fast path for the common request line `METHOD /origin HTTP/1.x
    /// CRLF` when it is whole in the input: one pass, the same events as the
    /// state handlers. Anything else (a split line, another form, CONNECT,
    /// any error) goes to [`Machine::method`] from the same byte with
    /// nothing reported yet, so results never depend on which path ran.
    #[inline]
    pub(super) fn request_line<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        #[cfg(target_arch = "x86_64")]
        if scan::has_avx2() {
            // SAFETY: AVX2 is available (checked just above).
            return unsafe { self.request_line_avx2(input, pos, sink) };
        }
        self.request_line_body(input, pos, sink)
    }

    /// [`request_line_body`](Self::request_line_body) compiled with AVX2 so
    /// the scans inline (multiversioning).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn request_line_avx2<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.request_line_body(input, pos, sink)
    }

    #[inline(always)]
    fn request_line_body<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let line = &input[pos..end];
        // Methods are short: a table walk beats a SIMD scan's set-up.
        let mut method_len = 0;
        while method_len < line.len() && TCHAR[line[method_len] as usize] {
            method_len += 1;
        }
        if method_len == 0
            || method_len + 1 >= line.len()
            || line[method_len] != b' '
            || line[method_len + 1] != b'/'
        {
            return self.method(input, pos, sink);
        }
        let method_token = &line[..method_len];
        let method = Method::classify(method_token);
        if method == Method::Connect {
            return self.method(input, pos, sink);
        }
        let target_start = method_len + 1;
        let target_end = target_start + scan::target_end(&line[target_start..]);
        // ` HTTP/1.x` CR LF: one 8-byte compare, the digit, one 2-byte compare.
        let Some(&[b0, b1, b2, b3, b4, b5, b6, b7, minor, cr, lf]) =
            line[target_end..].first_chunk::<11>()
        else {
            return self.method(input, pos, sink);
        };
        if u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) != u64::from_le_bytes(*b" HTTP/1.")
            || !matches!(minor, b'0' | b'1')
            || [cr, lf] != *b"\r\n"
        {
            return self.method(input, pos, sink);
        }
        sink.on_request_line(method_token, &line[target_start..target_end]);
        self.method = method;
        self.method_len = method_len;
        self.minor = minor - b'0';
        let next = self.line_end(After::StartLine, pos + target_end + 11, sink)?;
        // Straight on with the field lines (no trip through the dispatcher).
        if next < input.len() {
            return self.field_lines(input, next, sink);
        }
        Ok(next)
    }

    /// The method token, up to the SP.
    pub(super) fn method<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let n = scan::token_end(&input[pos..end]);
        let stop = pos + n;
        if n > 0 {
            let fragment = &input[pos..stop];
            sink.on_method(fragment);
            for &b in fragment {
                if self.method_len < self.method_buf.len() {
                    self.method_buf[self.method_len] = b;
                }
                self.method_len += 1;
            }
        }
        if stop == end {
            return Ok(stop);
        }
        match input[stop] {
            b' ' if self.method_len > 0 => {
                self.method = if self.method_len <= self.method_buf.len() {
                    Method::classify(&self.method_buf[..self.method_len])
                } else {
                    Method::Other
                };
                self.state = State::TargetStart;
                if stop + 1 < input.len() {
                    return self.target_start(input, stop + 1, sink);
                }
                Ok(stop + 1)
            }
            b'\r' | b'\n' if self.method_len > 0 => {
                Err(self.fail(ErrorKind::InvalidStartLine, stop))
            }
            _ => Err(self.fail(ErrorKind::InvalidMethod, stop)),
        }
    }

    /// The first byte of the target decides its form (RFC 9112 §3.2).
    pub(super) fn target_start<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.window(pos, input.len())?;
        let b = input[pos];
        let form = match b {
            b' ' | b'\r' | b'\n' => return Err(self.fail(ErrorKind::InvalidStartLine, pos)),
            _ if !TARGET[b as usize] => return Err(self.fail(ErrorKind::InvalidTarget, pos)),
            _ if self.method == Method::Connect => {
                if b == b'/' || b == b'*' {
                    return Err(self.fail(ErrorKind::InvalidTarget, pos));
                }
                TargetForm::Authority
            }
            b'/' => TargetForm::Free,
            b'*' if self.method == Method::Options => {
                sink.on_target(&input[pos..pos + 1]);
                self.state = State::Target(TargetForm::Asterisk);
                if pos + 1 < input.len() {
                    return self.target(TargetForm::Asterisk, input, pos + 1, sink);
                }
                return Ok(pos + 1);
            }
            _ if b.is_ascii_alphabetic() => TargetForm::Scheme,
            _ => return Err(self.fail(ErrorKind::InvalidTarget, pos)),
        };
        self.state = State::Target(form);
        self.target(form, input, pos, sink)
    }

    pub(super) fn target<S: HttpSink + ?Sized>(
        &mut self,
        form: TargetForm,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let mut i = pos;
        // A byte that breaks the form's rules; the bytes before it are
        // still reported, as they would be had the input been split there.
        let mut broken = false;
        match form {
            TargetForm::Free => i += scan::target_end(&input[pos..end]),
            TargetForm::Scheme => {
                while i < end && SCHEME[input[i] as usize] {
                    i += 1;
                }
                if i < end {
                    if input[i] == b':' {
                        i += 1;
                        self.state = State::Target(TargetForm::Free);
                        i += scan::target_end(&input[i..end]);
                    } else {
                        broken = true;
                    }
                }
            }
            TargetForm::Authority => {
                while i < end {
                    match input[i] {
                        // No path, query, fragment or userinfo, and none of
                        // the bytes RFC 3986 keeps out of a host.
                        b'/' | b'?' | b'#' | b'@' | b'"' | b'\\' | b'<' | b'>' | b'^' | b'`'
                        | b'{' | b'|' | b'}' => {
                            broken = true;
                            break;
                        }
                        // `target_colon` holds while the bytes after the
                        // last colon are a port (*DIGIT, RFC 9112 §3.2.3), so
                        // `[::1]:443` passes and `a:b` or `[::1]` do not.
                        b':' => self.target_colon = true,
                        b' ' if !self.target_colon => {
                            broken = true;
                            break;
                        }
                        b if !TARGET[b as usize] => break,
                        b if !b.is_ascii_digit() => self.target_colon = false,
                        _ => {}
                    }
                    i += 1;
                }
            }
            // The `*` itself was consumed by `target_start`.
            TargetForm::Asterisk => {}
        }
        if i > pos {
            sink.on_target(&input[pos..i]);
        }
        if broken {
            return Err(self.fail(ErrorKind::InvalidTarget, i));
        }
        if i == end {
            return Ok(i);
        }
        match input[i] {
            b' ' => {
                self.state = State::Version(0);
                if i + 1 < input.len() {
                    return self.version(0, input, i + 1, sink);
                }
                Ok(i + 1)
            }
            b'\r' | b'\n' => Err(self.fail(ErrorKind::InvalidStartLine, i)),
            _ => Err(self.fail(ErrorKind::InvalidTarget, i)),
        }
    }

    /// `HTTP/1.` then `0` or `1`, shared with the status line.
    pub(super) fn version<S: HttpSink + ?Sized>(
        &mut self,
        index: u8,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        const PREFIX: &[u8; 7] = b"HTTP/1.";
        let end = self.window(pos, input.len())?;
        if index == 0 && end - pos >= 8 && &input[pos..pos + 7] == PREFIX {
            return match input[pos + 7] {
                d @ (b'0' | b'1') => {
                    self.minor = d - b'0';
                    self.state = State::VersionEnd;
                    if pos + 8 < input.len() {
                        return self.version_end(input, pos + 8, sink);
                    }
                    Ok(pos + 8)
                }
                _ => Err(self.fail(ErrorKind::InvalidVersion, pos + 7)),
            };
        }
        let mut index = index as usize;
        let mut i = pos;
        while i < end {
            let b = input[i];
            if index < PREFIX.len() {
                if b != PREFIX[index] {
                    return Err(self.fail(self.version_error(b, index), i));
                }
                index += 1;
                i += 1;
            } else {
                if b != b'0' && b != b'1' {
                    return Err(self.fail(ErrorKind::InvalidVersion, i));
                }
                self.minor = b - b'0';
                self.state = State::VersionEnd;
                return Ok(i + 1);
            }
        }
        self.state = State::Version(index as u8);
        Ok(i)
    }

    fn version_error(&self, b: u8, index: usize) -> ErrorKind {
        // A request line cut short (`GET /\r\n`, `GET / \r\n`) is a shape
        // problem; anything else is a bad version.
        if self.role == Role::Request && index == 0 && (b == b'\r' || b == b'\n') {
            ErrorKind::InvalidStartLine
        } else {
            ErrorKind::InvalidVersion
        }
    }

    /// After the version: CRLF for a request, SP for a response.
    pub(super) fn version_end<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.window(pos, input.len())?;
        match (self.role, input[pos]) {
            (Role::Request, b'\r') => {
                self.state = State::Lf(After::StartLine);
                if pos + 1 < input.len() {
                    return self.lf(After::StartLine, input, pos + 1, sink);
                }
                Ok(pos + 1)
            }
            (Role::Request, b'\n') => self.bare_lf(After::StartLine, input, pos, sink),
            (Role::Response, b' ') => {
                self.state = State::Status(0);
                if pos + 1 < input.len() {
                    return self.status_digit(0, input, pos + 1, sink);
                }
                Ok(pos + 1)
            }
            (Role::Response, b'\r' | b'\n') => Err(self.fail(ErrorKind::InvalidStartLine, pos)),
            _ => Err(self.fail(ErrorKind::InvalidVersion, pos)),
        }
    }
}

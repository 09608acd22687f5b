//! The end of the head, and message bodies: Content-Length, chunked (RFC 9112
//! §7.1) and close-delimited.
//!
//! Strategy: [`Machine::head_complete`] turns the framing facts into a body
//! kind and reports [`HeadInfo`]; body bytes are then handed to the sink in
//! place, as large as the input allows. Chunk-size lines are parsed byte by
//! byte (they are short) with the chunk-ext grammar checked as it goes and
//! the raw extension bytes reported as fragments; `max_body` is checked where
//! a size is declared, so an oversized body is refused before it is read.

use super::chars::{hex_value, FIELD, QDTEXT, TCHAR};
use super::framing::{Body, Method};
use super::machine::{After, Ext, Machine, Role, State};
use super::sink::{HeadInfo, HttpSink};
use crate::parse::{ErrorKind, ParseError};

impl Machine {
    /// The head is complete; `next` is the first byte after it.
    pub(super) fn head_complete<S: HttpSink + ?Sized>(
        &mut self,
        next: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let http11 = self.minor == 1;
        let decision = match self.role {
            Role::Request => self.framing.request(http11, self.method)?,
            Role::Response => {
                let final_response = self.status >= 200 || self.status == 101;
                let method = if final_response {
                    self.expected.pop()
                } else {
                    Method::Other
                };
                self.interim = !final_response;
                self.framing
                    .response(http11, self.status, method, self.lenient)?
            }
        };
        if let (Body::Length(n), Some(max)) = (decision.body, self.limits.max_body) {
            if n > max {
                return Err(ParseError::limit(
                    ErrorKind::BodyTooLarge,
                    self.framing.content_length_offset(),
                    max,
                ));
            }
        }
        self.keep_alive = decision.keep_alive;
        self.upgrade = decision.upgrade;
        let info = HeadInfo {
            version_major: 1,
            version_minor: self.minor,
            status: self.status,
            keep_alive: decision.keep_alive,
            chunked: decision.chunked,
            content_length: decision.content_length,
            upgrade: decision.upgrade,
            body_until_eof: decision.body == Body::UntilEof,
        };
        let action = sink.on_headers_complete(&info);
        if action.pause {
            self.yield_now = true;
        }
        // A CONNECT request's tunnel starts right after its head.
        let connect_request = self.role == Role::Request && self.method == Method::Connect;
        let body = if action.skip_body || connect_request {
            Body::None
        } else {
            decision.body
        };
        self.body_seen = 0;
        match body {
            Body::None => return Ok(self.message_complete(next, sink)),
            Body::Length(n) => {
                self.remaining = n;
                self.state = State::Length;
            }
            Body::Chunked => self.begin_chunk_size_line(next),
            Body::UntilEof => self.state = State::UntilEof,
        }
        Ok(next)
    }

    pub(super) fn length_body<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let available = (input.len() - pos) as u64;
        let n = self.remaining.min(available) as usize;
        sink.on_body(&input[pos..pos + n]);
        self.remaining -= n as u64;
        if self.remaining == 0 {
            return Ok(self.message_complete(pos + n, sink));
        }
        Ok(pos + n)
    }

    pub(super) fn until_eof_body<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let mut n = input.len() - pos;
        if let Some(max) = self.limits.max_body {
            let room = max - self.body_seen;
            if room == 0 {
                return Err(ParseError::limit(
                    ErrorKind::BodyTooLarge,
                    self.at(pos),
                    max,
                ));
            }
            n = n.min(usize::try_from(room).unwrap_or(usize::MAX));
        }
        sink.on_body(&input[pos..pos + n]);
        self.body_seen += n as u64;
        Ok(pos + n)
    }

    pub(super) fn begin_chunk_size_line(&mut self, pos: usize) {
        self.chunk_size = 0;
        self.chunk_digits = 0;
        self.ext_count = 0;
        self.chunk_line_start = self.at(pos);
        self.new_line(pos);
        self.state = State::ChunkSize;
    }

    /// chunk-size = 1*HEXDIG, then `;`/BWS (extensions) or CRLF.
    pub(super) fn chunk_size<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let mut i = pos;
        while i < end {
            let b = input[i];
            if let Some(digit) = hex_value(b) {
                if self.chunk_size > u64::MAX >> 4 {
                    return Err(self.fail(ErrorKind::InvalidChunkSize, i));
                }
                self.chunk_size = self.chunk_size << 4 | u64::from(digit);
                self.chunk_digits += 1;
                i += 1;
                continue;
            }
            if self.chunk_digits == 0 {
                return Err(self.fail(ErrorKind::InvalidChunkSize, i));
            }
            return match b {
                b'\r' => {
                    self.state = State::Lf(After::ChunkSizeLine);
                    Ok(i + 1)
                }
                b'\n' => self.bare_lf(After::ChunkSizeLine, input, i, sink),
                b';' | b' ' | b'\t' => {
                    self.ext_start = self.at(i);
                    self.state = State::ChunkExt(Ext::SemiWs);
                    Ok(i)
                }
                _ => Err(self.fail(ErrorKind::InvalidChunkSize, i)),
            };
        }
        Ok(i)
    }

    /// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ),
    /// checked byte by byte; the raw bytes are reported as fragments.
    pub(super) fn chunk_ext<S: HttpSink + ?Sized>(
        &mut self,
        ext: Ext,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let ext_limit_at = self
            .ext_start
            .saturating_add(self.limits.max_chunk_extension as u64);
        let mut ext = ext;
        let mut i = pos;
        while i < end {
            let b = input[i];
            let line_may_end = matches!(ext, Ext::Name | Ext::Token | Ext::AfterValue);
            if line_may_end && (b == b'\r' || b == b'\n') {
                if i > pos {
                    sink.on_chunk_extension(&input[pos..i]);
                }
                if b == b'\r' {
                    self.state = State::Lf(After::ChunkSizeLine);
                    return Ok(i + 1);
                }
                return self.bare_lf(After::ChunkSizeLine, input, i, sink);
            }
            if self.at(i) >= ext_limit_at {
                if i > pos {
                    sink.on_chunk_extension(&input[pos..i]);
                }
                return Err(ParseError::limit(
                    ErrorKind::ChunkExtensionTooLong,
                    ext_limit_at,
                    self.limits.max_chunk_extension as u64,
                ));
            }
            let next = match (ext, b) {
                (Ext::SemiWs, b' ' | b'\t') => Some(Ext::SemiWs),
                (Ext::SemiWs | Ext::Name | Ext::AfterName | Ext::Token | Ext::AfterValue, b';') => {
                    self.ext_count += 1;
                    Some(Ext::NameWs)
                }
                (Ext::NameWs, b' ' | b'\t') => Some(Ext::NameWs),
                (Ext::NameWs | Ext::Name, _) if TCHAR[b as usize] => Some(Ext::Name),
                (Ext::Name | Ext::AfterName, b' ' | b'\t') => Some(Ext::AfterName),
                (Ext::Name | Ext::AfterName, b'=') => Some(Ext::ValueWs),
                (Ext::ValueWs, b' ' | b'\t') => Some(Ext::ValueWs),
                (Ext::ValueWs, b'"') => Some(Ext::Quoted),
                (Ext::ValueWs | Ext::Token, _) if TCHAR[b as usize] => Some(Ext::Token),
                (Ext::Token | Ext::AfterValue, b' ' | b'\t') => Some(Ext::SemiWs),
                (Ext::Quoted, b'"') => Some(Ext::AfterValue),
                (Ext::Quoted, b'\\') => Some(Ext::QuotedPair),
                (Ext::Quoted, _) if QDTEXT[b as usize] => Some(Ext::Quoted),
                (Ext::QuotedPair, _) if FIELD[b as usize] => Some(Ext::Quoted),
                _ => None,
            };
            match next {
                Some(state) => ext = state,
                None => {
                    if i > pos {
                        sink.on_chunk_extension(&input[pos..i]);
                    }
                    // Junk after the size (`5 x`, `5 \r\n`) is a bad size;
                    // anything wrong after a `;` is a bad extension.
                    let kind = if self.ext_count == 0 {
                        ErrorKind::InvalidChunkSize
                    } else {
                        ErrorKind::InvalidChunkExtension
                    };
                    return Err(self.fail(kind, i));
                }
            }
            i += 1;
        }
        if i > pos {
            sink.on_chunk_extension(&input[pos..i]);
        }
        self.state = State::ChunkExt(ext);
        Ok(i)
    }

    /// The chunk-size line is complete; `next` is the byte after its LF.
    pub(super) fn chunk_size_line_end<S: HttpSink + ?Sized>(
        &mut self,
        next: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.line_limit_at = u64::MAX;
        let size = self.chunk_size;
        if let Some(max) = self.limits.max_body {
            if size > max - self.body_seen {
                return Err(ParseError::limit(
                    ErrorKind::BodyTooLarge,
                    self.chunk_line_start,
                    max,
                ));
            }
        }
        sink.on_chunk_header(size);
        if size == 0 {
            sink.on_trailers_begin();
            self.trailers = true;
            self.fields = 0;
            self.field = super::framing::Field::Other;
            self.field_pending = false;
            let start = self.at(next);
            self.head_limit_at = start.saturating_add(self.limits.max_head as u64);
            self.new_line(next);
            self.state = State::LineStart;
        } else {
            self.body_seen += size;
            self.remaining = size;
            self.state = State::ChunkData;
        }
        Ok(next)
    }

    pub(super) fn chunk_data<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let available = (input.len() - pos) as u64;
        let n = self.remaining.min(available) as usize;
        sink.on_body(&input[pos..pos + n]);
        self.remaining -= n as u64;
        if self.remaining == 0 {
            self.state = State::ChunkDataEnd;
        }
        Ok(pos + n)
    }

    /// The CRLF after chunk data.
    pub(super) fn chunk_data_end<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.line_break_or(
            After::ChunkData,
            ErrorKind::InvalidChunkTerminator,
            input,
            pos,
            sink,
        )
    }
}

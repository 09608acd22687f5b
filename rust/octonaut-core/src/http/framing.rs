//! Message framing from the header fields: Content-Length, Transfer-Encoding,
//! Connection and Upgrade (RFC 9112 §6.1–§6.3, §9.3; RFC 9110 §7.8, §8.6).
//!
//! Strategy: the field parser tells [`Framing`] when a field name is one of
//! the four that matter ([`Field`]), then streams that field's value bytes
//! through a tiny per-field state machine, so a value split across feeds is
//! never buffered. Conflicts (a second Content-Length, Content-Length with
//! Transfer-Encoding) are detected at the field name, and every error points
//! at the offending byte. When the head is complete, [`Framing::request`] and
//! [`Framing::response`] turn what was seen into a [`Decision`].

use super::chars::{is_ws, TCHAR};
use super::lenient::Lenient;
use crate::parse::{ErrorKind, ParseError};

/// The header fields that decide framing, recognised case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Other,
    ContentLength,
    TransferEncoding,
    Connection,
    Upgrade,
}

impl Field {
    /// Classifies a complete field name, which must be all tchar (the field
    /// parsers only pass names they have validated).
    ///
    /// The length rules out almost every other field; the rest is compared a
    /// word at a time with ASCII case folded by `| 0x20`. That fold is exact
    /// here: among tchar bytes, `b | 0x20` is a lowercase letter only for
    /// that letter in either case, and `-` only for `-` itself.
    #[inline]
    pub(crate) fn classify(name: &[u8]) -> Field {
        match name.len() {
            7 if folded_eq(name, b"upgrade") => Field::Upgrade,
            10 if folded_eq(name, b"connection") => Field::Connection,
            14 if folded_eq(name, b"content-length") => Field::ContentLength,
            17 if folded_eq(name, b"transfer-encoding") => Field::TransferEncoding,
            _ => Field::Other,
        }
    }
}

/// `name | 0x20` (bytewise) equals `lower`, for `lower.len() == name.len()`
/// from 4 to 24 bytes, compared in (possibly overlapping) words. The fold
/// is exact when `lower` holds only lowercase letters and `-` and `name`
/// holds no CTL: `b | 0x20` is such a letter only for that letter in either
/// case, and `-` only for `-` or CR.
#[inline(always)]
fn folded_eq(name: &[u8], lower: &[u8]) -> bool {
    #[inline(always)]
    fn word(bytes: &[u8], at: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w)
    }
    #[inline(always)]
    fn half(bytes: &[u8], at: usize) -> u32 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u32::from_le_bytes(w)
    }
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let n = name.len();
    debug_assert!(n == lower.len() && (4..=24).contains(&n));
    if n < 8 {
        return half(name, 0) | FOLD as u32 == half(lower, 0)
            && half(name, n - 4) | FOLD as u32 == half(lower, n - 4);
    }
    let middle = if n > 16 { n / 2 - 4 } else { 0 };
    word(name, 0) | FOLD == word(lower, 0)
        && word(name, middle) | FOLD == word(lower, middle)
        && word(name, n - 8) | FOLD == word(lower, n - 8)
}

impl Field {
    #[cfg(test)]
    fn classify_slowly(name: &[u8]) -> Field {
        for (expected, field) in [
            (&b"upgrade"[..], Field::Upgrade),
            (b"connection", Field::Connection),
            (b"content-length", Field::ContentLength),
            (b"transfer-encoding", Field::TransferEncoding),
        ] {
            if name.eq_ignore_ascii_case(expected) {
                return field;
            }
        }
        Field::Other
    }
}

/// The request methods that change framing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Method {
    /// `HEAD`: the response has no body.
    Head,
    /// `CONNECT`: authority-form target; a 2xx response opens a tunnel.
    Connect,
    /// `OPTIONS`: the only method allowed an asterisk-form target.
    Options,
    /// Any other method.
    #[default]
    Other,
}

impl Method {
    /// Classifies a method token (methods are case-sensitive, RFC 9110 §9.1).
    pub fn classify(method: &[u8]) -> Method {
        match method {
            b"HEAD" => Method::Head,
            b"CONNECT" => Method::Connect,
            b"OPTIONS" => Method::Options,
            _ => Method::Other,
        }
    }
}

/// How the body of a message is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    None,
    Length(u64),
    Chunked,
    UntilEof,
}

/// What the head says about the message and the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    pub body: Body,
    pub keep_alive: bool,
    pub upgrade: bool,
    pub content_length: Option<u64>,
    pub chunked: bool,
}

/// A short token being compared against known names, lowercased.
#[derive(Clone, Copy, Debug, Default)]
struct Word {
    buf: [u8; 12],
    len: u8,
    /// Longer than any name we compare against.
    long: bool,
}

impl Word {
    fn clear(&mut self) {
        self.len = 0;
        self.long = false;
    }
    fn push(&mut self, b: u8) {
        if (self.len as usize) < self.buf.len() {
            self.buf[self.len as usize] = b.to_ascii_lowercase();
            self.len += 1;
        } else {
            self.long = true;
        }
    }
    fn is_empty(&self) -> bool {
        self.len == 0
    }
    fn get(&self) -> &[u8] {
        if self.long {
            b""
        } else {
            &self.buf[..self.len as usize]
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum ClState {
    /// No digit of the current list element yet.
    #[default]
    Empty,
    Digits,
    /// Whitespace after the digits.
    After,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum ListState {
    /// Before an element (after the start or a comma), skipping OWS.
    #[default]
    Before,
    InToken,
    /// OWS after an element.
    After,
}

/// The framing facts gathered from one message head.
#[derive(Clone, Debug, Default)]
pub(crate) struct Framing {
    /// The agreed Content-Length, once one element is complete.
    content_length: Option<u64>,
    cl_fields: u32,
    cl_state: ClState,
    cl_value: u64,
    cl_element_start: u64,
    te_present: bool,
    te_offset: u64,
    chunked_seen: bool,
    chunked_last: bool,
    te_state: ListState,
    te_word: Word,
    te_word_start: u64,
    conn_state: ListState,
    conn_word: Word,
    close: bool,
    keep_alive: bool,
    conn_upgrade: bool,
    upgrade_header: bool,
}

impl Framing {
    pub(crate) fn reset(&mut self) {
        *self = Framing::default();
    }

    /// A field called `field` starts at `offset` (its name's first byte).
    /// Rejects a second Content-Length, Content-Length with
    /// Transfer-Encoding, and Transfer-Encoding in HTTP/1.0.
    pub(crate) fn on_field_name(
        &mut self,
        field: Field,
        offset: u64,
        http10: bool,
        lenient: Lenient,
    ) -> Result<(), ParseError> {
        match field {
            Field::ContentLength => {
                if self.te_present && !lenient.contains(Lenient::TE_WITH_CL) {
                    return Err(ParseError::new(
                        ErrorKind::ContentLengthWithTransferEncoding,
                        offset,
                    ));
                }
                if self.cl_fields > 0 && !lenient.contains(Lenient::DUPLICATE_CONTENT_LENGTH) {
                    return Err(ParseError::new(ErrorKind::DuplicateContentLength, offset));
                }
                self.cl_fields += 1;
                self.cl_state = ClState::Empty;
            }
            Field::TransferEncoding => {
                if http10 && !lenient.contains(Lenient::TRANSFER_ENCODING_HTTP10) {
                    return Err(ParseError::new(ErrorKind::TransferEncodingInHttp10, offset));
                }
                if self.cl_fields > 0 && !lenient.contains(Lenient::TE_WITH_CL) {
                    return Err(ParseError::new(
                        ErrorKind::ContentLengthWithTransferEncoding,
                        offset,
                    ));
                }
                if !self.te_present {
                    self.te_present = true;
                    self.te_offset = offset;
                }
                // Each field is a new list: no element is open.
                self.te_state = ListState::Before;
            }
            Field::Connection => {
                self.conn_state = ListState::Before;
                self.conn_word.clear();
            }
            Field::Upgrade | Field::Other => {}
        }
        Ok(())
    }

    /// Bytes of the value of `field`, the first at absolute `offset`.
    /// Leading OWS has been skipped; trailing OWS is included; `whole` says
    /// `bytes` is the entire value (not a fragment). On error,
    /// also returns the index in `bytes` of the byte that revealed it, so
    /// the caller reports exactly the value bytes before it (the error offset
    /// itself may point earlier, at the start of a bad coding).
    pub(crate) fn on_value(
        &mut self,
        field: Field,
        bytes: &[u8],
        offset: u64,
        lenient: Lenient,
        whole: bool,
    ) -> Result<(), (ParseError, usize)> {
        match field {
            Field::ContentLength => {
                for (i, &b) in bytes.iter().enumerate() {
                    self.content_length_byte(b, offset + i as u64, lenient)
                        .map_err(|e| (e, i))?;
                }
            }
            Field::TransferEncoding => {
                for (i, &b) in bytes.iter().enumerate() {
                    self.transfer_encoding_byte(b, offset + i as u64)
                        .map_err(|e| (e, i))?;
                }
            }
            Field::Connection => {
                if !(whole && self.connection_single_token(bytes)) {
                    for &b in bytes {
                        self.connection_byte(b);
                    }
                }
            }
            Field::Upgrade => {
                if bytes.iter().any(|&b| !is_ws(b)) {
                    self.upgrade_header = true;
                }
            }
            Field::Other => {}
        }
        Ok(())
    }

    /// [`Framing::on_value`] for a whole value, with the common single-token
    /// Connection value (`keep-alive`, `close`) taken inline.
    #[inline(always)]
    pub(crate) fn on_whole_value(
        &mut self,
        field: Field,
        bytes: &[u8],
        offset: u64,
        lenient: Lenient,
    ) -> Result<(), (ParseError, usize)> {
        if field == Field::Connection && self.connection_single_token(bytes) {
            return Ok(());
        }
        self.on_value(field, bytes, offset, lenient, true)
    }

    /// The value of `field` ended at absolute `offset` (its CR or LF).
    pub(crate) fn on_field_end(
        &mut self,
        field: Field,
        offset: u64,
        lenient: Lenient,
    ) -> Result<(), ParseError> {
        match field {
            Field::ContentLength => self.content_length_element_end(offset, lenient),
            Field::TransferEncoding => self.transfer_encoding_element_end(offset, true),
            Field::Connection => {
                self.connection_word_end();
                Ok(())
            }
            Field::Upgrade | Field::Other => Ok(()),
        }
    }

    fn content_length_byte(&mut self, b: u8, at: u64, lenient: Lenient) -> Result<(), ParseError> {
        match (self.cl_state, b) {
            (ClState::Empty, b'0'..=b'9') => {
                self.cl_state = ClState::Digits;
                self.cl_value = u64::from(b - b'0');
                self.cl_element_start = at;
            }
            (ClState::Digits, b'0'..=b'9') => {
                self.cl_value = self
                    .cl_value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(b - b'0')))
                    .ok_or(ParseError::new(ErrorKind::InvalidContentLength, at))?;
            }
            (ClState::Digits | ClState::After, b' ' | b'\t') => self.cl_state = ClState::After,
            (ClState::Empty, b' ' | b'\t') => {}
            (ClState::Digits | ClState::After, b',') => {
                if !lenient.contains(Lenient::DUPLICATE_CONTENT_LENGTH) {
                    return Err(ParseError::new(ErrorKind::DuplicateContentLength, at));
                }
                self.content_length_element_end(at, lenient)?;
            }
            _ => return Err(ParseError::new(ErrorKind::InvalidContentLength, at)),
        }
        Ok(())
    }

    fn content_length_element_end(&mut self, at: u64, _lenient: Lenient) -> Result<(), ParseError> {
        if self.cl_state == ClState::Empty {
            return Err(ParseError::new(ErrorKind::InvalidContentLength, at));
        }
        self.cl_state = ClState::Empty;
        match self.content_length {
            // Reported where the difference is known (the comma or the end).
            Some(previous) if previous != self.cl_value => {
                Err(ParseError::new(ErrorKind::DuplicateContentLength, at))
            }
            _ => {
                self.content_length = Some(self.cl_value);
                Ok(())
            }
        }
    }

    /// Where the (last) Content-Length value starts, for `max_body` errors.
    pub(crate) fn content_length_offset(&self) -> u64 {
        self.cl_element_start
    }

    fn transfer_encoding_byte(&mut self, b: u8, at: u64) -> Result<(), ParseError> {
        match self.te_state {
            ListState::Before => {
                if is_ws(b) {
                } else if TCHAR[b as usize] {
                    self.te_state = ListState::InToken;
                    self.te_word.clear();
                    self.te_word.push(b);
                    self.te_word_start = at;
                } else {
                    // An empty element, or a byte no coding can start with.
                    return Err(ParseError::new(ErrorKind::InvalidTransferEncoding, at));
                }
            }
            ListState::InToken => {
                if TCHAR[b as usize] {
                    self.te_word.push(b);
                } else if is_ws(b) {
                    self.transfer_encoding_element_end(at, false)?;
                    self.te_state = ListState::After;
                } else if b == b',' {
                    self.transfer_encoding_element_end(at, false)?;
                    self.te_state = ListState::Before;
                } else {
                    // Parameters (`;`), quotes, anything else: not a coding we accept.
                    return Err(ParseError::new(ErrorKind::InvalidTransferEncoding, at));
                }
            }
            ListState::After => {
                if b == b',' {
                    self.te_state = ListState::Before;
                } else if !is_ws(b) {
                    return Err(ParseError::new(ErrorKind::InvalidTransferEncoding, at));
                }
            }
        }
        Ok(())
    }

    /// Ends the current coding (at a separator, or the field's end when
    /// `field_end`).
    fn transfer_encoding_element_end(
        &mut self,
        at: u64,
        field_end: bool,
    ) -> Result<(), ParseError> {
        match self.te_state {
            ListState::Before => {
                // Empty value or a trailing comma: an obfuscated list.
                return Err(ParseError::new(ErrorKind::InvalidTransferEncoding, at));
            }
            ListState::After => return Ok(()),
            ListState::InToken => {}
        }
        if field_end {
            self.te_state = ListState::After;
        }
        let start = self.te_word_start;
        let bad = ParseError::new(ErrorKind::InvalidTransferEncoding, start);
        match self.te_word.get() {
            b"chunked" => {
                if self.chunked_seen {
                    // chunked applied twice (RFC 9112 §7).
                    return Err(bad);
                }
                self.chunked_seen = true;
                self.chunked_last = true;
            }
            b"gzip" | b"x-gzip" | b"deflate" | b"compress" | b"x-compress" => {
                if self.chunked_last {
                    // A coding after chunked: chunked is not final.
                    return Err(bad);
                }
            }
            _ => return Err(bad),
        }
        Ok(())
    }

    /// The common case of a whole `Connection` value that is one known
    /// token (`keep-alive`, `close`, `upgrade`) in one fragment; false when
    /// the general per-byte path must run instead.
    #[inline(always)]
    fn connection_single_token(&mut self, bytes: &[u8]) -> bool {
        if self.conn_state != ListState::Before {
            return false;
        }
        // Value bytes hold no CTL, so folding with `| 0x20` is exact for
        // these letters and `-` (see `folded_eq`).
        let flag = match bytes.len() {
            10 if folded_eq(bytes, b"keep-alive") => &mut self.keep_alive,
            5 if folded_eq(bytes, b"close") => &mut self.close,
            7 if folded_eq(bytes, b"upgrade") => &mut self.conn_upgrade,
            _ => return false,
        };
        *flag = true;
        self.conn_state = ListState::After;
        true
    }

    fn connection_byte(&mut self, b: u8) {
        if b == b',' {
            self.connection_word_end();
            self.conn_state = ListState::Before;
        } else if is_ws(b) {
            if self.conn_state == ListState::InToken {
                self.connection_word_end();
                self.conn_state = ListState::After;
            }
        } else {
            if self.conn_state != ListState::InToken {
                self.conn_word.clear();
                self.conn_state = ListState::InToken;
            }
            self.conn_word.push(b);
        }
    }

    fn connection_word_end(&mut self) {
        if self.conn_state == ListState::InToken && !self.conn_word.is_empty() {
            match self.conn_word.get() {
                b"close" => self.close = true,
                b"keep-alive" => self.keep_alive = true,
                b"upgrade" => self.conn_upgrade = true,
                _ => {}
            }
        }
        self.conn_word.clear();
        self.conn_state = ListState::After;
    }

    fn persistent(&self, http11: bool) -> bool {
        // RFC 9112 §9.3.
        !self.close && (http11 || self.keep_alive)
    }

    /// The framing of a request (RFC 9112 §6.3 rules 3–7).
    pub(crate) fn request(&self, http11: bool, method: Method) -> Result<Decision, ParseError> {
        let mut keep_alive = self.persistent(http11);
        let mut content_length = self.content_length;
        let body = if self.te_present {
            if !self.chunked_last {
                // Rule 4: a request whose final coding is not chunked is unframed.
                return Err(ParseError::new(
                    ErrorKind::InvalidTransferEncoding,
                    self.te_offset,
                ));
            }
            if content_length.take().is_some() {
                // Only with te_with_cl: TE wins and the connection must close.
                keep_alive = false;
            }
            Body::Chunked
        } else {
            match content_length {
                Some(0) | None => Body::None,
                Some(n) => Body::Length(n),
            }
        };
        // RFC 9110 §7.8: a server MUST ignore Upgrade in an HTTP/1.0 request.
        let upgrade =
            method == Method::Connect || (http11 && self.upgrade_header && self.conn_upgrade);
        Ok(Decision {
            body,
            keep_alive,
            upgrade,
            content_length,
            chunked: body == Body::Chunked,
        })
    }

    /// The framing of a response with `status` to a request with `method`
    /// (RFC 9112 §6.3 rules 1–7).
    pub(crate) fn response(
        &self,
        http11: bool,
        status: u16,
        method: Method,
        lenient: Lenient,
    ) -> Result<Decision, ParseError> {
        let mut keep_alive = self.persistent(http11);
        let mut content_length = self.content_length;
        let mut upgrade = false;
        let body = if (100..200).contains(&status) {
            upgrade = status == 101;
            Body::None
        } else if method == Method::Connect && (200..300).contains(&status) {
            upgrade = true;
            Body::None
        } else if method == Method::Head || status == 204 || status == 304 {
            Body::None
        } else if self.te_present {
            if content_length.take().is_some() {
                keep_alive = false;
            }
            if self.chunked_last {
                Body::Chunked
            } else if lenient.contains(Lenient::TRANSFER_ENCODING_UNTIL_CLOSE) {
                Body::UntilEof
            } else {
                // Strict (issue 3): chunked must be the final coding, in
                // responses too, where RFC 9112 §6.3 rule 4 would read a
                // body until the close.
                return Err(ParseError::new(
                    ErrorKind::InvalidTransferEncoding,
                    self.te_offset,
                ));
            }
        } else {
            match content_length {
                Some(0) => Body::None,
                Some(n) => Body::Length(n),
                None => Body::UntilEof,
            }
        };
        if body == Body::UntilEof {
            keep_alive = false;
        }
        Ok(Decision {
            body,
            keep_alive,
            upgrade,
            content_length,
            chunked: body == Body::Chunked,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::chars::{FIELD, TCHAR};
    use super::*;

    /// The fold of `connection_single_token`: every value byte substituted
    /// at every position of each token.
    #[test]
    fn folded_eq_is_exact_for_value_bytes() {
        for token in [&b"keep-alive"[..], b"close", b"upgrade"] {
            for at in 0..token.len() {
                for b in (0..=255u8).filter(|&b| FIELD[b as usize]) {
                    let mut variant = token.to_vec();
                    variant[at] = b;
                    assert_eq!(
                        folded_eq(&variant, token),
                        variant.eq_ignore_ascii_case(token),
                        "{variant:?}"
                    );
                }
            }
        }
    }

    /// Every tchar substituted at every position of every known name (in
    /// both cases) classifies as the case-insensitive comparison does.
    #[test]
    fn classify_folds_case_exactly_for_tchar_names() {
        for name in [
            &b"upgrade"[..],
            b"connection",
            b"content-length",
            b"transfer-encoding",
            b"keep-alive",
            b"user-agent",
        ] {
            for upper in [false, true] {
                let base: Vec<u8> = if upper {
                    name.to_ascii_uppercase()
                } else {
                    name.to_vec()
                };
                assert_eq!(Field::classify(&base), Field::classify_slowly(&base));
                for at in 0..base.len() {
                    for b in (0..=255u8).filter(|&b| TCHAR[b as usize]) {
                        let mut variant = base.clone();
                        variant[at] = b;
                        assert_eq!(
                            Field::classify(&variant),
                            Field::classify_slowly(&variant),
                            "{:?}",
                            String::from_utf8_lossy(&variant)
                        );
                    }
                }
            }
        }
    }
}

//! Field lines of the head and of the trailer section (RFC 9112 §5, RFC 9110 §5).
//!
//! Strategy: whole lines are parsed by a walk over the input that asks a
//! [`Landmarks`] cursor (`masks.rs`: 64-byte SIMD class bitmasks, or the
//! tables) for two positions per line, the first non-tchar from the line's
//! first byte (its colon; that byte itself when no name starts the line) and
//! the first byte after the colon's OWS that cannot be in a value (its CR). The
//! usual shapes cost one compare each: `: ` then a byte above SP starts the
//! value (other OWS goes to a cold loop), and only a value whose last byte is
//! at or below SP is trimmed. Per-line state stays in locals and is written
//! back when the walk stops; a line that is split, unusual or wrong is handed,
//! from its first byte and with nothing reported yet, to the byte-exact state
//! handlers below, so results never depend on which path ran. Those handlers
//! scan a name with the tchar table up to its colon and a value with SIMD for
//! the first byte that is not field-vchar, SP or HTAB. Either way a name is
//! classified once (only Content-Length, Transfer-Encoding, Connection and
//! Upgrade matter, see `framing.rs`); leading OWS is skipped; trailing OWS is
//! trimmed from each fragment and held back in a fixed buffer until more value
//! follows, so fragments concatenate to the exact value. A field is completed
//! (`on_header_complete`) at the first byte of the next line, because only then
//! is it known not to be folded; when the walk already sees that byte (and it
//! is neither SP, HTAB nor LF), it reports the line and its completion together
//! (`on_header_field`), which lets a sink store the finished field at once, and
//! the walk carries no pending field from line to line (a line it cannot
//! complete ends the walk).

use super::chars::is_ws;
use super::framing::Field;
use super::lenient::Lenient;
use super::machine::{After, Machine, State};
use super::masks::{self, Landmarks};
use super::scan;
use super::sink::HttpSink;
use crate::parse::{ErrorKind, ParseError};

impl Machine {
    /// The fast path for field lines: while whole `name: value CRLF` lines
    /// are in the input, parse them here without going back to the
    /// dispatcher. Anything unusual (a split line, whitespace, an error, the
    /// end of the head) is handed to the byte-exact state handlers, which
    /// behave identically; so this path changes speed, never results.
    #[inline(always)]
    pub(super) fn field_lines<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        #[cfg(target_arch = "x86_64")]
        match scan::level() {
            // SAFETY: AVX2 is available (detected).
            scan::Level::Avx2 => return unsafe { self.field_lines_avx2(input, pos, sink) },
            // SAFETY: SSSE3 is available (detected).
            scan::Level::Ssse3 => return unsafe { self.field_lines_ssse3(input, pos, sink) },
            scan::Level::Baseline => {}
        }
        self.field_lines_body(input, pos, sink, &mut masks::Tables)
    }

    /// The field-line walk with AVX2 block masks, compiled with AVX2 so the
    /// classification inlines into the loop (multiversioning).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn field_lines_avx2<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        // SAFETY: this function only runs where AVX2 is available.
        let mut cursor = unsafe { masks::MaskCursor::<masks::Avx2>::new() };
        self.field_lines_body(input, pos, sink, &mut cursor)
    }

    /// The field-line walk with SSSE3 block masks.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    unsafe fn field_lines_ssse3<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        // SAFETY: this function only runs where SSSE3 is available.
        let mut cursor = unsafe { masks::MaskCursor::<masks::Ssse3>::new() };
        self.field_lines_body(input, pos, sink, &mut cursor)
    }

    /// The walk itself. Only the position, the field count and the line
    /// limit are carried from line to line: a line whose field cannot be
    /// completed at once ends the walk (the byte handlers take its next
    /// line), so the pending-field state is written back only then, and the
    /// byte handlers see exactly what they would have seen had they parsed
    /// every line themselves.
    #[inline(always)]
    fn field_lines_body<S: HttpSink + ?Sized, L: Landmarks>(
        &mut self,
        input: &[u8],
        start: usize,
        sink: &mut S,
        landmarks: &mut L,
    ) -> Result<usize, ParseError> {
        let len = input.len();
        if start >= len {
            return Ok(start);
        }
        // The first bytes past the head and line limits, relative to
        // `input` (together they are `window`); the line limit moves with
        // each line.
        let head_end = self
            .head_limit_at
            .saturating_sub(self.offset)
            .min(len as u64) as usize;
        let mut line_end = self
            .line_limit_at
            .saturating_sub(self.offset)
            .min(len as u64) as usize;
        let max_line = self.limits.max_line;
        // A field is completed at its own line when the next line's first
        // byte is already here, inside the head and line limits, and is not
        // SP, HTAB (a fold) or LF (a bare LF, which fails first when strict):
        // the byte handlers complete the field at any other byte first thing,
        // before a check of their own can fail, so the events are the same.
        let completes_at = |at: usize| at < head_end && !matches!(input[at], b' ' | b'\t' | b'\n');
        if self.field_pending {
            // A field from an earlier line: the first byte here decides
            // (with `max_line` 0 the byte handlers fail at it first; in the
            // walk below it cannot matter, as no line is taken then).
            if max_line == 0 || !completes_at(start) {
                return self.line_start(input, start, sink);
            }
            self.finish_field(sink)?;
        }
        let max_headers = self.limits.max_headers;
        let trailers = self.trailers;
        // Fields still allowed (`fields <= max_headers` always holds: one
        // more is an error).
        let mut fields_left = max_headers.saturating_sub(self.fields);
        let mut pos = start;
        // The field left pending when the walk ends: (field, value end,
        // value non-empty).
        let mut pending = None;
        let exit = loop {
            if pos >= len {
                break Ok(Exit::Done);
            }
            let end = head_end.min(line_end);
            // The name runs to the first non-tchar (`pos` itself when the
            // line does not start with a name).
            let colon = landmarks.non_tchar(input, pos);
            if colon >= end || input[colon] != b':' || colon == pos {
                if input[pos] == b'\r' && pos + 1 < end && input[pos + 1] == b'\n' {
                    break Ok(Exit::HeadEnd);
                }
                break Ok(Exit::Bytewise);
            }
            // Usually exactly one SP before a byte above SP; OWS in general.
            let value_start =
                if colon + 2 < end && input[colon + 1] == b' ' && input[colon + 2] > b' ' {
                    colon + 2
                } else {
                    skip_ws(input, colon + 1, end)
                };
            let value_stop = landmarks.non_value(input, value_start);
            if value_stop + 1 >= end || !is_crlf(input, value_stop) {
                break Ok(Exit::Bytewise);
            }
            // A whole, well-formed line [pos, value_stop + 2).
            if fields_left == 0 {
                break Err(ParseError::limit(
                    ErrorKind::TooManyHeaders,
                    self.at(pos),
                    max_headers as u64,
                ));
            }
            fields_left -= 1;
            let field = if trailers {
                Field::Other
            } else {
                Field::classify(&input[pos..colon])
            };
            // Trailing OWS is rare: one byte tells (the only value bytes
            // at or below SP are SP and HTAB).
            let trimmed = &input[value_start..value_stop];
            let trimmed = match trimmed.last() {
                Some(&last) if last <= b' ' => trim_end_ws(trimmed),
                _ => trimmed,
            };
            let next = value_stop + 2;
            let complete_now = completes_at(next);
            if field == Field::Other && complete_now {
                sink.on_header_field(&input[pos..colon], trimmed);
            } else {
                let keep = value_start + trimmed.len();
                let line = WholeLine {
                    pos,
                    colon,
                    value_start,
                    value_stop,
                    keep,
                };
                if let Err(error) = self.uncommon_line(field, input, line, complete_now, sink) {
                    break Err(error);
                }
                if !complete_now {
                    // The next line (if here) is a fold, a bare LF or past a
                    // limit: the byte handlers take it from its first byte.
                    pending = Some((field, value_stop, keep > value_start));
                    pos = next;
                    break Ok(if pos >= len {
                        Exit::Done
                    } else {
                        Exit::Bytewise
                    });
                }
            }
            pos = next;
            line_end = pos.saturating_add(max_line);
        };
        if pos != start {
            self.fields = max_headers - fields_left;
            match pending {
                Some((field, value_stop, value_nonempty)) => {
                    self.field = field;
                    self.field_pending = true;
                    self.value_end_at = self.at(value_stop);
                    self.value_nonempty = value_nonempty;
                }
                None => self.field_pending = false,
            }
            self.held_ws_len = 0;
            self.new_line(pos);
        }
        match exit? {
            Exit::Done => Ok(pos),
            Exit::Bytewise => self.line_start(input, pos, sink),
            Exit::HeadEnd => {
                self.finish_field(sink)?;
                self.head_end(pos + 2, sink)
            }
        }
    }

    /// A whole line the walk does not finish inline: a field that decides
    /// framing, or a field that may still be folded (reported as a line,
    /// completed later). `complete_now` as in the walk.
    #[inline(always)]
    fn uncommon_line<S: HttpSink + ?Sized>(
        &mut self,
        field: Field,
        input: &[u8],
        line: WholeLine,
        complete_now: bool,
        sink: &mut S,
    ) -> Result<(), ParseError> {
        let name = &input[line.pos..line.colon];
        let trimmed = &input[line.value_start..line.keep];
        if field == Field::Other {
            if complete_now {
                sink.on_header_field(name, trimmed);
            } else {
                sink.on_header_line(name, trimmed);
            }
            return Ok(());
        }
        // The framing checks run first; the events are then the ones the
        // byte handlers give: up to the error if one is found (a value
        // that fails part-way is reported up to the byte that failed it).
        let value = &input[line.value_start..line.value_stop];
        self.framing_field(field, line.pos, line.value_start, value, name, sink)?;
        if !complete_now {
            sink.on_header_line(name, trimmed);
            return Ok(());
        }
        let at = self.at(line.value_stop);
        if let Err(error) = self.framing.on_field_end(field, at, self.lenient) {
            sink.on_header_line(name, trimmed);
            return Err(error);
        }
        sink.on_header_field(name, trimmed);
        Ok(())
    }

    /// The framing checks of a field in a whole line: its `name` starts at
    /// `pos`, its `value` (trailing OWS included) at `value_start`. On an
    /// error, reports what the byte handlers would have reported before it
    /// (the name, and the value up to the byte that failed it).
    #[inline(always)]
    fn framing_field<S: HttpSink + ?Sized>(
        &mut self,
        field: Field,
        pos: usize,
        value_start: usize,
        value: &[u8],
        name: &[u8],
        sink: &mut S,
    ) -> Result<(), ParseError> {
        self.name_start = self.at(pos);
        let named =
            self.framing
                .on_field_name(field, self.name_start, self.minor == 0, self.lenient);
        if let Err(error) = named {
            sink.on_header_name(name);
            return Err(error);
        }
        let checked = self
            .framing
            .on_whole_value(field, value, self.at(value_start), self.lenient);
        if let Err((error, seen)) = checked {
            return Err(self.framing_value_error(error, name, &value[..seen], sink));
        }
        Ok(())
    }

    /// Reports a framing field whose value failed after `seen` (as the byte
    /// handlers would have) and gives the error back.
    #[cold]
    #[inline(never)]
    fn framing_value_error<S: HttpSink + ?Sized>(
        &mut self,
        error: ParseError,
        name: &[u8],
        seen: &[u8],
        sink: &mut S,
    ) -> ParseError {
        sink.on_header_name(name);
        self.value_nonempty = false;
        self.held_ws_len = 0;
        self.value_fragment(seen, sink);
        error
    }

    /// The first byte of a field line, or of the empty line ending the head.
    pub(super) fn line_start<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        self.window(pos, input.len())?;
        match input[pos] {
            b'\r' => {
                self.finish_field(sink)?;
                self.state = State::Lf(After::HeadEnd);
                Ok(pos + 1)
            }
            b'\n' => {
                if !self.lenient.contains(Lenient::BARE_LF) {
                    return Err(self.fail(ErrorKind::BareLf, pos));
                }
                self.finish_field(sink)?;
                self.bare_lf(After::HeadEnd, input, pos, sink)
            }
            b' ' | b'\t' => {
                if !self.field_pending {
                    return Err(self.fail(ErrorKind::LeadingWhitespace, pos));
                }
                if !self.lenient.contains(Lenient::OBS_FOLD) {
                    return Err(self.fail(ErrorKind::ObsFold, pos));
                }
                // obs-fold: the field goes on; the fold stands for one SP.
                self.field_pending = false;
                self.held_ws_len = 0;
                if self.value_nonempty {
                    self.held_ws[0] = b' ';
                    self.held_ws_len = 1;
                }
                if self.field != Field::Other {
                    self.framing
                        .on_value(self.field, b" ", self.at(pos), self.lenient, false)
                        .map_err(|(error, _)| error)?;
                }
                self.state = State::ValueWs;
                Ok(pos + 1)
            }
            _ => {
                self.finish_field(sink)?;
                self.fields += 1;
                if self.fields > self.limits.max_headers {
                    return Err(ParseError::limit(
                        ErrorKind::TooManyHeaders,
                        self.at(pos),
                        self.limits.max_headers as u64,
                    ));
                }
                self.name_start = self.at(pos);
                self.name_len = 0;
                self.state = State::Name;
                Ok(pos)
            }
        }
    }

    /// Completes the field whose value ended on the previous line, if any.
    #[inline(always)]
    fn finish_field<S: HttpSink + ?Sized>(&mut self, sink: &mut S) -> Result<(), ParseError> {
        if self.field_pending {
            self.field_pending = false;
            if self.field != Field::Other {
                self.framing
                    .on_field_end(self.field, self.value_end_at, self.lenient)?;
            }
            sink.on_header_complete();
        }
        Ok(())
    }

    pub(super) fn name<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let stop = pos + scan::token_end(&input[pos..end]);
        if stop > pos {
            let fragment = &input[pos..stop];
            sink.on_header_name(fragment);
            let have = self.name_len;
            if have + fragment.len() <= self.name_buf.len() {
                self.name_buf[have..have + fragment.len()].copy_from_slice(fragment);
            }
            self.name_len += fragment.len();
        }
        if stop == end {
            return Ok(stop);
        }
        match input[stop] {
            b':' if self.name_len > 0 => self.colon(stop),
            b' ' | b'\t' if self.name_len > 0 => {
                if !self.lenient.contains(Lenient::SPACE_BEFORE_COLON) {
                    return Err(self.fail(ErrorKind::SpaceBeforeColon, stop));
                }
                self.state = State::NameWs;
                Ok(stop + 1)
            }
            _ => Err(self.fail(ErrorKind::InvalidHeaderName, stop)),
        }
    }

    /// Whitespace between name and colon (`space_before_colon` only).
    pub(super) fn name_ws(&mut self, input: &[u8], pos: usize) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let mut i = pos;
        while i < end && is_ws(input[i]) {
            i += 1;
        }
        if i == end {
            return Ok(i);
        }
        if input[i] != b':' {
            return Err(self.fail(ErrorKind::InvalidHeaderName, i));
        }
        self.colon(i)
    }

    /// The colon after a complete name at `pos`.
    #[inline(always)]
    fn colon(&mut self, pos: usize) -> Result<usize, ParseError> {
        self.field = if self.trailers || self.name_len > self.name_buf.len() {
            Field::Other
        } else {
            Field::classify(&self.name_buf[..self.name_len])
        };
        if self.field != Field::Other {
            self.framing.on_field_name(
                self.field,
                self.name_start,
                self.minor == 0,
                self.lenient,
            )?;
        }
        self.value_nonempty = false;
        self.held_ws_len = 0;
        self.state = State::ValueWs;
        Ok(pos + 1)
    }

    /// OWS before the value.
    pub(super) fn value_ws(&mut self, input: &[u8], pos: usize) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let mut i = pos;
        while i < end && is_ws(input[i]) {
            i += 1;
        }
        if i < end {
            self.state = State::Value;
        }
        Ok(i)
    }

    pub(super) fn value<S: HttpSink + ?Sized>(
        &mut self,
        input: &[u8],
        pos: usize,
        sink: &mut S,
    ) -> Result<usize, ParseError> {
        let end = self.window(pos, input.len())?;
        let stop = pos + scan::value_end(&input[pos..end]);
        if stop > pos {
            let fragment = &input[pos..stop];
            if self.field != Field::Other {
                let checked =
                    self.framing
                        .on_value(self.field, fragment, self.at(pos), self.lenient, false);
                if let Err((error, seen)) = checked {
                    // Report the bytes before the one that revealed the
                    // error, as a split feed would have.
                    self.value_fragment(&fragment[..seen], sink);
                    return Err(error);
                }
            }
            self.value_fragment(fragment, sink);
        }
        if stop == end {
            return Ok(stop);
        }
        match input[stop] {
            b'\r' => {
                self.end_value(stop);
                self.state = State::Lf(After::FieldLine);
                Ok(stop + 1)
            }
            b'\n' => {
                if !self.lenient.contains(Lenient::BARE_LF) {
                    return Err(self.fail(ErrorKind::BareLf, stop));
                }
                self.end_value(stop);
                self.bare_lf(After::FieldLine, input, stop, sink)
            }
            _ => Err(self.fail(ErrorKind::InvalidHeaderValue, stop)),
        }
    }

    #[inline(always)]
    fn end_value(&mut self, pos: usize) {
        // Whitespace still held back was trailing OWS: drop it.
        self.held_ws_len = 0;
        self.value_end_at = self.at(pos);
        self.field_pending = true;
    }

    /// Reports a value fragment, holding back its trailing whitespace.
    #[inline(always)]
    fn value_fragment<S: HttpSink + ?Sized>(&mut self, fragment: &[u8], sink: &mut S) {
        let mut keep = fragment.len();
        while keep > 0 && is_ws(fragment[keep - 1]) {
            keep -= 1;
        }
        if keep > 0 {
            if self.held_ws_len > 0 {
                sink.on_header_value(&self.held_ws[..self.held_ws_len]);
                self.held_ws_len = 0;
            }
            sink.on_header_value(&fragment[..keep]);
            self.value_nonempty = true;
        }
        let tail = &fragment[keep..];
        if !tail.is_empty() {
            let have = self.held_ws_len;
            if have + tail.len() <= self.held_ws.len() {
                self.held_ws[have..have + tail.len()].copy_from_slice(tail);
                self.held_ws_len += tail.len();
            } else {
                // Only reachable with limits above 64 KiB: report the run
                // rather than lose it.
                sink.on_header_value(&self.held_ws[..have]);
                sink.on_header_value(tail);
                self.held_ws_len = 0;
            }
        }
    }
}

/// The first byte at or after `at` (before `end`) that is not SP or HTAB
/// (out of line: a value usually starts after exactly one SP).
#[cold]
#[inline(never)]
fn skip_ws(input: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && is_ws(input[at]) {
        at += 1;
    }
    at
}

/// `value` without its trailing SP and HTAB.
#[inline(always)]
fn trim_end_ws(mut value: &[u8]) -> &[u8] {
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// `input[at..at + 2]` is CR LF (one 16-bit compare); `at + 1 < input.len()`.
#[inline(always)]
fn is_crlf(input: &[u8], at: usize) -> bool {
    u16::from_le_bytes([input[at], input[at + 1]]) == u16::from_le_bytes(*b"\r\n")
}

/// The landmarks of a whole, well-formed field line `[pos, value_stop + 2)`.
#[derive(Clone, Copy)]
struct WholeLine {
    /// The name's first byte.
    pos: usize,
    colon: usize,
    /// The value's first byte after OWS.
    value_start: usize,
    /// The CR.
    value_stop: usize,
    /// The end of the value without trailing OWS.
    keep: usize,
}

/// Where the field-line walk stopped.
enum Exit {
    /// At the end of the input, at a line start.
    Done,
    /// At a line the byte handlers must parse (split, unusual, or an error).
    Bytewise,
    /// At the CR LF that ends the head (or the trailer section), both
    /// within the limits.
    HeadEnd,
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::super::scan::{self, Level};
    use super::super::sink::{Flow, HeadInfo, HeadersAction, HttpSink};
    use super::super::{Lenient, Limits, RequestParser};
    use crate::parse::Parser;

    /// Every event, fragments merged, and the outcome.
    #[derive(Default, Debug, PartialEq)]
    struct Events(Vec<(u8, Vec<u8>)>);

    impl Events {
        fn push(&mut self, kind: u8, bytes: &[u8]) {
            match self.0.last_mut() {
                Some((last, merged)) if *last == kind && kind < b'a' => {
                    merged.extend_from_slice(bytes)
                }
                _ => self.0.push((kind, bytes.to_vec())),
            }
        }
    }

    impl HttpSink for Events {
        fn on_message_begin(&mut self) -> Flow {
            self.push(b'b', b"");
            Flow::Continue
        }
        fn on_method(&mut self, f: &[u8]) {
            self.push(b'M', f);
        }
        fn on_target(&mut self, f: &[u8]) {
            self.push(b'T', f);
        }
        fn on_version(&mut self, major: u8, minor: u8) {
            self.push(b'v', &[major, minor]);
        }
        fn on_header_name(&mut self, f: &[u8]) {
            self.push(b'N', f);
        }
        fn on_header_value(&mut self, f: &[u8]) {
            self.push(b'V', f);
        }
        fn on_header_complete(&mut self) {
            self.push(b'c', b"");
        }
        fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
            let info = format!("{info:?}");
            self.push(b'h', info.as_bytes());
            HeadersAction::default()
        }
        fn on_body(&mut self, f: &[u8]) {
            self.push(b'B', f);
        }
        fn on_message_complete(&mut self) -> Flow {
            self.push(b'e', b"");
            Flow::Continue
        }
    }

    fn run(input: &[u8], limits: Limits, lenient: Lenient, chunk: usize) -> Events {
        let mut parser = RequestParser::new(limits, lenient);
        let mut events = Events::default();
        let mut outcome = String::new();
        for piece in input.chunks(chunk.max(1)) {
            match parser.parse(piece, &mut events) {
                Ok(n) if n == piece.len() => {}
                Ok(n) => {
                    outcome = format!("stopped after {n}");
                    break;
                }
                Err(error) => {
                    outcome = format!("{error:?}");
                    break;
                }
            }
        }
        events.push(b'x', outcome.as_bytes());
        events
    }

    const BROWSER_GET: &[u8] = b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Content-Length: 3\r\n\
X-Spaces: \t  padded  \t \r\n\
Empty:\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n\r\nabc";

    /// Whole feeds at every SIMD level give exactly the events and the
    /// error of byte-at-a-time parsing, for the browser request with each
    /// byte replaced by each awkward byte, at default and tight limits.
    #[test]
    fn every_level_matches_bytewise_parsing() {
        let mut levels = vec![Level::Baseline];
        if is_x86_feature_detected!("ssse3") {
            levels.push(Level::Ssse3);
        }
        if is_x86_feature_detected!("avx2") {
            levels.push(Level::Avx2);
        }
        let tight = Limits {
            max_head: 600,
            max_headers: 8,
            max_line: 100,
            ..Limits::default()
        };
        let lenient = Lenient::OBS_FOLD.with(Lenient::SPACE_BEFORE_COLON);
        let awkward = [0u8, b'\t', b' ', b':', b'\r', b'\n', 0x7f, 0x80, b'A', b'"'];
        let mut inputs = vec![BROWSER_GET.to_vec()];
        for at in (0..BROWSER_GET.len()).step_by(3) {
            for &b in &awkward {
                let mut variant = BROWSER_GET.to_vec();
                variant[at] = b;
                inputs.push(variant);
            }
        }
        for input in &inputs {
            for (limits, lenient) in [
                (Limits::default(), Lenient::default()),
                (tight, Lenient::default()),
                (Limits::default(), lenient),
            ] {
                let bytewise = run(input, limits, lenient, 1);
                for &level in &levels {
                    scan::FORCED_LEVEL.with(|forced| forced.set(Some(level)));
                    let whole = run(input, limits, lenient, input.len());
                    let halves = run(input, limits, lenient, input.len() / 2 + 1);
                    scan::FORCED_LEVEL.with(|forced| forced.set(None));
                    assert_eq!(whole, bytewise, "{level:?} {limits:?} {input:?}");
                    assert_eq!(halves, bytewise, "{level:?} halves {limits:?} {input:?}");
                }
            }
        }
    }
}

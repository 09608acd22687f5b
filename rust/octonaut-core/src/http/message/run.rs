//! How token bytes reach a record's byte area: runs of the input, copied
//! at once, or fragments copied one by one; and the
//! [`MessageCollector::parse`] entry points that make runs possible.
//!
//! Strategy: while a [`MessageCollector::parse`] call is running, the
//! collector knows the input's address and length (an [`InputWindow`] guard
//! clears them when the call ends, even by unwinding), so a fragment that
//! lies inside the input only extends the pending run: `run_from..run_to`
//! in input offsets, `run_shift` to turn them into area offsets, and
//! `run_limit` past which the area would overflow. The run is copied with
//! one `memcpy` when it is flushed (head end, message end, a fragment from
//! elsewhere, the call's end), or, under [`MessageCollector::parse_kept`],
//! left in the input when it is the whole area. A fragment from elsewhere
//! is copied at once (`append_copy`).

use super::collector::{MessageCollector, Token};
use super::record::{grow_within, InputOrigin, MessageRecord, Span, INITIAL_AREA};
use crate::parse::{ErrorKind, ParseError, Parser};

/// Clears the collector's input window when a [`MessageCollector::parse`]
/// call ends, even by unwinding, so no later event can read a stale input.
struct InputWindow<'a>(&'a mut MessageCollector);

impl Drop for InputWindow<'_> {
    fn drop(&mut self) {
        self.0.run_active = false;
        self.0.keep_input = false;
        self.0.input_addr = 0;
        self.0.input_len = 0;
    }
}

impl MessageCollector {
    /// Runs `parser` over `input` with this collector as its sink, copying
    /// each message head into the byte area with one copy where the head
    /// lies inside `input` (the common case) instead of one per token.
    ///
    /// Equivalent to `parser.parse(input, self)` (which also works, copying
    /// token by token): records are identical however the stream is split.
    /// The invariant this relies on: the fragments a parser reports are
    /// either subslices of the `input` it was given, in increasing input
    /// order, or bytes from its own buffers. Fragments inside `input` only
    /// record their offsets; the bytes from the first such fragment of a
    /// head (or trailer section) to the end of its last are copied at once
    /// when the head ends, the message completes, a fragment from elsewhere
    /// arrives, or this call returns, whichever is first. Spans still point
    /// only at token bytes (the separators copied along are never read).
    pub fn parse<P: Parser<Self> + ?Sized>(
        &mut self,
        parser: &mut P,
        input: &[u8],
    ) -> Result<usize, ParseError> {
        self.parse_with(parser, input, false)
    }

    /// [`MessageCollector::parse`] for a caller that keeps `input` alive
    /// and unchanged until it has read every message completed in this call
    /// (before the next call of either method): a message whose byte area
    /// is one run of `input` (its head arrived whole in it) is not copied.
    /// Its record's spans index `input[offset..]`, `offset` from
    /// [`MessageCollector::area_in_last_input`], and its
    /// [`MessageRecord::area`] is empty. A head that spans several inputs,
    /// or a message still incomplete when this call returns, is copied as
    /// usual (the latter before the call returns). The Python binding,
    /// which shares the fed `bytes` with the messages, uses this.
    pub fn parse_kept<P: Parser<Self> + ?Sized>(
        &mut self,
        parser: &mut P,
        input: &[u8],
    ) -> Result<usize, ParseError> {
        self.parse_with(parser, input, true)
    }

    fn parse_with<P: Parser<Self> + ?Sized>(
        &mut self,
        parser: &mut P,
        input: &[u8],
        keep_input: bool,
    ) -> Result<usize, ParseError> {
        self.input_addr = input.as_ptr() as usize;
        self.input_len = input.len();
        self.call = self.call.wrapping_add(1);
        self.run_active = false;
        self.keep_input = keep_input;
        let window = InputWindow(self);
        let result = parser.parse(input, window.0);
        window.0.flush_run();
        // A message still being parsed must not depend on this input.
        window.0.copy_left_area();
        result
    }

    /// Copies a staged byte area left in the input into the record (before
    /// anything else touches the area, and before the input goes away).
    #[inline(always)]
    pub(super) fn copy_left_area(&mut self) {
        if self.staging.area_in_input > 0 {
            self.copy_left_area_now();
        }
    }

    #[inline(never)]
    fn copy_left_area_now(&mut self) {
        let len = std::mem::take(&mut self.staging.area_in_input);
        // An area is left in the input only inside `parse_with`, and copied
        // before it returns, so the origin is this call's input.
        let Some(origin) = self.staging.area_origin.filter(|o| o.call == self.call) else {
            self.fail(ErrorKind::UnexpectedMessage);
            return;
        };
        if origin.offset > self.input_len || len > self.input_len - origin.offset {
            self.fail(ErrorKind::UnexpectedMessage);
            return;
        }
        // SAFETY: inside `parse_with` (see above), `input_addr`/`input_len`
        // describe the `input` slice it borrows for its whole duration, and
        // `origin.offset + len <= input_len` (checked just above).
        let bytes = unsafe {
            std::slice::from_raw_parts((self.input_addr as *const u8).add(origin.offset), len)
        };
        let area = &mut self.staging.area;
        area.clear();
        grow_within(area, len, 2 * self.limits.max_head, INITIAL_AREA);
        area.extend_from_slice(bytes);
    }

    /// Copies the pending run (if any) from the input into the byte area.
    #[inline(always)]
    pub(super) fn flush_run(&mut self) {
        if self.run_active {
            self.copy_run();
        }
    }

    /// [`Self::flush_run`] for an active run (out of line: most calls find
    /// none).
    #[inline(never)]
    fn copy_run(&mut self) {
        self.run_active = false;
        if self.error.is_some() {
            return;
        }
        self.copy_left_area();
        // The fragments of a run arrive in input order (the sink contract),
        // and the per-fragment checks keep the run inside the input for any
        // parser that keeps it; this check makes the copy below sound even
        // for one that does not (its record is then meaningless, not unsafe).
        if self.run_from > self.run_to || self.run_to > self.input_len {
            self.staging.area_origin = None;
            return;
        }
        let area_bound = 2 * self.limits.max_head;
        let run_len = self.run_to - self.run_from;
        if self.keep_input && self.run_area == 0 && run_len > 0 {
            // The whole area is this run: leave it in the input.
            let record = &mut self.staging;
            record.area.clear();
            record.area_origin = Some(InputOrigin {
                call: self.call,
                offset: self.run_from,
            });
            record.area_in_input = run_len;
            return;
        }
        // SAFETY: a run is only active inside `parse` (the `InputWindow`
        // guard clears it when that call ends, even by unwinding), where
        // `input_addr`/`input_len` describe the `input` slice it borrows for
        // its whole duration; `run_from <= run_to <= input_len` (checked
        // just above).
        let bytes = unsafe {
            std::slice::from_raw_parts((self.input_addr as *const u8).add(self.run_from), run_len)
        };
        let record = &mut self.staging;
        // The area stays one run of this input if the run starts it, or
        // continues the run that started it.
        record.area_origin = match record.area_origin {
            _ if self.run_area == 0 => Some(InputOrigin {
                call: self.call,
                offset: self.run_from,
            }),
            Some(origin)
                if origin.call == self.call && origin.offset + self.run_area == self.run_from =>
            {
                Some(origin)
            }
            _ => None,
        };
        let area = &mut record.area;
        area.truncate(self.run_area);
        grow_within(area, run_len, area_bound, INITIAL_AREA);
        area.extend_from_slice(bytes);
    }

    /// Where `record`'s byte area lies in the input of the latest
    /// [`MessageCollector::parse`] call: `Some(offset)` when
    /// `record.area() == &input[offset..offset + record.area().len()]`.
    ///
    /// A caller that still holds that input (unchanged) can share it instead
    /// of copying the area, as the Python binding does. `None` when the area
    /// was assembled from several feeds, from the parser's own buffers, or
    /// in an earlier call.
    pub fn area_in_last_input(&self, record: &MessageRecord) -> Option<usize> {
        record
            .area_origin
            .filter(|origin| origin.call == self.call)
            .map(|origin| origin.offset)
    }

    /// Starts a run at input offset `offset`, at the end of the byte area.
    #[inline(always)]
    pub(super) fn start_run(&mut self, offset: usize) {
        self.copy_left_area();
        self.run_active = true;
        self.run_from = offset;
        let area_len = self.staging.area.len();
        self.run_area = area_len;
        self.run_shift = area_len.wrapping_sub(offset);
        // The area never holds more than its bound.
        let area_room = (2 * self.limits.max_head).saturating_sub(area_len);
        self.run_limit = self.input_len.min(offset.saturating_add(area_room));
    }

    /// Appends a fragment of token `kind` to the byte area and returns the
    /// span of the whole token so far (fragments of one token are adjacent).
    #[inline(always)]
    pub(super) fn append(&mut self, kind: Token, fragment: &[u8]) -> Option<Span> {
        if self.error.is_some() {
            return None;
        }
        let offset = (fragment.as_ptr() as usize).wrapping_sub(self.input_addr);
        if offset <= self.input_len && fragment.len() <= self.input_len - offset {
            return self.append_in_input(kind, offset, fragment.len());
        }
        self.flush_run();
        self.append_copy(kind, fragment)
    }

    /// [`Self::append`] for a fragment at `offset` in the current input:
    /// it joins the pending run (its bytes are copied when the run is flushed).
    #[inline(always)]
    fn append_in_input(&mut self, kind: Token, offset: usize, len: usize) -> Option<Span> {
        if self.run_active
            && (offset < self.run_to || (self.token == kind && offset != self.run_to))
        {
            // Not after the run, or a gap inside one token: keep the token
            // contiguous by flushing and starting a new run here.
            self.flush_run();
        }
        if !self.run_active {
            self.start_run(offset);
        }
        let start = self.run_area + (offset - self.run_from);
        let end = start + len;
        if end > 2 * self.limits.max_head {
            self.run_active = false;
            self.fail(ErrorKind::HeadTooLarge);
            return None;
        }
        self.run_to = offset + len;
        if self.token != kind {
            self.token = kind;
            self.token_start = start as u32;
        }
        Some(Span {
            start: self.token_start,
            end: end as u32,
        })
    }

    /// [`Self::append`] for a fragment outside the input: copied now (kept
    /// out of line so the in-input path inlines into the parser's loops).
    #[inline(never)]
    fn append_copy(&mut self, kind: Token, fragment: &[u8]) -> Option<Span> {
        self.copy_left_area();
        let area_bound = 2 * self.limits.max_head;
        let area = &mut self.staging.area;
        if area.len() + fragment.len() > area_bound {
            self.fail(ErrorKind::HeadTooLarge);
            return None;
        }
        let start = area.len() as u32;
        self.staging.area_origin = None;
        let area = &mut self.staging.area;
        grow_within(area, fragment.len(), area_bound, INITIAL_AREA);
        area.extend_from_slice(fragment);
        let end = area.len() as u32;
        if self.token != kind {
            self.token = kind;
            self.token_start = start;
        }
        Some(Span {
            start: self.token_start,
            end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::message::test_support::limits;
    use crate::http::sink::{HeadInfo, HttpSink};

    /// A parser that breaks the sink contract: a value slice that starts
    /// before the input and ends inside it, before the run's start.
    struct OutOfOrder<'a> {
        buf: &'a [u8],
    }

    impl Parser<MessageCollector> for OutOfOrder<'_> {
        fn parse(
            &mut self,
            _input: &[u8],
            sink: &mut MessageCollector,
        ) -> Result<usize, ParseError> {
            sink.on_message_begin();
            // The input is buf[10..]: method and target at input offsets 10 and 14.
            sink.on_request_line(&self.buf[20..23], &self.buf[24..30]);
            sink.on_header_field(&self.buf[40..44], &self.buf[5..15]);
            sink.on_headers_complete(&HeadInfo::default());
            sink.on_message_complete();
            Ok(0)
        }
        fn parse_eof(&mut self, _sink: &mut MessageCollector) -> Result<(), ParseError> {
            Ok(())
        }
        fn reset(&mut self) {}
        fn offset(&self) -> u64 {
            0
        }
    }

    #[test]
    fn a_run_out_of_the_input_is_never_copied() {
        let buf = [b'a'; 64];
        let mut c = MessageCollector::new(limits(2));
        let mut parser = OutOfOrder { buf: &buf };
        assert_eq!(c.parse(&mut parser, &buf[10..]), Ok(0));
        // The record is meaningless, but nothing was read outside the input.
        let key = c.pop().unwrap();
        let record = c.record(key).unwrap();
        assert!(record.area().len() <= 2 * limits(2).max_head);
        assert_eq!(c.area_in_last_input(record), None);
    }
}

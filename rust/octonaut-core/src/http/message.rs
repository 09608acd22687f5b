//! Complete HTTP messages assembled into slab records.
//!
//! Strategy: [`MessageCollector`] is an [`HttpSink`] that copies each token
//! the parser reports, once, into a [`MessageRecord`]. A record keeps the
//! start-line tokens and every field name and value back to back in one byte
//! area (bounded by `2 * max_head`: head, then trailers) and refers to them
//! by [`Span`] offsets in a field table (bounded by `2 * max_headers`); the
//! de-chunked body goes to a second area bounded by `max_body`. Fragments of
//! one token arrive back to back, so appending them extends the current span
//! and a token split across feeds costs nothing extra. The message being
//! parsed is staged in a record owned by the collector (so no event pays a
//! slab lookup); when it completes, it is swapped into a free slot of a
//! fixed-capacity [`Slab`] (moving buffers, not bytes) and its key queued in
//! arrival order. The caller reads records ([`MessageCollector::pop`],
//! [`MessageCollector::record`]) and gives the slots back
//! ([`MessageCollector::release`]). Buffers are reused, so the steady state
//! allocates nothing. When every slot holds an unreleased message, the
//! collector returns [`Flow::Pause`] (after the completion that filled the
//! slab, and at the next message's start): the parser stops, the caller
//! drains, then feeds the rest (backpressure; nothing grows).
//!
//! Every area has a bound fixed at construction, but commits memory on
//! demand: it starts small and doubles up to its bound, and keeps its
//! capacity when the slot is reused. Pinning the bounds up front (32 KiB of
//! head area and 1 MiB of body per slot at the defaults) would cost a
//! connection far more memory than its messages ever use; after warm-up the
//! areas have the sizes the traffic needs, so the steady state allocates
//! nothing (`tests/message_alloc.rs` proves it), and nothing ever grows past
//! its bound.
//!
//! Driven through [`MessageCollector::parse`] (as the Python binding does),
//! fragments that lie inside the input only record their offsets, and the
//! head is copied with one `memcpy` when it ends (separators included, never
//! referenced); a head split across feeds is copied run by run, and a
//! fragment from the parser's own buffers falls back to a copy of its own.
//! A run keeps the shift from input offsets to area offsets and the last
//! input offset it may reach, so a whole request line (`on_request_line`)
//! or a whole, complete field line (`on_header_field`) becomes its spans
//! with a few compares and no copying.
//! Records are identical either way (`tests/message_run.rs`). When a
//! record's byte area is one run of that input,
//! [`MessageCollector::area_in_last_input`] says where, so a caller that
//! still holds the input can share it instead of copying the area again.
//! A caller that does so for every message (the Python binding) drives the
//! collector with [`MessageCollector::parse_kept`], which leaves such an
//! area in the input instead of copying it at all (the record's own area
//! stays empty); an area that is not one run of the input, or a message
//! still incomplete when the call returns, is copied as usual.
//!
//! The collector enforces its own areas: a token that would overflow the
//! byte area, the field table or the body area sets a pending
//! [`ErrorKind`] (the parser's limits normally fire first, with a precise
//! offset); see [`MessageCollector::take_error`].

use std::collections::VecDeque;

use super::sink::{Flow, HeadInfo, HeadersAction, HttpSink};
use crate::parse::{ErrorKind, ParseError, Parser};
use crate::slab::{Key, Slab};

/// A byte range `[start, end)` in a record's byte area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The bytes this span covers in `area`.
    #[inline]
    pub fn of<'a>(&self, area: &'a [u8]) -> &'a [u8] {
        &area[self.start as usize..self.end as usize]
    }

    /// Its length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// True for an empty span.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One header or trailer field: name and value spans in the byte area.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Field {
    /// The field name, as received (case preserved).
    pub name: Span,
    /// The field value, without surrounding whitespace.
    pub value: Span,
}

/// The sizes of a collector's areas, fixed at construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CollectorLimits {
    /// The parser's `max_head`. The byte area per record holds twice that:
    /// start-line tokens and header names and values (at most `max_head`,
    /// since separators are not stored), then the trailer fields (the parser
    /// gives the trailer section a budget of the same size).
    pub max_head: usize,
    /// Header fields per message (trailer fields get as many again).
    pub max_headers: usize,
    /// De-chunked body bytes per message.
    pub max_body: usize,
    /// Complete messages held before the collector pauses the parser.
    pub max_pending: usize,
}

impl Default for CollectorLimits {
    fn default() -> Self {
        CollectorLimits {
            max_head: 16 * 1024,
            max_headers: 100,
            max_body: 1 << 20,
            max_pending: 16,
        }
    }
}

/// One complete (or, while parsing, the current) HTTP message.
#[derive(Debug)]
pub struct MessageRecord {
    area: Vec<u8>,
    fields: Vec<Field>,
    header_count: usize,
    body: Vec<u8>,
    method: Span,
    target: Span,
    reason: Span,
    status: u16,
    version: (u8, u8),
    info: HeadInfo,
    /// Where the byte area's bytes lie in the input of one
    /// [`MessageCollector::parse`] call, when they are one run of it.
    area_origin: Option<InputOrigin>,
    /// The byte area's length when its bytes were left in the input
    /// ([`MessageCollector::parse_kept`]; `area` is then empty), else 0.
    area_in_input: usize,
}

/// "These bytes are `input[offset..]` of parse call number `call`."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct InputOrigin {
    call: u64,
    offset: usize,
}

impl MessageRecord {
    fn with_limits(limits: &CollectorLimits) -> Self {
        MessageRecord {
            area: Vec::with_capacity((2 * limits.max_head).min(INITIAL_AREA)),
            fields: Vec::with_capacity((2 * limits.max_headers).min(INITIAL_FIELDS)),
            header_count: 0,
            body: Vec::new(),
            method: Span::default(),
            target: Span::default(),
            reason: Span::default(),
            status: 0,
            version: (1, 1),
            info: HeadInfo::default(),
            area_origin: None,
            area_in_input: 0,
        }
    }

    /// Moves this record into `slot` by swapping buffers (no bytes copied,
    /// nothing allocated); this record keeps the slot's old buffers and
    /// stale small fields until [`Self::clear`].
    #[inline(always)]
    fn move_into(&mut self, slot: &mut MessageRecord) {
        std::mem::swap(&mut self.area, &mut slot.area);
        std::mem::swap(&mut self.fields, &mut slot.fields);
        std::mem::swap(&mut self.body, &mut slot.body);
        slot.header_count = self.header_count;
        slot.method = self.method;
        slot.target = self.target;
        slot.reason = self.reason;
        slot.status = self.status;
        slot.version = self.version;
        slot.info = self.info;
        slot.area_origin = self.area_origin;
        slot.area_in_input = self.area_in_input;
        self.area_in_input = 0;
    }

    fn clear(&mut self) {
        self.area.clear();
        self.fields.clear();
        self.header_count = 0;
        self.body.clear();
        self.method = Span::default();
        self.target = Span::default();
        self.reason = Span::default();
        self.status = 0;
        self.version = (1, 1);
        self.info = HeadInfo::default();
        self.area_origin = None;
        self.area_in_input = 0;
    }

    /// The bytes of `span` in the byte area (empty when the area was left
    /// in the input).
    #[inline]
    fn bytes(&self, span: Span) -> &[u8] {
        self.area
            .get(span.start as usize..span.end as usize)
            .unwrap_or(&[])
    }

    /// The byte area every [`Span`] of this record points into. Empty for
    /// a record whose area was left in the input by
    /// [`MessageCollector::parse_kept`]: its spans then index
    /// `input[offset..]`, `offset` from [`MessageCollector::area_in_last_input`];
    /// the accessors below that read bytes then see an empty area (empty
    /// slices, no header found), and never panic.
    pub fn area(&self) -> &[u8] {
        &self.area
    }
    /// True when the byte area was left in the input (see [`Self::area`]).
    pub fn area_left_in_input(&self) -> bool {
        self.area_in_input > 0
    }
    /// The request method (empty for responses).
    pub fn method(&self) -> &[u8] {
        self.bytes(self.method)
    }
    /// The method's span.
    pub fn method_span(&self) -> Span {
        self.method
    }
    /// The request-target (empty for responses).
    pub fn target(&self) -> &[u8] {
        self.bytes(self.target)
    }
    /// The target's span.
    pub fn target_span(&self) -> Span {
        self.target
    }
    /// The reason phrase (empty for requests).
    pub fn reason(&self) -> &[u8] {
        self.bytes(self.reason)
    }
    /// The reason's span.
    pub fn reason_span(&self) -> Span {
        self.reason
    }
    /// The status code (0 for requests).
    pub fn status(&self) -> u16 {
        self.status
    }
    /// `(major, minor)` HTTP version.
    pub fn version(&self) -> (u8, u8) {
        self.version
    }
    /// What the parser decided once the head was complete.
    pub fn info(&self) -> &HeadInfo {
        &self.info
    }
    /// Header fields in wire order.
    pub fn headers(&self) -> &[Field] {
        &self.fields[..self.header_count]
    }
    /// Trailer fields in wire order.
    pub fn trailers(&self) -> &[Field] {
        &self.fields[self.header_count..]
    }
    /// Headers then trailers, with [`MessageRecord::header_count`] marking the split.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
    /// How many of [`MessageRecord::fields`] are headers.
    pub fn header_count(&self) -> usize {
        self.header_count
    }
    /// The de-chunked body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The value of the first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&[u8]> {
        self.headers()
            .iter()
            .find(|f| self.bytes(f.name).eq_ignore_ascii_case(name))
            .map(|f| self.bytes(f.value))
    }
}

/// First byte-area capacity of a slot; it doubles on demand up to its bound.
const INITIAL_AREA: usize = 1024;
/// First field-table capacity of a slot; it doubles on demand up to its bound.
const INITIAL_FIELDS: usize = 32;
/// First body capacity of a slot (once it sees a body); it doubles on demand
/// up to `max_body`.
const INITIAL_BODY: usize = 4096;

/// Makes room for `extra` more bytes in `buf`, doubling its capacity but
/// never beyond `bound` (the caller checked `len + extra <= bound`). The
/// capacity is kept when the slot is reused, so this allocates only while
/// the slot warms up to the sizes the traffic needs.
#[inline]
fn grow_within(buf: &mut Vec<u8>, extra: usize, bound: usize, initial: usize) {
    if buf.capacity() - buf.len() < extra {
        let wanted = (buf.len() + extra)
            .max(buf.capacity() * 2)
            .max(initial)
            .min(bound);
        buf.reserve_exact(wanted - buf.len());
    }
}

/// Which token the last fragment extended (fragments of one token arrive
/// back to back, so a change of kind starts a new span).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    None,
    Method,
    Target,
    Reason,
    Name,
    Value,
}

/// An [`HttpSink`] that assembles complete messages into slab records.
pub struct MessageCollector {
    slab: Slab<MessageRecord>,
    ready: VecDeque<Key>,
    /// The message being parsed. Events write here directly (no slab lookup
    /// per fragment); completion swaps it into a free slot, which moves the
    /// buffers and allocates nothing.
    staging: MessageRecord,
    in_message: bool,
    token: Token,
    token_start: u32,
    name: Span,
    value: Span,
    in_trailers: bool,
    /// Fields the record may hold so far: `max_headers` in the head, twice
    /// that once trailers begin.
    field_limit: usize,
    error: Option<ErrorKind>,
    limits: CollectorLimits,
    /// The input of the current [`MessageCollector::parse`] call (address
    /// and length; `(0, 0)` outside one), so fragments that lie in it can be
    /// recognised by address.
    input_addr: usize,
    input_len: usize,
    /// Numbers the [`MessageCollector::parse`] calls, so an [`InputOrigin`]
    /// names the input it refers to.
    call: u64,
    /// The pending run: fragments inside the input, in input order, whose
    /// bytes are not yet copied. `run_from..run_to` are input offsets; the
    /// run's first byte goes to `run_area` in the byte area when flushed.
    run_active: bool,
    run_from: usize,
    run_to: usize,
    run_area: usize,
    /// `run_area - run_from` (wrapping): an input offset in the run plus
    /// this is its byte-area offset.
    run_shift: usize,
    /// The end of the input offsets the run may grow to: the input's end,
    /// or where the byte area would pass its bound, whichever is first.
    run_limit: usize,
    /// Inside [`MessageCollector::parse_kept`]: a head that is one run of
    /// the input is not copied.
    keep_input: bool,
}

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
    /// A collector with `limits.max_pending` record slots, all created now.
    pub fn new(limits: CollectorLimits) -> Self {
        let pending = limits.max_pending.max(1);
        MessageCollector {
            slab: Slab::new(pending, || MessageRecord::with_limits(&limits)),
            ready: VecDeque::with_capacity(pending),
            staging: MessageRecord::with_limits(&limits),
            in_message: false,
            token: Token::None,
            token_start: 0,
            name: Span::default(),
            value: Span::default(),
            in_trailers: false,
            field_limit: limits.max_headers,
            error: None,
            limits,
            input_addr: 0,
            input_len: 0,
            call: 0,
            run_active: false,
            run_from: 0,
            run_to: 0,
            run_area: 0,
            run_shift: 0,
            run_limit: 0,
            keep_input: false,
        }
    }

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
    fn copy_left_area(&mut self) {
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
    fn flush_run(&mut self) {
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

    /// The sizes fixed at construction.
    pub fn limits(&self) -> &CollectorLimits {
        &self.limits
    }

    /// Number of complete messages waiting to be popped.
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// True when every slot is taken: the parser was (or will be) paused
    /// until some record is released.
    pub fn is_full(&self) -> bool {
        self.slab.is_full()
    }

    /// True while a message has started but not completed.
    pub fn in_message(&self) -> bool {
        self.in_message
    }

    /// The message being parsed (meaningful while [`Self::in_message`]).
    pub fn partial(&self) -> &MessageRecord {
        &self.staging
    }

    /// The oldest complete message, removed from the queue (its slot stays
    /// taken until [`MessageCollector::release`]).
    pub fn pop(&mut self) -> Option<Key> {
        self.ready.pop_front()
    }

    /// The complete record a key names.
    pub fn record(&self, key: Key) -> Option<&MessageRecord> {
        self.slab.get(key)
    }

    /// Gives a popped record's slot back for reuse; the key goes stale.
    pub fn release(&mut self, key: Key) -> bool {
        self.slab.remove(key).is_some()
    }

    /// Pops every complete message in order, hands it to `visit`, and releases it.
    pub fn drain(&mut self, mut visit: impl FnMut(&MessageRecord)) {
        while let Some(key) = self.ready.pop_front() {
            if let Some(record) = self.slab.get(key) {
                visit(record);
            }
            self.slab.remove(key);
        }
    }

    /// A limit the collector itself hit (its areas are full), if any; the
    /// parser was paused at the next event that can pause. Clears it.
    pub fn take_error(&mut self) -> Option<ErrorKind> {
        self.error.take()
    }

    /// Forgets the partial message and every queued one; keeps the buffers.
    pub fn reset(&mut self) {
        self.slab.clear();
        self.ready.clear();
        self.staging.clear();
        self.in_message = false;
        self.token = Token::None;
        self.in_trailers = false;
        self.field_limit = self.limits.max_headers;
        self.error = None;
        self.run_active = false;
    }

    /// Adds a complete field to the record, within the field table's bound.
    #[inline(always)]
    fn push_field(&mut self, field: Field) {
        let record = &mut self.staging;
        let count = record.fields.len();
        if count >= self.field_limit {
            self.fail(ErrorKind::TooManyHeaders);
            return;
        }
        if count == record.fields.capacity() {
            self.grow_fields();
        }
        let record = &mut self.staging;
        record.fields.push(field);
        if !self.in_trailers {
            record.header_count = count + 1;
        }
    }

    /// Doubles the field table, but never past its bound (the capacity is
    /// kept when the slot is reused, so this only runs while warming up).
    #[cold]
    #[inline(never)]
    fn grow_fields(&mut self) {
        let fields = &mut self.staging.fields;
        let wanted = (fields.capacity() * 2)
            .max(INITIAL_FIELDS)
            .min(2 * self.limits.max_headers);
        fields.reserve_exact(wanted - fields.len());
    }

    /// Starts a run at input offset `offset`, at the end of the byte area.
    #[inline(always)]
    fn start_run(&mut self, offset: usize) {
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

    fn fail(&mut self, kind: ErrorKind) {
        // Nothing more is copied (a pending run would be dropped anyway).
        self.run_active = false;
        if self.error.is_none() {
            self.error = Some(kind);
        }
    }

    /// Appends a fragment of token `kind` to the byte area and returns the
    /// span of the whole token so far (fragments of one token are adjacent).
    #[inline(always)]
    fn append(&mut self, kind: Token, fragment: &[u8]) -> Option<Span> {
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

impl HttpSink for MessageCollector {
    fn on_message_begin(&mut self) -> Flow {
        self.run_active = false;
        self.token = Token::None;
        self.in_trailers = false;
        self.field_limit = self.limits.max_headers;
        self.staging.clear();
        self.in_message = true;
        if self.slab.is_full() {
            // Every slot holds an undrained message: stop until one is released.
            return Flow::Pause;
        }
        Flow::Continue
    }

    fn on_method(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Method, fragment) {
            self.staging.method = span;
        }
    }

    fn on_target(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Target, fragment) {
            self.staging.target = span;
        }
    }

    /// Both tokens at once when they start the message's run in the
    /// current input (the usual case inside [`MessageCollector::parse`]);
    /// otherwise as two fragments. The records are the same either way.
    #[inline(always)]
    fn on_request_line(&mut self, method: &[u8], target: &[u8]) {
        let method_at = (method.as_ptr() as usize).wrapping_sub(self.input_addr);
        let target_at = (target.as_ptr() as usize).wrapping_sub(self.input_addr);
        let in_order = !self.run_active
            && self.error.is_none()
            && method_at <= target_at
            && method.len() <= target_at - method_at
            && target_at <= self.input_len
            && target.len() <= self.input_len - target_at;
        if in_order {
            // As `on_method` would: a run starts at the method...
            self.start_run(method_at);
            let target_end = target_at + target.len();
            if target_end <= self.run_limit {
                // ...and `on_target` continues it.
                let shift = self.run_shift;
                let method_start = method_at.wrapping_add(shift) as u32;
                self.staging.method = Span {
                    start: method_start,
                    end: method_start + method.len() as u32,
                };
                let target_start = target_at.wrapping_add(shift) as u32;
                self.staging.target = Span {
                    start: target_start,
                    end: target_end.wrapping_add(shift) as u32,
                };
                self.run_to = target_end;
                self.token = Token::Target;
                self.token_start = target_start;
                return;
            }
            self.run_active = false;
        }
        self.on_method(method);
        self.on_target(target);
    }

    fn on_status(&mut self, code: u16) {
        self.staging.status = code;
    }

    fn on_reason(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Reason, fragment) {
            self.staging.reason = span;
        }
    }

    fn on_version(&mut self, major: u8, minor: u8) {
        self.token = Token::None;
        self.staging.version = (major, minor);
    }

    #[inline(always)]
    fn on_header_name(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Name, fragment) {
            self.name = span;
            // An empty value may never be reported: it is empty after the name.
            self.value = Span {
                start: span.end,
                end: span.end,
            };
        }
    }

    #[inline(always)]
    fn on_header_value(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Value, fragment) {
            self.value = span;
        }
    }

    /// Both spans at once when the line continues the pending run (the
    /// usual case inside [`MessageCollector::parse`]); otherwise as a name
    /// and a value fragment. The records are the same either way.
    #[inline(always)]
    fn on_header_line(&mut self, name: &[u8], value: &[u8]) {
        let name_at = (name.as_ptr() as usize).wrapping_sub(self.input_addr);
        let value_at = (value.as_ptr() as usize).wrapping_sub(self.input_addr);
        let line_end = value_at.wrapping_add(value.len());
        let continues_run = self.error.is_none()
            && self.run_active
            && self.token != Token::Name
            && name_at >= self.run_to
            && value_at >= name_at.wrapping_add(name.len())
            && line_end <= self.input_len;
        if continues_run {
            // Area offsets of input offsets in the run (all >= run_from).
            let area_of = |at: usize| (self.run_area + (at - self.run_from)) as u32;
            let name_end = name_at + name.len();
            let name_span = Span {
                start: area_of(name_at),
                end: area_of(name_end),
            };
            let (run_to, value_span) = if value.is_empty() {
                let at_name_end = Span {
                    start: name_span.end,
                    end: name_span.end,
                };
                (name_end, at_name_end)
            } else {
                let span = Span {
                    start: area_of(value_at),
                    end: area_of(line_end),
                };
                (line_end, span)
            };
            if (value_span.end as usize) <= 2 * self.limits.max_head {
                self.run_to = run_to;
                (self.token, self.token_start) = if value.is_empty() {
                    (Token::Name, name_span.start)
                } else {
                    (Token::Value, value_span.start)
                };
                self.name = name_span;
                self.value = value_span;
                return;
            }
        }
        self.on_header_name(name);
        if !value.is_empty() {
            self.on_header_value(value);
        }
    }

    #[inline(always)]
    fn on_header_complete(&mut self) {
        self.token = Token::None;
        if self.error.is_some() {
            return;
        }
        let field = Field {
            name: self.name,
            value: self.value,
        };
        self.push_field(field);
    }

    /// A whole, complete line inside the pending run (the usual case inside
    /// [`MessageCollector::parse`]) becomes a field at once: its spans are
    /// input offsets shifted into the byte area, with none of the pending
    /// name/value bookkeeping. Anything else goes through
    /// [`HttpSink::on_header_line`] and [`HttpSink::on_header_complete`];
    /// the records are the same either way.
    #[inline(always)]
    fn on_header_field(&mut self, name: &[u8], value: &[u8]) {
        let name_at = (name.as_ptr() as usize).wrapping_sub(self.input_addr);
        let name_end = name_at.wrapping_add(name.len());
        let value_at = (value.as_ptr() as usize).wrapping_sub(self.input_addr);
        let line_end = value_at.wrapping_add(value.len());
        let count = self.staging.fields.len();
        // (`run_active` implies no error: `fail` ends the run.)
        let continues_run = self.run_active
            && self.token != Token::Name
            && name_at >= self.run_to
            && value_at >= name_end
            && line_end <= self.run_limit
            && count < self.field_limit
            && count < self.staging.fields.capacity();
        if continues_run {
            // Input offsets in the run map to area offsets by one shift.
            let shift = self.run_shift;
            let (run_to, value_from) = if value.is_empty() {
                (name_end, name_end)
            } else {
                (line_end, value_at)
            };
            let field = Field {
                name: Span {
                    start: name_at.wrapping_add(shift) as u32,
                    end: name_end.wrapping_add(shift) as u32,
                },
                value: Span {
                    start: value_from.wrapping_add(shift) as u32,
                    end: run_to.wrapping_add(shift) as u32,
                },
            };
            self.run_to = run_to;
            self.token = Token::None;
            let record = &mut self.staging;
            record.fields.push(field);
            if !self.in_trailers {
                record.header_count = count + 1;
            }
            return;
        }
        self.on_header_line(name, value);
        self.on_header_complete();
    }

    fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
        self.flush_run();
        self.token = Token::None;
        let max_body = self.limits.max_body as u64;
        if info.content_length.is_some_and(|n| n > max_body) {
            self.fail(ErrorKind::BodyTooLarge);
        }
        let record = &mut self.staging;
        record.info = *info;
        record.header_count = record.fields.len();
        if info.status != 0 {
            record.status = info.status;
        }
        record.version = (info.version_major, info.version_minor);
        HeadersAction {
            skip_body: false,
            pause: self.error.is_some(),
        }
    }

    fn on_body(&mut self, fragment: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let max_body = self.limits.max_body;
        let body = &mut self.staging.body;
        if body.len() + fragment.len() > max_body {
            self.fail(ErrorKind::BodyTooLarge);
            return;
        }
        grow_within(body, fragment.len(), max_body, INITIAL_BODY);
        body.extend_from_slice(fragment);
    }

    fn on_trailers_begin(&mut self) {
        self.token = Token::None;
        self.in_trailers = true;
        self.field_limit = 2 * self.limits.max_headers;
    }

    fn on_message_complete(&mut self) -> Flow {
        self.flush_run();
        self.token = Token::None;
        self.in_trailers = false;
        self.in_message = false;
        if self.error.is_some() {
            return Flow::Pause;
        }
        let staging = &mut self.staging;
        match self.slab.insert_with(|slot| staging.move_into(slot)) {
            Some(key) => self.ready.push_back(key),
            None => {
                // The caller fed more input without draining a full collector.
                self.fail(ErrorKind::UnexpectedMessage);
                return Flow::Pause;
            }
        }
        if self.slab.is_full() {
            Flow::Pause
        } else {
            Flow::Continue
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(pending: usize) -> CollectorLimits {
        CollectorLimits {
            max_head: 256,
            max_headers: 4,
            max_body: 64,
            max_pending: pending,
        }
    }

    /// Replays the events of `GET /a%20b HTTP/1.1` with two headers, splitting
    /// every token into two fragments as a parser does across feeds.
    fn replay_request(c: &mut MessageCollector, body: &[u8]) -> Flow {
        assert_eq!(c.on_message_begin(), Flow::Continue);
        c.on_method(b"G");
        c.on_method(b"ET");
        c.on_target(b"/a%2");
        c.on_target(b"0b");
        c.on_version(1, 1);
        c.on_header_name(b"Ho");
        c.on_header_name(b"st");
        c.on_header_value(b"exa");
        c.on_header_value(b"mple.com");
        c.on_header_complete();
        c.on_header_name(b"X-Empty");
        c.on_header_complete();
        let info = HeadInfo {
            version_major: 1,
            version_minor: 1,
            keep_alive: true,
            content_length: Some(body.len() as u64),
            ..HeadInfo::default()
        };
        assert_eq!(c.on_headers_complete(&info), HeadersAction::default());
        if !body.is_empty() {
            c.on_body(&body[..1]);
            c.on_body(&body[1..]);
        }
        c.on_message_complete()
    }

    #[test]
    fn assembles_fragments_into_spans() {
        let mut c = MessageCollector::new(limits(4));
        assert_eq!(replay_request(&mut c, b"hello"), Flow::Continue);
        let key = c.pop().unwrap();
        let r = c.record(key).unwrap();
        assert_eq!(r.method(), b"GET");
        assert_eq!(r.target(), b"/a%20b");
        assert_eq!(r.version(), (1, 1));
        assert_eq!(r.headers().len(), 2);
        assert_eq!(r.headers()[0].name.of(r.area()), b"Host");
        assert_eq!(r.headers()[0].value.of(r.area()), b"example.com");
        assert_eq!(r.headers()[1].name.of(r.area()), b"X-Empty");
        assert_eq!(r.headers()[1].value.of(r.area()), b"");
        assert_eq!(r.header(b"HOST"), Some(&b"example.com"[..]));
        assert_eq!(r.header(b"missing"), None);
        assert_eq!(r.body(), b"hello");
        assert!(r.info().keep_alive);
        assert!(r.trailers().is_empty());
        assert!(c.release(key));
        assert!(!c.release(key));
    }

    #[test]
    fn trailers_follow_headers() {
        let mut c = MessageCollector::new(limits(4));
        c.on_message_begin();
        c.on_method(b"POST");
        c.on_target(b"/");
        c.on_version(1, 1);
        c.on_header_name(b"Transfer-Encoding");
        c.on_header_value(b"chunked");
        c.on_header_complete();
        c.on_headers_complete(&HeadInfo {
            chunked: true,
            ..HeadInfo::default()
        });
        c.on_chunk_header(3);
        c.on_body(b"abc");
        c.on_chunk_complete();
        c.on_chunk_header(0);
        c.on_trailers_begin();
        c.on_header_name(b"Expires");
        c.on_header_value(b"never");
        c.on_header_complete();
        assert_eq!(c.on_message_complete(), Flow::Continue);
        let key = c.pop().unwrap();
        let r = c.record(key).unwrap();
        assert_eq!(r.headers().len(), 1);
        assert_eq!(r.trailers().len(), 1);
        assert_eq!(r.trailers()[0].name.of(r.area()), b"Expires");
        assert_eq!(r.trailers()[0].value.of(r.area()), b"never");
        assert_eq!(r.body(), b"abc");
    }

    #[test]
    fn response_fields() {
        let mut c = MessageCollector::new(limits(2));
        c.on_message_begin();
        c.on_status(404);
        c.on_reason(b"Not ");
        c.on_reason(b"Found");
        c.on_version(1, 0);
        c.on_headers_complete(&HeadInfo {
            version_major: 1,
            version_minor: 0,
            status: 404,
            ..HeadInfo::default()
        });
        c.on_message_complete();
        let key = c.pop().unwrap();
        let r = c.record(key).unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(r.reason(), b"Not Found");
        assert_eq!(r.version(), (1, 0));
        assert_eq!(r.method(), b"");
    }

    #[test]
    fn full_slab_pauses_and_resumes_after_release() {
        let mut c = MessageCollector::new(limits(2));
        assert_eq!(replay_request(&mut c, b""), Flow::Continue);
        assert_eq!(replay_request(&mut c, b""), Flow::Pause);
        assert!(c.is_full());
        // A caller that does not drain gets Pause again at the next begin.
        assert_eq!(c.on_message_begin(), Flow::Pause);
        let first = c.pop().unwrap();
        c.release(first);
        // The paused message completes into the freed slot.
        c.on_method(b"GET");
        c.on_target(b"/");
        c.on_version(1, 1);
        c.on_headers_complete(&HeadInfo::default());
        assert_eq!(c.on_message_complete(), Flow::Pause);
        assert_eq!(c.ready_len(), 2);
        let mut methods = Vec::new();
        c.drain(|r| methods.push(r.method().to_vec()));
        assert_eq!(methods, vec![b"GET".to_vec(), b"GET".to_vec()]);
        assert!(c.take_error().is_none());
    }

    #[test]
    fn completing_into_a_full_slab_is_an_error_not_growth() {
        let mut c = MessageCollector::new(limits(1));
        assert_eq!(replay_request(&mut c, b""), Flow::Pause);
        assert_eq!(c.on_message_begin(), Flow::Pause);
        assert_eq!(c.on_message_complete(), Flow::Pause);
        assert_eq!(c.take_error(), Some(ErrorKind::UnexpectedMessage));
        assert_eq!(c.ready_len(), 1);
    }

    #[test]
    fn overflowing_areas_set_errors() {
        let mut c = MessageCollector::new(limits(2));
        c.on_message_begin();
        c.on_method(&[b'A'; 600]);
        assert_eq!(c.take_error(), Some(ErrorKind::HeadTooLarge));
        c.reset();

        c.on_message_begin();
        for _ in 0..5 {
            c.on_header_name(b"a");
            c.on_header_complete();
        }
        assert_eq!(c.take_error(), Some(ErrorKind::TooManyHeaders));
        c.reset();

        c.on_message_begin();
        let action = c.on_headers_complete(&HeadInfo {
            content_length: Some(65),
            ..HeadInfo::default()
        });
        assert!(action.pause);
        assert_eq!(c.take_error(), Some(ErrorKind::BodyTooLarge));
        c.reset();

        c.on_message_begin();
        c.on_headers_complete(&HeadInfo {
            chunked: true,
            ..HeadInfo::default()
        });
        c.on_body(&[0; 40]);
        c.on_body(&[0; 40]);
        assert_eq!(c.on_message_complete(), Flow::Pause);
        assert_eq!(c.take_error(), Some(ErrorKind::BodyTooLarge));
    }

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

    #[test]
    fn reset_forgets_everything() {
        let mut c = MessageCollector::new(limits(2));
        replay_request(&mut c, b"x");
        c.on_message_begin();
        c.on_method(b"PU");
        c.reset();
        assert_eq!(c.ready_len(), 0);
        assert!(!c.in_message());
        assert_eq!(replay_request(&mut c, b""), Flow::Continue);
        let key = c.pop().unwrap();
        assert_eq!(c.record(key).unwrap().method(), b"GET");
    }
}

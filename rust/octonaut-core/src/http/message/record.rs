//! The records a [`MessageCollector`] fills: [`MessageRecord`], its [`Span`]
//! and [`Field`] references into the byte area, and the [`CollectorLimits`]
//! that bound it.
//!
//! Strategy: a record is plain owned buffers (byte area, field table, body)
//! plus small fields; the collector writes them through `pub(super)` fields
//! and readers get slices through accessors that never panic (a span outside
//! the area reads as empty). Buffers start small ([`INITIAL_AREA`] and
//! friends) and [`grow_within`] doubles them up to their bound, keeping the
//! capacity when a slot is reused; [`MessageRecord::move_into`] hands a
//! finished record to a slab slot by swapping buffers, so completing a
//! message copies no bytes.

#[cfg(doc)] // for doc links
use super::MessageCollector;
use crate::http::sink::HeadInfo;

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
    pub(super) area: Vec<u8>,
    pub(super) fields: Vec<Field>,
    pub(super) header_count: usize,
    pub(super) body: Vec<u8>,
    pub(super) method: Span,
    pub(super) target: Span,
    pub(super) reason: Span,
    pub(super) status: u16,
    pub(super) version: (u8, u8),
    pub(super) info: HeadInfo,
    /// Where the byte area's bytes lie in the input of one
    /// [`MessageCollector::parse`] call, when they are one run of it.
    pub(super) area_origin: Option<InputOrigin>,
    /// The byte area's length when its bytes were left in the input
    /// ([`MessageCollector::parse_kept`]; `area` is then empty), else 0.
    pub(super) area_in_input: usize,
}

/// "These bytes are `input[offset..]` of parse call number `call`."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct InputOrigin {
    pub(super) call: u64,
    pub(super) offset: usize,
}

impl MessageRecord {
    pub(super) fn with_limits(limits: &CollectorLimits) -> Self {
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
    pub(super) fn move_into(&mut self, slot: &mut MessageRecord) {
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

    pub(super) fn clear(&mut self) {
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
pub(super) const INITIAL_AREA: usize = 1024;
/// First field-table capacity of a slot; it doubles on demand up to its bound.
pub(super) const INITIAL_FIELDS: usize = 32;
/// First body capacity of a slot (once it sees a body); it doubles on demand
/// up to `max_body`.
pub(super) const INITIAL_BODY: usize = 4096;

/// Makes room for `extra` more bytes in `buf`, doubling its capacity but
/// never beyond `bound` (the caller checked `len + extra <= bound`). The
/// capacity is kept when the slot is reused, so this allocates only while
/// the slot warms up to the sizes the traffic needs.
#[inline]
pub(super) fn grow_within(buf: &mut Vec<u8>, extra: usize, bound: usize, initial: usize) {
    if buf.capacity() - buf.len() < extra {
        let wanted = (buf.len() + extra)
            .max(buf.capacity() * 2)
            .max(initial)
            .min(bound);
        buf.reserve_exact(wanted - buf.len());
    }
}

//! The collector: its state, the slab of finished records and their ready
//! queue, and the staged record's field table.
//!
//! Strategy: [`MessageCollector`] owns a fixed-capacity [`Slab`] of
//! [`MessageRecord`]s, a queue of the keys of complete ones in arrival order,
//! and one staging record that the events (`events.rs`) write into directly.
//! Everything is sized at construction and reused: callers pop, read and
//! release records; [`MessageCollector::reset`] forgets messages but keeps
//! the buffers. Its fields are `pub(super)` so the byte-area runs
//! (`run.rs`) and the events can share them without accessor calls on the
//! hot path; a limit the collector hits is recorded once by `fail` and read
//! with [`MessageCollector::take_error`].

use std::collections::VecDeque;

#[cfg(doc)] // for doc links
use super::record::InputOrigin;
use super::record::{CollectorLimits, Field, MessageRecord, Span, INITIAL_FIELDS};
#[cfg(doc)] // for doc links
use crate::http::sink::HttpSink;
use crate::parse::ErrorKind;
use crate::slab::{Key, Slab};

/// Which token the last fragment extended (fragments of one token arrive
/// back to back, so a change of kind starts a new span).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    None,
    Method,
    Target,
    Reason,
    Name,
    Value,
}

/// An [`HttpSink`] that assembles complete messages into slab records.
pub struct MessageCollector {
    pub(super) slab: Slab<MessageRecord>,
    pub(super) ready: VecDeque<Key>,
    /// The message being parsed. Events write here directly (no slab lookup
    /// per fragment); completion swaps it into a free slot, which moves the
    /// buffers and allocates nothing.
    pub(super) staging: MessageRecord,
    pub(super) in_message: bool,
    pub(super) token: Token,
    pub(super) token_start: u32,
    pub(super) name: Span,
    pub(super) value: Span,
    pub(super) in_trailers: bool,
    /// Fields the record may hold so far: `max_headers` in the head, twice
    /// that once trailers begin.
    pub(super) field_limit: usize,
    pub(super) error: Option<ErrorKind>,
    pub(super) limits: CollectorLimits,
    /// The input of the current [`MessageCollector::parse`] call (address
    /// and length; `(0, 0)` outside one), so fragments that lie in it can be
    /// recognised by address.
    pub(super) input_addr: usize,
    pub(super) input_len: usize,
    /// Numbers the [`MessageCollector::parse`] calls, so an [`InputOrigin`]
    /// names the input it refers to.
    pub(super) call: u64,
    /// The pending run: fragments inside the input, in input order, whose
    /// bytes are not yet copied. `run_from..run_to` are input offsets; the
    /// run's first byte goes to `run_area` in the byte area when flushed.
    pub(super) run_active: bool,
    pub(super) run_from: usize,
    pub(super) run_to: usize,
    pub(super) run_area: usize,
    /// `run_area - run_from` (wrapping): an input offset in the run plus
    /// this is its byte-area offset.
    pub(super) run_shift: usize,
    /// The end of the input offsets the run may grow to: the input's end,
    /// or where the byte area would pass its bound, whichever is first.
    pub(super) run_limit: usize,
    /// Inside [`MessageCollector::parse_kept`]: a head that is one run of
    /// the input is not copied.
    pub(super) keep_input: bool,
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
    pub(super) fn push_field(&mut self, field: Field) {
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

    pub(super) fn fail(&mut self, kind: ErrorKind) {
        // Nothing more is copied (a pending run would be dropped anyway).
        self.run_active = false;
        if self.error.is_none() {
            self.error = Some(kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::message::test_support::{limits, replay_request};
    use crate::http::sink::{Flow, HeadInfo, HttpSink};

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

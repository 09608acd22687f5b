//! Complete HTTP messages assembled into slab records.
//!
//! Strategy: [`MessageCollector`] is an [`HttpSink`](super::HttpSink) that
//! copies each token the parser reports, once, into a [`MessageRecord`]. A
//! record keeps the start-line tokens and every field name and value back to
//! back in one byte area (bounded by `2 * max_head`: head, then trailers) and
//! refers to them by [`Span`] offsets in a field table (bounded by `2 *
//! max_headers`); the de-chunked body goes to a second area bounded by
//! `max_body`. Fragments of one token arrive back to back, so appending them
//! extends the current span and a token split across feeds costs nothing extra.
//! The message being parsed is staged in a record owned by the collector (so no
//! event pays a slab lookup); when it completes, it is swapped into a free slot
//! of a fixed-capacity [`Slab`](crate::slab::Slab) (moving buffers, not bytes)
//! and its key queued in arrival order. The caller reads records
//! ([`MessageCollector::pop`], [`MessageCollector::record`]) and gives the
//! slots back ([`MessageCollector::release`]). Buffers are reused, so the
//! steady state allocates nothing. When every slot holds an unreleased message,
//! the collector returns [`Flow::Pause`](super::Flow::Pause) (after the
//! completion that filled the slab, and at the next message's start): the
//! parser stops, the caller drains, then feeds the rest (backpressure; nothing
//! grows).
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
//! The collector enforces its own areas: a token that would overflow the byte
//! area, the field table or the body area sets a pending
//! [`ErrorKind`](crate::parse::ErrorKind) (the parser's limits normally fire
//! first, with a precise offset); see [`MessageCollector::take_error`].
//!
//! Layout, one primitive per file: `record.rs` holds the record types
//! ([`Span`], [`Field`], [`CollectorLimits`], [`MessageRecord`]) and the
//! bounded growth of their areas; `collector.rs` the collector's state, its
//! slab and ready queue and the field table; `run.rs` how token bytes reach
//! the byte area (runs of the input, or copies) and the
//! [`MessageCollector::parse`] entry points; `events.rs` the
//! [`HttpSink`](super::HttpSink) events that drive it all.

mod collector;
mod events;
mod record;
mod run;
#[cfg(test)]
mod test_support;

pub use collector::MessageCollector;
pub use record::{CollectorLimits, Field, MessageRecord, Span};

//! The contract every octonaut parser follows.
//!
//! Strategy: a parser is a state machine that owns all of its state and is fed
//! byte slices of any size. It reports what it finds to a *sink* (a trait object
//! or generic chosen by the format: [`crate::http::HttpSink`],
//! [`crate::framing::FrameSink`], ...) through callbacks that carry slices of
//! the input it was just given, like llhttp does. A token split across two feeds
//! is reported as two fragments, never re-parsed from the start. Parsers
//! allocate only in their constructors; `parse` never touches the heap.
//!
//! Errors are sticky: once `parse` has returned an error, every later call
//! returns the same error until [`Parser::reset`].

mod error;

pub use error::{ErrorKind, ParseError};

/// What the sink wants the parser to do after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Flow {
    /// Keep parsing.
    #[default]
    Continue,
    /// Stop `parse` right after this event and return the bytes consumed so
    /// far; the next `parse` call resumes exactly there. Used for
    /// backpressure (a full slab) and by callback APIs that pause.
    Pause,
}

/// An incremental, allocation-free parser reporting into a sink of type `S`.
///
/// Implement this to add a format: the Python bindings and the pool drive any
/// `Parser` the same way. A parser must be `Send` so a stream can move between
/// worker threads (one owner at a time).
pub trait Parser<S: ?Sized>: Send {
    /// Consumes a prefix of `input`, reporting events into `sink`.
    ///
    /// Returns the number of bytes consumed. That is all of `input` unless the
    /// parser paused: after an Upgrade/CONNECT, or because the sink asked it to
    /// stop (see the format's sink trait). Offsets in errors are absolute stream
    /// offsets (bytes consumed since construction or the last reset).
    fn parse(&mut self, input: &[u8], sink: &mut S) -> Result<usize, ParseError>;

    /// Tells the parser the stream has ended. Completes a message whose end is
    /// marked by the close (an HTTP response without framing, say), or returns
    /// an [`ErrorKind::Incomplete`] error when a message was cut short.
    fn parse_eof(&mut self, sink: &mut S) -> Result<(), ParseError>;

    /// Restores the state of a freshly constructed parser, keeping its limits
    /// and its buffers (no allocation).
    fn reset(&mut self);

    /// The absolute stream offset of the next byte the parser expects.
    fn offset(&self) -> u64;
}

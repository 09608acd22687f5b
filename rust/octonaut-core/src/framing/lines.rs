//! `Lines`: records cut by a delimiter of one or more bytes.
//!
//! Strategy: the input is scanned with a `memchr::memmem::Finder` built once at
//! construction. A record lying wholly inside one input slice is handed to the
//! sink in place. Bytes of a record that is still open when the input ends are
//! copied into `pending`, a buffer of `max_length + delimiter.len()` bytes
//! reserved at construction, so a record split across feeds is assembled
//! without allocating. A delimiter may itself straddle two feeds: the tail of
//! `pending` is matched against the head of the next input before the finder
//! runs (at most `delimiter.len() - 1` comparisons, no copy).
//!
//! A record is longer than `max_length` (delimiter excluded) as soon as
//! `max_length + delimiter.len()` bytes have arrived without a delimiter
//! starting within the first `max_length + 1` of them, so the decision never
//! waits for more than the buffer holds and never depends on how the stream
//! was split. In [`Recovery::Raise`] mode that is a sticky `line_too_long`
//! error at `record start + max_length` (the first byte over the limit); in
//! [`Recovery::Skip`] mode the record is reported to [`FrameSink::on_skip`],
//! counted, and dropped up to and including the next delimiter (only the
//! last `delimiter.len() - 1` bytes are kept while skipping, to find a
//! delimiter that straddles feeds).
//!
//! End of stream: a final record without a delimiter is returned as a frame,
//! as Python's file iteration, `bytes.splitlines` and asyncio's
//! `StreamReader.readline` do; it is subject to `max_length` like any other.

use memchr::memmem::Finder;

use super::{ConfigError, FrameSink};
use crate::parse::{ErrorKind, Flow, ParseError, Parser};

/// What a [`Lines`] parser does with a record longer than `max_length`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Recovery {
    /// Fail with a sticky `line_too_long` error.
    #[default]
    Raise,
    /// Drop the record up to the next delimiter, count it, report it to
    /// [`FrameSink::on_skip`], and go on with the next record.
    Skip,
}

/// How a [`Lines`] parser cuts records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinesConfig {
    /// The record terminator; one byte or more.
    pub delimiter: Vec<u8>,
    /// The longest record accepted, delimiter excluded.
    pub max_length: usize,
    /// Whether frames end with their delimiter.
    pub keep_delimiter: bool,
    /// What to do with over-long records.
    pub recovery: Recovery,
}

impl Default for LinesConfig {
    fn default() -> Self {
        LinesConfig {
            delimiter: b"\n".to_vec(),
            max_length: 65536,
            keep_delimiter: false,
            recovery: Recovery::Raise,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Collecting the current record.
    Record,
    /// Dropping an over-long record until the next delimiter.
    Skipping,
}

/// An incremental delimiter framing parser; see the module docs.
pub struct Lines {
    finder: Finder<'static>,
    max_length: usize,
    keep_delimiter: bool,
    recovery: Recovery,
    /// In `Record` mode: the open record's bytes (and possibly the first bytes
    /// of its delimiter). In `Skipping` mode: the last `delimiter.len() - 1`
    /// bytes seen. Never grows past the capacity reserved at construction.
    pending: Vec<u8>,
    mode: Mode,
    /// Absolute stream offset of the next byte to parse.
    offset: u64,
    /// Absolute stream offset of the open record's first byte.
    record_start: u64,
    skipped: u64,
    error: Option<ParseError>,
}

impl Lines {
    /// Builds a parser, reserving its assembly buffer.
    pub fn new(config: LinesConfig) -> Result<Self, ConfigError> {
        if config.delimiter.is_empty() {
            return Err(ConfigError::EmptyDelimiter);
        }
        let capacity = config
            .max_length
            .checked_add(config.delimiter.len())
            .ok_or(ConfigError::OutOfMemory)?;
        let mut pending = Vec::new();
        pending
            .try_reserve_exact(capacity)
            .map_err(|_| ConfigError::OutOfMemory)?;
        Ok(Lines {
            finder: Finder::new(&config.delimiter).into_owned(),
            max_length: config.max_length,
            keep_delimiter: config.keep_delimiter,
            recovery: config.recovery,
            pending,
            mode: Mode::Record,
            offset: 0,
            record_start: 0,
            skipped: 0,
            error: None,
        })
    }

    /// The delimiter records are cut at.
    pub fn delimiter(&self) -> &[u8] {
        self.finder.needle()
    }

    /// How many over-long records recovery has dropped since construction or
    /// the last reset.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Finds the first delimiter in `pending ++ input`, knowing `pending` holds
    /// none. Returns the index in `input` just past it.
    fn find_delimiter_end(&self, input: &[u8]) -> Option<usize> {
        let delimiter = self.finder.needle();
        // A delimiter starting in `pending` ends in `input`: the one starting
        // earliest has the most bytes (`carried`) in `pending`.
        let most_carried = (delimiter.len() - 1).min(self.pending.len());
        for carried in (1..=most_carried).rev() {
            let rest = &delimiter[carried..];
            if self.pending.ends_with(&delimiter[..carried]) && input.starts_with(rest) {
                return Some(rest.len());
            }
        }
        self.finder.find(input).map(|start| start + delimiter.len())
    }

    /// Keeps only the last `delimiter.len() - 1` bytes of `pending ++ input`
    /// in `pending` (enough to find a delimiter straddling the next feed).
    fn carry_tail(&mut self, input: &[u8]) {
        let keep = self.finder.needle().len() - 1;
        if input.len() >= keep {
            self.pending.clear();
            self.pending.extend_from_slice(&input[input.len() - keep..]);
        } else {
            let from_pending = keep - input.len();
            let drop = self.pending.len().saturating_sub(from_pending);
            self.pending.drain(..drop);
            self.pending.extend_from_slice(input);
        }
    }

    /// Handles an over-long record starting at `record_start`: fails, or
    /// counts and reports it and switches to skipping.
    fn too_long<S: FrameSink + ?Sized>(&mut self, sink: &mut S) -> Result<(), ParseError> {
        let error = ParseError::limit(
            ErrorKind::LineTooLong,
            self.record_start + self.max_length as u64,
            self.max_length as u64,
        );
        match self.recovery {
            Recovery::Raise => {
                self.error = Some(error);
                Err(error)
            }
            Recovery::Skip => {
                self.skipped += 1;
                sink.on_skip(self.record_start, ErrorKind::LineTooLong);
                Ok(())
            }
        }
    }
}

impl<S: FrameSink + ?Sized> Parser<S> for Lines {
    fn parse(&mut self, input: &[u8], sink: &mut S) -> Result<usize, ParseError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let base = self.offset;
        let delimiter_len = self.finder.needle().len();
        let mut position = 0;
        while position < input.len() {
            let rest = &input[position..];
            let found = self.find_delimiter_end(rest);
            if self.mode == Mode::Skipping {
                match found {
                    Some(end) => {
                        self.pending.clear();
                        self.mode = Mode::Record;
                        position += end;
                        self.record_start = base + position as u64;
                        continue;
                    }
                    None => {
                        self.carry_tail(rest);
                        position = input.len();
                        break;
                    }
                }
            }
            match found {
                Some(end) => {
                    // `end >= 1`; the record is everything before the delimiter.
                    let record_len = self.pending.len() + end - delimiter_len;
                    if record_len > self.max_length {
                        self.offset = base + position as u64;
                        self.too_long(sink)?;
                        self.pending.clear();
                        position += end;
                        self.record_start = base + position as u64;
                        continue;
                    }
                    let frame_len = if self.keep_delimiter {
                        record_len + delimiter_len
                    } else {
                        record_len
                    };
                    let flow = if self.pending.is_empty() {
                        sink.on_frame(&rest[..frame_len])
                    } else {
                        // Fits: record_len + delimiter_len <= the capacity.
                        self.pending.extend_from_slice(&rest[..end]);
                        let flow = sink.on_frame(&self.pending[..frame_len]);
                        self.pending.clear();
                        flow
                    };
                    position += end;
                    self.record_start = base + position as u64;
                    if flow == Flow::Pause {
                        break;
                    }
                }
                None => {
                    let seen = self.pending.len() + rest.len();
                    if seen >= self.max_length + delimiter_len {
                        // No delimiter can start within the first
                        // `max_length + 1` bytes any more.
                        self.offset = base + position as u64;
                        self.too_long(sink)?;
                        self.mode = Mode::Skipping;
                        self.carry_tail(rest);
                    } else {
                        self.pending.extend_from_slice(rest);
                    }
                    position = input.len();
                }
            }
        }
        self.offset = base + position as u64;
        Ok(position)
    }

    fn parse_eof(&mut self, sink: &mut S) -> Result<(), ParseError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.mode == Mode::Record && !self.pending.is_empty() {
            if self.pending.len() > self.max_length {
                self.too_long(sink)?;
            } else {
                sink.on_frame(&self.pending);
            }
        }
        self.pending.clear();
        self.mode = Mode::Record;
        self.record_start = self.offset;
        Ok(())
    }

    fn reset(&mut self) {
        self.pending.clear();
        self.mode = Mode::Record;
        self.offset = 0;
        self.record_start = 0;
        self.skipped = 0;
        self.error = None;
    }

    fn offset(&self) -> u64 {
        self.offset
    }
}

//! `LengthPrefixed`: records preceded by an unsigned length of 1, 2, 4 or 8
//! bytes, big- or little-endian.
//!
//! Strategy: a two-state machine (header, payload). A header split across
//! feeds is gathered in an 8-byte array; a payload lying wholly inside one
//! input slice is handed to the sink in place, and one split across feeds is
//! assembled in `pending`, reserved at construction with `max_frame` bytes, so
//! `parse` never allocates. The length is checked as soon as the header is
//! complete, before any payload byte is buffered: a length over `max_frame`
//! is a sticky `frame_too_large` error, and with `includes_header` a length
//! smaller than the header itself is `invalid_length`; both point at the
//! first byte of the header. `max_frame` bounds the payload, the bytes a
//! frame hands over, whether or not the length counts the header.
//!
//! End of stream: a header or payload cut short is an `incomplete` error at
//! the offset where the stream ended (the first missing byte).

use super::{ConfigError, FrameSink};
use crate::parse::{ErrorKind, Flow, ParseError, Parser};

/// Byte order of the length prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ByteOrder {
    /// Most significant byte first (network order).
    #[default]
    Big,
    /// Least significant byte first.
    Little,
}

/// How a [`LengthPrefixed`] parser reads its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LengthPrefixedConfig {
    /// Prefix width in bytes: 1, 2, 4 or 8.
    pub width: usize,
    /// Prefix byte order.
    pub byte_order: ByteOrder,
    /// The largest payload accepted, in bytes.
    pub max_frame: u64,
    /// Whether the length counts the prefix itself.
    pub includes_header: bool,
}

impl Default for LengthPrefixedConfig {
    fn default() -> Self {
        LengthPrefixedConfig {
            width: 4,
            byte_order: ByteOrder::Big,
            max_frame: 1 << 20,
            includes_header: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Gathering the prefix; `have` bytes of it are in `header`.
    Header { have: usize },
    /// Gathering a payload of `len` bytes; the bytes so far are in `pending`.
    Payload { len: usize },
}

/// An incremental length-prefix framing parser; see the module docs.
pub struct LengthPrefixed {
    config: LengthPrefixedConfig,
    header: [u8; 8],
    state: State,
    pending: Vec<u8>,
    /// Absolute stream offset of the next byte to parse.
    offset: u64,
    /// Absolute stream offset of the current frame's first header byte.
    frame_start: u64,
    error: Option<ParseError>,
}

impl LengthPrefixed {
    /// Builds a parser, reserving its assembly buffer of `max_frame` bytes.
    pub fn new(config: LengthPrefixedConfig) -> Result<Self, ConfigError> {
        if !matches!(config.width, 1 | 2 | 4 | 8) {
            return Err(ConfigError::InvalidWidth);
        }
        let capacity = usize::try_from(config.max_frame).map_err(|_| ConfigError::OutOfMemory)?;
        let mut pending = Vec::new();
        pending
            .try_reserve_exact(capacity)
            .map_err(|_| ConfigError::OutOfMemory)?;
        Ok(LengthPrefixed {
            config,
            header: [0; 8],
            state: State::Header { have: 0 },
            pending,
            offset: 0,
            frame_start: 0,
            error: None,
        })
    }

    /// The configuration this parser was built with.
    pub fn config(&self) -> &LengthPrefixedConfig {
        &self.config
    }

    /// Decodes the complete prefix in `header` into a payload length, or
    /// fails with a sticky error pointing at the prefix.
    fn payload_len(&mut self) -> Result<usize, ParseError> {
        let width = self.config.width;
        let mut bytes = [0u8; 8];
        let raw = match self.config.byte_order {
            ByteOrder::Big => {
                bytes[8 - width..].copy_from_slice(&self.header[..width]);
                u64::from_be_bytes(bytes)
            }
            ByteOrder::Little => {
                bytes[..width].copy_from_slice(&self.header[..width]);
                u64::from_le_bytes(bytes)
            }
        };
        let payload = if self.config.includes_header {
            match raw.checked_sub(width as u64) {
                Some(payload) => payload,
                None => {
                    return Err(
                        self.fail(ParseError::new(ErrorKind::InvalidLength, self.frame_start))
                    )
                }
            }
        } else {
            raw
        };
        if payload > self.config.max_frame {
            return Err(self.fail(ParseError::limit(
                ErrorKind::FrameTooLarge,
                self.frame_start,
                self.config.max_frame,
            )));
        }
        // max_frame fits in usize (checked at construction).
        Ok(payload as usize)
    }

    fn fail(&mut self, error: ParseError) -> ParseError {
        self.error = Some(error);
        error
    }
}

impl<S: FrameSink + ?Sized> Parser<S> for LengthPrefixed {
    fn parse(&mut self, input: &[u8], sink: &mut S) -> Result<usize, ParseError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let base = self.offset;
        let width = self.config.width;
        let mut position = 0;
        while position < input.len() {
            match self.state {
                State::Header { have } => {
                    let take = (width - have).min(input.len() - position);
                    self.header[have..have + take]
                        .copy_from_slice(&input[position..position + take]);
                    position += take;
                    if have + take < width {
                        self.state = State::Header { have: have + take };
                        break;
                    }
                    self.offset = base + position as u64;
                    let len = self.payload_len()?;
                    self.pending.clear();
                    self.state = State::Payload { len };
                    if len == 0 {
                        // An empty payload completes with its header, even at
                        // the very end of the input.
                        let flow = sink.on_frame(&[]);
                        self.state = State::Header { have: 0 };
                        self.frame_start = base + position as u64;
                        if flow == Flow::Pause {
                            break;
                        }
                    }
                }
                State::Payload { len } => {
                    let rest = &input[position..];
                    let missing = len - self.pending.len();
                    if rest.len() < missing {
                        self.pending.extend_from_slice(rest);
                        position = input.len();
                        break;
                    }
                    let flow = if self.pending.is_empty() {
                        sink.on_frame(&rest[..missing])
                    } else {
                        self.pending.extend_from_slice(&rest[..missing]);
                        sink.on_frame(&self.pending)
                    };
                    self.pending.clear();
                    position += missing;
                    self.state = State::Header { have: 0 };
                    self.frame_start = base + position as u64;
                    if flow == Flow::Pause {
                        break;
                    }
                }
            }
        }
        self.offset = base + position as u64;
        Ok(position)
    }

    fn parse_eof(&mut self, _sink: &mut S) -> Result<(), ParseError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match self.state {
            State::Header { have: 0 } => Ok(()),
            _ => Err(self.fail(ParseError::new(ErrorKind::Incomplete, self.offset))),
        }
    }

    fn reset(&mut self) {
        self.header = [0; 8];
        self.state = State::Header { have: 0 };
        self.pending.clear();
        self.offset = 0;
        self.frame_start = 0;
        self.error = None;
    }

    fn offset(&self) -> u64 {
        self.offset
    }
}

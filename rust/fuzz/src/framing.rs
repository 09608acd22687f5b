//! The framing fuzz target bodies: `Lines` and `LengthPrefixed`.
//!
//! Strategy: the first two bytes of the fuzz input are a seed (cut points,
//! the single split point, whether the sink pauses) and a selector (the
//! parser options); `Lines` then takes its 1 to 3 delimiter bytes from the
//! input too. The rest is the byte stream. Each input is parsed in one feed,
//! one byte at a time, split once at a data-derived point, and cut up by a
//! seeded walk with a sink that pauses after every frame (the driver re-feeds
//! the remainder); all runs must give the same frames, the same skips, the
//! same consumed count and the same error (kind, offset and limit). Every
//! frame must fit the configured maximum, an error must be sticky, and a
//! parser that was used (even up to an error) and then reset must behave
//! exactly like a new one.
//!
//! This file is self-contained so the stable smoke test
//! (`octonaut-core/tests/framing_fuzz_smoke.rs`) can include it by path.

use octonaut_core::framing::{
    ByteOrder, FrameSink, LengthPrefixed, LengthPrefixedConfig, Lines, LinesConfig, Recovery,
};
use octonaut_core::parse::{ErrorKind, Flow, ParseError, Parser};

/// Small maximum sizes: most interesting behaviour sits near the limit.
const MAX_SIZES: [usize; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 32, 64, 255];

/// Records frames and skips; asserts the size bound on every frame.
pub struct Log {
    pub frames: Vec<Vec<u8>>,
    pub skips: Vec<(u64, ErrorKind)>,
    /// The longest frame the configuration allows.
    max_frame_len: usize,
    /// Whether to ask the parser to pause after every frame.
    pause: bool,
}

impl Log {
    fn new(max_frame_len: usize, pause: bool) -> Self {
        Log {
            frames: Vec::new(),
            skips: Vec::new(),
            max_frame_len,
            pause,
        }
    }
}

impl FrameSink for Log {
    fn on_frame(&mut self, frame: &[u8]) -> Flow {
        assert!(
            frame.len() <= self.max_frame_len,
            "frame of {} bytes over the maximum {}",
            frame.len(),
            self.max_frame_len
        );
        self.frames.push(frame.to_vec());
        if self.pause {
            Flow::Pause
        } else {
            Flow::Continue
        }
    }

    fn on_skip(&mut self, offset: u64, kind: ErrorKind) {
        self.skips.push((offset, kind));
    }
}

/// Everything a run produced.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub frames: Vec<Vec<u8>>,
    pub skips: Vec<(u64, ErrorKind)>,
    /// Bytes consumed; only compared when the run ended without error.
    pub consumed: Option<u64>,
    pub error: Option<ParseError>,
    pub eof_error: Option<ParseError>,
}

/// Feeds `input` in pieces ending at `cuts` (ascending), re-feeding the rest
/// of a piece after a pause, then EOF. Checks progress and sticky errors.
pub fn feed<P: Parser<Log>>(
    parser: &mut P,
    input: &[u8],
    cuts: &[usize],
    max_frame_len: usize,
    pause: bool,
) -> Run {
    let mut log = Log::new(max_frame_len, pause);
    let mut consumed = 0u64;
    let mut start = 0;
    let mut error = None;
    'pieces: for &cut in cuts.iter().chain(std::iter::once(&input.len())) {
        let cut = cut.clamp(start, input.len());
        let mut piece = &input[start..cut];
        while !piece.is_empty() {
            match parser.parse(piece, &mut log) {
                Ok(n) => {
                    assert!(n <= piece.len(), "consumed more than given");
                    assert!(n > 0, "returned without progress");
                    assert!(pause || n == piece.len(), "stopped without a pause");
                    consumed += n as u64;
                    assert_eq!(parser.offset(), consumed, "offset() tracks consumption");
                    piece = &piece[n..];
                }
                Err(e) => {
                    error = Some(e);
                    break 'pieces;
                }
            }
        }
        start = cut;
    }
    let eof_error = match error {
        None => parser.parse_eof(&mut log).err(),
        Some(e) => {
            // Sticky: every later call fails the same way.
            assert_eq!(parser.parse(b"\n\0", &mut log), Err(e), "sticky parse");
            assert_eq!(parser.parse_eof(&mut log), Err(e), "sticky parse_eof");
            None
        }
    };
    Run {
        frames: log.frames,
        skips: log.skips,
        consumed: error.is_none().then_some(consumed),
        error,
        eof_error,
    }
}

/// Cut points derived from `seed`: a pseudo-random walk over `len`.
pub fn cuts(seed: u8, len: usize) -> Vec<usize> {
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761) | 1;
    let mut at = 0;
    let mut out = Vec::new();
    while at < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        at += 1 + (state as usize % (len / 4 + 2));
        out.push(at.min(len));
    }
    out
}

/// Runs every split of `input` and the reset check; returns the one-feed run.
fn check<P: Parser<Log>>(
    make: impl Fn() -> P,
    seed: u8,
    input: &[u8],
    max_frame_len: usize,
) -> Run {
    let whole = feed(&mut make(), input, &[], max_frame_len, false);
    if input.len() <= 2048 {
        let bytewise: Vec<usize> = (1..input.len()).collect();
        let run = feed(&mut make(), input, &bytewise, max_frame_len, false);
        assert_eq!(whole, run, "byte at a time");
    }
    let split_at = input.len() * usize::from(seed) / 255;
    let run = feed(&mut make(), input, &[split_at], max_frame_len, false);
    assert_eq!(whole, run, "one split at {split_at}");
    let run = feed(
        &mut make(),
        input,
        &cuts(seed, input.len()),
        max_frame_len,
        true,
    );
    assert_eq!(whole, run, "seeded cuts, pausing after every frame");

    // Dirty a parser (first half of the input, sometimes without EOF, maybe
    // ending in an error), reset it, and it must match a new one.
    let mut used = make();
    let dirty = &input[..input.len() / 2];
    let mut scratch = Log::new(max_frame_len, false);
    if used.parse(dirty, &mut scratch).is_ok() && seed & 1 == 1 {
        let _ = used.parse_eof(&mut scratch);
    }
    used.reset();
    assert_eq!(used.offset(), 0, "offset after reset");
    let run = feed(&mut used, input, &[split_at], max_frame_len, false);
    assert_eq!(whole, run, "after reset");
    whole
}

/// The `Lines` configuration a selector byte and delimiter bytes describe.
pub fn lines_config(selector: u8, delimiter: &[u8]) -> LinesConfig {
    LinesConfig {
        delimiter: delimiter.to_vec(),
        max_length: MAX_SIZES[usize::from(selector >> 4)],
        keep_delimiter: selector & 0x04 != 0,
        recovery: if selector & 0x08 != 0 {
            Recovery::Skip
        } else {
            Recovery::Raise
        },
    }
}

/// How many delimiter bytes a `Lines` selector asks for (1 to 3).
pub fn lines_delimiter_len(selector: u8) -> usize {
    usize::from(selector & 0x03) % 3 + 1
}

/// Fuzz body for [`Lines`]: `seed, selector, delimiter (1-3 bytes), stream`.
pub fn lines(data: &[u8]) {
    let [seed, selector, rest @ ..] = data else {
        return;
    };
    let delimiter_len = lines_delimiter_len(*selector);
    if rest.len() < delimiter_len {
        return;
    }
    let (delimiter, input) = rest.split_at(delimiter_len);
    let config = lines_config(*selector, delimiter);
    let max_frame_len = config.max_length
        + if config.keep_delimiter {
            delimiter_len
        } else {
            0
        };
    let make = || Lines::new(config.clone()).expect("valid Lines config");
    let whole = check(make, *seed, input, max_frame_len);

    // The skip counter agrees with the skips reported.
    let mut parser = make();
    let run = feed(&mut parser, input, &[], max_frame_len, false);
    assert_eq!(parser.skipped(), run.skips.len() as u64, "skipped()");
    if config.recovery == Recovery::Skip {
        assert_eq!(whole.error, None, "skip mode never fails");
        assert_eq!(whole.eof_error, None, "skip mode never fails at EOF");
    } else {
        assert!(whole.skips.is_empty(), "raise mode never skips");
    }
}

/// The `LengthPrefixed` configuration a selector byte describes.
pub fn length_prefixed_config(selector: u8) -> LengthPrefixedConfig {
    LengthPrefixedConfig {
        width: [1, 2, 4, 8][usize::from(selector & 0x03)],
        byte_order: if selector & 0x04 != 0 {
            ByteOrder::Little
        } else {
            ByteOrder::Big
        },
        max_frame: MAX_SIZES[usize::from(selector >> 4)] as u64,
        includes_header: selector & 0x08 != 0,
    }
}

/// Fuzz body for [`LengthPrefixed`]: `seed, selector, stream`.
pub fn length_prefixed(data: &[u8]) {
    let [seed, selector, input @ ..] = data else {
        return;
    };
    let config = length_prefixed_config(*selector);
    let make = || LengthPrefixed::new(config).expect("valid LengthPrefixed config");
    let whole = check(make, *seed, input, config.max_frame as usize);
    assert!(whole.skips.is_empty(), "LengthPrefixed never skips");
}

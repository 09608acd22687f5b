//! Unit tests of the framing parsers: every branch, and split invariance
//! (random splits of a stream give the same frames and the same error).
//!
//! Strategy: a `Collect` sink records frames and skips; `run` feeds a list of
//! chunks then EOF and returns what was collected with the first error, so a
//! test states a whole stream's outcome in one comparison, and the
//! split-invariance tests compare one feed against random cuts of it.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::parse::{ErrorKind, Flow, ParseError, Parser};

#[derive(Default, Debug, PartialEq, Eq)]
struct Collect {
    frames: Vec<Vec<u8>>,
    skips: Vec<(u64, ErrorKind)>,
    pause_after: Option<usize>,
}

impl FrameSink for Collect {
    fn on_frame(&mut self, frame: &[u8]) -> Flow {
        self.frames.push(frame.to_vec());
        match self.pause_after {
            Some(n) if self.frames.len() == n => Flow::Pause,
            _ => Flow::Continue,
        }
    }
    fn on_skip(&mut self, offset: u64, kind: ErrorKind) {
        self.skips.push((offset, kind));
    }
}

/// Feeds `chunks` then EOF; returns the sink and the first error.
fn run<P: Parser<Collect>>(parser: &mut P, chunks: &[&[u8]]) -> (Collect, Option<ParseError>) {
    let mut sink = Collect::default();
    for chunk in chunks {
        match parser.parse(chunk, &mut sink) {
            Ok(n) => assert_eq!(n, chunk.len()),
            Err(e) => return (sink, Some(e)),
        }
    }
    let err = parser.parse_eof(&mut sink).err();
    (sink, err)
}

fn lines(delimiter: &[u8], max_length: usize, keep: bool, recovery: Recovery) -> Lines {
    Lines::new(LinesConfig {
        delimiter: delimiter.to_vec(),
        max_length,
        keep_delimiter: keep,
        recovery,
    })
    .unwrap()
}

fn frames(v: &[&[u8]]) -> Vec<Vec<u8>> {
    v.iter().map(|f| f.to_vec()).collect()
}

#[test]
fn lines_single_feed_and_final_undelimited_record() {
    let mut p = lines(b"\n", 100, false, Recovery::Raise);
    let (sink, err) = run(&mut p, &[b"a\n\nbc\nlast"]);
    assert_eq!(err, None);
    assert_eq!(sink.frames, frames(&[b"a", b"", b"bc", b"last"]));
    assert_eq!(Parser::<Collect>::offset(&p), 10);
}

#[test]
fn lines_keep_delimiter_and_multibyte_delimiter_split_across_feeds() {
    let mut p = lines(b"\r\n", 100, true, Recovery::Raise);
    let (sink, err) = run(&mut p, &[b"ab\r", b"\ncd", b"\r", b"\n", b"e\r\n"]);
    assert_eq!(err, None);
    assert_eq!(sink.frames, frames(&[b"ab\r\n", b"cd\r\n", b"e\r\n"]));
}

#[test]
fn lines_delimiter_partly_matching_then_diverging() {
    // "\r\r\n": a false start of the delimiter carried across the split.
    let mut p = lines(b"\r\n", 100, false, Recovery::Raise);
    let (sink, err) = run(&mut p, &[b"x\r", b"\r\ny\r", b"z\n"]);
    assert_eq!(err, None);
    assert_eq!(sink.frames, frames(&[b"x\r", b"y\rz\n"]));
}

#[test]
fn lines_long_delimiter_straddling_three_feeds() {
    let mut p = lines(b"<END>", 100, false, Recovery::Raise);
    let (sink, err) = run(&mut p, &[b"one<E", b"N", b"D>two<EN", b"D>"]);
    assert_eq!(err, None);
    assert_eq!(sink.frames, frames(&[b"one", b"two"]));
}

#[test]
fn lines_exactly_max_length_is_accepted_split_or_not() {
    for chunks in [
        &[&b"abcd\r\n"[..]][..],
        &[b"abcd\r", b"\n"],
        &[b"ab", b"cd", b"\r\n"],
    ] {
        let mut p = lines(b"\r\n", 4, false, Recovery::Raise);
        let (sink, err) = run(&mut p, chunks);
        assert_eq!(err, None, "{chunks:?}");
        assert_eq!(sink.frames, frames(&[b"abcd"]));
    }
}

#[test]
fn lines_too_long_raises_at_first_byte_over_the_limit_and_is_sticky() {
    // Found with its delimiter in one feed.
    let mut p = lines(b"\n", 3, false, Recovery::Raise);
    let (sink, err) = run(&mut p, &[b"ok\nabcd\nzz\n"]);
    assert_eq!(sink.frames, frames(&[b"ok"]));
    let err = err.unwrap();
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::LineTooLong, 6, 3)
    );
    // Sticky, also for parse_eof.
    assert_eq!(p.parse(b"x\n", &mut Collect::default()), Err(err));
    assert_eq!(p.parse_eof(&mut Collect::default()), Err(err));
    // Reset clears it and the offsets.
    Parser::<Collect>::reset(&mut p);
    let (sink, err) = run(&mut p, &[b"abc\n"]);
    assert_eq!((sink.frames, err), (frames(&[b"abc"]), None));

    // Detected before any delimiter arrives (the record outgrew the buffer).
    let mut p = lines(b"\n", 3, false, Recovery::Raise);
    let mut sink = Collect::default();
    assert_eq!(p.parse(b"ok\nab", &mut sink), Ok(5));
    let err = p.parse(b"cd", &mut sink).unwrap_err();
    assert_eq!((err.kind, err.offset), (ErrorKind::LineTooLong, 6));
}

#[test]
fn lines_too_long_at_eof() {
    let mut p = lines(b"\r\n", 3, false, Recovery::Raise);
    let (sink, err) = run(&mut p, &[b"abcd"]);
    assert!(sink.frames.is_empty());
    assert_eq!(
        err.map(|e| (e.kind, e.offset)),
        Some((ErrorKind::LineTooLong, 3))
    );
    // Skip mode drops it silently but counts it.
    let mut p = lines(b"\r\n", 3, false, Recovery::Skip);
    let (sink, err) = run(&mut p, &[b"abcd"]);
    assert_eq!((sink.frames.len(), err, p.skipped()), (0, None, 1));
    assert_eq!(sink.skips, vec![(0, ErrorKind::LineTooLong)]);
}

#[test]
fn lines_skip_recovers_at_next_delimiter() {
    let mut p = lines(b"\r\n", 3, false, Recovery::Skip);
    // Over-long record found whole in one feed, then one spanning many feeds
    // whose delimiter straddles two of them.
    let (sink, err) = run(
        &mut p,
        &[b"a\r\ntoolong\r\nb\r\nxxxx", b"yyyy", b"zz\r", b"\nc\r\n"],
    );
    assert_eq!(err, None);
    assert_eq!(sink.frames, frames(&[b"a", b"b", b"c"]));
    assert_eq!(p.skipped(), 2);
    assert_eq!(
        sink.skips,
        vec![(3, ErrorKind::LineTooLong), (15, ErrorKind::LineTooLong)]
    );
    Parser::<Collect>::reset(&mut p);
    assert_eq!(p.skipped(), 0);
}

#[test]
fn lines_skip_with_tiny_feeds_in_skipping_mode() {
    let mut p = lines(b"<E>", 2, false, Recovery::Skip);
    let stream = b"abcdefg<E>ok<E>";
    let chunks: Vec<&[u8]> = stream.chunks(1).collect();
    let (sink, err) = run(&mut p, &chunks);
    assert_eq!(err, None);
    assert_eq!(sink.frames, frames(&[b"ok"]));
    assert_eq!(p.skipped(), 1);
}

#[test]
fn lines_pause_stops_right_after_the_frame() {
    let mut p = lines(b"\n", 10, false, Recovery::Raise);
    let mut sink = Collect {
        pause_after: Some(1),
        ..Collect::default()
    };
    assert_eq!(p.parse(b"ab\ncd\n", &mut sink), Ok(3));
    assert_eq!(Parser::<Collect>::offset(&p), 3);
    sink.pause_after = None;
    assert_eq!(p.parse(b"cd\n", &mut sink), Ok(3));
    assert_eq!(sink.frames, frames(&[b"ab", b"cd"]));
}

#[test]
fn lines_rejects_empty_delimiter() {
    let config = LinesConfig {
        delimiter: Vec::new(),
        ..LinesConfig::default()
    };
    assert_eq!(Lines::new(config).err(), Some(ConfigError::EmptyDelimiter));
    let config = LinesConfig {
        max_length: usize::MAX,
        ..LinesConfig::default()
    };
    assert_eq!(Lines::new(config).err(), Some(ConfigError::OutOfMemory));
}

fn lp(
    width: usize,
    byte_order: ByteOrder,
    max_frame: u64,
    includes_header: bool,
) -> LengthPrefixed {
    LengthPrefixed::new(LengthPrefixedConfig {
        width,
        byte_order,
        max_frame,
        includes_header,
    })
    .unwrap()
}

fn encode(payload: &[u8], width: usize, order: ByteOrder, includes_header: bool) -> Vec<u8> {
    let len = payload.len() as u64 + if includes_header { width as u64 } else { 0 };
    let mut out = match order {
        ByteOrder::Big => len.to_be_bytes()[8 - width..].to_vec(),
        ByteOrder::Little => len.to_le_bytes()[..width].to_vec(),
    };
    out.extend_from_slice(payload);
    out
}

#[test]
fn length_prefixed_every_width_order_and_header_mode() {
    for width in [1, 2, 4, 8] {
        for order in [ByteOrder::Big, ByteOrder::Little] {
            for includes_header in [false, true] {
                let payloads: [&[u8]; 3] = [b"hello", b"", b"x"];
                let stream: Vec<u8> = payloads
                    .iter()
                    .flat_map(|p| encode(p, width, order, includes_header))
                    .collect();
                let mut p = lp(width, order, 100, includes_header);
                let (sink, err) = run(&mut p, &[&stream]);
                assert_eq!(err, None);
                assert_eq!(sink.frames, frames(&payloads));
                // One byte at a time.
                let mut p = lp(width, order, 100, includes_header);
                let chunks: Vec<&[u8]> = stream.chunks(1).collect();
                let (sink, err) = run(&mut p, &chunks);
                assert_eq!((sink.frames, err), (frames(&payloads), None));
            }
        }
    }
}

#[test]
fn length_prefixed_frame_too_large_points_at_the_header() {
    let mut stream = encode(b"ok", 2, ByteOrder::Big, false);
    stream.extend(encode(b"toolong", 2, ByteOrder::Big, false));
    let mut p = lp(2, ByteOrder::Big, 6, false);
    let (sink, err) = run(&mut p, &[&stream]);
    assert_eq!(sink.frames, frames(&[b"ok"]));
    let err = err.unwrap();
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::FrameTooLarge, 4, 6)
    );
    assert_eq!(p.parse(b"", &mut Collect::default()), Err(err));
    // max_frame itself is accepted.
    let mut p = lp(2, ByteOrder::Big, 7, false);
    assert_eq!(run(&mut p, &[&stream]).1, None);
}

#[test]
fn length_prefixed_invalid_length_when_header_counted() {
    let mut p = lp(4, ByteOrder::Little, 100, true);
    let mut stream = encode(b"ab", 4, ByteOrder::Little, true);
    stream.extend_from_slice(&3u32.to_le_bytes());
    let (sink, err) = run(&mut p, &[&stream]);
    assert_eq!(sink.frames, frames(&[b"ab"]));
    let err = err.unwrap();
    assert_eq!((err.kind, err.offset), (ErrorKind::InvalidLength, 6));
    // Exactly the header: an empty payload.
    let mut p = lp(4, ByteOrder::Little, 100, true);
    let (sink, err) = run(&mut p, &[&4u32.to_le_bytes()]);
    assert_eq!((sink.frames, err), (frames(&[b""]), None));
}

#[test]
fn length_prefixed_incomplete_at_eof_in_header_and_payload() {
    let mut p = lp(4, ByteOrder::Big, 100, false);
    let (_, err) = run(&mut p, &[&[0, 0]]);
    assert_eq!(
        err.map(|e| (e.kind, e.offset)),
        Some((ErrorKind::Incomplete, 2))
    );
    let mut p = lp(4, ByteOrder::Big, 100, false);
    let (_, err) = run(&mut p, &[&[0, 0, 0, 5, b'a']]);
    assert_eq!(
        err.map(|e| (e.kind, e.offset)),
        Some((ErrorKind::Incomplete, 5))
    );
    // Sticky after EOF, until reset.
    assert!(p.parse(b"x", &mut Collect::default()).is_err());
    Parser::<Collect>::reset(&mut p);
    assert_eq!(run(&mut p, &[&[0, 0, 0, 0]]).1, None);
}

#[test]
fn length_prefixed_pause_and_huge_lengths() {
    let mut p = lp(1, ByteOrder::Big, 10, false);
    let mut sink = Collect {
        pause_after: Some(1),
        ..Collect::default()
    };
    assert_eq!(p.parse(b"\x01a\x00\x01b", &mut sink), Ok(2));
    sink.pause_after = Some(2);
    assert_eq!(p.parse(b"\x00\x01b", &mut sink), Ok(1));
    sink.pause_after = None;
    assert_eq!(p.parse(b"\x01b", &mut sink), Ok(2));
    assert_eq!(sink.frames, frames(&[b"a", b"", b"b"]));
    // A u64::MAX length is rejected, not overflowed.
    let mut p = lp(8, ByteOrder::Big, 10, true);
    let err = p.parse(&[0xff; 8], &mut Collect::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::FrameTooLarge);
}

#[test]
fn length_prefixed_rejects_bad_config() {
    let config = LengthPrefixedConfig {
        width: 3,
        ..LengthPrefixedConfig::default()
    };
    assert_eq!(
        LengthPrefixed::new(config).err(),
        Some(ConfigError::InvalidWidth)
    );
    let config = LengthPrefixedConfig {
        max_frame: u64::MAX,
        ..LengthPrefixedConfig::default()
    };
    assert_eq!(
        LengthPrefixed::new(config).err(),
        Some(ConfigError::OutOfMemory)
    );
}

/// Cuts `stream` at random points.
fn random_split<'a>(stream: &'a [u8], rng: &mut SmallRng) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        let n = rng.random_range(0..=rest.len().min(12));
        let (head, tail) = rest.split_at(n);
        chunks.push(head);
        rest = tail;
    }
    chunks
}

#[test]
fn split_invariance_of_lines() {
    let mut rng = SmallRng::seed_from_u64(7);
    for round in 0..2000 {
        let delimiter: &[u8] = [&b"\n"[..], b"\r\n", b"aab"][round % 3];
        let alphabet = b"ab\r\nx";
        let len = rng.random_range(0..60);
        let stream: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.random_range(0..alphabet.len())])
            .collect();
        let max_length = rng.random_range(0..8);
        let keep = rng.random_bool(0.5);
        let recovery = if rng.random_bool(0.5) {
            Recovery::Skip
        } else {
            Recovery::Raise
        };
        let mut whole = lines(delimiter, max_length, keep, recovery);
        let expected = run(&mut whole, &[&stream]);
        let mut split = lines(delimiter, max_length, keep, recovery);
        let chunks = random_split(&stream, &mut rng);
        let got = run(&mut split, &chunks);
        assert_eq!(got, expected, "{stream:?} {chunks:?}");
        assert_eq!(split.skipped(), whole.skipped());
    }
}

#[test]
fn split_invariance_of_length_prefixed() {
    let mut rng = SmallRng::seed_from_u64(11);
    for _ in 0..2000 {
        let width = [1, 2, 4, 8][rng.random_range(0..4)];
        let order = if rng.random_bool(0.5) {
            ByteOrder::Big
        } else {
            ByteOrder::Little
        };
        let includes_header = rng.random_bool(0.5);
        let mut stream = Vec::new();
        for _ in 0..rng.random_range(0..6) {
            let n = rng.random_range(0..12);
            let payload: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            stream.extend(encode(&payload, width, order, includes_header));
        }
        // Sometimes a corrupt or truncated tail.
        if rng.random_bool(0.3) {
            let n = rng.random_range(0..10);
            stream.extend((0..n).map(|_| rng.random::<u8>()));
        }
        let mut whole = lp(width, order, 9, includes_header);
        let expected = run(&mut whole, &[&stream]);
        let mut split = lp(width, order, 9, includes_header);
        let got = run(&mut split, &random_split(&stream, &mut rng));
        assert_eq!(got, expected);
    }
}

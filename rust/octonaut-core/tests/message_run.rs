//! `MessageCollector::parse` (one copy per head while the head lies in one
//! input) builds exactly the records that token-by-token collection
//! (`parser.parse(input, &mut collector)`) builds, for every split of
//! streams with pipelined requests, chunked bodies with trailers, obs-fold
//! and trailing whitespace.
//!
//! Strategy: render every record of a stream to a canonical list of byte
//! strings; compare the whole-input token-by-token rendering with the
//! wrapper's rendering for every single cut point and for random multi-cuts.
//! `MessageCollector::parse_kept` (heads left in the input) must render the
//! same, reading a left area from the input.

use octonaut_core::http::message::{CollectorLimits, MessageCollector, MessageRecord};
use octonaut_core::http::{Lenient, Limits, RequestParser};
use octonaut_core::parse::Parser;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const STREAMS: &[&[u8]] = &[
    b"GET /a%20b HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x/1 (y)\r\n\r\n\
      POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-Empty:\r\n\r\nhello",
    b"PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\
      5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: abc  \r\nX-Two:  d e\r\n\r\n\
      GET / HTTP/1.1\r\nHost: h2\r\n\r\n",
    b"GET /fold HTTP/1.1\r\nHost: h\r\nX-Fold: a  \r\n  b\t\r\n\tc\r\nX-Ws: v \t \r\n\r\n",
    // Whole lines completed at once (the walk's `on_header_field`): blank and
    // OWS-only values, framing fields, a single-token Connection, pipelining.
    b"GET /w HTTP/1.1\r\nHost: h\r\nX-Blank:   \r\nX-None:\r\nConnection: keep-alive\r\n\
      Content-Length: 2\r\nX-Last: \tz\t\r\n\r\nokOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n\
      GET /x HTTP/1.0\r\nConnection: close, Keep-Alive\r\n\r\n",
];

/// How `collect` drives the collector.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// `parser.parse(input, &mut collector)`: token by token.
    Tokens,
    /// `collector.parse`.
    Wrapper,
    /// `collector.parse_kept`.
    Kept,
}

fn render(record: &MessageRecord, area: &[u8], out: &mut Vec<Vec<u8>>) {
    out.push(record.method_span().of(area).to_vec());
    out.push(record.target_span().of(area).to_vec());
    for field in record.headers() {
        out.push(field.name.of(area).to_vec());
        out.push(field.value.of(area).to_vec());
    }
    out.push(b"--trailers--".to_vec());
    for field in record.trailers() {
        out.push(field.name.of(area).to_vec());
        out.push(field.value.of(area).to_vec());
    }
    out.push(record.body().to_vec());
}

/// Whatever the collector says lies in the latest input does lie there.
fn assert_origins_hold(collector: &MessageCollector, record: &MessageRecord, input: &[u8]) {
    if let Some(offset) = collector.area_in_last_input(record) {
        let area = record.area();
        assert_eq!(&input[offset..offset + area.len()], area);
    }
}

fn collect(data: &[u8], cuts: &[usize], mode: Mode) -> Vec<Vec<u8>> {
    let limits = Limits::default();
    let mut parser = RequestParser::new(limits, Lenient::OBS_FOLD);
    let mut collector = MessageCollector::new(CollectorLimits {
        max_head: limits.max_head,
        max_headers: limits.max_headers,
        max_body: 1 << 20,
        max_pending: 2,
    });
    let mut out = Vec::new();
    let mut start = 0;
    for &end in cuts.iter().chain(std::iter::once(&data.len())) {
        let mut pos = start;
        while pos < end {
            let result = match mode {
                Mode::Tokens => parser.parse(&data[pos..end], &mut collector),
                Mode::Wrapper => collector.parse(&mut parser, &data[pos..end]),
                Mode::Kept => collector.parse_kept(&mut parser, &data[pos..end]),
            };
            let input = &data[pos..end];
            pos += result.expect("valid stream");
            while let Some(key) = collector.pop() {
                let record = collector.record(key).expect("a popped key is live");
                assert_origins_hold(&collector, record, input);
                let area = if record.area_left_in_input() {
                    assert!(mode == Mode::Kept && record.area().is_empty());
                    let offset = collector.area_in_last_input(record).expect("left here");
                    &input[offset..]
                } else {
                    record.area()
                };
                render(record, area, &mut out);
                collector.release(key);
            }
            assert!(collector.take_error().is_none());
        }
        start = end;
    }
    out
}

#[test]
fn wrapper_matches_token_copies_for_every_single_cut() {
    for stream in STREAMS {
        let expected = collect(stream, &[], Mode::Tokens);
        assert!(!expected.is_empty());
        for mode in [Mode::Wrapper, Mode::Kept] {
            assert_eq!(collect(stream, &[], mode), expected);
            for cut in 1..stream.len() {
                assert_eq!(collect(stream, &[cut], mode), expected, "cut at {cut}");
            }
        }
    }
}

#[test]
fn wrapper_matches_token_copies_for_random_cuts() {
    let mut rng = SmallRng::seed_from_u64(7);
    for stream in STREAMS {
        let expected = collect(stream, &[], Mode::Tokens);
        for _ in 0..300 {
            let mut cuts = Vec::new();
            let mut at = 0;
            loop {
                at += rng.random_range(1..=24);
                if at >= stream.len() {
                    break;
                }
                cuts.push(at);
            }
            for mode in [Mode::Tokens, Mode::Wrapper, Mode::Kept] {
                assert_eq!(collect(stream, &cuts, mode), expected, "cuts {cuts:?}");
            }
        }
    }
}

#[test]
fn heads_and_bodies_inside_one_input_are_reported_there() {
    let data: &[u8] = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n\
        POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello\
        PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n";
    let mut parser = RequestParser::new(Limits::default(), Lenient::STRICT);
    let mut collector = MessageCollector::new(CollectorLimits::default());
    assert_eq!(collector.parse(&mut parser, data), Ok(data.len()));
    let mut seen = Vec::new();
    while let Some(key) = collector.pop() {
        let record = collector.record(key).expect("a popped key is live");
        assert_origins_hold(&collector, record, data);
        seen.push(collector.area_in_last_input(record).is_some());
        collector.release(key);
    }
    assert_eq!(seen, [true, true, true]);

    // A head split across two calls is not one run of the latest input.
    let split = b"GET /b HTTP/1.1\r\nHo";
    assert_eq!(collector.parse(&mut parser, split), Ok(split.len()));
    let rest = b"st: h\r\n\r\n";
    assert_eq!(collector.parse(&mut parser, rest), Ok(rest.len()));
    let key = collector.pop().expect("the split request completed");
    let record = collector.record(key).expect("a popped key is live");
    assert_eq!(collector.area_in_last_input(record), None);
    collector.release(key);

    // A record completed in an earlier call is not reported against a later input.
    assert_eq!(collector.parse(&mut parser, data), Ok(data.len()));
    let key = collector.pop().expect("a request completed");
    assert_eq!(collector.parse(&mut parser, b""), Ok(0));
    let record = collector.record(key).expect("a popped key is live");
    assert_eq!(collector.area_in_last_input(record), None);
}

#[test]
fn parse_kept_leaves_whole_heads_in_the_input_and_copies_the_rest() {
    let data: &[u8] = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n\
        PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX-T: v\r\n\r\n";
    let mut parser = RequestParser::new(Limits::default(), Lenient::STRICT);
    let mut collector = MessageCollector::new(CollectorLimits::default());
    assert_eq!(collector.parse_kept(&mut parser, data), Ok(data.len()));
    let first = collector.pop().expect("GET");
    let record = collector.record(first).expect("live");
    assert!(record.area_left_in_input() && record.area().is_empty());
    let offset = collector.area_in_last_input(record).expect("in this input");
    assert_eq!(record.target_span().of(&data[offset..]), b"/a");
    // The accessors that read bytes see an empty area, and never panic.
    assert_eq!(record.target(), b"");
    assert_eq!(record.header(b"host"), None);
    collector.release(first);
    // Trailers extend the area after the head: the area is copied.
    let second = collector.pop().expect("PUT");
    let record = collector.record(second).expect("live");
    assert!(!record.area_left_in_input());
    assert_eq!(record.target(), b"/c");
    assert_eq!(record.trailers().len(), 1);
    assert_eq!(record.body(), b"ab");
    collector.release(second);

    // A message still incomplete when the call returns is copied before it
    // returns, so the caller may drop that input.
    let head = b"POST /p HTTP/1.1\r\nContent-Length: 2\r\n\r\n".to_vec();
    assert_eq!(collector.parse_kept(&mut parser, &head), Ok(head.len()));
    drop(head);
    assert_eq!(collector.parse_kept(&mut parser, b"ok"), Ok(2));
    let key = collector.pop().expect("POST");
    let record = collector.record(key).expect("live");
    assert!(!record.area_left_in_input());
    assert_eq!(record.target(), b"/p");
    assert_eq!(record.header(b"content-length"), Some(&b"2"[..]));
    assert_eq!(record.body(), b"ok");
}

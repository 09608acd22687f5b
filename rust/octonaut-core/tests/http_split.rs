//! Split invariance: every way of cutting the input gives the same merged
//! events, the same consumed count and the same error (code and offset) as
//! one feed.

mod common;
use common::*;
use octonaut_core::http::{Lenient, Limits, RequestParser, ResponseParser};
use rand::{Rng, SeedableRng};

const REQUESTS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"\r\n\r\nGET /x?y=z HTTP/1.1\r\nHost: a\r\nX:  padded value \t \r\nEmpty:\r\n\r\n",
    b"POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;a=b;c=\"q\\\"x\" ; d\r\nhello\r\nA\r\n0123456789\r\n0\r\nT: v\r\nU: w\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\n\r\nCONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\ntunnel bytes",
    b"GET http://example.com/a HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nws frames",
    b"GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
    b"GET / HTTP/1.1\r\nContent-Length: 1 0\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    b"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n",
    b"GET / HTTP/1.1\r\n A: b\r\n\r\n",
    b"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
    b"GET / HTTP/1.1\nA: b\r\n\r\n",
    b"GET / HTTP/1.1\r\nA: b\x00c\r\n\r\n",
    b"GET / HTTP/1.1\r\nA\x01: b\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;=x\r\nabc\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n",
    b"GET  / HTTP/1.1\r\n\r\n",
    b"GET / http/1.1\r\n\r\n",
    b"GET / HTTP/1.10\r\n\r\n",
    b"GET / HTTP/2.0\r\n\r\n",
    b"GET /\r\n\r\n",
    b"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET / HTTP/1.1\r\nX: a\r\nY: b\r\n\r\nGET / HTTP/1.1\r\nX\xff: a\r\n\r\n",
];

const RESPONSES: &[&[u8]] = &[
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
    b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.0 200 OK\r\n\r\nuntil eof body",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nframes",
    b"HTTP/1.1 2000 OK\r\n\r\n",
    b"HTTP/1.1 200 O\x01K\r\n\r\n",
    b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef",
];

fn check_every_split<P, F>(make: F, input: &[u8])
where
    P: octonaut_core::parse::Parser<Recorder>,
    F: Fn() -> P,
{
    let whole = run_split(&mut make(), input, &[], true);
    for cut in 0..=input.len() {
        let split = run_split(&mut make(), input, &[cut], true);
        assert_eq!(
            whole,
            split,
            "cut at {cut} of {:?}",
            String::from_utf8_lossy(input)
        );
    }
    let bytewise: Vec<usize> = (1..input.len()).collect();
    let split = run_split(&mut make(), input, &bytewise, true);
    assert_eq!(
        whole,
        split,
        "byte at a time: {:?}",
        String::from_utf8_lossy(input)
    );
    let mut rng = rand::rngs::SmallRng::seed_from_u64(input.len() as u64);
    for _ in 0..50 {
        let mut cuts: Vec<usize> = (0..rng.random_range(1..6))
            .map(|_| rng.random_range(0..=input.len()))
            .collect();
        cuts.sort_unstable();
        let split = run_split(&mut make(), input, &cuts, true);
        assert_eq!(whole, split, "cuts {cuts:?}");
    }
}

#[test]
fn requests_are_split_invariant() {
    for input in REQUESTS {
        check_every_split(RequestParser::default, input);
        for lenient in Lenient::NAMES.iter().map(|&(_, flag)| flag) {
            check_every_split(|| RequestParser::new(Limits::default(), lenient), input);
        }
    }
}

#[test]
fn responses_are_split_invariant() {
    for input in RESPONSES {
        check_every_split(ResponseParser::default, input);
        check_every_split(
            || {
                let mut p = ResponseParser::default();
                p.expect(b"HEAD");
                p.expect(b"GET");
                p
            },
            input,
        );
    }
}

#[test]
fn limit_errors_are_split_invariant() {
    let tight = Limits {
        max_head: 40,
        max_headers: 2,
        max_body: Some(4),
        max_chunk_extension: 4,
        max_line: 24,
    };
    for input in REQUESTS {
        check_every_split(|| RequestParser::new(tight, Lenient::STRICT), input);
    }
    for input in RESPONSES {
        check_every_split(|| ResponseParser::new(tight, Lenient::STRICT), input);
    }
}

/// A head of several 64-byte blocks with `defect` (a field line, or lines)
/// `pad` bytes further on: after other lines (`first == false`), or as the
/// first field line behind a long request-target.
fn long_head(defect: &[u8], pad: usize, first: bool) -> Vec<u8> {
    let padding = "p".repeat(pad);
    let mut input = Vec::new();
    if first {
        input.extend_from_slice(format!("GET /{padding} HTTP/1.1\r\n").as_bytes());
        input.extend_from_slice(defect);
        input.extend_from_slice(b"Host: example.org\r\n");
    } else {
        input.extend_from_slice(b"GET /a/target HTTP/1.1\r\nHost: example.org\r\n");
        input.extend_from_slice(format!("X-Pad: {padding}\r\n").as_bytes());
        input.extend_from_slice(b"User-Agent: a value long enough to move the next line along\r\n");
        input.extend_from_slice(defect);
    }
    input.extend_from_slice(b"Accept: */*\r\nConnection: keep-alive\r\n\r\n");
    input
}

/// Every strict rejection of a field line (issue 3), inside a head that
/// spans several 64-byte blocks and moved across block boundaries: one feed
/// (where the block-mask field walk sees whole lines) is rejected with the
/// expected code, and every split and byte-at-a-time feeding gives the same
/// code, offset and events.
#[test]
fn field_rejections_in_long_heads_are_split_invariant() {
    use octonaut_core::parse::ErrorKind::{self, *};
    // (defect, its code after another field line, as the first field line)
    let defects: &[(&[u8], ErrorKind, ErrorKind)] = &[
        (b"Host : a\r\n", SpaceBeforeColon, SpaceBeforeColon),
        (b" folded\r\n", ObsFold, LeadingWhitespace),
        (b"\tfolded\r\n", ObsFold, LeadingWhitespace),
        (b"A: b\rc\r\n", BareCr, BareCr),
        (b"A: b\n", BareLf, BareLf),
        (b"\n", BareLf, BareLf),
        (b"\rX: y\r\n", BareCr, BareCr),
        (b"A: b\x00c\r\n", InvalidHeaderValue, InvalidHeaderValue),
        (b"A: b\x7fc\r\n", InvalidHeaderValue, InvalidHeaderValue),
        (b"A: b\x01\r\n", InvalidHeaderValue, InvalidHeaderValue),
        (b"A\x01: b\r\n", InvalidHeaderName, InvalidHeaderName),
        (b"A\xff: b\r\n", InvalidHeaderName, InvalidHeaderName),
        (b"A\"B: b\r\n", InvalidHeaderName, InvalidHeaderName),
        (b": no name\r\n", InvalidHeaderName, InvalidHeaderName),
        (b"NoColon\r\n", InvalidHeaderName, InvalidHeaderName),
        (
            b"Content-Length: 1\r\nTransfer-Encoding: chunked\r\n",
            ContentLengthWithTransferEncoding,
            ContentLengthWithTransferEncoding,
        ),
        (
            b"Content-Length: 5\r\nContent-Length: 6\r\n",
            DuplicateContentLength,
            DuplicateContentLength,
        ),
        (
            b"Content-Length: +5\r\n",
            InvalidContentLength,
            InvalidContentLength,
        ),
        (
            b"Content-Length: 0x5\r\n",
            InvalidContentLength,
            InvalidContentLength,
        ),
        (
            b"Content-Length: 1 0\r\n",
            InvalidContentLength,
            InvalidContentLength,
        ),
        (
            b"Content-Length: 99999999999999999999999\r\n",
            InvalidContentLength,
            InvalidContentLength,
        ),
        (
            b"Transfer-Encoding: chunked, gzip\r\n",
            InvalidTransferEncoding,
            InvalidTransferEncoding,
        ),
        (
            b"Transfer-Encoding: \"chunked\"\r\n",
            InvalidTransferEncoding,
            InvalidTransferEncoding,
        ),
    ];
    for &(defect, after_a_line, as_first) in defects {
        for pad in (0..72).step_by(5) {
            for (first, kind) in [(false, after_a_line), (true, as_first)] {
                let input = long_head(defect, pad, first);
                let whole = run(&mut RequestParser::default(), &input);
                assert_eq!(
                    whole.error.map(|e| e.kind),
                    Some(kind),
                    "{:?}",
                    String::from_utf8_lossy(&input)
                );
                check_every_split(RequestParser::default, &input);
            }
        }
    }
}

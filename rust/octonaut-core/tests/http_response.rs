//! Response conformance from RFC 9112 §4 (status line) and §6.3 (message
//! body length), with RFC 9110 §15 status semantics.

mod common;
use common::*;
use octonaut_core::http::{Lenient, Limits, Method, ResponseParser};
use octonaut_core::parse::{ErrorKind, Parser};

fn parser_expecting(methods: &[&[u8]]) -> ResponseParser {
    let mut p = ResponseParser::default();
    for m in methods {
        assert!(p.expect(m));
    }
    p
}

#[track_caller]
fn ok(p: &mut ResponseParser, input: &[u8], eof: bool) -> Vec<Msg> {
    let out = run_split(p, input, &[], eof);
    assert_eq!(out.error, None, "for {:?}", String::from_utf8_lossy(input));
    messages(&out.events)
}

#[track_caller]
fn rejects(input: &[u8], kind: ErrorKind, offset: u64) {
    let out = run(&mut ResponseParser::default(), input);
    let err = out.error.expect("rejected");
    assert_eq!(
        (err.kind, err.offset),
        (kind, offset),
        "for {:?}",
        String::from_utf8_lossy(input)
    );
}

#[test]
fn an_empty_reason_after_the_sp_is_one_empty_fragment() {
    // As llhttp reports it (httptools calls on_status(b"")); no SP, no reason.
    let input =
        b"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.1 500\r\nContent-Length: 0\r\n\r\n";
    let reasons = |events: &[Ev]| {
        events
            .iter()
            .filter_map(|e| match e {
                Ev::Reason(v) => Some(v.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let whole = run(&mut ResponseParser::default(), input);
    assert_eq!(reasons(&whole.events), vec![Vec::<u8>::new()]);
    for cut in 1..input.len() {
        let split = run_split(&mut ResponseParser::default(), input, &[cut], false);
        assert_eq!(split.events, whole.events, "cut at {cut}");
    }
}

#[test]
fn status_line_parts() {
    let ms = ok(
        &mut ResponseParser::default(),
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        true,
    );
    assert_eq!(
        (ms[0].status, ms[0].reason.as_slice(), ms[0].version),
        (404, &b"Not Found"[..], (1, 1))
    );
    assert_eq!(ms[0].head.unwrap().status, 404);
    // An empty reason, and none at all.
    let ms = ok(
        &mut ResponseParser::default(),
        b"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\nHTTP/1.0 500\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
        true,
    );
    assert_eq!(ms.len(), 2);
    assert!(ms[0].reason.is_empty() && ms[1].reason.is_empty());
    assert_eq!(ms[1].status, 500);
    assert!(ms[1].head.unwrap().keep_alive);
    // HTAB and obs-text are allowed in a reason.
    let ms = ok(
        &mut ResponseParser::default(),
        b"HTTP/1.1 200 O\tK \xff\r\nContent-Length: 0\r\n\r\n",
        true,
    );
    assert_eq!(ms[0].reason, b"O\tK \xff");
}

#[test]
fn invalid_status_lines_are_rejected() {
    rejects(b"HTTP/1.1 20 OK\r\n\r\n", ErrorKind::InvalidStatus, 11);
    rejects(b"HTTP/1.1 2000 OK\r\n\r\n", ErrorKind::InvalidStatus, 12);
    rejects(b"HTTP/1.1 099 OK\r\n\r\n", ErrorKind::InvalidStatus, 9);
    rejects(b"HTTP/1.1 abc OK\r\n\r\n", ErrorKind::InvalidStatus, 9);
    rejects(b"HTTP/1.1  200 OK\r\n\r\n", ErrorKind::InvalidStatus, 9);
    rejects(b"HTTP/1.1 200 O\x01K\r\n\r\n", ErrorKind::InvalidReason, 14);
    rejects(b"HTTP/1.1 200 O\x7fK\r\n\r\n", ErrorKind::InvalidReason, 14);
    rejects(b"HTTP/1.1 200 OK\rX\r\n\r\n", ErrorKind::BareCr, 15);
    rejects(b"HTTP/1.1 200 OK\n\r\n", ErrorKind::BareLf, 15);
    rejects(b"http/1.1 200 OK\r\n\r\n", ErrorKind::InvalidVersion, 0);
    rejects(b"HTTP/2 200 OK\r\n\r\n", ErrorKind::InvalidVersion, 5);
    rejects(b"HTTP/1.2 200 OK\r\n\r\n", ErrorKind::InvalidVersion, 7);
    rejects(b"HTTP/1.1200 OK\r\n\r\n", ErrorKind::InvalidVersion, 8);
    rejects(b"HTTP/1.1\r\n\r\n", ErrorKind::InvalidStartLine, 8);
    rejects(b"\r\nHTTP/1.1 200 OK\r\n\r\n", ErrorKind::InvalidVersion, 0);
}

#[test]
fn content_length_and_chunked_responses() {
    let ms = ok(
        &mut ResponseParser::default(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nworld\r\n0\r\nX: y\r\n\r\n",
        true,
    );
    assert_eq!(ms[0].body, b"hello");
    assert_eq!(ms[1].body, b"world");
    assert_eq!(ms[1].trailers, vec![(b"X".to_vec(), b"y".to_vec())]);
}

#[test]
fn a_response_without_framing_runs_until_close() {
    let mut p = ResponseParser::default();
    let input = b"HTTP/1.1 200 OK\r\n\r\nall of this is body\r\n\r\nHTTP/1.1 200 OK";
    let out = run_split(&mut p, input, &[], false);
    assert_eq!(out.error, None);
    let ms = messages(&out.events);
    assert!(!ms[0].complete, "complete only at EOF");
    let h = ms[0].head.unwrap();
    assert!(h.body_until_eof && !h.keep_alive);
    let out = run_split(&mut ResponseParser::default(), input, &[], true);
    let ms = messages(&out.events);
    assert!(ms[0].complete);
    assert_eq!(ms[0].body, &input[19..]);
    // A final coding other than chunked is refused (issue 3's strict rule;
    // RFC 9112 §6.3 rule 4 would read it until the close).
    let out = run_split(
        &mut ResponseParser::default(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b",
        &[],
        true,
    );
    let error = out.error.unwrap();
    assert_eq!(error.kind, ErrorKind::InvalidTransferEncoding);
    assert_eq!(error.offset, 17);
}

#[test]
fn transfer_encoding_until_close_reads_a_non_chunked_coding_to_eof() {
    let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8bHTTP/1.1 200";
    let lenient = Lenient::TRANSFER_ENCODING_UNTIL_CLOSE;
    let out = run_split(
        &mut ResponseParser::new(Limits::default(), lenient),
        input,
        &[],
        true,
    );
    assert_eq!(out.error, None);
    let ms = messages(&out.events);
    assert_eq!(ms.len(), 1);
    let head = ms[0].head.unwrap();
    assert!(head.body_until_eof && !head.keep_alive && !head.chunked);
    assert_eq!(ms[0].body, &input[44..]);
    // Chunked still wins when it is the final coding.
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n";
    let out = run_split(
        &mut ResponseParser::new(Limits::default(), lenient),
        chunked,
        &[],
        false,
    );
    assert_eq!(out.error, None);
    assert!(messages(&out.events)[0].head.unwrap().chunked);
}

#[test]
fn responses_cut_short_are_incomplete() {
    let out = run_split(
        &mut ResponseParser::default(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
        &[],
        true,
    );
    assert_eq!(out.error.unwrap().kind, ErrorKind::Incomplete);
    let out = run_split(
        &mut ResponseParser::default(),
        b"HTTP/1.1 200 OK\r\nA: b",
        &[],
        true,
    );
    assert_eq!(out.error.unwrap().kind, ErrorKind::Incomplete);
}

#[test]
fn no_body_for_204_304_and_1xx() {
    let input = b"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\nTransfer-Encoding: gzip\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    let out = run_split(
        &mut ResponseParser::new(Limits::default(), Lenient::TE_WITH_CL),
        input,
        &[],
        true,
    );
    assert_eq!(out.error, None);
    let ms = messages(&out.events);
    assert_eq!(ms.len(), 3);
    assert!(ms[0].body.is_empty() && ms[1].body.is_empty());
    assert_eq!(ms[2].body, b"hi");
}

#[test]
fn interim_responses_precede_the_final_one_for_the_same_request() {
    let mut p = parser_expecting(&[b"HEAD", b"GET"]);
    let ms = ok(
        &mut p,
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
        true,
    );
    let statuses: Vec<u16> = ms.iter().map(|m| m.status).collect();
    assert_eq!(statuses, vec![100, 103, 200, 200]);
    assert!(ms[2].body.is_empty(), "the HEAD response has no body");
    assert_eq!(ms[3].body, b"hi");
    assert_eq!(p.expected_len(), 0);
}

#[test]
fn responses_to_head_have_no_body() {
    // CL with TE is rejected in strict mode even where no body follows.
    let mut p = parser_expecting(&[b"HEAD"]);
    let out = run(
        &mut p,
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    assert_eq!(
        out.error.unwrap().kind,
        ErrorKind::ContentLengthWithTransferEncoding
    );
    let mut p = parser_expecting(&[b"GET", b"HEAD", b"GET"]);
    let ms = ok(
        &mut p,
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb",
        true,
    );
    let bodies: Vec<&[u8]> = ms.iter().map(|m| m.body.as_slice()).collect();
    assert_eq!(bodies, vec![&b"a"[..], b"", b"b"]);
}

#[test]
fn skip_body_from_the_sink_frames_a_bodiless_response() {
    let mut p = ResponseParser::default();
    let mut sink = Recorder {
        skip_body: true,
        ..Recorder::default()
    };
    let input = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
    assert_eq!(p.parse(input, &mut sink), Ok(input.len()));
    assert_eq!(messages(&sink.events).len(), 2);
}

#[test]
fn switching_protocols_stops_the_parser() {
    let input = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00";
    let mut p = ResponseParser::default();
    let out = run(&mut p, input);
    assert_eq!(out.consumed, input.len() - 2);
    assert!(p.is_upgraded());
    let ms = messages(&out.events);
    assert!(ms[0].complete && ms[0].head.unwrap().upgrade);
}

#[test]
fn a_2xx_to_connect_opens_a_tunnel_other_statuses_do_not() {
    let input = b"HTTP/1.1 200 Connection established\r\n\r\ntunnel";
    let mut p = parser_expecting(&[b"CONNECT"]);
    let out = run(&mut p, input);
    assert_eq!(out.consumed, input.len() - 6);
    assert!(p.is_upgraded());
    assert!(messages(&out.events)[0].head.unwrap().upgrade);

    let mut p = parser_expecting(&[b"CONNECT"]);
    let ms = ok(
        &mut p,
        b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nnope",
        true,
    );
    assert_eq!(ms[0].body, b"nope");
    assert!(!p.is_upgraded());
}

#[test]
fn the_expect_queue_has_a_fixed_capacity() {
    let mut p = ResponseParser::with_expect_capacity(Limits::default(), Lenient::STRICT, 2);
    assert_eq!(p.expect_capacity(), 2);
    assert!(p.expect(b"GET"));
    assert!(p.expect_method(Method::Head));
    assert!(!p.expect(b"GET"), "full");
    assert_eq!(p.expected_len(), 2);
    p.reset();
    assert_eq!(p.expected_len(), 0);
}

#[test]
fn keep_alive_for_responses() {
    let cases: &[(&[u8], bool)] = &[
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            false,
        ),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
        (
            b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            true,
        ),
    ];
    for (input, keep) in cases {
        let ms = ok(&mut ResponseParser::default(), input, true);
        assert_eq!(ms[0].head.unwrap().keep_alive, *keep);
    }
}

#[test]
fn data_after_a_closing_response_is_rejected() {
    let input =
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
    rejects(input, ErrorKind::DataAfterClose, 57);
}

#[test]
fn framing_rejections_apply_to_responses() {
    rejects(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        ErrorKind::ContentLengthWithTransferEncoding,
        36,
    );
    rejects(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        ErrorKind::DuplicateContentLength,
        36,
    );
    rejects(
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        ErrorKind::TransferEncodingInHttp10,
        17,
    );
    rejects(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        ErrorKind::InvalidTransferEncoding,
        45,
    );
    rejects(
        b"HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
        ErrorKind::SpaceBeforeColon,
        18,
    );
    rejects(
        b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n",
        ErrorKind::ObsFold,
        23,
    );
}

#[test]
fn close_delimited_body_limit() {
    let limits = Limits {
        max_body: Some(3),
        ..Limits::default()
    };
    let out = run(
        &mut ResponseParser::new(limits, Lenient::STRICT),
        b"HTTP/1.1 200 OK\r\n\r\nabcd",
    );
    let err = out.error.unwrap();
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::BodyTooLarge, 22, 3)
    );
    // The limit is not a Content-Length of a HEAD response.
    let mut p = ResponseParser::new(limits, Lenient::STRICT);
    p.expect(b"HEAD");
    let out = run(&mut p, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    assert_eq!(out.error, None);
}

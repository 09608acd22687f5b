//! Request conformance, written from RFC 9112 (message syntax and framing)
//! and RFC 9110 (semantics). Every rejection is checked for its error code
//! and the absolute offset of the offending byte.

mod common;
use common::*;
use octonaut_core::http::{HeadInfo, HeadersAction, HttpSink, Lenient, Limits, RequestParser};
use octonaut_core::parse::{ErrorKind, Flow, Parser};

/// Offset of the `nth` (0-based) occurrence of `needle` in `hay`.
fn find_nth(hay: &[u8], needle: &[u8], nth: usize) -> u64 {
    let mut seen = 0;
    for i in 0..=hay.len() - needle.len() {
        if &hay[i..i + needle.len()] == needle {
            if seen == nth {
                return i as u64;
            }
            seen += 1;
        }
    }
    panic!("{:?} not found", String::from_utf8_lossy(needle));
}

fn find(hay: &[u8], needle: &[u8]) -> u64 {
    find_nth(hay, needle, 0)
}

#[track_caller]
fn rejects(input: &[u8], kind: ErrorKind, offset: u64) {
    rejects_with(input, Lenient::STRICT, kind, offset)
}

#[track_caller]
fn rejects_with(input: &[u8], lenient: Lenient, kind: ErrorKind, offset: u64) {
    let out = req_lenient(input, lenient);
    let err = out
        .error
        .unwrap_or_else(|| panic!("accepted {:?}", String::from_utf8_lossy(input)));
    assert_eq!(
        (err.kind, err.offset),
        (kind, offset),
        "for {:?}",
        String::from_utf8_lossy(input)
    );
}

#[track_caller]
fn accepts(input: &[u8]) -> Vec<Msg> {
    accepts_with(input, Lenient::STRICT)
}

#[track_caller]
fn accepts_with(input: &[u8], lenient: Lenient) -> Vec<Msg> {
    let out = req_lenient(input, lenient);
    assert_eq!(out.error, None, "for {:?}", String::from_utf8_lossy(input));
    let msgs = messages(&out.events);
    assert!(msgs.iter().all(|m| m.complete), "incomplete message");
    msgs
}

fn head(m: &Msg) -> HeadInfo {
    m.head.expect("head complete")
}

// ---------------------------------------------------------------- valid

#[test]
fn simple_get_reports_every_part() {
    let ms = accepts(b"GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
    assert_eq!(ms.len(), 1);
    let m = &ms[0];
    assert_eq!(m.method, b"GET");
    assert_eq!(m.target, b"/index.html?q=1");
    assert_eq!(m.version, (1, 1));
    assert_eq!(
        m.headers,
        vec![
            (b"Host".to_vec(), b"example.com".to_vec()),
            (b"Accept".to_vec(), b"*/*".to_vec())
        ]
    );
    let h = head(m);
    assert!(h.keep_alive && !h.chunked && !h.upgrade && !h.body_until_eof);
    assert_eq!((h.status, h.content_length), (0, None));
}

#[test]
fn absolute_form_target() {
    let ms = accepts(b"GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(ms[0].target, b"http://example.com:8080/a?b");
}

#[test]
fn asterisk_form_only_for_options() {
    let ms = accepts(b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(ms[0].target, b"*");
    rejects(b"GET * HTTP/1.1\r\n\r\n", ErrorKind::InvalidTarget, 4);
    rejects(b"OPTIONS *x HTTP/1.1\r\n\r\n", ErrorKind::InvalidTarget, 9);
}

#[test]
fn authority_form_only_for_connect_and_connect_stops_the_parser() {
    let input = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01tls";
    let mut p = RequestParser::default();
    let out = run(&mut p, input);
    assert_eq!(out.error, None);
    let head_len = input.len() - 6;
    assert_eq!(out.consumed, head_len, "stops right after the head");
    let ms = messages(&out.events);
    assert_eq!(ms.len(), 1);
    assert!(ms[0].complete && head(&ms[0]).upgrade);
    assert_eq!(ms[0].target, b"example.com:443");
    assert!(p.is_upgraded());
    let mut sink = Recorder::default();
    assert_eq!(p.parse(b"more", &mut sink), Ok(0), "stopped until reset");
    assert!(sink.events.is_empty());
    p.reset();
    assert!(!p.is_upgraded());
    assert_eq!(p.parse(b"GET / HTTP/1.1\r\n\r\n", &mut sink), Ok(18));

    rejects(b"CONNECT /x HTTP/1.1\r\n\r\n", ErrorKind::InvalidTarget, 8);
    rejects(
        b"CONNECT example.com HTTP/1.1\r\n\r\n",
        ErrorKind::InvalidTarget,
        19,
    );
    rejects(
        b"CONNECT a@b:1 HTTP/1.1\r\n\r\n",
        ErrorKind::InvalidTarget,
        9,
    );
    // Not CONNECT: `host:port` would parse as a scheme, `host/path` cannot.
    rejects(
        b"GET example.com/x HTTP/1.1\r\n\r\n",
        ErrorKind::InvalidTarget,
        15,
    );
}

#[test]
fn empty_lines_before_the_request_line_are_ignored() {
    let ms = accepts(b"\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    assert_eq!(ms.len(), 1);
    rejects(b"\r\n\nGET / HTTP/1.1\r\n\r\n", ErrorKind::BareLf, 2);
    accepts_with(b"\n\r\nGET / HTTP/1.1\r\n\r\n", Lenient::BARE_LF);
}

#[test]
fn keep_alive_rules_for_http_1_0_and_1_1() {
    let cases: &[(&[u8], bool)] = &[
        (b"GET / HTTP/1.1\r\n\r\n", true),
        (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
        (b"GET / HTTP/1.1\r\nConnection: foo, CLOSE\r\n\r\n", false),
        (b"GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", true),
        (b"GET / HTTP/1.0\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        (
            b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
            false,
        ),
        (
            b"GET / HTTP/1.0\r\nConnection:\tfoo ,keep-alive \r\n\r\n",
            true,
        ),
    ];
    for (input, keep) in cases {
        let ms = accepts(input);
        assert_eq!(
            head(&ms[0]).keep_alive,
            *keep,
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn pipelined_requests_in_one_feed() {
    let ms = accepts(
        b"GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPUT /3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    );
    let targets: Vec<&[u8]> = ms.iter().map(|m| m.target.as_slice()).collect();
    assert_eq!(targets, vec![&b"/1"[..], b"/2", b"/3"]);
    assert_eq!(ms[1].body, b"abc");
    assert_eq!(ms[2].body, b"x");
}

#[test]
fn content_length_body() {
    let ms = accepts(b"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world");
    assert_eq!(ms[0].body, b"hello world");
    assert_eq!(head(&ms[0]).content_length, Some(11));
    let ms = accepts(b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert!(ms[0].body.is_empty());
    let ms = accepts(b"POST / HTTP/1.1\r\nContent-Length: 007\r\n\r\n1234567");
    assert_eq!(ms[0].body, b"1234567");
}

#[test]
fn content_length_of_u64_max_is_accepted() {
    let out = req(b"POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\nabc");
    assert_eq!(out.error, None);
    let ms = messages(&out.events);
    assert_eq!(head(&ms[0]).content_length, Some(u64::MAX));
    assert!(!ms[0].complete);
}

#[test]
fn chunked_body_with_extensions_trailers_and_uppercase_hex() {
    let mut input =
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nA;name=value;q=\"a \\\"b\";flag\r\n0123456789\r\naB\r\n"
            .to_vec();
    input.extend_from_slice(&[b'z'; 0xab]);
    input.extend_from_slice(b"\r\n0 ; last\r\nExpires: never\r\nX-Sum: 1\r\n\r\n");
    let out = req(&input);
    assert_eq!(out.error, None);
    let ms = messages(&out.events);
    let m = &ms[0];
    assert!(head(m).chunked);
    assert_eq!(head(m).content_length, None);
    assert_eq!(m.chunks, vec![10, 0xab, 0]);
    assert_eq!(m.body.len(), 10 + 0xab);
    assert_eq!(
        m.extensions,
        vec![
            b";name=value;q=\"a \\\"b\";flag".to_vec(),
            b" ; last".to_vec()
        ]
    );
    assert_eq!(
        m.trailers,
        vec![
            (b"Expires".to_vec(), b"never".to_vec()),
            (b"X-Sum".to_vec(), b"1".to_vec())
        ]
    );
    // Event order around the last chunk.
    let tail: Vec<&Ev> = out.events.iter().rev().take(3).collect();
    assert_eq!(tail, vec![&Ev::Done, &Ev::ChunkDone, &Ev::HeaderDone]);
    assert!(out.events.contains(&Ev::Trailers));
}

#[test]
fn transfer_codings_before_chunked_and_across_fields() {
    accepts(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    accepts(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    accepts(b"POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED \t\r\n\r\n0\r\n\r\n");
    accepts(b"POST / HTTP/1.1\r\ntransfer-encoding:chunked\r\n\r\n0\r\n\r\n");
}

#[test]
fn field_values_are_trimmed_and_may_hold_htab_and_obs_text() {
    let ms = accepts(b"GET / HTTP/1.1\r\nA: \t x \t y \t \r\nB:\r\nC: \xe9t\xe9\r\nD:   \r\n\r\n");
    assert_eq!(
        ms[0].headers,
        vec![
            (b"A".to_vec(), b"x \t y".to_vec()),
            (b"B".to_vec(), Vec::new()),
            (b"C".to_vec(), b"\xe9t\xe9".to_vec()),
            (b"D".to_vec(), Vec::new()),
        ]
    );
}

#[test]
fn any_token_is_a_method() {
    let ms = accepts(b"M-SEARCH / HTTP/1.1\r\n\r\n");
    assert_eq!(ms[0].method, b"M-SEARCH");
    let ms = accepts(b"get / HTTP/1.1\r\n\r\n");
    assert_eq!(ms[0].method, b"get");
}

#[test]
fn upgrade_needs_connection_upgrade_and_stops_after_the_message() {
    let input = b"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n\x81\x05hello";
    let mut p = RequestParser::default();
    let out = run(&mut p, input);
    assert_eq!(out.error, None);
    assert_eq!(out.consumed, input.len() - 7);
    assert!(head(&messages(&out.events)[0]).upgrade);
    assert!(p.is_upgraded());

    // Upgrade without `Connection: upgrade` is just a header.
    let ms = accepts(b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    assert_eq!(ms.len(), 2);
    assert!(!head(&ms[0]).upgrade);

    // A body announced by an upgrade request is read before stopping.
    let input =
        b"POST / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: upgrade\r\nContent-Length: 2\r\n\r\nhiPRI";
    let out = run(&mut RequestParser::default(), input);
    assert_eq!(out.consumed, input.len() - 3);
    assert_eq!(messages(&out.events)[0].body, b"hi");
}

/// The error (kind and offset) of `CONNECT <target> HTTP/1.1`, if any.
fn connect_error(target: &[u8]) -> Option<(ErrorKind, u64)> {
    let mut input = b"CONNECT ".to_vec();
    input.extend_from_slice(target);
    input.extend_from_slice(b" HTTP/1.1\r\n\r\n");
    let out = run(&mut RequestParser::default(), &input);
    out.error.map(|e| (e.kind, e.offset))
}

#[test]
fn connect_authority_form_needs_a_numeric_port() {
    // RFC 9112 §3.2.3: authority-form = uri-host ":" port, port = *DIGIT.
    for good in [&b"a:443"[..], b"[::1]:443", b"[2001:db8::1]:8080", b"a:"] {
        let shown = String::from_utf8_lossy(good);
        assert_eq!(connect_error(good), None, "{shown:?}");
    }
    for bad in [&b"a"[..], b"a:b", b"a:4x3", b"[::1]"] {
        let expected = Some((ErrorKind::InvalidTarget, 8 + bad.len() as u64));
        assert_eq!(
            connect_error(bad),
            expected,
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    // Bytes RFC 3986 keeps out of a host are rejected where they stand.
    for bad in [
        &b"a\"b:1"[..],
        b"a\\b:1",
        b"a<b:1",
        b"a{b:1",
        b"a|b:1",
        b"a^b:1",
    ] {
        let expected = Some((ErrorKind::InvalidTarget, 9));
        assert_eq!(
            connect_error(bad),
            expected,
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn upgrade_in_an_http10_request_is_ignored() {
    // RFC 9110 §7.8: a server MUST ignore Upgrade received in an HTTP/1.0 request.
    let ms = accepts(
        b"GET / HTTP/1.0\r\nConnection: Upgrade, keep-alive\r\nUpgrade: websocket\r\n\r\n\
          GET /2 HTTP/1.0\r\n\r\n",
    );
    assert_eq!(ms.len(), 2);
    assert!(!head(&ms[0]).upgrade && head(&ms[0]).keep_alive);
    // CONNECT still opens a tunnel in HTTP/1.0.
    let mut p = RequestParser::default();
    let out = run(&mut p, b"CONNECT a:443 HTTP/1.0\r\n\r\ntunnel");
    assert!(head(&messages(&out.events)[0]).upgrade && p.is_upgraded());
}

#[test]
fn eof_between_messages_is_clean_and_inside_one_is_incomplete() {
    let mut p = RequestParser::default();
    let out = run_split(&mut p, b"GET / HTTP/1.1\r\n\r\n", &[], true);
    assert_eq!(out.error, None);
    let mut p = RequestParser::default();
    let out = run_split(
        &mut p,
        b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
        &[],
        true,
    );
    let err = out.error.unwrap();
    assert_eq!((err.kind, err.offset), (ErrorKind::Incomplete, 40));
    assert_eq!(err.code(), "incomplete");
}

#[test]
fn errors_are_sticky_until_reset() {
    let mut p = RequestParser::default();
    let mut sink = Recorder::default();
    let err = p
        .parse(b"GET / HTTP/1.1\r\nA : b\r\n\r\n", &mut sink)
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::SpaceBeforeColon);
    assert_eq!(p.parse(b"GET / HTTP/1.1\r\n\r\n", &mut sink), Err(err));
    assert_eq!(p.parse_eof(&mut sink), Err(err));
    p.reset();
    assert_eq!(p.offset(), 0);
    assert_eq!(p.parse(b"GET / HTTP/1.1\r\n\r\n", &mut sink), Ok(18));
    assert_eq!(p.offset(), 18);
}

struct Pauser {
    completes: usize,
}
impl HttpSink for Pauser {
    fn on_message_complete(&mut self) -> Flow {
        self.completes += 1;
        Flow::Pause
    }
}

#[test]
fn a_sink_can_pause_after_each_message() {
    let input = b"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
    let mut p = RequestParser::default();
    let mut sink = Pauser { completes: 0 };
    assert_eq!(p.parse(input, &mut sink), Ok(19));
    assert_eq!(sink.completes, 1);
    assert_eq!(p.parse(&input[19..], &mut sink), Ok(19));
    assert_eq!(sink.completes, 2);
}

struct SkipAndPause;
impl HttpSink for SkipAndPause {
    fn on_headers_complete(&mut self, _: &HeadInfo) -> HeadersAction {
        HeadersAction {
            skip_body: false,
            pause: true,
        }
    }
}

#[test]
fn a_sink_can_pause_after_the_head() {
    let input = b"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
    let mut p = RequestParser::default();
    assert_eq!(p.parse(input, &mut SkipAndPause), Ok(input.len() - 2));
    assert_eq!(p.parse(&input[input.len() - 2..], &mut SkipAndPause), Ok(2));
    assert!(p.is_idle());
}

#[test]
fn skip_body_from_the_sink() {
    let mut p = RequestParser::default();
    let mut sink = Recorder {
        skip_body: true,
        ..Recorder::default()
    };
    let input = b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    assert_eq!(p.parse(input, &mut sink), Ok(input.len()));
    assert_eq!(messages(&sink.events).len(), 2);
}

// ---------------------------------------------------------------- framing rejections

#[test]
fn content_length_with_transfer_encoding_is_rejected() {
    let a = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
    rejects(
        a,
        ErrorKind::ContentLengthWithTransferEncoding,
        find(a, b"Transfer"),
    );
    let b = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n";
    rejects(
        b,
        ErrorKind::ContentLengthWithTransferEncoding,
        find(b, b"Content"),
    );
    // te_with_cl: chunked wins, the connection closes.
    let ms = accepts_with(
        b"POST / HTTP/1.1\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
        Lenient::TE_WITH_CL,
    );
    let h = head(&ms[0]);
    assert!(h.chunked && !h.keep_alive);
    assert_eq!(h.content_length, None);
    assert_eq!(ms[0].body, b"a");
}

#[test]
fn duplicate_or_differing_content_length_is_rejected() {
    let a = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
    rejects(
        a,
        ErrorKind::DuplicateContentLength,
        find_nth(a, b"Content-Length", 1),
    );
    let b = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello";
    rejects(
        b,
        ErrorKind::DuplicateContentLength,
        find_nth(b, b"Content-Length", 1),
    );
    let c = b"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello";
    rejects(c, ErrorKind::DuplicateContentLength, find(c, b","));
    // duplicate_content_length accepts identical values only.
    let ms = accepts_with(a, Lenient::DUPLICATE_CONTENT_LENGTH);
    assert_eq!(ms[0].body, b"hello");
    let ms = accepts_with(c, Lenient::DUPLICATE_CONTENT_LENGTH);
    assert_eq!(ms[0].body, b"hello");
    rejects_with(
        b,
        Lenient::DUPLICATE_CONTENT_LENGTH,
        ErrorKind::DuplicateContentLength,
        find_nth(b, b"\r\n", 2),
    );
    let d = b"POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhello";
    rejects_with(
        d,
        Lenient::DUPLICATE_CONTENT_LENGTH,
        ErrorKind::DuplicateContentLength,
        find_nth(d, b"\r\n", 1),
    );
}

#[test]
fn malformed_content_length_is_rejected() {
    let cases: &[(&[u8], &[u8])] = &[
        (b"+5", b"+"),
        (b"-5", b"-"),
        (b"0x5", b"x"),
        (b"1 0", b"0"),
        (b"5a", b"a"),
        (b"5;", b";"),
        (b"\"5\"", b"\""),
        (b"18446744073709551616", b"6\r"),
    ];
    for (value, bad) in cases {
        let mut input = b"POST / HTTP/1.1\r\nContent-Length: ".to_vec();
        input.extend_from_slice(value);
        input.extend_from_slice(b"\r\n\r\n");
        let at = find(&input[33..], bad) + 33;
        rejects(&input, ErrorKind::InvalidContentLength, at);
    }
    let empty = b"POST / HTTP/1.1\r\nContent-Length: \r\n\r\n";
    rejects(
        empty,
        ErrorKind::InvalidContentLength,
        find_nth(empty, b"\r\n", 1),
    );
    let empty = b"POST / HTTP/1.1\r\nContent-Length:\r\nHost: a\r\n\r\n";
    rejects(
        empty,
        ErrorKind::InvalidContentLength,
        find_nth(empty, b"\r\n", 1),
    );
}

#[test]
fn transfer_encoding_must_end_in_chunked_with_known_codings() {
    let cases: &[(&[u8], &[u8])] = &[
        (b"chunked, gzip", b"gzip"),
        (b"chunked, identity", b"identity"),
        (b"chunked, chunked", b"chunked\r"),
        (b"xchunked", b"xchunked"),
        (b"chunkedx", b"chunkedx"),
        (b"chunked;q=1", b";"),
        (b"\"chunked\"", b"\""),
        (b", chunked", b","),
        (b"gzip,,chunked", b",chunked"),
        (b"chunked,", b"\r\n\r\n"),
        (b"identity", b"identity"),
        (b"chunked\xff", b"\xff"),
    ];
    for (value, bad) in cases {
        let mut input = b"POST / HTTP/1.1\r\nTransfer-Encoding: ".to_vec();
        input.extend_from_slice(value);
        input.extend_from_slice(b"\r\n\r\n");
        let at = find(&input[36..], bad) + 36;
        rejects(&input, ErrorKind::InvalidTransferEncoding, at);
    }
    // A request whose last coding is not chunked has no framing (RFC 9112 §6.3).
    let gzip = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n";
    rejects(
        gzip,
        ErrorKind::InvalidTransferEncoding,
        find(gzip, b"Transfer"),
    );
    let split = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n";
    rejects(
        split,
        ErrorKind::InvalidTransferEncoding,
        find(split, b"gzip"),
    );
    // Weird whitespace is a CTL, so not even a field value.
    let vt = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\x0b\r\n\r\n";
    rejects(vt, ErrorKind::InvalidHeaderValue, find(vt, b"\x0b"));
}

#[test]
fn transfer_encoding_in_http_1_0_is_rejected() {
    let input = b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    rejects(
        input,
        ErrorKind::TransferEncodingInHttp10,
        find(input, b"Transfer"),
    );
    let ms = accepts_with(input, Lenient::TRANSFER_ENCODING_HTTP10);
    assert!(head(&ms[0]).chunked);
}

#[test]
fn data_after_connection_close_is_rejected() {
    let input = b"GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    rejects(input, ErrorKind::DataAfterClose, find_nth(input, b"GET", 1));
    let input10 = b"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n";
    rejects(input10, ErrorKind::DataAfterClose, 18);
    // Empty lines after the close are harmless.
    accepts(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n\r\n\r\n");
    let ms = accepts_with(input, Lenient::DATA_AFTER_CLOSE);
    assert_eq!(ms.len(), 2);
}

// ---------------------------------------------------------------- field syntax

#[test]
fn whitespace_before_colon_is_rejected() {
    rejects(
        b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        ErrorKind::SpaceBeforeColon,
        20,
    );
    rejects(
        b"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
        ErrorKind::SpaceBeforeColon,
        20,
    );
    let ms = accepts_with(
        b"GET / HTTP/1.1\r\nHost \t : a\r\n\r\n",
        Lenient::SPACE_BEFORE_COLON,
    );
    assert_eq!(ms[0].headers, vec![(b"Host".to_vec(), b"a".to_vec())]);
    rejects_with(
        b"GET / HTTP/1.1\r\nHost x: a\r\n\r\n",
        Lenient::SPACE_BEFORE_COLON,
        ErrorKind::InvalidHeaderName,
        21,
    );
}

#[test]
fn obs_fold_is_rejected_unless_allowed() {
    let input = b"GET / HTTP/1.1\r\nA: b \r\n \t c\r\nD: e\r\n\r\n";
    rejects(input, ErrorKind::ObsFold, find(input, b" \t c"));
    let ms = accepts_with(input, Lenient::OBS_FOLD);
    assert_eq!(
        ms[0].headers,
        vec![
            (b"A".to_vec(), b"b c".to_vec()),
            (b"D".to_vec(), b"e".to_vec())
        ]
    );
    // A fold of an empty value leaves it empty-led.
    let ms = accepts_with(b"GET / HTTP/1.1\r\nA:\r\n x\r\n\r\n", Lenient::OBS_FOLD);
    assert_eq!(ms[0].headers, vec![(b"A".to_vec(), b"x".to_vec())]);
    // Folded Content-Length still parses as one value.
    let ms = accepts_with(
        b"POST / HTTP/1.1\r\nContent-Length:\r\n 2\r\n\r\nhi",
        Lenient::OBS_FOLD,
    );
    assert_eq!(ms[0].body, b"hi");
}

#[test]
fn whitespace_before_the_first_field_is_rejected() {
    rejects(
        b"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
        ErrorKind::LeadingWhitespace,
        16,
    );
    rejects(
        b"GET / HTTP/1.1\r\n\tHost: a\r\n\r\n",
        ErrorKind::LeadingWhitespace,
        16,
    );
}

#[test]
fn bare_cr_is_rejected_everywhere() {
    rejects(b"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", ErrorKind::BareCr, 20);
    rejects(b"GET / HTTP/1.1\rX\r\n\r\n", ErrorKind::BareCr, 14);
    rejects(b"GET / HTTP/1.1\r\nA: b\r\n\rX", ErrorKind::BareCr, 22);
    rejects(b"\rGET / HTTP/1.1\r\n\r\n", ErrorKind::BareCr, 0);
    rejects(b"GET / HTTP/1.1\r\nA: b\r\n\r\r\n", ErrorKind::BareCr, 22);
}

#[test]
fn bare_lf_is_rejected_unless_allowed() {
    rejects(b"GET / HTTP/1.1\nA: b\r\n\r\n", ErrorKind::BareLf, 14);
    rejects(b"GET / HTTP/1.1\r\nA: b\n\r\n", ErrorKind::BareLf, 20);
    rejects(b"GET / HTTP/1.1\r\nA: b\r\n\n", ErrorKind::BareLf, 22);
    let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\nx\n0\n\n";
    rejects(chunked, ErrorKind::BareLf, find(chunked, b"1\n") + 1);
    let ms = accepts_with(b"GET / HTTP/1.1\nA: b \n\n", Lenient::BARE_LF);
    assert_eq!(ms[0].headers, vec![(b"A".to_vec(), b"b".to_vec())]);
    let ms = accepts_with(chunked, Lenient::BARE_LF);
    assert_eq!(ms[0].body, b"x");
}

#[test]
fn controls_in_values_are_rejected() {
    for bad in [0x00u8, 0x01, 0x08, 0x0b, 0x0c, 0x1f, 0x7f] {
        let mut input = b"GET / HTTP/1.1\r\nA: x".to_vec();
        input.push(bad);
        input.extend_from_slice(b"y\r\n\r\n");
        rejects(&input, ErrorKind::InvalidHeaderValue, 20);
    }
    // HTAB is allowed inside a value.
    let ms = accepts(b"GET / HTTP/1.1\r\nA: x\ty\r\n\r\n");
    assert_eq!(ms[0].headers[0].1, b"x\ty");
}

#[test]
fn invalid_token_characters_in_names_are_rejected() {
    for bad in [
        b'(', b')', b',', b'/', b';', b'<', b'=', b'>', b'?', b'@', b'[', b'\\', b']', b'{', b'}',
        b'"', 0x00, 0x7f, 0x80, 0xff,
    ] {
        let mut input = b"GET / HTTP/1.1\r\nAb".to_vec();
        input.push(bad);
        input.extend_from_slice(b"c: d\r\n\r\n");
        rejects(&input, ErrorKind::InvalidHeaderName, 18);
    }
    rejects(
        b"GET / HTTP/1.1\r\n: empty\r\n\r\n",
        ErrorKind::InvalidHeaderName,
        16,
    );
    rejects(
        b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        ErrorKind::InvalidHeaderName,
        23,
    );
}

// ---------------------------------------------------------------- chunked rejections

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut input = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    input.extend_from_slice(body);
    input
}

const CHUNKED_HEAD: u64 = 47;

#[test]
fn bad_chunk_sizes_are_rejected() {
    let cases: &[(&[u8], u64)] = &[
        (b"\r\n", 0),
        (b"Z\r\n", 0),
        (b"-1\r\n", 0),
        (b"+1\r\n", 0),
        (b"0x5\r\n", 1),
        (b"5 \r\nhello\r\n0\r\n\r\n", 2),
        (b" 5\r\n", 0),
        (b"5 x\r\n", 2),
        (b"1g\r\n", 1),
        (b"10000000000000000\r\n", 16),
    ];
    for (body, at) in cases {
        rejects(
            &chunked(body),
            ErrorKind::InvalidChunkSize,
            CHUNKED_HEAD + at,
        );
    }
    // Sixteen hex digits fit in a u64, leading zeros are fine.
    let out = req(&chunked(b"ffffffffffffffff\r\n"));
    assert_eq!(out.error, None);
    let ms = accepts(&chunked(b"00000000000000000001\r\nx\r\n0\r\n\r\n"));
    assert_eq!(ms[0].body, b"x");
}

#[test]
fn bad_chunk_extensions_are_rejected() {
    let cases: &[(&[u8], u64)] = &[
        (b"1;\r\n", 2),
        (b"1;=v\r\n", 2),
        (b"1;a=\r\n", 4),
        (b"1;a=\"x\r\n", 6),
        (b"1;a=\"x\"y\r\n", 7),
        (b"1;a b\r\n", 4),
        (b"1;a=b \r\n", 6),
        (b"1;a=\"\x01\"\r\n", 5),
        (b"1;a@\r\n", 3),
    ];
    for (body, at) in cases {
        rejects(
            &chunked(body),
            ErrorKind::InvalidChunkExtension,
            CHUNKED_HEAD + at,
        );
    }
    accepts(&chunked(b"1 ; a = b ; c = \"d\\\\e\" ;f\r\nx\r\n0\r\n\r\n"));
}

#[test]
fn bad_chunk_terminators_are_rejected() {
    rejects(
        &chunked(b"3\r\nabcX\r\n"),
        ErrorKind::InvalidChunkTerminator,
        CHUNKED_HEAD + 6,
    );
    rejects(
        &chunked(b"3\r\nabc\rX"),
        ErrorKind::InvalidChunkTerminator,
        CHUNKED_HEAD + 7,
    );
    rejects(
        &chunked(b"3\r\nabcd\r\n"),
        ErrorKind::InvalidChunkTerminator,
        CHUNKED_HEAD + 6,
    );
    // The trailer section must end with an empty line.
    rejects(
        &chunked(b"0\r\nT: v\r\n\rX"),
        ErrorKind::BareCr,
        CHUNKED_HEAD + 9,
    );
    rejects(
        &chunked(b"0\r\n T: v\r\n\r\n"),
        ErrorKind::LeadingWhitespace,
        CHUNKED_HEAD + 3,
    );
}

// ---------------------------------------------------------------- start line rejections

#[test]
fn malformed_request_lines_are_rejected() {
    rejects(b"GET  / HTTP/1.1\r\n\r\n", ErrorKind::InvalidStartLine, 4);
    rejects(b"GET /  HTTP/1.1\r\n\r\n", ErrorKind::InvalidVersion, 6);
    rejects(b"GET /\r\n\r\n", ErrorKind::InvalidStartLine, 5);
    rejects(b"GET / \r\n\r\n", ErrorKind::InvalidStartLine, 6);
    rejects(b"GET\r\n\r\n", ErrorKind::InvalidStartLine, 3);
    rejects(b" GET / HTTP/1.1\r\n\r\n", ErrorKind::InvalidMethod, 0);
    rejects(b"G(T / HTTP/1.1\r\n\r\n", ErrorKind::InvalidMethod, 1);
    rejects(b"GET /\x01 HTTP/1.1\r\n\r\n", ErrorKind::InvalidTarget, 5);
    rejects(b"GET /\x7f HTTP/1.1\r\n\r\n", ErrorKind::InvalidTarget, 5);
    rejects(
        b"GET /\xc3\xa9 HTTP/1.1\r\n\r\n",
        ErrorKind::InvalidTarget,
        5,
    );
    rejects(b"GET ?x HTTP/1.1\r\n\r\n", ErrorKind::InvalidTarget, 4);
    rejects(
        b"GET 1http://x HTTP/1.1\r\n\r\n",
        ErrorKind::InvalidTarget,
        4,
    );
    rejects(b"GET / HTTP/1.1 \r\n\r\n", ErrorKind::InvalidVersion, 14);
}

#[test]
fn only_http_1_0_and_1_1_are_accepted() {
    rejects(b"GET / http/1.1\r\n\r\n", ErrorKind::InvalidVersion, 6);
    rejects(b"GET / HTTP/2.0\r\n\r\n", ErrorKind::InvalidVersion, 11);
    rejects(b"GET / HTTP/1.2\r\n\r\n", ErrorKind::InvalidVersion, 13);
    rejects(b"GET / HTTP/1.10\r\n\r\n", ErrorKind::InvalidVersion, 14);
    rejects(b"GET / HTTP/1\r\n\r\n", ErrorKind::InvalidVersion, 12);
    rejects(b"GET / HTTP/0.9\r\n\r\n", ErrorKind::InvalidVersion, 11);
    rejects(b"GET / HTTPS/1.1\r\n\r\n", ErrorKind::InvalidVersion, 10);
    assert_eq!(accepts(b"GET / HTTP/1.0\r\n\r\n")[0].version, (1, 0));
}

// ---------------------------------------------------------------- limits

fn limited(limits: Limits, input: &[u8]) -> octonaut_core::parse::ParseError {
    run(&mut RequestParser::new(limits, Lenient::STRICT), input)
        .error
        .expect("limit error")
}

#[test]
fn head_size_limit() {
    let limits = Limits {
        max_head: 30,
        ..Limits::default()
    };
    let ok = b"GET / HTTP/1.1\r\nA: 0123456\r\n\r\n"; // exactly 30 bytes
    assert_eq!(ok.len(), 30);
    assert_eq!(
        run(&mut RequestParser::new(limits, Lenient::STRICT), ok).error,
        None
    );
    let err = limited(limits, b"GET / HTTP/1.1\r\nA: 01234567\r\n\r\n");
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::HeadTooLarge, 30, 30)
    );
    assert!(err.kind.is_limit());
    assert!(err.to_string().contains("max_head"));
    // Empty lines before the request line do not count.
    let err = limited(limits, b"\r\n\r\nGET / HTTP/1.1\r\nA: 01234567\r\n\r\n");
    assert_eq!((err.kind, err.offset), (ErrorKind::HeadTooLarge, 34));
}

#[test]
fn header_count_limit_applies_to_headers_and_trailers_separately() {
    let limits = Limits {
        max_headers: 2,
        ..Limits::default()
    };
    let input = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let err = limited(limits, input);
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::TooManyHeaders, find(input, b"C"), 2)
    );
    let trailers = chunked(b"0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    let mut with_headers = b"POST / HTTP/1.1\r\nX: 1\r\n".to_vec();
    with_headers.extend_from_slice(&trailers[17..]);
    let err = limited(limits, &with_headers);
    assert_eq!(
        (err.kind, err.offset),
        (ErrorKind::TooManyHeaders, find(&with_headers, b"C:"))
    );
    let ok = chunked(b"0\r\nA: 1\r\nB: 2\r\n\r\n");
    let mut ok2 = b"POST / HTTP/1.1\r\nX: 1\r\n".to_vec();
    ok2.extend_from_slice(&ok[17..]);
    assert_eq!(
        run(&mut RequestParser::new(limits, Lenient::STRICT), &ok2).error,
        None
    );
}

#[test]
fn body_limit() {
    let limits = Limits {
        max_body: Some(4),
        ..Limits::default()
    };
    let ok = b"POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd";
    assert_eq!(
        run(&mut RequestParser::new(limits, Lenient::STRICT), ok).error,
        None
    );
    let big = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde";
    let err = limited(limits, big);
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::BodyTooLarge, find(big, b"5"), 4)
    );
    let c = chunked(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    let err = limited(limits, &c);
    assert_eq!(
        (err.kind, err.offset),
        (ErrorKind::BodyTooLarge, CHUNKED_HEAD + 8)
    );
    assert!(err.to_string().contains("max_body"));
}

#[test]
fn chunk_extension_limit() {
    let limits = Limits {
        max_chunk_extension: 6,
        ..Limits::default()
    };
    let ok = chunked(b"1;a=bcd\r\nx\r\n0\r\n\r\n");
    assert_eq!(
        run(&mut RequestParser::new(limits, Lenient::STRICT), &ok).error,
        None
    );
    let err = limited(limits, &chunked(b"1;a=bcde\r\nx\r\n0\r\n\r\n"));
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::ChunkExtensionTooLong, CHUNKED_HEAD + 7, 6)
    );
}

#[test]
fn line_length_limit() {
    let limits = Limits {
        max_line: 16,
        ..Limits::default()
    };
    let ok = b"GET / HTTP/1.1\r\nA: 01234567890\r\n\r\n"; // field line is 16 bytes with CRLF
    assert_eq!(
        run(&mut RequestParser::new(limits, Lenient::STRICT), ok).error,
        None
    );
    let err = limited(limits, b"GET / HTTP/1.1\r\nA: 012345678901\r\n\r\n");
    assert_eq!(
        (err.kind, err.offset, err.limit),
        (ErrorKind::LineTooLong, 32, 16)
    );
    let err = limited(limits, b"GET /0123456789ab HTTP/1.1\r\n\r\n");
    assert_eq!((err.kind, err.offset), (ErrorKind::LineTooLong, 16));
    let limits = Limits {
        max_line: 30,
        ..Limits::default()
    };
    let err = limited(limits, &chunked(b"0000000000000000000000000000001\r\n"));
    assert_eq!(
        (err.kind, err.offset),
        (ErrorKind::LineTooLong, CHUNKED_HEAD + 30)
    );
    assert!(err.to_string().contains("max_line"));
}

#[test]
fn every_leniency_has_a_name() {
    for (name, flag) in Lenient::NAMES {
        assert_eq!(Lenient::from_name(name), Some(flag));
        assert!(!Lenient::STRICT.contains(flag));
    }
    assert_eq!(Lenient::from_name("nope"), None);
    assert_eq!(Lenient::default(), Lenient::STRICT);
}

struct PauseAtBegin {
    begins: usize,
}
impl HttpSink for PauseAtBegin {
    fn on_message_begin(&mut self) -> Flow {
        self.begins += 1;
        Flow::Pause
    }
}

#[test]
fn a_sink_can_pause_at_message_begin_without_losing_the_byte() {
    let input = b"\r\nGET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    let mut p = RequestParser::default();
    let mut sink = PauseAtBegin { begins: 0 };
    // Stops before the first byte of the request line (empty line consumed).
    assert_eq!(p.parse(input, &mut sink), Ok(2));
    assert_eq!(sink.begins, 1);
    // Resuming there does not begin the message twice.
    assert_eq!(p.parse(&input[2..], &mut sink), Ok(18));
    assert_eq!(sink.begins, 2);
    assert_eq!(p.parse(&input[20..], &mut sink), Ok(18));
    assert_eq!(sink.begins, 2);
    assert!(p.is_idle());
}

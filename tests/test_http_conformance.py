"""Conformance of octonaut.http's message API, written from RFC 9112 / RFC 9110.

Every strict rejection class is checked with its stable code and the absolute
offset of the offending byte; the valid edge cases with the parsed result.
"""

from __future__ import annotations

import octonaut
import pytest
from octonaut.http import Request, RequestParser, Response, ResponseParser


def parse_requests(data: bytes, **kwargs) -> list[Request]:
    return RequestParser(**kwargs).feed(data)


def reject(data: bytes, **kwargs) -> octonaut.ParseError:
    parser = RequestParser(**kwargs)
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed(data)
    return info.value


# --- strict rejections: (name, request bytes, code, offending bytes at offset) ---

REJECTIONS = [
    # RFC 9112 §6.1: CL with TE is a smuggling vector; a server may reject it.
    (
        "content_length_with_te",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "content_length_with_transfer_encoding",
        b"Transfer-Encoding",
    ),
    (
        "te_then_cl",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        "content_length_with_transfer_encoding",
        b"Content-Length: 3",
    ),
    # RFC 9110 §8.6 / RFC 9112 §6.3: duplicate or differing Content-Length.
    (
        "duplicate_cl",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        "duplicate_content_length",
        b"Content-Length: 3\r\n\r\n",
    ),
    (
        "differing_cl",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "duplicate_content_length",
        b"Content-Length: 4",
    ),
    (
        "cl_plus",
        b"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n",
        "invalid_content_length",
        b"+5",
    ),
    (
        "cl_hex",
        b"POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n",
        "invalid_content_length",
        b"x5",
    ),
    (
        "cl_inner_space",
        b"POST / HTTP/1.1\r\nContent-Length: 1 0\r\n\r\n",
        "invalid_content_length",
        b"0\r\n",
    ),
    (
        "cl_negative",
        b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "invalid_content_length",
        b"-1",
    ),
    (
        "cl_empty",
        b"POST / HTTP/1.1\r\nContent-Length: \r\n\r\n",
        "invalid_content_length",
        None,
    ),
    (
        "cl_overflow",
        b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "invalid_content_length",
        None,
    ),
    # RFC 9112 §6.1: chunked must be the final coding.
    (
        "te_chunked_not_last",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        "invalid_transfer_encoding",
        b"gzip",
    ),
    (
        "te_obfuscated",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n",
        "invalid_transfer_encoding",
        b"xchunked",
    ),
    (
        "te_unknown_only",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        "invalid_transfer_encoding",
        None,
    ),
    (
        "te_in_http10",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        "transfer_encoding_in_http10",
        b"Transfer-Encoding",
    ),
    # RFC 9112 §5.1: no whitespace between field name and colon.
    (
        "space_before_colon",
        b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "space_before_colon",
        b" : a",
    ),
    # RFC 9112 §5.2: obs-fold is rejected by default.
    (
        "obs_fold",
        b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
        "obs_fold",
        b" b\r\n",
    ),
    # RFC 9112 §2.2: whitespace between start line and first field.
    (
        "leading_whitespace",
        b"GET / HTTP/1.1\r\n Host: a\r\n\r\n",
        "leading_whitespace",
        b" Host",
    ),
    # RFC 9112 §2.2: bare CR must be rejected; bare LF is strict-rejected.
    ("bare_cr", b"GET / HTTP/1.1\rHost: a\r\n\r\n", "bare_cr", b"\rHost"),
    ("bare_lf", b"GET / HTTP/1.1\nHost: a\r\n\r\n", "bare_lf", b"\nHost"),
    ("bare_lf_in_headers", b"GET / HTTP/1.1\r\nHost: a\n\r\n", "bare_lf", b"\n\r\n"),
    # RFC 9110 §5.5: NUL, CR, LF and CTLs are not field-value characters.
    ("nul_in_value", b"GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n", "invalid_header_value", b"\x00"),
    ("ctl_in_value", b"GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", "invalid_header_value", b"\x01"),
    ("del_in_value", b"GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n", "invalid_header_value", b"\x7f"),
    # RFC 9110 §5.1: field names are tokens.
    ("bad_name", b"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", "invalid_header_name", b"(st"),
    ("empty_name", b"GET / HTTP/1.1\r\n: a\r\n\r\n", "invalid_header_name", b": a"),
    # RFC 9112 §7.1: chunk-size is 1*HEXDIG; the data ends with CRLF.
    (
        "bad_chunk_size",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
        "invalid_chunk_size",
        b"z\r\n",
    ),
    (
        "bad_chunk_terminator",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
        "invalid_chunk_terminator",
        b"X\r\n",
    ),
    # RFC 9112 §9.6: nothing after a message that said Connection: close.
    (
        "data_after_close",
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        "data_after_close",
        b"GET / HTTP/1.1\r\n\r\n",
    ),
    # RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
    ("bad_method", b"G@T / HTTP/1.1\r\n\r\n", "invalid_method", b"@T"),
    ("double_space", b"GET  / HTTP/1.1\r\n\r\n", "invalid_start_line", b" / HTTP"),
    ("no_version", b"GET /\r\n\r\n", "invalid_start_line", b"\r\n\r\n"),
    ("bad_version_minor", b"GET / HTTP/1.2\r\n\r\n", "invalid_version", b"2\r\n"),
    ("bad_version_major", b"GET / HTTP/2.0\r\n\r\n", "invalid_version", b"2.0"),
    ("lowercase_version", b"GET / http/1.1\r\n\r\n", "invalid_version", None),
    ("ctl_in_target", b"GET /\x7f HTTP/1.1\r\n\r\n", "invalid_target", b"\x7f"),
]


@pytest.mark.parametrize(
    ("data", "code", "at"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS]
)
def test_strict_rejections(data: bytes, code: str, at: bytes | None) -> None:
    err = reject(data)
    assert err.code == code
    assert type(err) is octonaut.ParseError
    assert isinstance(err, ValueError)
    assert 0 <= err.offset <= len(data)
    if at is not None:
        assert data[err.offset :].startswith(at), (err.offset, data[err.offset :])
    # The offset is absolute: after a good request, it shifts by that length.
    good = b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n"
    parser = RequestParser()
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed(good + data)
    assert info.value.code == code
    assert info.value.offset == err.offset + len(good)
    assert [m.target for m in info.value.messages] == [b"/ok"] + [m.target for m in err.messages]


LENIENCIES = [
    ("bare_lf", b"GET / HTTP/1.1\nHost: a\n\n"),
    ("obs_fold", b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"),
    ("space_before_colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
    (
        "te_with_cl",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ),
    (
        "duplicate_content_length",
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    ),
    (
        "data_after_close",
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    ),
    (
        "transfer_encoding_http10",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ),
]


def test_response_leniency_transfer_encoding_until_close() -> None:
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b..."
    with pytest.raises(octonaut.ParseError) as info:
        octonaut.http.ResponseParser().feed(data)
    assert info.value.code == "invalid_transfer_encoding"
    parser = octonaut.http.ResponseParser(lenient=("transfer_encoding_until_close",))
    assert parser.feed(data) == []
    msg = parser.feed_eof()
    assert msg is not None and bytes(msg.body) == b"\x1f\x8b..."
    assert not msg.keep_alive and not msg.chunked
    # Requests stay refused: RFC 9112 §6.3 rule 4 requires a 400.
    with pytest.raises(octonaut.ParseError):
        RequestParser(lenient=("transfer_encoding_until_close",)).feed(
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"
        )


@pytest.mark.parametrize(("flag", "data"), LENIENCIES, ids=[x[0] for x in LENIENCIES])
def test_each_leniency_is_opt_in(flag: str, data: bytes) -> None:
    with pytest.raises(octonaut.ParseError):
        RequestParser().feed(data)
    messages = RequestParser(lenient=(flag,)).feed(data)
    assert messages, flag


def test_lenient_obs_fold_joins_with_space() -> None:
    (msg,) = parse_requests(b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", lenient=["obs_fold"])
    assert msg.headers["x"] in (b"a b", b"a  b")


def test_unknown_leniency_is_value_error() -> None:
    with pytest.raises(ValueError, match="unknown leniency"):
        RequestParser(lenient=("lax_everything",))
    with pytest.raises(TypeError):
        RequestParser(lenient="bare_lf")


# --- valid edge cases ---


def test_target_forms() -> None:
    data = (
        b"GET http://example.com:8080/p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"
        b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"
        b"GET /only/origin?x=%20 HTTP/1.1\r\nHost: a\r\n\r\n"
    )
    targets = [(m.method, m.target) for m in parse_requests(data)]
    assert targets == [
        (b"GET", b"http://example.com:8080/p?q=1"),
        (b"OPTIONS", b"*"),
        (b"GET", b"/only/origin?x=%20"),
    ]


def test_authority_form_connect_stops_the_parser() -> None:
    parser = RequestParser()
    data = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01tls"
    (msg,) = parser.feed(data)
    assert msg.method == b"CONNECT"
    assert msg.target == b"example.com:443"
    assert msg.upgrade
    assert parser.unparsed == b"\x16\x03\x01tls"
    assert parser.feed(b"more") == []
    assert parser.unparsed == b"\x16\x03\x01tlsmore"
    assert parser.feed_eof() is None


def test_upgrade_leaves_rest_unparsed() -> None:
    parser = RequestParser()
    data = (
        b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        b"\x81\x05hello"
    )
    (msg,) = parser.feed(data)
    assert msg.upgrade
    assert msg.headers["upgrade"] == b"websocket"
    assert parser.unparsed == b"\x81\x05hello"
    parser.reset()
    assert parser.unparsed == b""
    assert len(parser.feed(b"GET / HTTP/1.1\r\n\r\n")) == 1


def test_http10_keep_alive_rules() -> None:
    data = (
        b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        b"GET /b HTTP/1.1\r\n\r\n"
        b"GET /c HTTP/1.1\r\nConnection: close\r\n\r\n"
    )
    msgs = parse_requests(data)
    assert [(m.version, m.keep_alive) for m in msgs] == [
        ("1.0", True),
        ("1.1", True),
        ("1.1", False),
    ]
    (plain10,) = parse_requests(b"GET / HTTP/1.0\r\n\r\n")
    assert plain10.version == "1.0"
    assert not plain10.keep_alive


def test_chunked_with_extensions_trailers_and_uppercase_hex() -> None:
    data = b"POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    data += b'1A;name=value;quoted="a b"\r\n' + body[:26] + b"\r\n"
    data += b"a\r\n" + body[26:] + b"\r\n"
    data += b"0\r\nExpires: never\r\nX-Sum: 42\r\n\r\n"
    (msg,) = parse_requests(data)
    assert msg.chunked
    assert msg.content_length is None
    assert msg.body == body
    assert list(msg.trailers) == [(b"Expires", b"never"), (b"X-Sum", b"42")]
    assert msg.trailers["x-sum"] == b"42"
    assert "x-sum" not in msg.headers


def test_leading_empty_line_before_request_line() -> None:
    (msg,) = parse_requests(b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
    assert msg.method == b"GET"


def test_empty_header_value_and_ows() -> None:
    (msg,) = parse_requests(b"GET / HTTP/1.1\r\nX-Empty:\r\nX-Ows: \t v v \t\r\n\r\n")
    assert msg.headers["x-empty"] == b""
    assert msg.headers["x-ows"] == b"v v"


def test_obs_text_in_values_is_kept() -> None:
    (msg,) = parse_requests(b"GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n")
    assert msg.headers["x"] == b"caf\xc3\xa9"


def test_content_length_body_and_pipelining() -> None:
    data = b"".join(
        b"POST /%d HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (i, i, b"x" * i) for i in range(50)
    )
    msgs = parse_requests(data)
    assert [m.target for m in msgs] == [b"/%d" % i for i in range(50)]
    assert [m.content_length for m in msgs] == list(range(50))
    assert all(m.body == b"x" * m.content_length for m in msgs)


def test_many_messages_in_one_feed_exceed_the_slab() -> None:
    # More messages than the collector holds at once: it pauses and resumes.
    data = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n" * 1000
    assert len(parse_requests(data)) == 1000


def test_feed_accepts_bytes_like() -> None:
    data = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    for value in (data, bytearray(data), memoryview(data)):
        (msg,) = RequestParser().feed(value)
        assert msg.headers["host"] == b"a"
    with pytest.raises(TypeError):
        RequestParser().feed("GET / HTTP/1.1\r\n\r\n")


# --- errors: messages, stickiness, eof, limits ---


def test_error_carries_earlier_messages() -> None:
    parser = RequestParser()
    good = b"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed(good + b"GET /3 HTTP/1.1\r\nBad Header: x\r\n\r\n")
    assert [m.target for m in info.value.messages] == [b"/1", b"/2"]
    assert info.value.code == "space_before_colon"


def test_failure_is_sticky_until_reset() -> None:
    parser = RequestParser()
    with pytest.raises(octonaut.ParseError) as first:
        parser.feed(b"G@T / HTTP/1.1\r\n\r\n")
    for _ in range(2):
        with pytest.raises(octonaut.ParseError) as again:
            parser.feed(b"GET / HTTP/1.1\r\n\r\n")
        assert (again.value.code, again.value.offset) == (first.value.code, first.value.offset)
        assert again.value.messages == []
    with pytest.raises(octonaut.ParseError):
        parser.feed_eof()
    parser.reset()
    assert [m.target for m in parser.feed(b"GET /x HTTP/1.1\r\n\r\n")] == [b"/x"]


def test_feed_eof_for_requests() -> None:
    parser = RequestParser()
    assert parser.feed(b"GET / HTTP/1.1\r\n\r\n")
    assert parser.feed_eof() is None
    parser = RequestParser()
    parser.feed(b"GET / HTTP/1.1\r\nHost:")
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed_eof()
    assert info.value.code == "incomplete"
    parser = RequestParser()
    parser.feed(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab")
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed_eof()
    assert info.value.code == "incomplete"


@pytest.mark.parametrize(
    ("kwargs", "data", "code", "option"),
    [
        (
            {"max_head": 64},
            b"GET / HTTP/1.1\r\nX: " + b"a" * 100 + b"\r\n\r\n",
            "head_too_large",
            "max_head",
        ),
        (
            {"max_headers": 2},
            b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
            "too_many_headers",
            "max_headers",
        ),
        (
            {"max_body": 4},
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            "body_too_large",
            "max_body",
        ),
        (
            {"max_body": 4},
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
            "body_too_large",
            "max_body",
        ),
        (
            {"max_line": 32},
            b"GET /" + b"a" * 64 + b" HTTP/1.1\r\n\r\n",
            "line_too_long",
            "max_line",
        ),
        (
            {"max_chunk_extension": 8},
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;"
            + b"e" * 20
            + b"\r\na\r\n0\r\n\r\n",
            "chunk_extension_too_long",
            "max_chunk_extension",
        ),
    ],
)
def test_limits_raise_limit_exceeded_naming_the_option(kwargs, data, code, option) -> None:
    with pytest.raises(octonaut.LimitExceeded) as info:
        RequestParser(**kwargs).feed(data)
    assert info.value.code == code
    assert option in str(info.value)
    assert isinstance(info.value, octonaut.ParseError)
    # The default limits accept the same message.
    RequestParser().feed(data)


def test_body_limit_edge_is_inclusive() -> None:
    (msg,) = RequestParser(max_body=5).feed(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
    assert msg.body == b"hello"


# --- responses ---


def parse_responses(data: bytes, expect=(), eof=False):
    parser = ResponseParser()
    for method in expect:
        parser.expect(method)
    out = parser.feed(data)
    if eof:
        last = parser.feed_eof()
        if last is not None:
            out.append(last)
    return parser, out


def test_response_basics() -> None:
    _, (resp,) = parse_responses(b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop")
    assert isinstance(resp, Response)
    assert (resp.status, resp.reason, resp.version, resp.body) == (404, b"Not Found", "1.1", b"nop")
    assert resp.keep_alive and not resp.upgrade


def test_close_delimited_response_ends_at_eof() -> None:
    parser = ResponseParser()
    assert parser.feed(b"HTTP/1.1 200 OK\r\n\r\nhello ") == []
    assert parser.feed(b"world") == []
    resp = parser.feed_eof()
    assert resp is not None
    assert resp.body == b"hello world"
    assert not resp.keep_alive


def test_response_cut_short_is_incomplete() -> None:
    parser = ResponseParser()
    parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed_eof()
    assert info.value.code == "incomplete"


def test_1xx_then_final_response() -> None:
    _, msgs = parse_responses(
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    )
    assert [(m.status, m.body) for m in msgs] == [(100, b""), (103, b""), (200, b"ok")]
    assert msgs[1].headers["link"] == b"</s.css>"


def test_204_and_304_have_no_body() -> None:
    _, msgs = parse_responses(
        b"HTTP/1.1 204 No Content\r\n\r\n"
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"
    )
    assert [(m.status, m.body) for m in msgs] == [(204, b""), (304, b""), (200, b"x")]


def test_head_response_framed_by_expect() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    )
    _, msgs = parse_responses(data, expect=[b"HEAD", "GET"])
    assert [(m.status, m.content_length, m.body) for m in msgs] == [(200, 5, b""), (200, 2, b"ok")]


def test_connect_2xx_response_opens_a_tunnel() -> None:
    parser, (resp,) = parse_responses(
        b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03tunnel", expect=[b"CONNECT"]
    )
    assert resp.upgrade
    assert parser.unparsed == b"\x16\x03tunnel"


def test_101_switching_protocols() -> None:
    parser, (resp,) = parse_responses(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        b"\x81\x00"
    )
    assert resp.status == 101 and resp.upgrade
    assert parser.unparsed == b"\x81\x00"


def test_response_without_reason() -> None:
    _, (resp,) = parse_responses(b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")
    assert (resp.status, resp.reason) == (200, b"")


def test_chunked_response_with_trailers() -> None:
    _, (resp,) = parse_responses(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\nX: y\r\n\r\n"
    )
    assert resp.body == b"Wiki" and resp.chunked
    assert resp.trailers.getall("X") == [b"y"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"HTTP/1.1 20 OK\r\n\r\n", "invalid_status"),
        (b"HTTP/1.1 2000 OK\r\n\r\n", "invalid_status"),
        (b"HTTP/1.1 200 O\x01K\r\n\r\n", "invalid_reason"),
        (b"HTTP/3 200 OK\r\n\r\n", "invalid_version"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "duplicate_content_length",
        ),
    ],
)
def test_response_rejections(data: bytes, code: str) -> None:
    with pytest.raises(octonaut.ParseError) as info:
        ResponseParser().feed(data)
    assert info.value.code == code


def test_expect_queue_is_bounded() -> None:
    parser = ResponseParser()
    with pytest.raises(octonaut.BufferFull):
        for _ in range(10_000):
            parser.expect(b"GET")

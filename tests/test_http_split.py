"""Split invariance: however a stream is cut into feeds (including one byte at
a time), the parser yields the same messages, or the same error code at the
same offset after the same messages, as for a single feed."""

from __future__ import annotations

import octonaut
from hypothesis import given
from hypothesis import strategies as st
from octonaut.http import RequestParser, ResponseParser

TOKEN = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
    min_size=1,
    max_size=12,
)
VALUE = st.binary(min_size=0, max_size=24).map(
    lambda b: bytes(c for c in b if c >= 0x20 and c != 0x7F).strip(b" \t")
)
HEADERS = st.lists(st.tuples(TOKEN.map(str.encode), VALUE), max_size=6).map(
    lambda hs: [
        (n, v)
        for n, v in hs
        if n.lower() not in (b"content-length", b"transfer-encoding", b"connection", b"upgrade")
    ]
)


@st.composite
def request(draw) -> bytes:
    method = draw(st.sampled_from([b"GET", b"POST", b"PUT", b"DELETE", b"PATCH", b"X-CUSTOM"]))
    target = draw(st.sampled_from([b"/", b"/a/b?c=d", b"http://h.example/x", b"*"]))
    if target == b"*":
        method = b"OPTIONS"
    lines = [method + b" " + target + b" HTTP/1.1"]
    lines += [n + b": " + v for n, v in draw(HEADERS)]
    framing = draw(st.sampled_from(["none", "length", "chunked"]))
    body = draw(st.binary(max_size=40))
    tail = b""
    if framing == "length":
        lines.append(b"Content-Length: %d" % len(body))
        tail = body
    elif framing == "chunked":
        lines.append(b"Transfer-Encoding: chunked")
        sizes = draw(st.lists(st.integers(1, 9), max_size=4))
        at = 0
        for size in sizes:
            piece = body[at : at + size]
            if not piece:
                break
            ext = draw(st.sampled_from([b"", b";a=b", b';q="x y"']))
            hexsize = draw(st.sampled_from([b"%x", b"%X"])) % len(piece)
            tail += hexsize + ext + b"\r\n" + piece + b"\r\n"
            at += len(piece)
        tail += b"0\r\n"
        tail += b"".join(n + b": " + v + b"\r\n" for n, v in draw(HEADERS))
        tail += b"\r\n"
    return b"\r\n".join(lines) + b"\r\n\r\n" + tail


CORRUPTIONS = [b"\x00", b"\r", b"\n", b" ", b":", b"\x7f", b"@", b"Z", b"\r\n\r\n", b"\t"]


@st.composite
def stream(draw, corrupt: bool) -> bytes:
    data = b"".join(draw(st.lists(request(), min_size=1, max_size=4)))
    if corrupt:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(CORRUPTIONS)) + data[at:]
    return data


def summary(msg) -> tuple:
    return (
        msg.method,
        msg.target,
        msg.version,
        tuple(msg.headers),
        msg.body,
        tuple(msg.trailers),
        msg.keep_alive,
        msg.upgrade,
        msg.content_length,
        msg.chunked,
    )


def run(data: bytes, cuts: list[int]) -> tuple:
    """Feeds `data` cut at `cuts`; returns (messages, (code, offset) or None, eof)."""
    parser = RequestParser()
    out: list[tuple] = []
    bounds = sorted({c for c in cuts if 0 < c < len(data)}) + [len(data)]
    start = 0
    for end in bounds:
        try:
            out += [summary(m) for m in parser.feed(data[start:end])]
        except octonaut.ParseError as err:
            out += [summary(m) for m in err.messages]
            return out, (err.code, err.offset), None
        start = end
    try:
        eof = parser.feed_eof()
    except octonaut.ParseError as err:
        eof = ("eof-error", err.code)
    return out, None, eof


@given(stream(corrupt=False), st.lists(st.integers(0, 2000), max_size=12))
def test_valid_streams_split_anywhere(data: bytes, cuts: list[int]) -> None:
    whole = run(data, [])
    assert whole[1] is None, whole
    assert whole[0]
    assert run(data, cuts) == whole


@given(stream(corrupt=True), st.lists(st.integers(0, 2000), max_size=12))
def test_invalid_streams_split_anywhere(data: bytes, cuts: list[int]) -> None:
    assert run(data, cuts) == run(data, [])


@given(stream(corrupt=True))
def test_one_byte_at_a_time(data: bytes) -> None:
    assert run(data, list(range(len(data)))) == run(data, [])


RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\nX: y\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nabc\r\n0\r\nT: 1\r\n\r\n",
    b"HTTP/1.0 404 Not Found\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
]


def run_responses(data: bytes, cuts: list[int]) -> tuple:
    parser = ResponseParser()
    out: list[tuple] = []
    bounds = sorted({c for c in cuts if 0 < c < len(data)}) + [len(data)]
    start = 0
    for end in bounds:
        try:
            got = parser.feed(data[start:end])
        except octonaut.ParseError as err:
            got = err.messages
            out += [(m.status, m.reason, tuple(m.headers), m.body) for m in got]
            return out, (err.code, err.offset)
        out += [(m.status, m.reason, tuple(m.headers), m.body) for m in got]
        start = end
    last = parser.feed_eof()
    if last is not None:
        out.append((last.status, last.reason, tuple(last.headers), last.body))
    return out, None


@given(
    st.lists(st.sampled_from(RESPONSES), min_size=1, max_size=5),
    st.booleans(),
    st.lists(st.integers(0, 500), max_size=10),
)
def test_responses_split_anywhere(picks: list[bytes], close: bool, cuts: list[int]) -> None:
    data = b"".join(picks)
    if close:
        data += b"HTTP/1.1 200 OK\r\n\r\nuntil the close"
    whole = run_responses(data, [])
    assert whole[1] is None
    assert run_responses(data, cuts) == whole
    assert run_responses(data, list(range(len(data)))) == whole

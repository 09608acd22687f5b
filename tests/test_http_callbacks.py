"""The httptools-compatible callback API, recorded against httptools itself:
for the same inputs (in the same fragments) both parsers must make the same
callback sequence (fragments of one kind concatenated), report the same
state from inside the callbacks, and raise the same exception classes."""

from __future__ import annotations

import httptools
import octonaut
import octonaut.http as oh
import pytest
from hypothesis import given
from hypothesis import strategies as st


class Recorder:
    """A protocol recording every callback, and the parser state at the
    points where servers read it (headers complete, message complete)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.parser = None

    def _add(self, kind: str, *args) -> None:
        merge = kind in ("url", "status", "body")
        if args and merge and self.events and self.events[-1][0] == kind:
            self.events[-1] = (kind, self.events[-1][1] + args[0])
        else:
            self.events.append((kind, *args))

    def _state(self) -> tuple:
        p = self.parser
        extra = p.get_method() if hasattr(p, "get_method") else p.get_status_code()
        return (p.get_http_version(), p.should_keep_alive(), p.should_upgrade(), extra)

    def on_message_begin(self) -> None:
        self._add("begin")

    def on_url(self, url: bytes) -> None:
        self._add("url", url)

    def on_status(self, status: bytes) -> None:
        self._add("status", status)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._add("header", name, value)

    def on_headers_complete(self) -> None:
        self._add("headers_complete", self._state())

    def on_body(self, body: bytes) -> None:
        self._add("body", body)

    def on_message_complete(self) -> None:
        self._add("message_complete", self._state())

    def on_chunk_header(self) -> None:
        self._add("chunk_header")

    def on_chunk_complete(self) -> None:
        self._add("chunk_complete")


def record(module, cls: str, fragments: list[bytes]) -> tuple:
    protocol = Recorder()
    parser = getattr(module, cls)(protocol)
    protocol.parser = parser
    outcome = None
    for fragment in fragments:
        try:
            parser.feed_data(fragment)
        except Exception as exc:  # noqa: BLE001 - the class is what we compare
            args = exc.args if type(exc).__name__ == "HttpParserUpgrade" else ()
            outcome = (type(exc).__name__, args)
            break
    return protocol.events, outcome


REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"GET /a?b=c HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nUser-Agent: t\r\n\r\n"
    b"GET /second HTTP/1.1\r\n\r\n",
    b"POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\nY: 2\r\n\r\n",
    b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
    b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00",
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03",
    b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n",
]

RESPONSES = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\nT: v\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
    b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nxx",
    b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc",
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nz",
    b"HTTP/1.1 200 OK\r\n\r\nclose-delimited body",
]

BAD_REQUESTS = [
    (b"G@T / HTTP/1.1\r\n\r\n", "HttpParserInvalidMethodError"),
    (b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HttpParserError"),
    (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", "HttpParserError"),
    (b"GET / HTTP/1.1\r\nX: a\x00\r\n\r\n", "HttpParserError"),
    (b"GET / HTTP/9.9\r\n\r\n", "HttpParserError"),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HttpParserError"),
]


def same(cls: str, fragments: list[bytes]) -> None:
    theirs = record(httptools, cls, fragments)
    ours = record(oh, cls, fragments)
    assert ours == theirs


@pytest.mark.parametrize("data", REQUESTS)
def test_request_callbacks_match_httptools(data: bytes) -> None:
    same("HttpRequestParser", [data])
    same("HttpRequestParser", [data[i : i + 1] for i in range(len(data))])


@pytest.mark.parametrize("data", RESPONSES)
def test_response_callbacks_match_httptools(data: bytes) -> None:
    same("HttpResponseParser", [data])
    same("HttpResponseParser", [data[i : i + 1] for i in range(len(data))])


@given(st.sampled_from(REQUESTS + [b"".join(REQUESTS[:8])]), st.lists(st.integers(1, 400)))
def test_request_callbacks_match_in_any_split(data: bytes, cuts: list[int]) -> None:
    bounds = [0, *sorted({c for c in cuts if c < len(data)}), len(data)]
    same("HttpRequestParser", [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)])


@pytest.mark.parametrize(("data", "expected"), BAD_REQUESTS)
def test_error_classes_match_httptools(data: bytes, expected: str) -> None:
    _, theirs = record(httptools, "HttpRequestParser", [data])
    _, ours = record(oh, "HttpRequestParser", [data])
    assert theirs == (expected, ())
    assert ours == theirs


def test_exception_hierarchy_mirrors_httptools() -> None:
    for name in (
        "HttpParserError",
        "HttpParserCallbackError",
        "HttpParserInvalidStatusError",
        "HttpParserInvalidMethodError",
        "HttpParserInvalidURLError",
        "HttpParserUpgrade",
    ):
        ours, theirs = getattr(oh, name), getattr(httptools, name)
        our_bases = [b.__name__ for b in ours.__mro__ if b.__name__.startswith("HttpParser")]
        their_bases = [b.__name__ for b in theirs.__mro__ if b.__name__.startswith("HttpParser")]
        assert our_bases == their_bases
    assert issubclass(oh.HttpParserError, octonaut.ParseError)
    assert not issubclass(oh.HttpParserUpgrade, octonaut.ParseError)


def test_parse_error_carries_code_and_offset() -> None:
    proto = Recorder()
    parser = proto.parser = oh.HttpRequestParser(proto)
    with pytest.raises(oh.HttpParserInvalidMethodError) as info:
        parser.feed_data(b"G@T / HTTP/1.1\r\n\r\n")
    assert (info.value.code, info.value.offset) == ("invalid_method", 1)
    with pytest.raises(oh.HttpParserError):  # sticky, like llhttp
        parser.feed_data(b"GET / HTTP/1.1\r\n\r\n")


def test_upgrade_offset_matches_httptools() -> None:
    data = b"GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0"
    for module in (httptools, oh):
        proto = Recorder()
        parser = proto.parser = module.HttpRequestParser(proto)
        with pytest.raises(module.HttpParserUpgrade) as info:
            parser.feed_data(data)
        assert info.value.args[0] == data.index(b"PRI")


class Raising(Recorder):
    def on_header(self, name: bytes, value: bytes) -> None:
        raise KeyError("boom")


def test_callback_exception_becomes_callback_error_with_context() -> None:
    data = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
    for module in (httptools, oh):
        proto = Raising()
        parser = proto.parser = module.HttpRequestParser(proto)
        with pytest.raises(module.HttpParserCallbackError) as info:
            parser.feed_data(data)
        assert isinstance(info.value.__context__, KeyError)


def test_missing_callbacks_are_not_called() -> None:
    class OnlyUrl:
        def __init__(self) -> None:
            self.urls: list[bytes] = []

        def on_url(self, url: bytes) -> None:
            self.urls.append(url)

    proto = OnlyUrl()
    parser = oh.HttpRequestParser(proto)
    parser.feed_data(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
    assert proto.urls == [b"/x"]
    assert parser.get_method() == b"GET"


class HeadAware(Recorder):
    def on_headers_complete(self) -> bool:
        super().on_headers_complete()
        return True  # the request was HEAD: no body follows


def test_no_body_extension_for_head_responses() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
    )
    proto = HeadAware()
    parser = oh.HttpResponseParser(proto)
    proto.parser = parser
    parser.feed_data(data)
    assert [e[0] for e in proto.events].count("message_complete") == 2
    assert not any(e[0] == "body" for e in proto.events)

    proto = Recorder()
    parser = oh.HttpResponseParser(proto)
    proto.parser = parser
    parser.expect(b"HEAD")
    parser.feed_data(data[: len(data) // 2])
    assert [e[0] for e in proto.events].count("message_complete") == 1


def test_large_body_streams_through() -> None:
    body = b"x" * (5 << 20)
    chunks: list[int] = []

    class Sink:
        def on_body(self, data: bytes) -> None:
            chunks.append(len(data))

    parser = oh.HttpRequestParser(Sink())
    head = b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body)
    parser.feed_data(head + body[: 1 << 20])
    parser.feed_data(body[1 << 20 :])
    assert sum(chunks) == len(body)


def test_feed_data_from_a_callback_is_refused() -> None:
    class Reentrant:
        def on_url(self, url: bytes) -> None:
            parser.feed_data(b"GET / HTTP/1.1\r\n\r\n")

    parser = oh.HttpRequestParser(Reentrant())
    with pytest.raises(oh.HttpParserCallbackError) as info:
        parser.feed_data(b"GET / HTTP/1.1\r\n\r\n")
    assert isinstance(info.value.__context__, RuntimeError)

"""Issue 3 clause by clause, as an outside tester would probe it: the
callback API's limits and end of stream, constructor signatures as the
issue spells them, and argument errors that name what was wrong."""

from __future__ import annotations

import inspect

import octonaut
import octonaut.http as oh
import pytest

CHUNKED_HEAD = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"


class Recorder:
    def __init__(self) -> None:
        self.events: list = []

    def on_body(self, body: bytes) -> None:
        self.events.append(("body", bytes(body)))

    def on_message_complete(self) -> None:
        self.events.append(("complete",))


def test_callback_response_ended_by_close_completes_on_feed_eof():
    proto = Recorder()
    p = oh.HttpResponseParser(proto)
    p.feed_data(b"HTTP/1.1 200 OK\r\n\r\nhello ")
    p.feed_data(b"world")
    assert proto.events == [("body", b"hello "), ("body", b"world")]
    p.feed_eof()
    assert proto.events[-1] == ("complete",)
    assert not p.should_keep_alive()


def test_callback_feed_eof_inside_a_message_is_incomplete():
    p = oh.HttpResponseParser(Recorder())
    p.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc")
    with pytest.raises(oh.HttpParserError) as info:
        p.feed_eof()
    assert info.value.code == "incomplete"
    assert info.value.offset == 41
    with pytest.raises(oh.HttpParserError):  # sticky, like feed_data errors
        p.feed_data(b"de")


def test_callback_feed_eof_between_messages_is_quiet():
    proto = Recorder()
    p = oh.HttpRequestParser(proto)
    p.feed_data(b"GET / HTTP/1.1\r\n\r\n")
    p.feed_eof()
    assert proto.events == [("complete",)]
    p = oh.HttpRequestParser(Recorder())
    p.feed_data(b"GET / HTTP/1.1\r\n")
    with pytest.raises(oh.HttpParserError) as info:
        p.feed_eof()
    assert info.value.code == "incomplete"


def test_callback_feed_eof_reports_a_callback_error():
    class Failing:
        def on_message_complete(self) -> None:
            raise KeyError("boom")

    p = oh.HttpResponseParser(Failing())
    p.feed_data(b"HTTP/1.1 200 OK\r\n\r\nbody")
    with pytest.raises(oh.HttpParserCallbackError) as info:
        p.feed_eof()
    assert isinstance(info.value.__context__, KeyError)


@pytest.mark.parametrize(
    ("kwargs", "data", "code"),
    [
        ({"max_head": 64}, b"GET / HTTP/1.1\r\nX: " + b"a" * 100 + b"\r\n\r\n", "head_too_large"),
        ({"max_headers": 2}, b"GET / HTTP/1.1\r\n" + b"X: a\r\n" * 3 + b"\r\n", "too_many_headers"),
        ({"max_line": 32}, b"GET /" + b"a" * 64 + b" HTTP/1.1\r\n\r\n", "line_too_long"),
        (
            {"max_chunk_extension": 4},
            CHUNKED_HEAD + b"1;abcdefgh\r\nx\r\n",
            "chunk_extension_too_long",
        ),
    ],
)
def test_callback_limits_are_limit_exceeded_and_httptools_errors(kwargs, data, code):
    for split in (len(data), 1):
        p = oh.HttpRequestParser(Recorder(), **kwargs)
        with pytest.raises(octonaut.LimitExceeded) as info:
            for i in range(0, len(data), split):
                p.feed_data(data[i : i + split])
        assert isinstance(info.value, oh.HttpParserError)
        assert info.value.code == code
        assert next(iter(kwargs)) in str(info.value)


def test_callback_chunk_extension_limit_default_is_1024():
    ext = b"a" * 1020
    p = oh.HttpRequestParser(Recorder())
    p.feed_data(CHUNKED_HEAD + b"1;" + ext + b"\r\nx\r\n0\r\n\r\n")
    p = oh.HttpRequestParser(Recorder())
    with pytest.raises(octonaut.LimitExceeded):
        p.feed_data(CHUNKED_HEAD + b"1;" + ext + b"aaaaaa\r\nx\r\n")


@pytest.mark.parametrize("cls", [oh.RequestParser, oh.ResponseParser])
def test_message_parser_signature_is_the_issues(cls):
    params = inspect.signature(cls).parameters
    defaults = {name: p.default for name, p in params.items()}
    assert defaults["max_head"] == 16384
    assert defaults["max_headers"] == 100
    assert defaults["max_body"] == 1 << 20
    assert tuple(defaults["lenient"]) == ()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    cls(lenient=())  # the documented default is accepted as written


def test_framing_signatures_are_the_issues():
    lines = inspect.signature(octonaut.Lines).parameters
    assert {n: p.default for n, p in lines.items()} == {
        "delimiter": b"\n",
        "max_length": 65536,
        "keep_delimiter": False,
        "on_error": "raise",
    }
    frames = inspect.signature(octonaut.LengthPrefixed).parameters
    assert {n: p.default for n, p in frames.items()} == {
        "width": 4,
        "byteorder": "big",
        "max_frame": 1 << 20,
        "includes_header": False,
    }


def test_lines_str_delimiter_is_a_clear_type_error():
    with pytest.raises(TypeError, match="bytes-like"):
        octonaut.Lines(delimiter="\n")
    assert octonaut.Lines(delimiter=bytearray(b"\r\n")).feed(b"a\r\nb") == [b"a"]


@pytest.mark.parametrize("cls", [oh.ResponseParser, oh.HttpResponseParser])
def test_expect_argument_error_names_expect(cls):
    p = cls(Recorder()) if cls is oh.HttpResponseParser else cls()
    with pytest.raises(TypeError, match="expect"):
        p.expect(5)


def test_callback_limit_error_looks_like_httptools_and_pickles():
    import pickle

    p = oh.HttpRequestParser(Recorder(), max_headers=1)
    with pytest.raises(oh.HttpParserError) as info:
        p.feed_data(b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n")
    err = info.value
    assert type(err).__name__ == "HttpParserError"
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is type(err)
    assert (copy.code, copy.offset) == (err.code, err.offset) == ("too_many_headers", 22)


@pytest.mark.parametrize("coding", [b"gzip", b"deflate", b"compress", b"x-gzip", b"chunked, gzip"])
def test_response_transfer_encoding_must_end_in_chunked(coding):
    # Issue 3: "reject any Transfer-Encoding where chunked is not the final
    # coding" (the README's strictness table: httptools reads to EOF).
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding + b"\r\n\r\nbody"
    p = oh.ResponseParser()
    with pytest.raises(octonaut.ParseError) as info:
        p.feed(data)
        p.feed_eof()
    assert info.value.code == "invalid_transfer_encoding"
    with pytest.raises(oh.HttpParserError):
        oh.HttpResponseParser(Recorder()).feed_data(data)
    if b"chunked" not in coding:
        # Where no body is read, a known final coding does not matter (a
        # coding after chunked is refused as the field is read).
        p = oh.ResponseParser()
        p.expect(b"HEAD")
        [head] = p.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: " + coding + b"\r\n\r\n")
        assert head.body == b""
    [gzip_chunked] = oh.ResponseParser().feed(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
    )
    assert gzip_chunked.body == b"hi" and gzip_chunked.chunked


def test_request_body_is_never_reparsed_when_on_headers_complete_returns_true():
    # The "no body" answer (httptools issue #47) is for responses; a request
    # parser ignores the return value, as httptools does, so a truthy return
    # cannot turn a body into a smuggled request.
    class Truthy(Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[bytes] = []

        def on_url(self, url: bytes) -> None:
            self.urls.append(bytes(url))

        def on_headers_complete(self) -> bool:
            return True

    smuggled = b"GET /smuggled HTTP/1.1\r\n\r\n"
    data = b"POST /a HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(smuggled) + smuggled
    proto = Truthy()
    oh.HttpRequestParser(proto).feed_data(data)
    assert proto.urls == [b"/a"]
    assert b"".join(e[1] for e in proto.events if e[0] == "body") == smuggled
    # A response parser honours it (the response to a HEAD request).
    proto = Truthy()
    oh.HttpResponseParser(proto).feed_data(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No\r\n\r\n"
    )
    assert proto.events == [("complete",), ("complete",)]


@pytest.mark.parametrize(
    "make",
    [
        lambda v: oh.RequestParser(max_head=v),
        lambda v: oh.RequestParser(max_headers=v),
        lambda v: oh.ResponseParser(max_body=v),
        lambda v: oh.ResponseParser(max_line=v),
        lambda v: oh.RequestParser(max_chunk_extension=v),
        lambda v: oh.HttpRequestParser(Recorder(), max_head=v),
        lambda v: oh.HttpResponseParser(Recorder(), max_chunk_extension=v),
        lambda v: octonaut.Lines(max_length=v),
        lambda v: octonaut.LengthPrefixed(max_frame=v),
    ],
)
def test_a_negative_limit_is_a_value_error(make):
    with pytest.raises(ValueError, match="negative"):
        make(-1)
    with pytest.raises(TypeError):
        make("16")


@pytest.mark.parametrize(
    "parser",
    [oh.RequestParser(), oh.ResponseParser(), octonaut.Lines(), octonaut.LengthPrefixed()],
    ids=["RequestParser", "ResponseParser", "Lines", "LengthPrefixed"],
)
def test_every_parser_has_the_common_protocol(parser):
    # Issue 3, "common to all parsers": feed, feed_eof, unparsed, reset.
    assert isinstance(parser, oh.Parser)
    assert parser.feed(b"") == []
    assert parser.unparsed == b""
    parser.feed_eof()
    parser.reset()
    assert parser.unparsed == b""


def test_a_pure_python_parser_satisfies_the_protocol():
    class Words:
        def __init__(self) -> None:
            self.pending = b""

        def feed(self, data: bytes) -> list[bytes]:
            *done, self.pending = (self.pending + data).split(b" ")
            return done

        def feed_eof(self) -> list[bytes]:
            last, self.pending = self.pending, b""
            return [last] if last else []

        def reset(self) -> None:
            self.pending = b""

    words = Words()
    assert isinstance(words, oh.Parser)
    assert words.feed(b"a b") == [b"a"] and words.feed_eof() == [b"b"]
    assert not isinstance(object(), oh.Parser)


@pytest.mark.parametrize("module", ["octonaut", "httptools"])
def test_response_version_is_known_inside_on_status(module: str) -> None:
    # httptools (llhttp) reads the version before the status: a protocol may
    # call get_http_version() from on_status.
    if module == "httptools":
        import httptools

        parser_class = httptools.HttpResponseParser
    else:
        parser_class = oh.HttpResponseParser
    seen: list[tuple[str, bytes]] = []

    class Protocol:
        def on_status(self, status: bytes) -> None:
            seen.append((parser.get_http_version(), status))

    parser = parser_class(Protocol())
    parser.feed_data(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert seen == [("1.0", b"OK")]

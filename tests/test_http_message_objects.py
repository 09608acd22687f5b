"""Request, Response and Headers as objects: what their C-API classes
promise (read-only attributes, no instantiation or subclassing, argument
handling, lifetimes and reference counts)."""

from __future__ import annotations

import array
import gc
import sys

import octonaut.http as http
import pytest

DATA = (
    b"GET /p HTTP/1.1\r\nHost: example.com\r\nAccept: a\r\nSet-Thing: 1\r\n"
    b"set-thing: 2\r\nX-Empty:\r\n\r\n"
)
CHUNKED = (
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3\r\nabc\r\n0\r\nX-Sum: 9\r\nx-sum: 10\r\n\r\n"
)


def request() -> http.Request:
    (msg,) = http.RequestParser().feed(DATA)
    return msg


@pytest.mark.parametrize("cls", [http.Request, http.Response, http.Headers])
def test_classes_are_final_and_made_only_by_parsers(cls: type) -> None:
    assert cls.__module__ == "octonaut.http"
    with pytest.raises(TypeError):
        cls()
    with pytest.raises(TypeError):
        object.__new__(cls)  # would otherwise make an instance with no fields set
    with pytest.raises(TypeError):
        type("Sub", (cls,), {})


@pytest.mark.parametrize(
    "name",
    "method target version headers body keep_alive upgrade content_length chunked trailers".split(),
)
def test_request_attributes_are_read_only(name: str) -> None:
    msg = request()
    before = getattr(msg, name)
    with pytest.raises(AttributeError):
        setattr(msg, name, b"x")
    with pytest.raises(AttributeError):
        delattr(msg, name)
    assert getattr(msg, name) == before
    with pytest.raises(AttributeError):
        msg.no_such_attribute = 1  # type: ignore[attr-defined]


def test_request_and_response_attributes() -> None:
    msg = request()
    assert (msg.method, msg.target, msg.version) == (b"GET", b"/p", "1.1")
    assert (msg.body, msg.keep_alive, msg.upgrade, msg.chunked) == (b"", True, False, False)
    assert msg.content_length is None
    assert len(msg.trailers) == 0 and msg.trailers is msg.trailers
    assert repr(msg) == "<Request GET /p HTTP/1.1 headers=5 body=0B>"
    parser = http.ResponseParser()
    parser.expect(b"GET")
    (resp,) = parser.feed(CHUNKED)
    assert (resp.status, resp.reason, resp.version, resp.body) == (200, b"OK", "1.1", b"abc")
    assert resp.chunked and resp.keep_alive and resp.content_length is None
    assert resp.trailers.getall("X-SUM") == [b"9", b"10"] and resp.trailers is resp.trailers
    assert list(resp.trailers) == [(b"X-Sum", b"9"), (b"x-sum", b"10")]
    assert repr(resp) == "<Response HTTP/1.1 200 OK headers=1 body=3B>"


def test_standard_methods_are_interned_and_equal() -> None:
    methods = [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH", b"TRACE"]
    data = b"".join(b"%s /x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n" % m for m in methods)
    first = http.RequestParser().feed(data)
    second = http.RequestParser().feed(data)
    assert [m.method for m in first] == methods
    assert all(a.method is b.method for a, b in zip(first, second, strict=True))
    (connect,) = http.RequestParser().feed(b"CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n")
    assert connect.method == b"CONNECT"
    assert [m.version for m in first] == ["1.1"] * len(methods)
    (old,) = http.RequestParser().feed(b"GET / HTTP/1.0\r\n\r\n")
    (again,) = http.RequestParser().feed(b"GET / HTTP/1.0\r\n\r\n")
    assert old.version == "1.0" and old.version is again.version


@pytest.mark.parametrize(
    "key",
    ["host", "HOST", "Host", "hOsT", b"host", b"HOST", bytearray(b"Host"), memoryview(b"hoST")],
)
def test_lookup_by_str_and_bytes_keys_of_any_case(key: object) -> None:
    h = request().headers
    assert h[key] == b"example.com"
    assert key in h
    assert h.get(key) == b"example.com"
    assert h.getall(key) == [b"example.com"]


def test_lookup_misses_and_bad_keys() -> None:
    h = request().headers
    with pytest.raises(KeyError) as info:
        h["hos"]
    assert info.value.args == ("hos",)
    with pytest.raises(KeyError) as info:
        h[b"Nope"]
    assert info.value.args == (b"Nope",)
    for key in ["hostx", "", b"h", "X-Empty-"]:
        assert key not in h
    assert None not in h and 3.5 not in h
    host_as_ints = [72, 111, 115, 116]  # b"Host" as a list: not a name
    for bad in [None, 7, object(), ("a", "tuple"), host_as_ints, array.array("i", [1])]:
        with pytest.raises(TypeError):
            h[bad]
        with pytest.raises(TypeError):
            h.get(bad)
        with pytest.raises(TypeError):
            h.getall(bad)
    with pytest.raises(UnicodeEncodeError):
        h["\ud800"]


def test_get_takes_positional_and_keyword_arguments() -> None:
    h = request().headers
    assert h.get("accept") == b"a"
    assert h.get(name="accept") == b"a"
    assert h.get("nope", 5) == 5
    assert h.get("nope", default=6) == 6
    assert h.get(default=7, name="nope") == 7
    assert h.get("x-empty", default=8) == b""
    with pytest.raises(TypeError):
        h.get()
    with pytest.raises(TypeError):
        h.get("a", 1, 2)
    with pytest.raises(TypeError):
        h.get("a", name="b")
    with pytest.raises(TypeError):
        h.get("a", other=1)
    with pytest.raises(TypeError):
        h.getall()
    with pytest.raises(TypeError):
        h.items(1)


def test_headers_compare_by_fields_and_are_not_hashable() -> None:
    a, b = request().headers, request().headers
    (other,) = http.RequestParser().feed(DATA.replace(b"Accept: a", b"Accept: b"))
    assert a == b and not (a != b)
    assert a != other.headers and not (a == other.headers)
    assert a != {"host": b"example.com"} and a != list(a)
    with pytest.raises(TypeError):
        a < b  # noqa: B015
    with pytest.raises(TypeError):
        hash(a)


def test_messages_stay_intact_after_later_feeds_reset_and_drop() -> None:
    parser = http.RequestParser()
    first = parser.feed(DATA)
    split = parser.feed(DATA[:30])
    assert split == []
    (second,) = parser.feed(DATA[30:])
    third = parser.feed(DATA * 2)
    parser.reset()
    (other,) = parser.feed(b"POST /other HTTP/1.1\r\nHost: o\r\nContent-Length: 1\r\n\r\nz")
    assert other.body == b"z"
    del parser
    gc.collect()
    for msg in [*first, second, *third]:
        assert (msg.method, msg.target) == (b"GET", b"/p")
        assert msg.headers["HOST"] == b"example.com"
        assert list(msg.headers)[2:4] == [(b"Set-Thing", b"1"), (b"set-thing", b"2")]


def test_headers_outlive_their_message_and_release_everything() -> None:
    data = bytes(DATA)
    base = sys.getrefcount(data)
    msg = http.RequestParser().feed(data)[0]
    headers, trailers = msg.headers, msg.trailers
    items = list(headers)
    del msg
    assert headers["accept"] == b"a" and len(trailers) == 0
    assert sys.getrefcount(data) > base
    del headers, trailers
    assert items[0] == (b"Host", b"example.com")
    assert sys.getrefcount(data) == base


def test_attribute_reads_do_not_leak_references() -> None:
    msg = request()
    target = msg.target
    base = sys.getrefcount(target)
    for _ in range(100):
        assert msg.target is target
        assert msg.headers["host"] == b"example.com"
        assert msg.headers.get("nope", target) is target
    assert sys.getrefcount(target) == base


def test_content_length_and_flags_are_read_as_values() -> None:
    (post,) = http.RequestParser().feed(
        b"POST /u HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc"
    )
    assert (post.content_length, post.body, post.version) == (3, b"abc", "1.0")
    assert post.keep_alive is True and post.chunked is False and post.upgrade is False
    (close,) = http.RequestParser().feed(b"GET / HTTP/1.0\r\n\r\n")
    assert close.keep_alive is False and close.content_length is None
    parser = http.ResponseParser()
    parser.expect(b"HEAD")
    (head,) = parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    assert head.content_length == 1_000_000 and head.body == b""


@pytest.mark.parametrize("count", [0, 1, 15, 16, 17, 40])
def test_headers_of_any_length_survive_reuse_of_freed_objects(count: int) -> None:
    fields = b"".join(b"X-Field-%d: value-%d\r\n" % (i, i) for i in range(count))
    data = b"GET /n HTTP/1.1\r\n" + fields + b"\r\n"
    parser = http.RequestParser()
    # Far more live messages than any free list holds, then free them all
    # and build again: reused blocks must never leak old fields.
    kept = [m for _ in range(200) for m in parser.feed(data)]
    del kept
    short = http.RequestParser().feed(b"GET /s HTTP/1.1\r\nA: 1\r\n\r\n" * 100)
    again = [m for _ in range(100) for m in parser.feed(data)]
    for msg in again:
        assert len(msg.headers) == count
        assert list(msg.headers) == [(b"X-Field-%d" % i, b"value-%d" % i) for i in range(count)]
        if count:
            assert msg.headers[f"x-field-{count - 1}"] == b"value-%d" % (count - 1)
    assert all(list(m.headers) == [(b"A", b"1")] and m.target == b"/s" for m in short)

"""Headers (case-insensitive multimap, lazy), message objects, the Parser
protocol, and the GIL release during a large feed."""

from __future__ import annotations

import sys
import threading
import time

import octonaut
import octonaut.http as http
import pytest

DATA = (
    b"GET /p HTTP/1.1\r\nHost: example.com\r\nAccept: a\r\nSet-Thing: 1\r\n"
    b"set-thing: 2\r\nSET-THING: 3\r\nX-Empty:\r\n\r\n"
)


def request() -> http.Request:
    (msg,) = http.RequestParser().feed(DATA)
    return msg


def test_lookup_is_case_insensitive_for_str_and_bytes() -> None:
    h = request().headers
    assert h["host"] == h[b"HOST"] == h["Host"] == b"example.com"
    assert h["set-thing"] == b"1"
    assert h.getall(b"Set-Thing") == [b"1", b"2", b"3"]
    assert h.getall("missing") == []
    assert h.get("missing") is None
    assert h.get("missing", b"dflt") == b"dflt"
    assert h.get("x-empty") == b""
    with pytest.raises(KeyError):
        h["missing"]
    assert "HOST" in h and b"accept" in h and "nope" not in h
    assert 42 not in h
    with pytest.raises(TypeError):
        h[42]


def test_iteration_is_wire_order_with_original_case() -> None:
    h = request().headers
    assert len(h) == 6
    assert list(h) == [
        (b"Host", b"example.com"),
        (b"Accept", b"a"),
        (b"Set-Thing", b"1"),
        (b"set-thing", b"2"),
        (b"SET-THING", b"3"),
        (b"X-Empty", b""),
    ]
    assert list(h) == h.items()
    assert h.keys() == [n for n, _ in h]
    assert h.values() == [v for _, v in h]
    assert "example.com" in repr(h)
    assert h == request().headers


def test_values_are_materialised_lazily() -> None:
    data = b"GET / HTTP/1.1\r\n" + b"".join(
        b"X-Field-%d: value number %d\r\n" % (i, i) for i in range(90)
    ) + b"\r\n"
    (msg,) = http.RequestParser().feed(data)
    h = msg.headers
    h.get("x-field-0")  # warm up any one-time lookups
    before = sys.getallocatedblocks()
    value = h["x-field-89"]
    after = sys.getallocatedblocks()
    assert value == b"value number 89"
    # One bytes object for the value touched, not 90 (nor 180 with names).
    assert after - before <= 2


def test_message_attributes() -> None:
    msg = request()
    assert msg.method == b"GET" and msg.target == b"/p"
    assert msg.target is msg.target  # cached after first access
    assert msg.version == "1.1"
    assert msg.body == b"" and msg.content_length is None and not msg.chunked
    assert msg.keep_alive and not msg.upgrade
    assert len(msg.trailers) == 0
    assert "GET /p" in repr(msg)
    with pytest.raises(AttributeError):
        msg.method = b"POST"


def test_messages_outlive_the_parser_and_its_slots() -> None:
    parser = http.RequestParser()
    kept = [m for _ in range(100) for m in parser.feed(DATA)]
    parser.reset()
    del parser
    assert {m.headers["host"] for m in kept} == {b"example.com"}


def test_parser_protocol_accepts_rust_and_python_parsers() -> None:
    class LinesParser:
        def __init__(self) -> None:
            self.buf = b""

        def feed(self, data: bytes) -> list[bytes]:
            self.buf += data
            *lines, self.buf = self.buf.split(b"\n")
            return lines

        def feed_eof(self) -> bytes | None:
            return self.buf or None

        def reset(self) -> None:
            self.buf = b""

    for parser in (http.RequestParser(), http.ResponseParser(), LinesParser()):
        assert isinstance(parser, http.Parser)
    assert not isinstance(object(), http.Parser)


def test_module_exports() -> None:
    assert octonaut.http is http
    for name in http.__all__:
        assert getattr(http, name) is not None


def test_gil_is_released_during_a_large_feed() -> None:
    data = DATA * 40_000  # ~4.6 MB, tens of milliseconds of parsing
    parser = http.RequestParser()
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1.0)  # without a release, the counter would starve
    thread = threading.Thread(target=count)
    thread.start()
    try:
        time.sleep(0.01)
        start_ticks = ticks
        messages = parser.feed(data)
        during = ticks - start_ticks
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(old)
    assert len(messages) == 40_000
    assert during > 0


def test_common_names_and_methods_are_shared_objects() -> None:
    parser = http.RequestParser()
    a, b = parser.feed(DATA * 2)
    assert a.method is b.method
    assert a.headers.keys()[0] is b.headers.keys()[0]  # b"Host", interned
    assert a.headers.keys()[2] == b"Set-Thing"  # not in the table: plain bytes
    (odd,) = parser.feed(b"PROPFIND /x HTTP/1.1\r\nX-Unusual-Name: 1\r\n\r\n")
    assert odd.method == b"PROPFIND"
    assert list(odd.headers) == [(b"X-Unusual-Name", b"1")]


def test_messages_share_a_small_fed_bytes_instead_of_copying_it() -> None:
    data = DATA * 3 + b"GET /split HTTP/1.1\r\nHo"
    base = sys.getrefcount(data)
    parser = http.RequestParser()
    msgs = parser.feed(data)
    assert [m.target for m in msgs] == [b"/p"] * 3
    assert sys.getrefcount(data) > base  # the heads are read from `data` itself
    assert [m.headers.getall("set-thing") for m in msgs] == [[b"1", b"2", b"3"]] * 3
    # A head split across feeds is assembled, so it cannot share either feed.
    (split,) = parser.feed(b"st: h\r\n\r\n")
    assert split.target == b"/split" and split.headers["host"] == b"h"
    del msgs
    assert sys.getrefcount(data) == base


def test_messages_never_pin_a_large_fed_bytes() -> None:
    body = b"x" * (70 * 1024)
    data = DATA + b"POST /big HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    base = sys.getrefcount(data)
    msgs = http.RequestParser(max_body=1 << 17).feed(data)
    assert [m.target for m in msgs] == [b"/p", b"/big"] and msgs[1].body == body
    assert sys.getrefcount(data) == base  # heads copied: a kept message pins only its own bytes


def test_messages_copy_from_mutable_buffers() -> None:
    data = bytearray(DATA)
    (msg,) = http.RequestParser().feed(data)
    data[:] = b"X" * len(data)
    assert msg.method == b"GET" and msg.headers["host"] == b"example.com"

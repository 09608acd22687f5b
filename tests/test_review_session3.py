"""Soundness review of session 3's C-API message classes and shared heads."""

import gc
import random
import weakref

import pytest
from octonaut import ParseError
from octonaut.http import Request, RequestParser

REQ = b"GET /x HTTP/1.1\r\nHost: a\r\nX-Y: z\r\n\r\n"


def test_bytes_subclass_feed_cannot_make_an_uncollectable_cycle():
    # Request and Headers are not tracked by the cycle collector, so a
    # message must never keep alive an object that can refer back to it: a
    # bytes subclass instance has a __dict__ that can.
    class Data(bytes):
        pass

    class Marker:
        pass

    marker = Marker()
    alive = weakref.ref(marker)
    data = Data(REQ)
    data.marker = marker
    data.messages = RequestParser().feed(data)
    assert data.messages[0].headers["host"] == b"a"
    del data, marker
    gc.collect()
    assert alive() is None


def test_headers_iteration_does_not_expose_a_mutable_cache():
    headers = RequestParser().feed(REQ)[0].headers
    # list_iterator.__reduce__ hands out the sequence it iterates.
    seq = iter(headers).__reduce__()[1][0]
    if isinstance(seq, list):
        seq.append((b"Evil", b"1"))
    assert list(headers) == [(b"Host", b"a"), (b"X-Y", b"z")]
    assert headers.items() == [(b"Host", b"a"), (b"X-Y", b"z")]
    assert repr(headers) == "Headers([(b'Host', b'a'), (b'X-Y', b'z')])"


def test_headers_cache_cannot_close_a_cycle_through_headers():
    class Marker:
        pass

    marker = Marker()
    alive = weakref.ref(marker)
    headers = RequestParser().feed(REQ)[0].headers
    seq = iter(headers).__reduce__()[1][0]
    if isinstance(seq, list):
        seq.append((headers, marker))
    del headers, seq, marker
    gc.collect()
    assert alive() is None


# Failing allocations at arbitrary points also hit CPython's own exception
# bookkeeping, which reports some as unraisable; that is not under test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failure_while_building_messages_leaves_the_parser_usable():
    testcapi = pytest.importorskip("_testcapi")
    for start in range(40):
        parser = RequestParser()
        testcapi.set_nomemory(start, start + 1)
        try:
            parser.feed(REQ * 3)
        except BaseException:  # MemoryError, or PyO3's PanicException for it
            pass
        finally:
            testcapi.remove_mem_hooks()
        # Messages lost to the failure are gone; the next feed reads the
        # next request, whole, and never a stale record.
        got = parser.feed(REQ)
        assert [(m.method, m.target, m.headers.items()) for m in got] == [
            (b"GET", b"/x", [(b"Host", b"a"), (b"X-Y", b"z")])
        ], start


def _random_message(rng: random.Random) -> bytes:
    fields = b"".join(b"N%d: v%d\r\n" % (i, i) for i in range(rng.randrange(20)))
    kind = rng.randrange(5)
    if kind == 0:
        return b"GET /a HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n"
    if kind == 1:
        return b"POST /b HTTP/1.1\r\nContent-Length: 3\r\n" + fields + b"\r\nabc"
    if kind == 2:
        trailers = b"".join(b"T%d: t\r\n" % i for i in range(rng.randrange(30)))
        return (
            b"PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
            + fields
            + b"\r\n2\r\nhi\r\n0\r\n"
            + trailers
            + b"\r\n"
        )
    if kind == 3:
        return b"GET /d HTTP/1.1\r\n" + fields + b"Bad Header\r\n\r\n"
    return b"DELETE /e HTTP/1.1\r\nX: " + b"y" * rng.randrange(4000) + b"\r\n\r\n"


def _feed_all(stream: bytes, cuts: list[int], buffer_type: type) -> list[object]:
    """What a parser reports for `stream` fed in pieces cut at `cuts`."""
    parser = RequestParser(max_head=3000)
    seen: list[object] = []

    def snapshot(messages: list[Request]) -> list[object]:
        # Read after the whole stream was fed: a shared head must still
        # read the same once later feeds have run.
        return [
            (m.method, m.target, list(m.headers), m.body, list(m.trailers))
            for m in messages
        ]

    kept: list[Request] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        try:
            kept += parser.feed(buffer_type(stream[start:end]))
        except ParseError as err:
            kept += err.messages
            seen.append((err.code, err.offset))
            break
    return snapshot(kept) + seen


def test_shared_heads_read_as_copied_ones_across_splits_and_errors():
    # bytes feeds leave whole heads in the fed object (parse_kept); a
    # bytearray is copied first. Both must give the same messages, also when
    # a feed fails part-way, a head spans feeds or a head is over max_head.
    rng = random.Random(3)
    for _ in range(200):
        stream = b"".join(_random_message(rng) for _ in range(rng.randrange(1, 25)))
        cuts = sorted(rng.sample(range(1, len(stream)), rng.randrange(0, 6)))
        shared = _feed_all(stream, cuts, bytes)
        assert shared == _feed_all(stream, cuts, bytearray), cuts

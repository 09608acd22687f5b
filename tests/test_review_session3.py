"""Soundness review of session 3's C-API message classes and shared heads."""

import gc
import weakref

import pytest
from octonaut.http import RequestParser

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

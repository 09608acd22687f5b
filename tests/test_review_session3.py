"""Soundness review of session 3's C-API message classes and shared heads."""

import gc
import weakref

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

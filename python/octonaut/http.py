"""HTTP/1.1 parsing: the sans-IO message API and the httptools-compatible
callback API.

Message API (in the manner of h11)::

    p = octonaut.http.RequestParser(max_head=16384, max_headers=100,
                                    max_body=1 << 20, lenient=())
    for request in p.feed(data):          # complete Requests, in order
        request.method, request.target, request.headers["host"], request.body

- ``feed(data)`` returns the complete messages, in order. A ``ParseError``
  (``LimitExceeded`` for limits) carries ``.code``, ``.offset`` (absolute
  stream offset of the offending byte) and ``.messages`` (the messages that
  same call completed before the error). Failure is sticky until ``reset()``.
- ``feed_eof()``: a ``RequestParser`` returns None between messages and raises
  ``ParseError(code="incomplete")`` inside one; a ``ResponseParser`` returns the
  response whose body ran until the close, None between messages, or raises.
- ``unparsed``: the bytes after an Upgrade or CONNECT message (the parser
  stops there; later feeds are appended to it).
- ``ResponseParser.expect(method)``: call once per request sent, in order, so
  responses to HEAD (no body) and CONNECT (a tunnel) are framed right.
- ``lenient``: names of the opt-in leniencies (strict otherwise): "bare_lf",
  "obs_fold", "space_before_colon", "te_with_cl", "duplicate_content_length",
  "data_after_close", "transfer_encoding_http10", "transfer_encoding_until_close"
  (responses only). Unknown names raise ValueError.
- Extra limits: ``max_line`` (8192) and ``max_chunk_extension`` (1024).

Callback API (httptools-compatible): ``HttpRequestParser(protocol)`` and
``HttpResponseParser(protocol)`` with ``feed_data``, ``get_method``,
``get_http_version``, ``should_keep_alive``, ``should_upgrade``,
``get_status_code`` and the protocol callbacks ``on_message_begin``,
``on_url``, ``on_status``, ``on_header(name, value)``, ``on_headers_complete``,
``on_body``, ``on_message_complete``, ``on_chunk_header``,
``on_chunk_complete`` (each called only if the protocol defines it; looked up
once at construction). The exceptions mirror httptools' hierarchy and are also
``octonaut.ParseError`` subclasses (``HttpParserUpgrade(offset)`` is a signal,
not an error, as in httptools); a limit violation is also an
``octonaut.LimitExceeded``. Bodies of any size stream through ``on_body``.
Extensions: ``feed_eof()`` ends the stream (completing a response whose body
runs until the close, or raising ``HttpParserError`` with
``code="incomplete"``), and the limits ``max_head``, ``max_headers``,
``max_line`` and ``max_chunk_extension`` are keyword arguments.
To say a response has no body (httptools issue #47), return True from
``on_headers_complete`` or call ``HttpResponseParser.expect(b"HEAD")`` before
(a request parser ignores that return value, as httptools does).

Strategy: the parsers are the Rust core's; this module only re-exports them
and names the ``Parser`` protocol that octonaut accepts wherever it takes a
parser, so a pure-Python parser with the same three methods works too.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from ._http_errors import (
    HttpParserCallbackError,
    HttpParserError,
    HttpParserInvalidMethodError,
    HttpParserInvalidStatusError,
    HttpParserInvalidURLError,
    HttpParserUpgrade,
)
from ._octonaut import (
    Headers,
    HttpRequestParser,
    HttpResponseParser,
    Request,
    RequestParser,
    Response,
    ResponseParser,
)

__all__ = [
    "Headers",
    "HttpParserCallbackError",
    "HttpParserError",
    "HttpParserInvalidMethodError",
    "HttpParserInvalidStatusError",
    "HttpParserInvalidURLError",
    "HttpParserUpgrade",
    "HttpRequestParser",
    "HttpResponseParser",
    "Parser",
    "Request",
    "RequestParser",
    "Response",
    "ResponseParser",
]


@runtime_checkable
class Parser(Protocol):
    """What octonaut needs of a parser: any object with these three methods
    (the Rust parsers, or a pure-Python one) works wherever octonaut accepts a
    parser.

    ``feed`` returns the complete messages the bytes finished, in order, and
    raises ``octonaut.ParseError`` on bad input; ``feed_eof`` is called when
    the stream ends and returns a final message or None (or raises);
    ``reset`` restores a clean slate.
    """

    def feed(self, data: bytes, /) -> list[Any]: ...

    def feed_eof(self) -> Any: ...

    def reset(self) -> None: ...

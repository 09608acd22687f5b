"""httptools-compatible exceptions for ``octonaut.http.HttpRequestParser`` and
``HttpResponseParser``.

Strategy: the hierarchy mirrors ``httptools.parser.errors`` exactly (same
names, same parents among themselves), so ``except HttpParserError`` code
written for httptools keeps working. The parse errors are also
``octonaut.ParseError`` subclasses (hence ``ValueError``), carrying ``.code``
and ``.offset`` like every octonaut parse error; ``HttpParserError(message)``
still constructs as in httptools. ``HttpParserUpgrade`` is not an error but a
signal, exactly as in httptools: ``args[0]`` is the offset in the data passed
to ``feed_data`` where the upgraded protocol's bytes begin.
"""

from __future__ import annotations

from ._errors import LimitExceeded, ParseError

__all__ = [
    "HttpParserError",
    "HttpParserCallbackError",
    "HttpParserInvalidStatusError",
    "HttpParserInvalidMethodError",
    "HttpParserInvalidURLError",
    "HttpParserUpgrade",
]


class HttpParserError(ParseError):
    """The input is not valid HTTP/1.x (httptools-compatible)."""


class HttpParserCallbackError(HttpParserError):
    """A protocol callback raised; the original exception is ``__context__``."""


class HttpParserInvalidStatusError(HttpParserError):
    """A bad status code in a response status line."""


class HttpParserInvalidMethodError(HttpParserError):
    """A bad request method."""


class HttpParserInvalidURLError(HttpParserError):
    """A bad request-target."""


class _HttpParserLimitExceeded(HttpParserError, LimitExceeded):
    """A configured limit was exceeded in the callback API: caught by
    ``except HttpParserError`` (httptools code) and by ``except
    octonaut.LimitExceeded`` alike."""


# Named as httptools names the error it raises there, so code that reports
# ``type(err).__name__`` sees the httptools name; ``__qualname__`` keeps the
# real one, so pickling still finds this class.
_HttpParserLimitExceeded.__name__ = "HttpParserError"


class HttpParserUpgrade(Exception):  # noqa: N818 - the httptools name
    """The message switched protocols; ``args[0]`` is the offset of the first
    byte after it in the data given to ``feed_data``."""

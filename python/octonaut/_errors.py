"""octonaut's exception hierarchy, in one place.

Strategy: the classes live in Python so ``ParseError`` can subclass both
``OctonautError`` and ``ValueError``; the Rust extension instantiates them.
"""

from __future__ import annotations

__all__ = ["OctonautError", "BufferFull", "ParseError", "LimitExceeded"]


class OctonautError(Exception):
    """Base class of every error octonaut raises on purpose."""


class BufferFull(OctonautError):
    """A bounded buffer had no room for the data (the message gives the sizes)."""


class ParseError(OctonautError, ValueError):
    """Input that breaks the format.

    ``code`` is a stable snake_case string, ``offset`` the absolute stream
    offset of the offending byte, and ``messages`` the complete messages the
    same ``feed`` call parsed before the error (so none is lost).
    """

    def __init__(
        self, message: str, code: str = "invalid", offset: int = 0, messages: list | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.offset = offset
        self.messages = [] if messages is None else messages

    def __reduce__(self):
        return (type(self), (str(self), self.code, self.offset, self.messages))


class LimitExceeded(ParseError):
    """A configured limit was exceeded; the message names the option that raises it."""

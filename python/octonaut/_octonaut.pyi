"""Type stubs for the Rust extension ``octonaut._octonaut``."""

from typing import Literal

from typing_extensions import Buffer as ReadableBuffer

__version__: str

# --- Buffer (issue 2) ---

# --- framing: Lines, LengthPrefixed (issue 3) ---

class Lines:
    """Splits a byte stream into records ending with ``delimiter``.

    ``feed_eof()`` returns the final record when the stream did not end with
    the delimiter. Over-long records raise ``LimitExceeded("line_too_long")``
    or, with ``on_error="skip"``, are dropped and counted in ``skipped``.
    """

    def __init__(
        self,
        *,
        delimiter: bytes = b"\n",
        max_length: int = 65536,
        keep_delimiter: bool = False,
        on_error: Literal["raise", "skip"] = "raise",
    ) -> None: ...
    def feed(self, data: ReadableBuffer) -> list[bytes]: ...
    def feed_eof(self) -> list[bytes]: ...
    def reset(self) -> None: ...
    @property
    def skipped(self) -> int: ...
    @property
    def offset(self) -> int: ...

class LengthPrefixed:
    """Splits a byte stream into payloads preceded by an unsigned length.

    ``feed_eof()`` returns ``[]`` or raises ``ParseError("incomplete")``.
    """

    def __init__(
        self,
        *,
        width: Literal[1, 2, 4, 8] = 4,
        byteorder: Literal["big", "little"] = "big",
        max_frame: int = 1 << 20,
        includes_header: bool = False,
    ) -> None: ...
    def feed(self, data: ReadableBuffer) -> list[bytes]: ...
    def feed_eof(self) -> list[bytes]: ...
    def reset(self) -> None: ...
    @property
    def offset(self) -> int: ...

# --- http (issue 3) ---

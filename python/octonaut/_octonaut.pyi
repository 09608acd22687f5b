"""Type stubs for the Rust extension ``octonaut._octonaut``."""

import sys
from collections.abc import Iterable, Iterator
from typing import Any, Literal, Self, SupportsIndex, final, overload

if sys.version_info >= (3, 12):
    from collections.abc import Buffer as _BytesLike
else:  # the wheel is abi3-py311; collections.abc.Buffer arrived in 3.12
    from typing_extensions import Buffer as _BytesLike

__version__: str
__all__ = [
    "__version__",
    "Buffer",
    "_BufferView",
    "Lines",
    "LengthPrefixed",
    "Headers",
    "Request",
    "Response",
    "RequestParser",
    "ResponseParser",
    "HttpRequestParser",
    "HttpResponseParser",
]

# --- Buffer (issue 2) ---

@final
class Buffer:
    """A bounded byte buffer: a lock-free single-producer/single-consumer ring.

    The readable bytes always form one contiguous region (the memory is one
    memfd mapped twice, or a heap fallback that mirrors every commit), so
    ``peek()``, ``memoryview(buf)``, ``find`` and slicing never copy around a
    wrap point.

    Threads: one writer thread (``write``, ``writable``, ``commit``) and one
    reader thread (every consuming or inspecting method: ``read``,
    ``readinto``, ``readline``, ``skip``, ``clear``, ``peek``, ``find``,
    ``buf[i]``, ``memoryview(buf)``) may use one Buffer concurrently with no
    lock. A second thread entering the same side at the same time raises
    ``RuntimeError``. ``len(buf)``, ``free``, ``tell()``, ``capacity`` and
    ``mirrored`` may be called from any thread.

    Views: a view keeps the Buffer alive. Consuming bytes while a read view
    (``peek()``/``memoryview(buf)``) is alive, or writing/committing while a
    ``writable()`` view is alive, raises ``BufferError`` (like bytearray);
    release views with ``view.release()`` or ``with`` blocks.

    Fork: the ring is not inherited by a child process (``MADV_DONTFORK``). In
    a forked child every method that touches the bytes raises
    ``RuntimeError``; views exported before the fork must not be used there.
    """

    def __new__(cls, capacity: int, *, mirrored: bool | None = None) -> Self:
        """Create a buffer holding at least ``capacity`` bytes (``capacity > 0``).

        ``mirrored=None`` double-maps when possible and otherwise falls back to
        the heap; ``True`` requires the double mapping (``OSError`` if
        unavailable); ``False`` forces the heap fallback.
        """

    @property
    def capacity(self) -> int:
        """Usable bytes: at least the requested size, page-rounded when mirrored."""

    @property
    def mirrored(self) -> bool:
        """True when the memory is one memfd mapped twice."""

    @property
    def free(self) -> int:
        """Bytes writable right now (``capacity - len(buf)``)."""

    def __len__(self) -> int:
        """Bytes readable right now."""

    def tell(self) -> int:
        """Absolute stream offset of the next unread byte (total consumed so far)."""

    def write(self, data: _BytesLike, timeout: float | None = 0) -> None:
        """Append all of ``data`` or nothing.

        If ``len(data) > free``: with ``timeout=0`` raise ``BufferFull`` at
        once; with a positive timeout wait (GIL released) up to that many
        seconds for room, then raise ``BufferFull``; with ``timeout=None`` wait
        forever. ``len(data) > capacity`` raises ``BufferFull`` at once. The
        message names the sizes; a failed write changes nothing. Raises
        ``BufferError`` while a ``writable()`` view is alive.

        An exact ``bytes`` of 32 KiB or more is lent, not copied: the Buffer
        keeps a reference to it (it still counts against the capacity) until
        its bytes are consumed. Other objects are copied in.
        """

    def writable(self) -> memoryview:
        """A writable, contiguous memoryview over all free space.

        Write into it (e.g. ``n = sock.recv_into(buf.writable())``), release
        it, then publish with ``commit(n)``.
        """

    def commit(self, n: int) -> None:
        """Publish ``n`` bytes written through ``writable()``.

        ``ValueError`` if ``n < 0`` or ``n > free``; ``BufferError`` while a
        ``writable()`` view is still alive.
        """

    def peek(self, n: int | None = -1) -> memoryview:
        """A read-only, contiguous memoryview of the first ``n`` readable bytes
        (all of them if ``n < 0``, at most ``len(buf)``). Consumes nothing.

        Lent bytes (see ``write``) are first copied into the ring, once; so
        are they before ``memoryview(buf)``, ``find``, indexing and
        ``readline``."""

    # PEP 688, so type checkers see a Buffer (on every version, as typeshed
    # declares bytes'); at runtime these are the C buffer slots, which the
    # limited API does not show as methods on 3.11 (see
    # tests/stubtest-allowlist.txt).
    def __buffer__(self, flags: int, /) -> memoryview:
        """``memoryview(buf)``: read-only view of all readable bytes (like ``peek()``)."""

    def __release_buffer__(self, view: memoryview, /) -> None: ...
    def read(self, n: int | None = -1, timeout: float | None = 0) -> bytes:
        """Consume and return up to ``n`` bytes (all readable bytes if ``n < 0``).

        Pipe-like: never waits for all ``n`` bytes. If the buffer is empty and
        ``n != 0``, waits (GIL released) until at least one byte arrives or the
        timeout runs out (``timeout=0``: no wait, ``None``: forever); returns
        ``b""`` when nothing arrived in time. A read of exactly the bytes of
        one lent ``write`` (see ``write``) returns that very object.
        """

    def readinto(self, b: _BytesLike, timeout: float | None = 0) -> int:
        """Move up to ``len(b)`` readable bytes into the writable buffer ``b``;
        return how many.

        Like ``read``: if the buffer is empty and ``len(b) > 0``, waits (GIL
        released) until at least one byte arrives or the timeout runs out
        (``timeout=0``, the default: no wait, ``None``: forever); returns 0 when
        nothing arrived in time.
        """

    def readline(self, limit: int | None = -1) -> bytes:
        """Consume and return one complete line including ``b"\\n"``, or ``b""``
        if no complete line is buffered yet (nothing is consumed then).

        With ``limit >= 0`` only the first ``limit`` bytes are searched; if they
        hold no newline but ``limit`` bytes are readable, those ``limit`` bytes
        are returned (like ``io.BufferedReader.readline(limit)``).
        """

    def skip(self, n: int) -> None:
        """Discard the next ``n`` bytes; ``ValueError`` if ``n < 0`` or ``n > len(buf)``."""

    def clear(self) -> None:
        """Discard every readable byte (``tell()`` advances by ``len(buf)``)."""

    def find(
        self,
        sub: _BytesLike | int,
        start: SupportsIndex | None = 0,
        end: SupportsIndex | None = None,
    ) -> int:
        """Lowest index (relative to the next unread byte) where ``sub`` occurs in
        the readable bytes within ``[start, end)``, or -1. Same rules as
        ``bytes.find`` (negative indices, int ``sub``); memchr/memmem speed."""

    @overload
    def __getitem__(self, index: int, /) -> int: ...
    @overload
    def __getitem__(self, index: slice, /) -> bytes:
        """``buf[i]`` / ``buf[i:j:k]`` over the readable bytes, like ``bytes``."""

@final
class _BufferView:
    """The exporter behind ``writable()`` and ``peek()`` memoryviews; it keeps
    its Buffer alive while any view lives."""

# --- framing: Lines, LengthPrefixed (issue 3) ---

@final
class Lines:
    """Splits a byte stream into records ending with ``delimiter``.

    ``feed_eof()`` returns the final record when the stream did not end with
    the delimiter. Over-long records raise ``LimitExceeded("line_too_long")``
    or, with ``on_error="skip"``, are dropped and counted in ``skipped``.
    """

    def __new__(
        cls,
        *,
        delimiter: bytes = b"\n",
        max_length: int = 65536,
        keep_delimiter: bool = False,
        on_error: Literal["raise", "skip"] = "raise",
    ) -> Self: ...
    def feed(self, data: _BytesLike) -> list[bytes]: ...
    def feed_eof(self) -> list[bytes]: ...
    def reset(self) -> None: ...
    @property
    def skipped(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def unparsed(self) -> bytes:
        """Always ``b""``: a framing parser never stops early."""

@final
class LengthPrefixed:
    """Splits a byte stream into payloads preceded by an unsigned length.

    ``feed_eof()`` returns ``[]`` or raises ``ParseError("incomplete")``.
    """

    def __new__(
        cls,
        *,
        width: Literal[1, 2, 4, 8] = 4,
        byteorder: Literal["big", "little"] = "big",
        max_frame: int = 1 << 20,
        includes_header: bool = False,
    ) -> Self: ...
    def feed(self, data: _BytesLike) -> list[bytes]: ...
    def feed_eof(self) -> list[bytes]: ...
    def reset(self) -> None: ...
    @property
    def offset(self) -> int: ...
    @property
    def unparsed(self) -> bytes:
        """Always ``b""``: a framing parser never stops early."""

# --- http (issue 3) ---

_Name = str | bytes
_Buffer = bytes | bytearray | memoryview

@final
class Headers:
    """Case-insensitive multimap of fields in wire order; values made lazily."""

    def __len__(self) -> int: ...
    def __getitem__(self, name: _Name, /) -> bytes: ...
    def __contains__(self, name: object, /) -> bool: ...
    def __iter__(self) -> Iterator[tuple[bytes, bytes]]: ...
    @overload
    def get(self, name: _Name) -> bytes | None: ...
    @overload
    def get(self, name: _Name, default: Any) -> Any: ...
    def getall(self, name: _Name) -> list[bytes]: ...
    def items(self) -> list[tuple[bytes, bytes]]: ...
    def keys(self) -> list[bytes]: ...
    def values(self) -> list[bytes]: ...

@final
class Request:
    @property
    def method(self) -> bytes: ...
    @property
    def target(self) -> bytes: ...
    @property
    def version(self) -> str: ...
    @property
    def headers(self) -> Headers: ...
    @property
    def trailers(self) -> Headers: ...
    @property
    def body(self) -> bytes: ...
    @property
    def keep_alive(self) -> bool: ...
    @property
    def upgrade(self) -> bool: ...
    @property
    def content_length(self) -> int | None: ...
    @property
    def chunked(self) -> bool: ...

@final
class Response:
    @property
    def status(self) -> int: ...
    @property
    def reason(self) -> bytes: ...
    @property
    def version(self) -> str: ...
    @property
    def headers(self) -> Headers: ...
    @property
    def trailers(self) -> Headers: ...
    @property
    def body(self) -> bytes: ...
    @property
    def keep_alive(self) -> bool: ...
    @property
    def upgrade(self) -> bool: ...
    @property
    def content_length(self) -> int | None: ...
    @property
    def chunked(self) -> bool: ...

@final
class RequestParser:
    def __new__(
        cls,
        *,
        max_head: int = 16384,
        max_headers: int = 100,
        max_body: int = 1 << 20,
        lenient: Iterable[str] | None = (),
        max_line: int = 8192,
        max_chunk_extension: int = 1024,
    ) -> Self: ...
    def feed(self, data: _Buffer) -> list[Request]: ...
    def feed_eof(self) -> None: ...
    @property
    def unparsed(self) -> bytes: ...
    @property
    def offset(self) -> int: ...
    def reset(self) -> None: ...

@final
class ResponseParser:
    def __new__(
        cls,
        *,
        max_head: int = 16384,
        max_headers: int = 100,
        max_body: int = 1 << 20,
        lenient: Iterable[str] | None = (),
        max_line: int = 8192,
        max_chunk_extension: int = 1024,
    ) -> Self: ...
    def expect(self, method: str | _Buffer) -> None: ...
    def feed(self, data: _Buffer) -> list[Response]: ...
    def feed_eof(self) -> Response | None: ...
    @property
    def unparsed(self) -> bytes: ...
    @property
    def offset(self) -> int: ...
    def reset(self) -> None: ...

@final
class HttpRequestParser:
    def __new__(
        cls,
        protocol: object,
        *,
        max_head: int = 16384,
        max_headers: int = 100,
        max_line: int = 8192,
        lenient: Iterable[str] | None = (),
        max_chunk_extension: int = 1024,
    ) -> Self: ...
    def feed_data(self, data: _Buffer) -> None: ...
    def feed_eof(self) -> None: ...
    def get_method(self) -> bytes: ...
    def get_http_version(self) -> str: ...
    def should_keep_alive(self) -> bool: ...
    def should_upgrade(self) -> bool: ...

@final
class HttpResponseParser:
    def __new__(
        cls,
        protocol: object,
        *,
        max_head: int = 16384,
        max_headers: int = 100,
        max_line: int = 8192,
        lenient: Iterable[str] | None = (),
        max_chunk_extension: int = 1024,
    ) -> Self: ...
    def feed_data(self, data: _Buffer) -> None: ...
    def feed_eof(self) -> None: ...
    def expect(self, method: str | _Buffer) -> None: ...
    def get_status_code(self) -> int: ...
    def get_http_version(self) -> str: ...
    def should_keep_alive(self) -> bool: ...
    def should_upgrade(self) -> bool: ...

"""octonaut: bounded lock-free buffers, slab-backed structures and incremental,
zero-allocation parsers for byte streams, written in Rust.

Strategy: every class here is a thin Python face over a Rust primitive in
``octonaut-core``; the hot loops run with the GIL released. Errors form one
hierarchy: ``OctonautError`` > ``BufferFull``, ``ParseError`` > ``LimitExceeded``.
"""

from __future__ import annotations

from . import _octonaut, http
from ._errors import BufferFull, LimitExceeded, OctonautError, ParseError
from ._octonaut import Buffer, LengthPrefixed, Lines

__version__: str = _octonaut.__version__

__all__ = [
    "Buffer",
    "BufferFull",
    "LengthPrefixed",
    "LimitExceeded",
    "Lines",
    "OctonautError",
    "ParseError",
    "__version__",
    "http",
]

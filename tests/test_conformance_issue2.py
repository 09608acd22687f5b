"""Issue 2 (Buffer) clause by clause, as an outside tester would probe it:
the places where the Buffer promises to behave like ``bytes`` or ``io``
(``find`` bounds, ``None`` sizes), checked against those references."""

from __future__ import annotations

import mmap

import octonaut
import pytest

DATA = b"hello\nworld\nabcd\n"


def filled(mirrored: bool) -> octonaut.Buffer:
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    # Cross the wrap point first, so the readable bytes straddle it.
    buf.write(b"x" * 4090)
    buf.skip(4090)
    buf.write(DATA)
    return buf


@pytest.fixture(params=[True, False], ids=["mirrored", "fallback"])
def buf(request) -> octonaut.Buffer:
    return filled(request.param)


BOUNDS = [None, 0, 3, -3, -100, 100, 1 << 70, -(1 << 70), len(DATA), len(DATA) + 1]


@pytest.mark.parametrize("sub", [b"\n", b"o", b"ab", b"", b"zz", 10, ord("d")])
@pytest.mark.parametrize("start", BOUNDS)
@pytest.mark.parametrize("end", BOUNDS)
def test_find_bounds_follow_bytes_find(buf, sub, start, end):
    assert buf.find(sub, start, end) == DATA.find(sub, start, end)


def test_find_keyword_bounds(buf):
    assert buf.find(b"o", start=5, end=9) == DATA.find(b"o", 5, 9) == 7


def test_find_rejects_what_bytes_find_rejects(buf):
    with pytest.raises(TypeError):
        buf.find("o")
    with pytest.raises(TypeError):
        buf.find(b"o", "1")
    with pytest.raises(ValueError):
        buf.find(256)


def test_none_sizes_mean_everything_as_in_io(buf):
    assert bytes(buf.peek(None)) == DATA
    assert buf.readline(None) == b"hello\n"
    assert buf.read(None) == DATA[6:]
    assert buf.tell() == 4090 + len(DATA)
    assert buf.read(None) == b""


def test_capacity_rounds_to_pages_only_when_mirrored():
    page = mmap.PAGESIZE
    mirrored = octonaut.Buffer(page + 1, mirrored=True)
    assert mirrored.mirrored and mirrored.capacity == 2 * page
    plain = octonaut.Buffer(page + 1, mirrored=False)
    assert not plain.mirrored and plain.capacity == page + 1
    assert octonaut.Buffer(1).capacity >= 1


def test_failed_write_of_any_kind_leaves_contents(buf):
    before = (bytes(buf.peek()), buf.tell(), buf.free)
    for data, timeout in [(b"y" * (buf.free + 1), 0), (b"y" * (buf.capacity + 1), None)]:
        with pytest.raises(octonaut.BufferFull) as info:
            buf.write(data, timeout=timeout)
        assert str(len(data)) in str(info.value)
    assert (bytes(buf.peek()), buf.tell(), buf.free) == before

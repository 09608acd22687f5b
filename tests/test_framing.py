"""octonaut.Lines and octonaut.LengthPrefixed against pure-Python references.

Split invariance: the frames and the error are the same however the stream is
cut into feeds (hypothesis picks the cuts, including one byte at a time).
"""

from __future__ import annotations

import struct

import octonaut
import pytest
from hypothesis import given
from hypothesis import strategies as st

# --- references -------------------------------------------------------------


def reference_lines(stream, delimiter, max_length, keep_delimiter, skip):
    """(frames, error (code, offset) or None, skipped) for the whole stream + EOF."""
    frames, skipped, position = [], 0, 0
    while True:
        end = stream.find(delimiter, position)
        if end == -1:
            break
        record = stream[position:end]
        if len(record) > max_length:
            if not skip:
                return frames, ("line_too_long", position + max_length), skipped
            skipped += 1
        else:
            frames.append(record + delimiter if keep_delimiter else record)
        position = end + len(delimiter)
    rest = stream[position:]
    if rest:
        if len(rest) > max_length:
            if not skip:
                return frames, ("line_too_long", position + max_length), skipped
            skipped += 1
        else:
            frames.append(rest)
    return frames, None, skipped


FORMATS = {1: "B", 2: "H", 4: "I", 8: "Q"}


def encode(payload, width, byteorder, includes_header):
    length = len(payload) + (width if includes_header else 0)
    prefix = ">" if byteorder == "big" else "<"
    return struct.pack(prefix + FORMATS[width], length) + payload


def reference_length_prefixed(stream, width, byteorder, max_frame, includes_header):
    """(frames, error (code, offset) or None): a `struct.unpack_from` loop."""
    fmt = (">" if byteorder == "big" else "<") + FORMATS[width]
    frames, position = [], 0
    while position < len(stream):
        if len(stream) - position < width:
            return frames, ("incomplete", len(stream))
        (length,) = struct.unpack_from(fmt, stream, position)
        if includes_header:
            if length < width:
                return frames, ("invalid_length", position)
            length -= width
        if length > max_frame:
            return frames, ("frame_too_large", position)
        if len(stream) - position - width < length:
            return frames, ("incomplete", len(stream))
        frames.append(stream[position + width : position + width + length])
        position += width + length
    return frames, None


# --- driving ------------------------------------------------------------------


def drive(parser, chunks):
    """Feeds every chunk then EOF; returns (frames, error (code, offset) or None)."""
    frames = []
    try:
        for chunk in chunks:
            frames += parser.feed(chunk)
        frames += parser.feed_eof()
    except octonaut.ParseError as error:
        frames += error.messages
        return frames, (error.code, error.offset)
    return frames, None


def cut(stream, cuts):
    points = sorted({min(c, len(stream)) for c in cuts})
    pieces, start = [], 0
    for point in points + [len(stream)]:
        pieces.append(stream[start:point])
        start = point
    return pieces


streams = st.lists(st.sampled_from([b"a", b"b", b"\r", b"\n", b"\r\n", b"xyz"]), max_size=40)
cut_points = st.lists(st.integers(min_value=0, max_value=120), max_size=12)


@given(
    parts=streams,
    delimiter=st.sampled_from([b"\n", b"\r\n", b"ab", b"aab", b"\n\n"]),
    max_length=st.integers(min_value=0, max_value=10),
    keep_delimiter=st.booleans(),
    skip=st.booleans(),
    cuts=cut_points,
    one_byte_at_a_time=st.booleans(),
)
def test_lines_matches_reference_in_any_split(
    parts, delimiter, max_length, keep_delimiter, skip, cuts, one_byte_at_a_time
):
    stream = b"".join(parts)
    chunks = [stream[i : i + 1] for i in range(len(stream))] if one_byte_at_a_time else None
    chunks = chunks if chunks is not None else cut(stream, cuts)
    parser = octonaut.Lines(
        delimiter=delimiter,
        max_length=max_length,
        keep_delimiter=keep_delimiter,
        on_error="skip" if skip else "raise",
    )
    frames, error, skipped = reference_lines(stream, delimiter, max_length, keep_delimiter, skip)
    assert drive(parser, chunks) == (frames, error)
    if error is None:
        assert parser.skipped == skipped


@st.composite
def framed_streams(draw):
    width = draw(st.sampled_from([1, 2, 4, 8]))
    byteorder = draw(st.sampled_from(["big", "little"]))
    includes_header = draw(st.booleans())
    payloads = draw(st.lists(st.binary(max_size=20), max_size=8))
    stream = b"".join(encode(p, width, byteorder, includes_header) for p in payloads)
    stream += draw(st.binary(max_size=12))  # sometimes garbage or a cut-short frame
    return stream, width, byteorder, includes_header


@given(framed=framed_streams(), max_frame=st.integers(min_value=0, max_value=24), cuts=cut_points)
def test_length_prefixed_matches_struct_reference_in_any_split(framed, max_frame, cuts):
    stream, width, byteorder, includes_header = framed
    parser = octonaut.LengthPrefixed(
        width=width, byteorder=byteorder, max_frame=max_frame, includes_header=includes_header
    )
    expected = reference_length_prefixed(stream, width, byteorder, max_frame, includes_header)
    assert drive(parser, cut(stream, cuts)) == expected


# --- Lines ------------------------------------------------------------------


def test_lines_defaults_and_final_record_at_eof():
    lines = octonaut.Lines()
    assert lines.feed(b"one\ntw") == [b"one"]
    assert lines.feed(b"o\n\nthree") == [b"two", b""]
    assert lines.feed_eof() == [b"three"]
    assert lines.feed_eof() == []
    assert lines.offset == 14


def test_lines_keep_delimiter_and_custom_delimiter():
    lines = octonaut.Lines(delimiter=b"\r\n", keep_delimiter=True)
    assert lines.feed(b"a\r\nb\r") == [b"a\r\n"]
    assert lines.feed(b"\n") == [b"b\r\n"]


def test_lines_too_long_raises_limit_exceeded_with_earlier_frames_and_sticks():
    lines = octonaut.Lines(max_length=4)
    lines.feed(b"0123")
    with pytest.raises(octonaut.LimitExceeded) as info:
        lines.feed(b"\nok\nabcdef\nlater\n")
    error = info.value
    assert isinstance(error, octonaut.ParseError) and isinstance(error, ValueError)
    assert (error.code, error.offset, error.messages) == ("line_too_long", 12, [b"0123", b"ok"])
    assert "max_length = 4" in str(error) and "max_length=" in str(error)
    # Sticky: the same error, without frames, until reset.
    with pytest.raises(octonaut.LimitExceeded) as again:
        lines.feed(b"fine\n")
    assert (again.value.code, again.value.offset, again.value.messages) == (
        "line_too_long",
        12,
        [],
    )
    with pytest.raises(octonaut.LimitExceeded):
        lines.feed_eof()
    lines.reset()
    assert lines.feed(b"fine\n") == [b"fine"]
    assert lines.offset == 5


def test_lines_too_long_is_raised_before_the_delimiter_arrives():
    lines = octonaut.Lines(max_length=8)
    with pytest.raises(octonaut.LimitExceeded) as info:
        for _ in range(10):
            lines.feed(b"xxxx")
    assert info.value.offset == 8


def test_lines_skip_mode_counts_and_resyncs():
    lines = octonaut.Lines(max_length=3, on_error="skip")
    assert lines.feed(b"a\nlonglong") == [b"a"]
    assert lines.skipped == 1
    assert lines.feed(b"longer\nbc\nwaytoolong\nd") == [b"bc"]
    assert lines.skipped == 2
    assert lines.feed_eof() == [b"d"]
    lines.reset()
    assert lines.skipped == 0


def test_lines_accepts_any_contiguous_bytes_like():
    lines = octonaut.Lines()
    assert lines.feed(bytearray(b"a\nb")) == [b"a"]
    assert lines.feed(memoryview(b"\nc\n")) == [b"b", b"c"]
    assert lines.feed(memoryview(b"x\ny\n")[2:]) == [b"y"]
    with pytest.raises(ValueError):
        lines.feed(memoryview(b"a\nb\nc")[::2])
    with pytest.raises(TypeError):
        lines.feed("text\n")


def test_lines_large_feed_released_gil_path_is_correct():
    # >= 64 KiB bytes feeds are scanned with the GIL released.
    records = [b"r%d" % i * (i % 7) for i in range(50_000)]
    stream = b"\n".join(records) + b"\n"
    assert len(stream) > 1 << 18
    lines = octonaut.Lines()
    head = lines.feed(b"pre")
    assert head == []
    got = lines.feed(stream)
    assert got == [b"pre" + records[0]] + records[1:]


def test_lines_bad_options():
    with pytest.raises(ValueError):
        octonaut.Lines(delimiter=b"")
    with pytest.raises(ValueError):
        octonaut.Lines(on_error="ignore")
    with pytest.raises(TypeError):
        octonaut.Lines(b"\n")  # keyword-only
    with pytest.raises(MemoryError):
        octonaut.Lines(max_length=2**63)


# --- LengthPrefixed -----------------------------------------------------------


@pytest.mark.parametrize("width", [1, 2, 4, 8])
@pytest.mark.parametrize("byteorder", ["big", "little"])
@pytest.mark.parametrize("includes_header", [False, True])
def test_length_prefixed_every_option(width, byteorder, includes_header):
    payloads = [b"hello", b"", b"x" * 200 if width > 1 else b"x" * 200]
    stream = b"".join(encode(p, width, byteorder, includes_header) for p in payloads)
    parser = octonaut.LengthPrefixed(
        width=width, byteorder=byteorder, includes_header=includes_header
    )
    assert parser.feed(stream[:3]) + parser.feed(stream[3:]) == payloads
    assert parser.feed_eof() == []


def test_length_prefixed_defaults_are_4_byte_big_endian():
    parser = octonaut.LengthPrefixed()
    assert parser.feed(b"\x00\x00\x00\x02hi\x00\x00\x00") == [b"hi"]
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed_eof()
    assert (info.value.code, info.value.offset) == ("incomplete", 9)
    assert not isinstance(info.value, octonaut.LimitExceeded)


def test_length_prefixed_frame_too_large_and_sticky():
    parser = octonaut.LengthPrefixed(width=2, max_frame=4)
    with pytest.raises(octonaut.LimitExceeded) as info:
        parser.feed(b"\x00\x01a\x00\x05hello")
    assert (info.value.code, info.value.offset, info.value.messages) == (
        "frame_too_large",
        3,
        [b"a"],
    )
    assert "max_frame = 4" in str(info.value)
    with pytest.raises(octonaut.LimitExceeded):
        parser.feed(b"\x00\x00")
    parser.reset()
    assert parser.feed(b"\x00\x04abcd") == [b"abcd"]


def test_length_prefixed_invalid_length_when_header_counted():
    parser = octonaut.LengthPrefixed(width=4, includes_header=True)
    with pytest.raises(octonaut.ParseError) as info:
        parser.feed(b"\x00\x00\x00\x05a\x00\x00\x00\x03")
    assert (info.value.code, info.value.offset, info.value.messages) == (
        "invalid_length",
        5,
        [b"a"],
    )


def test_length_prefixed_large_payload_split_and_whole():
    payload = bytes(range(256)) * 4096  # 1 MiB
    stream = encode(payload, 4, "big", False) * 2
    parser = octonaut.LengthPrefixed()
    assert parser.feed(stream) == [payload, payload]
    parser = octonaut.LengthPrefixed()
    got = []
    for i in range(0, len(stream), 100_000):
        got += parser.feed(stream[i : i + 100_000])
    assert got == [payload, payload]


def test_length_prefixed_bad_options():
    with pytest.raises(ValueError):
        octonaut.LengthPrefixed(width=3)
    with pytest.raises(ValueError):
        octonaut.LengthPrefixed(byteorder="network")
    with pytest.raises(MemoryError):
        octonaut.LengthPrefixed(max_frame=2**64 - 1)


def test_framing_parsers_share_the_feed_protocol():
    for parser in (octonaut.Lines(), octonaut.LengthPrefixed()):
        for name in ("feed", "feed_eof", "reset"):
            assert callable(getattr(parser, name))


def test_lines_simd_finder_alignment_regression():
    # The core's memmem finder holds 32-byte-aligned SIMD vectors; Python
    # objects are only 16-byte aligned, so an unboxed parser segfaulted here
    # for multi-byte delimiters and inputs >= 33 bytes, depending on layout.
    parsers = [octonaut.Lines(delimiter=b"ab") for _ in range(64)]
    for parser in parsers:
        assert parser.feed(b"x" * 40 + b"ab" + b"y" * 40 + b"ab") == [b"x" * 40, b"y" * 40]

"""octonaut.Lines and octonaut.LengthPrefixed against the stdlib idioms (issue 3).

- Lines, streamed in 64 KiB feeds, against the streaming ``bytes.split``
  idiom (``(pending + chunk).split(b"\\n")``, keep the last piece).
- Lines fed the whole stream at once, against ``bytes.splitlines()`` and
  ``bytes.split()`` of the whole stream (not incremental: an upper bound).
- LengthPrefixed (4-byte big-endian) in 64 KiB feeds, against a
  ``struct.unpack_from`` loop.
- Whether releasing the GIL pays: Lines fed the same 64 KiB chunks as
  ``bytes`` (scanned with the GIL released) and as ``memoryview`` (scanned
  holding it): the cost; and two threads each running their own Lines over
  1 MiB feeds against the same work done one after the other: the gain.

Run: python benchmarks/bench_framing.py [--quick]
"""

from __future__ import annotations

import random
import struct
import threading

import octonaut
from _harness import Row, best_of_pair, parse_args, print_table, rate

CHUNK = 64 * 1024
MB = 1e6


def make_lines(total: int) -> bytes:
    rng = random.Random(5)
    parts, size = [], 0
    while size < total:
        line = bytes(rng.choices(b"abcdefghij klmnop,;:", k=rng.randrange(5, 120))) + b"\n"
        parts.append(line)
        size += len(line)
    return b"".join(parts)


def make_frames(total: int) -> tuple[bytes, int]:
    rng = random.Random(6)
    parts, size, count = [], 0, 0
    while size < total:
        payload = rng.randbytes(rng.randrange(0, 200))
        parts.append(struct.pack(">I", len(payload)) + payload)
        size += 4 + len(payload)
        count += 1
    return b"".join(parts), count


def chunked(data: bytes) -> list[bytes]:
    return [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]


# --- Lines ----------------------------------------------------------------------


def lines_octonaut(chunks) -> int:
    parser = octonaut.Lines()
    count = 0
    for chunk in chunks:
        count += len(parser.feed(chunk))
    return count + len(parser.feed_eof())


def lines_split_idiom(chunks) -> int:
    pending = b""
    count = 0
    for chunk in chunks:
        parts = (pending + chunk).split(b"\n")
        pending = parts.pop()
        count += len(parts)
    return count + (1 if pending else 0)


def lines_rows(quick: bool) -> list[Row]:
    data = make_lines((4 if quick else 32) * 1024 * 1024)
    chunks = chunked(data)
    views = [memoryview(chunk) for chunk in chunks]
    expected = data.count(b"\n")
    assert lines_octonaut(chunks) == lines_split_idiom(chunks) == expected
    assert len(octonaut.Lines().feed(data)) == len(data.splitlines()) == expected
    repeat = 3 if quick else 5
    mb = len(data) / MB

    def row(case, peer_name, peer, ours) -> Row:
        peer_s, ours_s = best_of_pair(peer, ours, repeat)
        return Row(case, peer_name, rate(mb, peer_s), rate(mb, ours_s), "MB/s")

    streamed = lambda: lines_octonaut(chunks)  # noqa: E731
    whole = lambda: octonaut.Lines().feed(data)  # noqa: E731
    return [
        row("Lines, 64 KiB feeds", "bytes.split streaming idiom",
            lambda: lines_split_idiom(chunks), streamed),
        row("Lines, one feed", "bytes.splitlines() (whole)", data.splitlines, whole),
        row("Lines, one feed", "bytes.split(b'\\n') (whole)", lambda: data.split(b"\n"), whole),
        row("Lines, 64 KiB feeds, bytes (GIL released)", "memoryview (GIL held)",
            lambda: lines_octonaut(views), streamed),
    ]  # fmt: skip


def concurrency_rows(quick: bool) -> list[Row]:
    """Two threads, each with its own Lines, vs the same work sequentially."""
    rows = []
    for record in (64, 4096):
        line = b"x" * (record - 1) + b"\n"
        data = line * (((16 if quick else 64) << 20) // record)
        chunks = [data[i : i + (1 << 20)] for i in range(0, len(data), 1 << 20)]

        def work(chunks=chunks):
            parser = octonaut.Lines()
            for chunk in chunks:
                parser.feed(chunk)

        def sequential(work=work):
            work()
            work()

        def two_threads(work=work):
            threads = [threading.Thread(target=work) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        peer_s, ours_s = best_of_pair(sequential, two_threads, 3 if quick else 5)
        mb = 2 * len(data) / MB
        rows.append(
            Row(f"Lines x2 threads, 1 MiB feeds, {record} B records", "same work, sequential",
                rate(mb, peer_s), rate(mb, ours_s), "MB/s")
        )  # fmt: skip
    return rows


# --- LengthPrefixed -------------------------------------------------------------


def frames_octonaut(chunks) -> int:
    parser = octonaut.LengthPrefixed()
    count = 0
    for chunk in chunks:
        count += len(parser.feed(chunk))
    parser.feed_eof()
    return count


def frames_struct_loop(chunks) -> int:
    unpack_from = struct.unpack_from
    pending = b""
    count = 0
    for chunk in chunks:
        data = pending + chunk
        position, end_of_data = 0, len(data)
        while end_of_data - position >= 4:
            (length,) = unpack_from(">I", data, position)
            end = position + 4 + length
            if end > end_of_data:
                break
            data[position + 4 : end]  # the frame, as the caller would get it
            count += 1
            position = end
        pending = data[position:]
    assert not pending
    return count


def frames_rows(quick: bool) -> list[Row]:
    data, expected = make_frames((4 if quick else 32) * 1024 * 1024)
    chunks = chunked(data)
    assert frames_octonaut(chunks) == frames_struct_loop(chunks) == expected
    repeat = 3 if quick else 5
    mb = len(data) / MB
    peer_s, ours_s = best_of_pair(
        lambda: frames_struct_loop(chunks), lambda: frames_octonaut(chunks), repeat
    )
    return [Row("LengthPrefixed(width=4), 64 KiB feeds", "struct.unpack_from loop",
                rate(mb, peer_s), rate(mb, ours_s), "MB/s")]  # fmt: skip


def main() -> None:
    args = parse_args(__doc__)
    rows = lines_rows(args.quick) + concurrency_rows(args.quick) + frames_rows(args.quick)
    print_table("Framing: Lines and LengthPrefixed", rows)


if __name__ == "__main__":
    main()

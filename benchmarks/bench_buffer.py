"""octonaut.Buffer benchmarks (issue 2).

(a) Cross-thread byte streaming: one writer thread, one reader thread, the
    same total bytes and chunk sizes through octonaut.Buffer (blocking
    write/read), queue.Queue of bytes chunks, and os.pipe. All three are
    bounded to the same capacity. Goal: >= 2x queue.Queue.
(b) Single thread: fill the buffer, find b"\\n", consume lines, against the
    bytearray idiom (+=, find, del buf[:n]). Goal: >= 1.5x.

Run: python benchmarks/bench_buffer.py [--quick]
"""

from __future__ import annotations

import fcntl
import os
import queue
import random
import threading

import octonaut
from _harness import Row, best_of_pair, parse_args, print_table, rate

CAPACITY = 256 * 1024
READ_SIZE = 64 * 1024  # what a reader asks for per call (os.read, Buffer.read)
MB = 1e6


# --- (a) cross-thread streaming ----------------------------------------------


def stream_buffer(total: int, chunk: bytes) -> None:
    buf = octonaut.Buffer(CAPACITY)
    count = total // len(chunk)

    def writer():
        write = buf.write
        for _ in range(count):
            write(chunk, None)

    thread = threading.Thread(target=writer)
    thread.start()
    received, expected, read = 0, count * len(chunk), buf.read
    while received < expected:
        received += len(read(READ_SIZE, None))
    thread.join()


def stream_queue(total: int, chunk: bytes) -> None:
    q: queue.Queue[bytes] = queue.Queue(maxsize=max(1, CAPACITY // len(chunk)))
    count = total // len(chunk)

    def writer():
        put = q.put
        for _ in range(count):
            put(chunk)

    thread = threading.Thread(target=writer)
    thread.start()
    received, expected, get = 0, count * len(chunk), q.get
    while received < expected:
        received += len(get())
    thread.join()


def stream_pipe(total: int, chunk: bytes) -> None:
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, CAPACITY)
    except OSError:
        pass  # keep the default pipe size if the limit forbids it
    count = total // len(chunk)

    def writer():
        write = os.write
        for _ in range(count):
            view = memoryview(chunk)
            while view:
                view = view[write(w, view) :]

    thread = threading.Thread(target=writer)
    thread.start()
    received, expected = 0, count * len(chunk)
    while received < expected:
        received += len(os.read(r, READ_SIZE))
    thread.join()
    os.close(r)
    os.close(w)


def cross_thread_rows(quick: bool) -> list[Row]:
    rows = []
    repeat = 3 if quick else 5
    for size in (256, 4096, 65536):
        total = (8 if quick else 32) * 1024 * 1024
        if size == 256:
            total //= 4  # per-chunk costs dominate; keep the run short
        chunk = random.Random(size).randbytes(size)
        for name, fn in (("queue.Queue", stream_queue), ("os.pipe", stream_pipe)):
            peer_s, ours_s = best_of_pair(
                lambda fn=fn, t=total, c=chunk: fn(t, c),
                lambda t=total, c=chunk: stream_buffer(t, c),
                repeat,
            )
            mb = total / MB
            case = f"stream {size} B chunks"
            rows.append(Row(case, name, rate(mb, peer_s), rate(mb, ours_s), "MB/s"))
    return rows


# --- (b) single-thread line framing ------------------------------------------


def make_lines(total: int) -> bytes:
    rng = random.Random(7)
    parts, size = [], 0
    while size < total:
        line = rng.randbytes(rng.randrange(10, 150)).replace(b"\n", b" ") + b"\n"
        parts.append(line)
        size += len(line)
    return b"".join(parts)


def lines_buffer_readline(data: bytes, chunk: int) -> int:
    buf = octonaut.Buffer(CAPACITY)
    count = 0
    readline, write = buf.readline, buf.write
    for start in range(0, len(data), chunk):
        write(data[start : start + chunk])
        while readline():
            count += 1
    return count


def lines_buffer_find_read(data: bytes, chunk: int) -> int:
    buf = octonaut.Buffer(CAPACITY)
    count = 0
    find, read, write = buf.find, buf.read, buf.write
    for start in range(0, len(data), chunk):
        write(data[start : start + chunk])
        while (end := find(b"\n")) >= 0:
            read(end + 1)
            count += 1
    return count


def lines_bytearray(data: bytes, chunk: int) -> int:
    pending = bytearray()
    count = 0
    for start in range(0, len(data), chunk):
        pending += data[start : start + chunk]
        while (end := pending.find(b"\n")) >= 0:
            bytes(pending[: end + 1])  # the line, as the caller would get it
            del pending[: end + 1]
            count += 1
    return count


def single_thread_rows(quick: bool) -> list[Row]:
    data = make_lines((4 if quick else 32) * 1024 * 1024)
    chunk = 64 * 1024
    expected = data.count(b"\n")
    for fn in (lines_buffer_readline, lines_buffer_find_read, lines_bytearray):
        assert fn(data, chunk) == expected, fn.__name__
    repeat = 2 if quick else 5
    mb = len(data) / MB
    rows = []
    for name, fn in (("readline", lines_buffer_readline), ("find+read", lines_buffer_find_read)):
        peer_s, ours_s = best_of_pair(
            lambda: lines_bytearray(data, chunk), lambda fn=fn: fn(data, chunk), repeat
        )
        rows.append(
            Row(f"lines via {name}", "bytearray +=/find/del", rate(mb, peer_s), rate(mb, ours_s),
                "MB/s")
        )  # fmt: skip
    return rows


def main() -> None:
    args = parse_args(__doc__)
    print_table("Buffer (a): cross-thread streaming", cross_thread_rows(args.quick))
    print_table("Buffer (b): single-thread line framing", single_thread_rows(args.quick))


if __name__ == "__main__":
    main()

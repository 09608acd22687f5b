"""``octonaut.Buffer`` across threads: one writer and one reader, no lock.

- 256 MiB in random chunk sizes through a 64 KiB Buffer with blocking write
  and read; the blake2b digests of what went in and what came out are equal
  (so no byte is lost, duplicated or reordered).
- Blocking waits release the GIL: a third thread keeps counting meanwhile.
- Blocking waits honour Ctrl-C (checked in a subprocess, so a regression
  fails by timeout instead of hanging the test run).
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import textwrap
import threading
import time

import octonaut
import pytest
from gil_probe import count_while

TOTAL = 256 * 1024 * 1024
CAPACITY = 64 * 1024


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_256_mib_through_64_kib_buffer_keeps_every_byte_in_order(mirrored):
    buf = octonaut.Buffer(CAPACITY, mirrored=mirrored)
    assert buf.capacity == CAPACITY
    # Chunks are random-length slices at random offsets of a random block, so
    # the stream is not periodic in the chunk size.
    block = memoryview(random.Random(1).randbytes(4 * 1024 * 1024))
    errors: list[BaseException] = []
    sent = hashlib.blake2b()
    received = hashlib.blake2b()
    received_bytes = 0

    def writer():
        rng = random.Random(2)
        remaining = TOTAL
        try:
            while remaining:
                n = min(remaining, rng.choice((rng.randrange(1, 512), rng.randrange(1, CAPACITY))))
                start = rng.randrange(0, len(block) - n)
                chunk = block[start : start + n]
                buf.write(chunk, timeout=None)
                sent.update(chunk)
                remaining -= n
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def reader():
        nonlocal received_bytes
        rng = random.Random(3)
        sink = bytearray(CAPACITY)
        try:
            while received_bytes < TOTAL:
                if rng.random() < 0.25:
                    # Zero-copy path: readinto never waits.
                    n = buf.readinto(memoryview(sink)[: rng.randrange(1, CAPACITY)])
                    received.update(memoryview(sink)[:n])
                else:
                    data = buf.read(rng.randrange(1, 2 * CAPACITY), timeout=10.0)
                    assert data, "reader starved for 10 s"
                    n = len(data)
                    received.update(data)
                received_bytes += n
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "stream did not finish in 120 s"
    assert not errors, errors
    assert received_bytes == TOTAL
    assert received.digest() == sent.digest()
    assert len(buf) == 0 and buf.tell() == TOTAL
    print(f"256 MiB in {time.perf_counter() - started:.2f} s")


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_every_api_across_two_threads_keeps_the_stream(mirrored):
    """Writer mixes write() and writable()+commit(); reader mixes read,
    readline, readinto, find+read and peek+skip. The stream must arrive whole
    and in order, so zero-copy views stay coherent with the other thread."""
    buf = octonaut.Buffer(8192, mirrored=mirrored)
    rng = random.Random(4)
    stream = b"".join(
        b"%08d:" % i + rng.randbytes(rng.randrange(0, 3000)).replace(b"\n", b".") + b"\n"
        for i in range(12_000)
    )
    errors: list[BaseException] = []
    received = hashlib.blake2b()
    received_bytes = 0

    def writer():
        wrng = random.Random(5)
        position = 0
        try:
            while position < len(stream):
                n = min(len(stream) - position, wrng.randrange(1, buf.capacity))
                piece = stream[position : position + n]
                if wrng.random() < 0.5:
                    buf.write(piece, timeout=None)
                else:
                    with buf.writable() as view:
                        n = min(n, len(view))
                        view[:n] = piece[:n]
                    if n == 0:
                        time.sleep(0.0001)  # full: no blocking form of writable()
                        continue
                    buf.commit(n)
                position += n
        except BaseException as exc:
            errors.append(exc)

    def reader():
        nonlocal received_bytes
        rrng = random.Random(6)
        scratch = bytearray(buf.capacity)
        try:
            while received_bytes < len(stream):
                choice = rrng.randrange(5)
                if choice == 0:
                    got = buf.readline()
                elif choice == 1:
                    end = buf.find(b"\n")
                    got = buf.read(end + 1) if end >= 0 else b""
                elif choice == 2:
                    with buf.peek(rrng.randrange(1, buf.capacity)) as view:
                        received.update(view)
                        n = len(view)
                    buf.skip(n)
                    received_bytes += n
                    got = None
                elif choice == 3:
                    n = buf.readinto(scratch)
                    received.update(memoryview(scratch)[:n])
                    received_bytes += n
                    got = None
                else:
                    got = buf.read(rrng.randrange(1, 3 * buf.capacity), timeout=10.0)
                    assert got or received_bytes == len(stream), "starved for 10 s"
                if got:
                    received.update(got)
                    received_bytes += len(got)
        except BaseException as exc:
            errors.append(exc)

    run_writer_and_reader(writer, reader, errors)
    assert received_bytes == len(stream)
    assert received.digest() == hashlib.blake2b(stream).digest()
    assert buf.tell() == len(stream) and len(buf) == 0


def run_writer_and_reader(writer, reader, errors: list) -> None:
    """Runs `writer` and `reader` in two threads; fails if either is still
    running after 120 s or recorded an exception in `errors`."""
    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "stream did not finish in 120 s"
    assert not errors, errors


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_blocking_read_releases_the_gil(mirrored):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    result = []
    advanced, elapsed = count_while(lambda: result.append(buf.read(timeout=0.5)))
    assert result == [b""]
    assert elapsed >= 0.45
    # A Python loop counts millions per second; if the wait held the GIL the
    # counter would be stuck for the whole half second.
    assert advanced > 50_000, advanced


def test_blocking_write_releases_the_gil():
    buf = octonaut.Buffer(4096, mirrored=False)
    buf.write(b"x" * buf.capacity)

    def write_blocked():
        with pytest.raises(octonaut.BufferFull):
            buf.write(b"y", timeout=0.5)

    advanced, elapsed = count_while(write_blocked)
    assert elapsed >= 0.45
    assert advanced > 50_000, advanced


def test_blocked_reader_wakes_promptly_when_data_arrives():
    """A real wakeup, not sleep-polling: the median latency from write() to
    the blocked read() returning is far below one 50 ms wait slice."""
    buf = octonaut.Buffer(4096)
    latencies = []
    for _ in range(15):
        written_at = []

        def late_writer(written_at=written_at):
            time.sleep(0.02)
            written_at.append(time.perf_counter())
            buf.write(b"hello")

        thread = threading.Thread(target=late_writer)
        thread.start()
        data = buf.read(timeout=5.0)
        woke = time.perf_counter()
        thread.join()
        assert data == b"hello"
        latencies.append(woke - written_at[0])
    latencies.sort()
    assert latencies[len(latencies) // 2] < 0.01, latencies


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, threading, time, _thread
    import octonaut

    how, side = sys.argv[1], sys.argv[2]
    buf = octonaut.Buffer(4096)
    if side == "write":
        buf.write(b"x" * buf.capacity)
    main = threading.get_ident()

    def interrupt():
        time.sleep(0.3)
        if how == "signal":
            signal.pthread_kill(main, signal.SIGINT)
        else:
            _thread.interrupt_main()

    threading.Thread(target=interrupt, daemon=True).start()
    started = time.perf_counter()
    try:
        if side == "write":
            buf.write(b"y", timeout=None)
        else:
            buf.read(timeout=None)
    except KeyboardInterrupt:
        print(f"interrupted {time.perf_counter() - started:.3f}")
    """
)


@pytest.mark.parametrize("side", ["read", "write"])
@pytest.mark.parametrize("how", ["signal", "interrupt_main"])
def test_ctrl_c_interrupts_a_blocking_wait(how, side):
    out = subprocess.run(
        [sys.executable, "-c", CTRL_C_SCRIPT, how, side],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    assert out.returncode == 0, out.stderr
    word, seconds = out.stdout.split()
    assert word == "interrupted"
    # Interrupted ~0.3 s in; the wait checks signals at least every 50 ms.
    assert 0.25 <= float(seconds) < 2.0, seconds


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_large_chunks_take_the_gil_free_copy_paths_and_keep_every_byte(mirrored):
    """Chunks of 32 KiB-1 MiB through a 1 MiB Buffer: writes, reads and
    readinto calls long enough to copy with the GIL released, including the
    copy a reader makes right after a blocking wait (into a result allocated
    before waiting) and the copy a writer makes right after waiting for room."""
    capacity = 1024 * 1024
    total = 96 * 1024 * 1024
    buf = octonaut.Buffer(capacity, mirrored=mirrored)
    block = memoryview(random.Random(4).randbytes(4 * 1024 * 1024))
    errors: list[BaseException] = []
    sent, received = hashlib.blake2b(), hashlib.blake2b()
    received_bytes = 0

    def writer():
        rng = random.Random(5)
        remaining = total
        try:
            while remaining:
                n = min(remaining, rng.randrange(32 * 1024, capacity + 1))
                start = rng.randrange(0, len(block) - n)
                chunk = block[start : start + n]
                if rng.random() < 0.5:
                    chunk = bytes(chunk)  # the bytes fast path as well as exports
                buf.write(chunk, timeout=None)
                sent.update(chunk)
                remaining -= n
                if rng.random() < 0.05:
                    time.sleep(0.002)  # let the reader find the buffer empty
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def reader():
        nonlocal received_bytes
        rng = random.Random(6)
        sink = bytearray(2 * capacity)
        try:
            while received_bytes < total:
                if rng.random() < 0.4:
                    view = memoryview(sink)[: rng.randrange(32 * 1024, 2 * capacity)]
                    n = buf.readinto(view, timeout=10.0)
                    assert n, "reader starved for 10 s"
                    received.update(view[:n])
                else:
                    data = buf.read(rng.randrange(32 * 1024, 2 * capacity), timeout=10.0)
                    assert data, "reader starved for 10 s"
                    n = len(data)
                    received.update(data)
                received_bytes += n
                if rng.random() < 0.05:
                    time.sleep(0.002)  # let the writer find the buffer full
        except BaseException as exc:
            errors.append(exc)

    run_writer_and_reader(writer, reader, errors)
    assert received_bytes == total
    assert sent.hexdigest() == received.hexdigest()
    assert buf.tell() == total and len(buf) == 0


def test_readinto_with_a_timeout_waits_for_the_first_byte():
    buf = octonaut.Buffer(4096)
    target = bytearray(100)
    started = time.perf_counter()
    assert buf.readinto(target, timeout=0.05) == 0
    assert time.perf_counter() - started >= 0.04
    assert buf.readinto(target) == 0  # the default never waits

    def late_writer():
        time.sleep(0.05)
        buf.write(b"hello")

    thread = threading.Thread(target=late_writer)
    thread.start()
    started = time.perf_counter()
    assert buf.readinto(target, timeout=None) == 5
    thread.join()
    assert bytes(target[:5]) == b"hello"
    assert time.perf_counter() - started < 5
    with pytest.raises(ValueError):
        buf.readinto(target, timeout=-1)


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_blocked_large_reads_get_exactly_what_arrived(mirrored):
    """A read(n) of 64 KiB or more that has to wait allocates its result
    before waiting; whatever arrives (more than n, fewer than n, or exactly
    capacity bytes), it must return the same bytes as a plain read."""
    buf = octonaut.Buffer(256 * 1024, mirrored=mirrored)
    capacity = buf.capacity
    stream = random.Random(7).randbytes(4 * capacity)
    position = 0

    def write_later(n: int) -> threading.Thread:
        nonlocal position
        chunk = stream[position : position + n]
        position += n

        def writer():
            time.sleep(0.02)  # the reader is waiting by then
            buf.write(chunk, timeout=None)

        thread = threading.Thread(target=writer)
        thread.start()
        return thread

    expected = memoryview(stream)
    consumed = 0
    # (bytes that arrive, n asked for): more than n; fewer (the preallocated
    # result goes unused); fewer again (no preallocation after a short one);
    # a full capacity for n > capacity; exactly n.
    for arriving, n in [
        (200_000, 100_000),
        (10, 100_000),
        (70_000, 100_000),
        (capacity, 10 * capacity),
        (65_536, 65_536),
    ]:
        thread = write_later(arriving)
        data = buf.read(n, timeout=10.0)
        thread.join()
        assert len(data) == min(arriving, n, capacity)
        assert data == expected[consumed : consumed + len(data)]
        consumed += len(data)
        rest = buf.read()  # drain what the read left behind
        assert rest == expected[consumed : consumed + len(rest)]
        consumed += len(rest)
        assert consumed == position and len(buf) == 0

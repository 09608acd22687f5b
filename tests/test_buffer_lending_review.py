"""Adversarial tests of Buffer lending (writes of an exact ``bytes`` of at least
32 KiB are listed by reference instead of copied into the ring).

Each test attacks one edge of the change: the 32 KiB threshold, capacities
just around it (heap path, non page multiples, lent ranges crossing the wrap
point), partial reads of a lent range followed by every other read API, views
exported before lent writes arrive, reference counts of every lent object on
every way out (read, skip, clear, readinto, BufferFull, timeouts, Ctrl-C,
deleting the Buffer), bytes subclasses (never lent), a forked child, and two
threads streaming exact ``bytes`` while the reader mixes every read API.

Lending is observed two ways: a lent object gains exactly one reference while
it is listed (a copied one gains none), and a read of exactly one untouched
lent range returns the writer's object itself.
"""

from __future__ import annotations

import gc
import hashlib
import mmap
import os
import random
import sys
import threading
import time

import octonaut
import pytest
from hypothesis import given
from hypothesis import strategies as st

K = 32 * 1024  # LEND_MIN
PAGE = mmap.PAGESIZE
MODES = [True, False]
MODE_IDS = ["mirrored", "heap"]
# Heap capacities around the threshold, including non page multiples, so lent
# ranges start and end at odd offsets and cross the wrap point mid-range.
HEAP_CAPS = [K - 1, K, K + 1, 40_000, 2 * K - 1, 2 * K + 1, 3 * K + 12_345]


def refs(obj) -> int:
    return sys.getrefcount(obj)


def blob(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def text(size: int, seed: int) -> bytes:
    """Newline-rich random bytes (for readline and find)."""
    table = bytes(b"ab\n"[i % 3] for i in range(256))
    return blob(size, seed).translate(table)


def advance(buf: octonaut.Buffer, shift: int) -> None:
    """Moves the read/write position by `shift` without leaving bytes behind,
    so the next write starts `shift` bytes further into the ring."""
    while shift:
        step = min(shift, buf.capacity, K - 1)  # copied, never lent
        buf.write(b"\0" * step)
        buf.skip(step)
        shift -= step


def readable(buf: octonaut.Buffer) -> bytes:
    with buf.peek() as view:
        return bytes(view)


# --- the threshold ----------------------------------------------------------


@pytest.mark.parametrize("size", [K - 1, K, K + 1, 2 * K - 1, 2 * K])
@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_threshold_lends_exactly_from_32_kib_and_releases_on_read(mirrored, size):
    buf = octonaut.Buffer(2 * K, mirrored=mirrored)
    data = blob(size, size)
    base = refs(data)
    buf.write(data)
    lent = size >= K
    assert refs(data) == base + lent
    out = buf.read()
    assert out == data
    assert (out is data) is lent
    del out
    assert refs(data) == base
    assert len(buf) == 0 and buf.tell() == size


@pytest.mark.parametrize("capacity", HEAP_CAPS)
def test_heap_capacities_around_the_threshold(capacity):
    buf = octonaut.Buffer(capacity, mirrored=False)
    assert buf.capacity == capacity
    size = min(capacity, K + 7)
    data = blob(size, capacity)
    base = refs(data)
    buf.write(data)
    # Below 32 KiB of capacity nothing is ever lent (no slots).
    assert refs(data) == base + (size >= K)
    assert buf.read() == data
    assert refs(data) == base


@pytest.mark.parametrize("capacity", HEAP_CAPS)
@pytest.mark.parametrize("shift_kind", ["near_end", "half", "one"])
def test_heap_lent_range_across_the_wrap_point_every_api(capacity, shift_kind):
    """A lent range that crosses the wrap point on the heap fallback, filled
    into the ring by peek (overwrite + mirror sync), then read by every API;
    then the ring is reused across the same offsets by copied writes."""
    buf = octonaut.Buffer(capacity, mirrored=False)
    size = min(capacity, K + 3)
    shift = {"near_end": capacity - 5, "half": capacity // 2, "one": 1}[shift_kind]
    advance(buf, shift)
    data = text(size, capacity + shift)
    base = refs(data)
    buf.write(data)
    assert refs(data) == base + (size >= K)
    # Attack the fill: contiguous view, indexing at both ends, find, slicing.
    assert readable(buf) == data
    assert refs(data) == base  # filled into the ring: the entry is released
    assert buf[0] == data[0] and buf[-1] == data[-1]
    assert buf[size // 2 : size // 2 + 100] == data[size // 2 : size // 2 + 100]
    tail = data[-50:]
    assert buf.find(tail) == data.find(tail)
    # Consume up to just past the wrap point: the rest is now read from the
    # start of the memory, which the fill reached only through the mirror.
    to_wrap = capacity - shift % capacity
    wraps = to_wrap < size
    if wraps:
        assert buf.read(to_wrap) == data[:to_wrap]
        assert readable(buf) == data[to_wrap:]
        assert buf[0] == data[to_wrap]
    assert buf.read() == (data[to_wrap:] if wraps else data)
    # The positions the lent range covered are now reused by copied writes,
    # with the mirror of the heap fallback in step.
    for seed in range(3):
        chunk = blob(min(capacity, K - 1), seed)
        buf.write(chunk)
        assert readable(buf) == chunk
        assert buf.read() == chunk


# --- partial reads of a lent range, then every API --------------------------


FOLLOW_UPS = [
    "peek",
    "memoryview",
    "find",
    "index",
    "slice",
    "readline",
    "readinto",
    "skip",
    "read",
    "read_n",
    "clear",
]


def follow_up(buf: octonaut.Buffer, model: bytearray, how: str, rng: random.Random) -> None:
    """Applies one API to both the Buffer and the model, checking results."""
    n = len(model)
    if how == "peek":
        k = rng.randrange(-1, n + 2)
        with buf.peek(k) as view:
            assert bytes(view) == bytes(model if k < 0 else model[:k])
    elif how == "memoryview":
        with memoryview(buf) as view:
            assert bytes(view) == bytes(model)
    elif how == "find":
        if n:
            i = rng.randrange(n)
            sub = bytes(model[i : i + rng.randrange(1, 40)])
            assert buf.find(sub) == model.find(sub)
            assert buf.find(sub, i) == model.find(sub, i)
        assert buf.find(b"\xff\xfe\xfd\xfc" * 8) == model.find(b"\xff\xfe\xfd\xfc" * 8)
    elif how == "index":
        if n:
            i = rng.randrange(-n, n)
            assert buf[i] == model[i]
    elif how == "slice":
        i, j = sorted(rng.randrange(n + 1) for _ in range(2))
        assert buf[i:j] == bytes(model[i:j])
        assert buf[i:j:3] == bytes(model[i:j:3])
    elif how == "readline":
        limit = rng.choice([-1, rng.randrange(n + 2)])
        line = buf.readline(limit)
        window = model if limit < 0 else model[:limit]
        end = window.find(b"\n")
        if end >= 0:
            expected = bytes(window[: end + 1])
        elif 0 <= limit <= n:
            expected = bytes(model[:limit])
        else:
            expected = b""
        assert line == expected
        del model[: len(expected)]
    elif how == "readinto":
        out = bytearray(rng.randrange(n + 2))
        got = buf.readinto(out)
        assert got == min(len(out), n)
        assert out[:got] == model[:got]
        del model[:got]
    elif how == "skip":
        k = rng.randrange(n + 1)
        buf.skip(k)
        del model[:k]
    elif how == "read":
        assert buf.read() == bytes(model)
        model.clear()
    elif how == "read_n":
        k = rng.randrange(n + 2)
        assert buf.read(k) == bytes(model[:k])
        del model[:k]
    elif how == "clear":
        buf.clear()
        model.clear()
    else:  # pragma: no cover
        raise AssertionError(how)


@pytest.mark.parametrize("how", FOLLOW_UPS)
@pytest.mark.parametrize("capacity,mirrored", [(2 * K, True), (2 * K, False), (40_000, False)])
def test_partial_read_of_a_lent_range_then_each_api(capacity, mirrored, how):
    rng = random.Random(f"{capacity}{mirrored}{how}")
    for first in ["read_n", "readinto", "skip"]:
        buf = octonaut.Buffer(capacity, mirrored=mirrored)
        advance(buf, buf.capacity - 1000)  # the lent range crosses the wrap point
        data = text(K + 999, capacity)
        base = refs(data)
        buf.write(data)
        buf.write(b"tail\nbytes")  # ring bytes after the lent range
        model = bytearray(data + b"tail\nbytes")
        # Consume a strict prefix of the lent range.
        k = rng.randrange(1, K)
        if first == "read_n":
            assert buf.read(k) == data[:k]
        elif first == "readinto":
            out = bytearray(k)
            assert buf.readinto(out) == k and out == data[:k]
        else:
            buf.skip(k)
        del model[:k]
        assert buf.tell() == buf.capacity - 1000 + k
        assert refs(data) == base + 1  # still listed: part of it is unread
        follow_up(buf, model, how, rng)
        assert readable(buf) == bytes(model)
        assert buf.read() == bytes(model)
        assert refs(data) == base


# --- views exported, then lent writes arrive --------------------------------


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_views_exported_then_lent_writes_arrive(mirrored):
    buf = octonaut.Buffer(3 * K + 100, mirrored=mirrored)
    advance(buf, buf.capacity - 300)
    first = blob(K, 1)
    buf.write(first)
    v1 = buf.peek()  # fills `first` into the ring and exports it
    assert bytes(v1) == first
    second = blob(K + 1, 2)
    base2 = refs(second)
    buf.write(second)  # lent after v1 was exported: lies beyond v1
    assert refs(second) == base2 + 1
    assert bytes(v1) == first  # v1 unchanged
    # find/index/memoryview fill `second` while v1 is alive, outside v1.
    assert buf[K] == second[0]
    assert bytes(v1) == first
    assert refs(second) == base2
    v2 = memoryview(buf)
    assert bytes(v2) == first + second
    third = blob(K, 3)
    buf.write(third)
    assert buf.find(third[-64:]) == 2 * K + 1 + K - 64
    assert bytes(v1) == first and bytes(v2) == first + second
    for consume in (
        buf.read,
        buf.clear,
        lambda: buf.skip(1),
        lambda: buf.readline(),
        lambda: buf.readinto(bytearray(10)),
    ):
        with pytest.raises(BufferError):
            consume()
    assert bytes(v1) == first
    v1.release()
    v2.release()
    assert buf.read() == first + second + third


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_a_view_outlives_the_buffer_with_lent_ranges_still_listed(mirrored):
    buf = octonaut.Buffer(2 * K, mirrored=mirrored)
    shown, pending = blob(K, 4), blob(K, 5)
    b_shown, b_pending = refs(shown), refs(pending)
    buf.write(shown)
    view = buf.peek()
    buf.write(pending)  # listed, never filled
    assert refs(pending) == b_pending + 1
    del buf
    gc.collect()
    assert bytes(view) == shown  # the view keeps the ring mapped
    assert refs(pending) == b_pending + 1  # ... and with it the list
    view.release()
    del view
    gc.collect()
    assert refs(shown) == b_shown and refs(pending) == b_pending


# --- every lent reference is released --------------------------------------


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_references_are_released_on_every_way_out(mirrored):
    objs = [blob(K + i, i) for i in range(6)]
    bases = [refs(o) for o in objs]

    def check():
        gc.collect()
        assert [refs(o) for o in objs] == bases

    buf = octonaut.Buffer(4 * K, mirrored=mirrored)
    # skip across two lent ranges, ending inside the second
    buf.write(objs[0])
    buf.write(objs[1])
    buf.skip(K + 10)
    assert refs(objs[0]) == bases[0]  # wholly skipped: released at once
    buf.skip(len(buf))
    check()
    # clear
    buf.write(objs[2])
    buf.write(b"x")
    buf.clear()
    check()
    # readinto, in pieces
    buf.write(objs[3])
    out = bytearray(1000)
    while len(buf):
        buf.readinto(out)
    check()
    # BufferFull: a refused lent write keeps no reference
    buf.write(b"y" * (buf.capacity - K + 1))
    with pytest.raises(octonaut.BufferFull):
        buf.write(objs[4])
    with pytest.raises(octonaut.BufferFull):
        buf.write(objs[4], timeout=0.02)  # a timed-out blocking wait
    check()
    # a longer-than-capacity write is refused before anything is listed
    big = bytes(buf.capacity + 1)
    base_big = refs(big)
    with pytest.raises(octonaut.BufferFull):
        buf.write(big)
    assert refs(big) == base_big
    buf.clear()
    # refused under a live writable() view
    with buf.writable():
        with pytest.raises(BufferError):
            buf.write(objs[4])
    check()
    # timed-out reads
    assert buf.read(timeout=0.01) == b""
    assert buf.readinto(bytearray(10), timeout=0.01) == 0
    # deleting the Buffer with listed ranges
    buf.write(objs[5])
    buf.write(objs[4])
    assert refs(objs[5]) == bases[5] + 1
    del buf
    check()


def test_ctrl_c_during_a_blocked_lent_write_releases_it():
    import _thread

    buf = octonaut.Buffer(2 * K, mirrored=None)
    buf.write(b"z" * (buf.capacity - K + 1))
    data = blob(K, 7)
    base = refs(data)
    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            buf.write(data, timeout=None)
    finally:
        timer.join()
    assert refs(data) == base
    assert len(buf) == buf.capacity - K + 1  # contents unchanged
    assert buf.read() == b"z" * (buf.capacity - K + 1)


# --- bytes subclasses and other bytes-likes are never lent -------------------


class Bytes(bytes):
    pass


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
@pytest.mark.parametrize(
    "make",
    [Bytes, bytearray, lambda b: memoryview(b), lambda b: memoryview(b)[::1]],
    ids=["subclass", "bytearray", "memoryview", "memoryview_slice"],
)
def test_non_exact_bytes_are_copied_and_read_back_as_exact_bytes(mirrored, make):
    buf = octonaut.Buffer(2 * K, mirrored=mirrored)
    raw = blob(K + 5, 9)
    data = make(raw)
    base = refs(data)
    buf.write(data)
    assert refs(data) == base  # not listed
    if isinstance(data, bytearray):
        data[:] = b"\0" * len(data)  # mutating the source after write changes nothing
    out = buf.read()
    assert type(out) is bytes and out == raw and out is not data


# --- lending never silently stops ------------------------------------------


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_lending_keeps_working_after_every_consuming_api(mirrored):
    """Every way of consuming a lent range releases its slot: after hundreds
    of rounds the list is not full of spent entries, so a new write is lent."""
    buf = octonaut.Buffer(2 * K, mirrored=mirrored)
    rng = random.Random(11)
    ways = ["read", "read_n", "readinto", "readline", "skip", "clear", "peek_read", "whole"]
    for round_ in range(300):
        a, b = blob(K, round_), text(K, round_)
        base_a, base_b = refs(a), refs(b)
        buf.write(a)
        buf.write(b)
        assert refs(a) == base_a + 1 and refs(b) == base_b + 1, round_
        model = bytearray(a + b)
        how = ways[round_ % len(ways)]
        if how == "whole":
            assert buf.read(K) is a and buf.read(K) is b
            model.clear()
        elif how == "peek_read":
            assert readable(buf) == bytes(model)
            assert buf.read() == bytes(model)
            model.clear()
        else:
            follow_up(buf, model, how, rng)
        buf.clear()
        assert refs(a) == base_a and refs(b) == base_b, (round_, how)


# --- blocking reads that receive lent ranges ---------------------------------


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("n", [None, K, 2 * K, 4 * K])
def test_blocked_read_receives_the_lent_object(mirrored, n):
    buf = octonaut.Buffer(4 * K, mirrored=mirrored)
    data = blob(K if n in (None, K) else 2 * K, 12)
    base = refs(data)

    def late_write():
        time.sleep(0.05)
        buf.write(data)

    for _ in range(3):
        thread = threading.Thread(target=late_write)
        thread.start()
        out = buf.read(n, timeout=5.0)
        thread.join()
        assert out == data[: len(out)]
        rest = buf.read()
        assert out + rest == data
        assert out is data  # the read is exactly one untouched lent range
        del out, rest
        assert refs(data) == base


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_blocked_readinto_copies_lent_bytes(mirrored):
    buf = octonaut.Buffer(4 * K, mirrored=mirrored)
    data = blob(3 * K, 13)
    base = refs(data)
    timer = threading.Timer(0.05, buf.write, args=(data,))
    timer.start()
    out = bytearray(4 * K)
    got = buf.readinto(out, timeout=5.0)
    timer.join()
    del timer  # a Timer keeps its arguments
    got += buf.readinto(memoryview(out)[got:])
    assert got == len(data) and out[:got] == data
    assert refs(data) == base


# --- randomized sequences around the threshold ------------------------------


ops = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "write",
                "write",
                "write_sub",
                "writable",
                "read",
                "read_n",
                "readinto",
                "readline",
                "skip",
                "peek",
                "memoryview",
                "find",
                "index",
                "slice",
                "clear",
            ]
        ),
        st.integers(min_value=0, max_value=2**32 - 1),
    ),
    max_size=40,
)


@given(
    capacity_mirrored=st.sampled_from(
        [
            (K, False),
            (K + 1, False),
            (40_000, False),
            (2 * K - 1, False),
            (2 * K + 3, False),
            (K, True),
            (2 * K, True),
            (3 * K, True),
        ]
    ),
    shift=st.integers(min_value=0, max_value=3 * K),
    script=ops,
)
def test_random_sequences_around_the_threshold(capacity_mirrored, shift, script):
    capacity, mirrored = capacity_mirrored
    buf = octonaut.Buffer(capacity, mirrored=mirrored)
    cap = buf.capacity
    advance(buf, shift % cap)
    model = bytearray()
    written: list[bytes] = []
    bases: list[int] = []  # reference counts, in the same frame layout as at the end
    for how, seed in script:
        rng = random.Random(seed)
        free = cap - len(model)
        if how in ("write", "write_sub"):
            size = rng.choice(
                [K - 1, K, K + 1, rng.randrange(1, cap + 1), rng.randrange(K, max(K, cap) + 1)]
            )
            data = text(size, seed) if how == "write" else Bytes(text(size, seed))
            written.append(data)
            bases.append(refs(data))
            if size > free:
                with pytest.raises(octonaut.BufferFull):
                    buf.write(data)
            else:
                buf.write(data)
                model += data
        elif how == "writable":
            with buf.writable() as view:
                k = rng.randrange(len(view) + 1)
                chunk = blob(k, seed)
                view[:k] = chunk
            buf.commit(k)
            model += chunk
        else:
            follow_up(buf, model, how, rng)
        assert len(buf) == len(model) and buf.free == cap - len(model)
    assert readable(buf) == bytes(model)
    assert buf.read() == bytes(model)
    del buf
    gc.collect()
    for i, base in enumerate(bases):  # (zip would keep a reference in its tuple)
        data = written[i]
        assert refs(data) == base


# --- fork -------------------------------------------------------------------


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_fork_with_listed_ranges(mirrored):
    """A child forked with ranges listed refuses to touch the Buffer, and
    deleting it there releases the child's references; the parent's Buffer
    still hands back the lent object itself."""
    buf = octonaut.Buffer(2 * K, mirrored=mirrored)
    data = blob(K, 14)
    base = refs(data)
    buf.write(data)
    buf.write(b"after")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 10
        try:
            code = 0
            for attempt in (buf.read, buf.peek, lambda: buf.write(b"x"), lambda: buf[0]):
                try:
                    attempt()
                    code = 1
                except RuntimeError:
                    pass
            if len(buf) != K + 5:
                code = 2
            if refs(data) != base + 1:
                code = 3
            del buf
            gc.collect()
            if refs(data) != base:
                code = 4
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert refs(data) == base + 1
    assert buf.read(K) is data
    assert buf.read() == b"after"
    assert refs(data) == base


# --- two threads, every read API --------------------------------------------


@pytest.mark.parametrize(
    "capacity,mirrored",
    [(2 * K, True), (3 * K + 777, False), (K, False)],
    ids=["mirrored64k", "heap_odd", "heap32k"],
)
def test_two_threads_exact_bytes_every_read_api(capacity, mirrored):
    """A writer streams exact bytes of random sizes around 32 KiB (lent and
    copied, full list and all); the reader mixes every read API. The streams'
    digests agree, and no written object keeps a reference afterwards."""
    total = 64 << 20
    buf = octonaut.Buffer(capacity, mirrored=mirrored)
    cap = buf.capacity
    sent, received = hashlib.sha256(), hashlib.sha256()
    errors: list[BaseException] = []
    kept: list[bytes] = []
    bases: list[int] = []

    def writer():
        try:
            rng = random.Random(21)
            done = 0
            while done < total:
                size = rng.choice(
                    [
                        K - 1,
                        K,
                        K + 1,
                        rng.randrange(1, cap + 1),
                        rng.randrange(min(K, cap), cap + 1),
                    ]
                )
                size = min(size, cap, total - done)
                data = rng.randbytes(size).replace(b"\n", b"\0")
                if rng.random() < 0.3:
                    data = data[: size // 2] + b"\n" + data[size // 2 + 1 :]
                if len(kept) < 64 and size >= K:
                    kept.append(data)
                    bases.append(refs(data))
                sent.update(data)
                buf.write(data, timeout=30.0)
                done += size
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    rng = random.Random(22)
    got = 0
    scratch = bytearray(cap)
    deadline = time.monotonic() + 120
    while got < total and not errors and time.monotonic() < deadline:
        how = rng.randrange(9) if len(buf) else 0
        if how == 0:
            chunk = buf.read(timeout=1.0)
        elif how == 1:
            chunk = buf.read(rng.randrange(1, 2 * cap), timeout=1.0)
        elif how == 2:
            n = buf.readinto(memoryview(scratch)[: rng.randrange(1, cap + 1)], timeout=1.0)
            chunk = bytes(scratch[:n])
        elif how == 3:
            chunk = buf.readline(rng.choice([-1, rng.randrange(1, cap + 1)]))
        elif how == 4:
            with buf.peek() as view:
                chunk = bytes(view[: rng.randrange(len(view) + 1)])
            if chunk:
                assert buf[0] == chunk[0] and buf[len(chunk) - 1] == chunk[-1]
            buf.skip(len(chunk))
        elif how == 5:
            i = buf.find(b"\n")
            chunk = buf[: i + 1] if i >= 0 else b""
            buf.skip(len(chunk))
        elif how == 6:
            n = len(buf)
            with memoryview(buf) as view:
                assert len(view) >= n
                chunk = bytes(view[:n])
            buf.skip(n)
        elif how == 7:
            chunk = buf.read(K, timeout=1.0)
        else:
            # Hold a view while the writer keeps lending; fill the new ranges
            # (indexing, find) under it: the viewed bytes never change.
            with buf.peek() as view:
                chunk = bytes(view)
                for _ in range(3):
                    time.sleep(0.0005)
                    if len(buf) > len(chunk):
                        assert buf[-1] == buf[len(buf) - 1]
                        buf.find(b"\xff" * 3, len(chunk))
                    assert view == chunk
            buf.skip(len(chunk))
        received.update(chunk)
        got += len(chunk)
    thread.join(timeout=60)
    assert not errors, errors
    assert got == total and len(buf) == 0
    assert received.hexdigest() == sent.hexdigest()
    assert len(kept) == 64
    for i, base in enumerate(bases):  # (zip would keep a reference in its tuple)
        data = kept[i]
        assert refs(data) == base


# --- boundaries between ring bytes and lent ranges ---------------------------


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
def test_the_same_object_lent_repeatedly_and_read_whole_after_a_copied_prefix(mirrored):
    buf = octonaut.Buffer(4 * K, mirrored=mirrored)
    data = blob(K, 15)
    base = refs(data)
    buf.write(b"abc")
    for _ in range(3):
        buf.write(data)
    assert refs(data) == base + 3
    assert buf.read(3) == b"abc"  # a copied prefix ends where the first range starts
    assert buf.read(K) is data
    assert buf.read(K + 1) == data + data[:1]  # two ranges: copied, not whole
    assert buf.read(K - 2) == data[1:-1]
    assert refs(data) == base + 1  # the last range: one byte still unread
    assert buf.read(K) == data[-1:]
    assert refs(data) == base
    assert buf.tell() == 3 + 3 * K


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("where", ["first", "last", "after", "before"])
def test_readline_and_find_at_the_edges_of_a_lent_range(mirrored, where):
    buf = octonaut.Buffer(2 * K, mirrored=mirrored)
    advance(buf, buf.capacity - 7)
    body = bytearray(blob(K, 16).replace(b"\n", b"."))
    prefix, suffix = b"pre", b"post"
    if where == "first":
        body[0:1] = b"\n"
    elif where == "last":
        body[-1:] = b"\n"
    elif where == "after":
        suffix = b"\npost"
    else:
        prefix = b"pre\n"
    data = bytes(body)
    base = refs(data)
    buf.write(prefix)
    buf.write(data)
    buf.write(suffix)
    stream = prefix + data + suffix
    assert buf.find(b"\n") == stream.find(b"\n")
    assert buf.find(b"\n", len(prefix), len(prefix) + K) == stream.find(
        b"\n", len(prefix), len(prefix) + K
    )
    assert refs(data) == base  # find filled the range into the ring
    line = buf.readline()
    assert line == stream[: stream.find(b"\n") + 1]
    assert buf.read() == stream[len(line) :]


CONSUMERS = ["read_pieces", "read_rest", "readinto_pieces", "skip_pieces", "readline", "clear",
             "blocked_read", "blocked_readinto"]  # fmt: skip


@pytest.mark.parametrize("mirrored", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("how", CONSUMERS)
def test_the_call_that_finishes_a_lent_range_releases_it(mirrored, how):
    """No later call may be needed to drop a spent entry: its reference is
    released by the very call that consumes its last byte."""
    buf = octonaut.Buffer(4 * K, mirrored=mirrored)
    data = text(3 * K + 11, 17).replace(b"\n", b".")[:-1] + b"\n"
    base = refs(data)
    if how.startswith("blocked"):
        timer = threading.Timer(0.05, buf.write, args=(data,))
        timer.start()
        if how == "blocked_read":
            first = buf.read(2 * K, timeout=5.0)  # a preallocated read, not the whole range
        else:
            out = bytearray(2 * K)
            first = bytes(out[: buf.readinto(out, timeout=5.0)])
        timer.join()
        del timer  # a Timer keeps its arguments
        assert first == data[: len(first)]
        assert refs(data) == base + 1
        assert buf.read() == data[len(first) :]
    else:
        buf.write(data)
        assert refs(data) == base + 1
        if how == "read_pieces":
            got = b"".join(buf.read(K - 1) for _ in range(4))
            assert got == data
        elif how == "read_rest":
            assert buf.read(5) + buf.read() == data
        elif how == "readinto_pieces":
            out = bytearray(K + 1)
            got = bytearray()
            for _ in range(4):
                got += out[: buf.readinto(out)]
            assert got == data
        elif how == "skip_pieces":
            buf.skip(K)
            buf.skip(2 * K)
            buf.skip(11)
        elif how == "readline":
            assert buf.read(3) == data[:3]
            assert buf.readline() == data[3:]
        else:
            buf.read(7)
            buf.clear()
    assert len(buf) == 0
    assert refs(data) == base

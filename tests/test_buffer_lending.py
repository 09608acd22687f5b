"""Lending: a ``write`` of an exact ``bytes`` of at least 32 KiB is passed to
the ring by reference instead of being copied (see ``buffer/ends.rs``).

Lending must be invisible except in speed: every API returns the same bytes
as a copying Buffer would, the capacity bound is unchanged, and every lent
object is released once its bytes are consumed. The state machine compares a
Buffer with a ``bytearray`` model under writes that are lent (large exact
``bytes``) or copied (small ones, ``bytearray``, ``memoryview``, a ``bytes``
subclass), mixed with every reading API. Its invariant does not look at the
contents, since a view would fill every lent range into the ring and hide the
piecewise read paths; the reading rules check the contents they consume, and
a ``memoryview`` rule checks the rest now and then. A two-thread test streams
256 MiB of large ``bytes`` through the mirrored and the heap ring.
"""

from __future__ import annotations

import hashlib
import random
import sys
import threading

import octonaut
import pytest
from gil_probe import count_while
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from test_buffer_model import expected_readline

LEND_MIN = 32 * 1024
TEXT = bytes(b"ab\n"[i % 3] for i in range(256))


class Tagged(bytes):
    """A bytes subclass: never lent (a read must return an exact ``bytes``)."""


def payload(size: int, seed: int) -> bytes:
    data = random.Random(seed).randbytes(size)
    return data.translate(TEXT) if seed % 3 == 0 else data


# Sizes around the lending threshold, small ones, and up to a whole buffer.
sizes = st.one_of(
    st.integers(min_value=0, max_value=600),
    st.integers(min_value=LEND_MIN - 2, max_value=LEND_MIN + 2),
    st.integers(min_value=LEND_MIN, max_value=3 * LEND_MIN),
    st.integers(min_value=0, max_value=7 * LEND_MIN),
)
counts = st.one_of(st.just(-1), sizes)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
kinds = st.sampled_from(["bytes", "bytes", "bytes", "bytearray", "memoryview", "subclass"])


class LendingModel(RuleBasedStateMachine):
    mirrored: bool = True
    requested: int = 64 * 1024

    @initialize()
    def create(self):
        self.buf = octonaut.Buffer(self.requested, mirrored=self.mirrored)
        self.capacity = self.buf.capacity
        self.model = bytearray()
        self.consumed = 0
        self.produced = 0
        # (stream end offset, object) of every exact bytes written: each must
        # be released by the Buffer once its last byte is consumed.
        self.written: list[tuple[int, bytes]] = []

    def data_of(self, kind: str, size: int, seed: int):
        data = payload(size, seed)
        if kind == "bytearray":
            return bytearray(data)
        if kind == "memoryview":
            return memoryview(data)
        if kind == "subclass":
            return Tagged(data)
        return data

    def produced_now(self, data) -> None:
        self.model += data
        self.produced += len(data)
        if type(data) is bytes and len(data) > 1:  # b"" and 1-byte bytes are shared
            self.written.append((self.produced, data))

    @rule(size=sizes, seed=seeds, kind=kinds)
    def write(self, size, seed, kind):
        data = self.data_of(kind, size, seed)
        free = self.capacity - len(self.model)
        if size > free:
            before = sys.getrefcount(data)
            with pytest.raises(octonaut.BufferFull):
                self.buf.write(data)
            assert sys.getrefcount(data) == before, "a refused write kept a reference"
        else:
            self.buf.write(data)
            self.produced_now(data)

    @rule(size=sizes, seed=seeds)
    def writable_commit(self, size, seed):
        view = self.buf.writable()
        n = min(size, len(view))
        data = payload(n, seed)
        view[:n] = data
        view.release()
        self.buf.commit(n)
        self.produced_now(bytearray(data))

    def consumed_now(self, n: int) -> None:
        del self.model[:n]
        self.consumed += n

    @rule(n=counts)
    def read(self, n):
        got = self.buf.read(n)
        assert type(got) is bytes
        assert got == bytes(self.model if n < 0 else self.model[:n])
        self.consumed_now(len(got))

    @rule(n=sizes, offset=st.integers(min_value=0, max_value=7))
    def readinto(self, n, offset):
        target = bytearray(b"\xee" * (n + offset))
        got = self.buf.readinto(memoryview(target)[offset:])
        k = min(n, len(self.model))
        assert got == k
        assert target[offset : offset + k] == self.model[:k]
        assert target[:offset] == b"\xee" * offset
        assert target[offset + k :] == b"\xee" * (n - k)
        self.consumed_now(k)

    @rule(limit=st.one_of(st.just(-1), sizes))
    def readline(self, limit):
        expected = expected_readline(self.model, limit)
        assert self.buf.readline(limit) == expected
        self.consumed_now(len(expected))

    @rule(n=sizes)
    def skip(self, n):
        if n > len(self.model):
            with pytest.raises(ValueError):
                self.buf.skip(n)
        else:
            self.buf.skip(n)
            self.consumed_now(n)

    @rule()
    def clear(self):
        self.buf.clear()
        self.consumed_now(len(self.model))

    @rule(data=st.data())
    def find(self, data):
        model = bytes(self.model)
        if model and data.draw(st.booleans()):
            i = data.draw(st.integers(min_value=0, max_value=len(model) - 1))
            sub = model[i : i + data.draw(st.integers(min_value=1, max_value=12))]
        else:
            sub = data.draw(st.sampled_from([b"\n", b"a\nb", b"zzzz", 10]))
        start = data.draw(st.integers(min_value=-len(model) - 1, max_value=len(model) + 1))
        assert self.buf.find(sub, start) == model.find(sub, start)

    @rule(n=counts)
    def peek(self, n):
        with self.buf.peek(n) as view:
            assert view == (self.model if n < 0 else self.model[:n])

    @rule(data=st.data())
    def index_and_slice(self, data):
        model = bytes(self.model)
        if model:
            i = data.draw(st.integers(min_value=-len(model), max_value=len(model) - 1))
            assert self.buf[i] == model[i]
        j = data.draw(st.integers(min_value=0, max_value=len(model) + 1))
        assert self.buf[j:] == model[j:]

    @rule(seed=seeds)
    def view_then_more_writes(self, seed):
        """A live read view stays put while new lent writes arrive behind it."""
        with memoryview(self.buf) as view:
            snapshot = bytes(view)
            assert snapshot == self.model
            free = self.capacity - len(self.model)
            if free >= LEND_MIN:
                data = payload(free, seed)
                self.buf.write(data)
                self.produced_now(data)
            assert view == snapshot
            with pytest.raises(BufferError):
                self.buf.read(1)

    @invariant()
    def agrees_with_model(self):
        assert len(self.buf) == len(self.model)
        assert self.buf.free == self.capacity - len(self.model)
        assert self.buf.tell() == self.consumed

    @invariant()
    def consumed_objects_are_released(self):
        still = []
        for end, obj in self.written:
            if end <= self.consumed:
                # Held only by the list's tuple, `obj` and getrefcount's argument.
                assert sys.getrefcount(obj) == 3, "a consumed lent bytes is still referenced"
            else:
                still.append((end, obj))
        self.written = still


def machine(mirrored: bool, requested: int):
    cls = type(
        f"Lending_{'mirrored' if mirrored else 'heap'}_{requested}",
        (LendingModel,),
        {"mirrored": mirrored, "requested": requested},
    )
    cls.TestCase.settings = settings(
        settings.default,
        stateful_step_count=40,
        max_examples=max(10, settings.default.max_examples // 2),
    )
    return cls.TestCase


# Mirrored: 64 KiB (three lent ranges at most). Heap: a capacity that is no
# page multiple, so lent ranges cross the wrap point at every offset and the
# fallback's mirror copy is exercised by the fills.
TestLendingMirrored = machine(True, 64 * 1024)
TestLendingHeap = machine(False, 100_003)


def test_a_read_of_exactly_one_lent_write_returns_that_object():
    buf = octonaut.Buffer(256 * 1024)
    chunk = random.Random(5).randbytes(64 * 1024)
    buf.write(chunk)
    buf.write(chunk)
    assert buf.read(len(chunk)) is chunk
    assert buf.read(10) == chunk[:10]  # a piece: copied
    assert buf.read() == chunk[10:]
    small = b"x" * (LEND_MIN - 1)
    buf.write(small)
    assert buf.read() == small and buf.tell() == 2 * len(chunk) + len(small)


def test_a_bytes_subclass_is_copied_and_read_back_as_bytes():
    buf = octonaut.Buffer(128 * 1024)
    data = Tagged(b"y" * (64 * 1024))
    buf.write(data)
    got = buf.read()
    assert type(got) is bytes and got == data


def test_deleting_a_buffer_releases_its_lent_objects():
    chunk = random.Random(6).randbytes(LEND_MIN)
    before = sys.getrefcount(chunk)
    buf = octonaut.Buffer(256 * 1024)
    for _ in range(4):
        buf.write(chunk)
    assert sys.getrefcount(chunk) == before + 4
    buf.read(10)
    del buf
    assert sys.getrefcount(chunk) == before


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_256_mib_of_large_bytes_across_two_threads(mirrored):
    """Lent and copied writes of random sizes; the reader mixes whole reads,
    partial reads, readinto, peek+skip and find+read. Checksums must agree."""
    total = 256 * 1024 * 1024
    buf = octonaut.Buffer(256 * 1024, mirrored=mirrored)
    capacity = buf.capacity
    block = random.Random(7).randbytes(4 * 1024 * 1024)
    sent, received = hashlib.blake2b(), hashlib.blake2b()
    errors: list[BaseException] = []
    got = 0

    def writer():
        rng = random.Random(8)
        remaining = total
        try:
            while remaining:
                sizes = (rng.randrange(1, 4096), rng.randrange(LEND_MIN, capacity + 1), 65536)
                n = min(remaining, rng.choice(sizes))
                start = rng.randrange(0, len(block) - n)
                chunk = block[start : start + n]  # a new exact bytes
                buf.write(chunk if rng.random() < 0.8 else bytearray(chunk), timeout=30.0)
                sent.update(chunk)
                remaining -= n
        except BaseException as exc:
            errors.append(exc)

    def reader():
        nonlocal got
        rng = random.Random(9)
        sink = bytearray(capacity)
        try:
            while got < total:
                how = rng.random()
                if how < 0.5:
                    data = buf.read(rng.choice((65536, rng.randrange(1, capacity))), timeout=10.0)
                    assert data, "reader starved for 10 s"
                    received.update(data)
                    got += len(data)
                elif how < 0.7:
                    n = buf.readinto(memoryview(sink)[: rng.randrange(1, capacity)], timeout=10.0)
                    received.update(memoryview(sink)[:n])
                    got += n
                elif how < 0.85:
                    with buf.peek(rng.randrange(1, capacity)) as view:
                        received.update(view)
                        n = len(view)
                    buf.skip(n)
                    got += n
                else:
                    at = buf.find(block[:2])
                    n = at + 2 if at >= 0 else len(buf)
                    data = buf.read(n)
                    received.update(data)
                    got += len(data)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "stream did not finish in 300 s"
    assert not errors, errors
    assert got == total and received.digest() == sent.digest()
    assert len(buf) == 0 and buf.tell() == total


@pytest.mark.parametrize("mirrored", [True, False], ids=["mirrored", "heap"])
def test_a_long_fill_of_lent_bytes_releases_the_gil(mirrored):
    """`buf[0]` fills 256 MiB of lent bytes into the ring first; a counting
    thread must keep running meanwhile. (Holding the GIL, it advanced about
    30,000 in the moment before the call and nothing during the fill; with the
    GIL released it advanced 1-3 million.)"""
    buf = octonaut.Buffer(256 * 1024 * 1024, mirrored=mirrored)
    chunk = random.Random(10).randbytes(32 * 1024 * 1024)
    for _ in range(8):
        buf.write(chunk)
    advanced, _ = count_while(lambda: buf[0])
    assert advanced > 300_000, advanced
    assert buf[1] == chunk[1]
    assert buf.find(chunk[-8:], len(buf) - len(chunk)) == len(buf) - 8
    assert bytes(memoryview(buf)[-len(chunk) :]) == chunk

"""Model-based test of ``octonaut.Buffer`` against a ``bytearray``.

A hypothesis ``RuleBasedStateMachine`` drives one Buffer and one bytearray
model with the same random operations (write incl. failing writes,
writable()+commit, read, readinto, readline, skip, find, peek, memoryview,
indexing and slicing) and checks after every step that the readable bytes,
``len``, ``free`` and ``tell`` agree. Capacities are small so the wrap point
is crossed many times; ``target`` steers hypothesis towards long streams, and
a long deterministic run asserts the wrap was really crossed many times.
Both the mirrored (memfd mapped twice) and the heap-fallback paths are run.
"""

from __future__ import annotations

import mmap
import random

import octonaut
import pytest
from hypothesis import settings, target
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

PAGE = mmap.PAGESIZE
TEXT = bytes(b"ab\n"[i % 3] for i in range(256))  # maps random bytes to newline-rich text

sizes = st.integers(min_value=0, max_value=2 * PAGE + 16)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
counts = st.integers(min_value=-1, max_value=2 * PAGE + 16)


def payload(size: int, seed: int) -> bytes:
    """Deterministic bytes: random, or newline-rich text (for readline/find)."""
    data = random.Random(seed).randbytes(size)
    return data.translate(TEXT) if seed % 2 else data


def expected_readline(model: bytearray, limit: int) -> bytes:
    """The documented readline: a complete line, else b"" (or `limit` bytes)."""
    window = model if limit < 0 else model[:limit]
    end = window.find(b"\n")
    if end >= 0:
        return bytes(window[: end + 1])
    if 0 <= limit <= len(model):
        return bytes(model[:limit])
    return b""


class BufferModel(RuleBasedStateMachine):
    """Subclassed per (mirrored, capacity) below."""

    mirrored: bool = True
    requested: int = PAGE

    @initialize()
    def create(self):
        self.buf = octonaut.Buffer(self.requested, mirrored=self.mirrored)
        assert self.buf.mirrored is self.mirrored
        self.capacity = self.buf.capacity
        assert self.capacity >= self.requested
        if self.mirrored:
            assert self.capacity % PAGE == 0
        self.model = bytearray()
        self.consumed = 0

    # --- producing ------------------------------------------------------

    def scaled(self, n: int) -> int:
        """Maps a drawn size into 0..2*capacity, so tiny buffers see fitting sizes too."""
        return n if n < 0 else n % (2 * self.capacity + 1)

    @rule(size=sizes, seed=seeds)
    def write(self, size, seed):
        size = self.scaled(size)
        data = payload(size, seed)
        free = self.capacity - len(self.model)
        if size > free:
            with pytest.raises(octonaut.BufferFull) as info:
                self.buf.write(data)
            assert str(size) in str(info.value)
            # All or nothing: the contents are checked by the invariant.
        else:
            self.buf.write(data)
            self.model += data

    @rule(size=sizes, seed=seeds)
    def write_until_exactly_full(self, size, seed):
        free = self.capacity - len(self.model)
        data = payload(free, seed)
        self.buf.write(data)
        self.model += data
        assert self.buf.free == 0
        if size:
            with pytest.raises(octonaut.BufferFull):
                self.buf.write(b"x" * min(size, self.capacity), timeout=0)

    @rule(size=sizes, seed=seeds, overcommit=st.booleans())
    def writable_commit(self, size, seed, overcommit):
        view = self.buf.writable()
        free = self.capacity - len(self.model)
        assert len(view) == free and not view.readonly and view.contiguous
        n = min(self.scaled(size), free)
        data = payload(n, seed)
        view[:n] = data
        view.release()
        if overcommit:
            with pytest.raises(ValueError):
                self.buf.commit(free + 1)
        self.buf.commit(n)
        self.model += data

    # --- consuming ------------------------------------------------------

    def consumed_now(self, n: int) -> None:
        del self.model[:n]
        self.consumed += n

    @rule(n=counts)
    def read(self, n):
        n = self.scaled(n)
        got = self.buf.read(n)
        expected = bytes(self.model if n < 0 else self.model[:n])
        assert got == expected
        self.consumed_now(len(got))

    @rule(n=st.integers(min_value=0, max_value=2 * PAGE))
    def readinto(self, n):
        target_buffer = bytearray(b"\xee" * n)
        got = self.buf.readinto(target_buffer)
        k = min(n, len(self.model))
        assert got == k
        assert target_buffer[:k] == self.model[:k]
        assert target_buffer[k:] == b"\xee" * (n - k)
        self.consumed_now(k)

    @rule(limit=st.one_of(st.just(-1), st.integers(min_value=0, max_value=64)))
    def readline(self, limit):
        expected = expected_readline(self.model, limit)
        assert self.buf.readline(limit) == expected
        self.consumed_now(len(expected))

    @rule(n=counts)
    def skip(self, n):
        n = self.scaled(n)
        if n < 0 or n > len(self.model):
            with pytest.raises(ValueError):
                self.buf.skip(n)
        else:
            self.buf.skip(n)
            self.consumed_now(n)

    @rule()
    def clear(self):
        self.buf.clear()
        self.consumed_now(len(self.model))

    # --- inspecting -----------------------------------------------------

    @rule(
        data=st.data(),
        start=st.integers(min_value=-3 * PAGE, max_value=3 * PAGE),
        end=st.one_of(st.none(), st.integers(min_value=-3 * PAGE, max_value=3 * PAGE)),
    )
    def find(self, data, start, end):
        model = bytes(self.model)
        # A needle that occurs (a slice of the contents) or may not.
        if model and data.draw(st.booleans()):
            i = data.draw(st.integers(min_value=0, max_value=len(model) - 1))
            sub = model[i : i + data.draw(st.integers(min_value=0, max_value=8))]
        else:
            sub = data.draw(st.sampled_from([b"\n", b"a\nb", b"", b"zz", 10, 0]))
        assert self.buf.find(sub, start, end) == model.find(sub, start, end)
        assert self.buf.find(sub) == model.find(sub)

    @rule(n=counts)
    def peek(self, n):
        n = self.scaled(n)
        with self.buf.peek(n) as view:
            assert view.readonly and view.contiguous
            assert view == (self.model if n < 0 else self.model[:n])

    @rule(data=st.data())
    def index_and_slice(self, data):
        model = bytes(self.model)
        length = len(model)
        i = data.draw(st.integers(min_value=-length - 2, max_value=length + 2))
        if -length <= i < length:
            assert self.buf[i] == model[i]
        else:
            with pytest.raises(IndexError):
                self.buf[i]
        j = data.draw(st.integers(min_value=-length - 2, max_value=length + 2))
        k = data.draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
        assert self.buf[i:j] == model[i:j]
        assert self.buf[i:j:k] == model[i:j:k]
        assert self.buf[:] == model

    # --- every step -------------------------------------------------------

    @invariant()
    def agrees_with_model(self):
        assert len(self.buf) == len(self.model)
        assert self.buf.free == self.capacity - len(self.model)
        assert self.buf.tell() == self.consumed
        with memoryview(self.buf) as view:
            assert view == self.model

    def teardown(self):
        if hasattr(self, "buf"):
            target(self.consumed / self.capacity, label="capacities streamed")


def machine(mirrored: bool, requested: int, steps: int):
    cls = type(
        f"Buffer_{'mirrored' if mirrored else 'heap'}_{requested}",
        (BufferModel,),
        {"mirrored": mirrored, "requested": requested},
    )
    cls.TestCase.settings = settings(
        settings.default,
        stateful_step_count=steps,
        max_examples=max(10, settings.default.max_examples // 2),  # each example is long
    )
    return cls.TestCase


# The smallest mirrored buffer (one page), a two-page one, and heap buffers
# small enough that nearly every write wraps.
TestMirroredOnePage = machine(True, 1, 50)
TestMirroredTwoPages = machine(True, 2 * PAGE, 50)
TestHeapTiny = machine(False, 64, 50)
TestHeapPage = machine(False, PAGE, 50)


@pytest.mark.parametrize(
    ("mirrored", "requested"), [(True, 1), (False, 1000)], ids=["mirrored", "heap"]
)
def test_long_run_crosses_the_wrap_many_times(mirrored, requested):
    """A deterministic mixed workload; at the end tell() is many capacities."""
    buf = octonaut.Buffer(requested, mirrored=mirrored)
    capacity = buf.capacity
    rng = random.Random(2024)
    model = bytearray()
    consumed = 0
    for step in range(20_000):
        free = capacity - len(model)
        op = rng.randrange(6)
        if op <= 1:
            data = rng.randbytes(rng.randrange(0, free + 1))
            buf.write(data)
            model += data
        elif op == 2:
            n = rng.randrange(0, free + 1)
            data = bytes(rng.choices(b"xy\n", k=n))
            with buf.writable() as view:
                view[:n] = data
            buf.commit(n)
            model += data
        elif op == 3:
            n = rng.randrange(0, len(model) + 1)
            assert buf.read(n) == model[:n]
            del model[:n]
            consumed += n
        elif op == 4:
            line = buf.readline()
            end = model.find(b"\n")
            assert line == (model[: end + 1] if end >= 0 else b"")
            del model[: len(line)]
            consumed += len(line)
        else:
            n = rng.randrange(0, len(model) + 1)
            buf.skip(n)
            del model[:n]
            consumed += n
        if step % 97 == 0:
            with buf.peek() as view:
                assert view == model
            assert buf.find(b"\n") == model.find(b"\n")
        assert buf.tell() == consumed
    assert buf.tell() > 500 * capacity, (buf.tell(), capacity)

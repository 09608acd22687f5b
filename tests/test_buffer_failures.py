"""``octonaut.Buffer`` failure paths: nothing is lost, nothing crashes.

- ``BufferFull`` leaves the contents intact and names the sizes.
- ``len(data) > capacity`` fails at once, whatever the timeout.
- A view outliving its Buffer stays readable/writable (the view keeps the
  memory mapped); checked in-process and in a subprocess, where a crash
  would show as a signal exit code.
- Consuming under a live read view, or writing/committing under a live
  writable view, raises ``BufferError``.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
import time

import octonaut
import pytest


@pytest.fixture(params=[True, False], ids=["mirrored", "heap"])
def mirrored(request):
    return request.param


def contents(buf) -> bytes:
    with buf.peek() as view:
        return bytes(view)


def test_buffer_full_leaves_contents_intact_and_names_sizes(mirrored):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    # Put the data across the wrap point first.
    buf.write(b"\0" * 4000)
    buf.skip(4000)
    buf.write(b"A" * 3000)
    before = (contents(buf), len(buf), buf.free, buf.tell())
    for timeout in (0, 0.05):
        with pytest.raises(octonaut.BufferFull) as info:
            buf.write(b"B" * 1500, timeout=timeout)
        message = str(info.value)
        assert "1500" in message and str(buf.free) in message
        assert isinstance(info.value, octonaut.OctonautError)
        assert (contents(buf), len(buf), buf.free, buf.tell()) == before
    # Still fully usable afterwards.
    buf.write(b"C" * buf.free)
    assert buf.read() == b"A" * 3000 + b"C" * 1096


@pytest.mark.parametrize("timeout", [0, 1.0, None])
def test_larger_than_capacity_raises_at_once_whatever_the_timeout(mirrored, timeout):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    buf.write(b"keep")
    outcome = []

    def attempt():
        try:
            buf.write(b"x" * (buf.capacity + 1), timeout=timeout)
            outcome.append("written")
        except octonaut.BufferFull as exc:
            outcome.append(str(exc))

    started = time.perf_counter()
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive(), "write larger than capacity waited"
    assert time.perf_counter() - started < 0.5
    assert str(buf.capacity) in outcome[0] and str(buf.capacity + 1) in outcome[0]
    assert contents(buf) == b"keep"


def test_read_view_outlives_the_buffer(mirrored):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    buf.write(b"\0" * 4090)
    buf.skip(4090)
    buf.write(b"wrapped-around")
    view = buf.peek()
    whole = memoryview(buf)
    del buf
    gc.collect()
    assert bytes(view) == b"wrapped-around"
    assert whole.tobytes() == b"wrapped-around"
    view.release()
    whole.release()


def test_writable_view_outlives_the_buffer(mirrored):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    view = buf.writable()
    del buf
    gc.collect()
    view[:5] = b"hello"
    view[-3:] = b"end"
    assert bytes(view[:5]) == b"hello" and bytes(view[-3:]) == b"end"
    view.release()


OUTLIVE_SCRIPT = textwrap.dedent(
    """
    import gc, sys
    import octonaut

    mirrored = sys.argv[1] == "1"
    buf = octonaut.Buffer(8192, mirrored=mirrored)
    buf.write(b"\\0" * 8000)
    buf.skip(8000)
    buf.write(b"x" * 1000)           # crosses the wrap point
    read_view = memoryview(buf)
    write_view = buf.writable()
    del buf
    for _ in range(3):
        gc.collect()
    # Churn the allocator so freed memory would be reused.
    junk = [bytearray(8192) for _ in range(2000)]
    del junk
    assert bytes(read_view) == b"x" * 1000
    write_view[:] = b"y" * len(write_view)
    assert bytes(write_view) == b"y" * len(write_view)
    read_view.release()
    write_view.release()
    print("ok")
    """
)


@pytest.mark.parametrize("flag", ["1", "0"], ids=["mirrored", "heap"])
def test_views_outliving_the_buffer_in_a_subprocess(flag):
    out = subprocess.run(
        [sys.executable, "-c", OUTLIVE_SCRIPT, flag], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, (out.returncode, out.stderr)
    assert out.stdout.strip() == "ok"


CONSUMERS = {
    "read": lambda buf: buf.read(1),
    "read_all": lambda buf: buf.read(),
    "readinto": lambda buf: buf.readinto(bytearray(1)),
    "readline": lambda buf: buf.readline(),
    "skip": lambda buf: buf.skip(1),
    "clear": lambda buf: buf.clear(),
}


@pytest.mark.parametrize("consume", list(CONSUMERS), ids=list(CONSUMERS))
@pytest.mark.parametrize("how", ["peek", "memoryview"])
def test_consuming_under_a_live_read_view_raises_buffer_error(mirrored, consume, how):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    buf.write(b"line\nmore")
    view = buf.peek() if how == "peek" else memoryview(buf)
    with pytest.raises(BufferError):
        CONSUMERS[consume](buf)
    # Nothing was consumed, and the view still shows the bytes.
    assert bytes(view) == b"line\nmore" and buf.tell() == 0 and len(buf) == 9
    view.release()
    CONSUMERS[consume](buf)
    assert buf.tell() > 0


def test_writing_under_a_live_writable_view_raises_buffer_error(mirrored):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    view = buf.writable()
    view[:2] = b"hi"
    with pytest.raises(BufferError):
        buf.commit(2)
    with pytest.raises(BufferError):
        buf.write(b"x")
    assert len(buf) == 0
    view.release()
    buf.commit(2)
    assert buf.read() == b"hi"


def test_commit_more_than_free_raises_value_error(mirrored):
    buf = octonaut.Buffer(4096, mirrored=mirrored)
    buf.write(b"abc")
    with buf.writable() as view:
        assert len(view) == buf.capacity - 3
    with pytest.raises(ValueError):
        buf.commit(buf.capacity - 2)
    assert contents(buf) == b"abc"


# memfd_create needs a file descriptor: with every descriptor in use it fails
# (EMFILE), for real, so mirrored=None must fall back to the heap.
FALLBACK_SCRIPT = textwrap.dedent(
    """
    import errno, resource
    import octonaut

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 256), hard))
    hogs = []
    try:
        while True:
            hogs.append(open("/dev/null", "rb"))
    except OSError as err:
        assert err.errno == errno.EMFILE, err
    try:
        octonaut.Buffer(5000, mirrored=True)
    except OSError as err:
        assert "mirrored mapping unavailable" in str(err), err
    else:
        raise AssertionError("mirrored=True succeeded without descriptors")
    buf = octonaut.Buffer(5000)  # mirrored=None: must fall back
    assert buf.mirrored is False and buf.capacity == 5000, (buf.mirrored, buf.capacity)
    model = bytearray()
    stream = bytes(range(256)) * 40
    written = 0
    for step in range(3000):
        size = 1 + (step * 7919) % 3000
        if size <= buf.free:
            chunk = stream[written % 256 : written % 256 + size]
            buf.write(chunk)
            model += chunk
            written += size
        with buf.peek() as view:
            assert bytes(view) == model
        assert buf.find(b"\\xff\\x00") == model.find(b"\\xff\\x00")
        if model:
            assert buf[-1] == model[-1] and buf[0:7] == bytes(model[0:7])
        take = (step * 104729) % (len(model) + 1)
        assert buf.read(take) == bytes(model[:take])
        del model[:take]
    assert buf.tell() > 50 * buf.capacity, buf.tell()
    for hog in hogs:
        hog.close()
    assert octonaut.Buffer(5000).mirrored is True  # descriptors are back
    print("ok")
    """
)


def test_mirrored_none_falls_back_to_the_heap_when_memfd_fails():
    out = subprocess.run(
        [sys.executable, "-c", FALLBACK_SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, (out.returncode, out.stderr)
    assert out.stdout.strip() == "ok"

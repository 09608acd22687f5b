"""Quick, example-based tests of every ``octonaut.Buffer`` method and error.

The model-based (hypothesis) test, the two-thread 256 MiB test and the GIL test
live in their own files; this one pins down the API contract method by method,
on both the mirrored and the heap-fallback path.
"""

import _thread
import array
import gc
import mmap
import os
import threading
import time

import octonaut
import pytest
from octonaut import Buffer, BufferFull


@pytest.fixture(params=[True, False], ids=["mirrored", "heap"])
def mirrored(request):
    return request.param


def make(capacity, mirrored):
    buf = Buffer(capacity, mirrored=mirrored)
    assert buf.mirrored is mirrored
    return buf


def wrap(buf, offset):
    """Advance the ring so the next write starts ``offset`` bytes into it."""
    buf.write(b"\0" * offset)
    buf.skip(offset)


# --- construction -----------------------------------------------------------


def test_capacity_rounding():
    mirrored = Buffer(100, mirrored=True)
    assert mirrored.capacity == mmap.PAGESIZE
    heap = Buffer(100, mirrored=False)
    assert heap.capacity == 100
    auto = Buffer(100)
    assert auto.capacity >= 100
    assert isinstance(auto.mirrored, bool)


@pytest.mark.parametrize("bad", [0, -1])
def test_capacity_must_be_positive(bad):
    with pytest.raises(ValueError):
        Buffer(bad)


def test_mirrored_is_keyword_only():
    with pytest.raises(TypeError):
        Buffer(10, True)


def test_fresh_buffer_state(mirrored):
    buf = make(64, mirrored)
    assert (len(buf), buf.free, buf.tell()) == (0, buf.capacity, 0)
    assert buf.read() == b""
    assert buf.readline() == b""
    assert bytes(buf.peek()) == b""
    assert "Buffer" in repr(buf)


# --- write / read -----------------------------------------------------------


def test_write_read_roundtrip(mirrored):
    buf = make(64, mirrored)
    buf.write(b"hello ")
    buf.write(bytearray(b"world"))
    buf.write(memoryview(b"!!"))
    assert len(buf) == 13 and buf.free == buf.capacity - 13
    assert buf.read(5) == b"hello"
    assert buf.tell() == 5
    assert buf.read() == b" world!!"
    assert buf.tell() == 13 and len(buf) == 0


def test_write_accepts_other_buffers_and_rejects_str(mirrored):
    buf = make(64, mirrored)
    buf.write(array.array("B", [1, 2, 3]))
    assert buf.read() == b"\x01\x02\x03"
    with pytest.raises(TypeError):
        buf.write("text")


def test_write_all_or_nothing(mirrored):
    buf = make(100, mirrored)
    wrap(buf, 37)
    buf.write(b"a" * (buf.capacity - 10))
    before = buf.peek().tobytes()
    with pytest.raises(BufferFull) as info:
        buf.write(b"b" * 11)
    assert "11" in str(info.value) and "10" in str(info.value)
    assert buf.peek().tobytes() == before
    assert buf.free == 10
    buf.write(b"c" * 10)
    assert buf.free == 0


def test_write_larger_than_capacity_raises_at_once(mirrored):
    buf = make(100, mirrored)
    start = time.monotonic()
    with pytest.raises(BufferFull) as info:
        buf.write(b"x" * (buf.capacity + 1), timeout=5)
    assert time.monotonic() - start < 1
    assert str(buf.capacity) in str(info.value)
    assert isinstance(info.value, octonaut.OctonautError)


def test_write_timeout_expires(mirrored):
    buf = make(100, mirrored)
    buf.write(b"x" * buf.capacity)
    start = time.monotonic()
    with pytest.raises(BufferFull):
        buf.write(b"y", timeout=0.1)
    assert time.monotonic() - start >= 0.09
    with pytest.raises(ValueError):
        buf.write(b"y", timeout=-1)


def test_write_waits_for_reader(mirrored):
    buf = make(100, mirrored)
    buf.write(b"x" * buf.capacity)

    def drain():
        time.sleep(0.05)
        buf.read(10)

    reader = threading.Thread(target=drain)
    reader.start()
    buf.write(b"y" * 10, timeout=None)
    reader.join()
    assert buf.read()[-10:] == b"y" * 10


def test_read_timeout_waits_for_one_byte(mirrored):
    buf = make(100, mirrored)
    start = time.monotonic()
    assert buf.read(5, timeout=0.05) == b""
    assert time.monotonic() - start >= 0.04

    def produce():
        time.sleep(0.05)
        buf.write(b"ab")

    writer = threading.Thread(target=produce)
    writer.start()
    # Pipe-like: returns as soon as some bytes are there, not all 5.
    got = buf.read(5, timeout=10)
    writer.join()
    got += buf.read()
    assert got == b"ab"
    assert buf.read(0, timeout=None) == b""


def test_readinto(mirrored):
    buf = make(64, mirrored)
    buf.write(b"abcdef")
    target = bytearray(4)
    assert buf.readinto(target) == 4
    assert target == bytearray(b"abcd")
    target = bytearray(10)
    assert buf.readinto(target) == 2
    assert target[:2] == b"ef"
    assert buf.readinto(bytearray(3)) == 0
    with pytest.raises(TypeError):
        buf.readinto(b"readonly")


# --- lines, skip, clear, tell -----------------------------------------------


def test_readline(mirrored):
    buf = make(64, mirrored)
    buf.write(b"one\ntwo\nthr")
    assert buf.readline() == b"one\n"
    assert buf.readline() == b"two\n"
    assert buf.readline() == b""  # incomplete: nothing consumed
    assert len(buf) == 3
    buf.write(b"ee\n")
    assert buf.readline() == b"three\n"


def test_readline_limit(mirrored):
    buf = make(64, mirrored)
    buf.write(b"abcdef\nxy")
    assert buf.readline(3) == b"abc"
    assert buf.readline(10) == b"def\n"
    assert buf.readline(5) == b""  # "xy" is incomplete and shorter than the limit
    assert buf.readline(0) == b""
    assert buf.read() == b"xy"


def test_skip_and_clear_and_tell(mirrored):
    buf = make(64, mirrored)
    buf.write(b"0123456789")
    buf.skip(3)
    assert buf.tell() == 3 and buf[0] == ord("3")
    with pytest.raises(ValueError):
        buf.skip(8)
    with pytest.raises(ValueError):
        buf.skip(-1)
    buf.clear()
    assert len(buf) == 0 and buf.tell() == 10 and buf.free == buf.capacity


# --- writable / commit -------------------------------------------------------


def test_writable_commit(mirrored):
    buf = make(100, mirrored)
    wrap(buf, buf.capacity - 3)  # the free space now crosses the wrap point
    view = buf.writable()
    assert len(view) == buf.capacity and not view.readonly and view.contiguous
    view[:8] = b"abcdefgh"
    view.release()
    buf.commit(8)
    assert bytes(buf.peek()) == b"abcdefgh"
    assert buf.read() == b"abcdefgh"


def test_commit_bounds(mirrored):
    buf = make(64, mirrored)
    buf.write(b"x" * (buf.capacity - 4))
    with pytest.raises(ValueError):
        buf.commit(5)
    with pytest.raises(ValueError):
        buf.commit(-1)
    buf.commit(0)
    assert len(buf) == buf.capacity - 4


def test_commit_under_live_writable_view_raises(mirrored):
    buf = make(64, mirrored)
    view = buf.writable()
    view[:2] = b"hi"
    with pytest.raises(BufferError):
        buf.commit(2)
    with pytest.raises(BufferError):
        buf.write(b"x")
    del view
    buf.commit(2)
    buf.write(b"!")
    assert buf.read() == b"hi!"


def test_reading_under_writable_view_is_fine(mirrored):
    buf = make(64, mirrored)
    buf.write(b"abc")
    view = buf.writable()
    assert buf.read() == b"abc"
    view.release()


# --- peek / memoryview ---------------------------------------------------------


def test_peek_is_contiguous_across_wrap(mirrored):
    buf = make(100, mirrored)
    wrap(buf, buf.capacity - 5)
    data = bytes(range(20))
    buf.write(data)
    view = buf.peek()
    assert view.readonly and view.contiguous and bytes(view) == data
    assert bytes(buf.peek(4)) == data[:4]
    assert bytes(buf.peek(1000)) == data
    with pytest.raises(TypeError):
        view[0] = 1
    view.release()


def test_memoryview_protocol(mirrored):
    buf = make(64, mirrored)
    buf.write(b"abc")
    with memoryview(buf) as view:
        assert view.readonly and view.tobytes() == b"abc"
        assert bytes(buf) == b"abc"
    assert buf.read() == b"abc"


def test_consuming_under_live_read_view_raises(mirrored):
    buf = make(64, mirrored)
    buf.write(b"line\nmore")
    for make_view in (buf.peek, lambda: memoryview(buf)):
        view = make_view()
        for consume in (buf.read, buf.clear, buf.readline, lambda: buf.skip(1),
                        lambda: buf.readinto(bytearray(2))):
            with pytest.raises(BufferError):
                consume()
        # Writing and inspecting remain allowed under a read view.
        buf.write(b"!")
        assert buf[0] == ord("l")
        assert buf.find(b"more") == 5
        view.release()
    assert buf.read() == b"line\nmore!!"


def test_view_exporter_is_single_use(mirrored):
    buf = make(64, mirrored)
    buf.write(b"abc")
    view = buf.peek()
    with pytest.raises(BufferError):
        memoryview(view.obj)
    view.release()


def test_view_outlives_buffer(mirrored):
    buf = make(64, mirrored)
    buf.write(b"survivor")
    read_view = buf.peek()
    write_view = buf.writable()
    del buf
    gc.collect()
    assert bytes(read_view) == b"survivor"
    write_view[:3] = b"xyz"  # still mapped: must not crash
    read_view.release()
    write_view.release()


# --- find / getitem ----------------------------------------------------------------


def test_find_matches_bytes(mirrored):
    buf = make(100, mirrored)
    wrap(buf, buf.capacity - 7)
    data = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    buf.write(data)
    cases = [
        (b"\r\n",), (b"\r\n\r\n",), (b"zz",), (b"",), (ord("H"),), (b"H", 5), (b"H", -12),
        (b"\r\n", 0, 10), (b"\r\n", 16, -1), (b"", 200), (b"", 5, 2), (b"x", -1000, 1000),
    ]
    for args in cases:
        assert buf.find(*args) == data.find(*args), args
    assert buf.find(bytearray(b"Host")) == data.find(b"Host")
    with pytest.raises(ValueError):
        buf.find(256)
    with pytest.raises(TypeError):
        buf.find("Host")


def test_getitem_matches_bytes(mirrored):
    buf = make(100, mirrored)
    wrap(buf, buf.capacity - 3)
    data = bytes(range(10, 30))
    buf.write(data)
    for i in (0, 5, 19, -1, -20):
        assert buf[i] == data[i]
    for s in (slice(None), slice(2, 8), slice(-5, None), slice(None, None, 3),
              slice(15, 3, -2), slice(50, 60), slice(0, 0)):
        assert buf[s] == data[s], s
    for bad in (20, -21, 10**30):
        with pytest.raises(IndexError):
            buf[bad]
    with pytest.raises(TypeError):
        buf["a"]


# --- threads: concurrent writer/reader sides -------------------------------------


def test_second_concurrent_reader_raises_runtime_error(mirrored):
    buf = make(64, mirrored)
    started = threading.Event()
    result = []

    def blocked_reader():
        started.set()
        result.append(buf.read(1, timeout=2))

    reader = threading.Thread(target=blocked_reader)
    reader.start()
    started.wait()
    time.sleep(0.1)  # let it enter the blocking wait
    with pytest.raises(RuntimeError):
        buf.read()
    buf.write(b"z")  # the writer side is independent
    reader.join()
    assert result == [b"z"]


@pytest.mark.parametrize("blocked_side", ["read", "write"])
def test_blocking_wait_honours_ctrl_c(mirrored, blocked_side):
    buf = make(64, mirrored)
    if blocked_side == "write":
        buf.write(b"x" * buf.capacity)
        call = lambda: buf.write(b"y", timeout=None)  # noqa: E731
    else:
        call = lambda: buf.read(1, timeout=None)  # noqa: E731
    timer = threading.Timer(0.1, _thread.interrupt_main)
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        call()
    timer.join()
    assert time.monotonic() - start < 5
    # The side's busy flag was released: the Buffer is usable again.
    if blocked_side == "write":
        assert buf.read(1) == b"x"
        buf.write(b"y")
    else:
        buf.write(b"z")
        assert buf.read(1) == b"z"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_cannot_touch_the_ring(mirrored):
    buf = make(64, mirrored)
    buf.write(b"parent")
    pid = os.fork()
    if pid == 0:  # child: the ring is not mapped here (MADV_DONTFORK)
        code = 1
        try:
            buf.read()
        except RuntimeError:
            code = 0
        except BaseException:
            code = 2
        try:
            buf.write(b"x")
            code = 3
        except RuntimeError:
            pass
        if code == 0 and mirrored:
            with open("/proc/self/maps") as maps:  # MADV_DONTFORK: not inherited
                if "octonaut-ring" in maps.read():
                    code = 4
        del buf  # must not unmap anything in the child
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert buf.read() == b"parent"

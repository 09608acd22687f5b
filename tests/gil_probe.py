"""Whether a call releases the GIL: another thread counts while it runs.

A Python loop counts millions per second; while a call holds the GIL the
counter cannot run, so the count it gains during the call tells the two
apart (tests pick a threshold far above what one switch interval allows).
"""

from __future__ import annotations

import threading
import time


def count_while(blocking_call) -> tuple[int, float]:
    """Runs `blocking_call` in this thread while another thread counts."""
    stop = threading.Event()
    count = 0

    def counter():
        nonlocal count
        while not stop.is_set():
            count += 1

    thread = threading.Thread(target=counter)
    thread.start()
    time.sleep(0.05)  # let the counter get going
    before = count
    started = time.perf_counter()
    try:
        blocking_call()
    finally:
        elapsed = time.perf_counter() - started
        advanced = count - before
        stop.set()
        thread.join()
    return advanced, elapsed

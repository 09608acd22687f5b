"""Tiny shared helpers for octonaut's Python benchmarks (``bench_*.py``).

Strategy: each benchmark script measures our figure and a peer's figure for
the same work in the same run, and prints one table row per case: case, peer,
peer figure, ours, ratio (ours / peer, so > 1 means octonaut is faster).
Timings are the best of a few repeats (the least disturbed run on a shared
machine). ``octonaut bench`` runs every ``bench_*.py`` with ``--quick``.

Use::

    from _harness import best_of, best_of_pair, parse_args, print_table, rate, Row

    args = parse_args(__doc__)            # args.quick
    seconds = best_of(lambda: work(), repeat=3)
    peer_s, ours_s = best_of_pair(peer_work, our_work, repeat=5)  # interleaved
    print_table("title", [Row("case", "peer", rate(mb, peer_s), rate(mb, ours_s), "MB/s")])

Prefer ``best_of_pair``: it alternates peer and ours, so a burst of load from
other processes hits both sides alike instead of skewing the ratio.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Row", "best_of", "best_of_pair", "parse_args", "print_table", "rate"]


def parse_args(description: str | None) -> argparse.Namespace:
    """The common command line: ``--quick`` for a run of a few seconds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="short run (a few seconds)")
    return parser.parse_args()


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Seconds taken by the fastest of `repeat` calls of `fn()`."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def best_of_pair(
    peer: Callable[[], object], ours: Callable[[], object], repeat: int = 3
) -> tuple[float, float]:
    """Best seconds of `peer()` and of `ours()`, run alternately `repeat` times each."""
    best_peer = best_ours = float("inf")
    for _ in range(max(1, repeat)):
        best_peer = min(best_peer, best_of(peer, 1))
        best_ours = min(best_ours, best_of(ours, 1))
    return best_peer, best_ours


def rate(amount: float, seconds: float) -> float:
    """`amount` per second (e.g. MB/s when `amount` is in MB)."""
    return amount / seconds if seconds > 0 else float("inf")


@dataclass(frozen=True)
class Row:
    """One measured case. Figures are rates: higher is better."""

    case: str
    peer: str
    peer_figure: float
    ours: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.ours / self.peer_figure if self.peer_figure else float("inf")


def _fmt(value: float, unit: str) -> str:
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def print_table(title: str, rows: list[Row]) -> None:
    """Prints `rows` as an aligned text table (Markdown-compatible)."""
    header = ("case", "peer", "peer figure", "ours", "ratio")
    cells = [
        (r.case, r.peer, _fmt(r.peer_figure, r.unit), _fmt(r.ours, r.unit), f"{r.ratio:.2f}x")
        for r in rows
    ]
    widths = [max(len(str(line[i])) for line in [header, *cells]) for i in range(len(header))]
    print(f"\n### {title}  (Python {platform.python_version()})\n")
    for line in [header, tuple("-" * w for w in widths), *cells]:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
    print(flush=True)

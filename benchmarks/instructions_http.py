"""HTTP parsing from Python, counted in instructions: octonaut.http vs httptools.

The wall-clock benchmark (``bench_http.py``) swings by tens of percent on a
shared two-core machine. This script runs the same P1/P2 loops under
``valgrind --tool=callgrind`` and reports instructions per request, which
are repeatable whatever else the machine is doing: each contender runs twice
(a short and a long loop) and the difference of the totals, divided by the
extra requests, removes interpreter start-up and import costs.

Instructions are not time (IPC differs between code bases), so this is a
second opinion next to the wall-clock ratios, not a replacement.

Run: ``python benchmarks/instructions_http.py`` (needs valgrind; about a
minute). Not part of ``octonaut bench``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHORT, LONG = 1_000, 11_000
CONTENDERS = ("ours", "httptools")
CASES = {
    "P1 all fields, 1/feed": ("p1", False),
    "P2 method+target+Host, 1/feed": ("p2", False),
    "P2 method+target+Host, 16/feed": ("p2", True),
}


def child(contender: str, case: str, pipelined: bool, loops: int) -> None:
    """Runs one loop (inside valgrind)."""
    sys.path.insert(0, str(HERE))
    import bench_http as b

    data = b.REQ16 if pipelined else b.REQ
    if contender == "ours":
        run = b.ours_p1(data) if case == "p1" else b.ours_p2(data)
    else:
        run = b.httptools_run(data, b._AllFields if case == "p1" else b._HostOnly)
    run(loops)


def instructions(contender: str, case: str, pipelined: bool, loops: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        args = [contender, case, str(int(pipelined)), str(loops)]
        proc = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        match = re.search(r"Collected : (\d+)", proc.stderr)
        if match is None:
            raise RuntimeError(f"no instruction count in valgrind's output:\n{proc.stderr}")
        return int(match.group(1))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        contender, case, pipelined, loops = sys.argv[2:6]
        child(contender, case, pipelined == "1", int(loops))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    print(f"{'case':34} {'peer':10} {'peer instr/req':>15} {'ours instr/req':>15} {'ratio':>7}")
    for name, (case, pipelined) in CASES.items():
        per_loop = 16 if pipelined else 1
        counts = {}
        for contender in CONTENDERS:
            short = instructions(contender, case, pipelined, SHORT)
            long = instructions(contender, case, pipelined, LONG)
            counts[contender] = (long - short) / ((LONG - SHORT) * per_loop)
        ratio = counts["httptools"] / counts["ours"]
        print(
            f"{name:34} {'httptools':10} {counts['httptools']:15,.0f} "
            f"{counts['ours']:15,.0f} {ratio:6.2f}x"
        )
    print("(ratio = peer instructions / ours, so > 1 means octonaut does less work)")


if __name__ == "__main__":
    main()

"""The ``octonaut`` command line.

``octonaut --version`` prints the version. ``octonaut bench [--quick] [NAME ...]``
runs the benchmark scripts (``bench_*.py``) of a source checkout, each in a
subprocess with this same Python, and prints their tables (ours beside the
peers'). The scripts are looked for in ``$OCTONAUT_BENCHMARKS``, then in
``./benchmarks``. Also reachable as ``python -m octonaut``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS_ENV = "OCTONAUT_BENCHMARKS"


def find_benchmarks_dir() -> Path:
    """The directory holding ``bench_*.py``; raises FileNotFoundError with the places tried."""
    tried = []
    configured = os.environ.get(BENCHMARKS_ENV)
    if configured:
        candidates = [Path(configured)]
    else:
        candidates = [Path.cwd() / "benchmarks"]
    for candidate in candidates:
        tried.append(str(candidate))
        if candidate.is_dir() and any(candidate.glob("bench_*.py")):
            return candidate
    raise FileNotFoundError(
        "no benchmark scripts (bench_*.py) found in "
        + ", ".join(tried)
        + f"; run from an octonaut source checkout or set {BENCHMARKS_ENV}=/path/to/benchmarks"
    )


def select_scripts(directory: Path, names: list[str]) -> list[Path]:
    """``bench_*.py`` in `directory`, filtered by `names` (``buffer``, ``bench_buffer``
    and ``bench_buffer.py`` all select ``bench_buffer.py``)."""
    scripts = sorted(directory.glob("bench_*.py"))
    if not names:
        return scripts
    by_key = {}
    for script in scripts:
        for key in (script.name, script.stem, script.stem.removeprefix("bench_")):
            by_key[key] = script
    unknown = [name for name in names if name not in by_key]
    if unknown:
        available = ", ".join(s.stem.removeprefix("bench_") for s in scripts)
        raise LookupError(f"unknown benchmark(s): {', '.join(unknown)}; available: {available}")
    return list(dict.fromkeys(by_key[name] for name in names))


def run_bench(quick: bool, names: list[str]) -> int:
    try:
        directory = find_benchmarks_dir()
        scripts = select_scripts(directory, names)
    except (FileNotFoundError, LookupError) as error:
        print(f"octonaut bench: {error}", file=sys.stderr)
        return 2
    failed = []
    for script in scripts:
        print(f"== {script.stem}{' --quick' if quick else ''}", flush=True)
        command = [sys.executable, str(script)] + (["--quick"] if quick else [])
        if subprocess.run(command, cwd=directory).returncode != 0:
            failed.append(script.stem)
    if failed:
        print(f"octonaut bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    from . import __version__

    parser = argparse.ArgumentParser(prog="octonaut", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"octonaut {__version__}")
    commands = parser.add_subparsers(dest="command")
    bench = commands.add_parser(
        "bench",
        help="run the benchmarks and print ours beside the peers' figures",
        description="Runs bench_*.py from $OCTONAUT_BENCHMARKS or ./benchmarks.",
    )
    bench.add_argument("--quick", action="store_true", help="a short run (a few seconds each)")
    bench.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    if args.command == "bench":
        return run_bench(args.quick, args.names)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())

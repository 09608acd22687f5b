"""The ``octonaut`` command line: ``--version`` and ``bench``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import octonaut

TINY_BENCH = textwrap.dedent(
    """
    import sys
    from _harness import Row, best_of, parse_args, print_table

    args = parse_args(__doc__)
    seconds = best_of(lambda: sum(range(1000)), repeat=2)
    print_table("tiny", [Row("sum", "peer", 2.0, 3.0, "op/s")])
    print("quick" if args.quick else "full")
    """
)

HARNESS = Path(__file__).resolve().parent.parent / "benchmarks" / "_harness.py"


def octonaut_cli(*args, cwd=None, env_dir=None):
    env = {k: v for k, v in os.environ.items() if k != "OCTONAUT_BENCHMARKS"}
    if env_dir is not None:
        env["OCTONAUT_BENCHMARKS"] = str(env_dir)
    return subprocess.run(
        [sys.executable, "-m", "octonaut", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def make_bench_dir(root: Path) -> Path:
    bench_dir = root / "benches"
    bench_dir.mkdir()
    shutil.copy(HARNESS, bench_dir / "_harness.py")
    (bench_dir / "bench_tiny.py").write_text(TINY_BENCH)
    (bench_dir / "bench_broken.py").write_text("raise SystemExit(3)\n")
    return bench_dir


def test_version():
    out = octonaut_cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"octonaut {octonaut.__version__}"


def test_bench_quick_runs_a_named_bench_from_env_dir(tmp_path):
    bench_dir = make_bench_dir(tmp_path)
    out = octonaut_cli("bench", "--quick", "tiny", cwd=tmp_path, env_dir=bench_dir)
    assert out.returncode == 0, out.stderr
    assert "== bench_tiny --quick" in out.stdout
    assert "| sum" in out.stdout and "1.50x" in out.stdout
    assert out.stdout.strip().endswith("quick")
    assert "bench_broken" not in out.stdout


def test_bench_finds_benchmarks_in_the_working_directory(tmp_path):
    make_bench_dir(tmp_path)
    (tmp_path / "benches").rename(tmp_path / "benchmarks")
    out = octonaut_cli("bench", "bench_tiny.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("full")


def test_bench_reports_a_failing_script(tmp_path):
    bench_dir = make_bench_dir(tmp_path)
    out = octonaut_cli("bench", "--quick", cwd=tmp_path, env_dir=bench_dir)
    assert out.returncode == 1
    assert "failed: bench_broken" in out.stderr
    assert "== bench_tiny" in out.stdout  # the others still ran


def test_bench_not_found_is_a_clear_error(tmp_path):
    out = octonaut_cli("bench", "--quick", cwd=tmp_path)
    assert out.returncode == 2
    assert "no benchmark scripts" in out.stderr and "OCTONAUT_BENCHMARKS" in out.stderr
    out = octonaut_cli("bench", cwd=tmp_path, env_dir=tmp_path / "missing")
    assert out.returncode == 2 and str(tmp_path / "missing") in out.stderr


def test_bench_unknown_name(tmp_path):
    bench_dir = make_bench_dir(tmp_path)
    out = octonaut_cli("bench", "nope", cwd=tmp_path, env_dir=bench_dir)
    assert out.returncode == 2
    assert "unknown benchmark(s): nope" in out.stderr and "tiny" in out.stderr


def test_main_without_command_prints_help(capsys):
    from octonaut.__main__ import main

    assert main([]) == 0
    assert "bench" in capsys.readouterr().out

"""The ``octonaut`` command line: ``octonaut --version``, ``octonaut bench [--quick]``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from . import __version__

    parser = argparse.ArgumentParser(prog="octonaut", description=__doc__)
    parser.add_argument("--version", action="version", version=f"octonaut {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())

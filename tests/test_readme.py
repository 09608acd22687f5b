"""Every Python example in the README runs as written."""

import contextlib
import io
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    # Blocks build on each other (as a reader would run them), so run the
    # earlier ones first in the same namespace.
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for block in BLOCKS[: index + 1]:
            exec(compile(block, f"README block {index}", "exec"), namespace)

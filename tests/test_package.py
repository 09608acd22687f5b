import subprocess
import sys

import octonaut


def test_version_is_exposed_and_matches_cli():
    assert octonaut.__version__
    out = subprocess.run(
        [sys.executable, "-m", "octonaut", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"octonaut {octonaut.__version__}"


def test_error_hierarchy():
    assert issubclass(octonaut.BufferFull, octonaut.OctonautError)
    assert issubclass(octonaut.ParseError, octonaut.OctonautError)
    assert issubclass(octonaut.ParseError, ValueError)
    assert issubclass(octonaut.LimitExceeded, octonaut.ParseError)
    err = octonaut.ParseError("bad", "invalid_method", 7)
    assert (err.code, err.offset, err.messages) == ("invalid_method", 7, [])

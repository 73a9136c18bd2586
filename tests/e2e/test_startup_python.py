"""An old Python: one line and exit 2, not a SyntaxError or a traceback."""

import glob
import os
import shutil
import subprocess
import sys

import pytest

from inspector.runtime.earlyinit import PYTHON_REQUIRED
from tests.e2e.conftest import ROOT


def test_a_python_that_reports_an_older_version_is_refused_before_anything_else(env):
    # This interpreter, told it is 3.10: the check runs before the start path imports
    # anything else (no Qt, no logging set-up).
    script = (
        "import runpy, sys\n"
        "sys.version_info = (3, 10, 2, 'final', 0)\n"
        "runpy.run_module('inspector', run_name='__main__', alter_sys=True)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"inspector: Inspector needs Python 3.11 or newer; this is Python 3.10.2 "
        f"({sys.executable}). Install Python 3.11 or newer and install Inspector with it, or "
        "use the Inspector installer for Windows or macOS, which brings its own Python."
    ]


def _older_pythons() -> list[str]:
    """Interpreters older than the floor that this machine has (on PATH or under pyenv),
    from 3.7, the oldest the start path parses on (runtime/earlyinit.py)."""
    found: dict[tuple[int, int], str] = {}
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for minor in range(7, PYTHON_REQUIRED[1]):
        builds = sorted(glob.glob(os.path.join(pyenv, "versions", f"3.{minor}.*", "bin", "python")))
        on_path = shutil.which(f"python3.{minor}")
        if on_path and os.sep + "shims" + os.sep in on_path:
            on_path = None  # a pyenv shim works only for the versions it is told to use
        if builds or on_path:
            found[(3, minor)] = builds[-1] if builds else str(on_path)
    return list(found.values())


@pytest.mark.skipif(not _older_pythons(), reason="no Python older than the floor here")
@pytest.mark.parametrize("python", _older_pythons() or ["none"])
def test_an_older_python_gets_the_message_not_a_syntax_error(python, tmp_path):
    proc = subprocess.run(
        [python, "-m", "inspector"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("inspector: Inspector needs Python 3.11 or newer; this is Python ")

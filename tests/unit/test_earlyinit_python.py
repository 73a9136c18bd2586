"""Early checks of the Python side: the interpreter's version."""

import re
import tomllib
from pathlib import Path

import pytest

from inspector.runtime.earlyinit import PYTHON_REQUIRED, python_problem

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_required_python_is_the_one_pyproject_declares():
    declared = re.fullmatch(r">=\s*(\d+)\.(\d+)", PROJECT["requires-python"])
    assert declared is not None, PROJECT["requires-python"]
    assert tuple(int(part) for part in declared.groups()) == PYTHON_REQUIRED


def test_an_older_python_gets_one_line_naming_both_versions_and_the_interpreter():
    assert python_problem((3, 10, 4, "final", 0), "/usr/bin/python3.10") == (
        "Inspector needs Python 3.11 or newer; this is Python 3.10.4 (/usr/bin/python3.10). "
        "Install Python 3.11 or newer and install Inspector with it, or use the Inspector "
        "installer for Windows or macOS, which brings its own Python."
    )


@pytest.mark.parametrize("version", [(3, 7, 0), (3, 9, 18), (2, 7, 18)])
def test_every_python_below_the_floor_is_refused(version):
    assert "needs Python 3.11 or newer" in (python_problem(version, "python") or "")


@pytest.mark.parametrize("version", [(3, 11, 0), (3, 11, 7, "final", 0), (3, 13, 1), (4, 0, 0)])
def test_the_floor_and_newer_pass(version):
    assert python_problem(version, "python") is None


def test_this_python_passes():
    assert python_problem() is None

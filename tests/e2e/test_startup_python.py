"""An old Python or a missing or broken Python package: one line and exit 2, not a traceback."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT

INSPECTOR = [sys.executable, "-m", "inspector"]


def _start(env: dict[str, str], *shadows: Path) -> subprocess.CompletedProcess[str]:
    """`python -m inspector` with these folders first on the path, offscreen so the display
    check passes whatever this machine has."""
    path = os.pathsep.join([*(str(folder) for folder in shadows), env["PYTHONPATH"]])
    return subprocess.run(
        INSPECTOR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "PYTHONPATH": path, "QT_QPA_PLATFORM": "offscreen"},
    )


def _messages(proc: subprocess.CompletedProcess[str]) -> list[str]:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    return [line for line in proc.stderr.splitlines() if line.startswith("inspector: ")]


def _package(folder: Path, name: str, init: str = "") -> Path:
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text(init)
    return folder


def _without(tmp_path: Path, module: str) -> Path:
    """A folder whose `sitecustomize` hides `module` from the import system, as if it were not
    installed."""
    folder = tmp_path / f"without-{module}"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import importlib.abc, sys\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] == {module!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Hide())\n"
    )
    return folder


def test_a_missing_package_is_named_with_the_pip_command(tmp_path, env):
    proc = _start(env, _without(tmp_path, "yaml"))
    assert _messages(proc) == [
        "inspector: Cannot open the window: the Python module yaml (PyYAML) is missing. "
        f"Install it with: {sys.executable} -m pip install PyYAML"
    ]


def test_pyside6_without_qtwebengine_asks_for_the_addons(tmp_path, env):
    # A PySide6 package earlier on the path that has no QtWebEngineWidgets, as PySide6
    # installed without PySide6-Addons. (An empty folder would not do: a regular package
    # later on the path wins over a namespace folder.)
    proc = _start(env, _package(tmp_path / "shadow", "PySide6"))
    assert _messages(proc) == [
        "inspector: Cannot open the window: the Python module PySide6.QtWebEngineWidgets "
        f"(PySide6-Addons) is missing. Install it with: {sys.executable} -m pip install "
        "'PySide6-Addons>=6.11.3,<6.12'"
    ]


def test_a_package_that_fails_to_import_is_one_line(tmp_path, env):
    shadow = _package(tmp_path / "shadow", "qasync", "raise ImportError('qasync is damaged')\n")
    proc = _start(env, shadow)
    assert _messages(proc) == [
        "inspector: Cannot open the window: the Python module qasync cannot be imported "
        "(ImportError: qasync is damaged). Reinstall it with: "
        f"{sys.executable} -m pip install --force-reinstall qasync"
    ]


def test_a_python_that_reports_an_older_version_is_refused_before_anything_else(env):
    # This interpreter, told it is 3.10: the check runs before the start path imports
    # anything else (no Qt, no package check, no logging set-up).
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


# What runs before the version check: `python -m inspector` and `inspector` import these.
_START_PATH = (
    "__init__.py",
    "__main__.py",
    "cli.py",
    "runtime/__init__.py",
    "runtime/python_version.py",
    "runtime/earlyinit.py",
)


@pytest.mark.parametrize("module", _START_PATH)
def test_the_start_path_parses_on_python_3_7(module):
    """An older Python must reach the version check, not fail on newer syntax first.

    `ast.parse(feature_version=...)` applies the older grammar, so this holds on any machine;
    the start path was also run under real Pythons 3.7 to 3.10, which print the one line.
    """
    source = (ROOT / "inspector" / module).read_text(encoding="utf-8")
    ast.parse(source, filename=module, feature_version=(3, 7))
    # Annotations are not evaluated (3.7 cannot subscript `list[str]` at run time).
    tree = ast.parse(source)
    if any(isinstance(node, ast.AnnAssign | ast.FunctionDef) for node in ast.walk(tree)):
        assert "from __future__ import annotations" in source, module

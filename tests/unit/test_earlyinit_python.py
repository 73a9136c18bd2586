"""Early checks of the Python side: the interpreter's version and the packages the window needs."""

import re
import sys
import tomllib
from pathlib import Path

import pytest

from inspector.runtime.earlyinit import (
    PYSIDE6_VERSIONS,
    PYTHON_REQUIRED,
    REQUIRED_PACKAGES,
    PythonPackage,
    broken_package_problem,
    missing_packages,
    missing_packages_message,
    python_problem,
)

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_required_python_is_the_one_pyproject_declares():
    declared = re.fullmatch(r">=\s*(\d+)\.(\d+)", PROJECT["requires-python"])
    assert declared is not None, PROJECT["requires-python"]
    assert tuple(int(part) for part in declared.groups()) == PYTHON_REQUIRED


def test_the_pyside6_versions_are_the_ones_pyproject_declares():
    assert f"PySide6{PYSIDE6_VERSIONS}" in PROJECT["dependencies"]


def test_every_dependency_the_window_imports_is_checked():
    declared = {re.split(r"[<>=!~ ]", dep)[0].lower() for dep in PROJECT["dependencies"]}
    checked = {package.distribution.lower() for package in REQUIRED_PACKAGES}
    assert checked - declared == {"pyside6-addons"}  # comes with the PySide6 distribution
    # httpcore's, not imported by Inspector; and only for `inspector run --junit`.
    assert declared - checked == {"sniffio", "junitparser"}


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


def test_every_required_package_is_installed_here():
    assert missing_packages() == []


def test_a_missing_package_or_submodule_is_found_without_importing_its_package(
    tmp_path, monkeypatch
):
    package = tmp_path / "fakeqt_for_test"
    package.mkdir()
    (package / "__init__.py").write_text("raise RuntimeError('imported')\n")
    (package / "Core.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    wanted = [
        PythonPackage("fakeqt_for_test", "fakeqt-for-test"),
        PythonPackage("fakeqt_for_test.Core", "fakeqt-for-test"),
        PythonPackage("fakeqt_for_test.Web", "fakeqt-web", ">=1.2"),
        PythonPackage("not_installed_for_test", "not-installed"),
        PythonPackage("not_installed_for_test.sub", "not-installed-sub"),
    ]
    missing = missing_packages(wanted)
    assert [p.module for p in missing] == [
        "fakeqt_for_test.Web",
        "not_installed_for_test",
        "not_installed_for_test.sub",
    ]
    assert "fakeqt_for_test" not in sys.modules


def test_a_frozen_bundle_is_not_checked(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert missing_packages([PythonPackage("not_installed_for_test", "x")]) == []


def test_one_missing_package_is_one_pip_command_for_this_python():
    addons = next(p for p in REQUIRED_PACKAGES if p.module == "PySide6.QtWebEngineWidgets")
    assert missing_packages_message([addons], "/opt/venv/bin/python") == (
        "Cannot open the window: the Python module PySide6.QtWebEngineWidgets (PySide6-Addons) "
        "is missing. Install it with: /opt/venv/bin/python -m pip install "
        "'PySide6-Addons>=6.11.3,<6.12'"
    )


def test_several_missing_packages_are_one_command():
    qasync, yaml = (p for p in REQUIRED_PACKAGES if p.module in ("qasync", "yaml"))
    assert missing_packages_message([qasync, yaml], "C:/Program Files/Python311/python.exe") == (
        "Cannot open the window: the Python modules qasync, yaml (PyYAML) are missing. "
        'Install them with: "C:/Program Files/Python311/python.exe" -m pip install qasync PyYAML'
    )


def test_a_package_that_fails_to_import_is_one_line_with_its_error():
    def import_module(name: str) -> object:
        if name == "platformdirs":
            raise ImportError("cannot import name 'user_data_dir'\n(most likely a circular import)")
        return None

    assert broken_package_problem(import_module=import_module, executable="python3") == (
        "Cannot open the window: the Python module platformdirs cannot be imported "
        "(ImportError: cannot import name 'user_data_dir' (most likely a circular import)). "
        "Reinstall it with: python3 -m pip install --force-reinstall platformdirs"
    )


def test_installed_packages_import():
    assert broken_package_problem() is None

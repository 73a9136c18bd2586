"""`inspector --version` and `--help` load no Qt and no HTTP stack (they must answer at once)."""

import subprocess
import sys

import pytest

HEAVY = ("PySide6", "qasync", "httpx", "aiohttp", "keyring", "inspector.sandbox.server")


def imported_modules(*args):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "inspector", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return done.stdout, names


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["verify", "--help"]])
def test_version_and_help_import_no_qt_and_no_http_stack(args):
    stdout, names = imported_modules(*args)
    assert stdout.strip()
    assert "inspector.cli" in names
    heavy = sorted(n for n in names if n.split(".")[0] in HEAVY or n in HEAVY)
    assert heavy == []


def test_the_fault_names_come_without_the_sandbox_server():
    stdout, names = imported_modules("--help")
    assert "lowercase-keys" in stdout
    assert "inspector.sandbox.faults" in names
    assert "inspector.sandbox.server" not in names

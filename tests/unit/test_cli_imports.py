"""What a light command or client loads: `--version`, `--help` and the guest client."""

import subprocess
import sys

import pytest

HEAVY = (
    "PySide6",
    "qasync",
    "httpx",
    "aiohttp",
    "websockets",
    "keyring",
    "inspector.sandbox.server",
)


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


def test_the_guest_client_loads_no_http_client_oauth_or_qt():
    # aiohttp's import alone cost about 160 ms a process (its SSL contexts).
    probe = (
        "import sys\n"
        "from inspector.genesys import GuestSession, OrgEndpoints\n"
        "heavy = ('httpx', 'aiohttp', 'PySide6', 'inspector.genesys.pkce',"
        " 'inspector.genesys.auth', 'inspector.genesys.platform', 'inspector.sandbox.server')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"

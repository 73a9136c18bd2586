"""Subprocess fixtures: a private home and keychain, and a standalone sandbox org process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.file_keyring import KEYRING_FILE_ENV

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path):
    """Environment for `inspector` subprocesses: settings under tmp_path, a file keychain."""
    return {
        **os.environ,
        "INSPECTOR_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
        KEYRING_FILE_ENV: str(tmp_path / "keyring.json"),
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def sandbox_process():
    """`inspector sandbox --json` as its own process; yields the JSON line it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "inspector", "sandbox", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        yield json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=10)

"""`inspector verify --json --sandbox-fault NAME` as a user runs it: exit code and diagnoses."""

import json
import subprocess
import sys

import pytest


def verify(*faults):
    args = [a for f in faults for a in ("--sandbox-fault", f)]
    proc = subprocess.run(
        [sys.executable, "-m", "inspector", "verify", "--crm-id", "CRM-1", "--json", *args],
        capture_output=True,
        text=True,
        timeout=90,
    )
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize(
    ("fault", "exit_code", "code"),
    [
        ("lowercase-keys", 1, "case-mismatch"),
        ("prechat-required", 2, "prechat-required"),
        ("malformed-json", 2, "bad-response"),
        ("ws-drop", 0, "guest-reconnected"),
        ("origin-denied", 2, "origin-allowed"),
    ],
)
def test_fault_gives_exit_code_and_diagnosis(fault, exit_code, code):
    returncode, body, stderr = verify(fault)
    assert returncode == exit_code, stderr
    assert code in [d["code"] for d in body["diagnoses"]]
    assert all(set(d) == {"code", "message", "fix"} for d in body["diagnoses"])
    assert "Traceback" not in stderr

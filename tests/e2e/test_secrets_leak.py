"""No secret outlives the keychain: a full run at DEBUG leaves none in any file or output.

The client secret and every access token the orgs issued (recorded as the sandbox issues them)
are searched for, byte for byte, in the log file, the captured stdout/stderr of `inspector
verify` and `inspector run` with --debug, the history database (with its WAL), the JSON, JUnit
and HTML reports, and the profiles file: everything under the settings home except the test
keychain file, which stands in for the OS keychain.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_DEPLOYMENT_ID
from tests.e2e.conftest import ROOT

# `inspector` as users start it, plus two things a test needs: the rotating file log the
# window keeps (the CLI has none), and a note of every access token a sandbox org issues, so
# the search knows exactly which strings are secret.
WRAPPER = """
import sys
from pathlib import Path
import inspector.runtime.log
from inspector.sandbox.state import OrgState

log_dir, tokens_file, *argv = sys.argv[1:]
setup_logging = inspector.runtime.log.setup_logging


def with_file_log(*args, **kwargs):
    setup_logging(*args, **kwargs)
    inspector.runtime.log.add_file_handler(Path(log_dir))


issue_token = OrgState.issue_token


def noted_token(self):
    token = issue_token(self)
    with open(tokens_file, "a", encoding="utf-8") as out:
        out.write(token.value + "\\n")
    return token


inspector.runtime.log.setup_logging = with_file_log
OrgState.issue_token = noted_token
from inspector.cli import main
sys.exit(main(argv))
"""

SUITE = {
    "plain.yaml": "name: plain\ncrmId: CRM-1\nattributes:\n  source: secrets-test\n",
    "clash.yaml": "name: clash\ncrmId: CRM-2\nsandboxFaults: [lowercase-keys]\n",
    "broken.yaml": "name: [not, text]\n",
}


class Run:
    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.tmp = tmp_path
        self.env = env
        self.tokens_file = tmp_path / "issued-tokens.txt"
        self.outputs: dict[str, str] = {}

    def argv(self, log_dir: Path, *args: str) -> list[str]:
        return [sys.executable, "-c", WRAPPER, str(log_dir), str(self.tokens_file), *args]

    def inspector(self, label: str, *args: str, stdin: str | None = None) -> int:
        proc = subprocess.run(
            self.argv(self.tmp / "home" / "log", *args),
            input=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=self.env,
            timeout=90,
        )
        self.outputs[f"{label} stdout"] = proc.stdout
        self.outputs[f"{label} stderr"] = proc.stderr
        return proc.returncode

    def issued_tokens(self) -> list[str]:
        return self.tokens_file.read_text(encoding="utf-8").split()


@pytest.fixture
def org(tmp_path: Path, env: dict[str, str]) -> Iterator[tuple[Run, str]]:
    """A standalone sandbox org (its own log folder, outside the searched home)."""
    run = Run(tmp_path, env)
    proc = subprocess.Popen(
        run.argv(tmp_path / "sandbox-log", "sandbox", "--json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert proc.stdout is not None
        yield run, json.loads(proc.stdout.readline())["baseUrl"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _where(needle: str, run: Run, searched: list[Path]) -> list[str]:
    found = [label for label, text in run.outputs.items() if needle in text]
    data = needle.encode()
    found += [str(path) for path in searched if data in path.read_bytes()]
    return found


def test_full_run_leaves_no_secret_anywhere(
    tmp_path: Path, org: tuple[Run, str], env: dict[str, str]
) -> None:
    run, base_url = org
    home = tmp_path / "home"
    added = run.inspector(
        "profile add",
        "profile",
        "add",
        "LocalOrg",
        "--base-url",
        base_url,
        "--client-id",
        SANDBOX_CLIENT_ID,
        "--deployment",
        f"{SANDBOX_DEPLOYMENT_ID},name=Shop",
        "--secret-stdin",
        stdin=SANDBOX_CLIENT_SECRET + "\n",
    )
    assert added == 0, run.outputs["profile add stderr"]
    verified = run.inspector(
        "verify",
        "--debug",
        "verify",
        "--profile",
        "LocalOrg",
        "--crm-id",
        "CRM-7",
        "--attr",
        "source=secrets-test",
        "--json",
    )
    assert verified == 0, run.outputs["verify stderr"]
    assert json.loads(run.outputs["verify stdout"])["verdict"] == "pass"
    suite = tmp_path / "suite"
    suite.mkdir()
    for name, text in SUITE.items():
        (suite / name).write_text(text, encoding="utf-8")
    reports = tmp_path / "reports"
    reports.mkdir()
    ran = run.inspector(
        "run",
        "--debug",
        "run",
        str(suite),
        "--json",
        str(reports / "out.json"),
        "--junit",
        str(reports / "out.xml"),
        "--html",
        str(reports / "out.html"),
    )
    assert ran == 2, run.outputs["run stderr"]  # one invalid file; the two others ran

    # Everything was really produced, so the search below has something to look through.
    log_file = home / "log" / "inspector.log"
    assert "DEBUG" in log_file.read_text(encoding="utf-8")
    assert "DEBUG" in run.outputs["verify stderr"]
    assert {p.name for p in reports.iterdir()} == {"out.json", "out.xml", "out.html"}
    assert (home / "data" / "history.sqlite3").exists()
    profiles = next(home.rglob("profiles.json"))
    assert base_url in profiles.read_text(encoding="utf-8")
    searched = [
        path
        for path in [*home.rglob("*"), *reports.iterdir()]
        if path.is_file() and path != Path(env["INSPECTOR_TEST_KEYRING_FILE"])
    ]
    tokens = run.issued_tokens()
    # The profile's org issued tokens for verify, each suite org for the run.
    assert len(tokens) >= 3
    basic = base64.b64encode(f"{SANDBOX_CLIENT_ID}:{SANDBOX_CLIENT_SECRET}".encode()).decode()
    leaks = {
        label: where
        for label, needle in [
            ("client secret", SANDBOX_CLIENT_SECRET),
            ("Basic credentials", basic),
            *((f"access token {i}", token) for i, token in enumerate(tokens)),
        ]
        if (where := _where(needle, run, searched))
    }
    assert not leaks, f"secrets found: {leaks}"

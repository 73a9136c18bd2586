"""Crash safety: runners and settings writers killed with SIGKILL leave nothing half-written.

The history is one SQLite transaction per run (WAL), the profiles file is written to a temp file
and moved over with os.replace. Killing the process at random points must never leave a
corrupt database, a lost finished run, or a torn profiles file.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.store.history import HistoryStore
from inspector.store.profiles import ProfileStore
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

KILLS = 50
SCENARIOS_PER_RUNNER = 4
RUNNERS_AT_ONCE = 3
FINISHED = re.compile(r"^\[\d+/\d+\] (PASS|FAIL|ERROR)\s+(\S+) \(")

# One process imports Inspector once and forks a child per "start" line, so 50 killed
# children cost milliseconds each instead of an interpreter start-up. The child is the process
# that gets SIGKILL: a real `inspector run`, or a loop rewriting the profiles file.
FORKER = """
import os, signal, sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
import inspector.cli, inspector.commands.run, inspector.orgs.suite, inspector.sandbox
import inspector.store.history
from inspector.store.profiles import DeploymentProfile, OrgProfile, ProfileStore

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel


def rewrite_profiles(path):
    store = ProfileStore(Path(path))
    n = 0
    while True:
        n += 1
        # Tens of kB, so a write that is not atomic would be caught half-way.
        store.save([
            OrgProfile.create(
                f"org {n} {i}",
                client_id=f"client-{n}-{i}-" + "x" * 200,
                environment="prod-euw1",
                deployments=[DeploymentProfile(f"dep-{n}-{i}", "Web " * 30, "https://e.com")],
            )
            for i in range(40)
        ])
        if n == 1:
            print("ready", os.getpid(), flush=True)


def run_suite(folder, log):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 2)
    print("ready", os.getpid(), flush=True)
    sys.stdout = open(os.devnull, "w")
    inspector.cli.main(["run", folder, "--concurrency", "2"])


for line in sys.stdin:
    kind, *args = line.split()
    if os.fork() == 0:
        try:
            (rewrite_profiles if kind == "profiles" else run_suite)(*args)
        finally:
            os._exit(0)
"""


class Forker:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", FORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )

    def start(self, *args: str) -> int:
        """Fork a child doing `args`; returns its pid once it is under way."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(" ".join(args) + "\n")
        self.proc.stdin.flush()
        ready, pid = self.proc.stdout.readline().split()
        assert ready == "ready"
        return int(pid)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _kill(pid: int) -> None:
    """SIGKILL and wait until the kernel has removed the process."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.005)


def _suite(folder: Path, runner: int) -> list[str]:
    folder.mkdir(parents=True)
    names = [f"r{runner:02d}-s{index}" for index in range(SCENARIOS_PER_RUNNER)]
    for name in names:
        (folder / f"{name}.yaml").write_text(
            f"name: {name}\ncrmId: CRM-{name}\nattributes:\n  source: crash-test\n",
            encoding="utf-8",
        )
    return names


def _history_file(home: Path) -> Path:
    return home / "data" / "history.sqlite3"


def _check_history(path: Path, finished: set[str]) -> None:
    if not path.exists():
        assert not finished, "runs were reported finished but no history exists"
        return
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = HistoryStore(path)  # reading every row parses every JSON column: none is partial
    try:
        records = store.runs()
    finally:
        store.close()
    stored = {r.scenario for r in records}
    missing = finished - stored
    assert not missing, f"finished runs missing from the history: {sorted(missing)}"
    for record in records:
        assert record.verdict in {"pass", "fail", "error"}
        assert record.finished_at and record.started_at
        assert record.sent.get("crmCustomerId") == f"CRM-{record.scenario}"


@pytest.fixture
def forker(tmp_path: Path, env: dict[str, str]) -> Iterator[Forker]:
    spawner = Forker({**env, "INSPECTOR_HOME": str(tmp_path / "home")})
    yield spawner
    spawner.close()


def test_killed_runners_leave_a_whole_history(tmp_path: Path, forker: Forker) -> None:
    rng = random.Random()
    finished: set[str] = set()
    alive: deque[tuple[int, Path]] = deque()

    def kill_oldest() -> None:
        pid, log = alive.popleft()
        _kill(pid)
        for line in log.read_text(encoding="utf-8").splitlines():
            match = FINISHED.match(line)
            if match:
                finished.add(match.group(2))
        _check_history(_history_file(tmp_path / "home"), finished)

    for runner in range(KILLS):
        folder = tmp_path / f"suite{runner:02d}"
        _suite(folder, runner)
        log = tmp_path / f"runner{runner:02d}.log"
        # Up to three runners at once, all writing the same history database; each is killed
        # at a random point between 0.1 s and about 2 s into its suite.
        alive.append((forker.start("run", str(folder), str(log)), log))
        time.sleep(rng.uniform(0.05, 0.6))
        if len(alive) == RUNNERS_AT_ONCE:
            kill_oldest()
    while alive:
        kill_oldest()
    # The kills landed at different points: some runs finished before them, some did not.
    assert finished
    assert len(finished) < KILLS * SCENARIOS_PER_RUNNER


def test_killed_profile_writer_never_tears_the_file(tmp_path: Path, forker: Forker) -> None:
    rng = random.Random()
    path = tmp_path / "profiles.json"
    seen_versions: set[str] = set()
    for _ in range(KILLS):
        pid = forker.start("profiles", str(path))
        time.sleep(rng.uniform(0.0, 0.2))  # a random point of the rewrite loop
        _kill(pid)
        json.loads(path.read_text(encoding="utf-8"))  # a torn file is not JSON
        profiles = ProfileStore(path).load()
        assert len(profiles) == 40
        seen_versions.add(profiles[0].name)
    # The writers were rewriting when killed: some had saved more than once by then.
    assert len(seen_versions) > 1

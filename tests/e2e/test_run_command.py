"""`inspector run` as a user runs it: a subprocess with real sandbox orgs, reports and history."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from junitparser import Failure, JUnitXml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FAILING = "Deliberately failing (flow re-keys the CRM id)"

# The command as the CLI will dispatch it: a parser with the module's register().
HARNESS = """
import argparse, logging, sys
from inspector.commands import run
from inspector.runtime.log import setup_logging
parser = argparse.ArgumentParser(prog="inspector")
run.register(parser.add_subparsers(dest="command"))
args = parser.parse_args(sys.argv[1:])
setup_logging(logging.WARNING)
sys.exit(args.handler(args))
"""


def command(home, *args):
    env = {**os.environ, "INSPECTOR_HOME": str(home)}
    return [sys.executable, "-c", HARNESS, "run", *map(str, args)], env


def run(home, *args, timeout=120):
    argv, env = command(home, *args)
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)


def test_examples_with_all_three_reports(tmp_path):
    out = tmp_path
    proc = run(
        tmp_path / "home",
        EXAMPLES,
        "--junit", out / "out.xml", "--json", out / "out.json", "--html", out / "out.html",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    body = json.loads((out / "out.json").read_text(encoding="utf-8"))
    verdicts = {s["scenario"]: s["verdict"] for s in body["scenarios"]}
    assert verdicts.pop(FAILING) == "fail"
    assert set(verdicts.values()) == {"pass"}
    failing = next(s for s in body["scenarios"] if s["scenario"] == FAILING)
    assert [(r["key"], r["status"]) for r in failing["rows"]] == [
        ("crmCustomerId", "case-mismatch"),
        ("source", "match"),
    ]
    cases = {c.name: c for suite in JUnitXml.fromfile(str(out / "out.xml")) for c in suite}
    assert len(cases) == len(body["scenarios"])
    assert isinstance(cases[FAILING].result[0], Failure)
    assert all(c.is_passed for name, c in cases.items() if name != FAILING)
    html = (out / "out.html").read_text(encoding="utf-8")
    assert "crmCustomerid = CRM-80008-FAIL" in html and "⚠ case mismatch" in html
    # progress on stderr as plain lines (not a terminal), the summary on stdout
    finished = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert len(finished) == len(body["scenarios"])
    assert proc.stdout.splitlines()[-1].endswith("9 pass, 1 fail, 0 error")


def test_malformed_files_are_reported_and_the_rest_runs(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a-bad-yaml.yaml").write_text("name: a\ncrmId: C-1\nattributes:\n  x: [1\n")
    (suite / "b-unknown.yaml").write_text("name: b\ncrmId: C-1\nexpected:\n  arrive: []\n")
    (suite / "c-wrong-type.yaml").write_text("name: c\ncrmId: C-1\ntimeout: soon\n")
    (suite / "d-good.yaml").write_text("name: good\ncrmId: C-1\n")
    proc = run(tmp_path / "home", suite, "--json", tmp_path / "out.json")
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("inspector run:")]
    assert len(errors) == 3
    assert errors[0].startswith(f"inspector run: {suite / 'a-bad-yaml.yaml'}:")
    assert "not valid YAML" in errors[0]
    assert errors[1] == (
        f"inspector run: {suite / 'b-unknown.yaml'}:3: expected: unknown field "
        "(did you mean 'expect'?); known fields: attributes, crmId, crmKey, deployment, "
        "description, expect, faults, launcher, messages, name, preChat, profile, "
        "sandboxFaults, timeout"
    )
    assert errors[2] == (
        f"inspector run: {suite / 'c-wrong-type.yaml'}:3: timeout: "
        "expected a number of seconds, got text"
    )
    assert "Traceback" not in proc.stderr
    body = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [s["scenario"] for s in body["scenarios"]] == ["good"]
    assert body["scenarios"][0]["verdict"] == "pass"
    assert len(body["invalidFiles"]) == 3


def test_an_unavailable_profile_is_one_line_and_exit_2(tmp_path):
    proc = run(tmp_path / "home", EXAMPLES, "--profile", "production")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "inspector run: no profile named 'production' (known: sandbox (built-in))"
    ]


def test_history_survives_a_restart(tmp_path):
    home = tmp_path / "home"
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "one.yaml").write_text("name: one\ncrmId: C-1\n")
    assert run(home, suite).returncode == 0
    assert run(home, suite).returncode == 0
    db = sqlite3.connect(home / "data" / "history.sqlite3")
    rows = db.execute("SELECT scenario, verdict, profile, conversation_id FROM runs").fetchall()
    db.close()
    assert len(rows) == 2
    assert all(r[:3] == ("one", "pass", "sandbox") and r[3] for r in rows)
    assert rows[0][3] != rows[1][3]


def test_killed_mid_suite_the_history_is_intact(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    for i in range(30):
        (suite / f"s{i:02d}.yaml").write_text(f"name: s{i:02d}\ncrmId: C-{i}\n")
    home = tmp_path / "home"
    argv, env = command(home, suite, "--concurrency", "2")
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=env)
    finished = []
    try:
        deadline = time.monotonic() + 60
        while len(finished) < 4 and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if line.startswith("["):
                finished.append(line.split()[2])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert len(finished) == 4, finished
    db = sqlite3.connect(home / "data" / "history.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    recorded = [r[0] for r in db.execute("SELECT scenario FROM runs")]
    db.close()
    assert set(finished) <= set(recorded)
    assert len(recorded) < 30


HISTORY_HARNESS = HARNESS.replace(
    "from inspector.commands import run", "from inspector.commands import history as run"
)


def test_history_command_lists_and_exports(tmp_path):
    home = tmp_path / "home"
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "one.yaml").write_text("name: one\ncrmId: C-1\n")
    (suite / "two.yaml").write_text("name: two\ncrmId: C-2\nfaults: [lowercase-keys]\n")
    assert run(home, suite).returncode == 1
    env = {**os.environ, "INSPECTOR_HOME": str(home)}

    def history(*args):
        argv = [sys.executable, "-c", HISTORY_HARNESS, "history", *map(str, args)]
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)

    listed = history("--verdict", "fail")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 1 and "FAIL" in lines[0] and " two " in lines[0]
    exported = history("--export", "json", tmp_path / "h.json")
    assert exported.returncode == 0
    data = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    assert sorted(d["scenario"] for d in data) == ["one", "two"]
    assert history("--since", "yesterday").returncode == 2


def test_a_report_that_cannot_be_written_stops_before_the_suite(tmp_path):
    missing = tmp_path / "no-such-folder" / "out.xml"
    proc = run(tmp_path / "home", EXAMPLES / "01-plain-crm-id.yaml", "--junit", missing)
    assert proc.returncode == 2
    assert f"cannot write the report {missing}: folder" in proc.stderr
    assert "scenarios:" not in proc.stdout  # nothing ran


def test_a_file_with_three_problems_names_all_three_and_the_rest_runs(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "bad.yaml").write_text(
        "name: bad\ncrmId: 12345\natributes:\n  source: web\nfaults: [slow-flow]\n"
    )
    (suite / "good.yaml").write_text("name: good\ncrmId: C-1\n")
    out = tmp_path / "out.json"
    proc = run(tmp_path / "home", suite, "--json", out)
    assert proc.returncode == 2, proc.stderr
    bad = str(suite / "bad.yaml")
    problems = [line for line in proc.stderr.splitlines() if f"inspector run: {bad}:" in line]
    assert len(problems) == 3, proc.stderr
    assert problems[0].startswith(f"inspector run: {bad}:2: crmId: expected text, got a number")
    assert problems[1].startswith(
        f"inspector run: {bad}:3: atributes: unknown field (did you mean 'attributes'?)"
    )
    assert problems[2].startswith(f"inspector run: {bad}:5: faults[0]: unknown fault 'slow-flow'")
    assert "PASS   good:" in proc.stdout
    assert "1 scenarios: 1 pass, 0 fail, 0 error, 1 invalid file(s)" in proc.stdout
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["counts"]["invalid"] == 1
    assert [p["field"] for p in body["invalidFiles"][0]["problems"]] == [
        "crmId",
        "atributes",
        "faults[0]",
    ]


def test_website_page_scenarios_run_as_a_suite_with_reports_and_history(tmp_path):
    """Each example page meets its own expectation (a page written wrong on purpose passes by
    failing with its diagnosis); a malformed page scenario is named by file:line and the rest
    runs. Without a display the pages render offscreen."""
    import shutil

    import yaml

    website = EXAMPLES / "website"
    suite = tmp_path / "website"
    shutil.copytree(website, suite)
    (suite / "zz-bad.yaml").write_text(
        "name: bad\nlauncher: page\npage: good.html\ncrmId: C-1\nexpect: {verdict: maybe}\n"
    )
    home = tmp_path / "home"
    env_display = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    argv, env = command(home, suite, "--json", tmp_path / "out.json", "--junit", tmp_path / "x.xml")
    env = {**env_display, "INSPECTOR_HOME": str(home)}
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2, proc.stderr  # the invalid file
    assert f"{suite / 'zz-bad.yaml'}:4: crmId: unknown field" in proc.stderr
    assert f"{suite / 'zz-bad.yaml'}:5: expect.verdict: expected one of" in proc.stderr
    body = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert body["counts"] == {"pass": 7, "fail": 0, "error": 0, "invalid": 1}
    for scenario in body["scenarios"]:
        expected = yaml.safe_load(Path(scenario["file"]).read_text())["expect"]
        assert scenario["verdict"] == "pass", scenario["summary"]
        assert scenario["verificationVerdict"] == expected.get("verdict", "pass")
        codes = {d["code"] for d in scenario["diagnoses"]}
        assert set(expected.get("diagnoses", [])) <= codes
    cases = [c for s in JUnitXml.fromfile(str(tmp_path / "x.xml")) for c in s]
    assert sum(c.is_passed for c in cases) == 7
    db = sqlite3.connect(home / "data" / "history.sqlite3")
    late = db.execute(
        "SELECT verdict, rows FROM runs WHERE scenario = ?", ("CRM id set after the first message",)
    ).fetchall()
    db.close()
    assert [v for v, _ in late] == ["pass"]
    assert json.loads(late[0][1])[0]["status"] == "missing"


def test_a_suite_folder_runs_its_own_files_not_its_subfolders(tmp_path):
    """`inspector run examples/` runs the host-page examples only; the website pages are a
    suite of their own (examples/website/), given beside it to run both."""
    body = tmp_path / "out.json"
    proc = run(tmp_path / "home", EXAMPLES, "--json", body, "--no-history")
    assert proc.returncode == 1, proc.stderr
    files = {Path(s["file"]).parent.name for s in json.loads(body.read_text())["scenarios"]}
    assert files == {"examples"}

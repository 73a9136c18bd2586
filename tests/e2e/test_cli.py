"""The command line as a user runs it: a subprocess against an embedded or standalone sandbox."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.window_process import open_window_and_interrupt

INSPECTOR = [sys.executable, "-m", "inspector"]


def verify(*args, timeout=60):
    proc = subprocess.run(
        [*INSPECTOR, "verify", "--crm-id", "CRM-12345-XYZ", "--attr", "source=web-portal", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return proc


def rows_by_key(body):
    return {r["key"]: r for r in body["rows"]}


def test_verify_json_passes_with_both_rows_matching():
    proc = verify("--json")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body["verdict"] == "pass"
    assert body["conversationId"]
    rows = rows_by_key(body)
    assert rows["crmCustomerId"]["status"] == "match"
    assert rows["crmCustomerId"]["received"] == "CRM-12345-XYZ"
    assert rows["source"]["status"] == "match"
    assert [s["name"] for s in body["steps"]] == [
        "preflight",
        "connect",
        "send",
        "resolve",
        "read",
        "cleanup",
    ]
    assert body["diagnoses"] == []


def test_verify_lowercase_keys_is_a_case_mismatch_and_exit_1():
    proc = verify("--sandbox-fault", "lowercase-keys", "--json")
    assert proc.returncode == 1, proc.stderr
    body = json.loads(proc.stdout)
    assert body["verdict"] == "fail"
    crm = rows_by_key(body)["crmCustomerId"]
    assert crm["status"] == "case-mismatch"
    assert crm["receivedKey"] == "crmCustomerid"
    assert crm["received"] == "CRM-12345-XYZ"
    assert "case-mismatch" in [d["code"] for d in body["diagnoses"]]


def test_verify_drop_attributes_is_missing_and_exit_1():
    proc = verify("--sandbox-fault", "drop-attributes", "--timeout", "3", "--json")
    assert proc.returncode == 1, proc.stderr
    body = json.loads(proc.stdout)
    assert {r["status"] for r in body["rows"]} == {"missing"}
    assert body["diagnoses"][0]["code"] == "attributes-missing"


def test_verify_text_output_is_a_table():
    proc = verify("--sandbox-fault", "lowercase-keys")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "FAIL: 1 of 2 attributes did not arrive as sent"
    crm_line = next(line for line in lines if line.startswith("crmCustomerId"))
    assert "crmCustomerid = CRM-12345-XYZ" in crm_line and crm_line.endswith("case-mismatch")


def test_verify_oversized_attributes_is_an_error_exit_2():
    proc = verify("--attr", "notes=" + "x" * 2100, "--json")
    assert proc.returncode == 2
    body = json.loads(proc.stdout)
    assert body["verdict"] == "error"
    assert body["diagnoses"][0]["code"] == "too-large"


def test_bad_attribute_argument_is_a_usage_error():
    proc = subprocess.run(
        [*INSPECTOR, "verify", "--crm-id", "C", "--attr", "novalue"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "expected KEY=VALUE" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_standalone_sandbox_serves_other_clients_until_interrupted():
    proc = subprocess.Popen(
        [*INSPECTOR, "sandbox", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        info = json.loads(proc.stdout.readline())
        assert {"baseUrl", "deploymentId", "origin", "clientId", "clientSecret"} <= set(info)
        assert info["deployments"][0]["kind"] == "native-ui"
        token = httpx.post(
            info["baseUrl"] + "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(info["clientId"], info["clientSecret"]),
        )
        assert token.status_code == 200
        deployment = httpx.get(
            f"{info['baseUrl']}/api/v2/webdeployments/deployments/{info['deploymentId']}",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert deployment.json()["status"] == "Active"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr.read()


def test_window_starts_and_quits_cleanly_on_sigint(env):
    # under the test's own INSPECTOR_HOME: the window saves its layout there when it closes
    run = open_window_and_interrupt(dict(env, QT_QPA_PLATFORM="offscreen"))
    assert run.returncode == 0, run.output  # 139 would be the double-exit segfault
    assert "Traceback" not in run.after


def test_quitting_the_window_closes_everything_once_in_order(env):
    # Once the org is ready, so the sandbox and the history are open; Ctrl-C twice.
    run = open_window_and_interrupt(
        dict(env, QT_QPA_PLATFORM="offscreen"), ready="Org ready", interrupts=2
    )
    assert run.returncode == 0, run.output  # 139 would be a second Qt exit
    assert "Traceback" not in run.after
    log = (Path(env["INSPECTOR_HOME"]) / "log" / "inspector.log").read_text()
    assert log.count("inspector.init: Quitting") == 1
    assert re.findall(r"Shutdown \((\w+)\): closing (.+)", log) == [
        ("tasks", "tasks"),
        ("clients", "org clients"),
        ("sandbox", "sandbox org"),
        ("stores", "run history"),
        ("window", "window"),
    ]
    assert log.count("Shutdown done") == 1
    assert " failed" not in log.split("Quitting", 1)[1]


def test_the_window_is_drawn_before_asyncio_loads_and_the_loop_then_starts(env, tmp_path):
    # A sitecustomize in the app's process notes, at "Window ready", whether asyncio (and the
    # ssl it brings) had loaded; the org start after it needs the loop that loads them.
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(
        "import logging, sys\n"
        "class Probe(logging.Handler):\n"
        "    def emit(self, record):\n"
        "        if record.getMessage() == 'Window ready':\n"
        "            loaded = [m for m in ('asyncio.base_events', 'ssl', 'qasync')"
        " if m in sys.modules]\n"
        "            sys.stderr.write(f'probe: loaded at ready {loaded}\\n')\n"
        "logging.getLogger('inspector.init').addHandler(Probe())\n"
    )
    path = os.pathsep.join([str(probe), env["PYTHONPATH"]])
    run = open_window_and_interrupt(
        dict(env, QT_QPA_PLATFORM="offscreen", PYTHONPATH=path), ready="Org ready"
    )
    assert run.returncode == 0, run.output
    assert "probe: loaded at ready []" in run.until_ready, run.output
    assert "Traceback" not in run.output


def test_a_crm_id_that_is_not_unicode_text_is_an_error_not_a_traceback():
    proc = subprocess.run(
        [
            *INSPECTOR,
            "verify",
            "--crm-id",
            b"CRM-\xff".decode("utf-8", "surrogateescape"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["diagnoses"][0]["code"] == "not-utf8"

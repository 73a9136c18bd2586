"""The real-org path from the command line, against a standalone sandbox process.

profile (custom domain) → keychain → token → pre-flight → guest socket with the configured
Origin → message id → details lookup → read → diff → cleanup: the code a Genesys Cloud org
gets, over real sockets.
"""

import json
import subprocess
import sys

from inspector.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
)

INSPECTOR = [sys.executable, "-m", "inspector"]


def inspector(env, *args, stdin=None):
    return subprocess.run(
        [*INSPECTOR, *args], input=stdin, capture_output=True, text=True, env=env, timeout=90
    )


def add_profile(env, base_url):
    added = inspector(
        env,
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
    assert added.returncode == 0, added.stderr


def test_verify_with_a_profile_goes_through_every_real_org_step(env, sandbox_process):
    add_profile(env, sandbox_process["baseUrl"])
    proc = inspector(
        env, "verify", "--profile", "LocalOrg", "--crm-id", "CRM-9", "--attr", "a=b", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body["verdict"] == "pass"
    assert [s["name"] for s in body["steps"]] == [
        "preflight",
        "connect",
        "send",
        "resolve",
        "read",
        "cleanup",
    ]
    # connect succeeding means the Origin taken from the deployment's allowed domains (the
    # profile names none) was accepted: the sandbox refuses guest sockets from other origins
    assert all(s["ok"] for s in body["steps"])
    assert body["lookup"] == "message details"
    rows = {r["key"]: r for r in body["rows"]}
    # the run id is sent with the attributes, so a search can find the chat if details cannot
    assert rows["inspectorRunId"]["status"] == "match"
    assert rows["crmCustomerId"]["status"] == "match" and rows["a"]["status"] == "match"


def test_preflight_refuses_an_inactive_deployment_and_force_is_explicit(env, sandbox_process):
    add_profile(env, sandbox_process["baseUrl"])
    args = ["verify", "--profile", "LocalOrg", "--deployment", SANDBOX_INACTIVE_DEPLOYMENT_ID]
    refused = inspector(env, *args, "--crm-id", "CRM-9", "--json")
    assert refused.returncode == 2, refused.stderr
    body = json.loads(refused.stdout)
    assert body["verdict"] == "error"
    assert body["summary"].startswith("Not started:")
    assert "deployment-active" in [d["code"] for d in body["diagnoses"]]
    assert [s["name"] for s in body["steps"]] == ["preflight"]


def test_missing_secret_is_a_clear_error(env, sandbox_process, tmp_path):
    add_profile(env, sandbox_process["baseUrl"])
    (tmp_path / "keyring.json").write_text("{}")
    proc = inspector(env, "verify", "--profile", "LocalOrg", "--crm-id", "CRM-9")
    assert proc.returncode == 2
    assert "No client secret for 'LocalOrg' in the keychain" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_profile_is_a_clear_error(env):
    proc = inspector(env, "verify", "--profile", "Nope", "--crm-id", "CRM-9")
    assert proc.returncode == 2
    assert "Nope" in proc.stderr and "Traceback" not in proc.stderr


def test_a_suite_runs_against_a_profile_with_the_run_id_tag(env, sandbox_process, tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    add_profile(env, sandbox_process["baseUrl"])
    report = tmp_path / "out.json"
    proc = inspector(
        env,
        "run",
        str(examples / "01-plain-crm-id.yaml"),
        str(examples / "08-deliberately-failing.yaml"),  # asks for a sandbox fault
        "--profile",
        "LocalOrg",
        "--json",
        str(report),
    )
    assert proc.returncode == 2, proc.stderr  # the faulted scenario cannot run on a real org
    body = json.loads(report.read_text(encoding="utf-8"))
    by_name = {s["scenario"]: s for s in body["scenarios"]}
    plain = by_name["Plain CRM id"]
    assert plain["verdict"] == "pass"
    rows = {r["key"]: r["status"] for r in plain["rows"]}
    assert rows["inspectorRunId"] == "match" and rows["crmCustomerId"] == "match"
    faulted = by_name["Deliberately failing (flow re-keys the CRM id)"]
    assert faulted["verdict"] == "error"
    assert "apply to the sandbox org only" in faulted["summary"]


def test_a_scenario_naming_an_unknown_profile_is_an_error_and_the_rest_runs(env, tmp_path):
    (tmp_path / "a.yaml").write_text("name: elsewhere\nprofile: NoSuchOrg\ncrmId: C-1\n")
    (tmp_path / "b.yaml").write_text("name: here\ncrmId: C-2\n")
    proc = inspector(env, "run", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stdout.splitlines()
    assert "ERROR  elsewhere: profile 'NoSuchOrg': no profile named 'NoSuchOrg'" in lines[0]
    assert lines[1].startswith("PASS   here:")

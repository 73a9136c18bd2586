"""`inspector verify` and `inspector sandbox` input as a user types it: refused early and clearly,
honoured when valid (a named sandbox deployment), and every run kept in the history."""

import json
import subprocess
import sys

import pytest

from inspector.sandbox import (
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
    SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID,
)

INSPECTOR = [sys.executable, "-m", "inspector"]


def inspector(env, *args, timeout=90):
    return subprocess.run(
        [*INSPECTOR, *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def verify(env, *args):
    return inspector(env, "verify", "--crm-id", "CRM-1", *args)


def history(env, tmp_path):
    """Every recorded run, newest first, through `inspector history --export json`."""
    out = tmp_path / "runs.json"
    proc = inspector(env, "history", "--export", "json", str(out))
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--timeout", "0", "must be at least 1 second"),
        ("--timeout", "-1", "must be at least 1 second"),
        ("--timeout", "0.1", "report them missing"),
        ("--timeout", "nan", "finite"),
        ("--late-check", "-1", "must be 0 (off) or more"),
    ],
)
def test_timeouts_that_cannot_work_are_usage_errors(env, option, value, says):
    proc = verify(env, option, value, "--json")
    assert proc.returncode == 2
    assert f"argument {option}: " in proc.stderr and says in proc.stderr
    body = json.loads(proc.stdout)  # refused before anything ran: a usage error, no verdict
    assert body["verdict"] == "error" and body["usage"] is True and body["rows"] == []
    assert body["error"].startswith(f"argument {option}: ") and says in body["error"]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--timeout", "0"), "argument --timeout: must be at least 1 second"),
        (("--timeout", "x"), "argument --timeout: expected a number of seconds, got 'x'"),
        (("--deployment", "nope"), "argument --deployment: 'nope' is not a deployment id"),
        (("--sandbox-fault", "nope"), "argument --sandbox-fault: unknown fault 'nope'"),
        (("--bogus",), "unrecognized arguments: --bogus"),
        (("--attr", "novalue"), "argument --attr: expected KEY=VALUE"),
    ],
)
def test_every_option_error_prints_the_json_usage_object(env, args, says):
    proc = verify(env, *args, "--json")
    assert proc.returncode == 2
    assert says in proc.stderr and "usage: inspector" in proc.stderr
    body = json.loads(proc.stdout)
    assert body["verdict"] == "error" and body["usage"] is True
    assert says in body["error"] and body["error"] in proc.stderr
    assert body["rows"] == [] and body["diagnoses"] == []
    assert {"messageId", "conversationId", "steps", "summary"} <= set(body)  # the --json shape


def test_an_abbreviated_option_is_refused_with_the_option_it_stands_for(env):
    # Not `--json`: a typo must not quietly become another option, nor run a verification.
    proc = verify(env, "--js")
    assert proc.returncode == 2
    says = "unrecognized arguments: --js (did you mean --json?)"
    assert says in proc.stderr
    # The user asked for JSON, and gets the refusal as JSON.
    assert json.loads(proc.stdout)["error"] == says
    proc = verify(env, "--sand", "slow", "--la", "2")
    assert proc.returncode == 2 and proc.stdout == ""
    assert (
        "unrecognized arguments: --sand slow --la 2 "
        "(did you mean --sandbox-fault for --sand; --late-check for --la?)"
    ) in proc.stderr


def test_an_option_error_with_an_abbreviated_json_is_still_json(env):
    proc = verify(env, "--timeout", "0", "--js")
    assert proc.returncode == 2
    body = json.loads(proc.stdout)
    assert body["verdict"] == "error" and body["usage"] is True
    assert body["error"].startswith("argument --timeout: must be at least 1 second")
    assert body["error"] in proc.stderr


def test_each_unknown_fault_is_reported_with_a_did_you_mean(env):
    proc = verify(env, "--sandbox-fault", "nope1", "--sandbox-fault", "lowercase-key", "--json")
    assert proc.returncode == 2
    error = json.loads(proc.stdout)["error"]
    assert error.startswith(
        "argument --sandbox-fault: unknown fault 'nope1'; "
        "unknown fault 'lowercase-key' (did you mean 'lowercase-keys'?); known: analytics-delay, "
    )
    assert error in proc.stderr
    proc = verify(env, "--sandbox-fault", "slow,lowercase-keys")
    assert proc.returncode == 2
    assert (
        "unknown fault 'slow,lowercase-keys' (give each its own: "
        "--sandbox-fault slow --sandbox-fault lowercase-keys)"
    ) in proc.stderr


def test_a_missing_required_option_is_a_json_usage_error(env):
    proc = inspector(env, "verify", "--json")
    assert proc.returncode == 2
    body = json.loads(proc.stdout)
    assert body["usage"] is True and "--crm-id" in body["error"]


def test_option_errors_without_json_leave_stdout_empty(env):
    proc = verify(env, "--timeout", "x")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "argument --timeout" in proc.stderr


def test_sandbox_option_error_with_json_prints_a_json_usage_object(env):
    proc = inspector(env, "sandbox", "--port", "99999", "--json", timeout=30)
    assert proc.returncode == 2
    body = json.loads(proc.stdout)
    assert body == {"verdict": "error", "error": body["error"], "usage": True}
    assert "argument --port: must be 0 (a free port) to 65535" in body["error"]


def test_run_json_is_a_report_file_so_option_errors_stay_on_stderr(env, tmp_path):
    out = tmp_path / "out.json"
    proc = inspector(env, "run", "examples", "--concurrency", "0", "--json", str(out))
    assert proc.returncode == 2 and proc.stdout == ""
    assert "argument --concurrency: must be at least 1" in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_sandbox_port_out_of_range_is_a_usage_error(env, port):
    proc = inspector(env, "sandbox", "--port", port, timeout=30)
    assert proc.returncode == 2
    assert "argument --port: must be 0 (a free port) to 65535" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("deployment", "exit_code", "code"),
    [
        (SANDBOX_INACTIVE_DEPLOYMENT_ID, 2, "deployment-active"),
        (SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID, 2, "origin-allowed"),
        ("00000000-0000-4000-8000-000000000000", 2, "deployment-exists"),
        (SANDBOX_DEPLOYMENT_ID, 0, None),
        ("headless", 0, None),
        ("parent-domain", 0, None),
        ("authenticated", 2, "deployment-auth"),
        ("Other-Domain", 2, "origin-allowed"),
    ],
)
def test_sandbox_checks_the_named_deployment(env, deployment, exit_code, code):
    proc = verify(env, "--deployment", deployment, "--json")
    assert proc.returncode == exit_code, proc.stderr
    body = json.loads(proc.stdout)
    if code is None:
        assert body["verdict"] == "pass"
        return
    assert body["verdict"] == "error"
    assert body["summary"].startswith("Not started:")
    assert body["diagnoses"][0]["code"] == code
    assert code in [d["code"] for d in body["diagnoses"]]
    assert [s["name"] for s in body["steps"]] == ["preflight"]


def test_repeated_attribute_names_are_named(env):
    proc = verify(env, "--attr", "a=1", "--attr", "b=2", "--attr", "a=3")
    assert proc.returncode == 2
    assert "given more than once with --attr: a" in proc.stderr
    assert ": a, b" not in proc.stderr


def test_attribute_clashing_with_the_crm_key_names_both_options(env):
    proc = verify(env, "--crm-key", "customer", "--attr", "customer=X")
    assert proc.returncode == 2
    assert "--attr customer is the CRM id's attribute name (--crm-key customer)" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--attr", "crmCustomerId=X"),
        ("--profile", "NoSuchOrg"),
        ("--profile", "NoSuchOrg", "--sandbox-fault", "slow"),
    ],
)
def test_usage_problems_with_json_still_print_json(env, args):
    proc = verify(env, *args, "--json")
    assert proc.returncode == 2
    body = json.loads(proc.stdout)
    assert body["verdict"] == "error" and body["usage"] is True
    assert body["error"] and body["error"] in proc.stderr  # the same text stays on stderr
    assert body["rows"] == [] and body["diagnoses"] == []
    assert {"messageId", "conversationId", "steps", "summary"} <= set(body)  # the --json shape


def test_each_verify_run_is_in_the_history(env, tmp_path):
    assert verify(env, "--attr", "source=web").returncode == 0
    failed = verify(env, "--sandbox-fault", "lowercase-keys", "--json")
    assert failed.returncode == 1
    assert verify(env, "--attr", "notes=" + "x" * 2100).returncode == 2  # too large to send
    runs = history(env, tmp_path)
    assert [r["verdict"] for r in runs] == ["error", "fail", "pass"]
    assert {r["scenario"] for r in runs} == {"(verify) CRM-1"}
    assert {r["origin"] for r in runs} == {"cli"} and {r["profile"] for r in runs} == {"sandbox"}
    passed = runs[2]
    assert passed["sent"] == {"crmCustomerId": "CRM-1", "source": "web"}
    assert {r["key"]: r["status"] for r in passed["rows"]} == {
        "crmCustomerId": "match",
        "source": "match",
    }
    assert runs[1]["conversation_id"] == json.loads(failed.stdout)["conversationId"]
    assert "too-large" in [d["code"] for d in runs[0]["diagnoses"]]


def test_no_history_keeps_the_run_out(env, tmp_path):
    assert verify(env, "--no-history").returncode == 0
    assert history(env, tmp_path) == []


def test_a_history_that_cannot_be_written_keeps_the_verdict(env, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "data").write_text("not a folder")  # the history's folder cannot be created
    proc = verify(env, "--sandbox-fault", "lowercase-keys", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["verdict"] == "fail"
    assert proc.stderr.count("\n") == 1 and "not in the history" in proc.stderr


@pytest.mark.parametrize("name", ["Sandbox", " sandbox "])
def test_the_sandbox_name_is_the_built_in_org_however_it_is_written(env, name):
    proc = verify(env, "--profile", name, "--json", "--no-history")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "pass"


def test_a_deployment_that_is_not_an_id_is_a_usage_error(env):
    proc = verify(env, "--deployment", "Shop deployment")
    assert proc.returncode == 2
    assert "'Shop deployment' is not a deployment id: expected a UUID" in proc.stderr
    # The sandbox's kinds are offered, so a typo is easy to mend.
    assert "on the sandbox org, one of: all-domains, authenticated, autostart" in proc.stderr
    assert proc.stdout == ""


def test_a_sandbox_kind_is_refused_for_a_real_org(env):
    proc = verify(env, "--profile", "Acme", "--deployment", "headless", "--json")
    assert proc.returncode == 2
    assert "names a sandbox deployment kind" in proc.stderr
    assert json.loads(proc.stdout)["usage"] is True

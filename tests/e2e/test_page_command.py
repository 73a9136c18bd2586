"""`inspector page FILE --json` as CI runs it: a subprocess, offscreen, exit status as verify."""

import json
import shutil
import subprocess
import sys

from tests.e2e.conftest import ROOT

EXAMPLES = ROOT / "examples" / "website"


def page(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector", "page", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )


def test_the_good_page_passes_with_three_columns_and_exit_0(env):
    done = page(env, str(EXAMPLES / "good.html"), "--expect", "crmCustomerId=C-10442", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["verdict"] == "pass"
    assert data["snippet"]["deploymentId"] == "9a4e6b1c-2d3f-4e5a-8b7c-0d1e2f3a4b5c"
    assert data["columns"] == {"expectedVsSent": "pass", "sentVsArrived": "pass"}
    row = data["rows"][0]
    assert (row["expected"], row["sent"], row["received"]) == ("C-10442",) * 3


def test_the_late_page_fails_with_its_diagnosis_and_exit_1(env):
    done = page(env, str(EXAMPLES / "late.html"), "--json")
    assert done.returncode == 1, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["verdict"] == "fail"
    assert data["diagnoses"][0]["code"] == "attributes-after-first-message"
    assert data["frames"][0]["attributes"] == {}


def test_a_missing_file_is_an_error_with_exit_2(env, tmp_path):
    done = page(env, str(tmp_path / "nope.html"), "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["verdict"] == "error"


def test_the_website_examples_folder_meets_every_scenario(env):
    done = page(env, str(EXAMPLES), "--json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["failed"] == 0 and data["passed"] == 7
    verdicts = {s["page"]: s["result"]["verdict"] for s in data["scenarios"]}
    assert verdicts == {
        "good.html": "pass",
        "headless.html": "pass",
        "hidden.html": "fail",
        "late.html": "fail",
        "legacy.html": "fail",
        "spelling.html": "fail",
        "too-large.html": "fail",
    }


def test_a_scenario_whose_expectation_is_not_met_exits_1(env, tmp_path):
    (tmp_path / "good.html").write_text((EXAMPLES / "good.html").read_text())
    shutil.copytree(EXAMPLES / "js", tmp_path / "js")  # the page's own script
    (tmp_path / "wrong.yaml").write_text(
        "name: wrong\nlauncher: page\npage: good.html\n"
        "expect: {verdict: fail, diagnoses: [attributes-after-first-message]}\n"
    )
    done = page(env, str(tmp_path / "wrong.yaml"))
    assert done.returncode == 1
    assert "verdict pass, expected fail" in done.stdout


def test_a_bad_scenario_file_is_an_error_naming_the_field(env, tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\nlauncher: page\n")
    done = page(env, str(tmp_path / "bad.yaml"), "--json")
    assert done.returncode == 2
    assert "page" in json.loads(done.stdout)["error"]


def test_with_a_profile_the_page_talks_to_that_org_unchanged(env, sandbox_process, tmp_path):
    """The real-org path: no redirect, the page's own snippet names the org's script; the
    snippet's short environment name and its deployment are compared with the profile's."""
    from inspector.sandbox import (
        SANDBOX_CLIENT_ID,
        SANDBOX_CLIENT_SECRET,
        SANDBOX_DEPLOYMENT_ID,
        SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID,
    )

    base = sandbox_process["baseUrl"]
    added = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector",
            "profile",
            "add",
            "LocalOrg",
            "--base-url",
            base,
            "--client-id",
            SANDBOX_CLIENT_ID,
            "--deployment",
            f"{SANDBOX_DEPLOYMENT_ID},name=Shop",
            "--secret-stdin",
        ],
        input=SANDBOX_CLIENT_SECRET + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    html = (EXAMPLES / "good.html").read_text()
    html = html.replace(
        "https://apps.mypurecloud.ie/genesys-bootstrap/genesys.min.js",
        f"{base}/genesys-bootstrap/genesys.min.js",
    ).replace("9a4e6b1c-2d3f-4e5a-8b7c-0d1e2f3a4b5c", SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID)
    (tmp_path / "page.html").write_text(html)
    shutil.copytree(EXAMPLES / "js", tmp_path / "js")
    done = page(
        env,
        str(tmp_path / "page.html"),
        "--profile",
        "LocalOrg",
        "--json",
        "--expect",
        "crmCustomerId=C-10442",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["verdict"] == "pass"
    assert data["snippet"]["deploymentId"] == SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID
    assert any(
        f"{SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID} is not the profile's {SANDBOX_DEPLOYMENT_ID}" in n
        for n in data["notes"]
    )


def test_an_unknown_profile_is_an_error_with_exit_2(env):
    done = page(env, str(EXAMPLES / "good.html"), "--profile", "Nope", "--json")
    assert done.returncode == 2
    assert "Nope" in json.loads(done.stdout)["error"]

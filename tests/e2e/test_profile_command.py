"""`inspector profile add|list|remove|test` as a subprocess, against a standalone sandbox org
(also a subprocess). The keychain is tests/file_keyring.py, shared by the processes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
)

ROOT = Path(__file__).resolve().parents[2]
INSPECTOR = [sys.executable, "-m", "inspector"]


@pytest.fixture
def sandbox(sandbox_process):
    return sandbox_process


def cli(env, *args, stdin=None):
    return subprocess.run(
        [*INSPECTOR, "profile", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_add_list_test_remove_against_a_standalone_sandbox(env, sandbox, tmp_path):
    deployments = [
        "--deployment",
        f"{SANDBOX_DEPLOYMENT_ID},name=Shop,origin={SANDBOX_ORIGIN}",
        "--deployment",
        f"{SANDBOX_INACTIVE_DEPLOYMENT_ID},name=Old",
    ]
    added = cli(
        env,
        "add",
        "Local",
        "--base-url",
        sandbox["baseUrl"],
        "--client-id",
        SANDBOX_CLIENT_ID,
        *deployments,
        "--secret-stdin",
        stdin=SANDBOX_CLIENT_SECRET + "\n",
    )
    assert added.returncode == 0, added.stderr
    # The secret is in the keychain, not in the profile file.
    profiles_file = tmp_path / "home" / "config" / "profiles.json"
    assert SANDBOX_CLIENT_SECRET not in profiles_file.read_text()
    keychain = json.loads((tmp_path / "keyring.json").read_text())
    assert keychain == {"inspector/Local:client-secret": SANDBOX_CLIENT_SECRET}

    listed = cli(env, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [profile] = json.loads(listed.stdout)["profiles"]
    assert profile["baseUrl"] == sandbox["baseUrl"] and len(profile["deployments"]) == 2

    tested = cli(env, "test", "Local", "--json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    report = json.loads(tested.stdout)
    assert report["ok"] and [c["code"] for c in report["checks"]] == [
        "token",
        "deployment",
        "public-config",
        "deployment-active",
        "origin-allowed",
    ]

    inactive = cli(env, "test", "Local", "--deployment", SANDBOX_INACTIVE_DEPLOYMENT_ID)
    assert inactive.returncode == 1
    assert "FAIL  deployment-active" in inactive.stdout and "Inactive" in inactive.stdout

    other_origin = cli(env, "test", "Local", "--origin", "https://evil.example")
    assert other_origin.returncode == 1 and "FAIL  origin-allowed" in other_origin.stdout

    for proc in (added, listed, tested, inactive, other_origin):
        assert SANDBOX_CLIENT_SECRET not in proc.stdout + proc.stderr

    removed = cli(env, "remove", "Local")
    assert removed.returncode == 0, removed.stderr
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}
    assert json.loads(cli(env, "list", "--json").stdout)["profiles"] == []


def test_a_wrong_secret_from_an_env_variable_fails_the_token_step(env, sandbox):
    env = {**env, "LOCAL_SECRET": "not-the-secret"}
    added = cli(
        env,
        "add",
        "Local",
        "--base-url",
        sandbox["baseUrl"],
        "--client-id",
        SANDBOX_CLIENT_ID,
        "--deployment",
        SANDBOX_DEPLOYMENT_ID,
        "--secret-env",
        "LOCAL_SECRET",
    )
    assert added.returncode == 0, added.stderr
    tested = cli(env, "test", "Local")
    assert tested.returncode == 1
    assert (
        "FAIL  token" in tested.stdout and "refused the OAuth client credentials" in tested.stdout
    )
    assert "Traceback" not in tested.stderr


def test_the_secret_is_never_taken_from_an_argument_and_bad_input_is_clear(env):
    no_secret = cli(env, "add", "P", "--environment", "prod", "--client-id", "c")
    assert no_secret.returncode == 2 and "--secret-stdin or --secret-env" in no_secret.stderr
    as_argument = cli(env, "add", "P", "--environment", "prod", "--client-id", "c", "--secret", "x")
    assert as_argument.returncode == 2  # argparse: no such option
    bad_region = cli(
        env, "add", "P", "--environment", "mars1", "--client-id", "c", "--secret-stdin", stdin="s\n"
    )
    assert bad_region.returncode == 2 and "unknown Genesys Cloud environment" in bad_region.stderr
    unknown = cli(env, "test", "Nope")
    assert unknown.returncode == 2 and "no profile named 'Nope'" in unknown.stderr
    for proc in (no_secret, bad_region, unknown):
        assert "Traceback" not in proc.stderr


NO_KEYCHAIN = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_without_a_keychain_add_saves_nothing_and_says_what_to_set_up(env, tmp_path):
    env = {**env, **NO_KEYCHAIN}
    args = ["add", "P", "--environment", "prod", "--client-id", "c", "--secret-stdin"]
    added = cli(env, *args, stdin="s3cr3t-value\n")
    assert added.returncode == 2, added.stdout + added.stderr
    assert "Saved" not in added.stdout
    assert "no keychain found" in added.stderr and "nothing was saved" in added.stderr
    assert "PYTHON_KEYRING_BACKEND" in added.stderr and "Secret Service" in added.stderr
    assert "kept for this session only" not in added.stderr  # it is not kept at all
    assert "s3cr3t-value" not in added.stderr + added.stdout
    assert not (tmp_path / "home" / "config" / "profiles.json").exists()
    assert json.loads(cli(env, "list", "--json").stdout)["profiles"] == []
    # A browser sign-in profile has no secret to keep: it is saved.
    pkce = cli(
        env,
        "add",
        "B",
        "--environment",
        "prod",
        "--client-id",
        "c",
        "--auth",
        "pkce",
        "--redirect-port",
        "8765",
    )
    assert pkce.returncode == 0, pkce.stderr


def test_without_a_keychain_an_existing_profile_is_left_as_it_was(env, tmp_path):
    args = ["add", "P", "--environment", "prod", "--client-id", "c", "--secret-stdin"]
    assert cli(env, *args, stdin="first\n").returncode == 0
    profiles_file = tmp_path / "home" / "config" / "profiles.json"
    before = profiles_file.read_bytes()
    replaced = cli(
        {**env, **NO_KEYCHAIN},
        "add",
        "P",
        "--environment",
        "prod-euw1",
        "--client-id",
        "other",
        "--replace",
        "--secret-stdin",
        stdin="second\n",
    )
    assert replaced.returncode == 2 and "nothing was saved" in replaced.stderr
    assert profiles_file.read_bytes() == before
    assert json.loads((tmp_path / "keyring.json").read_text()) == {
        "inspector/P:client-secret": "first"
    }


def test_without_a_keychain_the_warning_is_printed_once(env, sandbox):
    added = cli(
        env,
        "add",
        "Local",
        "--base-url",
        sandbox["baseUrl"],
        "--client-id",
        SANDBOX_CLIENT_ID,
        "--deployment",
        SANDBOX_DEPLOYMENT_ID,
        "--secret-stdin",
        stdin=SANDBOX_CLIENT_SECRET + "\n",
    )
    assert added.returncode == 0, added.stderr
    env = {**env, **NO_KEYCHAIN}
    given = cli(env, "test", "Local", "--secret-stdin", stdin=SANDBOX_CLIENT_SECRET + "\n")
    assert given.returncode == 0, given.stdout + given.stderr
    assert given.stderr.count("No keychain") <= 1, given.stderr
    looked_up = cli(env, "test", "Local")
    assert looked_up.returncode == 2
    assert "no client secret for 'local'" in looked_up.stderr.lower(), looked_up.stderr
    assert looked_up.stderr.count("No keychain") == 1, looked_up.stderr
    removed = cli(env, "remove", "Local")
    assert removed.returncode == 0, removed.stderr
    assert removed.stderr.count("No keychain") <= 1, removed.stderr


def test_the_built_in_sandbox_can_be_tested_but_not_removed(env):
    tested = cli(env, "test", "sandbox", "--json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    report = json.loads(tested.stdout)
    assert report["profile"] == "sandbox" and report["ok"]
    assert [c["code"] for c in report["checks"]] == [
        "token",
        "deployment",
        "public-config",
        "deployment-active",
        "origin-allowed",
    ]
    inactive = cli(env, "test", "Sandbox", "--deployment", SANDBOX_INACTIVE_DEPLOYMENT_ID)
    assert inactive.returncode == 1 and "FAIL  deployment-active" in inactive.stdout
    removed = cli(env, "remove", "sandbox")
    assert removed.returncode == 2
    assert "the built-in sandbox org cannot be removed" in removed.stderr
    for proc in (tested, inactive, removed):
        assert "Traceback" not in proc.stderr
        assert not (Path(env["INSPECTOR_HOME"]) / "config" / "profiles.json").exists()


def test_a_deployment_id_must_be_a_uuid(env):
    added = cli(
        env,
        "add",
        "P",
        "--environment",
        "prod",
        "--client-id",
        "c",
        "--deployment",
        "notauuid",
        "--secret-stdin",
        stdin="s\n",
    )
    assert added.returncode == 2
    assert "'notauuid' is not a deployment id" in added.stderr and "UUID" in added.stderr
    tested = cli(env, "test", "sandbox", "--deployment", "shop")
    assert tested.returncode == 2 and "'shop' is not a deployment id" in tested.stderr


def test_list_separates_each_label_from_its_value(env):
    deployments = [
        "--deployment",
        f"{SANDBOX_DEPLOYMENT_ID},name=Shop,origin={SANDBOX_ORIGIN}",
        "--deployment",
        SANDBOX_INACTIVE_DEPLOYMENT_ID,
    ]
    args = ["add", "Acme EU", "--environment", "prod", "--client-id", "c", *deployments]
    assert cli(env, *args, "--secret-stdin", stdin="s\n").returncode == 0
    lines = cli(env, "list").stdout.splitlines()
    assert lines[1:] == [
        "Acme EU  prod  client_credentials  client id: c",
        f"    deployment {SANDBOX_DEPLOYMENT_ID}  name: Shop  origin: {SANDBOX_ORIGIN}",
        f"    deployment {SANDBOX_INACTIVE_DEPLOYMENT_ID}  origin: first allowed domain",
    ]

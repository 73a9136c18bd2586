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


def test_without_a_keychain_the_command_says_secrets_last_this_session_only(env):
    env = {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    added = cli(
        env,
        "add",
        "P",
        "--environment",
        "prod",
        "--client-id",
        "c",
        "--secret-stdin",
        stdin="s3cr3t-value\n",
    )
    assert added.returncode == 0, added.stderr
    assert "No keychain: secrets are kept for this session only." in added.stderr
    assert "s3cr3t-value" not in added.stderr + added.stdout

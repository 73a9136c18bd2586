"""Secrets in the keychain (an in-memory test backend), and the session-only fallback."""

import json
import logging
import os
import subprocess
import sys

import keyring
import keyring.errors
import pytest
from keyring.backends import fail

from inspector.store.profiles import HOME_ENV, OrgProfile, ProfileStore
from inspector.store.secrets import NO_KEYCHAIN_WARNING, SecretKind, SecretStore
from tests.memory_keyring import LockedKeyring, MemoryKeyring

SENTINEL = "sentinel-secret-9f8e7d6c5b4a"


class VanishingKeyring(MemoryKeyring):
    """A backend that turns out to be unavailable at call time."""

    def set_password(self, service, username, password):
        raise keyring.errors.NoKeyringError("no backend")

    def get_password(self, service, username):
        raise keyring.errors.NoKeyringError("no backend")


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_secrets_go_to_the_keychain_per_profile_and_kind(memory_keyring):
    store = SecretStore()
    assert store.persistent and store.warning is None
    store.set("Acme EU", SecretKind.CLIENT_SECRET, SENTINEL)
    store.set("Acme EU", SecretKind.REFRESH_TOKEN, "refresh-1")
    assert memory_keyring.entries == {
        ("inspector", "Acme EU:client-secret"): SENTINEL,
        ("inspector", "Acme EU:refresh-token"): "refresh-1",
    }
    assert SecretStore().get("Acme EU", SecretKind.CLIENT_SECRET) == SENTINEL
    assert store.get("Other", SecretKind.CLIENT_SECRET) is None
    store.delete_profile("Acme EU")
    store.delete_profile("Acme EU")  # deleting what is gone is fine
    assert memory_keyring.entries == {}


async def test_async_wrappers_run_in_a_thread(memory_keyring):
    store = SecretStore()
    await store.aset("P", SecretKind.CLIENT_SECRET, SENTINEL)
    assert await store.aget("P", SecretKind.CLIENT_SECRET) == SENTINEL
    await store.adelete("P", SecretKind.CLIENT_SECRET)
    assert await store.aget("P", SecretKind.CLIENT_SECRET) is None


def test_no_keychain_keeps_secrets_for_the_session_and_says_so(caplog, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.INFO)
    store = SecretStore(backend=fail.Keyring())
    assert not store.persistent
    assert (
        store.warning
        == NO_KEYCHAIN_WARNING
        == "No keychain: secrets are kept for this session only."
    )
    store.set("P", SecretKind.CLIENT_SECRET, SENTINEL)
    assert store.get("P", SecretKind.CLIENT_SECRET) == SENTINEL
    assert SecretStore(backend=fail.Keyring()).get("P", SecretKind.CLIENT_SECRET) is None
    assert NO_KEYCHAIN_WARNING in caplog.text
    assert SENTINEL not in caplog.text
    assert list(tmp_path.iterdir()) == []  # never a plain file


def test_a_backend_that_fails_at_call_time_falls_back_to_memory(caplog):
    store = SecretStore(backend=VanishingKeyring())
    assert store.persistent
    store.set("P", SecretKind.CLIENT_SECRET, SENTINEL)
    assert not store.persistent and store.warning == NO_KEYCHAIN_WARNING
    assert store.get("P", SecretKind.CLIENT_SECRET) == SENTINEL


def test_a_locked_keychain_is_an_error_not_a_silent_fallback():
    from inspector.store.secrets import SecretStoreError

    store = SecretStore(backend=LockedKeyring())
    with pytest.raises(SecretStoreError, match="refused to store the client-secret of 'P'"):
        store.set("P", SecretKind.CLIENT_SECRET, SENTINEL)
    assert store.persistent


def test_secret_never_reaches_the_profile_file_or_the_logs(
    memory_keyring, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    profile = OrgProfile.create("Acme", client_id="cid", environment="prod")
    ProfileStore().add(profile)
    secrets = SecretStore()
    secrets.set(profile.name, SecretKind.CLIENT_SECRET, SENTINEL)
    assert SENTINEL not in repr(secrets)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SENTINEL not in path.read_text(errors="replace"), path
    assert SENTINEL not in caplog.text
    assert memory_keyring.entries[("inspector", "Acme:client-secret")] == SENTINEL


def test_a_store_that_must_outlive_the_process_refuses_without_a_keychain(caplog):
    from inspector.store.secrets import NO_KEYCHAIN_HELP, NoKeychainError

    with pytest.raises(NoKeychainError) as caught:
        SecretStore(backend=fail.Keyring(), allow_session_only=False)
    assert str(caught.value) == "no keychain found (keyring backend keyring.backends.fail.Keyring)"
    assert caught.value.help == NO_KEYCHAIN_HELP and "PYTHON_KEYRING_BACKEND" in NO_KEYCHAIN_HELP
    assert NO_KEYCHAIN_WARNING not in caplog.text  # nothing is kept, so no "session only"


def test_a_store_that_must_outlive_the_process_never_keeps_a_secret_in_memory():
    from inspector.store.secrets import NoKeychainError

    store = SecretStore(backend=VanishingKeyring(), allow_session_only=False)
    for _ in range(2):
        with pytest.raises(NoKeychainError):
            store.set("P", SecretKind.CLIENT_SECRET, SENTINEL)
    with pytest.raises(NoKeychainError):
        store.get("P", SecretKind.CLIENT_SECRET)
    assert store.persistent


def test_the_session_only_warning_is_logged_once_per_store(caplog):
    store = SecretStore(backend=VanishingKeyring())
    store.set("P", SecretKind.CLIENT_SECRET, SENTINEL)
    store.get("P", SecretKind.CLIENT_SECRET)
    assert caplog.text.count(NO_KEYCHAIN_WARNING) == 1


PROBE = """
import sys
spawned = []
sys.addaudithook(
    lambda event, args: spawned.append(event)
    if event in ("subprocess.Popen", "os.fork", "os.posix_spawn", "os.exec") else None
)
from inspector.store.secrets import SecretStore
store = SecretStore()
import keyring
assert keyring.get_keyring() is store._backend
import json
print(json.dumps({
    "backend": store.backend_name,
    "spawned": spawned,
    "macos": "keyring.backends.macOS" in sys.modules,
}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux backends")
def test_finding_the_keychain_spawns_no_process_and_loads_no_other_platforms_backend(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # no keyringrc.cfg
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["spawned"] == [] and found["macos"] is False, found
    assert found["backend"].startswith("keyring.backends.")


def test_the_keyring_backend_variable_still_chooses_the_backend(tmp_path):
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["backend"] == "keyring.backends.null.Keyring"

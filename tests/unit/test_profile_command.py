"""`inspector profile add` in-process, with keychains that fail only when the secret is stored.

A subprocess cannot pick such a keychain, so these call the command's handler with keyring's
own `set_keyring`; tests/e2e/test_profile_command.py covers the rest as subprocesses.
"""

import io

import keyring
import keyring.errors
import pytest

from inspector.cli import build_parser
from inspector.store.profiles import HOME_ENV, PROFILES_FILE, config_dir
from tests.memory_keyring import LockedKeyring, MemoryKeyring


class VanishingKeyring(MemoryKeyring):
    """Looks usable, then has no backend when asked to store."""

    def set_password(self, service, username, password):
        raise keyring.errors.NoKeyringError("no backend")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    return tmp_path


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def profile(monkeypatch, *argv, stdin="s3cr3t\n"):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    args = build_parser().parse_args(["profile", *argv])
    return args.handler(args)


ADD = ["add", "Acme EU", "--environment", "prod", "--client-id", "c", "--secret-stdin"]


@pytest.mark.parametrize("failing", [VanishingKeyring, LockedKeyring])
def test_a_secret_that_cannot_be_stored_leaves_no_new_profile(
    home, use_keyring, monkeypatch, capsys, failing
):
    use_keyring(failing())
    assert profile(monkeypatch, *ADD) == 2
    assert not (config_dir() / PROFILES_FILE).exists()
    err = capsys.readouterr().err
    assert "nothing was saved" in err and "s3cr3t" not in err


@pytest.mark.parametrize("failing", [VanishingKeyring, LockedKeyring])
def test_a_secret_that_cannot_be_stored_leaves_the_replaced_profile_as_it_was(
    home, use_keyring, monkeypatch, capsys, failing
):
    working = MemoryKeyring()
    use_keyring(working)
    assert profile(monkeypatch, *ADD, stdin="first\n") == 0
    path = config_dir() / PROFILES_FILE
    before = path.read_bytes()
    capsys.readouterr()
    use_keyring(failing())
    replace = ["add", "Acme EU", "--environment", "prod-euw1", "--client-id", "new"]
    assert profile(monkeypatch, *replace, "--replace", "--secret-stdin", stdin="second\n") == 2
    assert path.read_bytes() == before
    assert working.entries == {("inspector", "Acme EU:client-secret"): "first"}
    assert "Saved" not in capsys.readouterr().out

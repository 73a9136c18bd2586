"""Org profiles: validation, the versioned file, atomic writes."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from inspector.store.profiles import (
    HOME_ENV,
    SCHEMA_VERSION,
    AuthKind,
    DeploymentProfile,
    OrgKind,
    OrgProfile,
    ProfileError,
    ProfileStore,
    config_dir,
    sandbox_profile,
)

EU = OrgProfile.create(
    "Acme EU",
    client_id="cid-1",
    environment="euw1",
    deployments=[DeploymentProfile("dep-1", "Shop", "https://shop.acme.eu")],
)
LOCAL = OrgProfile.create(
    "Local",
    client_id="cid-2",
    base_url="http://127.0.0.1:8123/",
    auth="pkce",
    redirect_uri="http://127.0.0.1:8765/callback",
)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    return ProfileStore()


def test_home_override_puts_the_file_under_it(store, tmp_path):
    assert config_dir() == tmp_path / "config"
    assert store.path == tmp_path / "config" / "profiles.json"


def test_short_environment_names_are_stored_in_the_long_form():
    assert EU.kind is OrgKind.REGION and EU.environment == "prod-euw1"
    assert EU.endpoints.api == "https://api.mypurecloud.ie"
    assert LOCAL.base_url == "http://127.0.0.1:8123"
    assert LOCAL.endpoints.webmessaging == "ws://127.0.0.1:8123"


def test_round_trip_keeps_every_field(store):
    store.add(EU)
    store.add(LOCAL)
    assert store.load() == [EU, LOCAL]
    data = json.loads(store.path.read_text())
    assert data["version"] == SCHEMA_VERSION
    assert data["profiles"][1]["auth"] == "pkce"
    assert data["profiles"][0]["deployments"][0]["origin"] == "https://shop.acme.eu"
    assert store.get("acme eu") == EU  # names are matched case-insensitively


def test_missing_file_is_no_profiles(store):
    assert store.load() == []


def test_add_refuses_a_duplicate_unless_replacing(store):
    store.add(EU)
    with pytest.raises(ProfileError, match="exists already"):
        store.add(EU)
    changed = EU.with_deployment(DeploymentProfile("dep-2", "Support"))
    store.add(changed, replace_existing=True)
    assert [d.id for d in store.get("Acme EU").deployments] == ["dep-1", "dep-2"]


def test_remove_and_unknown_names(store):
    store.add(EU)
    assert store.remove("Acme EU") == EU
    with pytest.raises(ProfileError, match="no profile named 'Acme EU'"):
        store.get("Acme EU")


def test_the_sandbox_profile_is_built_in_and_never_stored(store):
    profile = sandbox_profile(
        "http://127.0.0.1:5000", client_id="c", deployment_id="d", origin="https://o.example"
    )
    assert profile.builtin and profile.deployments[0].origin == "https://o.example"
    with pytest.raises(ProfileError, match="built-in"):
        store.add(profile)
    with pytest.raises(ProfileError, match="reserved"):
        OrgProfile.create("Sandbox", client_id="x", environment="prod")
    store.save([profile, EU])
    assert store.load() == [EU]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_id": "", "environment": "prod"}, "clientId: must be a non-empty string"),
        ({"client_id": "c", "environment": "mars1"}, "environment: unknown Genesys Cloud"),
        ({"client_id": "c", "base_url": "ftp://x"}, "baseUrl: custom domain must be"),
        ({"client_id": "c", "environment": "prod", "base_url": "http://x"}, "not both"),
        ({"client_id": "c", "environment": "prod", "auth": "pkce"}, "redirectUri: must be"),
        (
            {
                "client_id": "c",
                "environment": "prod",
                "auth": "pkce",
                "redirect_uri": "http://evil.example:80/cb",
            },
            "redirectUri: the redirect URI must be http://127.0.0.1",
        ),
        ({"client_id": "c", "environment": "prod", "auth": "password"}, "auth: must be one of"),
        (
            {
                "client_id": "c",
                "environment": "prod",
                "deployments": [DeploymentProfile("d", origin="https://x.example/path")],
            },
            "deployments[0].origin",
        ),
    ],
)
def test_bad_profiles_name_the_field(kwargs, message):
    with pytest.raises(ProfileError) as caught:
        OrgProfile.create("P", **kwargs)
    assert message in str(caught.value)


def write(store, data):
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps(data) if not isinstance(data, str) else data)


def test_load_errors_name_the_file_and_the_field(store):
    write(
        store, {"version": 1, "profiles": [{"name": "A", "kind": "region", "environment": "prod"}]}
    )
    with pytest.raises(ProfileError) as caught:
        store.load()
    assert str(store.path) in str(caught.value)
    assert "profiles[0].clientId" in str(caught.value)


def test_invalid_json_is_a_clear_error(store):
    write(store, "{not json")
    with pytest.raises(ProfileError, match="not valid JSON"):
        store.load()


def test_a_newer_version_is_refused_and_left_untouched(store):
    text = json.dumps({"version": SCHEMA_VERSION + 1, "profiles": [{"future": True}]})
    write(store, text)
    with pytest.raises(ProfileError, match="newer Inspector"):
        store.load()
    with pytest.raises(ProfileError):
        store.add(EU)
    assert store.path.read_text() == text


def test_a_failed_replace_leaves_the_old_file_and_no_temp_file(store, monkeypatch):
    store.add(EU)
    before = store.path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        store.add(LOCAL)
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["profiles.json"]


def test_a_crash_between_temp_write_and_replace_leaves_the_old_file_intact(store, tmp_path):
    store.add(EU)
    before = store.path.read_bytes()
    # A real crash: the process dies (os._exit) after the temp file is written and fsynced.
    code = textwrap.dedent(
        """
        import os
        from inspector.store.profiles import OrgProfile, ProfileStore
        os.replace = lambda src, dst: os._exit(3)
        store = ProfileStore()
        store.add(OrgProfile.create("Other", client_id="c", environment="prod"))
        """
    )
    env = {**os.environ, HOME_ENV: str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert store.path.read_bytes() == before
    leftovers = [p for p in store.path.parent.iterdir() if p.name != "profiles.json"]
    assert len(leftovers) == 1 and leftovers[0].name.endswith(".tmp")
    assert "Other" in leftovers[0].read_text()  # the new content was complete, never renamed
    assert store.load() == [EU]


def test_pkce_profile_keeps_its_redirect_uri(store):
    store.add(LOCAL)
    [loaded] = store.load()
    assert loaded.auth is AuthKind.PKCE and loaded.redirect_uri == "http://127.0.0.1:8765/callback"


@pytest.mark.parametrize(
    ("name", "kwargs", "field", "empty"),
    [
        ("", {"client_id": "c", "environment": "prod"}, "name", True),
        ("Org", {"client_id": " ", "environment": "prod"}, "clientId", True),
        ("Org", {"client_id": "c", "base_url": "ftp://x"}, "baseUrl", False),
        (
            "Org",
            {"client_id": "c", "environment": "prod", "deployments": [DeploymentProfile("", "")]},
            "deployments[0].id",
            True,
        ),
        (
            "Org",
            {
                "client_id": "c",
                "environment": "prod",
                "deployments": [DeploymentProfile("d", "", "https://x.test/path")],
            },
            "deployments[0].origin",
            False,
        ),
    ],
)
def test_a_profile_error_names_its_field_for_a_form(name, kwargs, field, empty):
    with pytest.raises(ProfileError) as caught:
        OrgProfile.create(name, **kwargs)
    assert (caught.value.field, caught.value.empty) == (field, empty)

"""Where the app keeps its files, and the INSPECTOR_HOME override tests and CI rely on."""

from pathlib import Path

from inspector.store.paths import HOME_ENV, app_paths


def test_home_env_puts_every_folder_under_it(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    paths = app_paths()
    assert paths.config == tmp_path / "config"
    assert paths.data == tmp_path / "data"
    assert paths.log == tmp_path / "log"
    assert paths.cache == tmp_path / "cache"


def test_explicit_home_wins_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    assert app_paths(tmp_path / "explicit").log == tmp_path / "explicit" / "log"


def test_nothing_is_created_until_ensure(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    paths = app_paths()
    assert not (tmp_path / "home").exists()
    paths.ensure()
    assert all(p.is_dir() for p in (paths.config, paths.data, paths.log, paths.cache))


def test_without_override_the_platform_folders_name_the_app(monkeypatch):
    monkeypatch.delenv(HOME_ENV, raising=False)
    paths = app_paths()
    for folder in (paths.config, paths.data, paths.log, paths.cache):
        assert "Inspector" in folder.parts or "inspector" in str(folder).lower()
        assert folder.is_absolute()
    assert len({paths.config, paths.data, paths.log, paths.cache}) >= 3
    assert Path.home() in paths.config.parents

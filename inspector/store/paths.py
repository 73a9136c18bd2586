"""Where Inspector keeps its files: the platform's config, data, log and cache folders.

`INSPECTOR_HOME` puts all four under one folder instead (tests, the self-test in CI, portable
use), so nothing touches the real user folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["APP_NAME", "HOME_ENV", "AppPaths", "app_paths"]

APP_NAME = "Inspector"
HOME_ENV = "INSPECTOR_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The four folders; `ensure()` creates them (nothing is created on construction)."""

    config: Path
    data: Path
    log: Path
    cache: Path

    def ensure(self) -> AppPaths:
        for folder in (self.config, self.data, self.log, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths(home: str | os.PathLike[str] | None = None) -> AppPaths:
    """The folders for this user, or under `home` / `$INSPECTOR_HOME` when given."""
    root = home if home is not None else os.environ.get(HOME_ENV) or None
    if root is not None:
        base = Path(root).expanduser().resolve()
        return AppPaths(base / "config", base / "data", base / "log", base / "cache")
    # appauthor=False: no "Inspector\Inspector" doubling on Windows.
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        config=dirs.user_config_path,
        data=dirs.user_data_path,
        log=dirs.user_log_path,
        cache=dirs.user_cache_path,
    )

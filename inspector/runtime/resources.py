"""The files in the top-level resources/ folder, read as the `inspector.resources` package.

Going through importlib.resources rather than paths next to __file__ keeps a frozen build
working: PyInstaller bundles package data and the loader finds it there.
"""

from importlib import resources

__all__ = ["read_bytes", "read_text"]

# pyproject.toml installs the top-level resources/ folder under this name.
PACKAGE = "inspector.resources"


def read_text(name: str) -> str:
    return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    return resources.files(PACKAGE).joinpath(name).read_bytes()

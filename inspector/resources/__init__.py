"""Files the app loads at run time (host page, bridge script); found through importlib.resources.

Going through importlib.resources rather than paths next to __file__ keeps a frozen build
working: PyInstaller bundles package data and the loader finds it there.
"""

from importlib import resources

__all__ = ["read_bytes", "read_text"]


def read_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    return resources.files(__name__).joinpath(name).read_bytes()

"""The layers of DESIGN.md hold: checked by importing each package in a fresh interpreter."""

import subprocess
import sys

import pytest

CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({forbidden!r}))
extra = sorted(n for n in sys.modules if any(n.startswith(p) for p in {forbidden_inner!r}))
print(",".join(loaded + extra))
"""


@pytest.mark.parametrize(
    ("package", "forbidden", "forbidden_inner"),
    [
        (
            "inspector.core",
            ["PySide6", "httpx", "aiohttp", "qasync"],
            ["inspector.ui", "inspector.genesys", "inspector.sandbox"],
        ),
        (
            "inspector.genesys",
            ["PySide6", "qasync"],
            ["inspector.ui", "inspector.core", "inspector.sandbox"],
        ),
        (
            "inspector.sandbox",
            ["PySide6", "qasync"],
            ["inspector.ui", "inspector.core", "inspector.genesys"],
        ),
    ],
)
def test_package_does_not_load_forbidden_modules(package, forbidden, forbidden_inner):
    code = CHECK.format(package=package, forbidden=forbidden, forbidden_inner=forbidden_inner)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{package} loaded {out}"

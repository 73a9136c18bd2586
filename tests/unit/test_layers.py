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
extra = sorted(
    n for n in sys.modules
    if any(n.startswith(p) for p in {forbidden_inner!r}) and n not in {allowed!r}
)
print(",".join(loaded + extra))
"""


@pytest.mark.parametrize(
    ("package", "forbidden", "forbidden_inner", "allowed"),
    [
        (
            "inspector.core",
            ["PySide6", "httpx", "aiohttp", "qasync"],
            ["inspector.ui", "inspector.genesys", "inspector.sandbox"],
            [],
        ),
        (
            "inspector.genesys",
            ["PySide6", "qasync"],
            ["inspector.ui", "inspector.core", "inspector.sandbox"],
            [],
        ),
        (
            "inspector.sandbox",
            ["PySide6", "qasync"],
            ["inspector.ui", "inspector.core", "inspector.genesys"],
            [],
        ),
        (
            # The views get plain values and a run to watch (DESIGN.md): no HTTP stack, no
            # org clients, no sandbox. Org profiles (store) are made of a region's endpoints,
            # so the package and its plain region table are the one part of genesys allowed.
            "inspector.ui",
            ["httpx", "httpcore", "aiohttp", "websockets", "anyio"],
            [
                "inspector.genesys",
                "inspector.sandbox",
                "inspector.orgs",
                "inspector.website",
                "inspector.commands",
                "inspector.app",
            ],
            ["inspector.genesys", "inspector.genesys.regions"],
        ),
    ],
)
def test_package_does_not_load_forbidden_modules(package, forbidden, forbidden_inner, allowed):
    code = CHECK.format(
        package=package, forbidden=forbidden, forbidden_inner=forbidden_inner, allowed=allowed
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{package} loaded {out}"


def test_views_name_no_client_package_in_their_imports():
    """Not even for typing: a view that names `orgs` or `genesys` is one refactor from using it."""
    import ast
    from pathlib import Path

    import inspector.ui

    banned = ("inspector.genesys", "inspector.sandbox", "inspector.orgs", "inspector.website",
              "inspector.app", "inspector.commands", "httpx", "aiohttp")  # fmt: skip
    found = []
    for path in sorted(Path(inspector.ui.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            found += [
                f"{path.name}:{node.lineno} imports {name}"
                for name in names
                if any(name == b or name.startswith(b + ".") for b in banned)
            ]
    assert found == []

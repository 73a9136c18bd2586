"""The package layout explains itself: every module lives in a package, and every package ships."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "inspector"
# The entry points: `python -m inspector`, the `inspector` command, and the window's wiring.
TOP_LEVEL = {"__init__.py", "__main__.py", "cli.py", "app.py"}


def test_no_module_sits_outside_a_package_but_the_entry_points():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert set(loose) <= TOP_LEVEL, f"modules outside a package: {sorted(set(loose) - TOP_LEVEL)}"


def test_the_wheel_lists_every_package_and_maps_resources_to_the_top_level_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert set(config["packages"]) == on_disk | {"inspector.resources"}
    assert config["package-dir"] == {"inspector.resources": "resources"}
    assert (ROOT / "resources" / "host.html").is_file()
    assert not (PACKAGE / "resources").exists()


def test_every_package_says_what_it_is_for():
    for init in PACKAGE.rglob("__init__.py"):
        text = init.read_text()
        assert text.startswith('"""'), f"{init.relative_to(ROOT)} has no docstring"
        first = text[3:].split("\n", 1)[0]
        assert len(first) > 20, f"{init.relative_to(ROOT)}: {first!r} does not say what it holds"

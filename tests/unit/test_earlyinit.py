"""Early checks: a library Qt needs that cannot load becomes one message naming its package."""

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from inspector.runtime.earlyinit import (
    WEBENGINE_LIBRARIES,
    XCB_LIBRARIES,
    SystemLibrary,
    check_gui_libraries,
    import_problem,
    libraries_for,
    missing_libraries,
    missing_libraries_message,
    prefer_offscreen,
    qt_platform,
    x_display_problem,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF sonames")

NOWHERE = SystemLibrary("libdoes-not-exist.so.0", "libdoes-not-exist0")
ALSO_NOWHERE = SystemLibrary("libalso-not-there.so.3", "libalso-not-there3")
LIBC = SystemLibrary("libc.so.6", "libc6")


@linux_only
def test_a_library_the_loader_cannot_find_is_reported_with_its_package():
    missing = missing_libraries([LIBC, NOWHERE])
    assert [m.soname for m in missing] == ["libdoes-not-exist.so.0"]
    assert missing[0].absent
    message = missing_libraries_message(missing)
    assert message == (
        "Cannot open the window: the system library libdoes-not-exist.so.0 is missing. "
        "On Debian or Ubuntu, install it with: sudo apt-get install libdoes-not-exist0"
    )


@linux_only
def test_every_missing_library_is_named_and_one_command_installs_them_all():
    message = missing_libraries_message(missing_libraries([NOWHERE, LIBC, ALSO_NOWHERE]))
    assert "libraries libdoes-not-exist.so.0, libalso-not-there.so.3 are missing" in message
    assert message.endswith("sudo apt-get install libdoes-not-exist0 libalso-not-there3")


@linux_only
def test_the_check_stops_before_qt_when_a_library_is_missing():
    imported: list[str] = []

    def import_module(name: str) -> object:
        imported.append(name)
        return None

    problem = check_gui_libraries(
        {"QT_QPA_PLATFORM": "offscreen"}, libraries=[LIBC, NOWHERE], import_module=import_module
    )
    assert problem is not None and "libdoes-not-exist0" in problem
    assert imported == []  # Qt is not touched once a library is known missing


@linux_only
def test_a_failed_qtwebengine_import_names_the_missing_library_and_its_package():
    def import_module(name: str) -> object:
        raise ImportError("libnss3.so: cannot open shared object file: No such file or directory")

    def load(soname: str) -> object:
        if soname in ("libnss3.so", "libxkbfile.so.1"):
            raise OSError(f"{soname}: cannot open shared object file")
        return object()

    problem = check_gui_libraries(
        {"QT_QPA_PLATFORM": "offscreen"}, load=load, import_module=import_module
    )
    # Both missing libraries, not only the one the import stopped at, with one command.
    assert problem is not None
    assert "libnss3.so" in problem and "libxkbfile.so.1" in problem
    assert problem.endswith("sudo apt-get install libnss3 libxkbfile1")


def test_an_installed_system_passes_the_check():
    assert check_gui_libraries({"QT_QPA_PLATFORM": "offscreen"}) is None


@linux_only
def test_every_listed_library_is_installed_on_this_machine():
    # The tables are the Debian package list of DESIGN.md; this machine has all of it.
    assert missing_libraries(libraries_for("xcb")) == []


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({}, "xcb"),
        ({"DISPLAY": ":0"}, "xcb"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "offscreen"),
        ({"QT_QPA_PLATFORM": "xcb:dpi=96"}, "xcb"),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "wayland"),
        ({"XDG_SESSION_TYPE": "wayland"}, "wayland"),
    ],
)
def test_the_platform_is_the_one_qt_tries_first(environ, platform):
    assert qt_platform(environ) == platform


def test_the_xcb_libraries_are_checked_only_for_an_x11_window():
    assert set(XCB_LIBRARIES) <= set(libraries_for("xcb"))
    assert libraries_for("offscreen") == WEBENGINE_LIBRARIES
    assert libraries_for("wayland") == WEBENGINE_LIBRARIES


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            "libnss3.so: cannot open shared object file: No such file or directory",
            "the system library libnss3.so is missing. "
            "On Debian or Ubuntu, install it with: sudo apt-get install libnss3",
        ),
        (
            "/opt/lib/libxkbfile.so.1: file too short",
            "the system library libxkbfile.so.1 cannot be loaded (file too short). "
            "On Debian or Ubuntu, install it with: sudo apt-get install libxkbfile1",
        ),
        (
            "libQt6WebEngineCore.so.6: cannot open shared object file: No such file or directory",
            "the library libQt6WebEngineCore.so.6 is missing. Reinstall Inspector: "
            "libQt6WebEngineCore.so.6 comes with it.",
        ),
        (
            "libXrender.so.1: cannot open shared object file: No such file or directory",
            "libXrender.so.1 is missing. On Debian or Ubuntu, install it with: "
            "sudo apt-get install libxrender1",
        ),
        (
            "libfoo.so.3: cannot open shared object file: No such file or directory",
            "the system library libfoo.so.3 is missing. Install the package that provides "
            "libfoo.so.3 (on Debian or Ubuntu, `apt-file search libfoo.so.3` names it).",
        ),
        ("No module named 'PySide6'", "PySide6 with QtWebEngine cannot be imported"),
    ],
)
def test_a_failed_qt_import_names_the_library_and_package(error, expected):
    assert expected in import_problem(ImportError(error))


@linux_only
def test_a_library_whose_dependency_is_missing_names_the_dependency(tmp_path):
    # The dynamic loader stops at an unusable file on LD_LIBRARY_PATH (an empty one), which
    # makes a real system library unloadable for a child process.
    (tmp_path / "libnss3.so").write_bytes(b"")
    script = textwrap.dedent(
        """
        from inspector.runtime.earlyinit import (
            SystemLibrary, missing_libraries, missing_libraries_message,
        )
        print(missing_libraries_message(missing_libraries(
            [SystemLibrary("libsmime3.so", "libnss3"), SystemLibrary("libc.so.6", "libc6")]
        )))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"LD_LIBRARY_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert "libnss3.so cannot be loaded" in proc.stdout
    assert "libsmime3" not in proc.stdout.split("(")[0]
    assert proc.stdout.strip().endswith("sudo apt-get install libnss3")


@linux_only
def test_a_frozen_bundle_s_own_copy_of_a_library_counts(tmp_path):
    # The system copy is made unloadable (an empty file first on LD_LIBRARY_PATH); the bundle
    # folder holds a working copy, as a PyInstaller build that collected it would.
    broken, bundle = tmp_path / "broken", tmp_path / "bundle"
    broken.mkdir()
    bundle.mkdir()
    (broken / "libxcb-cursor.so.0").write_bytes(b"")

    real = Path("/lib/x86_64-linux-gnu/libxcb-cursor.so.0")
    if not real.exists():
        pytest.skip("libxcb-cursor0 is not at the Debian path")
    (bundle / "libxcb-cursor.so.0").write_bytes(real.read_bytes())
    script = textwrap.dedent(
        f"""
        import sys
        from inspector.runtime.earlyinit import SystemLibrary, missing_libraries
        cursor = [SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0")]
        print("source:", [m.soname for m in missing_libraries(cursor)])
        sys.frozen, sys._MEIPASS = True, {str(bundle)!r}
        print("frozen:", [m.soname for m in missing_libraries(cursor)])
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={"LD_LIBRARY_PATH": str(broken), "PATH": "/usr/bin:/bin"},
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout.splitlines() == ["source: ['libxcb-cursor.so.0']", "frozen: []"]


def _free_display() -> str:
    number = next(n for n in range(140, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    return f":{number}"


@linux_only
def test_an_x_display_that_does_not_answer_is_one_sentence():
    display = _free_display()
    problem = x_display_problem({"DISPLAY": display})
    assert problem == (
        f"Cannot open the window: the X display {display} (DISPLAY) does not answer or refuses "
        "the connection. Run Inspector inside that desktop session, under `xvfb-run inspector`, "
        "or headless with `inspector verify`."
    )
    assert "DISPLAY is not set" in (x_display_problem({}) or "")


@linux_only
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb")
def test_an_x_display_that_answers_passes():
    display = _free_display()
    server = subprocess.Popen(
        ["Xvfb", display, "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
        deadline = time.monotonic() + 10
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert x_display_problem({"DISPLAY": display}) is None
        assert check_gui_libraries({"QT_QPA_PLATFORM": "xcb", "DISPLAY": display}) is None
    finally:
        server.terminate()
        server.wait(timeout=10)


@linux_only
def test_without_a_display_a_windowless_run_renders_offscreen():
    env: dict[str, str] = {}
    prefer_offscreen(env)
    assert env == {"QT_QPA_PLATFORM": "offscreen"}


@linux_only
@pytest.mark.parametrize(
    "env",
    [{"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}, {"QT_QPA_PLATFORM": "xcb"}],
)
def test_a_display_or_a_chosen_platform_is_kept(env):
    before = dict(env)
    prefer_offscreen(env)
    assert env == before

"""A system library Qt needs is unusable: one message and exit 2, not an abort or a traceback.

The dynamic loader stops at an unusable file it finds on LD_LIBRARY_PATH (an empty file is "too
short"), so an empty `libxcb-cursor.so.0` there makes the real library unloadable for the child
process, for Qt as much as for the check: the genuine failure a fresh desktop without the
package has.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from inspector.runtime.crash import CRASH_FILE_NAME
from tests.e2e.window_process import open_window_and_interrupt

INSPECTOR = [sys.executable, "-m", "inspector"]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF sonames")


def _unusable(tmp_path: Path, soname: str) -> str:
    folder = tmp_path / "broken-libs"
    folder.mkdir(exist_ok=True)
    (folder / soname).write_bytes(b"")
    return str(folder)


def _start(env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        INSPECTOR, capture_output=True, text=True, timeout=60, env={**env, **extra}
    )


def _crash_reports(home: Path) -> list[Path]:
    log_dir = home / "log"
    if not log_dir.exists():
        return []
    return [p for p in log_dir.glob("crash*.log") if p.stat().st_size > 0]


def test_missing_xcb_cursor_library_says_which_package_to_install(tmp_path, env):
    proc = _start(
        env,
        QT_QPA_PLATFORM="xcb",
        DISPLAY=":99",
        LD_LIBRARY_PATH=_unusable(tmp_path, "libxcb-cursor.so.0"),
    )
    assert proc.returncode == 2, proc.stderr  # Qt's abort would be -6 (SIGABRT)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("inspector: ")]
    assert lines == [
        "inspector: Cannot open the window: the system library libxcb-cursor.so.0 cannot be "
        f"loaded ({tmp_path}/broken-libs/libxcb-cursor.so.0: file too short). On Debian or "
        "Ubuntu, install it with: sudo apt-get install libxcb-cursor0"
    ]
    assert "Traceback" not in proc.stderr
    assert "Fatal Python error" not in proc.stderr
    assert "qt.qpa.plugin" not in proc.stderr  # stopped before Qt tried the plugin
    assert _crash_reports(Path(env["INSPECTOR_HOME"])) == []


def test_missing_webengine_library_is_the_same_kind_of_message(tmp_path, env):
    proc = _start(
        env, QT_QPA_PLATFORM="offscreen", LD_LIBRARY_PATH=_unusable(tmp_path, "libnss3.so")
    )
    assert proc.returncode == 2, proc.stderr
    assert "libnss3.so cannot be loaded" in proc.stderr
    assert "sudo apt-get install libnss3\n" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_start_after_a_missing_library_does_not_report_a_crash(tmp_path, env):
    failed = _start(
        env,
        QT_QPA_PLATFORM="xcb",
        DISPLAY=":99",
        LD_LIBRARY_PATH=_unusable(tmp_path, "libxcb-cursor.so.0"),
    )
    assert failed.returncode != 0, failed.stderr

    # The library is back: the window opens, and says nothing of a crash.
    window_env = {k: v for k, v in env.items() if k != "LD_LIBRARY_PATH"}
    window_env["QT_QPA_PLATFORM"] = "offscreen"
    run = open_window_and_interrupt(window_env)
    assert "previous run crashed" not in run.output
    assert run.returncode == 0, run.output
    assert not (Path(env["INSPECTOR_HOME"]) / "log" / CRASH_FILE_NAME).exists()
    assert _crash_reports(Path(env["INSPECTOR_HOME"])) == []


def test_an_x_display_that_does_not_answer_is_a_message_not_an_abort(env):
    number = next(n for n in range(140, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    proc = _start(env, QT_QPA_PLATFORM="xcb", DISPLAY=f":{number}")
    assert proc.returncode == 2, proc.stderr  # Qt's "could not connect to display" aborts
    assert f"the X display :{number} (DISPLAY) does not answer" in proc.stderr
    assert "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr
    assert _crash_reports(Path(env["INSPECTOR_HOME"])) == []

"""A hard crash leaves a report that the next start finds; the log file rotates and redacts."""

import logging
import subprocess
import sys
import textwrap

import pytest

from inspector.runtime.crash import CRASH_FILE_NAME, CrashLog
from inspector.runtime.log import LOG_FILE_NAME, add_file_handler

CRASHING_RUN = textwrap.dedent(
    """
    import faulthandler, sys
    from pathlib import Path
    from inspector.runtime.crash import CrashLog
    CrashLog(Path(sys.argv[1])).start()
    faulthandler._sigsegv()
    """
)


def crash_a_process(log_dir):
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_RUN, str(log_dir)], capture_output=True, text=True
    )
    assert proc.returncode != 0
    return proc


def test_a_segfault_is_written_to_the_crash_file(tmp_path):
    crash_a_process(tmp_path)
    text = (tmp_path / CRASH_FILE_NAME).read_text()
    assert "Fatal Python error: Segmentation fault" in text


def test_next_start_reports_the_crash_and_keeps_the_file(tmp_path):
    crash_a_process(tmp_path)
    guard = CrashLog(tmp_path)
    previous = guard.start()
    try:
        assert previous is not None
        assert previous.path.exists() and previous.path.name.startswith("crash-")
        assert "Segmentation fault" in previous.excerpt
        assert "Segmentation fault" in previous.path.read_text()
        # The fresh crash file for this run starts empty.
        assert (tmp_path / CRASH_FILE_NAME).read_text() == ""
    finally:
        guard.stop()
    # Reported once: the start after that finds nothing.
    again = CrashLog(tmp_path)
    assert again.start() is None
    again.stop()


def test_two_crashes_keep_two_reports(tmp_path):
    for _ in range(2):
        crash_a_process(tmp_path)
        guard = CrashLog(tmp_path)
        assert guard.start() is not None
        guard.stop()
    assert len(list(tmp_path.glob("crash-*.log"))) == 2


def test_a_clean_exit_leaves_no_crash_file(tmp_path):
    guard = CrashLog(tmp_path)
    assert guard.start() is None
    assert (tmp_path / CRASH_FILE_NAME).exists()
    guard.stop()
    assert not (tmp_path / CRASH_FILE_NAME).exists()
    assert CrashLog(tmp_path).start() is None


@pytest.fixture
def clean_root_logger():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield root
    for handler in root.handlers:
        if handler not in saved[0]:
            handler.close()
    root.handlers[:], root.level = saved


def test_log_file_gets_debug_while_console_stays_quiet(tmp_path, clean_root_logger):
    from inspector.runtime.log import setup_logging

    console = tmp_path / "console.txt"
    with console.open("w") as stream:
        setup_logging(logging.WARNING, stream)
        path = add_file_handler(tmp_path / "log")
        logging.getLogger("inspector.test").debug("detail for the file")
        logging.getLogger("inspector.test").warning("for both")
        for handler in clean_root_logger.handlers:
            handler.flush()
    assert path == tmp_path / "log" / LOG_FILE_NAME
    text = path.read_text()
    assert "detail for the file" in text and "for both" in text
    assert "for both" in console.read_text()
    assert "detail for the file" not in console.read_text()


def test_log_file_redacts_secrets(tmp_path, clean_root_logger):
    clean_root_logger.handlers[:] = []
    path = add_file_handler(tmp_path)
    logging.getLogger("inspector.genesys").info(
        "token reply %s", '{"access_token": "eyJhbGciOiJSUzI1NiJ9.secretpart"}'
    )
    for handler in clean_root_logger.handlers:
        handler.flush()
    text = path.read_text()
    assert "secretpart" not in text
    assert '"access_token": "[redacted]' in text


def test_log_file_rotates(tmp_path, clean_root_logger):
    clean_root_logger.handlers[:] = []
    add_file_handler(tmp_path, max_bytes=2_000, backups=2)
    for i in range(200):
        logging.getLogger("inspector.test").info("line %03d %s", i, "x" * 40)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [LOG_FILE_NAME, f"{LOG_FILE_NAME}.1", f"{LOG_FILE_NAME}.2"]
    assert "line 199" in (tmp_path / LOG_FILE_NAME).read_text()

"""Ctrl-C on `inspector verify` and `inspector run`: one "Cancelled" line, exit 130, no traceback,
and the clean-ups (guest socket, clients, sandbox) still run."""

import json
import signal
import subprocess
import sys
import time

INSPECTOR = [sys.executable, "-m", "inspector"]


def interrupt_when(env, args, marker, *, deadline=60):
    """Start `inspector --debug ARGS`, send SIGINT once stderr shows `marker`; (proc, out, err)."""
    proc = subprocess.Popen(
        [*INSPECTOR, "--debug", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    seen = []
    started = time.monotonic()
    try:
        for line in proc.stderr:
            seen.append(line)
            if marker in line:
                break
            assert time.monotonic() - started < deadline, "".join(seen)
        else:
            raise AssertionError("ended before it was interrupted:\n" + "".join(seen))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    return proc, out, "".join(seen) + err


def test_ctrl_c_during_verify_is_cancelled_with_json(env):
    args = ["verify", "--crm-id", "C-1", "--sandbox-fault", "slow", "--timeout", "20", "--json"]
    proc, out, err = interrupt_when(env, args, "guest -> onMessage")
    assert proc.returncode == 130, err
    assert err.rstrip().splitlines()[-1] == "inspector verify: Cancelled"
    assert "Traceback" not in err and "ERROR" not in err, err
    assert "sandbox org on port" in err and "stopped" in err  # the sandbox was shut down
    body = json.loads(out)
    assert body["verdict"] == "error" and body["error"] == "Cancelled"
    assert body["cancelled"] is True and body["usage"] is False
    assert {"rows", "steps", "diagnoses", "conversationId"} <= set(body)


def test_ctrl_c_during_verify_without_json_prints_only_the_line(env):
    args = ["verify", "--crm-id", "C-1", "--sandbox-fault", "slow", "--timeout", "20"]
    proc, out, err = interrupt_when(env, args, "guest -> onMessage")
    assert proc.returncode == 130, err
    assert out == ""
    assert err.rstrip().splitlines()[-1] == "inspector verify: Cancelled"
    assert "Traceback" not in err


def test_ctrl_c_during_run_is_cancelled_and_writes_no_report(env, tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "0-quick.yaml").write_text("name: quick\ncrmId: C-0\n")
    for i in (1, 2, 3):
        (suite / f"{i}-slow.yaml").write_text(f"name: slow {i}\ncrmId: C-{i}\nfaults: [slow]\n")
    reports = [tmp_path / "out.json", tmp_path / "out.xml", tmp_path / "out.html"]
    args = [
        "run", str(suite), "--concurrency", "1",
        "--json", str(reports[0]), "--junit", str(reports[1]), "--html", str(reports[2]),
    ]  # fmt: skip
    proc, out, err = interrupt_when(env, args, "[1/4]")
    assert proc.returncode == 130, err
    assert err.rstrip().splitlines()[-1] == "inspector run: Cancelled"
    assert "Traceback" not in err and "ERROR" not in err, err
    assert "stopped" in err  # the sandbox orgs were shut down
    assert out == ""  # no summary of a suite that did not finish
    assert not any(path.exists() for path in reports)
    listed = subprocess.run(
        [*INSPECTOR, "history"], capture_output=True, text=True, env=env, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    assert "quick" in listed.stdout  # what finished is kept

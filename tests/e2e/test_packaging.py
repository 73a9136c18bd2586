"""The self-test as a process, the icons and installer inputs the packaging scripts produce."""

import importlib.util
import os
import plistlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"

SELF_TEST = (
    "import sys; from inspector.commands.self_test import run_self_test; "
    "sys.exit(run_self_test({}))"
)


def run_self_test(tmp_path, args=""):
    env = dict(os.environ, INSPECTOR_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-c", SELF_TEST.format(args)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_self_test_passes_and_reports_versions_and_steps(tmp_path):
    proc = run_self_test(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Verdict: PASS" in out
    assert re.search(r"QtWebEngine 6\.\d+\.\d+ \(Chromium \d+\.", out)
    assert "Keyring backend: keyring.backends." in out
    for step in ("connect", "send", "resolve", "read"):
        assert re.search(rf"^  {step}\s+\d+ ms$", out, re.M), step
    assert "crmCustomerId = CRM-12345-XYZ [match]" in out
    assert "Result shown in the window: yes" in out
    assert out.rstrip().endswith("Self-test passed")
    assert (tmp_path / "log" / "self-test.txt").read_text() == out


def test_self_test_exits_1_when_the_verification_fails(tmp_path):
    proc = run_self_test(tmp_path, "faults=['lowercase-keys']")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Verdict: FAIL" in proc.stdout
    assert "[case-mismatch]" in proc.stdout
    assert proc.stdout.rstrip().endswith("Self-test FAILED")
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def build_module():
    spec = importlib.util.spec_from_file_location("inspector_build", PACKAGING / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_icons_render_to_multi_size_ico_and_icns(qapp, tmp_path, build_module):
    from PySide6.QtGui import QImageReader

    icons = build_module.render_icons(tmp_path)
    ico = QImageReader(str(icons["ico"]))
    sizes = []
    for _ in range(ico.imageCount()):
        sizes.append(ico.read().width())
        ico.jumpToNextImage()
    assert sorted(sizes) == [16, 32, 48, 64, 128, 256]
    icns = QImageReader(str(icons["icns"]))
    assert icns.imageCount() == 8
    image = QImageReader(str(icons["png"])).read()
    assert image.width() == 256
    # Drawn, not blank: the corner is transparent and the middle is opaque.
    assert image.pixelColor(2, 2).alpha() == 0
    assert image.pixelColor(128, 128).alpha() == 255


def test_build_version_is_the_package_metadata(build_module):
    import inspector

    assert build_module.app_version() == inspector.__version__


def test_inno_setup_script_installs_per_user_and_takes_the_version_from_outside():
    iss = (PACKAGING / "windows" / "inspector.iss").read_text()
    setup = dict(
        line.split("=", 1)
        for line in iss.split("[Setup]")[1].split("\n[")[0].splitlines()
        if "=" in line and not line.lstrip().startswith((";", "#"))
    )
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert "#error" in iss.split("#ifndef AppVersion")[1].split("#endif")[0]
    assert '"{autoprograms}\\{#AppName}"' in iss  # Start-menu entry
    # Signing only inside #ifdef Sign.
    unsigned = re.sub(r"#ifdef Sign.*?#(else|endif)", "", iss, flags=re.S)
    assert "SignTool=" not in unsigned and "ignoreversion sign" not in unsigned
    assert "SignTool=signtool" in iss and "ignoreversion sign" in iss
    # User data is deleted only after asking, never on a silent uninstall.
    assert "not UninstallSilent()" in iss and "MB_DEFBUTTON2" in iss


def test_macos_entitlements_are_the_three_webengine_needs():
    with (PACKAGING / "macos" / "entitlements.plist").open("rb") as f:
        entitlements = plistlib.load(f)
    assert entitlements == {
        "com.apple.security.cs.allow-jit": True,
        "com.apple.security.cs.allow-unsigned-executable-memory": True,
        "com.apple.security.cs.disable-library-validation": True,
    }


def test_macos_info_plist_is_high_dpi_with_a_bundle_id():
    with (PACKAGING / "macos" / "Info.plist").open("rb") as f:
        info = plistlib.load(f)
    assert re.fullmatch(r"[a-z]+(\.[a-z0-9-]+)+", info["CFBundleIdentifier"])
    assert info["NSHighResolutionCapable"] is True
    assert info["CFBundleIconFile"] == "inspector.icns"

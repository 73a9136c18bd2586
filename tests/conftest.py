"""Test-wide environment: Qt offscreen, a throwaway home, Chromium's sandbox off as root."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings, history and logs of every test (and of the subprocesses they start) go to a
# throwaway folder, never to the real user folders.
os.environ.setdefault("INSPECTOR_HOME", tempfile.mkdtemp(prefix="inspector-tests-"))
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start as root with its sandbox (DESIGN.md, measured).
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

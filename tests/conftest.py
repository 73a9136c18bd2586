"""Test-wide environment: Qt offscreen, and Chromium's sandbox off only when running as root."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start as root with its sandbox (DESIGN.md, measured).
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

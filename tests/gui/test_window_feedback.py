"""What the window tells a user between and during runs: faults on, time, differing letters."""

import re

from PySide6.QtCore import Qt

from inspector.sandbox import FAULTS

RUN_TIMEOUT_MS = 40_000


def test_a_badge_names_the_sandbox_faults_while_any_is_on(qtbot, window, sandbox):
    badge = window.faults_badge
    assert not badge.isVisible()
    window.fault_actions["slow"].setChecked(True)
    window.fault_actions["lowercase-keys"].setChecked(True)
    assert badge.isVisible()
    assert badge.text() == "⚠ Sandbox faults: lowercase-keys, slow"
    # it stays: nothing fades it
    qtbot.wait(300)
    assert badge.isVisible() and badge in window.statusBar().findChildren(type(badge))
    tip = badge.toolTip()
    assert f"lowercase-keys: {FAULTS['lowercase-keys']}" in tip
    assert f"slow: {FAULTS['slow']}" in tip
    # amber on a light background: a warning, not an error nor decoration
    assert "#fff4d6" in badge.styleSheet()

    window.fault_actions["slow"].setChecked(False)
    window.fault_actions["lowercase-keys"].setChecked(False)
    assert not badge.isVisible()


def test_the_badge_follows_a_scenarios_faults_and_the_org(qtbot, window, sandbox):
    badge = window.faults_badge
    window.set_faults(frozenset({"drop-attributes"}))
    assert badge.isVisible() and badge.text() == "⚠ Sandbox faults: drop-attributes"
    assert window.fault_actions["drop-attributes"].isChecked()
    window.set_faults(frozenset())
    assert not badge.isVisible()

    window.set_faults(frozenset({"slow"}))
    # another org: the sandbox's faults do not apply to it, so no badge
    window.set_org(window.org, is_sandbox=False)
    assert not badge.isVisible() and not window.faults_menu.isEnabled()
    window.set_org(window.org, is_sandbox=True)
    assert badge.isVisible() and badge.text() == "⚠ Sandbox faults: slow"
    window.set_faults(frozenset())


def test_run_all_ends_with_a_lasting_pass_fail_summary(qtbot, aio, window, tmp_path):
    from inspector.runner import RateLimiter
    from inspector.store.history import HistoryStore
    from inspector.ui.scenarios_panel import attach_scenarios

    (tmp_path / "a.yaml").write_text("name: Plain\ncrmId: CRM-A-1\n")
    (tmp_path / "b.yaml").write_text("name: Also plain\ncrmId: CRM-B-2\n")
    (tmp_path / "c.yaml").write_text(
        "name: Re-keyed by the flow\ncrmId: CRM-C-3\nsandboxFaults: [lowercase-keys]\n"
    )
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        sidebar = attach_scenarios(window, history=store).sidebar
        sidebar.limiter = RateLimiter(6000)
        aio.run(sidebar.open_folder(tmp_path))
        assert not sidebar.summary.isVisible()
        qtbot.mouseClick(sidebar.run_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: sidebar.task is not None and sidebar.task.done(), timeout=90_000)
        text = sidebar.summary.text()
        assert re.fullmatch(
            r"Run all: 2 passed, 1 failed, 0 errors \(3 scenarios, \d+\.\d s\)", text
        ), text
        assert sidebar.summary.isVisible()
        # red, as a failed scenario's dot
        assert "#cf222e" in sidebar.summary.styleSheet()
        # the tooltip says which one failed and why
        tip = sidebar.summary.toolTip()
        assert tip.startswith("FAIL: Re-keyed by the flow — "), tip
        assert "\n" not in tip
        # a status message that fades later does not take it away
        window.statusBar().showMessage("something else", 100)
        sidebar.load_into_form(sidebar.scenarios()[0])
        qtbot.wait(300)
        assert sidebar.summary.text() == text and sidebar.summary.isVisible()

        # a single Run says so, and all green when it passed
        sidebar.list.setCurrentRow(0)
        qtbot.mouseClick(sidebar.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: sidebar.task is not None and sidebar.task.done(), timeout=60_000)
        text = sidebar.summary.text()
        assert re.fullmatch(r"Run: 1 passed, 0 failed, 0 errors \(1 scenario, \d+\.\d s\)", text)
        assert "#1a7f37" in sidebar.summary.styleSheet()
        assert sidebar.summary.toolTip() == "Every scenario passed."
    finally:
        store.close()

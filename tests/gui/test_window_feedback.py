"""What the window tells a user between and during runs: faults on, time, differing letters."""

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

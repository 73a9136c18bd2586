"""What the window tells a user between and during runs: faults on, time, differing letters."""

import re

from PySide6.QtCore import Qt

from inspector.sandbox import FAULTS
from inspector.ui.sandbox_badge import BADGE_BACKGROUND

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
    # drawn on amber, as a warning: the padding left of the text shows the background
    image = badge.grab().toImage()
    assert image.pixelColor(3, badge.height() // 2).name() == BADGE_BACKGROUND

    window.fault_actions["slow"].setChecked(False)
    window.fault_actions["lowercase-keys"].setChecked(False)
    assert not badge.isVisible()


def test_the_badge_follows_a_scenarios_faults_and_the_org(qtbot, window, sandbox):
    badge = window.faults_badge
    window.fault_actions["lowercase-keys"].setChecked(True)
    assert window.statusBar().currentMessage().endswith("lowercase-keys")
    window.set_faults(frozenset({"drop-attributes"}))
    # the menu's fading message no longer says what is on: it goes
    assert window.statusBar().currentMessage() == ""
    assert not window.fault_actions["lowercase-keys"].isChecked()
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
    from inspector.orgs.budget import RateLimiter
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
        window.org.limiter = RateLimiter(6000)
        aio.run(sidebar.open_folder(tmp_path))
        assert not sidebar.summary.isVisible()
        qtbot.mouseClick(sidebar.run_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: sidebar.task is not None and sidebar.task.done(), timeout=90_000)
        text = sidebar.summary.text()
        assert re.fullmatch(
            r"Run all: 2 passed, 1 failed, 0 errors \(3 scenarios, \d+\.\d s\)", text
        ), text
        assert sidebar.summary.isVisible() and sidebar.status.text() == ""
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


def _read_step(window):
    item = window.progress._items.get("read")
    return None if item is None or not item.text(0).startswith("…") else item


def test_a_running_step_counts_up_against_the_timeout(qtbot, window):
    from inspector.core import VerificationRequest

    window.set_faults(frozenset({"drop-attributes"}))
    window.start(VerificationRequest(crm_id="CRM-SLOW-1", timeout=3.0))
    qtbot.waitUntil(lambda: _read_step(window) is not None, timeout=RUN_TIMEOUT_MS)
    item = _read_step(window)
    pattern = re.compile(r"(\d+\.\d) s of 3 s")
    seen = []

    def counted_up() -> bool:
        match = pattern.fullmatch(item.text(2))
        assert match, item.text(2)
        if not seen or seen[-1] != match.group(1):
            seen.append(match.group(1))
        return len(seen) >= 3

    qtbot.waitUntil(counted_up, timeout=3000)
    assert [float(s) for s in seen] == sorted(float(s) for s in seen)
    assert window.progress.ticking
    # the banner says what is under way now, not the page's last word ("waiting for the echo")
    assert window.banner.title.text() == "Reading the customer participant's attributes…"
    assert "of its 3 s timeout" in item.toolTip(2)
    # the step ends at the timeout: the counter stops and the step shows its milliseconds
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    assert not window.progress.ticking
    assert re.fullmatch(r"\d+ ms", item.text(2)), item.text(2)
    window.set_faults(frozenset())


def test_cancel_stops_the_counter(qtbot, window):
    from inspector.core import VerificationRequest

    window.set_faults(frozenset({"drop-attributes"}))
    window.start(VerificationRequest(crm_id="CRM-SLOW-2", timeout=20.0))
    qtbot.waitUntil(lambda: _read_step(window) is not None, timeout=RUN_TIMEOUT_MS)
    item = _read_step(window)
    assert re.fullmatch(r"\d+\.\d s of 20 s", item.text(2)), item.text(2)
    qtbot.mouseClick(window.form.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.tasks.get("verification") is None, timeout=15_000)
    assert not window.progress.ticking
    frozen = item.text(2)
    qtbot.wait(500)
    assert item.text(2) == frozen
    window.set_faults(frozenset())


def _pixels(image, rect):
    return {
        image.pixelColor(x, y).name()
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    }


def test_a_case_mismatch_shows_which_letters_differ(qtbot, window):
    from inspector.ui.results_delegate import HIGHLIGHT
    from inspector.ui.results_model import CASE_SPANS_ROLE

    window.fault_actions["lowercase-keys"].setChecked(True)
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    window.fault_actions["lowercase-keys"].setChecked(False)
    model = window.model
    received = model.index(0, 2)
    assert received.data() == "crmCustomerid = CRM-12345-XYZ"
    # the 12th letter of each spelling, and nothing in the matching row
    assert received.data(CASE_SPANS_ROLE) == [(11, 1)]
    assert model.index(0, 0).data(CASE_SPANS_ROLE) == [(11, 1)]
    assert model.index(1, 2).data(CASE_SPANS_ROLE) == []
    tip = received.data(Qt.ItemDataRole.ToolTipRole)
    assert "letter 12: sent 'I', received 'i'" in tip, tip
    assert "letter 12: sent 'I', received 'i'" in model.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole
    )

    # what the user sees: the amber mark on that row's key cells, nowhere else
    window.table.clearSelection()
    window.table.setCurrentIndex(model.index(-1, -1))
    image = window.table.viewport().grab().toImage()
    assert HIGHLIGHT in _pixels(image, window.table.visualRect(received))
    assert HIGHLIGHT in _pixels(image, window.table.visualRect(model.index(0, 0)))
    assert HIGHLIGHT not in _pixels(image, window.table.visualRect(model.index(0, 1)))
    assert HIGHLIGHT not in _pixels(image, window.table.visualRect(model.index(1, 2)))
    # and the received key is still shown whole, not cut by the bolder letter
    rect = window.table.visualRect(received)
    fm = window.table.fontMetrics()
    assert rect.width() > fm.horizontalAdvance("crmCustomerid = ")


def test_a_forced_preflight_is_marked_and_says_how_many_checks_failed(qtbot, window):
    window.set_faults(frozenset({"deployment-inactive"}))
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    assert window.force_button.isVisible()
    window.result = None
    qtbot.mouseClick(window.force_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    window.set_faults(frozenset())
    first = window.progress.step_texts()[0]
    assert re.fullmatch(
        r"⚠  Check the deployment \| 1 of \d+ checks failed; started anyway \| \d+ ms", first
    ), first
    item = window.progress.topLevelItem(0)
    # amber, as a warning: not the green of a clean pass
    assert item.foreground(0).color().name() == "#9a6700"


def test_a_long_step_detail_keeps_its_end_in_view(qtbot, window):
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    progress = window.progress
    item = progress._items["resolve"]
    detail = item.text(1)
    assert detail.endswith("(via message details)")
    assert item.toolTip(1) == detail
    # narrow enough that the detail does not fit: what is painted keeps the ending
    window.resize(1000, window.height())
    qtbot.waitUntil(
        lambda: progress.columnWidth(1) < progress.fontMetrics().horizontalAdvance(detail)
    )
    shown = progress.fontMetrics().elidedText(
        detail, progress.textElideMode(), progress.columnWidth(1) - 8
    )
    assert shown != detail and shown.endswith("(via message details)"), shown


def test_an_empty_profile_is_told_what_to_fill_in_in_words(qtbot, aio, sandbox, tmp_path):
    from inspector.runtime.tasks import TaskRegistry
    from inspector.store.profiles import ProfileStore
    from inspector.store.secrets import SecretStore
    from inspector.ui.profile_dialog import ProfileDialog
    from tests.memory_keyring import MemoryKeyring

    store = ProfileStore(tmp_path / "profiles.json")
    from inspector.orgs.window_orgs import WindowOrgs

    secrets = SecretStore(backend=MemoryKeyring())
    dialog = ProfileDialog(store, secrets, TaskRegistry(), orgs=WindowOrgs(sandbox, secrets))
    qtbot.addWidget(dialog)
    dialog.set_profiles([])
    dialog.show()

    def test_says() -> str:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.text() not in ("", "Testing…"))
        text = dialog.message.text()
        dialog.message.clear()
        return text

    assert test_says() == "Give the profile a name."
    assert "#b3261e" in dialog.message.styleSheet()  # red: it is what stops the test
    dialog.name.setText("Local org")
    assert test_says().startswith("Enter the OAuth client id")
    dialog.client_id.setText("abc")
    dialog.region.setCurrentIndex(dialog.region.findData("custom"))
    assert test_says().startswith("Enter the org's base URL")
    dialog.base_url.setText("not a url")
    said = test_says()
    assert said.startswith("Base URL: ") and "profile." not in said, said
    dialog.close()


def test_a_deployment_rows_problem_names_the_row_and_column():
    from inspector.store.profiles import DeploymentProfile, OrgProfile, ProfileError
    from inspector.ui.profile_dialog import form_problem

    def problem(*deployments):
        try:
            OrgProfile.create("Org", client_id="c", environment="prod", deployments=deployments)
        except ProfileError as exc:
            return form_problem(exc)
        raise AssertionError("accepted")

    ok = DeploymentProfile("d-1", "Shop")
    assert problem(ok, DeploymentProfile(" ", "")) == "Enter the deployment id of deployment 2."
    said = problem(DeploymentProfile("d-2", "", "https://x.test/path"))
    assert said.startswith("Deployment 1, origin: 'https://x.test/path' is not an origin"), said


def test_a_fix_leads_with_the_admins_action_and_greys_the_developers_line(qtbot, window):
    from inspector.core import VerificationRequest
    from inspector.ui.diagnoses_view import DEVELOPER_COLOUR

    window.set_faults(frozenset({"drop-attributes"}))
    window.start(VerificationRequest(crm_id="CRM-GONE-1", timeout=2.0))
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    window.set_faults(frozenset())
    [missing] = [d for d in window.result.diagnoses if d.code == "attributes-missing"]
    details = window.banner.details.text()
    assert "<i>Fix:</i> Have the website set it before the chat&#x27;s first message" in details
    grey = f"<span style='color:{DEVELOPER_COLOUR}'>For the developer: call Database.set"
    assert grey in details
    # the same text, whole, as --json and the reports give it
    assert missing.fix.startswith("Have the website set it")
    assert "For the developer: call Database.set" in missing.fix
    # and what the user reads in the view: the plain action comes before the technical line
    shown = window.banner.details.toPlainText()
    assert shown.index("Have the website set it") < shown.index("message.channel.metadata")


def test_faults_on_at_start_show_the_badge_at_once(qtbot, window, sandbox):
    from inspector.runtime.tasks import TaskRegistry
    from inspector.ui.main_window import MainWindow

    sandbox.set_faults(frozenset({"rate-limit"}))
    try:
        other = MainWindow(window.org, TaskRegistry(), sandbox=sandbox, fault_descriptions=FAULTS)
        qtbot.addWidget(other)
        other.show()
        assert other.faults_badge.isVisible()
        assert other.faults_badge.text() == "⚠ Sandbox faults: rate-limit"
        assert other.fault_actions["rate-limit"].isChecked()
        other.close()
    finally:
        sandbox.set_faults(frozenset())


def test_a_shown_result_stays_in_view_when_the_column_gets_shorter(qtbot, aio):
    """A dock opened under a result shortens the column: the verdict stays in view."""
    from inspector.core import VerificationResult, diagnose_rows, diff_attributes, verdict_for_rows
    from inspector.runtime.tasks import TaskRegistry
    from inspector.ui.main_window import MainWindow

    tasks = TaskRegistry()
    window = MainWindow(None, tasks)
    qtbot.addWidget(window)
    window.resize(1300, 740)
    window.show()
    qtbot.waitExposed(window)
    sent = {f"key{i}": f"value{i}" for i in range(12)}
    rows = diff_attributes(sent, {k.upper(): v for k, v in sent.items()})
    result = VerificationResult(
        verdict_for_rows(rows), "summary", sent, rows, diagnoses=tuple(diagnose_rows(rows, sent))
    )
    assert window.show_finished_run(result, scenario="many keys", chat="not kept")
    bar = window.right_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    bar.setValue(0)  # the admin scrolled up to the form
    window.resize(1300, 560)  # the column gets shorter, as under a dock that opened

    def result_in_view() -> bool:
        return bar.value() == min(bar.maximum(), window.result_box.y()) and bar.value() > 0

    qtbot.waitUntil(result_in_view)
    window.close()
    aio.run(tasks.cancel_all())

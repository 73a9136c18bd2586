"""An afternoon at the window: thirty runs in a row, as an admin makes them.

The window is wired as the app wires it (scenarios and history docks, the first-start panel,
the org bar, the saved layout) on a 1366×768 screen (conftest). Form runs are started with
Ctrl+Enter; between them come a Run all, a scenario clicked in the sidebar, a run opened from
the history, deployment and org switches, a refusal and a forced start. After every run the
window must still fit the screen, keep its layout, and show only that run: its verdict, rows,
steps, conversation and chat, and Start anyway only after a refusal.
"""

import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QWidget,
)

from inspector.app import sandbox_connection
from inspector.core import VerificationResult
from inspector.orgs.window_orgs import WindowOrgs
from inspector.runtime.tasks import TaskRegistry
from inspector.sandbox import (
    FAULTS,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_HEADLESS_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
)
from inspector.store.history import HistoryStore
from inspector.store.profiles import ProfileStore
from inspector.store.secrets import SecretStore
from tests.memory_keyring import MemoryKeyring

RUN_TIMEOUT_MS = 40_000
EXAMPLES = Path(__file__).parents[2] / "examples"
SUITE = ("01-plain-crm-id.yaml", "08-deliberately-failing.yaml", "09-long-crm-id.yaml")
# A 1366×768 laptop less a 40-pixel taskbar: what the window and its minimum must fit in.
SCREEN = QSize(1366, 768)
AVAILABLE = QSize(1366, 728)
WORD = {"pass": "PASS", "fail": "FAIL", "error": "ERROR"}


def inside(outer: QWidget, widget: QWidget, within: QWidget) -> bool:
    """`widget`'s whole rectangle lies in `outer`'s, in `within`'s coordinates."""
    box = widget.rect().translated(widget.mapTo(within, widget.rect().topLeft()))
    room = outer.rect().translated(outer.mapTo(within, outer.rect().topLeft()))
    return room.contains(box)


def reachable(window: QWidget, widget: QWidget) -> bool:
    """On screen, or in a scroll area's content that the area can scroll into view."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is None:
        return inside(window, widget, window)
    content = area.widget()
    scrolls = content.height() <= area.viewport().height() or area.verticalScrollBar().isVisible()
    return inside(content, widget, content) and inside(window, area, window) and scrolls


class Afternoon:
    """The window as app.py builds it, and what each run must leave on it."""

    def __init__(self, qtbot, aio, window, panel, orgs, sandbox, tmp_path):
        self.qtbot, self.aio, self.window = qtbot, aio, window
        self.panel, self.orgs, self.sandbox, self.tmp_path = panel, orgs, sandbox, tmp_path
        self.runs = 0
        self.conversations: list[str] = []  # every conversation shown so far
        self.layout: dict[str, object] | None = None

    # -- driving ---------------------------------------------------------------------------

    def activate(self):
        self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window)

    def idle(self):
        self.qtbot.waitUntil(
            lambda: (
                self.window.tasks.get("verification") is None
                and self.window.tasks.get("scenarios") is None
                and self.window.tasks.get("org-switch") is None
            ),
            timeout=RUN_TIMEOUT_MS,
        )

    def ctrl_enter(self, crm_id: str) -> VerificationResult:
        """A form run as the keyboard starts it."""
        self.idle()
        self.activate()
        self.window.form.crm_id.setText(crm_id)
        self.window.result = None
        self.qtbot.keyClick(
            self.window.form.crm_id, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        return self.finished()

    def finished(self) -> VerificationResult:
        self.qtbot.waitUntil(lambda: self.window.result is not None, timeout=RUN_TIMEOUT_MS)
        self.idle()
        self.runs += 1
        return self.window.result

    def switch(self, profile: str, deployment: str):
        self.idle()
        self.orgs.bar.select(profile, deployment)
        self.qtbot.waitUntil(
            lambda: (
                self.window.org.deployment_id == deployment
                and self.window.org.label.startswith(
                    "Sandbox org" if profile == "sandbox" else profile
                )
            ),
            timeout=10_000,
        )
        self.idle()

    # -- checking --------------------------------------------------------------------------

    def check_fits(self):
        window = self.window
        # What the user sees: the layout requests of the last change done, as before a paint.
        QApplication.processEvents()
        docks = [window.findChild(QDockWidget, n) for n in ("scenarios-dock", "history-dock")]
        assert all(d.isVisible() for d in docks), "both docks stay open all afternoon"
        frame, hint = window.frameGeometry().size(), window.minimumSizeHint()
        assert frame.width() <= SCREEN.width() and frame.height() <= SCREEN.height(), frame
        assert window.width() <= AVAILABLE.width() and window.height() <= AVAILABLE.height()
        assert hint.width() <= AVAILABLE.width() and hint.height() <= AVAILABLE.height(), hint
        # Nothing cut off: each button is in the window, or in a scroll area that is in the
        # window and scrolls to it.
        for button in (window.raw_button, window.sent_button, window.form.start_button):
            assert reachable(window, button), button.text()
        add = next(b for b in window.form.findChildren(QPushButton) if b.text() == "Add attribute")
        table = window.form.table
        assert (
            add.mapTo(window, add.rect().topLeft()).y()
            >= table.mapTo(window, table.rect().bottomLeft()).y()
        ), f"Add attribute overlaps the attribute table after run {self.runs}"
        # The layout does not shift from run to run.
        layout = {
            "size": window.size(),
            "split": window.findChild(QSplitter).sizes(),
            "sidebar": docks[0].width(),
            "history": docks[1].height(),
        }
        if self.layout is None:
            self.layout = layout
        assert layout == self.layout

    def check_shows(self, result: VerificationResult, *, chat: str, refused_here: bool = False):
        """Only `result` is on the window. `chat`: "web" (this run's chat), or a text the
        empty chat pane must contain."""
        window = self.window
        assert window.result is result
        title = window.banner.title.text()
        assert title.startswith(WORD[result.verdict.value]) and result.summary in title, title
        model = window.model
        shown = [
            tuple(model.data(model.index(r, c)) for c in range(3)) for r in range(model.rowCount())
        ]
        assert shown == [(r.key_text, r.sent_text, r.received_text) for r in result.rows]
        steps = window.progress.step_texts()
        assert len(steps) == len(result.steps), (steps, result.steps)
        for text, step in zip(steps, result.steps, strict=True):
            assert step.label in text
            assert text.startswith("✖") is (not step.ok), text  # ✔, or ⚠ when forced
        label = window.conversation_label.text()
        earlier = [c for c in self.conversations if c != result.conversation_id]
        assert not any(c in label for c in earlier), label
        if result.conversation_id:
            assert result.conversation_id in label
            self.conversations.append(result.conversation_id)
        else:
            assert "Conversation" not in label
        assert window.force_button.isVisible() is refused_here
        if chat == "web":
            assert window.chat.page is not None
            assert window.last_launcher is not None and window.last_launcher.events
            if result.message_id:
                self.check_chat_has(result.message_id)
        else:
            assert window.chat.page is None
            assert chat in window.chat.placeholder_text()

    def check_chat_has(self, message_id: str):
        """The chat on screen is this run's: its first message is in the page, and it ended."""
        window = self.window
        launcher = window.last_launcher
        ids = [str(d.get("id", "")) for e, d in launcher.events if e == "message"]
        assert message_id in ids, (message_id, ids)
        self.qtbot.waitUntil(lambda: window.chat.ended, timeout=5000)

    def check(self, result: VerificationResult, **kwargs):
        self.check_fits()
        self.check_shows(result, **kwargs)


@pytest.fixture
def afternoon(qtbot, aio, sandbox, tmp_path):
    """The window wired as inspector.app._gui_main wires it, with both docks open."""
    from inspector.store.paths import app_paths
    from inspector.ui.main_window import MainWindow
    from inspector.ui.org_controller import OrgController
    from inspector.ui.scenarios_panel import attach_scenarios
    from inspector.ui.welcome_panel import attach_welcome_panel
    from inspector.ui.window_state import attach_window_state

    paths = app_paths(tmp_path / "home").ensure()
    tasks = TaskRegistry()
    org = sandbox_connection(sandbox)
    window = MainWindow(org, tasks, sandbox=sandbox, fault_descriptions=FAULTS)
    history = HistoryStore(tmp_path / "history.sqlite3")
    panel = attach_scenarios(window, history=history)
    assert attach_welcome_panel(window, paths) is not None  # the first start: tightest
    secrets = SecretStore(backend=MemoryKeyring())
    orgs = OrgController(
        window,
        WindowOrgs(sandbox, secrets),
        store=ProfileStore(tmp_path / "profiles.json"),
        secrets=secrets,
    )
    attach_window_state(window, paths.config)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    aio.run(orgs.load())
    panel.actions["history"].trigger()
    suite = tmp_path / "suite"
    suite.mkdir()
    for name in SUITE:
        shutil.copy(EXAMPLES / name, suite / name)
    aio.run(panel.sidebar.open_folder(suite))
    yield Afternoon(qtbot, aio, window, panel, orgs, sandbox, tmp_path)
    window.close()
    aio.run(tasks.cancel_all())
    aio.run(window.org.aclose())
    history.close()


def add_local_org(day: Afternoon) -> None:
    """A stored profile on the sandbox through the custom-domain path (a second org)."""
    dialog = day.orgs.open_profiles()
    dialog.name.setText("Local org")
    dialog.region.setCurrentIndex(dialog.region.findData("custom"))
    dialog.base_url.setText(day.sandbox.base_url)
    dialog.client_id.setText(SANDBOX_CLIENT_ID)
    dialog.secret.setText(SANDBOX_CLIENT_SECRET)
    dialog.add_deployment_row(SANDBOX_DEPLOYMENT_ID, "Shop", "")
    assert day.aio.run(dialog.save())
    dialog.close()
    # a saved profile becomes the current org
    day.qtbot.waitUntil(lambda: day.window.org.label.startswith("Local org"), timeout=10_000)
    day.idle()


def test_thirty_runs_in_a_row_leave_only_the_current_one_on_a_window_that_fits(afternoon):
    day, window = afternoon, afternoon.window
    sidebar, view = day.panel.sidebar, day.panel.history_view
    started = time.monotonic()

    # the screen the window was given is the laptop one, and it opened to fit it
    assert window.screen().geometry().size() == SCREEN
    day.check_fits()

    for n in range(1, 4):  # runs 1-3
        result = day.ctrl_enter(f"CRM-AFT-{n:02d}")
        assert result.verdict.value == "pass", result.summary
        day.check(result, chat="web")

    # runs 4-6: Run all; after each scenario the window shows that scenario, not the one before
    seen: list[tuple[str, VerificationResult, str, list[str], str, str]] = []

    def snapshot(run):
        model = window.model
        seen.append(
            (
                run.outcome.scenario.name,
                run.outcome.result,
                window.banner.title.text(),
                [model.data(model.index(r, 0)) for r in range(model.rowCount())],
                window.conversation_label.text(),
                window.chat.placeholder_text() if window.chat.page is None else "(a chat)",
            )
        )

    sidebar.run_finished.connect(snapshot)
    sidebar.run_all()
    day.idle()
    sidebar.run_finished.disconnect(snapshot)
    assert [name for name, *_ in seen] == [
        "Plain CRM id",
        "Deliberately failing (flow re-keys the CRM id)",
        "Long CRM id",
    ]
    for name, result, title, keys, label, chat in seen:
        day.runs += 1
        assert result.summary in title
        assert keys == [r.key for r in result.rows]
        assert f"Scenario “{name}”" in label and result.conversation_id in label
        assert name in chat and "guest API" in chat  # no chat of an earlier run
    day.check(seen[-1][1], chat="guest API")

    # the failed scenario, clicked in the sidebar: its own last run
    failed = sidebar.item_for("Deliberately failing (flow re-keys the CRM id)")
    rect = sidebar.list.visualItemRect(failed)
    day.qtbot.mouseClick(sidebar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.result is seen[1][1] and window.result.verdict.value == "fail"
    day.check(seen[1][1], chat="guest API")
    assert window.raw_button.isEnabled()
    assert window.show_raw_json() is not None  # the raw response is this run's
    assert window.result.raw is seen[1][1].raw

    # a run opened from the history (the first form run, at the bottom of the list)
    day.qtbot.waitUntil(lambda: view.model.rowCount() == 6, timeout=10_000)
    last = view.model.rowCount() - 1
    record = view.model.record_at(last)
    assert record.scenario == "(form) CRM-AFT-01"
    view.table.scrollTo(view.model.index(last, 1))
    where = view.table.visualRect(view.model.index(last, 1)).center()
    # A double click is a press and release, then the double-click press (as QTest needs it).
    day.qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    day.qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.result.conversation_id == record.conversation_id
    day.conversations.remove(record.conversation_id)  # shown again on purpose
    day.check(window.result, chat="from the history")
    assert window.conversation_label.text().startswith("From the history")

    # loading a scenario into the form leaves no result under the new form
    sidebar.load_into_form(sidebar.item_for("Long CRM id").data(Qt.ItemDataRole.UserRole))
    assert window.result is None and window.model.rowCount() == 0
    assert window.progress.step_texts() == [] and window.conversation_label.text() == ""
    assert window.chat.page is None and not window.force_button.isVisible()

    result = day.ctrl_enter(window.form.crm_id.text())  # run 7: the loaded scenario's id
    assert result.verdict.value == "pass", result.summary
    day.check(result, chat="web")

    # a deployment switch takes the last run off the window
    day.switch("sandbox", SANDBOX_HEADLESS_DEPLOYMENT_ID)
    assert window.banner.title.text().startswith("Now on ")
    assert window.model.rowCount() == 0 and window.progress.step_texts() == []
    assert window.chat.page is None and window.conversation_label.text() == ""
    result = day.ctrl_enter("CRM-AFT-HEADLESS")  # run 8
    assert result.verdict.value == "pass", result.summary
    day.check(result, chat="web")

    day.switch("sandbox", SANDBOX_INACTIVE_DEPLOYMENT_ID)
    assert not window.force_button.isVisible() and window.model.rowCount() == 0
    result = day.ctrl_enter("CRM-AFT-REFUSED")  # run 9: refused by the pre-flight checks
    assert result.preflight_refused and result.verdict.value == "error"
    day.check(result, chat="Not started", refused_here=True)

    window.result = None
    day.qtbot.mouseClick(window.force_button, Qt.MouseButton.LeftButton)
    result = day.finished()  # run 10: forced; Messenger loads no product
    assert result.verdict.value == "error" and not result.preflight_refused
    day.check(result, chat="web")

    # a switch away from a refusal takes its Start anyway with it
    result = day.ctrl_enter("CRM-AFT-REFUSED-2")  # run 11
    day.check(result, chat="Not started", refused_here=True)
    day.switch("sandbox", SANDBOX_DEPLOYMENT_ID)
    assert not window.force_button.isVisible() and window.model.rowCount() == 0
    assert window.chat.page is None

    # another org, then back
    add_local_org(day)
    assert window.model.rowCount() == 0 and window.chat.page is None
    for n in range(12, 15):  # runs 12-14
        result = day.ctrl_enter(f"CRM-AFT-{n:02d}")
        assert result.verdict.value == "pass", result.summary
        assert "inspectorRunId" in {r.key for r in result.rows}  # the real-org path
        day.check(result, chat="web")
    day.switch("sandbox", SANDBOX_DEPLOYMENT_ID)
    assert window.org.label.startswith("Sandbox org") and window.model.rowCount() == 0

    # the rest of the afternoon: Ctrl+Enter, run after run, with a fault now and then
    n = 15
    while day.runs < 30:
        fail = n % 4 == 0
        window.fault_actions["lowercase-keys"].setChecked(fail)
        result = day.ctrl_enter(f"CRM-AFT-{n:02d}")
        assert result.verdict.value == ("fail" if fail else "pass"), result.summary
        day.check(result, chat="web")
        n += 1
    window.fault_actions["lowercase-keys"].setChecked(False)

    assert day.runs == 30
    elapsed = time.monotonic() - started
    assert elapsed < 150, f"the afternoon took {elapsed:.0f} s"

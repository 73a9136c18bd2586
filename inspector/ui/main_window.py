"""The window: the chat on the left, what was sent and what arrived on the right."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.core import (
    StepEvent,
    StepState,
    VerificationRequest,
    VerificationResult,
    run_verification,
)
from inspector.tasks import TaskRegistry
from inspector.ui.chat_view import ChatView
from inspector.ui.progress_list import ProgressList
from inspector.ui.raw_json_dialog import RawJsonDialog
from inspector.ui.results_model import ResultsModel
from inspector.ui.run_form import RunForm
from inspector.ui.verdict_banner import VerdictBanner
from inspector.ui.web_launcher import WebLauncher

if TYPE_CHECKING:
    from inspector.org import OrgConnection  # given by app wiring; ui builds no client

__all__ = ["MainWindow"]

log = logging.getLogger("inspector.ui")

_WIDTH, _HEIGHT, _TALL_HEIGHT = 1320, 820, 900


def _default_size(window: QWidget) -> QSize:
    """Taller where the screen has room (1080p and up): every box then shows in full."""
    screen = window.screen()
    room = screen.availableGeometry().height() if screen is not None else 0
    return QSize(_WIDTH, _TALL_HEIGHT if room >= _TALL_HEIGHT + 80 else _HEIGHT)


class FaultSwitch(Protocol):
    """The part of the sandbox org the window uses: its named failure behaviours."""

    @property
    def faults(self) -> frozenset[str]: ...

    def set_faults(self, names: frozenset[str]) -> None: ...


# What the banner says while the chat starts, per event the page posts (bridge.js).
_PAGE_PROGRESS = {
    "opening": "Opening Messenger… (its messaging service loads when it opens)",
    "ready": "Messenger is ready; starting the conversation…",
    "sending": "The first message left the page; waiting for the org's echo…",
}


class MainWindow(QMainWindow):
    """Signals: `closed()` once the user closed the window; `result_shown(result)`.

    The window can show before its org exists (`org=None`, with `starting` naming what is
    being started): a Start pressed meanwhile says what it waits for and runs once `set_org`
    gives the org.
    """

    closed = Signal()
    result_shown = Signal(object)

    def __init__(
        self,
        org: OrgConnection | None,
        tasks: TaskRegistry,
        *,
        sandbox: FaultSwitch | None = None,
        fault_descriptions: dict[str, str] | None = None,
        starting: str = "the sandbox org",
    ) -> None:
        super().__init__()
        self._org = org
        self._org_ready = asyncio.Event()
        if org is not None:
            self._org_ready.set()
        self.starting = starting
        self.tasks = tasks
        self.sandbox = sandbox
        self.result: VerificationResult | None = None
        self.setWindowTitle("Inspector" if org is None else f"Inspector — {org.label}")
        self.resize(_default_size(self))

        self.chat = ChatView(self)
        self.chat.page_event.connect(self._on_page_event)
        self.form = RunForm(self)
        self.form.start_requested.connect(self._on_form_start_requested)
        self.form.cancel_requested.connect(self._on_form_cancel_requested)
        self.progress = ProgressList(self)
        self.banner = VerdictBanner(self)
        self.model = ResultsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.raw_button = QPushButton("View raw response…", self)
        self.raw_button.setToolTip("The Platform API response the received values come from")
        self.raw_button.setEnabled(False)
        self.raw_button.clicked.connect(lambda: self.show_raw_json(self.selected_received_key()))
        self.sent_button = QPushButton("View sent frame…", self)
        self.sent_button.setToolTip(
            "The frame that left the page, as Messenger published it (sendingMessage)"
        )
        self.sent_button.setEnabled(False)
        self.sent_button.clicked.connect(lambda: self.show_sent_json())
        self.force_button = QPushButton("Start anyway", self)
        self.force_button.setToolTip("Start the chat although the pre-flight checks failed")
        self.force_button.hide()
        self.force_button.clicked.connect(self._on_force_clicked)
        self._last_request: VerificationRequest | None = None
        # The chat of the last run, with every event the page posted (for its transcript).
        self.last_launcher: WebLauncher | None = None
        self._chat_running = False
        self.conversation_label = QLabel(self)
        self.conversation_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

        sent_box = QGroupBox("What the website sends", self)
        QVBoxLayout(sent_box).addWidget(self.form)
        progress_box = QGroupBox("Progress", self)
        QVBoxLayout(progress_box).addWidget(self.progress)
        result_box = QGroupBox("What arrived on the conversation", self)
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.banner)
        result_layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.conversation_label, 1)
        footer.addWidget(self.force_button)
        footer.addWidget(self.sent_button)
        footer.addWidget(self.raw_button)
        result_layout.addLayout(footer)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        # Where the org chooser goes (ui.org_controller puts it there).
        self.org_row = QHBoxLayout()
        right_layout.addLayout(self.org_row)
        right_layout.addWidget(sent_box)
        right_layout.addWidget(progress_box)
        right_layout.addWidget(result_box, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.chat)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 800])
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        # Banners across the whole window (the first-start panel) go here.
        self.top_area = QVBoxLayout()
        central_layout.addLayout(self.top_area)
        central_layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._fault_descriptions = fault_descriptions or {}
        self._build_menus()
        if org is None:
            self.org_status.setText(f"Starting {self.starting}…")
        else:
            self._show_org(org)

    @property
    def org(self) -> OrgConnection:
        """The org runs go to; only once it is ready (`org_ready`)."""
        if self._org is None:
            raise RuntimeError(f"{self.starting} is still starting")
        return self._org

    @property
    def org_ready(self) -> bool:
        return self._org is not None

    def set_org(self, org: OrgConnection, *, is_sandbox: bool) -> None:
        """Point the window at another org; sandbox faults apply to the built-in org only."""
        self._org = org
        self.faults_menu.setEnabled(is_sandbox and self.sandbox is not None)
        self._show_org(org)
        self._org_ready.set()

    def set_sandbox(self, sandbox: FaultSwitch) -> None:
        """The built-in org's fault switches, once it runs: the Sandbox faults menu."""
        self.sandbox = sandbox
        self._fill_faults_menu()

    def _show_org(self, org: OrgConnection) -> None:
        org.platform.on_wait = lambda wait: self.show_wait(wait.describe())
        self.setWindowTitle(f"Inspector — {org.label}")
        self.org_status.setText(
            f"{org.label} · deployment {org.deployment_id} · page origin {org.origin}"
        )

    def show_wait(self, text: str) -> None:
        """A rate-limit wait or a retry, shown while it lasts."""
        self.statusBar().showMessage(text, 15_000)

    def _build_menus(self) -> None:
        self.file_menu = file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        run_menu = self.menuBar().addMenu("&Run")
        start = QAction("&Start", self)
        start.setShortcut(QKeySequence("Ctrl+R"))
        start.triggered.connect(self.form.request_start)
        run_menu.addAction(start)
        raw = QAction("View &raw response", self)
        raw.setShortcut(QKeySequence("Ctrl+J"))
        raw.triggered.connect(lambda: self.show_raw_json(self.selected_received_key()))
        run_menu.addAction(raw)
        self.cleanup_action = QAction("&End test chats after each run", self)
        self.cleanup_action.setCheckable(True)
        self.cleanup_action.setChecked(True)
        self.cleanup_action.setToolTip(
            "Disconnect the customer side of the test conversation so it does not wait in a queue"
        )
        run_menu.addAction(self.cleanup_action)
        self.late_set_action = QAction("Set attributes &after the first message", self)
        self.late_set_action.setCheckable(True)
        self.late_set_action.setToolTip(
            "Drive the chat as a website with the classic mistake does: Database.set only "
            "after the first message, so the attributes miss it"
        )
        self.late_set_action.setStatusTip(self.late_set_action.toolTip())
        run_menu.addAction(self.late_set_action)
        self.org_status = QLabel(self)
        self.statusBar().addPermanentWidget(self.org_status)
        self.faults_menu = self.menuBar().addMenu("Sandbox &faults")
        self.fault_actions: dict[str, QAction] = {}
        self._ticking_faults = False
        self._fill_faults_menu()

    def _fill_faults_menu(self) -> None:
        faults_menu = self.faults_menu
        if self.sandbox is None:
            faults_menu.setEnabled(False)
            return
        faults_menu.setEnabled(True)
        for name, description in self._fault_descriptions.items():
            if name in self.fault_actions:
                continue
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(name in self.sandbox.faults)
            action.setToolTip(description)
            action.setStatusTip(description)
            action.toggled.connect(self._on_fault_toggled)
            faults_menu.addAction(action)
            self.fault_actions[name] = action
        faults_menu.setToolTipsVisible(True)

    def set_faults(self, names: frozenset[str]) -> None:
        """Switch the sandbox's faults (a scenario's, say) and tick the same ones in the menu."""
        if self.sandbox is None:
            return
        self.sandbox.set_faults(names)
        self._ticking_faults = True
        try:
            for name, action in self.fault_actions.items():
                action.setChecked(name in names)
        finally:
            self._ticking_faults = False

    def _on_fault_toggled(self, _checked: bool) -> None:
        assert self.sandbox is not None
        if self._ticking_faults:
            return
        chosen = frozenset(n for n, a in self.fault_actions.items() if a.isChecked())
        self.sandbox.set_faults(chosen)
        shown = ", ".join(sorted(chosen)) or "none"
        self.statusBar().showMessage(f"Sandbox faults for the next run: {shown}", 8000)

    def _on_page_event(self, name: str, data: dict[str, Any]) -> None:
        """Say where the chat is while it starts: Messenger's own steps, as it reports them."""
        if not self._chat_running:
            return
        text = _PAGE_PROGRESS.get(name)
        if name == "config":
            ui = "headless" if data.get("headless") else "with its own window"
            text = f"Messenger loaded the deployment's configuration ({ui})…"
        if text:
            self.banner.show_idle(text)

    def _on_form_start_requested(self, request: VerificationRequest) -> None:
        self.start(request)

    def _on_form_cancel_requested(self) -> None:
        self.cancel_run()

    def cancel_run(self) -> bool:
        """Cancel the running verification; its chat closes and the banner says so."""
        task = self.tasks.get("verification")
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def start(self, request: VerificationRequest) -> asyncio.Task[VerificationResult | None]:
        """Run one verification in the chat view; the previous run, if any, is cancelled.

        Before the org is ready the run waits for it, and the banner says so.
        """
        request = dataclasses.replace(request, cleanup=self.cleanup_action.isChecked())
        return self.tasks.spawn("verification", self._run(request))

    def _on_force_clicked(self) -> None:
        if self._last_request is not None:
            self.start(dataclasses.replace(self._last_request, force=True))

    async def _wait_for_org(self) -> OrgConnection:
        if self._org is None:
            waiting = f"Waiting for {self.starting} to start; the run begins once it is ready…"
            self.banner.show_idle(waiting)
            self.statusBar().showMessage(waiting, 15_000)
            log.info("Start pressed while %s starts: the run waits for it", self.starting)
            await self._org_ready.wait()
        return self.org

    async def _run(self, request: VerificationRequest) -> VerificationResult | None:
        self.force_button.hide()
        self.form.set_running(True)
        try:
            org = await self._wait_for_org()
        except asyncio.CancelledError:
            self.form.set_running(False)
            self.banner.show_idle("Cancelled.")
            raise
        # Real orgs may refuse the message-details lookup: tag the run for the search.
        request = org.tagged(request)
        self._last_request = request
        self.progress.clear_steps()
        self.model.set_rows([])
        self.raw_button.setEnabled(False)
        self.sent_button.setEnabled(False)
        self.conversation_label.clear()
        self.banner.show_idle("Running… the chat starts on the left.")
        # Nothing of the previous run stays beside this one, its chat included.
        self.chat.reset("Checking the deployment before the chat starts…")
        launcher = WebLauncher(
            self.chat,
            org.host_page,
            timeout=request.timeout,
            attributes_late=self.late_set_action.isChecked(),
        )
        self.last_launcher = launcher
        self._chat_running = True
        try:
            result = await run_verification(
                request,
                launcher,
                org.reader,
                preflight=org.preflight,
                on_step=self.progress.on_step,
                propagation=org.propagation,
            )
        except asyncio.CancelledError:
            self.banner.show_idle("Cancelled.")
            self.progress.show_cancelled()
            raise
        finally:
            self._chat_running = False
            self.form.set_running(False)
        self.show_result(result)
        # The next chat's page is made, and this one's deleted, once the result is drawn.
        QTimer.singleShot(0, self.chat.prepare_next)
        return result

    @property
    def last_request(self) -> VerificationRequest | None:
        """The request of the last run started in the window, as sent (run id included)."""
        return self._last_request

    def show_result(self, result: VerificationResult, *, scenario: str | None = None) -> None:
        """Show a run's result; `scenario` names where it came from when not from the form."""
        self.result = result
        self.model.set_rows(result.rows)
        self.table.resizeRowsToContents()
        self.banner.show_result(result)
        self.raw_button.setEnabled(result.raw is not None)
        self.sent_button.setEnabled(result.wire is not None)
        self.force_button.setVisible(result.preflight_refused)
        if result.preflight_refused:
            self.chat.reset(
                "Not started: the deployment checks refused this run (the reasons are on the "
                "right). Start anyway forces it."
            )
        origin = [f"Scenario “{scenario}”"] if scenario else []
        if result.conversation_id:
            origin.append(f"Conversation {result.conversation_id}")
        self.conversation_label.setText(" · ".join(origin))
        self.result_shown.emit(result)

    def show_past_run(self, result: VerificationResult, *, scenario: str, started: str) -> bool:
        """A run from the history, as it was: its rows, steps, findings and raw response.

        Refused while a run runs in the window (its result would replace this one).
        """
        if self.form.running:
            self.statusBar().showMessage("A run is running: open the past one when it ended.", 8000)
            return False
        self.progress.clear_steps()
        for step in result.steps:
            state = StepState.DONE if step.ok else StepState.FAILED
            self.progress.on_step(StepEvent(step.name, step.label, state, step.ms, step.detail))
        self.show_result(result, scenario=scenario)
        shown = self.conversation_label.text()
        self.conversation_label.setText(f"From the history, {started} · {shown}")
        self.statusBar().showMessage(f"Showing the run of {scenario} from {started}", 10000)
        return True

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.show_raw_json(self.model.row_at(index.row()).received_key)

    def selected_received_key(self) -> str | None:
        """The key the selected table row arrived under, to find in the raw response."""
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row()).received_key

    def show_raw_json(self, highlight_key: str | None = None) -> RawJsonDialog | None:
        """The raw response behind the table, with the double-clicked row's key selected."""
        if self.result is None or self.result.raw is None:
            return None
        dialog = RawJsonDialog(
            self.result.raw_source or "", self.result.raw, self, highlight_key=highlight_key
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_sent_json(self) -> RawJsonDialog | None:
        """What left the page: the first frame's message, where every "sent" value comes from."""
        if self.result is None or self.result.wire is None:
            return None
        wire = self.result.wire
        dialog = RawJsonDialog(wire.source, wire.message, self)
        dialog.setWindowTitle("Sent frame")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        self.chat.shutdown()
        event.accept()
        self.closed.emit()

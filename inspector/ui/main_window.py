"""The window: the chat on the left, what was sent and what arrived on the right."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QMainWindow,
    QPushButton,
    QScrollArea,
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
)
from inspector.core.org_view import OrgView
from inspector.runtime.lazy import lazy_module
from inspector.runtime.tasks import TaskRegistry
from inspector.ui.chat_view import CHAT_IDLE_TEXT, ChatView
from inspector.ui.elided_label import ElidedLabel
from inspector.ui.progress_list import ProgressList
from inspector.ui.results_model import ResultsModel
from inspector.ui.run_form import RunForm
from inspector.ui.sandbox_badge import FAULTS_MESSAGE, FaultsBadge
from inspector.ui.verdict_banner import VerdictBanner

if TYPE_CHECKING:
    import asyncio

    # Imported where first used: none of them draws the empty window, and each costs the
    # set-up of its Qt classes before the first paint.
    from inspector.ui.raw_json_dialog import RawJsonDialog
    from inspector.ui.web_launcher import WebLauncher
else:
    # With the event loop, after the first paint (runtime/lazy.py).
    asyncio = lazy_module("asyncio")

__all__ = ["MainWindow", "default_size", "screen_room"]

log = logging.getLogger("inspector.ui")

_WIDTH, _HEIGHT = 1320, 900
# Room left around the window on its screen for the frame and title bar the window manager adds
# (availableGeometry already leaves out the taskbar).
_FRAME_ROOM = QSize(16, 48)
# Narrowest the chat and the results may get: the window's minimum width is their sum plus the
# Scenarios dock, which must stay under 1366 px.
_CHAT_MIN_WIDTH, _RIGHT_MIN_WIDTH = 300, 460


def screen_room(window: QWidget) -> QSize | None:
    """The largest size the window may take on its screen, its frame left aside."""
    screen = window.screen()
    if screen is None:
        return None
    return screen.availableGeometry().size() - _FRAME_ROOM


def default_size(window: QWidget) -> QSize:
    """As large as the content likes (1320×900), but never larger than the screen's free area."""
    room = screen_room(window)
    return QSize(_WIDTH, _HEIGHT) if room is None else QSize(_WIDTH, _HEIGHT).boundedTo(room)


class _ColumnScroll(QScrollArea):
    """The right-hand column's scroll area, saying when a dock or the window resized it.

    Its own resize, not its viewport's through an event filter: the first `viewport()` call
    makes PySide6 set up every QWidget subclass it might be (~18 ms, measured) before the
    first paint.
    """

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class _Column(QWidget):
    """The right-hand column, in a scroll area that scrolls only when it must.

    A QScrollArea sizes a resizable widget whose layout has height-for-width (the banner's
    wrapped text) to its *preferred* height for the width, so the column always scrolled.
    What it needs is less: its boxes at their minimum, except that QBoxLayout gives a box
    with height-for-width its full height for the width and squeezes the others below their
    minimum (the form's buttons then overlapped its table). So: that sum, no less.
    """

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        if layout is None:
            return super().heightForWidth(width)
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        heights = []
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is None or item.isEmpty():
                continue
            least = item.minimumSize().height()
            if item.hasHeightForWidth():
                least = max(least, item.heightForWidth(inner))
            heights.append(least)
        spacing = max(layout.spacing(), 0) * max(len(heights) - 1, 0)
        return sum(heights) + spacing + margins.top() + margins.bottom()


class _ResultsTable(QTableView):
    """Asks for its minimum height only: the layout's stretch gives it the rest of the room,
    and a 192-pixel wish made the column scroll on a short screen."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


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
# ... and once the chat is up, per step of the run that starts (core.verification's names):
# the page's last word would otherwise stay up through the reads.
_STEP_PROGRESS = {
    "resolve": "The org echoed the first message; finding the conversation…",
    "read": "Reading the customer participant's attributes…",
    "late": "Reading again after the timeout, to tell late attributes from missing ones…",
    "cleanup": "Ending the test conversation…",
}


class MainWindow(QMainWindow):
    """Signals: `closed()` once the user closed the window; `result_shown(VerificationResult)`.

    The window can show before its org exists (`org=None`, with `starting` naming what is
    being started): a Start pressed meanwhile says what it waits for and runs once `set_org`
    gives the org.
    """

    closed = Signal()
    result_shown = Signal(VerificationResult)

    def __init__(
        self,
        org: OrgView | None,
        tasks: TaskRegistry,
        *,
        sandbox: FaultSwitch | None = None,
        fault_descriptions: dict[str, str] | None = None,
        starting: str = "the sandbox org",
    ) -> None:
        super().__init__()
        self._org = org
        # Made by the first run that waits for the org: the window is drawn before asyncio loads.
        self._org_ready: asyncio.Event | None = None
        self.starting = starting
        self.tasks = tasks
        self.sandbox = sandbox
        self.result: VerificationResult | None = None
        self.setWindowTitle("Inspector" if org is None else f"Inspector — {org.label}")
        self.resize(default_size(self))

        self.chat = ChatView(self)
        self.chat.page_event.connect(self._on_page_event)
        self.form = RunForm(self)
        self.form.start_requested.connect(self._on_form_start_requested)
        self.form.cancel_requested.connect(self._on_form_cancel_requested)
        self.progress = ProgressList(self)
        self.banner = VerdictBanner(self)
        self.model = ResultsModel(self)
        self.table = _ResultsTable(self)
        self.table.setModel(self.model)
        self._delegate_set = False  # the rows' delegate comes with the first rows or after paint
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
        self.raw_button.clicked.connect(self._on_show_raw_json)
        self.sent_button = QPushButton("View sent frame…", self)
        self.sent_button.setToolTip(
            "The frame that left the page, as Messenger published it (sendingMessage)"
        )
        self.sent_button.setEnabled(False)
        self.sent_button.clicked.connect(self.show_sent_json)
        self.force_button = QPushButton("Start anyway", self)
        self.force_button.setToolTip("Start the chat although the pre-flight checks failed")
        self.force_button.hide()
        self.force_button.clicked.connect(self._on_force_clicked)
        self._last_request: VerificationRequest | None = None
        # The chat of the last run, with every event the page posted (for its transcript).
        self.last_launcher: WebLauncher | None = None
        self._chat_running = False
        # A long scenario name is cut at the left ("…", whole in the tooltip) so the
        # conversation id at the end stays whole, rather than widening the window.
        self.conversation_label = ElidedLabel(self, mode=Qt.TextElideMode.ElideLeft)
        self.conversation_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        # Left of the org in the status bar, for as long as any sandbox fault is on.
        self.faults_badge = FaultsBadge(fault_descriptions or {}, self)
        self.statusBar().insertPermanentWidget(0, self.faults_badge)

        sent_box = QGroupBox("What the website sends", self)
        self.result_box = result_box = QGroupBox("What arrived on the conversation", self)
        QVBoxLayout(sent_box).addWidget(self.form)
        progress_box = QGroupBox("Progress", self)
        QVBoxLayout(progress_box).addWidget(self.progress)
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.banner)
        result_layout.addWidget(self.table, 1)
        # The header and three rows at least; more rows scroll inside the table.
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height()
            + 3 * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth()
        )
        # Under the column, never scrolled away: the result's conversation (on a line of its
        # own: beside the buttons its id did not fit) and what to do with it, Start anyway
        # included.
        footer = QWidget(self)
        footer_layout = QVBoxLayout(footer)
        footer_layout.setContentsMargins(12, 0, 12, 6)
        footer_layout.addWidget(self.conversation_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.force_button)
        buttons.addWidget(self.sent_button)
        buttons.addWidget(self.raw_button)
        footer_layout.addLayout(buttons)

        right = _Column(self)
        right_layout = QVBoxLayout(right)
        # Where the org chooser goes (ui.org_controller puts it there).
        self.org_row = QHBoxLayout()
        right_layout.addLayout(self.org_row)
        right_layout.addWidget(sent_box)
        right_layout.addWidget(progress_box)
        right_layout.addWidget(result_box, 1)
        # On a short screen (1366×768 with the docks open) the column scrolls instead of
        # squeezing its boxes into each other or growing the window past the screen; where
        # there is room the column fills the viewport and nothing scrolls.
        self.right_scroll = _ColumnScroll(self)
        self.right_scroll.resized.connect(self._on_column_resized)
        self.right_scroll.setObjectName("right-column")
        self.right_scroll.setWidget(right)
        self.right_scroll.setWidgetResizable(True)
        self.right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.right_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        results_side = QWidget(self)
        results_side.setMinimumWidth(_RIGHT_MIN_WIDTH)
        side_layout = QVBoxLayout(results_side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(self.right_scroll, 1)
        side_layout.addWidget(footer)
        self.chat.setMinimumWidth(_CHAT_MIN_WIDTH)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("chat-results-splitter")
        splitter.addWidget(self.chat)
        splitter.addWidget(results_side)
        splitter.setChildrenCollapsible(False)
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

    def build_after_paint(self) -> None:
        """The parts no first paint shows (the verdict's diagnoses view, the delegate that
        draws result rows): call once drawn."""
        self.banner.build_details()
        self._ensure_delegate()

    def _ensure_delegate(self) -> None:
        if self._delegate_set:
            return
        from inspector.ui.results_delegate import ResultsDelegate

        self.table.setItemDelegate(ResultsDelegate(self.table))
        self._delegate_set = True

    @property
    def org(self) -> OrgView:
        """The org runs go to; only once it is ready (`org_ready`)."""
        if self._org is None:
            raise RuntimeError(f"{self.starting} is still starting")
        return self._org

    @property
    def org_ready(self) -> bool:
        return self._org is not None

    def set_org(self, org: OrgView, *, is_sandbox: bool) -> None:
        """Point the window at another org; sandbox faults apply to the built-in org only.

        What the window showed belongs to the previous org and deployment: it goes, chat,
        steps, rows and Start anyway included. The first org (the window showed before it)
        finds nothing to take off.
        """
        first = self._org is None
        self._org = org
        self.faults_menu.setEnabled(is_sandbox and self.sandbox is not None)
        self._show_org(org)
        if self._org_ready is not None:
            self._org_ready.set()
        if not first:
            self.clear_shown(
                f"Now on {org.label}. Press Start to send the attributes and read them back.",
                CHAT_IDLE_TEXT,
            )

    def clear_shown(self, banner: str, chat: str) -> None:
        """Take the previous run off the window (result, rows, steps, chat) and say `banner`."""
        self.result = None
        self.force_button.hide()
        self.progress.clear_steps()
        self.model.set_rows([])
        self.raw_button.setEnabled(False)
        self.sent_button.setEnabled(False)
        self.conversation_label.clear()
        self.banner.show_idle(banner)
        self.chat.reset(chat)
        self.statusBar().clearMessage()  # "Showing the run of …" and the like
        # Where the column scrolls, back to its top: the org, the form, then the steps.
        self.right_scroll.verticalScrollBar().setValue(0)

    def set_sandbox(self, sandbox: FaultSwitch) -> None:
        """The built-in org's fault switches, once it runs: the Sandbox faults menu."""
        self.sandbox = sandbox
        self._fill_faults_menu()

    def _show_org(self, org: OrgView) -> None:
        org.on_wait(self.show_wait)
        self.setWindowTitle(f"Inspector — {org.label}")
        self.org_status.setText(
            f"{org.label} · deployment {org.deployment_id} · page origin {org.origin}"
        )
        self._show_faults()

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
        raw.triggered.connect(self._on_show_raw_json)
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
        self.org_status = ElidedLabel(self, mode=Qt.TextElideMode.ElideMiddle, minimum_chars=20)
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

    def _show_faults(self) -> None:
        """The badge names the sandbox's faults; none on another org (the menu is off then)."""
        sandbox = self.sandbox
        on = sandbox.faults if sandbox is not None and self.faults_menu.isEnabled() else ()
        self.faults_badge.show_faults(on)

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
        self._show_faults()
        # A fading message of the menu's last choice would now contradict the badge.
        if self.statusBar().currentMessage().startswith(FAULTS_MESSAGE):
            self.statusBar().clearMessage()

    @Slot(bool)
    def _on_fault_toggled(self, _checked: bool) -> None:
        assert self.sandbox is not None
        if self._ticking_faults:
            return
        chosen = frozenset(n for n, a in self.fault_actions.items() if a.isChecked())
        self.sandbox.set_faults(chosen)
        self._show_faults()
        shown = ", ".join(sorted(chosen)) or "none"
        self.statusBar().showMessage(f"{FAULTS_MESSAGE}{shown}", 8000)

    @Slot(str, "QVariantMap")
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

    def _on_step(self, event: StepEvent) -> None:
        self.progress.on_step(event)
        text = _STEP_PROGRESS.get(event.name)
        if text and event.state is StepState.RUNNING and self._chat_running:
            self.banner.show_idle(text)

    @Slot(VerificationRequest)
    def _on_form_start_requested(self, request: VerificationRequest) -> None:
        self.start(request)

    @Slot()
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

    @Slot()
    def _on_force_clicked(self) -> None:
        if self._last_request is not None:
            self.start(dataclasses.replace(self._last_request, force=True))

    async def _wait_for_org(self) -> OrgView:
        if self._org is None:
            waiting = f"Waiting for {self.starting} to start; the run begins once it is ready…"
            self.banner.show_idle(waiting)
            self.statusBar().showMessage(waiting, 15_000)
            log.info("Start pressed while %s starts: the run waits for it", self.starting)
            if self._org_ready is None:
                self._org_ready = asyncio.Event()
            await self._org_ready.wait()
        return self.org

    async def _run(self, request: VerificationRequest) -> VerificationResult | None:
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
        # Nothing of the previous run stays beside this one, its chat included.
        self.clear_shown(
            "Running… the chat starts on the left.",
            "Checking the deployment before the chat starts…",
        )
        from inspector.ui.web_launcher import WebLauncher

        launcher = WebLauncher(
            self.chat,
            org.host_page,
            timeout=request.timeout,
            attributes_late=self.late_set_action.isChecked(),
        )
        self.last_launcher = launcher
        self.progress.start_run(request.timeout)
        self._chat_running = True
        try:
            result = await org.run(request, launcher=launcher, on_step=self._on_step)
        except asyncio.CancelledError:
            self.banner.show_idle("Cancelled.")
            self.progress.show_cancelled()
            raise
        finally:
            self._chat_running = False
            self.progress.stop_clock()
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
        self._ensure_delegate()
        self.model.set_rows(result.rows)
        self.table.resizeRowsToContents()
        self.banner.show_result(result)
        self.raw_button.setEnabled(result.raw is not None)
        self.sent_button.setEnabled(result.wire is not None)
        # Start anyway forces the window's own last request: only for a refusal of it.
        refused_here = result.preflight_refused and scenario is None
        self.force_button.setVisible(refused_here)
        if refused_here:
            self.chat.reset(
                "Not started: the deployment checks refused this run (the reasons are on the "
                "right). Start anyway forces it."
            )
        origin = [f"Scenario “{scenario}”"] if scenario else []
        if result.conversation_id:
            origin.append(f"Conversation {result.conversation_id}")
        self.conversation_label.setText(" · ".join(origin))
        self._scroll_to_result()
        self.result_shown.emit(result)

    def _scroll_to_result(self) -> None:
        """Where the column scrolls (a short screen), the result comes into view from its top:
        the verdict, the findings, then as many rows as fit."""
        bar = self.right_scroll.verticalScrollBar()
        bar.setValue(min(bar.maximum(), self.result_box.y()))

    @Slot()
    def _on_column_resized(self) -> None:
        # A dock opened or closed under a result: the result stays in view, not the form.
        if self.result is not None:
            self._scroll_to_result()

    def show_past_run(self, result: VerificationResult, *, scenario: str, started: str) -> bool:
        """A run from the history, as it was: its rows, steps, findings and raw response.

        Refused while a run runs in the window (its result would replace this one).
        """
        if self.form.running:
            self.statusBar().showMessage("A run is running: open the past one when it ended.", 8000)
            return False
        self.show_finished_run(
            result,
            scenario=scenario,
            chat=f"This run of {scenario} is from the history ({started}): its chat is not kept.",
        )
        shown = self.conversation_label.text()
        self.conversation_label.setText(f"From the history, {started} · {shown}")
        self.statusBar().showMessage(f"Showing the run of {scenario} from {started}", 10000)
        return True

    def show_finished_run(self, result: VerificationResult, *, scenario: str, chat: str) -> bool:
        """A run that did not run in this window's chat (a scenario through the guest API, a
        past run): only its own steps, rows and findings show, and the chat says `chat`.

        Refused while a form run runs: its chat and result are on the window.
        """
        if self.form.running:
            return False
        self.clear_shown("", chat)
        for step in result.steps:
            state = StepState.DONE if step.ok else StepState.FAILED
            state = StepState.WARNED if step.ok and step.warned else state
            self.progress.on_step(StepEvent(step.name, step.label, state, step.ms, step.detail))
        self.show_result(result, scenario=scenario)
        return True

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.show_raw_json(self.model.row_at(index.row()).received_key)

    def selected_received_key(self) -> str | None:
        """The key the selected table row arrived under, to find in the raw response."""
        rows = self.table.selectionModel().selectedRows()
        index = rows[0] if rows else self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row()).received_key

    @Slot()
    def _on_show_raw_json(self) -> None:
        self.show_raw_json(self.selected_received_key())

    def show_raw_json(self, highlight_key: str | None = None) -> RawJsonDialog | None:
        """The raw response behind the table, with the double-clicked row's key selected."""
        if self.result is None or self.result.raw is None:
            return None
        from inspector.ui.raw_json_dialog import RawJsonDialog

        dialog = RawJsonDialog(
            self.result.raw_source or "", self.result.raw, self, highlight_key=highlight_key
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @Slot()
    def show_sent_json(self) -> RawJsonDialog | None:
        """What left the page: the first frame's message, where every "sent" value comes from."""
        if self.result is None or self.result.wire is None:
            return None
        wire = self.result.wire
        from inspector.ui.raw_json_dialog import RawJsonDialog

        dialog = RawJsonDialog(wire.source, wire.message, self)
        dialog.setWindowTitle("Sent frame")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        self.chat.shutdown()
        event.accept()
        self.closed.emit()

"""The scenario sidebar: a folder of scenario files, their last results, Run / Run all.

Scenarios run one after another against the window's org, through the same `run_scenario` the
command line uses (a `launcher: page` scenario through the same page scenario runner, given
by the app's wiring), so an icon here and a line in a CI report mean the same thing. Sandbox
faults a scenario asks for are switched on for its run and restored afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.core import StepEvent, VerificationResult
from inspector.core.expectations import (
    BotReplyObservation,
    ScenarioOutcome,
    ScenarioRun,
    error_outcome,
    evaluate,
)
from inspector.core.scenario import Scenario, ScenarioError
from inspector.scenarios import load_suite, save_scenario
from inspector.ui.chat_view import CHAT_IDLE_TEXT
from inspector.ui.elided_label import ElidedLabel

if TYPE_CHECKING:
    from inspector.store.history import HistoryStore
    from inspector.ui.main_window import MainWindow

__all__ = ["RESULT_ROLE", "SCENARIO_ROLE", "VERDICT_ROLE", "ScenarioSidebar", "verdict_icon"]

log = logging.getLogger("inspector.ui")

SCENARIO_ROLE = Qt.ItemDataRole.UserRole
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 1
# The VerificationResult of the scenario's last run in this window, shown when it is clicked.
RESULT_ROLE = Qt.ItemDataRole.UserRole + 2
# The sidebar's width does not follow its names, verdicts or status line: the window's layout
# must not shift when they change (the dock keeps the width the user gave it).
_WIDTH, _MIN_WIDTH = 240, 160  # the minimum grows to what the buttons need

_COLOURS = {
    "pass": "#1a7f37",
    "fail": "#cf222e",
    "error": "#9a6700",
    "invalid": "#6e7781",
    "running": "#0969da",
    "": "#afb8c1",
}
_ICONS: dict[str, QIcon] = {}


def verdict_icon(verdict: str) -> QIcon:
    """A filled dot in the verdict's colour (hollow when the scenario has not run)."""
    icon = _ICONS.get(verdict)
    if icon is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(_COLOURS.get(verdict, _COLOURS[""]))
        painter.setPen(colour)
        if verdict:
            painter.setBrush(colour)
        painter.drawEllipse(QRectF(2.5, 2.5, 11, 11))
        painter.end()
        icon = _ICONS[verdict] = QIcon(pixmap)
    return icon


def _chat_note(scenario: Scenario) -> str:
    """What the chat pane says beside a finished run of `scenario`."""
    if scenario.launcher == "messenger":
        return f"The chat of this run of {scenario.name} has ended; Run runs it again."
    if scenario.page is not None:
        return (
            f"{scenario.name} ran your website page {scenario.page.page} in a page view of its "
            "own, with a scripted customer (launcher: page)."
        )
    return (
        f"{scenario.name} ran through the guest API, without a chat in this window "
        "(launcher: guest)."
    )


class ScenarioSidebar(QWidget):
    """Signals: `run_finished(ScenarioRun)` after each scenario; `suite_finished()`;
    `can_run_changed(run, run_all)` when Run or Run all becomes possible or not.
    """

    run_finished = Signal(ScenarioRun)
    suite_finished = Signal()
    can_run_changed = Signal(bool, bool)

    def __init__(
        self, window: MainWindow, history: HistoryStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.main_window = window
        self.history = history
        self.folder: Path | None = None
        self.errors: list[ScenarioError] = []
        # Runs `launcher: page` scenarios (the page mode's run); set by the app's wiring.
        # Runs a `launcher: page` scenario on the window's org (the website page mode sets it).
        self.run_page: Callable[[Scenario], Awaitable[ScenarioRun]] | None = None
        self.task: asyncio.Task[None] | None = None
        self._running = False
        # True while the window shows a result of ours, so form-run recording skips it.
        self.showing_own_result = False
        self.folder_label = QLabel(
            "No folder open. Scenarios → Open folder… (Ctrl+Shift+O) lists the files in one.",
            self,
        )
        self.folder_label.setWordWrap(True)
        self.folder_path = ElidedLabel(self, mode=Qt.TextElideMode.ElideMiddle)
        self.folder_path.hide()
        self.list = QListWidget(self)
        # Long names end in "…" (the tooltip has the whole name and the verdict) rather than
        # hiding the verdict colours behind a horizontal scroll bar.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.list.currentItemChanged.connect(self._update_buttons)
        self.list.itemClicked.connect(self._on_list_item_clicked)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.problems.hide()
        self.run_button = QPushButton("Run", self)
        self.run_button.setToolTip("Run the selected scenario")
        self.run_button.clicked.connect(self.run_selected)
        self.run_all_button = QPushButton("Run all", self)
        self.run_all_button.setToolTip("Run every scenario in the open folder, one after another")
        self.run_all_button.clicked.connect(self.run_all)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        # What the last Run / Run all came to; stays until the next one starts.
        self.summary = QLabel(self)
        self.summary.setObjectName("runSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.progress = QProgressBar(self)
        self.progress.setFormat("%v / %m")
        self.progress.setValue(0)
        self.progress.hide()  # shown while scenarios run
        self.status = ElidedLabel(self)
        buttons = QHBoxLayout()
        for button in (self.run_button, self.run_all_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.folder_path)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        # An explicit minimum overrides the layout's own, so it must leave the buttons their
        # text: a dock dragged (or restored) to the minimum still shows "Run all" whole.
        self.setMinimumWidth(max(_MIN_WIDTH, layout.minimumSize().width()))
        self._update_buttons()

    def sizeHint(self) -> QSize:
        return QSize(_WIDTH, super().sizeHint().height())

    # -- the folder ------------------------------------------------------------------------

    async def open_folder(self, folder: Path) -> None:
        """List the folder's scenarios; unreadable files are listed with their error."""
        suite = await asyncio.to_thread(load_suite, [folder])
        self.folder = folder
        self.folder_label.hide()
        self.folder_path.setText(str(folder))
        self.folder_path.show()
        self.list.clear()
        self.errors = list(suite.errors)
        for scenario in suite.scenarios:
            item = QListWidgetItem(verdict_icon(""), scenario.name)
            item.setData(SCENARIO_ROLE, scenario)
            item.setData(VERDICT_ROLE, "")
            item.setToolTip(f"{scenario.name}\n{scenario.description or scenario.source}")
            self.list.addItem(item)
        for problem in suite.errors:
            item = QListWidgetItem(verdict_icon("invalid"), Path(problem.file).name)
            item.setData(VERDICT_ROLE, "invalid")
            item.setToolTip(str(problem))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.list.addItem(item)
        self.problems.setText("\n".join(str(p) for p in suite.errors))
        self.problems.setVisible(bool(suite.errors))
        self.progress.setMaximum(max(1, len(suite.scenarios)))
        self.progress.setValue(0)
        if suite.scenarios:
            self.list.setCurrentRow(0)
        self._update_buttons()

    def scenarios(self) -> list[Scenario]:
        found = []
        for row in range(self.list.count()):
            scenario = self.list.item(row).data(SCENARIO_ROLE)
            if isinstance(scenario, Scenario):
                found.append(scenario)
        return found

    def item_for(self, name: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            scenario = item.data(SCENARIO_ROLE)
            if isinstance(scenario, Scenario) and scenario.name == name:
                return item
        return None

    def selected(self) -> Scenario | None:
        item = self.list.currentItem()
        scenario = item.data(SCENARIO_ROLE) if item is not None else None
        return scenario if isinstance(scenario, Scenario) else None

    # -- the form --------------------------------------------------------------------------

    @Slot(QListWidgetItem)
    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        scenario = item.data(SCENARIO_ROLE)
        if isinstance(scenario, Scenario):
            self.load_into_form(scenario)

    @Slot(QListWidgetItem)
    def _on_list_item_clicked(self, item: QListWidgetItem) -> None:
        self.show_last_run(item)

    def show_last_run(self, item: QListWidgetItem) -> bool:
        """Show the scenario's last run in the window: its own rows, steps and raw response.

        Nothing changes for a scenario that has not run yet, or while a run runs.
        """
        result = item.data(RESULT_ROLE)
        scenario = item.data(SCENARIO_ROLE)
        window = self.main_window
        if not isinstance(result, VerificationResult) or not isinstance(scenario, Scenario):
            return False
        if self._running or window.form.running:
            return False
        self.showing_own_result = True
        try:
            window.show_finished_run(result, scenario=scenario.name, chat=_chat_note(scenario))
        finally:
            self.showing_own_result = False
        return True

    def load_into_form(self, scenario: Scenario) -> None:
        window = self.main_window
        if scenario.page is not None:
            # The page sends its own attributes: there is nothing of it to put in the form.
            self.status.setText(
                f"{scenario.name!r} runs a website page: Run runs it; File → Open website "
                "page… opens the page to chat by hand"
            )
            return
        if not window.form.running:
            # The form is the scenario's now: the previous result does not describe it.
            window.clear_shown(
                f"Loaded {scenario.name} into the form. Press Start to send it and read it back.",
                CHAT_IDLE_TEXT,
            )
        form = window.form
        form.crm_id.setText(scenario.crm_id)
        form.crm_key.setText(scenario.crm_key)
        form.table.setRowCount(0)
        for key, value in scenario.request().attributes.items():
            form.add_attribute(key, value)
        self.status.setText(f"Loaded {scenario.name!r} into the form")

    def form_scenario(self, name: str) -> Scenario:
        """The form's content as a scenario (refuses what the form itself would refuse)."""
        request, messages = self.main_window.form.build_request()
        if request is None:
            raise ValueError(" ".join(messages))
        return Scenario(
            name=name,
            crm_id=request.crm_id,
            crm_key=request.crm_key,
            attributes=dict(request.attributes),
            faults=frozenset(self.main_window.sandbox.faults)
            if self.main_window.sandbox
            else frozenset(),
        )

    def save_form_as(self, path: Path, name: str | None = None) -> Scenario:
        scenario = self.form_scenario(name or path.stem)
        save_scenario(scenario, path)
        self.status.setText(f"Saved {path.name}")
        return scenario

    # -- running ---------------------------------------------------------------------------

    @Slot()
    def run_selected(self) -> asyncio.Task[None] | None:
        scenario = self.selected()
        return self.run([scenario]) if scenario is not None else None

    @Slot()
    def run_all(self) -> asyncio.Task[None] | None:
        return self.run(self.scenarios())

    def run(self, scenarios: Sequence[Scenario]) -> asyncio.Task[None] | None:
        if not scenarios or (self.task is not None and not self.task.done()):
            return None
        # Buttons and bar change now, not when the task first runs, so a second click is moot.
        self._set_running(True)
        self.progress.setMaximum(len(scenarios))
        self.progress.setValue(0)
        self.progress.show()
        self.task = self.main_window.tasks.spawn("scenarios", self._run(list(scenarios)))
        # A task cancelled before its first step never runs its own finally: tidy up here.
        self.task.add_done_callback(self._on_task_done)
        return self.task

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        self._set_running(False)
        if task.cancelled():
            self.status.setText("Cancelled")
        self.suite_finished.emit()

    @Slot()
    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.cancel_button.setEnabled(running)
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        """Run needs a selected scenario, Run all an open folder with one; neither while running."""
        running = self._running
        self.run_button.setEnabled(not running and self.selected() is not None)
        self.run_all_button.setEnabled(not running and bool(self.scenarios()))
        self.can_run_changed.emit(self.run_button.isEnabled(), self.run_all_button.isEnabled())

    async def _run(self, scenarios: list[Scenario]) -> None:
        current: QListWidgetItem | None = None
        title = "Run all" if len(scenarios) > 1 else "Run"
        outcomes: list[ScenarioOutcome] = []
        started = time.monotonic()
        self.summary.hide()
        try:
            for done, scenario in enumerate(scenarios):
                current = self.item_for(scenario.name)
                if current is not None:
                    current.setIcon(verdict_icon("running"))
                self.status.setText(f"Running {scenario.name}…")
                run = await self._run_one(scenario)
                outcomes.append(run.outcome)
                self._show(run, current)
                current = None
                self.progress.setValue(done + 1)
            # The summary says it all; a "finished" line above it would only repeat it.
            self.status.clear()
            self._show_summary(title, outcomes, len(scenarios), time.monotonic() - started)
        except asyncio.CancelledError:
            if current is not None:
                verdict = str(current.data(VERDICT_ROLE) or "")
                current.setIcon(verdict_icon(verdict))
            self._show_summary(
                title, outcomes, len(scenarios), time.monotonic() - started, cancelled=True
            )
            raise

    def _show_summary(
        self,
        title: str,
        outcomes: Sequence[ScenarioOutcome],
        total: int,
        seconds: float,
        *,
        cancelled: bool = False,
    ) -> None:
        """Passed, failed and errors of the last run, in the worst verdict's colour; the tooltip
        names each scenario that did not pass and why."""
        text, colour = _run_summary(title, outcomes, total, seconds, cancelled=cancelled)
        self.summary.setText(text)
        self.summary.setStyleSheet(f"QLabel#runSummary {{ color: {colour}; font-weight: bold; }}")
        bad = [o for o in outcomes if o.verdict.value != "pass"]
        self.summary.setToolTip(
            "\n".join(f"{o.verdict.value.upper()}: {o.scenario.name} — {o.summary}" for o in bad)
            or "Every scenario passed."
        )
        self.summary.show()

    async def _run_one(self, scenario: Scenario) -> ScenarioRun:
        window = self.main_window
        before = window.sandbox.faults if window.sandbox is not None else frozenset()
        window.set_faults(scenario.faults)
        try:
            if scenario.launcher == "messenger":
                return await self._run_in_web_view(scenario)
            if scenario.page is not None:
                return await self._run_page(scenario)
            if not window.form.running:
                # The window shows this scenario from its first step; nothing of the run
                # before. (A form run in progress keeps the window: it is the user's.)
                window.clear_shown(
                    f"Running {scenario.name} through the guest API…",
                    f"{scenario.name} runs through the guest API, without a chat in this "
                    "window (launcher: guest).",
                )

            def on_step(event: StepEvent) -> None:
                if not window.form.running:
                    window.progress.on_step(event)

            return await window.org.run_scenario(scenario, on_step=on_step)
        finally:
            window.set_faults(before)

    async def _run_page(self, scenario: Scenario) -> ScenarioRun:
        """A website page scenario, through the same page run `inspector run` uses."""
        window = self.main_window
        if not window.form.running:
            window.clear_shown(
                f"Running {scenario.name}: your website page with a scripted customer…",
                _chat_note(scenario),
            )
        if self.run_page is None:
            from datetime import UTC, datetime

            now = datetime.now(UTC)
            problem = "Website page scenarios cannot run in this window (no page runner)"
            return ScenarioRun(error_outcome(scenario, problem, "unsupported"), now, now)
        return await self.run_page(scenario)

    async def _run_in_web_view(self, scenario: Scenario) -> ScenarioRun:
        from datetime import UTC, datetime

        started = datetime.now(UTC)
        self.showing_own_result = True
        try:
            task = self.main_window.start(scenario.request())
            result: VerificationResult | None = await task
        finally:
            self.showing_own_result = False
        if result is None:
            raise asyncio.CancelledError
        bot = None
        if scenario.expect.bot_reply is not None:
            bot = BotReplyObservation(
                (), False, 0.0, "bot replies are checked with launcher: guest"
            )
        return ScenarioRun(evaluate(scenario, result, bot), started, datetime.now(UTC))

    def _show(self, run: ScenarioRun, item: QListWidgetItem | None) -> None:
        outcome: ScenarioOutcome = run.outcome
        verdict = outcome.verdict.value
        if item is not None:
            item.setData(VERDICT_ROLE, verdict)
            item.setData(RESULT_ROLE, outcome.result)
            item.setIcon(verdict_icon(verdict))
            item.setToolTip(f"{verdict.upper()}: {outcome.summary}\n{outcome.scenario.name}")
        if outcome.scenario.launcher != "messenger":
            self.showing_own_result = True
            try:
                self.main_window.show_finished_run(
                    outcome.result,
                    scenario=outcome.scenario.name,
                    chat=_chat_note(outcome.scenario),
                )
            finally:
                self.showing_own_result = False
        self.main_window.statusBar().showMessage(
            f"{outcome.scenario.name}: {verdict.upper()} · {outcome.summary}", 10000
        )
        self.run_finished.emit(run)


def _run_summary(
    title: str,
    outcomes: Sequence[ScenarioOutcome],
    total: int,
    seconds: float,
    *,
    cancelled: bool = False,
) -> tuple[str, str]:
    """The words and colour of a finished run: "Run all: 9 passed, 1 failed, 0 errors (10
    scenarios, 5.2 s)"."""
    counts = {
        v: sum(1 for o in outcomes if o.verdict.value == v) for v in ("pass", "fail", "error")
    }
    errors = "error" if counts["error"] == 1 else "errors"
    done = f"{len(outcomes)} of {total} scenarios" if cancelled else f"{total} scenarios"
    if total == 1 and not cancelled:
        done = "1 scenario"
    text = (
        f"{title}{' cancelled' if cancelled else ''}: {counts['pass']} passed, "
        f"{counts['fail']} failed, {counts['error']} {errors} ({done}, {seconds:.1f} s)"
    )
    worst = "fail" if counts["fail"] else "error" if counts["error"] else "pass"
    if cancelled and worst == "pass":
        worst = "invalid"
    return text, _COLOURS[worst]

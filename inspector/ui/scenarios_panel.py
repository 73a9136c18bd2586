"""Adds the scenario sidebar and the history view to a MainWindow from outside.

The window stays unaware of scenarios: two dock widgets and a Scenarios menu are attached
here, and every result the window shows (from the form or a scenario) goes to the history.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMessageBox

from inspector.core import VerificationResult
from inspector.core.expectations import ScenarioRun, unsaved_outcome
from inspector.store.history import HistoryError, HistoryStore, RunRecord, StoredRequest
from inspector.ui.history_view import HistoryView, result_from_record
from inspector.ui.scenario_sidebar import ScenarioSidebar

if TYPE_CHECKING:
    from inspector.ui.main_window import MainWindow

__all__ = ["ScenarioPanel", "attach_scenarios"]

log = logging.getLogger("inspector.ui")


@dataclass
class ScenarioPanel:
    sidebar: ScenarioSidebar
    history_view: HistoryView | None
    history: HistoryStore | None
    actions: dict[str, QAction]


def attach_scenarios(
    window: MainWindow, *, history: HistoryStore | None = None, folder: Path | None = None
) -> ScenarioPanel:
    """Dock the sidebar (left) and the history (bottom), add a Scenarios menu, record runs.

    `history` is the app's one history store (store.stores.Stores); without it scenarios
    still run and the history dock is left out.
    """
    sidebar = ScenarioSidebar(window, history)
    dock = QDockWidget("Scenarios", window)
    dock.setObjectName("scenarios-dock")
    dock.setWidget(sidebar)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    view = None
    if history is not None:
        view = HistoryView(history)
        history_dock = QDockWidget("History", window)
        history_dock.setObjectName("history-dock")
        history_dock.setWidget(view)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, history_dock)
        history_dock.hide()

        def on_history_shown(shown: bool) -> None:
            # Also when the saved window layout brings the dock back open.
            if shown and view is not None:
                view.schedule_refresh()

        history_dock.visibilityChanged.connect(on_history_shown)
        view.rerun_requested.connect(lambda name: _rerun(sidebar, name))
        view.rerun_form_requested.connect(lambda record: _rerun_form(window, view, record))
        view.open_requested.connect(lambda record: _open_run(window, sidebar, record))

    store = history

    def record(run: ScenarioRun, origin: str = "gui") -> None:
        if store is None:
            return

        async def write() -> None:
            try:
                await store.record_run_async(run, origin=origin)
            except HistoryError as exc:
                window.statusBar().showMessage(str(exc), 10000)
                return
            if view is not None:
                await view.refresh()

        window.tasks.spawn(f"history-{id(run)}", write())

    def on_result_shown(result: VerificationResult) -> None:
        # Form runs: the sidebar records its own runs (with their expectations).
        if sidebar.showing_own_result:
            return
        request = window.last_request
        if request is None:
            return
        now = datetime.now(UTC)
        # The sandbox's faults, like its deployment, are part of what the run is started with.
        faults = window.sandbox.faults if window.sandbox is not None else frozenset()
        outcome = unsaved_outcome(
            f"(form) {request.crm_id}",
            request,
            result,
            profile=window.org.profile,
            deployment=window.org.deployment_id,
            faults=faults if window.faults_menu.isEnabled() else (),
        )
        record(ScenarioRun(outcome, now, now))

    sidebar.run_finished.connect(record)
    window.result_shown.connect(on_result_shown)
    actions = _menu(window, sidebar, dock, view)
    if folder is not None:
        window.tasks.spawn("scenarios-open", sidebar.open_folder(folder))
    return ScenarioPanel(sidebar, view, history, actions)


def _open_run(window: MainWindow, sidebar: ScenarioSidebar, record: RunRecord) -> None:
    # Shown, not run: it must not be recorded again as a form run.
    sidebar.showing_own_result = True
    try:
        started = record.started_at[:19].replace("T", " ")
        window.show_past_run(result_from_record(record), scenario=record.scenario, started=started)
    finally:
        sidebar.showing_own_result = False


def _rerun(sidebar: ScenarioSidebar, name: str) -> None:
    item = sidebar.item_for(name)
    if item is None:
        sidebar.status.setText(f"{name!r} is not in the open folder")
        return
    sidebar.list.setCurrentItem(item)
    sidebar.run_selected()


def _rerun_form(window: MainWindow, view: HistoryView, record: RunRecord) -> bool:
    """Start a form run again: its values go into the form and start from there, as typed.

    Refused, with the reason in the history view, when the window is on another org or
    deployment than the run was (switch first), or a run is running. The sandbox faults the
    run had are switched on for it and restored afterwards, as for a scenario.
    """
    stored = record.stored_request()
    if stored is None:
        view.message.setText("This run kept nothing to start it again with.")
        return False
    problem = _rerun_refused(window, record, stored)
    if problem is not None:
        view.message.setText(problem)
        return False
    window.form.fill(stored.crm_id, stored.crm_key, stored.attributes)
    request, messages = window.form.build_request()
    if request is None:
        window.form.request_start()  # shows why, beside the values
        view.message.setText("Not re-run: " + " ".join(messages))
        return False
    request = dataclasses.replace(
        request,
        timeout=stored.timeout or request.timeout,
        first_message=stored.first_message or request.first_message,
    )
    notes = []
    restore: frozenset[str] | None = None
    if window.sandbox is not None and window.faults_menu.isEnabled():
        restore = window.sandbox.faults
        known = frozenset(stored.faults) & frozenset(window.fault_actions)
        window.set_faults(known)
        if known:
            notes.append("with the sandbox faults " + ", ".join(sorted(known)))
        if unknown := sorted(set(stored.faults) - known):
            notes.append("without the faults this sandbox no longer has: " + ", ".join(unknown))
    task = window.start(request)
    if restore is not None:
        before = restore
        task.add_done_callback(lambda _task: window.set_faults(before))
    view.message.setText(" ".join([f"Re-running {record.scenario}", *notes]) + "…")
    return True


def _rerun_refused(window: MainWindow, record: RunRecord, stored: StoredRequest) -> str | None:
    if window.form.running:
        return "A run is running: re-run this one when it has ended."
    if record.profile != window.org.profile:
        return f"This run was on the org “{record.profile}”: switch to it, then re-run."
    if window.org.deployment_for(stored.deployment) != window.org.deployment_id:
        return f"This run was on the deployment {stored.deployment}: switch to it, then re-run."
    return None


def _menu(
    window: MainWindow, sidebar: ScenarioSidebar, dock: QDockWidget, view: HistoryView | None
) -> dict[str, QAction]:
    menu = window.menuBar().addMenu("&Scenarios")
    actions: dict[str, QAction] = {}

    def add(key: str, text: str, slot: object, shortcut: str | None = None) -> None:
        action = QAction(text, window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        actions[key] = action

    def open_folder() -> None:
        chosen = QFileDialog.getExistingDirectory(window, "Open a folder of scenarios")
        if chosen:
            window.tasks.spawn("scenarios-open", sidebar.open_folder(Path(chosen)))

    def save_form() -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            window, "Save the form as a scenario", str(sidebar.folder or ""), "Scenario (*.yaml)"
        )
        if not chosen:
            return
        path = Path(chosen).with_suffix(".yaml")
        name, ok = QInputDialog.getText(window, "Scenario name", "Name", text=path.stem)
        if not ok:
            return
        try:
            sidebar.save_form_as(path, name or path.stem)
        except (ValueError, OSError) as exc:
            QMessageBox.warning(window, "Not saved", str(exc))
            return
        if sidebar.folder == path.parent:
            window.tasks.spawn("scenarios-open", sidebar.open_folder(path.parent))

    add("open", "&Open folder…", open_folder, "Ctrl+Shift+O")
    add("save", "&Save form as scenario…", save_form, "Ctrl+Shift+S")
    menu.addSeparator()
    add("run", "&Run selected scenario", sidebar.run_selected, "Ctrl+Shift+R")
    add("run_all", "Run &all scenarios", sidebar.run_all, "Ctrl+Alt+R")
    add("cancel", "&Cancel scenarios", sidebar.cancel)

    def on_can_run_changed(run: bool, run_all: bool) -> None:
        actions["run"].setEnabled(run)
        actions["run_all"].setEnabled(run_all)

    on_can_run_changed(sidebar.run_button.isEnabled(), sidebar.run_all_button.isEnabled())
    sidebar.can_run_changed.connect(on_can_run_changed)
    menu.addSeparator()
    add("sidebar", "Show scenario &list", dock.show)
    if view is not None:
        history_dock = view.parentWidget()

        def show_history() -> None:
            if history_dock is not None:
                history_dock.show()
            view.schedule_refresh()

        add("history", "Show run &history", show_history, "Ctrl+H")
    return actions

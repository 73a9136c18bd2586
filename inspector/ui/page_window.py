"""File ▸ Open website page…: the admin's own page, watched, with three columns.

Left, the admin's page in the locked-down web view: they click through it as a customer would
(or press "Chat as a scripted customer" on the sandbox). Right, what the page's snippet names,
each frame as it leaves the page with its attributes, then the three columns (what was
expected, what the page sent, what arrived), a verdict per column pair and the diagnoses.
The window gets its runs from a factory (the app layer's PageRun): it speaks no HTTP.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from inspector.core import StepError
from inspector.core.diff import Verdict
from inspector.core.page_run import PageFrame, PageRow, PageRunResult, SnippetFacts
from inspector.core.page_scenario import PAGE_KINDS
from inspector.ui.list_table_model import ListTableModel
from inspector.ui.page_view import PageSource, PageView
from inspector.ui.results_model import ROW_BACKGROUND

__all__ = ["PageRowsModel", "PageRunLike", "PageWindow", "parse_expected"]

log = logging.getLogger("inspector.page")

# How long the window waits for the admin's first message, chatting by hand.
FIRST_MESSAGE_WAIT = 600.0


class PageRunLike(Protocol):
    """What the window needs of a page run (inspector.website.page_run.PageRun)."""

    notes: list[str]

    @property
    def frames(self) -> list[PageFrame]: ...

    async def open(self) -> SnippetFacts: ...

    async def customer(self) -> None: ...

    async def first_echo(self, seconds: float | None = None) -> str: ...

    async def judge(self) -> PageRunResult: ...

    def echoed(self) -> int: ...

    async def next_echo(self, seen: int, seconds: float) -> int: ...

    def failed(self, error: StepError) -> PageRunResult: ...

    async def aclose(self) -> None: ...


# (view, source, expected, sandbox kind) -> a run
RunFactory = Callable[[PageView, PageSource, Mapping[str, str], str], PageRunLike]
Spawn = Callable[[str, Coroutine[Any, Any, Any]], Any]


def parse_expected(text: str) -> dict[str, str]:
    """`key=value` pairs, one a line or separated by `;` (values kept exactly, spaces too)."""
    found: dict[str, str] = {}
    for part in text.replace("\n", ";").split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            found[key.strip()] = value
    return found


class PageRowsModel(ListTableModel[PageRow]):
    """Key | Expected | Page sent | Arrived; each value cell coloured by its column pair."""

    columns = ("Key", "Expected", "Page sent", "Arrived")

    def cell(self, row: PageRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.key, row.expected_text, row.sent_text, row.received_text)[column]
        if role == Qt.ItemDataRole.BackgroundRole:
            status = (None, None, row.sent_status, row.received_status)[column]
            if column == 1 and row.expected is not None:
                status = row.sent_status
            return QBrush(ROW_BACKGROUND[status]) if status is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1d2430"))
        if role == Qt.ItemDataRole.UserRole:
            return (row.sent_status, row.received_status)
        return None


_VERDICT_STYLE = {
    Verdict.PASS: ("#1a7f37", "PASS"),
    Verdict.FAIL: ("#cf222e", "FAIL"),
    Verdict.ERROR: ("#9a6700", "ERROR"),
}


def _verdict_html(verdict: Verdict | None) -> str:
    if verdict is None:
        return '<span style="color:#59636e">not judged</span>'
    color, word = _VERDICT_STYLE[verdict]
    return f'<b style="color:{color}">{word}</b>'


def _frame_text(index: int, frame: PageFrame) -> str:
    attributes = json.dumps(dict(frame.attributes), ensure_ascii=False)
    if len(attributes) > 160:
        attributes = attributes[:160] + "…"
    said = f" {frame.text!r}" if frame.text else ""
    legacy = ""
    if frame.legacy_attributes:
        legacy = " · top-level channel (ignored): " + json.dumps(
            dict(frame.legacy_attributes), ensure_ascii=False
        )
    return f"{frame.label(index)}{said} → {attributes}{legacy}"


class PageWindow(QMainWindow):
    """The website page mode. `open_source()` starts a run; results land in `result`."""

    def __init__(
        self,
        make_run: RunFactory,
        spawn: Spawn,
        *,
        sandbox: bool,
        profile_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inspector — website page")
        self.resize(1400, 860)
        self._make_run = make_run
        self._spawn = spawn
        self._sandbox = sandbox
        self.run: PageRunLike | None = None
        self.result: PageRunResult | None = None
        self.frames: list[PageFrame] = []
        self._task: Any = None

        self.page_view = PageView(self)
        self.page_view.page_event.connect(self._on_page_event)
        self.source_label = QLabel("No page open.", self)
        self.source_label.setWordWrap(True)
        open_file = QPushButton("Open file…", self)
        open_file.clicked.connect(self._choose_file)
        open_url = QPushButton("Open URL…", self)
        open_url.clicked.connect(self._choose_url)
        self.origin_edit = QLineEdit("https://shop.example.com", self)
        self.origin_edit.setToolTip("The origin a local file is served under")
        self.expected_edit = QLineEdit(self)
        self.expected_edit.setPlaceholderText("crmCustomerId=C-10442; tier=gold (optional)")
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItems(PAGE_KINDS)
        self.kind_combo.setToolTip(
            "On the sandbox org, the page's own deployment id runs as a deployment of this kind"
        )
        self.kind_combo.setEnabled(sandbox)
        form = QFormLayout()
        form.addRow("Local file's origin", self.origin_edit)
        form.addRow("Expected attributes", self.expected_edit)
        form.addRow("Sandbox deployment kind", self.kind_combo)
        buttons = QHBoxLayout()
        buttons.addWidget(open_file)
        buttons.addWidget(open_url)
        buttons.addStretch(1)
        page_box = QGroupBox("Your page", self)
        page_layout = QVBoxLayout(page_box)
        page_layout.addLayout(buttons)
        page_layout.addLayout(form)
        page_layout.addWidget(self.source_label)

        self.snippet_label = QLabel(profile_text, self)
        self.snippet_label.setWordWrap(True)
        self.snippet_label.setTextFormat(Qt.TextFormat.RichText)
        self.customer_button = QPushButton("Chat as a scripted customer", self)
        self.customer_button.setToolTip(
            "Click Messenger's launcher, type and send, as a customer would (sandbox Messenger)"
        )
        self.customer_button.setEnabled(False)
        self.customer_button.clicked.connect(self._on_customer)
        self.judge_button = QPushButton("Read back again", self)
        self.judge_button.setToolTip("Read the conversation again and judge every frame so far")
        self.judge_button.setEnabled(False)
        self.judge_button.clicked.connect(self._on_judge)
        actions = QHBoxLayout()
        actions.addWidget(self.customer_button)
        actions.addWidget(self.judge_button)
        actions.addStretch(1)
        self.frames_list = QListWidget(self)
        self.frames_list.setMaximumHeight(110)
        self.frames_list.setWordWrap(True)
        frames_box = QGroupBox("What left the page (MessagingService.sendingMessage)", self)
        QVBoxLayout(frames_box).addWidget(self.frames_list)

        self.verdict_label = QLabel("", self)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        self.verdict_label.setWordWrap(True)
        self.pairs_label = QLabel("", self)
        self.pairs_label.setTextFormat(Qt.TextFormat.RichText)
        self.model = PageRowsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Diagnoses with their fixes can be long: a read-only browser scrolls where a label clips.
        self.diagnoses_label = QTextBrowser(self)
        self.diagnoses_label.setOpenLinks(False)
        self.diagnoses_label.setMinimumHeight(130)
        result_box = QGroupBox("Expected · sent by the page · arrived", self)
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.verdict_label)
        result_layout.addWidget(self.pairs_label)
        result_layout.addWidget(self.table, 1)
        result_layout.addWidget(self.diagnoses_label)
        self.verdict_label.setMinimumHeight(30)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(page_box)
        right_layout.addWidget(self.snippet_label)
        right_layout.addLayout(actions)
        right_layout.addWidget(frames_box)
        right_layout.addWidget(result_box, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.page_view)
        splitter.addWidget(right)
        splitter.setSizes([700, 700])
        self.setCentralWidget(splitter)

    # --- opening --------------------------------------------------------------------------

    @Slot()
    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Open a website page", "", "HTML pages (*.html *.htm)"
        )
        if chosen:
            path = Path(chosen)
            self.open_source(
                PageSource(
                    html=path.read_text(encoding="utf-8"),
                    origin=self.origin_edit.text().strip(),
                    label=str(path),
                    folder=str(path.parent),
                )
            )

    @Slot()
    def _choose_url(self) -> None:
        url, ok = QInputDialog.getText(self, "Open a website page", "URL of the page")
        url = url.strip()
        if ok and urlsplit(url).scheme in ("http", "https"):
            self.open_source(PageSource(url=url, label=url))

    def open_source(self, source: PageSource) -> None:
        """Open the page watched; the run waits for the customer's first message."""
        if self.run is not None:
            self._spawn("page-close", self.run.aclose())
        self.result = None
        self.frames = []
        self.frames_list.clear()
        self.model.set_items([])
        self.verdict_label.setText("")
        self.pairs_label.setText("")
        self.diagnoses_label.clear()
        where = source.label or source.url or ""
        if source.html is not None:
            where += f" served as {source.origin}"
        self.source_label.setText(where)
        expected = parse_expected(self.expected_edit.text())
        self.run = self._make_run(self.page_view, source, expected, self.kind_combo.currentText())
        self._task = self._spawn("page-run", self._follow(self.run))

    async def _follow(self, run: PageRunLike) -> None:
        """Open, wait for the first message, judge; judge again after each further message
        (attributes the page sets late show on a later frame)."""
        try:
            snippet = await run.open()
            self._show_snippet(snippet)
            # Messenger's window can be scripted on the sandbox only (page_runner).
            self.customer_button.setEnabled(self._sandbox and snippet.found)
            await run.first_echo(FIRST_MESSAGE_WAIT)
            self.judge_button.setEnabled(True)
            self._show(await run.judge())
            seen = run.echoed()
            while True:
                seen = await run.next_echo(seen, FIRST_MESSAGE_WAIT)
                self._show(await run.judge())
        except StepError as exc:
            if exc.code == "chat-timeout" and self.result is not None:
                return  # no further message: the last verdict stands
            self._show(run.failed(exc))

    def _show_snippet(self, snippet: SnippetFacts) -> None:
        notes = self.run.notes if self.run is not None else []
        warnings = [n for n in notes if "is not the profile" in n]
        text = html.escape(snippet.describe())
        for warning in warnings:
            text += f'<br><b style="color:#9a6700">⚠ {html.escape(warning)}</b>'
        if self._sandbox:
            text += "<br>Chat in the page as a customer, or press the button below."
        self.snippet_label.setText(text)

    # --- the customer and the read-back ---------------------------------------------------

    @Slot()
    def _on_customer(self) -> None:
        run = self.run
        if run is None:
            return
        self.customer_button.setEnabled(False)

        async def chat() -> None:
            try:
                await run.customer()
            except StepError as exc:
                self._show(run.failed(exc))

        self._spawn("page-customer", chat())

    @Slot()
    def _on_judge(self) -> None:
        run = self.run
        if run is None:
            return

        async def judge() -> None:
            try:
                self._show(await run.judge())
            except StepError as exc:
                self._show(run.failed(exc))

        self._spawn("page-judge", judge())

    @Slot(str, "QVariantMap")
    def _on_page_event(self, name: str, data: dict[str, Any]) -> None:
        if name in ("sending", "guestFrame"):
            # After the run's own watcher has taken the event in (it merges the two copies).
            QTimer.singleShot(0, self._show_frames)

    def _show_frames(self) -> None:
        if self.run is None:
            return
        self.frames = self.run.frames
        self.frames_list.clear()
        for index, frame in enumerate(self.frames):
            self.frames_list.addItem(_frame_text(index, frame))

    def _show(self, result: PageRunResult) -> None:
        self.result = result
        color, word = _VERDICT_STYLE[result.verdict]
        self.verdict_label.setText(
            f'<span style="font-size:16px;color:{color}"><b>{word}</b></span> '
            f"— {html.escape(result.summary)}"
        )
        self.pairs_label.setText(
            f"Expected → page sent: {_verdict_html(result.expected_vs_sent)} &nbsp;·&nbsp; "
            f"Page sent → arrived: {_verdict_html(result.sent_vs_arrived)}"
        )
        self.model.set_items(result.rows)
        items = "".join(
            f"<li><b>[{html.escape(d.code)}]</b> {html.escape(d.message)}"
            + (f"<br><i>{html.escape(d.fix)}</i>" if d.fix else "")
            + "</li>"
            for d in result.diagnoses
        )
        error = (
            f"<p><b>Error:</b> {html.escape(result.error)}</p>"
            if result.error and result.verdict is Verdict.ERROR
            else ""
        )
        self.diagnoses_label.setHtml(f"{error}<ul>{items}</ul>" if items or error else "")

    def closeEvent(self, event: Any) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.run is not None:
            self._spawn("page-close", self.run.aclose())
            self.run = None
        self.page_view.shutdown()
        super().closeEvent(event)

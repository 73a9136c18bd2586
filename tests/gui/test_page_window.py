"""File ▸ Open website page… in the real window: the admin's page, watched, in three columns.

The page runs in the window's web view against the live sandbox; the customer's part is the
window's own "Chat as a scripted customer" button (clicks and keystrokes in the page).
"""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from inspector.core.diff import RowStatus, Verdict
from inspector.ui.page_view import PageSource
from inspector.website.menu import attach_page_mode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "website"
RUN_TIMEOUT_MS = 60_000
# Set to a folder to keep the screenshots the tests take (they are always taken).
SHOTS_ENV = "INSPECTOR_TEST_SCREENSHOTS"


@pytest.fixture
def page_window(window, sandbox, qtbot):
    action = attach_page_mode(window, sandbox)
    assert action in window.file_menu.actions()
    action.trigger()
    from inspector.ui.page_window import PageWindow

    found = [w for w in window.findChildren(PageWindow)]
    assert len(found) == 1
    page_window = found[0]
    qtbot.addWidget(page_window)
    yield page_window
    page_window.close()


def open_example(qtbot, page_window, name, expected=""):
    page_window.expected_edit.setText(expected)
    page_window.open_source(
        PageSource(
            html=(EXAMPLES / name).read_text(encoding="utf-8"),
            origin=page_window.origin_edit.text(),
            label=name,
            folder=str(EXAMPLES),
        )
    )
    qtbot.waitUntil(page_window.customer_button.isEnabled, timeout=RUN_TIMEOUT_MS)
    assert "9a4e6b1c-2d3f-4e5a-8b7c-0d1e2f3a4b5c" in page_window.snippet_label.text()
    qtbot.mouseClick(page_window.customer_button, Qt.MouseButton.LeftButton)


def shot(page_window, tmp_path, name):
    folder = Path(os.environ.get(SHOTS_ENV) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert page_window.grab().save(str(path))
    return path


def cells(page_window):
    model = page_window.model
    return [
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def test_the_late_page_shows_three_columns_and_its_mistake(qtbot, page_window, tmp_path):
    open_example(qtbot, page_window, "late.html", "crmCustomerId=C-10442")

    def judged_both_frames():
        result = page_window.result
        assert result is not None and len(result.frames) >= 2

    qtbot.waitUntil(judged_both_frames, timeout=RUN_TIMEOUT_MS)
    result = page_window.result
    assert result.verdict is Verdict.FAIL
    assert result.diagnoses[0].code == "attributes-after-first-message"
    assert page_window.frames_list.count() == 2
    assert "{}" in page_window.frames_list.item(0).text()
    assert "C-10442" in page_window.frames_list.item(1).text()
    assert cells(page_window)[0] == ("crmCustomerId", "C-10442", "—", "C-10442")
    assert "attributes-after-first-message" in page_window.diagnoses_label.toPlainText()
    assert "FAIL" in page_window.verdict_label.text()
    assert shot(page_window, tmp_path, "page-window-late.png").stat().st_size > 10_000


def test_the_good_page_passes_in_the_window(qtbot, page_window, tmp_path):
    open_example(qtbot, page_window, "good.html", "crmCustomerId=C-10442")
    qtbot.waitUntil(lambda: page_window.result is not None, timeout=RUN_TIMEOUT_MS)
    result = page_window.result
    assert result.verdict is Verdict.PASS, (result.error, result.diagnoses)
    first = page_window.model.item_at(0)
    assert (first.sent_status, first.received_status) == (RowStatus.MATCH, RowStatus.MATCH)
    assert page_window.pairs_label.text().count("PASS") == 2
    shot(page_window, tmp_path, "page-window-good.png")


def test_the_spelling_page_shows_both_spellings(qtbot, page_window, tmp_path):
    open_example(qtbot, page_window, "spelling.html", "crmCustomerId=C-10442")
    qtbot.waitUntil(lambda: page_window.result is not None, timeout=RUN_TIMEOUT_MS)
    result = page_window.result
    assert result.verdict is Verdict.FAIL
    assert "key-spelled-two-ways" in [d.code for d in result.diagnoses]
    keys = [row[0] for row in cells(page_window)]
    assert "crmCustomerId" in keys and "crmCustomerid" in keys
    shot(page_window, tmp_path, "page-window-spelling.png")


def test_read_back_again_judges_the_frames_so_far_once_more(qtbot, page_window):
    open_example(qtbot, page_window, "good.html", "crmCustomerId=C-10442")
    qtbot.waitUntil(lambda: page_window.result is not None, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(page_window.judge_button.isEnabled, timeout=RUN_TIMEOUT_MS)
    first = page_window.result
    qtbot.mouseClick(page_window.judge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page_window.result is not first, timeout=RUN_TIMEOUT_MS)
    assert page_window.result.verdict is Verdict.PASS
    assert page_window.result.conversation_id == first.conversation_id


class _RealOrgRun:
    """A page run as on a real org: its notes say how the snippet differs from the profile."""

    def __init__(self):
        self.notes = [
            "The page's snippet uses deployment d-page in environment prod-euw1.",
            "The page's deployment d-page is not the profile's d-profile.",
        ]
        self.frames = []

    async def open(self):
        from inspector.core.page_run import SnippetFacts

        return SnippetFacts("d-page", "prod-euw1", "https://apps.mypurecloud.ie/x.js")

    async def first_echo(self, seconds=None):
        import asyncio

        await asyncio.sleep(3600)

    async def aclose(self):
        return None


def test_the_window_warns_when_the_snippet_is_not_the_profile_s(aio, qtbot):
    from inspector.runtime.tasks import TaskRegistry
    from inspector.ui.page_window import PageWindow

    tasks = TaskRegistry()
    window = PageWindow(lambda *args: _RealOrgRun(), tasks.spawn, sandbox=False)
    qtbot.addWidget(window)
    window.open_source(PageSource(url="https://staging.shop.example/", label="staging"))
    qtbot.waitUntil(lambda: "not the profile" in window.snippet_label.text(), timeout=5000)
    assert "d-profile" in window.snippet_label.text()
    assert not window.customer_button.isEnabled()  # a real Messenger cannot be scripted
    window.close()
    aio.run(tasks.cancel_all())


@pytest.mark.parametrize(
    ("page", "kind", "verdict", "code"),
    [
        ("hidden.html", "native-ui", Verdict.FAIL, "hidden-characters"),
        ("too-large.html", "native-ui", Verdict.FAIL, "too-large"),
        ("headless.html", "headless", Verdict.PASS, None),
        ("legacy.html", "native-ui", Verdict.FAIL, "attributes-legacy-location"),
    ],
)
def test_every_other_example_gets_its_verdict_in_the_window(
    qtbot, page_window, run_js, page, kind, verdict, code
):
    """The pages with their own chat are chatted in by hand, as the admin would: here the
    test types in the page (clicks and keystrokes in its DOM)."""
    page_window.kind_combo.setCurrentText(kind)
    page_window.expected_edit.setText("crmCustomerId=C-10442")
    page_window.open_source(
        PageSource(
            html=(EXAMPLES / page).read_text(encoding="utf-8"),
            origin=page_window.origin_edit.text(),
            label=page,
            folder=str(EXAMPLES),
        )
    )
    own_chat = {
        "headless.html": ("", "#help-text", "#help-send"),
        "legacy.html": ("#chat-open", "#chat-text", "#chat-send"),
    }.get(page)
    if own_chat is None:
        qtbot.waitUntil(page_window.customer_button.isEnabled, timeout=RUN_TIMEOUT_MS)
        qtbot.mouseClick(page_window.customer_button, Qt.MouseButton.LeftButton)
    else:
        opener, field, send = own_chat

        def typed() -> None:
            assert page_window.page_view.page is not None  # the run is opening it
            outcome = run_js(
                page_window.page_view.page,
                f"(function () {{"
                f"  if ({opener!r} && !window.__opened) {{"
                f"    window.__opened = true; document.querySelector({opener!r}).click(); }}"
                f"  var input = document.querySelector({field!r});"
                f"  if (!input || input.disabled) {{ return 'wait'; }}"
                f"  input.value = 'Hello, about my order';"
                f"  document.querySelector({send!r}).click();"
                f"  return 'sent'; }})()",
            )
            assert outcome == {"ok": "sent"}

        qtbot.waitUntil(typed, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: page_window.result is not None, timeout=RUN_TIMEOUT_MS)
    result = page_window.result
    assert result.verdict is verdict, (result.error, result.diagnoses)
    if code is not None:
        assert code in [d.code for d in result.diagnoses]
        assert code in page_window.diagnoses_label.toPlainText()

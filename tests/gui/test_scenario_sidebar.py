"""The scenario sidebar in the real window: open examples/, Run all, icons match the runner."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from inspector.orgs.budget import RateLimiter
from inspector.orgs.suite import run_suite
from inspector.scenarios import load_scenario_file, load_suite
from inspector.store.history import HistoryStore
from inspector.ui.scenario_sidebar import VERDICT_ROLE, verdict_icon
from inspector.ui.scenarios_panel import attach_scenarios

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def panel(window, tmp_path, aio):
    store = HistoryStore(tmp_path / "history.sqlite3")
    panel = attach_scenarios(window, history=store)
    window.org.limiter = RateLimiter(6000)
    yield panel
    store.close()


def shown(sidebar):
    items = [sidebar.list.item(r) for r in range(sidebar.list.count())]
    return {item.text(): item for item in items}


def test_open_examples_run_all_and_icons_match_the_runner(qtbot, aio, window, panel):
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(EXAMPLES))
    items = shown(sidebar)
    names = [s.name for s in load_suite([EXAMPLES]).scenarios]
    assert list(items) == names
    assert all(item.data(VERDICT_ROLE) == "" for item in items.values())
    # long names are elided in the list, never pushed behind a horizontal scroll bar
    assert not sidebar.list.horizontalScrollBar().isVisible()
    assert all(item.toolTip().startswith(name + "\n") for name, item in items.items())
    task = sidebar.run_all()
    assert not sidebar.run_all_button.isEnabled() and sidebar.cancel_button.isEnabled()
    qtbot.waitUntil(task.done, timeout=180_000)
    assert task.exception() is None
    headless = aio.run(run_suite(load_suite([EXAMPLES]).scenarios, requests_per_minute=6000), 180)
    expected = {r.scenario.name: r.outcome.verdict.value for r in headless.runs}
    seen = {name: item.data(VERDICT_ROLE) for name, item in items.items()}
    assert seen == expected
    assert "fail" in seen.values()
    for name, item in items.items():
        assert item.icon().cacheKey() == verdict_icon(expected[name]).cacheKey()
        assert item.toolTip().startswith(expected[name].upper())
        assert item.toolTip().endswith("\n" + name)
    assert sidebar.progress.value() == sidebar.progress.maximum() == len(names)
    assert sidebar.run_all_button.isEnabled()
    # the last result is in the side-by-side view
    last = panel.history.runs()[0]
    assert window.result is not None and window.result.conversation_id == last.conversation_id
    # every run is in the history, and the history view lists them
    qtbot.waitUntil(lambda: len(panel.history.runs()) == len(names), timeout=10_000)
    aio.run(panel.history_view.refresh())
    assert panel.history_view.model.rowCount() == len(names)
    # the fault switched on for the failing scenario was switched off again
    assert window.sandbox.faults == frozenset()


def test_failing_scenario_shows_its_rows_in_the_window(qtbot, aio, window, panel):
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(EXAMPLES))
    item = shown(sidebar)["Deliberately failing (flow re-keys the CRM id)"]
    sidebar.list.setCurrentItem(item)
    fault = window.fault_actions["lowercase-keys"]
    ticked_while_running = []
    fault.changed.connect(lambda: ticked_while_running.append(fault.isChecked()))
    qtbot.mouseClick(sidebar.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: item.data(VERDICT_ROLE) == "fail", timeout=60_000)
    # the menu showed the scenario's fault while it ran, and shows the user's choice after
    assert ticked_while_running == [True, False]
    assert not fault.isChecked() and window.sandbox.faults == frozenset()
    model = window.model
    rows = [
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]
    assert rows[0] == (
        "crmCustomerId",
        "CRM-80008-FAIL",
        "crmCustomerid = CRM-80008-FAIL",
        "⚠ case mismatch",
    )
    assert window.banner.title.text().startswith("FAIL")


def test_cancel_stops_run_all(qtbot, aio, panel):
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(EXAMPLES))
    task = sidebar.run_all()
    qtbot.waitUntil(lambda: sidebar.progress.value() >= 3, timeout=60_000)
    qtbot.mouseClick(sidebar.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sidebar.status.text() == "Cancelled", timeout=30_000)
    assert task.cancelled()
    assert sidebar.run_all_button.isEnabled() and not sidebar.cancel_button.isEnabled()
    assert sidebar.progress.value() < len(sidebar.scenarios())


def test_load_into_form_and_save_the_form_as_a_scenario(aio, window, panel, tmp_path):
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(EXAMPLES))
    unicode_case = next(s for s in sidebar.scenarios() if s.name == "Unicode CRM id and values")
    sidebar.load_into_form(unicode_case)
    assert window.form.crm_id.text() == "CRM-Ünïcødé-東京-42"
    assert window.form.attributes() == [
        ("customerName", "Zoë Ångström-Núñez"),
        ("city", "名古屋市"),
        ("note", "مرحبا 👋 — ça va?"),
    ]
    window.form.add_attribute("channel", "web")
    path = tmp_path / "mine.yaml"
    sidebar.save_form_as(path, "My case")
    saved = load_scenario_file(path)
    assert saved.name == "My case"
    assert saved.crm_id == "CRM-Ünïcødé-東京-42"
    assert dict(saved.attributes) == {
        "customerName": "Zoë Ångström-Núñez",
        "city": "名古屋市",
        "note": "مرحبا 👋 — ça va?",
        "channel": "web",
    }
    assert "東京" in path.read_text(encoding="utf-8")


def test_invalid_files_are_listed_with_their_error(aio, panel, tmp_path):
    (tmp_path / "good.yaml").write_text("name: good\ncrmId: C-1\n")
    (tmp_path / "bad.yaml").write_text("name: bad\ncrmId: 42\n")
    aio.run(panel.sidebar.open_folder(tmp_path))
    items = shown(panel.sidebar)
    assert items["bad.yaml"].data(VERDICT_ROLE) == "invalid"
    assert "bad.yaml:2: crmId: expected text" in items["bad.yaml"].toolTip()
    assert panel.sidebar.problems.isVisibleTo(panel.sidebar)
    assert [s.name for s in panel.sidebar.scenarios()] == ["good"]


def test_menu_actions_are_added(window, panel):
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Scenarios" in titles
    assert {"open", "save", "run", "run_all", "cancel", "history"} <= set(panel.actions)


def test_the_result_pane_names_the_scenario_and_never_a_previous_conversation(
    qtbot, aio, window, panel
):
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(EXAMPLES))
    items = shown(sidebar)

    def run(name):
        sidebar.list.setCurrentItem(items[name])
        # The verdict shows a moment before the run ends; Run is greyed until it has.
        qtbot.waitUntil(sidebar.run_button.isEnabled, timeout=60_000)
        qtbot.mouseClick(sidebar.run_button, Qt.MouseButton.LeftButton)
        # The item has no verdict before its first run, so wait for one, not for "not running":
        # that held at once and left the run 5 s, too little on a loaded machine.
        qtbot.waitUntil(
            lambda: items[name].data(VERDICT_ROLE) in {"pass", "fail", "error"}, timeout=60_000
        )

    run("Plain CRM id")
    first = window.result.conversation_id
    assert first and window.conversation_label.text() == (
        f"Scenario “Plain CRM id” · Conversation {first}"
    )
    run("Oversize attributes refused")  # refused before any chat: no conversation
    assert window.result.conversation_id is None
    assert window.conversation_label.text() == "Scenario “Oversize attributes refused”"


def test_a_messenger_scenario_runs_in_the_web_view_and_is_judged(
    qtbot, aio, window, panel, tmp_path
):
    (tmp_path / "a-web.yaml").write_text(
        "name: In the web view\nlauncher: messenger\ncrmId: CRM-WEB-1\nattributes: {source: web}\n"
    )
    (tmp_path / "b-web-recased.yaml").write_text(
        "name: In the web view, re-keyed\nlauncher: messenger\ncrmId: CRM-WEB-2\n"
        "sandboxFaults: [lowercase-keys]\n"
    )
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(tmp_path))
    items = shown(sidebar)
    task = sidebar.run_all()
    qtbot.waitUntil(task.done, timeout=120_000)
    assert task.exception() is None
    assert items["In the web view"].data(VERDICT_ROLE) == "pass"
    assert items["In the web view, re-keyed"].data(VERDICT_ROLE) == "fail"
    # the last one is in the window: its chat ran in the page, its rows in the table
    rows = [window.model.data(window.model.index(r, 3)) for r in range(window.model.rowCount())]
    assert rows == ["⚠ case mismatch"]
    assert window.result.sent == {"crmCustomerId": "CRM-WEB-2"}
    assert window.sandbox.faults == frozenset()  # the scenario's fault was switched off again
    qtbot.waitUntil(lambda: len(panel.history.runs()) == 2, timeout=10_000)
    runs = {r.scenario: r.verdict for r in panel.history.runs()}
    assert runs == {"In the web view": "pass", "In the web view, re-keyed": "fail"}


def test_website_page_scenarios_run_from_the_sidebar_with_the_command_line_s_verdicts(
    qtbot, aio, window, panel, tmp_path
):
    """launcher: page scenarios run through the page mode's run, wired as the app wires it;
    each icon is the verdict `inspector run` gives the same file. One expects what its page
    does not do, so not every icon is a pass."""
    import shutil

    from inspector.website.menu import attach_page_mode
    from inspector.website.scenarios import PageScenarios

    folder = tmp_path / "website"
    shutil.copytree(EXAMPLES / "website", folder)
    (folder / "zz-wrong.yaml").write_text(
        "name: Good page taken for a late one\nlauncher: page\npage: good.html\n"
        "expect: {verdict: fail, diagnoses: [attributes-after-first-message]}\n"
    )
    for name in ("hidden", "spelling", "headless"):  # three pages are enough for the window
        for suffix in (".yaml", ".html"):
            (folder / f"{name}{suffix}").unlink()
    attach_page_mode(window, window.sandbox, panel.sidebar)
    sidebar = panel.sidebar
    aio.run(sidebar.open_folder(folder))
    items = shown(sidebar)
    assert len(items) == 5 and all(i.data(VERDICT_ROLE) == "" for i in items.values())
    # a page scenario has nothing to put in the form
    sidebar.load_into_form(sidebar.scenarios()[0])
    assert "runs a website page" in sidebar.status.text()
    task = sidebar.run_all()
    qtbot.waitUntil(task.done, timeout=240_000)
    assert task.exception() is None
    suite = load_suite([folder])
    cli = aio.run(run_suite(suite.scenarios, run_page=PageScenarios()), 240)
    expected = {r.scenario.name: r.outcome.verdict.value for r in cli.runs}
    seen = {name: item.data(VERDICT_ROLE) for name, item in items.items()}
    assert seen == expected
    assert expected.pop("Good page taken for a late one") == "fail"
    assert set(expected.values()) == {"pass"}
    for name, item in items.items():
        assert item.icon().cacheKey() == verdict_icon(seen[name]).cacheKey()
        assert item.toolTip().startswith(seen[name].upper())
    assert sidebar.summary.text().startswith("Run all: 4 passed, 1 failed, 0 errors")
    # the last run's rows are in the window: the good page sent the id and it arrived
    rows = [
        [window.model.data(window.model.index(r, c)) for c in range(4)]
        for r in range(window.model.rowCount())
    ]
    assert ["crmCustomerId", "C-10442", "C-10442", "✔ match"] in rows
    qtbot.waitUntil(lambda: len(panel.history.runs()) == 5, timeout=10_000)
    runs = {r.scenario: r.verdict for r in panel.history.runs()}
    assert runs == seen


def test_the_sidebar_at_its_narrowest_still_shows_each_button_s_whole_text(qtbot, aio, panel):
    sidebar = panel.sidebar
    dock = sidebar.parentWidget()
    dock.setFloating(True)
    dock.resize(10, 500)  # as narrow as the user can drag it, or a saved layout restores it
    qtbot.waitUntil(lambda: sidebar.width() == sidebar.minimumWidth())
    for button in (sidebar.run_button, sidebar.run_all_button, sidebar.cancel_button):
        # the style's own size for the text and its padding: narrower cuts the text off
        needed = button.minimumSizeHint().width()
        assert button.width() >= needed, (button.text(), button.width(), needed)

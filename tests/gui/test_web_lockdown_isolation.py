"""Twenty verifications in a row: nothing a chat page stored survives into the next run.

Messenger keeps its guest session in localStorage; a profile shared between runs would resume
the previous chat. Each run here writes a marker into every store the page has (cookie,
localStorage, IndexedDB) and the next run's fresh page must show none of them.
"""

from PySide6.QtCore import Qt

RUNS = 20
RUN_TIMEOUT_MS = 40_000

WRITE_MARKERS = """
new Promise((resolve, reject) => {
  const run = %d;
  localStorage.setItem('inspector-test-marker', 'run-' + run);
  document.cookie = 'inspectorTestMarker=run-' + run + '; max-age=3600; path=/';
  const open = indexedDB.open('inspector-test-marker-' + run, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('markers');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction('markers', 'readwrite');
    tx.objectStore('markers').put('run-' + run, 'run');
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
})
"""

READ_STORES = """
indexedDB.databases().then(dbs => ({
  cookie: document.cookie,
  localStorage: Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k)),
  indexedDB: dbs.map(db => db.name).sort(),
  origin: location.origin,
}))
"""


def run_once(qtbot, window):
    window.result = None
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    assert window.result.verdict.value == "pass", window.banner.title.text()


def test_twenty_runs_carry_no_cookie_storage_or_database_over(qtbot, window, run_js):
    pages = []
    for run in range(RUNS):
        run_once(qtbot, window)
        page = window.chat.page
        assert page is not None and all(page is not old for old in pages)
        pages.append(page)
        stores = run_js(page, READ_STORES)["ok"]
        assert stores["origin"] == "https://shop.example.com"
        # Nothing at all from a test marker: the previous run's page wrote one of each.
        assert "inspectorTestMarker" not in stores["cookie"], (run, stores)
        assert not any(e.startswith("inspector-test-marker") for e in stores["localStorage"]), (
            run,
            stores,
        )
        assert not any(n.startswith("inspector-test-marker") for n in stores["indexedDB"]), (
            run,
            stores,
        )
        # Write this run's markers and read them back, so the check above can fail.
        assert run_js(page, WRITE_MARKERS % run) == {"ok": True}
        written = run_js(page, READ_STORES)["ok"]
        assert f"inspectorTestMarker=run-{run}" in written["cookie"]
        assert f"inspector-test-marker=run-{run}" in written["localStorage"]
        assert f"inspector-test-marker-{run}" in written["indexedDB"]

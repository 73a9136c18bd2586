"""A local page's own files (its scripts, styles, images) on 127.0.0.1, for the page's origin.

A page opened from a file is given the origin the admin names (https://shop.example.com), so
`<script src="js/app.js">` asks that origin. The files in the page's folder are served here
instead (ui.page_redirect.LocalFiles sends those requests here), so the page's own code runs
as on the website, offline.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

__all__ = ["MAX_FILES", "PageFileServer", "page_files"]

log = logging.getLogger("inspector.page")

MAX_FILES = 5000  # a page's folder, not a disk: stop listing beyond this


def page_files(folder: Path) -> frozenset[str]:
    """The files under `folder` (hidden ones left out), as paths relative to it with "/"."""
    found: set[str] = set()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        found.add(relative.as_posix())
        if len(found) >= MAX_FILES:
            log.warning("Serving only the first %d files of %s", MAX_FILES, folder)
            break
    return frozenset(found)


class PageFileServer:
    """Serves one folder's files over HTTP on 127.0.0.1 (no listing, nothing outside it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_static("/", self.folder, show_index=False, follow_symlinks=False)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        log.info("Serving the page's files from %s at %s", self.folder, self.base_url)
        return self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

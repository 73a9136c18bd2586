"""The admin's own website page, watched while a customer chats (File ▸ Open website page…).

- `page_run`: the one place a page run is assembled, for the window, `inspector page` and
  page scenarios.
- `local_files`: a local page's own scripts and styles, served on 127.0.0.1 for its origin.
- `scenarios`: `launcher: page` scenarios in a suite, with the Qt loop they need.
- `menu`: the window's menu entry and page window, wired to the window's org.

It sits above `ui` and `orgs`: it joins the page views to an org's clients.
"""

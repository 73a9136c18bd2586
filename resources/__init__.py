"""Files the app loads at run time: the chat host page, the bridge, watcher and stand-in
scripts, the icon and the scenario schema.

This folder installs as the `inspector.resources` package (pyproject.toml maps it), so a wheel,
an editable install and the frozen bundle all find the files through importlib.resources;
`inspector.runtime.resources` reads them. It holds data only, no code.
"""

"""Checks that run before Qt starts, so a broken install gets one clear message, not an abort.

Qt aborts the process when its platform plugin cannot load (a missing `libxcb-cursor.so.0` is
the common case on a fresh Linux desktop: "could not load the Qt platform plugin xcb"), and
importing QtWebEngine raises an ImportError naming a `.so` when one of Chromium's libraries is
absent. Both happen before any window exists, so the user sees a Qt dump or a traceback, and
an abort even leaves a crash report that the next start presents as a crash.

Following qutebrowser's misc/earlyinit.py, the GUI path calls `check_gui_libraries()` before it
creates the QApplication: it loads each system library the platform plugin links against (by
soname, with `ctypes`: no subprocess), imports QtWebEngine and, only if that import fails,
loads each library QtWebEngine links against; a failure becomes one sentence naming the
Debian/Ubuntu packages to install.
For an X11 window it also connects to the X display once (with libxcb, as the plugin will): a
display that does not answer is the other common abort.

Before those, `python_problem()` and `missing_packages()` (called first by inspector/cli.py)
check the interpreter's version and that the Python packages the window needs are installed,
without importing them; `broken_package_problem()` then imports the few the window loads
before it shows, so a package that is there but fails to import is one sentence too.

No Qt import at module level: this runs when Qt itself is what cannot load.

This module and what runs before `python_problem()` (inspector/__init__.py, __main__.py and
cli.py) must parse and run on older Pythons, so that an interpreter older than
`PYTHON_REQUIRED` gets the message instead of a SyntaxError or a TypeError: no `match`, no
walrus, no `X | Y` or `list[str]` outside annotations (which `from __future__ import
annotations` keeps unevaluated; that import sets the floor at Python 3.7), no typing
subscripts at module level, no stdlib names newer than 3.7. tests/e2e/test_startup_python.py
runs the check under every older interpreter this machine has.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.machinery
import importlib.util
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inspector.runtime.python_version import PYTHON_REQUIRED, python_problem

__all__ = [
    "EARLY_IMPORTS",
    "LOOP_IMPORTS",
    "PYSIDE6_VERSIONS",
    "PYTHON_REQUIRED",
    "REQUIRED_PACKAGES",
    "WEBENGINE_LIBRARIES",
    "XCB_LIBRARIES",
    "MissingLibrary",
    "PythonPackage",
    "SystemLibrary",
    "broken_package_problem",
    "check_gui_libraries",
    "import_problem",
    "libraries_for",
    "load_library",
    "missing_libraries",
    "missing_libraries_message",
    "missing_packages",
    "missing_packages_message",
    "plugin_libraries",
    "prefer_offscreen",
    "python_problem",
    "qt_platform",
    "x_display_problem",
]

log = logging.getLogger("inspector.init")

if TYPE_CHECKING:  # a subscripted collections.abc name fails at run time before Python 3.9
    Loader = Callable[[str], object]
    FindSpec = Callable[[str], object]

# The PySide6 versions of pyproject.toml's dependencies (compared there too).
PYSIDE6_VERSIONS = ">=6.11.3,<6.12"


@dataclass(frozen=True)
class PythonPackage:
    """A module the window imports, and the pip requirement that installs it."""

    module: str
    distribution: str
    versions: str = ""

    @property
    def requirement(self) -> str:
        if not self.versions:
            return self.distribution
        return "'" + self.distribution + self.versions + "'"  # quoted for the shell

    @property
    def label(self) -> str:
        top = self.module.split(".")[0]
        return self.module if top == self.distribution else f"{self.module} ({self.distribution})"


# What the window imports from outside the standard library (pyproject.toml's dependencies).
# In PySide6 6.11 QtWebEngine comes in the PySide6-Addons distribution.
REQUIRED_PACKAGES = (
    PythonPackage("PySide6", "PySide6", PYSIDE6_VERSIONS),
    PythonPackage("PySide6.QtWebEngineWidgets", "PySide6-Addons", PYSIDE6_VERSIONS),
    PythonPackage("qasync", "qasync"),
    PythonPackage("httpx", "httpx"),
    PythonPackage("aiohttp", "aiohttp"),
    PythonPackage("websockets", "websockets"),
    PythonPackage("keyring", "keyring"),
    PythonPackage("platformdirs", "platformdirs"),
    PythonPackage("yaml", "PyYAML"),
    PythonPackage("tenacity", "tenacity"),
)
# Those of them the window imports before it shows (PySide6 is imported by
# check_gui_libraries); the others load after the first paint, and are not imported early only
# to be checked.
EARLY_IMPORTS = tuple(p for p in REQUIRED_PACKAGES if p.module == "platformdirs")
# The event loop's, imported on the first tick after the paint (app.run_gui), where a broken
# one still ends the start with this module's message.
LOOP_IMPORTS = tuple(p for p in REQUIRED_PACKAGES if p.module == "qasync")


def missing_packages(
    packages: Iterable[PythonPackage] = REQUIRED_PACKAGES,
    find_spec: FindSpec = importlib.util.find_spec,
) -> list[PythonPackage]:
    """Each package that is not installed, found as an import would find it, without importing.

    A submodule is looked up in its package's folders, as its import would search them, so
    not even the package is imported (importing PySide6 is what earlyinit must not do yet).
    A frozen bundle carries its packages and is not checked.
    """
    if getattr(sys, "frozen", False):
        return []
    missing = []
    for package in packages:
        top, _, rest = package.module.partition(".")
        try:
            spec = find_spec(top)
            if spec is not None and rest and package.module not in sys.modules:
                folders = getattr(spec, "submodule_search_locations", None)
                spec = (
                    importlib.machinery.PathFinder.find_spec(package.module, list(folders))
                    if folders is not None
                    else None
                )
        except (ImportError, ValueError) as exc:  # a parent that fails, a module without spec
            log.debug("Looking for %s failed: %s", package.module, exc)
            spec = None
        if spec is None:
            missing.append(package)
    return missing


def _pip(executable: str | None) -> str:
    python = sys.executable if executable is None else executable
    if not python:
        return "pip"
    return ('"' + python + '"' if " " in python else python) + " -m pip"


def missing_packages_message(missing: list[PythonPackage], executable: str | None = None) -> str:
    """One message: which modules are missing, and the pip command that installs them."""
    several = len(missing) > 1
    names = ", ".join(package.label for package in missing)
    requirements = " ".join(dict.fromkeys(package.requirement for package in missing))
    return (
        f"Cannot open the window: the Python {'modules' if several else 'module'} {names} "
        f"{'are' if several else 'is'} missing. Install {'them' if several else 'it'} with: "
        f"{_pip(executable)} install {requirements}"
    )


def broken_package_problem(
    packages: Iterable[PythonPackage] = EARLY_IMPORTS,
    import_module: Callable[[str], object] = importlib.import_module,
    executable: str | None = None,
) -> str | None:
    """Import the packages the window needs before it shows; the message if one fails.

    They are installed (`missing_packages`) but may still fail to import: a damaged or
    half-upgraded install, or a module of the same name earlier on the path. Whatever a
    broken third-party package raises becomes the message, not a traceback.
    """
    for package in packages:
        try:
            import_module(package.module)
        except Exception as exc:
            log.debug("Importing %s failed", package.module, exc_info=True)
            error = " ".join(f"{type(exc).__name__}: {exc}".split())
            return (
                f"Cannot open the window: the Python module {package.label} cannot be "
                f"imported ({error}). Reinstall it with: {_pip(executable)} install "
                f"--force-reinstall {package.requirement}"
            )
    return None


@dataclass(frozen=True)
class SystemLibrary:
    """A shared library Qt loads from the system, and the Debian package that ships it."""

    soname: str
    package: str


@dataclass(frozen=True)
class MissingLibrary:
    """A library that failed to load, with the loader's own reason."""

    soname: str
    package: str | None
    error: str

    @property
    def absent(self) -> bool:
        """Not found at all (rather than found but unusable)."""
        return "cannot open shared object file" in self.error or "No such file" in self.error


def _libraries(*pairs: str) -> tuple[SystemLibrary, ...]:
    return tuple(
        SystemLibrary(soname, package) for soname, package in (pair.split(" ") for pair in pairs)
    )


# What PySide6's libQt6WebEngineCore links from the system (ldd, PySide6 6.11), with the
# Debian 12 packages (DESIGN.md). Needed on every platform, offscreen included.
WEBENGINE_LIBRARIES = _libraries(
    "libglib-2.0.so.0 libglib2.0-0",
    "libdbus-1.so.3 libdbus-1-3",
    "libfontconfig.so.1 libfontconfig1",
    "libfreetype.so.6 libfreetype6",
    "libnspr4.so libnspr4",
    "libnss3.so libnss3",
    "libnssutil3.so libnss3",
    "libsmime3.so libnss3",
    "libasound.so.2 libasound2",
    "libEGL.so.1 libegl1",
    "libGL.so.1 libgl1",
    "libgbm.so.1 libgbm1",
    "libX11.so.6 libx11-6",
    "libxcb.so.1 libxcb1",
    "libxcb-dri3.so.0 libxcb-dri3-0",
    "libXcomposite.so.1 libxcomposite1",
    "libXdamage.so.1 libxdamage1",
    "libXext.so.6 libxext6",
    "libXfixes.so.3 libxfixes3",
    "libxkbcommon.so.0 libxkbcommon0",
    "libxkbfile.so.1 libxkbfile1",
    "libXrandr.so.2 libxrandr2",
    "libXtst.so.6 libxtst6",
)

# What the xcb platform plugin (libqxcb.so and libQt6XcbQpa) adds; only for an X11 window.
XCB_LIBRARIES = _libraries(
    "libX11-xcb.so.1 libx11-xcb1",
    "libxcb-cursor.so.0 libxcb-cursor0",
    "libxcb-icccm.so.4 libxcb-icccm4",
    "libxcb-image.so.0 libxcb-image0",
    "libxcb-keysyms.so.1 libxcb-keysyms1",
    "libxcb-randr.so.0 libxcb-randr0",
    "libxcb-render.so.0 libxcb-render0",
    "libxcb-render-util.so.0 libxcb-render-util0",
    "libxcb-shape.so.0 libxcb-shape0",
    "libxcb-shm.so.0 libxcb-shm0",
    "libxcb-sync.so.1 libxcb-sync1",
    "libxcb-util.so.1 libxcb-util1",
    "libxcb-xfixes.so.0 libxcb-xfixes0",
    "libxcb-xkb.so.1 libxcb-xkb1",
    "libxkbcommon-x11.so.0 libxkbcommon-x11-0",
)

# Not loaded by the check, but named by the loader when a library above needs them.
_DEPENDENCY_PACKAGES = {
    "libdrm.so.2": "libdrm2",
    "libexpat.so.1": "libexpat1",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libplc4.so": "libnspr4",
    "libplds4.so": "libnspr4",
    "libpng16.so.16": "libpng16-16",
    "libudev.so.1": "libudev1",
    "libwayland-server.so.0": "libwayland-server0",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libXrender.so.1": "libxrender1",
}
_KNOWN_PACKAGES = {
    **_DEPENDENCY_PACKAGES,
    **{lib.soname: lib.package for lib in (*WEBENGINE_LIBRARIES, *XCB_LIBRARIES)},
}
# Libraries that come with PySide6 itself, not from the system.
_BUNDLED = re.compile(r"^lib(Qt6|pyside6|shiboken6)", re.IGNORECASE)
_SONAME = re.compile(r"(lib[\w.+-]*?\.so(?:\.\d+)*)\b")


def prefer_offscreen(environ: MutableMapping[str, str] | None = None) -> None:
    """For a run without a window (the self-test, `inspector page`, page scenarios of
    `inspector run`): on Linux with no display, render offscreen instead of failing.
    Windows and macOS always have a display; a platform already chosen is kept."""
    env = os.environ if environ is None else environ
    if (
        sys.platform.startswith("linux")
        and not env.get("QT_QPA_PLATFORM")
        and not env.get("DISPLAY")
        and not env.get("WAYLAND_DISPLAY")
    ):
        env["QT_QPA_PLATFORM"] = "offscreen"


def qt_platform(environ: Mapping[str, str]) -> str:
    """The platform plugin Qt will try first on Linux, as QGuiApplication picks it.

    `QT_QPA_PLATFORM` wins (its first entry of a `;` list, without `:options`); otherwise a
    Wayland session tries wayland first, and anything else is xcb.
    """
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip()
    if environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def plugin_libraries(platform: str) -> tuple[SystemLibrary, ...]:
    """What the platform plugin itself links: checked before Qt starts, since one missing
    aborts the process at the QApplication."""
    return XCB_LIBRARIES if platform == "xcb" else ()


def libraries_for(platform: str) -> tuple[SystemLibrary, ...]:
    """Every system library the window needs on this platform plugin: QtWebEngine's, which
    `check_gui_libraries` looks for only once its import failed, and the plugin's own."""
    return (*WEBENGINE_LIBRARIES, *plugin_libraries(platform))


def load_library(soname: str) -> object:
    """Load a library as Qt will find it: the loader's search path, then a frozen bundle's own.

    A PyInstaller bundle may carry a library the system lacks; Qt finds it there through its
    run path, which a bare soname given to `dlopen` does not search.
    """
    try:
        return ctypes.CDLL(soname)
    except OSError:
        bundle = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
        if bundle is None or not os.path.exists(os.path.join(bundle, soname)):
            raise
        return ctypes.CDLL(os.path.join(bundle, soname))


def missing_libraries(
    libraries: Iterable[SystemLibrary], load: Loader = load_library
) -> list[MissingLibrary]:
    """Each library that the dynamic loader cannot load, in the order given."""
    missing: dict[str, MissingLibrary] = {}
    for library in libraries:
        try:
            load(library.soname)
        except OSError as exc:
            log.debug("Cannot load %s: %s", library.soname, exc)
            found = _culprit(str(exc))
            if found is not None and found != library.soname:
                # A library that is there but needs one that is not: name the one missing.
                missing.setdefault(
                    found, MissingLibrary(found, _KNOWN_PACKAGES.get(found), str(exc))
                )
            else:
                missing.setdefault(
                    library.soname, MissingLibrary(library.soname, library.package, str(exc))
                )
    return list(missing.values())


def _culprit(error: str) -> str | None:
    """The library the dynamic loader's message names (the one it failed to load)."""
    match = _SONAME.search(error)
    return match.group(1) if match else None


def missing_libraries_message(missing: list[MissingLibrary]) -> str:
    """One message for the user: which libraries, and the packages that provide them."""
    names = ", ".join(lib.soname for lib in missing)
    several = len(missing) > 1
    kind = "libraries" if several else "library"
    if not any(_BUNDLED.match(lib.soname) for lib in missing):
        kind = f"system {kind}"
    if all(lib.absent for lib in missing):
        what = f"the {kind} {names} " + ("are missing" if several else "is missing")
    else:
        reasons = "; ".join(dict.fromkeys(lib.error for lib in missing))
        what = f"the {kind} {names} cannot be loaded ({reasons})"
    packages = list(dict.fromkeys(lib.package for lib in missing if lib.package))
    message = f"Cannot open the window: {what}."
    if packages:
        them = "them" if several else "it"
        message += f" On Debian or Ubuntu, install {them} with: sudo apt-get install " + " ".join(
            packages
        )
    unknown = [lib.soname for lib in missing if lib.package is None]
    own = [name for name in unknown if _BUNDLED.match(name)]
    system = [name for name in unknown if name not in own]
    if system:
        message += (
            f" Install the package that provides {', '.join(system)} "
            f"(on Debian or Ubuntu, `apt-file search {system[0]}` names it)."
        )
    if own:
        message += f" Reinstall Inspector: {', '.join(own)} comes with it."
    return message


def import_problem(exc: ImportError) -> str:
    """The message for a failed Qt import: the library it names, or the error as it is."""
    text = str(exc)
    match = _SONAME.search(text)
    if match is None:
        return (
            f"Cannot open the window: PySide6 with QtWebEngine cannot be imported "
            f"({text}). Reinstall Inspector, or `pip install 'PySide6{PYSIDE6_VERSIONS}'`."
        )
    soname = match.group(1)
    # "<path or soname>: <reason>", as the dynamic loader words it.
    reason = text[match.end() :].lstrip(": ").strip() or text
    return missing_libraries_message([MissingLibrary(soname, _KNOWN_PACKAGES.get(soname), reason)])


def x_display_problem(environ: Mapping[str, str]) -> str | None:
    """Whether the X server the xcb plugin will use answers; Qt aborts when it does not.

    Connects with libxcb as Qt's plugin does (a local socket or TCP, and the X authority), then
    disconnects: a stale `DISPLAY` or an ssh session without X forwarding is one sentence.
    """
    display = environ.get("DISPLAY", "")
    if not display:
        return (
            "Cannot open the window: Qt is set to use X11 (QT_QPA_PLATFORM=xcb) but DISPLAY is "
            "not set. Run Inspector on a desktop, under `xvfb-run inspector`, or headless with "
            "`inspector verify`."
        )
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        error = int(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)
    if error == 0:
        return None
    log.debug("xcb_connect(%r) failed with error %d", display, error)
    return (
        f"Cannot open the window: the X display {display} (DISPLAY) does not answer or refuses "
        "the connection. Run Inspector inside that desktop session, under `xvfb-run inspector`, "
        "or headless with `inspector verify`."
    )


def check_gui_libraries(
    environ: Mapping[str, str] | None = None,
    *,
    libraries: Iterable[SystemLibrary] | None = None,
    load: Loader = load_library,
    import_module: Callable[[str], object] = importlib.import_module,
) -> str | None:
    """Before the QApplication: the message to show if the window cannot start, else None.

    `libraries` defaults to what the chosen platform plugin needs; on Windows and macOS only
    the QtWebEngine import is checked (the bundle carries everything else).
    """
    env = os.environ if environ is None else environ
    linux = sys.platform.startswith("linux")
    if linux:
        platform = qt_platform(env)
        # The plugin's libraries before anything: one missing aborts with nothing to catch.
        # QtWebEngine's are looked at below, only when its import failed (23 libraries,
        # 6-10 ms measured on every start otherwise).
        needed = plugin_libraries(platform) if libraries is None else tuple(libraries)
        missing = missing_libraries(needed, load)
        if missing:
            log.debug("Qt platform %s; missing: %s", platform, [m.soname for m in missing])
            return missing_libraries_message(missing)
        if platform == "xcb" and libraries is None:
            problem = x_display_problem(env)
            if problem is not None:
                return problem
    try:
        # Also the import QtWebEngine needs before any QApplication exists.
        import_module("PySide6.QtWebEngineWidgets")
    except ImportError as exc:
        log.debug("Importing QtWebEngine failed: %s", exc)
        missing = missing_libraries(WEBENGINE_LIBRARIES, load) if linux else []
        return missing_libraries_message(missing) if missing else import_problem(exc)
    return None

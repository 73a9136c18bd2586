"""Build the Inspector bundle with PyInstaller, print its size, and run its self-test.

    python packaging/build.py                  icons + bundle + sizes (+ a tar.gz / zip)
    python packaging/build.py --self-test      ... then run the frozen `inspector --self-test`
    python packaging/build.py --self-test-only run the self-test on an existing bundle
    python packaging/build.py --icons-only     render resources/inspector.svg only
    python packaging/build.py --print-version  the version from the package metadata

The same script runs on Windows, macOS and Linux (release workflow, `./dev bundle`). The
installers are built from its output by packaging/windows/inspector.iss and
packaging/macos/make_dmg.sh.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from importlib.metadata import version as package_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "inspector.spec"
DIST = PACKAGING / "dist"
WORK = PACKAGING / "build"
ICONS = WORK / "icons"
MB = 1_000_000


def app_version() -> str:
    """From the installed package's metadata (pyproject.toml), the single source of truth."""
    return package_version("inspector")


def bundle_dir(dist: Path = DIST) -> Path:
    """The folder to ship: the .app on macOS, the onedir folder elsewhere."""
    return dist / "Inspector.app" if sys.platform == "darwin" else dist / "inspector"


def executable(dist: Path = DIST) -> Path:
    if sys.platform == "darwin":
        return bundle_dir(dist) / "Contents" / "MacOS" / "inspector"
    return bundle_dir(dist) / ("inspector.exe" if sys.platform == "win32" else "inspector")


# --- icons -------------------------------------------------------------------------------


def render_icons(out: Path = ICONS) -> dict[str, Path]:
    """PNG sizes, a multi-size .ico and an .icns from the SVG, drawn by Qt (no extra tools)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication

    from inspector.ui.app_icon import render_icon

    _app = QGuiApplication.instance() or QGuiApplication([])
    out.mkdir(parents=True, exist_ok=True)

    def png(size: int) -> bytes:
        image = render_icon(size)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data.data())

    pngs = {size: png(size) for size in (16, 32, 48, 64, 128, 256, 512, 1024)}
    for size in (256, 512):
        (out / f"inspector-{size}.png").write_bytes(pngs[size])
    ico = out / "inspector.ico"
    ico.write_bytes(_ico([(s, pngs[s]) for s in (16, 32, 48, 64, 128, 256)]))
    icns = out / "inspector.icns"
    icns.write_bytes(_icns(pngs))
    return {"png": out / "inspector-256.png", "ico": ico, "icns": icns}


def _ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO of PNG-compressed images (Windows Vista+ reads PNG entries; 256 is stored as 0).

    Format: ICONDIR (reserved, type 1, count) then one 16-byte ICONDIRENTRY per image, see
    https://learn.microsoft.com/en-us/previous-versions/ms997538(v=msdn.10)
    """
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return header + entries + blobs


def _icns(pngs: dict[int, bytes]) -> bytes:
    """An ICNS of PNG entries: 'icns' + total length, then (OSType, length, PNG) per size.

    OSTypes for PNG data (macOS 10.7+): ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x),
    ic11 32 (16@2x), ic12 64 (32@2x), ic13 256 (128@2x), ic14 512 (256@2x).
    """
    types = [
        ("ic11", 32),
        ("ic12", 64),
        ("ic07", 128),
        ("ic08", 256),
        ("ic13", 256),
        ("ic09", 512),
        ("ic14", 512),
        ("ic10", 1024),
    ]
    body = b"".join(
        kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for kind, size in types
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


# --- bundle ------------------------------------------------------------------------------


def build(dist: Path = DIST) -> Path:
    icons = render_icons()
    env = dict(
        os.environ, INSPECTOR_VERSION=app_version(), INSPECTOR_ICON_DIR=str(icons["ico"].parent)
    )
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(dist), "--workpath", str(WORK), str(SPEC)]
    print(f"build: {' '.join(command)}", flush=True)
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    bundle = bundle_dir(dist)
    _remove_dangling_links(bundle)
    print(f"build: PyInstaller took {time.monotonic() - started:.0f} s", flush=True)
    return bundle


def _remove_dangling_links(bundle: Path) -> None:
    """Links PyInstaller made to libraries the spec filtered out (Qt Pdf) point nowhere."""
    for path in bundle.rglob("*"):
        if path.is_symlink() and not path.exists():
            path.unlink()


def folder_size(folder: Path) -> tuple[int, int]:
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def archive(bundle: Path, dist: Path = DIST) -> Path:
    """zip on Windows (what users unpack there), tar.gz elsewhere (keeps links and modes)."""
    stem = f"inspector-{app_version()}-{_platform_tag()}"
    if sys.platform == "win32":
        target = dist / f"{stem}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(bundle.rglob("*")):
                zf.write(path, Path(bundle.name) / path.relative_to(bundle))
        return target
    target = dist / f"{stem}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tf:
        tf.add(bundle, arcname=bundle.name)
    return target


def _platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower()}"


def report_size(bundle: Path, dist: Path = DIST) -> Path:
    size, files = folder_size(bundle)
    print(f"build: bundle {bundle} is {size / MB:.1f} MB in {files} files", flush=True)
    started = time.monotonic()
    packed = archive(bundle, dist)
    kind = "zip, deflate level 6" if packed.suffix == ".zip" else "tar.gz, gzip level 6"
    print(
        f"build: compressed ({kind}) {packed.name} is {packed.stat().st_size / MB:.1f} MB "
        f"({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    return packed


# --- self-test ---------------------------------------------------------------------------


def self_test(dist: Path = DIST, timeout: float = 240.0) -> int:
    """Run the frozen `inspector --self-test` in a throw-away INSPECTOR_HOME; print its report."""
    exe = executable(dist)
    if not exe.exists():
        print(f"build: no bundle at {exe}; build it first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="inspector-selftest-") as home:
        env = dict(os.environ, INSPECTOR_HOME=home)
        if sys.platform.startswith("linux") and not env.get("DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        print(f"build: {exe} --self-test", flush=True)
        started = time.monotonic()
        try:
            status = subprocess.run([str(exe), "--self-test"], env=env, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            print(f"build: the self-test did not finish in {timeout:.0f} s", file=sys.stderr)
            status = 124
        report = Path(home) / "log" / "self-test.txt"
        if sys.platform == "win32" and report.exists():
            # The Windows build is a GUI program without stdout; its report is in the file.
            print(report.read_text(encoding="utf-8"), flush=True)
        print(
            f"build: self-test exit status {status} after {time.monotonic() - started:.1f} s",
            flush=True,
        )
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--icons-only", action="store_true")
    group.add_argument("--self-test-only", action="store_true")
    group.add_argument("--print-version", action="store_true")
    parser.add_argument("--self-test", action="store_true", help="run the self-test after")
    parser.add_argument("--no-archive", action="store_true", help="skip the compressed copy")
    parser.add_argument("--dist", type=Path, default=DIST)
    args = parser.parse_args(argv)
    if args.print_version:
        print(app_version())
        return 0
    if args.icons_only:
        for kind, path in render_icons().items():
            print(f"build: {kind} {path}")
        return 0
    if args.self_test_only:
        return self_test(args.dist)
    started = time.monotonic()
    if bundle_dir(args.dist).exists():
        shutil.rmtree(bundle_dir(args.dist))
    bundle = build(args.dist)
    if not args.no_archive:
        report_size(bundle, args.dist)
    else:
        size, files = folder_size(bundle)
        print(f"build: bundle {bundle} is {size / MB:.1f} MB in {files} files", flush=True)
    print(f"build: done in {time.monotonic() - started:.0f} s", flush=True)
    return self_test(args.dist) if args.self_test else 0


if __name__ == "__main__":
    sys.exit(main())

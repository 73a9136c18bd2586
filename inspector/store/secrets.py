"""Client secrets and refresh tokens in the OS keychain, through ``keyring``.

Where no keychain exists (``NoKeyringError``, keyring's ``fail`` or ``null`` backend, or a
plain-text backend), secrets are kept in this process's memory only and ``warning`` says so
for the window to show: nothing is ever written to a file by us. A caller for whom a secret
that dies with the process is useless (``inspector profile add`` ends at once) asks for
``allow_session_only=False`` and gets ``NoKeychainError`` instead. Keychain calls block (D-Bus,
macOS Keychain prompts), so code on the event loop uses the ``a*`` wrappers, which run them
in a thread (DESIGN.md: keyring goes through ``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import threading
from enum import StrEnum

import keyring
import keyring.core
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail

__all__ = [
    "NO_KEYCHAIN_HELP",
    "NO_KEYCHAIN_WARNING",
    "SERVICE",
    "NoKeychainError",
    "SecretKind",
    "SecretStore",
    "SecretStoreError",
    "platform_keyring",
]

log = logging.getLogger("inspector.secrets")

SERVICE = "inspector"
NO_KEYCHAIN_WARNING = "No keychain: secrets are kept for this session only."
NO_KEYCHAIN_HELP = (
    "Inspector keeps secrets only in an OS keychain, through the Python keyring library: on "
    "Linux, run a Secret Service keychain (GNOME Keyring or KWallet) in a session with D-Bus; "
    "the macOS Keychain and Windows Credential Manager need nothing. Or choose another keyring "
    "backend with the PYTHON_KEYRING_BACKEND variable or keyring's keyringrc.cfg "
    "(https://pypi.org/project/keyring/)."
)


class SecretKind(StrEnum):
    CLIENT_SECRET = "client-secret"
    REFRESH_TOKEN = "refresh-token"


class SecretStoreError(Exception):
    """The keychain exists but refused (locked, denied); the message says what to do."""


class NoKeychainError(SecretStoreError):
    """No keychain, and the caller would rather fail than keep a secret for this process.

    ``help`` says what to install or configure, for the caller to show after its own words.
    """

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.help = NO_KEYCHAIN_HELP
        super().__init__(f"no keychain found (keyring backend {backend})")


def _is_unusable(backend: KeyringBackend) -> bool:
    """Backends that store nothing or store in plain files: not a keychain."""
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        return True
    # keyrings.alt's PlaintextKeyring (and friends) write a readable file.
    return module.startswith("keyrings.alt") and "plaintext" in (module + name).lower()


# The keychains of each platform, as keyring names them. keyring.get_keyring() would import
# every backend it knows to ask each one, and on Linux the macOS one looks for its framework
# with ctypes.util.find_library, which forks a compiler toolchain (ldconfig, gcc).
_PLATFORM_BACKENDS: dict[str, tuple[str, ...]] = {
    "darwin": ("keyring.backends.macOS.Keyring",),
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "linux": ("keyring.backends.SecretService.Keyring", "keyring.backends.kwallet.DBusKeyring"),
}


def platform_keyring(platform: str = sys.platform) -> KeyringBackend:
    """The keychain backend: the one this process set (``keyring.set_keyring``), the user's
    choice (PYTHON_KEYRING_BACKEND, keyringrc.cfg), or the best viable one among this
    platform's own; keyring's ``fail`` backend when none is. The choice is then set as
    keyring's, so ``keyring.get_keyring()`` elsewhere does not probe every backend again."""
    # keyring has no public way to ask whether a backend was set without detecting one.
    current = getattr(keyring.core, "_keyring_backend", None)
    if isinstance(current, KeyringBackend):
        return current
    chosen = keyring.core.load_env() or keyring.core.load_config() or _best_for(platform)
    keyring.set_keyring(chosen)
    return chosen


def _best_for(platform: str) -> KeyringBackend:
    names = _PLATFORM_BACKENDS.get("linux" if platform.startswith("linux") else platform, ())
    viable: list[tuple[float, KeyringBackend]] = []
    for name in names:
        module_name, _, class_name = name.rpartition(".")
        try:
            backend_class = getattr(importlib.import_module(module_name), class_name)
            priority = float(backend_class.priority)  # raises when the backend cannot work here
        except Exception as exc:  # keyring's viability check raises anything (RuntimeError, ...)
            log.debug("keyring backend %s not usable: %s", name, exc)
            continue
        viable.append((priority, backend_class()))
    if not viable:
        return fail.Keyring()  # type: ignore[no-untyped-call]
    return max(viable, key=lambda pair: pair[0])[1]


class SecretStore:
    """Secrets per profile, one keychain entry each: service ``inspector``, user
    ``<profile>:<kind>``. Thread-safe; the values never appear in logs or ``repr``."""

    def __init__(
        self,
        *,
        service: str = SERVICE,
        backend: KeyringBackend | None = None,
        allow_session_only: bool = True,
    ) -> None:
        """Raises ``NoKeychainError`` without a keychain when ``allow_session_only`` is False."""
        self.service = service
        self._backend = backend or platform_keyring()
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._warned = False
        self._allow_session_only = allow_session_only
        self._persistent = not _is_unusable(self._backend)
        if not self._persistent:
            self._fall_back(f"the keyring backend is {self.backend_name}")

    def __repr__(self) -> str:
        return f"SecretStore(service={self.service!r}, backend={self.backend_name!r})"

    @property
    def backend_name(self) -> str:
        backend = type(self._backend)
        return f"{backend.__module__}.{backend.__qualname__}"

    @property
    def persistent(self) -> bool:
        """False when secrets live in memory only (no keychain)."""
        return self._persistent

    @property
    def warning(self) -> str | None:
        """The sentence the UI shows when secrets do not survive this session."""
        return None if self._persistent else NO_KEYCHAIN_WARNING

    def _fall_back(self, why: str) -> None:
        if not self._allow_session_only:
            raise NoKeychainError(self.backend_name)  # and never keep a secret in memory
        if not self._warned:
            log.warning("%s (%s)", NO_KEYCHAIN_WARNING, why)
        self._warned = True
        self._persistent = False

    @staticmethod
    def _user(profile: str, kind: SecretKind) -> str:
        return f"{profile}:{kind}"

    def get(self, profile: str, kind: SecretKind) -> str | None:
        user = self._user(profile, kind)
        with self._lock:
            if self._persistent:
                try:
                    return self._backend.get_password(self.service, user)
                except keyring.errors.NoKeyringError as exc:
                    self._fall_back(str(exc))
                except keyring.errors.KeyringError as exc:
                    raise SecretStoreError(
                        f"The keychain refused to read the {kind} of {profile!r}: {exc}"
                    ) from None
            return self._memory.get(user)

    def set(self, profile: str, kind: SecretKind, value: str) -> None:
        if not value:
            raise ValueError("a secret must not be empty")
        user = self._user(profile, kind)
        with self._lock:
            if self._persistent:
                try:
                    self._backend.set_password(self.service, user, value)
                    log.info("stored the %s of profile %r in the keychain", kind, profile)
                    return
                except keyring.errors.NoKeyringError as exc:
                    self._fall_back(str(exc))
                except keyring.errors.KeyringError as exc:
                    raise SecretStoreError(
                        f"The keychain refused to store the {kind} of {profile!r}: {exc}"
                    ) from None
            self._memory[user] = value
            log.info("kept the %s of profile %r for this session only", kind, profile)

    def delete(self, profile: str, kind: SecretKind) -> None:
        """Forget one secret; a missing one is not an error."""
        user = self._user(profile, kind)
        with self._lock:
            self._memory.pop(user, None)
            if not self._persistent:
                return
            try:
                self._backend.delete_password(self.service, user)
            except keyring.errors.PasswordDeleteError:
                pass
            except keyring.errors.NoKeyringError as exc:
                self._fall_back(str(exc))
            except keyring.errors.KeyringError as exc:
                raise SecretStoreError(
                    f"The keychain refused to delete the {kind} of {profile!r}: {exc}"
                ) from None

    def delete_profile(self, profile: str) -> None:
        for kind in SecretKind:
            self.delete(profile, kind)

    async def aget(self, profile: str, kind: SecretKind) -> str | None:
        return await asyncio.to_thread(self.get, profile, kind)

    async def aset(self, profile: str, kind: SecretKind, value: str) -> None:
        await asyncio.to_thread(self.set, profile, kind, value)

    async def adelete(self, profile: str, kind: SecretKind) -> None:
        await asyncio.to_thread(self.delete, profile, kind)

    async def adelete_profile(self, profile: str) -> None:
        await asyncio.to_thread(self.delete_profile, profile)

"""The app's stores, opened once and closed once: the profiles, the keychain, the history.

Whoever starts a command or the window makes one `Stores` and hands its parts down, so no
module opens a store of its own, and the exit path has exactly one thing to close. Each part
opens on first use: `inspector verify` on the sandbox never probes the keychain, and the
window opens the history and the keychain off its event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path

from inspector.store.history import HistoryError, HistoryStore
from inspector.store.profiles import ProfileStore
from inspector.store.secrets import SecretStore

__all__ = ["Stores"]

log = logging.getLogger("inspector.store")


class Stores:
    def __init__(
        self,
        *,
        history_path: Path | None = None,
        profiles_path: Path | None = None,
        secrets: SecretStore | None = None,
        allow_session_only: bool = True,
    ) -> None:
        self._history_path = history_path
        self._profiles_path = profiles_path
        self._given_secrets = secrets
        self._allow_session_only = allow_session_only
        # Why the history is None, in a sentence, once opening it was tried.
        self.history_problem: str | None = None
        self._lock = threading.Lock()  # parts may first be asked for from worker threads
        self._closed = False

    @cached_property
    def profiles(self) -> ProfileStore:
        return ProfileStore(self._profiles_path)

    @cached_property
    def secrets(self) -> SecretStore:
        """The keychain; finding its backend can block (D-Bus): first use off the loop."""
        with self._lock:
            if self._given_secrets is not None:
                return self._given_secrets
            return SecretStore(allow_session_only=self._allow_session_only)

    @cached_property
    def history(self) -> HistoryStore | None:
        """The run history, or None when it cannot be opened (`history_problem` says why):
        runs go on without it."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the stores are closed")
            try:
                return HistoryStore(self._history_path)
            except HistoryError as exc:
                self.history_problem = str(exc)
                log.info("Run history unavailable: %s", exc)
                return None

    def close(self) -> None:
        """Close what was opened; a second call does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            history = self.__dict__.get("history")
        if history is not None:
            history.close()

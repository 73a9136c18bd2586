"""A test-only keychain in a JSON file, so separate processes share it.

Chosen in subprocesses through keyring's own PYTHON_KEYRING_BACKEND variable; never used by
the product.
"""

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

KEYRING_FILE_ENV = "INSPECTOR_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _load(self):
        path = Path(os.environ[KEYRING_FILE_ENV])
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, data):
        Path(os.environ[KEYRING_FILE_ENV]).write_text(json.dumps(data))

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}/{username}"] = password
        self._save(data)

    def delete_password(self, service, username):
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self._save(data)

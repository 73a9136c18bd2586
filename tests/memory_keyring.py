"""Test-only keychains held in memory, for tests that run in this process."""

import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keychain in a dict; deleting a missing entry fails as real backends do."""

    priority = 1  # type: ignore[assignment]

    def __init__(self):
        super().__init__()
        self.entries = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.entries[(service, username)]


class LockedKeyring(MemoryKeyring):
    """Reads work; storing fails as a locked keychain does."""

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("the keychain is locked")

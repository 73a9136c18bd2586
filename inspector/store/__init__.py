"""Local storage: folders (`paths`), org profiles, secrets in the OS keychain, the run history."""

"""Local storage: folders (`paths`), org profiles, secrets in the OS keychain, the run history.

`stores.Stores` opens them once per process (each on first use) and closes them once at exit;
`HistoryStore.record_run` is the one way a finished run is kept.
"""

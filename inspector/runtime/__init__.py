"""The process around the app: early checks, logging, crash traces, tasks and the quitter.

- `earlyinit`: checks before Qt loads (system libraries, the display), one message each.
- `log`: area loggers with secrets redacted, the log file and Qt's messages.
- `crash`: a trace of a hard crash, shown on the next start.
- `tasks`: strong references to running tasks, cancelled and awaited at shutdown.
- `quitter`: the one exit: what to close, in stages run in a fixed order at shutdown.
- `resources`: the files of the top-level resources/ folder (host page, scripts, icon).
"""

"""Run history in SQLite: every run, from the window or the command line, in one table.

WAL with synchronous=NORMAL survives a killed process (only the last commits may be lost, never
a half-written run: each run is one transaction). The schema version lives in
`PRAGMA user_version`; migrations run in order, each in its own transaction, after a backup of
the file (as vorta and qutebrowser do). Async code calls the `*_async` methods, which run the
blocking calls on a worker thread.
"""

from __future__ import annotations

import asyncio
import csv
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from inspector.core import DEFAULT_CRM_KEY, RUN_ID_KEY
from inspector.core.expectations import ScenarioOutcome, ScenarioRun
from inspector.core.scenario import Scenario

__all__ = [
    "FORM_RUN_PREFIXES",
    "SCHEMA_VERSION",
    "HistoryError",
    "HistoryStore",
    "RunChange",
    "RunRecord",
    "StoredRequest",
    "compare_runs",
    "default_history_path",
    "export_runs",
]

log = logging.getLogger("inspector.store")

HISTORY_FILE = "history.sqlite3"

# Each step brings the schema from version i to i + 1; never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            scenario TEXT NOT NULL,
            scenario_file TEXT NOT NULL DEFAULT '',
            profile TEXT NOT NULL,
            origin TEXT NOT NULL,
            verdict TEXT NOT NULL,
            summary TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            conversation_id TEXT,
            sent TEXT NOT NULL,
            received TEXT NOT NULL,
            rows TEXT NOT NULL,
            diagnoses TEXT NOT NULL,
            steps TEXT NOT NULL,
            error TEXT
        )""",
    ),
    (
        "CREATE INDEX runs_by_scenario ON runs (scenario, started_at)",
        "CREATE INDEX runs_by_started ON runs (started_at)",
    ),
    # The raw response the received values were read from, to show a past run in full.
    (
        "ALTER TABLE runs ADD COLUMN raw TEXT NOT NULL DEFAULT 'null'",
        "ALTER TABLE runs ADD COLUMN raw_source TEXT",
    ),
    # What the run was started with (StoredRequest), so a form run can be started again.
    ("ALTER TABLE runs ADD COLUMN request TEXT NOT NULL DEFAULT 'null'",),
)
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    "scenario scenario_file profile origin verdict summary started_at finished_at "
    "conversation_id sent received rows diagnoses steps error raw raw_source request"
).split()
_JSON_COLUMNS = frozenset({"sent", "received", "rows", "diagnoses", "steps", "raw", "request"})
# The names runs get when they come from the window's form or `inspector verify` rather than
# from a scenario file; such a run is started again from its StoredRequest.
FORM_RUN_PREFIXES = ("(form) ", "(verify) ")
# SQLite result codes the user can act on (disk full, read-only, locked, corrupt file).
_KNOWN_ERRORS = frozenset(
    {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CORRUPT",
     "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_PERM"}
)  # fmt: skip


class HistoryError(Exception):
    """The history database cannot be used for a reason outside the program (disk, lock...)."""


def default_history_path() -> Path:
    """history.sqlite3 in the data folder (under $INSPECTOR_HOME/data when that is set)."""
    from inspector.store.paths import app_paths

    return app_paths().data / HISTORY_FILE


@dataclass(frozen=True)
class StoredRequest:
    """What a run was started with, enough to start it again: the form's fields, the org's side.

    Kept as JSON in the `request` column (camelCase, as in scenario files). `deployment` is
    as the run named it (an id, or a sandbox deployment kind); None means the org's own.
    """

    crm_id: str
    crm_key: str = DEFAULT_CRM_KEY
    attributes: Mapping[str, str] = field(default_factory=dict)
    deployment: str | None = None
    faults: tuple[str, ...] = ()
    timeout: float | None = None
    first_message: str | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> StoredRequest:
        request = scenario.request()
        return cls(
            crm_id=request.crm_id,
            crm_key=request.crm_key,
            # The run id is made anew for each run; the form never shows it.
            attributes={k: v for k, v in request.attributes.items() if k != RUN_ID_KEY},
            deployment=scenario.deployment,
            faults=tuple(sorted(scenario.faults)),
            timeout=request.timeout,
            first_message=request.first_message,
        )

    @classmethod
    def from_sent(cls, sent: Mapping[str, str]) -> StoredRequest | None:
        """For runs recorded before requests were kept: what was sent, CRM id first.

        A request always sends its CRM id first (VerificationRequest.sent_attributes), so the
        first key is the CRM key. The deployment and faults of such a run are not known.
        """
        items = [(str(k), str(v)) for k, v in sent.items()]
        if not items:
            return None
        (crm_key, crm_id), rest = items[0], items[1:]
        return cls(crm_id, crm_key, {k: v for k, v in rest if k != RUN_ID_KEY})

    @classmethod
    def from_json_dict(cls, data: object) -> StoredRequest | None:
        """The stored request, or None when there is none or it is not one (never raises)."""
        if not isinstance(data, Mapping):
            return None
        crm_id, crm_key = data.get("crmId"), data.get("crmKey", DEFAULT_CRM_KEY)
        attributes = data.get("attributes", {})
        faults = data.get("faults", [])
        timeout, first = data.get("timeout"), data.get("firstMessage")
        deployment = data.get("deployment")
        if not (
            isinstance(crm_id, str)
            and isinstance(crm_key, str)
            and isinstance(attributes, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in attributes.items())
            and isinstance(faults, list)
            and all(isinstance(f, str) for f in faults)
            and (deployment is None or isinstance(deployment, str))
            and (timeout is None or (isinstance(timeout, int | float) and timeout > 0))
            and (first is None or isinstance(first, str))
        ):
            return None
        return cls(
            crm_id,
            crm_key,
            dict(attributes),
            deployment,
            tuple(faults),
            None if timeout is None else float(timeout),
            first,
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "crmId": self.crm_id,
            "crmKey": self.crm_key,
            "attributes": dict(self.attributes),
            "deployment": self.deployment,
            "faults": list(self.faults),
            "timeout": self.timeout,
            "firstMessage": self.first_message,
        }


@dataclass(frozen=True)
class RunRecord:
    """One recorded run; `rows`, `diagnoses` and `steps` are in the `--json` row format."""

    scenario: str
    profile: str
    origin: str
    verdict: str
    summary: str
    started_at: str
    finished_at: str
    sent: Mapping[str, str]
    received: Mapping[str, str]
    rows: Sequence[Mapping[str, Any]]
    diagnoses: Sequence[Mapping[str, Any]]
    steps: Sequence[Mapping[str, Any]]
    scenario_file: str = ""
    conversation_id: str | None = None
    error: str | None = None
    raw: Mapping[str, Any] | None = None
    raw_source: str | None = None
    # StoredRequest.to_json_dict() of what the run started with; None for runs recorded before
    # version 4 of the schema.
    request: Mapping[str, Any] | None = None
    id: int | None = field(default=None, compare=False)

    @classmethod
    def from_outcome(
        cls,
        outcome: ScenarioOutcome,
        *,
        started_at: datetime,
        finished_at: datetime,
        origin: str,
    ) -> RunRecord:
        body = outcome.to_json_dict()
        return cls(
            scenario=outcome.scenario.name,
            scenario_file=outcome.scenario.source,
            profile=outcome.scenario.profile,
            origin=origin,
            verdict=outcome.verdict.value,
            summary=outcome.summary,
            started_at=started_at.isoformat(timespec="milliseconds"),
            finished_at=finished_at.isoformat(timespec="milliseconds"),
            conversation_id=outcome.result.conversation_id,
            sent=dict(outcome.result.sent),
            received=outcome.received(),
            rows=body["rows"],
            diagnoses=body["diagnoses"],
            steps=body["steps"],
            error=outcome.result.error,
            raw=outcome.result.raw,
            raw_source=outcome.result.raw_source,
            request=StoredRequest.from_scenario(outcome.scenario).to_json_dict(),
        )

    @property
    def from_form(self) -> bool:
        """Started from the window's form or `inspector verify`, not from a scenario file."""
        return self.scenario.startswith(FORM_RUN_PREFIXES)

    def stored_request(self) -> StoredRequest | None:
        """What to start this run again with; for an old form run, rebuilt from what it sent."""
        stored = StoredRequest.from_json_dict(self.request)
        if stored is None and self.request is None and self.from_form:
            return StoredRequest.from_sent(self.sent)
        return stored

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sent"], data["received"] = dict(self.sent), dict(self.received)
        data["raw"] = None if self.raw is None else dict(self.raw)
        data["request"] = None if self.request is None else dict(self.request)
        return data


def _known(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return any(name.startswith(code) for code in _KNOWN_ERRORS)


def _storable(value: Any) -> Any:
    """Text SQLite accepts, so a run is not lost to a UnicodeEncodeError.

    A lone surrogate (a CRM id or a file name given as undecodable bytes) is kept escaped.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


class HistoryStore:
    """The history database. One connection shared by worker threads behind a lock."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_history_path()
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
        except (OSError, sqlite3.Error) as exc:
            self._open_failed(exc)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except BaseException as exc:
            self._db.close()  # a newer schema or a broken file: do not keep the file open
            if isinstance(exc, OSError | sqlite3.Error):
                self._open_failed(exc)
            raise

    def _open_failed(self, exc: OSError | sqlite3.Error) -> NoReturn:
        if isinstance(exc, OSError) or _known(exc):
            raise HistoryError(f"Cannot open the run history at {self.path}: {exc}") from exc
        raise exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"The run history at {self.path} was written by a newer Inspector "
                f"(schema {version}, this one knows {SCHEMA_VERSION})."
            )
        if version == SCHEMA_VERSION:
            return
        if version > 0:
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
            # sqlite3's context manager commits but does not close: closing() does.
            with closing(sqlite3.connect(backup)) as target:
                self._db.backup(target)
            log.info("History schema %d backed up to %s before migrating", version, backup)
        for step in range(version, SCHEMA_VERSION):
            with self._transaction() as db:
                for statement in MIGRATIONS[step]:
                    db.execute(statement)
                # PRAGMA takes no parameters; step is an int from our own table.
                db.execute(f"PRAGMA user_version = {step + 1}")
            log.info("History schema migrated to version %d", step + 1)

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def record(self, record: RunRecord) -> int:
        """Write one run in one transaction: after a crash it is there completely or not at all."""
        values = []
        for name in _COLUMNS:
            value = getattr(record, name)
            if name in _JSON_COLUMNS:
                value = json.dumps(value, ensure_ascii=False)
            values.append(_storable(value))
        sql = f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
        try:
            with self._transaction() as db:
                cursor = db.execute(sql, values)
        except sqlite3.Error as exc:
            if _known(exc):
                raise HistoryError(f"The run could not be saved in the history: {exc}") from exc
            raise
        return int(cursor.lastrowid or 0)

    def runs(
        self,
        *,
        scenario: str | None = None,
        verdict: str | None = None,
        since: str | None = None,
        limit: int | None = None,
    ) -> list[RunRecord]:
        """Newest first. `since` is an ISO date or time, compared with the start time."""
        where, args = [], []
        for column, op, value in (
            ("scenario", "=", scenario),
            ("verdict", "=", verdict),
            ("started_at", ">=", since),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                args.append(value)
        sql = f"SELECT id, {', '.join(_COLUMNS)} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            found = self._db.execute(sql, args).fetchall()
        return [self._record(row) for row in found]

    def recent_steps(self, profile: str, limit: int = 10) -> list[list[dict[str, Any]]]:
        """The steps of the profile's latest passing runs, newest first (for the org's
        propagation estimate, core.polling.propagation_estimate)."""
        sql = (
            "SELECT steps FROM runs WHERE profile = ? AND verdict = 'pass' "
            f"ORDER BY started_at DESC, id DESC LIMIT {int(limit)}"
        )
        with self._lock:
            found = self._db.execute(sql, (profile,)).fetchall()
        runs: list[list[dict[str, Any]]] = []
        for (text,) in found:
            try:
                steps = json.loads(text)
            except ValueError:
                continue
            if isinstance(steps, list):
                runs.append([s for s in steps if isinstance(s, dict)])
        return runs

    async def recent_steps_async(self, profile: str, limit: int = 10) -> list[list[dict[str, Any]]]:
        return await asyncio.to_thread(self.recent_steps, profile, limit)

    def get(self, run_id: int) -> RunRecord | None:
        sql = f"SELECT id, {', '.join(_COLUMNS)} FROM runs WHERE id = ?"
        with self._lock:
            row = self._db.execute(sql, (run_id,)).fetchone()
        return self._record(row) if row else None

    def scenarios(self) -> list[str]:
        with self._lock:
            found = self._db.execute("SELECT DISTINCT scenario FROM runs ORDER BY scenario")
            return [str(r[0]) for r in found.fetchall()]

    @staticmethod
    def _record(row: Sequence[Any]) -> RunRecord:
        values: dict[str, Any] = {}
        for name, value in zip(_COLUMNS, row[1:], strict=True):
            values[name] = json.loads(value) if name in _JSON_COLUMNS else value
        return RunRecord(id=int(row[0]), **values)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    async def record_async(self, record: RunRecord) -> int:
        return await asyncio.to_thread(self.record, record)

    def record_run(self, run: ScenarioRun, *, origin: str) -> int:
        """The one way a finished run is kept: the window's, `verify`'s and `run`'s alike."""
        return self.record(
            RunRecord.from_outcome(
                run.outcome, started_at=run.started_at, finished_at=run.finished_at, origin=origin
            )
        )

    async def record_run_async(self, run: ScenarioRun, *, origin: str) -> int:
        return await asyncio.to_thread(lambda: self.record_run(run, origin=origin))

    async def runs_async(self, **filters: Any) -> list[RunRecord]:
        return await asyncio.to_thread(lambda: self.runs(**filters))


@dataclass(frozen=True)
class RunChange:
    """One difference between two runs of a scenario."""

    what: str
    before: str
    after: str


def compare_runs(before: RunRecord, after: RunRecord) -> list[RunChange]:
    """What changed from one run of a scenario to another: verdict, rows, diagnoses, ids."""
    changes: list[RunChange] = []
    if before.verdict != after.verdict:
        changes.append(RunChange("verdict", before.verdict, after.verdict))

    def rows(record: RunRecord) -> dict[str, Mapping[str, Any]]:
        return {str(r["key"]): r for r in record.rows}

    def describe(row: Mapping[str, Any] | None) -> str:
        return "—" if row is None else f"{row.get('status')}: {row.get('received') or '—'}"

    old, new = rows(before), rows(after)
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if a is None or b is None or describe(a) != describe(b):
            changes.append(RunChange(f"row {key}", describe(a), describe(b)))
        elif a.get("sent") != b.get("sent"):
            changes.append(RunChange(f"sent {key}", str(a.get("sent")), str(b.get("sent"))))
    codes_before = sorted(str(d.get("code")) for d in before.diagnoses)
    codes_after = sorted(str(d.get("code")) for d in after.diagnoses)
    if codes_before != codes_after:
        changes.append(
            RunChange("diagnoses", ", ".join(codes_before) or "—", ", ".join(codes_after) or "—")
        )
    return changes


def export_runs(records: Sequence[RunRecord], fmt: str, path: Path) -> None:
    """Write records as JSON (full) or CSV (one line per run, rows as JSON text)."""
    if fmt == "json":
        everything = [r.to_json_dict() for r in records]
        path.write_text(
            json.dumps(everything, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r} (json or csv)")
    columns = ["id", *_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in records:
            data = record.to_json_dict()
            writer.writerow(
                json.dumps(data[c], ensure_ascii=False) if c in _JSON_COLUMNS else data[c]
                for c in columns
            )

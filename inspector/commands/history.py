"""`inspector history`: the recorded runs, filtered, as a table or exported to JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from inspector.commands import EXIT_ERROR, EXIT_PASS

__all__ = ["register", "run"]


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-03-01, got {text!r}") from None


def register(commands: Any) -> None:
    parser = commands.add_parser("history", help="list or export recorded runs")
    parser.add_argument("--scenario", help="only runs of this scenario")
    parser.add_argument("--verdict", choices=("pass", "fail", "error"))
    parser.add_argument("--since", type=_date, metavar="DATE", help="runs started on or after")
    parser.add_argument("--limit", type=int, default=50, help="rows in the table (50)")
    parser.add_argument(
        "--export",
        nargs=2,
        metavar=("FORMAT", "FILE"),
        help="write every matching run as json or csv",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from inspector.store.history import export_runs
    from inspector.store.stores import Stores

    if args.export and args.export[0] not in ("json", "csv"):
        print(f"inspector history: export format must be json or csv, not {args.export[0]!r}",
              file=sys.stderr)  # fmt: skip
        return EXIT_ERROR
    stores = Stores()
    store = stores.history
    if store is None:
        print(f"inspector history: {stores.history_problem}", file=sys.stderr)
        return EXIT_ERROR
    try:
        limit = None if args.export else args.limit
        records = store.runs(
            scenario=args.scenario, verdict=args.verdict, since=args.since, limit=limit
        )
    finally:
        stores.close()
    if args.export:
        fmt, path = args.export
        try:
            export_runs(records, fmt, Path(path))
        except OSError as exc:
            print(f"inspector history: cannot write {path}: {exc.strerror}", file=sys.stderr)
            return EXIT_ERROR
        print(f"{len(records)} run(s) written to {path}")
        return EXIT_PASS
    for record in records:
        print(
            f"{record.started_at[:19].replace('T', ' ')}  {record.verdict.upper():5}  "
            f"{record.scenario}  {record.summary}"
        )
    if not records:
        print("No runs recorded yet." if not any(
            (args.scenario, args.verdict, args.since)) else "No runs match.")  # fmt: skip
    return EXIT_PASS

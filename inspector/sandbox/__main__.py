"""`python -m inspector.sandbox`: run the sandbox org alone, for manual tests and demos."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from inspector.sandbox.faults import FAULTS
from inspector.sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m inspector.sandbox", description=__doc__, allow_abbrev=False
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: a free one)")
    parser.add_argument(
        "--fault", action="append", default=[], choices=sorted(FAULTS), help="switch a fault on"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line of info")
    parser.add_argument("--debug", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, faults=args.fault, json_output=args.json))


if __name__ == "__main__":
    main()

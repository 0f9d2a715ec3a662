"""Run one `callboard` command: parse, dispatch, and turn expected failures into one line.

Errors the core raises on purpose (and file errors) become one line on stderr and a non-zero
exit, never a traceback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from cli.common import Handler, db_path, fail
from cli.parser import build_parser
from schema.errors import CallboardError


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as stop:  # --help, or a usage error (status 2), already printed
        return stop.code if isinstance(stop.code, int) else 0
    handler: Handler = args.handler
    try:
        return handler(args)
    except CallboardError as error:
        return fail(str(error))
    except sqlite3.Error as error:
        return fail(f"{db_path(args)}: {error}")
    except OSError as error:
        return fail(_os_message(error))
    except KeyboardInterrupt:
        return 130


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


if __name__ == "__main__":
    raise SystemExit(main())

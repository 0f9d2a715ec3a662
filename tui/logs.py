"""The terminal app's log: where the detail of an unexpected failure goes.

The coordinator sees one notification; the traceback lands in a file they (or we) can read,
never on the screen (Textual owns the terminal) and never lost.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("callboard.tui")

_MAX_BYTES = 1_000_000


def log_path() -> Path:
    """$CALLBOARD_TUI_LOG, else the user's XDG state folder (per SSH account, not per file)."""
    chosen = os.environ.get("CALLBOARD_TUI_LOG")
    if chosen:
        return Path(chosen)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "callboard" / "tui.log"


def install() -> Path:
    """Send `callboard.tui` records to the log file (once per process)."""
    from logging.handlers import RotatingFileHandler

    path = log_path()
    if any(getattr(h, "callboard", False) for h in log.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=_MAX_BYTES, backupCount=2)
    except OSError:  # a read-only home: say so on stderr at exit rather than crash at start
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    handler.callboard = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return path

"""Read-only desks (`callboard --read-only`): which actions may run, and the refusal said.

A production manager or director sees the schedule, the board and the problems and changes
nothing. Every view and dialog that talks to the production file (a `DbWork`) lists the
actions that only look (`READS`); anything else it binds is refused with a notification, so a
view added later is safe by default. Underneath, the TUI's connections are opened read-only,
so SQLite itself refuses a write that got past this.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from tui.data import DbWork

# What any dialog may do, read-only or not: leave.
ALWAYS = frozenset({"cancel", "close"})
REFUSAL = "Read-only desk: you can look at everything here but not change it"


def allows(namespace: object, action: str) -> bool:
    """May this action run on a read-only desk? The app's own actions (switching views, the
    palette, quitting) and widgets' (moving a cursor, typing a search) always may."""
    if not isinstance(namespace, DbWork):
        return True
    return action in ALWAYS or action in getattr(namespace, "READS", frozenset())


def refuse(app: App[Any], what: str = "") -> None:
    detail = f" ({what})" if what else ""
    app.notify(REFUSAL + detail, title="Read-only", severity="warning", timeout=5)

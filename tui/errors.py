"""Domain errors mapped once to what the coordinator sees: a notification."""

from __future__ import annotations

from textual.app import App

from schema.errors import CallboardError, InvalidInput, NotFound, RuleViolation, StaleEdit

TITLES: dict[type[CallboardError], str] = {
    StaleEdit: "Changed by someone else: now showing their version, try again",
    NotFound: "Not found",
    RuleViolation: "Not allowed",
    InvalidInput: "Check the input",
}


def title_of(error: CallboardError) -> str:
    for kind, title in TITLES.items():
        if isinstance(error, kind):
            return title
    return "Could not do that"


def notify_error(app: App[object], error: CallboardError) -> None:
    app.notify(str(error), title=title_of(error), severity="error", timeout=8)

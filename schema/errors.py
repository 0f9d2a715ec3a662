"""The domain's errors; each front maps them once: HTTP status, TUI notification, CLI line."""

from __future__ import annotations


class CallboardError(Exception):
    """Base of every error the core raises on purpose; its message is safe to show a user."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(CallboardError):
    code = "not_found"


class InvalidInput(CallboardError):
    """Input that fails validation; `field` names the offending field when there is one.

    `errors` holds every failing field's message (field name -> message) when several were
    checked together, so a form can mark them all at once; `field` and the message are the
    first of them.
    """

    code = "invalid_input"

    def __init__(
        self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.errors = errors or ({field: message} if field else {})


class RuleViolation(CallboardError):
    """A domain rule refused the change (an illegal contract transition, a stock underflow...)."""

    code = "rule_violated"


class StaleEdit(CallboardError):
    """The record changed since the caller read it; nothing was written. `by` names who made
    the change that got there first (from the events table), when it is known."""

    code = "stale_edit"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        by: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.by = by


class Forbidden(CallboardError):
    """The actor may not see or touch this record."""

    code = "forbidden"

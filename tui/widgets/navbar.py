"""The strip at the top: every view with its key, the current one highlighted (click to go)."""

from __future__ import annotations

import re

from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

VIEWS: tuple[tuple[str, str, str], ...] = (
    ("1", "schedule", "Schedule"),
    ("2", "contracts", "Contracts"),
    ("3", "people", "People"),
    ("4", "locations", "Locations"),
    ("5", "arrivals", "Arrivals"),
    ("6", "changes", "Changes"),
    ("7", "problems", "Problems"),
    ("8", "stock", "Stock"),
    ("9", "plan", "Plan"),
    ("0", "deliveries", "Deliveries"),
)


class NavBar(Static):
    """Shows where the coordinator is; the screen sets `current` (attributes down)."""

    current: reactive[str] = reactive("schedule")

    def __init__(self, current: str, who: str = "", read_only: bool = False) -> None:
        """`who`: the name changes are recorded under, shown at the right when it fits;
        `read_only`: a desk that changes nothing says so there, always."""
        super().__init__(id="navbar", markup=True)
        self.set_reactive(NavBar.current, current)
        self.who, self.read_only = who, read_only

    def on_mount(self) -> None:
        self.show(self.current)

    def on_resize(self) -> None:
        self.show(self.current)

    def watch_current(self, current: str) -> None:
        self.show(current)

    def show(self, current: str) -> None:
        width = self.size.width
        views = self.markup_for(current, width - (12 if self.read_only else 0))
        self.update(views + self.badge(len(re.sub(r"\[[^\]]*\]", "", views)), width))

    def badge(self, used: int, width: int) -> str:
        who = escape(self.who)
        text = f"{who} · READ-ONLY" if self.read_only else who
        if not text or not width:
            return ""
        if used + len(text) + 3 > width:  # no room for the name: read-only still says so
            text = "READ-ONLY" if self.read_only else ""
        if not text:
            return ""
        style = "b reverse" if self.read_only else "dim"
        return " " * max(1, width - used - len(text) - 2) + f"[{style}] {text} [/]"

    @staticmethod
    def markup_for(current: str, width: int = 0) -> str:
        """Every view by key and name. When they do not fit, first the spaces between them
        go, then the other views' names shrink to four letters (the current one stays whole),
        so no view falls off the right edge."""
        full = sum(len(label) + len(key) + 3 for key, _, label in VIEWS)
        tight = full - len(VIEWS) + 1
        short = bool(width) and tight > width
        gap = "" if width and full > width else " "
        items = [
            NavBar.item(
                key,
                mode,
                label if mode == current or not short else label[:4],
                mode == current,
                gap,
            )
            for key, mode, label in VIEWS
        ]
        return "".join(items)

    @staticmethod
    def item(key: str, mode: str, label: str, active: bool, gap: str = " ") -> str:
        text = f"[@click=app.switch_mode('{mode}')]{key} {label}[/]"
        return f"[reverse b] {text} [/]" if active else f"{gap}{text} "

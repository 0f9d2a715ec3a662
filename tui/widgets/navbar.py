"""The strip at the top: every view with its key, the current one highlighted (click to go)."""

from __future__ import annotations

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
)


class NavBar(Static):
    """Shows where the coordinator is; the screen sets `current` (attributes down)."""

    current: reactive[str] = reactive("schedule")

    def __init__(self, current: str) -> None:
        super().__init__(id="navbar", markup=True)
        self.set_reactive(NavBar.current, current)

    def on_mount(self) -> None:
        self.update(self.markup_for(self.current, self.size.width))

    def on_resize(self) -> None:
        self.update(self.markup_for(self.current, self.size.width))

    def watch_current(self, current: str) -> None:
        self.update(self.markup_for(current, self.size.width))

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

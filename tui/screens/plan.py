"""The plan: orders over dates by department (or print stage), overloaded days and late orders
flagged, in the words of the production's kind; start, move on and ship the selected order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from schema import plan, validate
from schema.event_kinds import family
from schema.plan import OrderLine, Plan
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clear_keeping_columns, clip, refill, selected_key

DAYS = 10


class PlanScreen(DeskScreen):
    VIEW = "plan"
    WATCH = family("plan", "stock")
    BINDINGS = [
        Binding("s", "start", "Start"),
        Binding("n", "advance", "Next stage"),
        Binding("x", "ship", "Ship"),
        Binding("r", "reschedule", "Reschedule"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.current: Plan | None = None

    def compose_view(self) -> ComposeResult:
        with Vertical(id="plan-body"):
            yield Static("", id="plan-title", markup=False)
            yield Table(id="plan-grid", cursor_type="row", zebra_stripes=True)
            yield Table(id="plan-orders", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#plan-orders", DataTable).focus()

    def order_columns(self, words: dict[str, str]) -> None:
        """The orders' headings in the production's words (a section for a desk, in print)."""
        orders = self.query_one("#plan-orders", DataTable)
        headings = ("#", words["product"].capitalize(), "Qty", words["customer"].capitalize())
        headings += ("Due", "Ends", "Where", "⚠")
        if tuple(str(c.label) for c in orders.ordered_columns) != headings:
            orders.clear(columns=True)
            orders.add_columns(*headings)

    def reload(self) -> None:
        today = self.desk.today()
        days = max(4, min(DAYS, (self.app.size.width - 16) // 8))  # as many dates as fit
        self.fetch("plan", lambda db: plan.plan(db, today=today, days=days), self.show_plan)

    def show_plan(self, current: Plan) -> None:
        self.current = current
        words = current.words
        late = sum(1 for o in current.orders if o.late)
        title = Text(words["plan"], style="bold")
        title.append(f"   {len(current.overloads)} overloaded days, {late} late", style="red")
        if current.kind == "print":
            queued = plan.queue(current, "Press")
            names = ", ".join(f"{line.product_name} {step.start_on:%a %d}" for line, step in queued)
            title.append(f"\nPress order: {names or 'nothing waiting'}")
        self.query_one("#plan-title", Static).update(title)
        grid = self.query_one("#plan-grid", DataTable)
        grid.clear(columns=True)
        grid.add_column(words["stages"], key="stage")
        for day in current.dates:
            grid.add_column(f"{day:%a %d}", key=day.isoformat())
        for row in current.stages:
            cells: list[str | Text] = [clip(row.stage.name, 14)]
            for day in current.dates:
                cell = row.cells[day]
                style = "bold red" if cell.overloaded else ""
                cells.append(
                    Text(str(cell.load) if cell.load else "·", style=style, justify="right")
                )
            grid.add_row(*cells, key=str(row.stage.id))
        self.order_columns(words)
        orders = self.query_one("#plan-orders", DataTable)
        refill(orders, [order_row(o, words) for o in current.orders])
        if not current.orders:
            clear_keeping_columns(orders)

    def selected(self) -> OrderLine | None:
        key = selected_key(self.query_one("#plan-orders", DataTable))
        if self.current is None or key is None:
            return None
        return next((o for o in self.current.orders if str(o.order.id) == key), None)

    def act(self, step: Callable[[sqlite_utils.Database, int], Any], done: str) -> None:
        line = self.selected()
        if line is None:
            return
        order_id = line.order.id
        self.change(lambda db: step(db, order_id), done=f"{done}: {line.product_name}")

    def action_start(self) -> None:
        now, actor = self.desk.now(), self.desk.actor
        self.act(lambda db, o: plan.start(db, o, actor=actor, now=now), "Started")

    def action_advance(self) -> None:
        now, actor = self.desk.now(), self.desk.actor
        self.act(lambda db, o: plan.finish_stage(db, o, actor=actor, now=now), "Moved on")

    def action_ship(self) -> None:
        now, actor = self.desk.now(), self.desk.actor
        shipped = (self.current.words["shipped"] if self.current else "shipped").capitalize()
        self.act(lambda db, o: plan.ship(db, o, actor=actor, now=now), shipped)

    def action_reschedule(self) -> None:
        line = self.selected()
        if line is None:
            return
        pending = [s for s in line.steps if s.finished_at is None]
        if not pending or line.order.status in ("finished", "shipped"):
            self.notify("This order has nothing left to schedule", timeout=4)
            return
        order_id = line.order.id

        def save(db: sqlite_utils.Database, values: Values) -> Any:
            start_on = validate.parse_date(values["start_on"], "start_on")
            return plan.reschedule(
                db, order_id, start_on, actor=self.desk.actor, now=self.desk.now()
            )

        fields = [Field("start_on", "Remaining stages start on", pending[0].start_on.isoformat())]
        title = f"Reschedule {line.product_name} ({line.customer or order_id})"
        self.app.push_screen(
            FormDialog(self.desk, title, fields, save, lambda _: f"Rescheduled {line.product_name}")
        )


def order_row(line: OrderLine, words: dict[str, str]) -> Row:
    order = line.order
    where = line.current_stage or (words["shipped"] if order.status == "shipped" else order.status)
    return Row(
        str(order.id),
        (
            str(order.id),
            clip(line.product_name, 20),
            Text(str(order.quantity), justify="right"),
            clip(line.customer, 18),
            f"{order.due_on:%d %b}",
            f"{line.planned_end:%d %b}",
            clip(str(where), 14),
            Text("late", style="bold red") if line.late else "",
        ),
    )

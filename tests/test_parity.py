"""The closed lists are the same everywhere: what the core emits, what the TUI watches, what
the PWA says. A kind added on one side without the other fails here, not on a shoot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schema.event_kinds import EventKind, family
from schema.types import CheckinResult, ContractStatus, NoticeKind
from tui.dialogs import sessions
from tui.screens.base import DeskScreen

ROOT = Path(__file__).resolve().parent.parent


def _source(folder: str) -> str:
    return "\n".join(p.read_text() for p in sorted((ROOT / folder).rglob("*.py")))


def _views() -> list[type[DeskScreen]]:
    from tui.app import SCREENS

    return list(SCREENS.values())


def test_every_kind_the_core_names_is_emitted_somewhere() -> None:
    core = _source("schema")
    recorded = set(re.findall(r"kind=EventKind\.([A-Z_]+)", core))
    # Contract transitions are recorded as EventKind(f"contract.{target}"), one per status.
    if 'EventKind(f"contract.{target}")' in core:
        recorded |= {f"CONTRACT_{s.name}" for s in ContractStatus if s != ContractStatus.DRAFT}
    assert {k.name for k in EventKind} - recorded == set()


def test_the_core_records_no_bare_string_kinds() -> None:
    assert re.findall(r'kind="[a-z_]+\.[a-z_]+"', _source("schema")) == []


@pytest.mark.parametrize("view", _views(), ids=lambda v: v.VIEW)
def test_every_view_watches_kinds_the_core_emits(view: type[DeskScreen]) -> None:
    assert view.WATCH, f"{view.VIEW} watches nothing: it would never refresh from the feed"
    assert set(EventKind) >= view.WATCH


def test_the_devices_dialog_watches_session_kinds() -> None:
    assert family("session", "access") == sessions.WATCH
    assert EventKind.SESSION_STARTED in sessions.WATCH


def test_an_unknown_family_is_an_error_not_an_empty_watch() -> None:
    with pytest.raises(ValueError, match="checkout"):
        family("call", "checkout")


def test_views_that_show_people_watch_person_events() -> None:
    """A person renamed in another process must not leave a view showing the old name."""
    from tui.app import SCREENS

    for view in ("arrivals", "schedule", "contracts", "people"):
        assert EventKind.PERSON_UPDATED in SCREENS[view].WATCH, view


def test_the_demo_records_only_named_kinds(tmp_path: Path) -> None:
    from schema import demo
    from schema.store.connection import connect

    db = connect(tmp_path / "demo.db")
    demo.build(db, size="small", seed=7)
    kinds = {row[0] for row in db.execute("SELECT DISTINCT kind FROM events")}
    assert kinds and kinds <= {str(k) for k in EventKind}


def _cases(js_file: str) -> set[str]:
    text = (ROOT / "static" / js_file).read_text()
    return set(re.findall(r'case "([a-z_]+)":', text))


def test_every_checkin_answer_has_its_sentence_on_the_phone() -> None:
    assert {str(r) for r in CheckinResult} <= _cases("checkin.js")


def test_every_notice_kind_has_its_card_on_the_phone() -> None:
    text = (ROOT / "static" / "home.js").read_text()
    labels = text[text.index("function kindLabel") :]
    labelled = set(re.findall(r"^\s+([a-z_]+): \"", labels, flags=re.M))
    assert {str(k) for k in NoticeKind} <= labelled


def test_every_scan_answer_has_a_sentence_in_the_pwa() -> None:
    from schema.gear import ScanResult
    from schema.plan import StageScanResult

    text = (ROOT / "static" / "equipment.js").read_text()
    cases = set(re.findall(r'case "([a-z_]+)":', text))
    assert {str(r) for r in ScanResult} | {str(r) for r in StageScanResult} <= cases

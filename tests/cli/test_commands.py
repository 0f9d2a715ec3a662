"""Each `callboard` command, run in-process, with good and bad input."""

from __future__ import annotations

import argparse
import json
import os
import sys
import types
from pathlib import Path

import pytest

from cli.common import db_path
from cli.parser import build_parser
from schema import links, production
from schema.store.connection import connect
from tests.cli.conftest import BASE, Prod, Run


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("callboard: error: ")
    assert "Traceback" not in err
    return lines[0]


# --- the parser ---------------------------------------------------------------------------------


def test_every_command_and_option_has_help() -> None:
    parser = build_parser()
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert subparsers
    commands = subparsers[0].choices
    assert set(commands) >= {
        "demo",
        "init",
        "invite",
        "locations",
        "import",
        "export",
        "problems",
        "backup",
        "settings",
        "serve",
        "posters",
        "welcome",
    }
    for name, sub in [("callboard", parser), *commands.items()]:
        assert sub.description, name
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_help_exits_zero(run: Run) -> None:
    result = run("--help")
    assert result.code == 0
    assert "invite" in result.out and "posters" in result.out
    assert run("import", "--help").code == 0


def test_usage_error_exits_two(run: Run) -> None:
    assert run("no-such-command").code == 2
    assert run("invite").code == 2  # --all or --person is required
    assert run("invite", "--all", "--person", "1").code == 2
    assert run("invite", "--person", "ada").code == 2


def test_db_defaults_to_env_then_callboard_db(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CALLBOARD_DB", str(tmp_path / "env.db"))
    assert db_path(build_parser().parse_args(["problems"])) == tmp_path / "env.db"
    args = build_parser().parse_args(["--db", "a.db", "problems"])
    assert db_path(args) == Path("a.db")
    args = build_parser().parse_args(["problems", "--db", "b.db"])
    assert db_path(args) == Path("b.db")
    monkeypatch.delenv("CALLBOARD_DB")
    assert db_path(build_parser().parse_args(["problems"])) == Path("callboard.db")


def test_missing_production_file_is_one_line(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = run("--db", missing, "problems")
    assert result.code == 1
    assert "no production file" in one_error_line(result.err)
    assert not missing.exists()  # never created by accident


def test_a_file_that_is_not_a_database_is_one_line(run: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite " * 100)
    result = run("--db", junk, "locations")
    assert result.code == 1
    assert "not a database" in one_error_line(result.err)


# --- init, demo, settings -----------------------------------------------------------------------


def test_init_creates_a_production(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    result = run(
        "--db", path, "init", "Night Shoot", "--timezone", "Europe/Paris", "--base-url", BASE
    )
    assert result.code == 0, result.err
    made = production.get(connect(path))
    assert (made.name, made.timezone, made.base_url) == ("Night Shoot", "Europe/Paris", BASE)
    again = run("--db", path, "init", "Other")
    assert again.code == 1
    assert "already exists" in one_error_line(again.err)


def test_init_with_a_bad_timezone_leaves_no_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    result = run("--db", path, "init", "X", "--timezone", "Mars/Olympus")
    assert result.code == 1
    assert "unknown timezone" in one_error_line(result.err)
    assert not path.exists()


def test_demo_builds_and_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = run("--db", path, "demo", "--seed", "3", "--base-url", "https://films.example")
    assert result.code == 0, result.err
    assert "people:" in result.out and "problems:" in result.out
    db = connect(path)
    assert production.get(db).base_url == "https://films.example"
    assert db.execute("SELECT count(*) FROM people").fetchone()[0] > 50
    db.conn.close()
    again = run("--db", path, "demo")
    assert again.code == 1
    assert "--force" in one_error_line(again.err)
    forced = run("--db", path, "demo", "--force", "--seed", "4")
    assert forced.code == 0, forced.err


def test_demo_refuses_a_bad_date(run: Run, tmp_path: Path) -> None:
    result = run("--db", tmp_path / "d.db", "demo", "--today", "31/12/2026")
    assert result.code == 1
    assert "not a date" in one_error_line(result.err)
    assert not (tmp_path / "d.db").exists()


def test_settings_show_and_change(run: Run, prod: Prod) -> None:
    shown = run("--db", prod.path, "settings")
    assert shown.code == 0
    assert "Test Picture" in shown.out and "10 hours" in shown.out
    changed = run(
        "--db",
        prod.path,
        "settings",
        "--min-rest-hours",
        "11.5",
        "--base-url",
        "https://crew.example/",
        "--name",
        "Renamed",
    )
    assert changed.code == 0, changed.err
    now = production.get(prod.db())
    assert (now.min_rest_minutes, now.base_url, now.name) == (
        690,
        "https://crew.example",
        "Renamed",
    )


def test_settings_refuse_bad_values(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "settings", "--timezone", "Nowhere/Land")
    assert result.code == 1
    assert "unknown timezone" in one_error_line(result.err)
    result = run("--db", prod.path, "settings", "--base-url", "ftp://x")
    assert "must start with http" in one_error_line(result.err)
    result = run("--db", prod.path, "settings", "--min-rest-hours", "30")
    assert "minimum rest" in one_error_line(result.err)


# --- invite, locations, welcome -----------------------------------------------------------------


def test_invite_json_shape_and_the_old_link_dies(run: Run, prod: Prod) -> None:
    first = run("--db", prod.path, "invite", "--person", prod.ada, "--json")
    assert first.code == 0, first.err
    [item] = json.loads(first.out)
    assert set(item) == {"person_id", "name", "email", "url"}
    assert item["person_id"] == prod.ada and item["name"] == "Ada Grip"
    assert item["email"] == "ada@example.org"
    assert item["url"].startswith(f"{BASE}/p/")
    second = json.loads(run("--db", prod.path, "invite", "--person", prod.ada, "--json").out)
    db = prod.db()
    old_token = item["url"].rsplit("/", 1)[1]
    with pytest.raises(links.LinkRefused) as refused:
        links.exchange_link(db, old_token)
    assert refused.value.code == "link_revoked"
    person, _session = links.exchange_link(db, second[0]["url"].rsplit("/", 1)[1])
    assert person.id == prod.ada


def test_invite_all_and_several(run: Run, prod: Prod) -> None:
    everyone = json.loads(run("--db", prod.path, "invite", "--all", "--json").out)
    assert {i["person_id"] for i in everyone} == {prod.ada, prod.ben, prod.vera}
    two = run("--db", prod.path, "invite", "--person", prod.ada, "--person", prod.ben)
    assert two.code == 0
    assert "Ada Grip" in two.out and "Ben Boom" in two.out and f"{BASE}/p/" in two.out


def test_invite_unknown_person_writes_nothing(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "invite", "--person", prod.ada, "--person", "999")
    assert result.code == 1
    assert "no person with id 999" in one_error_line(result.err)
    db = prod.db()
    assert db.execute("SELECT count(*) FROM personal_links").fetchone()[0] == 0


def test_base_url_option_overrides_the_stored_one(run: Run, prod: Prod) -> None:
    out = run("--db", prod.path, "--base-url", "https://other.example/", "invite", "--all")
    assert "https://other.example/p/" in out.out
    located = json.loads(
        run("--db", prod.path, "locations", "--json", "--base-url", "https://x.example").out
    )
    assert all(r["checkin_url"].startswith("https://x.example/l/") for r in located)
    assert production.get(prod.db()).base_url == BASE  # an override, not a setting


def test_locations_json_shape(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "locations", "--json")
    rows = json.loads(result.out)
    by_id = {r["location_id"]: r for r in rows}
    assert set(by_id) == {prod.stage, prod.yard}
    stage = by_id[prod.stage]
    assert {"location_id", "name", "checkin_url"} <= set(stage)
    assert stage["name"] == "Stage 1"
    assert stage["checkin_url"] == f"{BASE}/l/{stage['code']}"
    text = run("--db", prod.path, "locations")
    assert "Stage 1" in text.out and stage["checkin_url"] in text.out


def test_welcome_gives_working_links(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "welcome")
    assert result.code == 0, result.err
    urls = [w for w in result.out.split() if w.startswith(f"{BASE}/")]
    crew_url, vendor_url, location_url = urls
    assert "Ada Grip" in result.out  # called today and countersigned
    assert "Vera Volt" in result.out
    db = prod.db()
    assert links.exchange_link(db, crew_url.rsplit("/", 1)[1])[0].id == prod.ada
    assert links.exchange_link(db, vendor_url.rsplit("/", 1)[1])[0].id == prod.vera
    code = db.execute("SELECT code FROM locations WHERE id = ?", [prod.stage]).fetchone()[0]
    assert location_url == f"{BASE}/l/{code}"
    assert result.out.count("\n  ") >= 6  # a line of explanation under each


def test_welcome_qr_draws_the_crew_link(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "welcome", "--qr")
    assert "█" in result.out and "▀" in result.out


def test_welcome_on_an_empty_production(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    run("--db", path, "init", "Empty")
    result = run("--db", path, "welcome")
    assert result.code == 0
    assert "no people or locations" in result.out


# --- problems -----------------------------------------------------------------------------------


def test_problems_json_and_text(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "problems", "--json")
    assert result.code == 0
    found = json.loads(result.out)
    assert [p["kind"] for p in found] == ["uncontracted_call"]
    [problem] = found
    assert problem["person_id"] == prod.ben
    assert set(problem) >= {"kind", "date", "message", "person_id", "location_id", "day_ids"}
    assert problem["day_ids"] == [prod.day]
    text = run("--db", prod.path, "problems")
    assert "Ben Boom" in text.out and "1 problem." in text.out


def test_problems_on_a_date(run: Run, prod: Prod) -> None:
    today = json.loads(run("--db", prod.path, "problems", "--json").out)[0]["date"]
    assert len(json.loads(run("--db", prod.path, "problems", "--json", "--date", today).out)) == 1
    other = run("--db", prod.path, "problems", "--date", "2001-01-01")
    assert other.code == 0 and "No problems on 2001-01-01" in other.out


def test_problems_bad_date(run: Run, prod: Prod) -> None:
    result = run("--db", prod.path, "problems", "--date", "tomorrow")
    assert result.code == 1
    assert "not a date" in one_error_line(result.err)


# --- posters, serve, tui ------------------------------------------------------------------------


def test_posters_command(run: Run, prod: Prod, tmp_path: Path) -> None:
    out = tmp_path / "posters.pdf"
    result = run("--db", prod.path, "posters", "--out", out)
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"%PDF")
    assert out.read_bytes().count(b"/Type /Page\n") + out.read_bytes().count(b"/Type /Page ") >= 1
    one = tmp_path / "stage.png"
    assert run("--db", prod.path, "posters", "--location", prod.stage, "--out", one).code == 0
    assert one.read_bytes().startswith(b"\x89PNG")


def test_posters_never_overwrite_unless_asked(run: Run, prod: Prod, tmp_path: Path) -> None:
    mine = tmp_path / "stage.png"
    mine.write_bytes(b"the coordinator's own file")
    refused = run("--db", prod.path, "posters", "--location", prod.stage, "--out", mine)
    assert "already exists" in one_error_line(refused.err)
    assert mine.read_bytes() == b"the coordinator's own file"
    args = ("--db", prod.path, "posters", "--location", prod.stage, "--out", mine, "--replace")
    assert run(*args).code == 0
    assert mine.read_bytes().startswith(b"\x89PNG")


def test_posters_bad_input(run: Run, prod: Prod, tmp_path: Path) -> None:
    result = run("--db", prod.path, "posters", "--out", tmp_path / "p.docx")
    assert ".pdf, .svg or .png" in one_error_line(result.err)
    result = run("--db", prod.path, "posters", "--location", "77", "--out", tmp_path / "p.pdf")
    assert "no location with id 77" in one_error_line(result.err)
    result = run("--db", prod.path, "posters", "--out", tmp_path / "no" / "such" / "p.pdf")
    assert result.code == 1
    one_error_line(result.err)
    assert run("--db", prod.path, "posters").code == 2  # --out is required


def test_serve_hands_over_to_uvicorn(run: Run, prod: Prod, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}
    fake = types.ModuleType("uvicorn")
    fake.run = lambda app, **kw: seen.update(app=app, **kw)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "uvicorn", fake)
    monkeypatch.delenv("CALLBOARD_TRUSTED_PROXIES", raising=False)
    monkeypatch.chdir(prod.path.parent)
    result = run(
        "--db",
        prod.path.name,
        "serve",
        "--port",
        "8123",
        "--trusted-proxy",
        "10.0.0.1",
        "--trusted-proxy",
        "192.168.0.0/16",
        "--quiet",
    )
    assert result.code == 0, result.err
    app = seen["app"]
    settings = app.state.settings  # type: ignore[attr-defined]
    assert settings.db_path == str(prod.path.resolve())
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/16"]
    assert seen["port"] == 8123 and seen["host"] == "127.0.0.1"
    assert seen["proxy_headers"] is False and seen["server_header"] is False
    assert "CALLBOARD_TRUSTED_PROXIES" not in os.environ  # handed over, not smuggled


def test_serve_refuses_a_bad_proxy_and_a_missing_file(run: Run, prod: Prod, tmp_path: Path) -> None:
    result = run("--db", prod.path, "serve", "--trusted-proxy", "the-proxy")
    assert "not an IP address" in one_error_line(result.err)
    result = run("--db", tmp_path / "none.db", "serve")
    assert "no production file" in one_error_line(result.err)


def test_no_command_opens_the_tui(run: Run, prod: Prod, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    fake = types.ModuleType("tui.app")
    fake.run = opened.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.app", fake)
    assert run("--db", prod.path).code == 0
    assert run("tui", "--db", prod.path).code == 0
    assert opened == [str(prod.path), str(prod.path)]


def test_no_command_without_a_production(run: Run, tmp_path: Path) -> None:
    result = run("--db", tmp_path / "none.db")
    assert result.code == 1
    assert "callboard demo" in one_error_line(result.err)


def test_invite_warns_when_links_point_at_this_machine(run: Run, prod: Prod) -> None:
    public = run("--db", prod.path, "invite", "--person", prod.ada)
    assert "only this computer" not in public.err
    local = run(
        "--db",
        prod.path,
        "--base-url",
        "http://127.0.0.1:8000",
        "invite",
        "--person",
        prod.ada,
        "--json",
    )
    assert local.code == 0
    assert json.loads(local.out)[0]["url"].startswith("http://127.0.0.1:8000/p/")  # still JSON
    assert "only this computer can open" in local.err


def test_revoke_cuts_a_person_off(run: Run, prod: Prod) -> None:
    db = prod.db()
    url = json.loads(run("--db", prod.path, "invite", "--person", prod.ada, "--json").out)[0]["url"]
    _person, session = links.exchange_link(db, url.rsplit("/", 1)[1])
    unused = json.loads(run("--db", prod.path, "invite", "--person", prod.ada, "--json").out)
    result = run("--db", prod.path, "revoke", "--person", prod.ada)
    assert result.code == 0, result.err
    assert "Ada Grip: 2 links, sessions and feeds revoked" in result.out
    assert links.session_person(db, session) is None
    with pytest.raises(links.LinkRefused):
        links.exchange_link(db, unused[0]["url"].rsplit("/", 1)[1])
    missing = run("--db", prod.path, "revoke", "--person", "999")
    assert missing.code == 1 and "no person with id 999" in one_error_line(missing.err)

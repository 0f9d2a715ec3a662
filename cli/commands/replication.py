"""Durability beyond one machine: `replicate`, `restore` and `status` (Litestream underneath;
see docs/replication.md). `serve --replicate URL` uses `start_beside` to run it next to the
server."""

from __future__ import annotations

import argparse
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from cli.common import Commands, command, db_path, open_db, print_json
from schema import production
from schema.errors import InvalidInput
from schema.store.replica import ReplicaStatus, Replicator, read_status, restore

URL_HELP = (
    "where the replica lives: a folder (a path or file:///path), s3://BUCKET/PATH, "
    "sftp://USER@HOST/PATH, gs://, abs://...; credentials come only from the environment"
)
PROBLEM_EXIT = 3  # `callboard status` when the replica is more than a minute behind


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "replicate",
        "stream every change of the production file to a replica until stopped (Litestream)",
        cmd_replicate,
    )
    sub.add_argument("--to", required=True, metavar="URL", help=URL_HELP)
    sub = command(
        commands,
        common,
        "restore",
        "bring a production back from its replica into a new file (--db), checked",
        cmd_restore,
    )
    sub.add_argument("--from", dest="source", required=True, metavar="URL", help=URL_HELP)
    sub.add_argument(
        "--at",
        metavar="TIME",
        help="as it was at this moment (ISO 8601, e.g. 2026-05-04T14:30:00+01:00; "
        "without an offset, this computer's local time); default: the latest",
    )
    sub = command(
        commands,
        common,
        "status",
        f"the production file and how far behind its replica is (exit {PROBLEM_EXIT} when "
        "more than a minute behind)",
        cmd_status,
    )
    sub.add_argument("--json", action="store_true", help="print the status as JSON")


class _Stopped(Exception):
    """SIGTERM or Ctrl-C: raised in the main thread, which then stops Litestream itself (a
    signal handler must not touch the locks the main thread may be holding)."""


def _stop_once(*_: object) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut the stop short
    raise _Stopped


def cmd_replicate(args: argparse.Namespace) -> int:
    open_db(args).conn.close()  # a clear error for a missing or foreign file
    replicator = Replicator(db_path(args), args.to)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop_once)
    try:
        with replicator:
            print(
                f"Replicating {db_path(args)} to {replicator.url} (Ctrl-C stops; "
                "`callboard status` shows how far behind the replica is)",
                file=sys.stderr,
            )
            replicator.wait()
    except _Stopped:
        pass
    return 0


def start_beside(path: Path, url: str, *, quiet: bool) -> Replicator:
    """Replication for `serve --replicate`: Litestream's log goes where the server's does."""
    return Replicator(path, url, log_level="warn" if quiet else "info").start()


def cmd_restore(args: argparse.Namespace) -> int:
    target = db_path(args)
    at = parse_moment(args.at) if args.at else None
    result = restore(args.source, target, at=at)
    when = f" as it was at {at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if at else ""
    last = f"; the last event is from {result.last_event_at}" if result.last_event_at else ""
    print(
        f"Restored {result.path}{when}: integrity {result.integrity}, "
        f"{result.events:,} events, none missing{last}."
    )
    if result.note:
        print(f"Note: {result.note}.")
    return 0


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"--at {text!r} is not a time; use ISO 8601, e.g. 2026-05-04T14:30:00+01:00",
            field="at",
        ) from None
    return moment if moment.tzinfo else moment.astimezone()  # naive: this computer's time


class Status(msgspec.Struct, kw_only=True):
    path: str
    production: str
    events: int
    last_event_at: str | None
    replica: ReplicaStatus
    replica_problem: bool


def cmd_status(args: argparse.Namespace) -> int:
    db = open_db(args)
    try:
        name = production.get(db).name
        count, latest, last = db.execute(
            "SELECT count(*), max(id), (SELECT at FROM events ORDER BY id DESC LIMIT 1) FROM events"
        ).fetchone()
    finally:
        db.conn.close()
    replica = read_status(db_path(args), datetime.now(UTC))
    status = Status(
        path=str(db_path(args)),
        production=name,
        events=int(count),
        last_event_at=last,
        replica=replica,
        replica_problem=replica.problem,
    )
    if args.json:
        print_json(status)
    else:
        print(f"{name}: {status.path}, {count:,} events (latest #{latest or 0} at {last or '-'})")
        print(f"Replica: {replica.message}" + (f" -> {replica.url}" if replica.url else ""))
    return PROBLEM_EXIT if replica.problem else 0

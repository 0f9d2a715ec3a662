"""Reaching people: send the outbox, show what became of each message, remind, mark told."""

from __future__ import annotations

import argparse
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from cli.common import Commands, actor, command, open_db, print_json
from schema import delivery, production, reach, sending
from schema.clock import utcnow, wall_clock
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "send",
        "send what the outbox holds now (email, web push); the server does this by itself",
        cmd_send,
    )
    sub.add_argument(
        "--wait",
        action="store_true",
        help="keep going, retrying failures with backoff, until nothing is left to send",
    )
    sub.add_argument(
        "--lease",
        type=float,
        default=delivery.LEASE.total_seconds(),
        metavar="SECONDS",
        help="how long a crashed sender's messages stay held before another takes them",
    )
    sub = command(
        commands,
        common,
        "deliveries",
        "each message to each person and how far it got (queued, sent, failed, opened...)",
        cmd_deliveries,
    )
    sub.add_argument("--json", action="store_true", help="print the list as JSON")
    sub.add_argument(
        "--unconfirmed", action="store_true", help="only those not yet confirmed or told"
    )
    sub.add_argument("--person", type=int, metavar="ID", help="one person's messages")
    sub = command(
        commands,
        common,
        "remind",
        "send a reminder to everyone who has not confirmed a change, sheet or contract",
        cmd_remind,
    )
    sub.add_argument(
        "--message", type=int, action="append", metavar="ID", help="only this message (repeat)"
    )
    sub = command(
        commands,
        common,
        "told",
        "mark a message as told in person (you reached them another way)",
        cmd_told,
    )
    sub.add_argument("message", type=int, metavar="ID", help="the message's id (see deliveries)")


def cmd_send(args: argparse.Namespace) -> int:
    db = open_db(args)
    owner = sending.new_owner()
    lease = timedelta(seconds=max(args.lease, 1.0))
    while True:
        done = sending.run_once(db, owner=owner, lease=lease)
        _report(db, done)
        names = [n for n in delivery.CHANNELS if n not in done.unready]
        upcoming = delivery.next_due(db, names)
        if not args.wait or upcoming is None:
            break
        time.sleep(min(max((upcoming - utcnow()).total_seconds(), 0.2), 60.0))
    left = delivery.pending_count(db, delivery.CHANNELS, now=utcnow() + timedelta(days=1))
    if left:
        print(f"{plural(left, 'message')} still to go; `callboard send --wait` keeps trying.")
    return 1 if any(not o.sent and o.retry_at is None for o in done.outcomes) else 0


def _report(db: sqlite_utils.Database, done: sending.Pass) -> None:
    later = utcnow() + timedelta(days=1)
    for name, why in done.unready.items():
        if delivery.pending_count(db, [name], now=later):
            print(f"{name}: not sending: {why}")
    for outcome in done.failed:
        retry = (
            f"; next try at {outcome.retry_at:%H:%M:%S} UTC"
            if outcome.retry_at
            else "; not retried"
        )
        print(f"failed  {outcome.channel:<8} {outcome.to}: {outcome.reason}{retry}")
    if done.outcomes:
        print(f"Sent {done.sent}, failed {len(done.failed)}.")


def cmd_deliveries(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = delivery.lines(db, person_id=args.person, unconfirmed_only=args.unconfirmed)
    if args.json:
        print_json(found)
        return 0
    zone = production.zone(production.get(db))
    if not found:
        print("Nothing has been sent yet.")
    for line in found:
        at = wall_clock(line.created_at, zone)
        channels = ", ".join(_channel(c, zone) for c in line.channels) or "no email or push"
        print(
            f"{line.message_id:>5}  {at:%d %b %H:%M}  {line.state:<11} {line.name[:24]:<24}"
            f" {line.kind:<9} {line.subject[:50]}"
        )
        print(f"       {channels}{'; ' + line.reason if line.reason else ''}")
    return 0


def _channel(state: delivery.ChannelState, zone: ZoneInfo) -> str:
    if state.state == "failed":
        retry = state.next_attempt_at
        return f"{state.channel} failed" + (
            f" (next try {wall_clock(retry, zone):%H:%M})" if retry else " (not retried)"
        )
    return f"{state.channel} {state.state}"


def cmd_remind(args: argparse.Namespace) -> int:
    db = open_db(args)
    count = reach.remind(db, message_ids=args.message, now=utcnow(), actor=actor(args))
    print(f"{plural(count, 'reminder')} queued; the server sends them (or `callboard send`).")
    return 0


def cmd_told(args: argparse.Namespace) -> int:
    db = open_db(args)
    delivery.tell_in_person(db, args.message, now=utcnow(), actor=actor(args))
    print(f"Message {args.message} marked as told in person.")
    return 0

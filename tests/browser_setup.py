"""Find Debian's chromium for the browser tests, installing it with apt-get when we are root.

Playwright's own browser download cannot work here (and is not wanted): the tests drive the
system chromium through Playwright's `executable_path`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")


def find_chromium() -> str | None:
    override = os.environ.get("CALLBOARD_CHROMIUM")
    if override and os.path.exists(override):
        return override
    for path in CANDIDATES:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


def main() -> int:
    if find_chromium():
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("browser tests need chromium: installing Debian's package", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
        return 0 if find_chromium() else 1
    print(
        "browser tests need Debian's chromium: run `sudo apt-get install chromium` "
        "(or set CALLBOARD_CHROMIUM to a Chromium binary)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

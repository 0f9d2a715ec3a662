"""Find the system tools some tests need, installing Debian's packages when we are root.

Debian's chromium drives the browser tests; poppler-utils' pdftoppm renders posters to check
their QR codes.

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


def missing_packages() -> list[str]:
    missing = [] if find_chromium() else ["chromium"]
    if shutil.which("pdftoppm") is None:
        missing.append("poppler-utils")
    return missing


def main() -> int:
    missing = missing_packages()
    if not missing:
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        print(f"tests need {', '.join(missing)}: installing Debian's packages", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
        return 0 if not missing_packages() else 1
    print(
        f"the tests need Debian's {' '.join(missing)}: run `sudo apt-get install "
        f"{' '.join(missing)}` (or set CALLBOARD_CHROMIUM to a Chromium binary)",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Find wrk (Debian's C load generator) for `just bench`, installing Debian's package when we
are root, as tests/browser_setup.py does for the browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def main() -> int:
    if shutil.which("wrk"):
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("the benchmarks need wrk: installing Debian's package", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
        return 0 if shutil.which("wrk") else 1
    print("the benchmarks need Debian's wrk: run `sudo apt-get install wrk`", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

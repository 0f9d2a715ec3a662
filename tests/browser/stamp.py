"""Stamp static/sw.js with a hash of the files it precaches, so phones pick up a new version.

The service worker serves its shell from a versioned cache; its VERSION must change whenever a
precached file changes. `uv run python -m tests.browser.stamp` rewrites it; test_static.py fails
when it is stale.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"
SW = STATIC / "sw.js"
VERSION = re.compile(r'^const VERSION = "([0-9a-f]+)";$', re.MULTILINE)
# URL paths that are not /static/<file>: the shell and the manifest are served from the root.
ROOT_FILES = {"/": "index.html", "/manifest.webmanifest": "manifest.webmanifest"}


def shell_urls(sw_source: str) -> list[str]:
    block = re.search(r"const SHELL = \[(.*?)\];", sw_source, re.DOTALL)
    assert block, "sw.js has no SHELL list"
    return re.findall(r'"([^"]+)"', block.group(1))


def file_for(url: str) -> Path:
    if url in ROOT_FILES:
        return STATIC / ROOT_FILES[url]
    assert url.startswith("/static/"), url
    return STATIC / url.removeprefix("/static/")


def expected_version() -> str:
    digest = hashlib.sha256()
    for url in shell_urls(SW.read_text()):
        digest.update(url.encode())
        digest.update(file_for(url).read_bytes())
    return digest.hexdigest()[:10]


def current_version() -> str:
    found = VERSION.search(SW.read_text())
    assert found, "sw.js has no VERSION line"
    return found.group(1)


def main() -> None:
    source = SW.read_text()
    SW.write_text(VERSION.sub(f'const VERSION = "{expected_version()}";', source, count=1))
    print(f"sw.js VERSION = {expected_version()}")


if __name__ == "__main__":
    main()

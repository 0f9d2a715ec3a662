"""The PWA's files themselves: first-load size, CSP-safe code, the shell cache's version, icons."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from PIL import Image

from tests.browser.stamp import STATIC, current_version, expected_version, file_for, shell_urls

FIRST_LOAD_BUDGET = 30 * 1024
IMPORT = re.compile(r'^\s*import\s+(?:[^"\']*?\s+from\s+)?["\']\./([\w-]+\.js)["\']', re.MULTILINE)


def crew_first_load() -> list[Path]:
    """index.html, its stylesheet, and every module app.js imports statically (not import())."""
    files = [STATIC / "index.html", STATIC / "app.css"]
    pending = ["app.js"]
    while pending:
        path = STATIC / pending.pop()
        if path in files:
            continue
        files.append(path)
        pending.extend(IMPORT.findall(path.read_text()))
    return files


def compressed_size(paths: list[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in paths)


def test_crew_first_load_is_small() -> None:
    files = crew_first_load()
    assert {p.name for p in files} >= {"app.js", "home.js", "checkin.js", "outbox.js"}
    assert "contracts.js" not in {p.name for p in files}, "vendor code loads on demand"
    size = compressed_size(files)
    print(f"crew first load: {size} bytes gzip over {len(files)} files")
    assert size < FIRST_LOAD_BUDGET


def test_index_preloads_every_first_load_module() -> None:
    html = (STATIC / "index.html").read_text()
    for path in crew_first_load():
        if path.suffix == ".js" and path.name != "app.js":
            assert f'<link rel="modulepreload" href="/static/{path.name}">' in html


def test_no_inline_code_and_no_html_from_strings() -> None:
    """The CSP forbids inline scripts, styles and eval; data must never become markup."""
    html = (STATIC / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html
    assert re.findall(r"\s(?:style|on\w+)\s*=", html) == []
    for script in STATIC.glob("*.js"):
        source = script.read_text()
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function"):
            assert forbidden not in source, f"{script.name} uses {forbidden}"
        assert "document.write" not in source


def test_service_worker_version_matches_its_files() -> None:
    for url in shell_urls((STATIC / "sw.js").read_text()):
        assert file_for(url).is_file(), url
    assert current_version() == expected_version(), (
        "a precached file changed: run `uv run python -m tests.browser.stamp`"
    )


def test_manifest_and_icons() -> None:
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    purposes = set()
    for icon in manifest["icons"]:
        path = STATIC / icon["src"].removeprefix("/static/")
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
        purposes.add(icon["purpose"])
    assert {"any", "maskable"} <= purposes
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}

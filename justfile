# Callboard: the production coordinator's desk. `just` lists the recipes.

set shell := ["bash", "-euo", "pipefail", "-c"]

db := env_var_or_default("CALLBOARD_DB", "demo.db")
port := env_var_or_default("CALLBOARD_PORT", "8000")
# 0.0.0.0 lets a phone on the same network reach the demo server (see README).
host := env_var_or_default("CALLBOARD_HOST", "127.0.0.1")

default:
    @just --list

# Install the project and its tools into .venv (uv.lock pins every version).
setup:
    uv sync --frozen --quiet

# Build the embedded demo production (if needed), start the crew server, open the TUI.
demo: setup
    #!/usr/bin/env bash
    set -euo pipefail
    if [ ! -f "{{db}}" ]; then uv run --frozen callboard --db "{{db}}" demo --size small; fi
    uv run --frozen callboard --db "{{db}}" serve --host {{host}} --port {{port}} --quiet &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    uv run --frozen callboard --db "{{db}}" welcome
    if [ -t 0 ] && [ -t 1 ]; then
        read -rp "Press Enter to open the coordinator's terminal app (ctrl+q quits it and the server)... "
        uv run --frozen callboard --db "{{db}}"
    else
        echo "No terminal attached: the server keeps running for 60 s; Ctrl-C stops it."
        sleep 60
    fi

# Open the coordinator's terminal app.
tui: setup
    uv run --frozen callboard --db "{{db}}"

# Run the crew and vendor server (PWA and JSON API).
serve: setup
    uv run --frozen callboard --db "{{db}}" serve --host {{host}} --port {{port}}

# The whole test suite, browser tests included (finds or installs Debian's chromium).
test *args: setup
    uv run --frozen python -m tests.browser_setup
    uv run --frozen pytest {{args}}

# Ruff, the type checker and the import boundaries.
lint: setup
    uv run --frozen ruff check .
    uv run --frozen ruff format --check .
    uv run --frozen pyright
    uv run --frozen lint-imports

# Measure the speed targets and print a report (not a test: machines here are noisy).
bench: setup
    uv run --frozen python -m bench.setup
    uv run --frozen python -m bench

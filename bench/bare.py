"""The bare Litestar app the server is measured against: one handler returning {"ok": true}.

Served by the same uvicorn, in the same venv, with the same options as `callboard serve`, so
the gap between it and GET /api/health is what Callboard's own middleware and hooks cost.
"""

from __future__ import annotations

from litestar import Litestar, get


@get("/", sync_to_thread=False)
def ok() -> dict[str, bool]:
    return {"ok": True}


app = Litestar([ok])

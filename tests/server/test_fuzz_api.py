"""Schema fuzzing of the whole API from its own OpenAPI document (Schemathesis), signed in as
a crew member: no 5xx, and every response matches the document (status, content type, body).

Bounded: a few examples per operation by default; CALLBOARD_LONG_TESTS=1 runs many more.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from schema import links
from schema.store.connection import connect
from server.settings import RateLimits
from tests.server.conftest import NOW, Clock, World, make_app

LONG = os.environ.get("CALLBOARD_LONG_TESTS") == "1"
EXAMPLES = 300 if LONG else 30
pytestmark = pytest.mark.timeout(1200 if LONG else 120)
GENEROUS = RateLimits(session=10**6, checkin=10**6, upload=10**6, calendar=10**6)


@pytest.fixture
def alice_session(world: World) -> str:
    db = connect(world.path, migrate_schema=False)
    try:
        return links.exchange_link(db, world.tokens["alice"], now=NOW)[1]
    finally:
        db.conn.close()


@pytest.fixture
def api_schema(world: World, static_dir: Path, clock: Clock) -> Any:
    app = make_app(world, static_dir, clock, rate_limits=GENEROUS)
    return schemathesis.openapi.from_asgi("/api/schema/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_to_its_document(case: Any, alice_session: str) -> None:
    case.call_and_validate(
        cookies={"callboard_session": alice_session}, headers={"Host": "testserver.local"}
    )


def test_the_document_says_what_the_server_does(world: World, static_dir: Path) -> None:
    """The findings behind the fuzzing, one by one (issue #11)."""
    from litestar.testing import TestClient

    app = make_app(world, static_dir, Clock(NOW))
    with TestClient(app) as client:
        document = client.get("/api/schema/openapi.json").json()
    schemas = document["components"]["schemas"]
    # Schedule times are the production's wall clock, not offset date-times.
    call_at = schemas["CallView"]["properties"]["call_at"]
    assert "format" not in call_at and "no offset" in call_at["description"]
    # Bodies the server refuses look refused: unknown fields, a missing agree, an empty name.
    for name in ("CheckinRequest", "Position", "SignIn", "AckIn", "SessionIn"):
        assert schemas[name]["additionalProperties"] is False, name
    assert "agree" in schemas["SignIn"]["required"]
    assert schemas["SignIn"]["properties"]["full_name"]["minLength"] == 1
    # A position off the Earth is refused, and the document says where the Earth ends.
    assert schemas["Position"]["properties"]["lat"]["maximum"] == 90
    # Every answer the server gives is documented.
    checkin = document["paths"]["/api/checkins"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "413", "415", "422", "429"} <= set(checkin)
    assert "content" not in document["paths"]["/api/session"]["delete"]["responses"]["204"]


def test_options_lists_every_method_of_a_path(client: Any) -> None:
    assert client.options("/api/session").headers["allow"] == "DELETE, OPTIONS, POST"
    assert client.options("/api/health").headers["allow"] == "GET, HEAD, OPTIONS"

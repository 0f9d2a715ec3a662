"""The OpenAPI document as the server really behaves (Schemathesis checks it in CI).

Litestar's generated document says less than the server does. Rendered through this plugin it
also says, for every endpoint, new ones included:
- the error answers (`{"error", "message", "field"}`) any request can get: 400 malformed, 403
  cross-site, 404, 413 too large, 415 not JSON, 422 invalid, 429 rate-limited, 503 busy; and
  401 (not signed in), 409 (conflict) and 410 (link gone) where a phone is involved;
- that a request body refuses fields it does not know (`additionalProperties: false`, as the
  strict decoder in server/bodies.py does), nested objects included;
- that a 204 has no body (so no content type);
- that schedule times (`call_at`, `wrap_at`) are local wall-clock times in the production's
  timezone, with no offset, not RFC 3339 date-times.
"""

from __future__ import annotations

import copy
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

# Fields holding a naive local time (schema.clock.local_iso): the production's wall clock.
LOCAL_TIME_FIELDS = frozenset({"call_at", "wrap_at"})
LOCAL_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
    "description": "a local wall-clock time in the production's timezone (no offset)",
}

ERROR_BODY = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "a stable code, e.g. invalid_input"},
        "message": {"type": "string", "description": "a sentence for the person"},
        "field": {"oneOf": [{"type": "string"}, {"type": "null"}]},
    },
}

ALWAYS = {
    "400": "Malformed request (not JSON, bad bytes, wrong Host)",
    "404": "Nothing at this address, or not yours",
    "422": "A field is missing, of the wrong type, out of range or unknown",
    "429": "Too many requests; wait Retry-After seconds",
    "503": "The production file is busy; try again (Retry-After)",
}
WITH_BODY = {
    "403": "The request came from another site",
    "413": "The body is too large",
    "415": "The body is not application/json",
}
PERSONAL = {
    "401": "Not signed in on this phone, or signed out",
    "403": "Not this person's to see or change",
    "409": "Not possible in the current state",
    "410": "The personal link was used, revoked or expired",
}
PUBLIC = frozenset({"/api/health", "/api/locations/{code}"})


def refine(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of Litestar's document, completed as the module says."""
    refined = copy.deepcopy(document)
    components = refined.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ERROR_BODY
    for path, operations in refined.get("paths", {}).items():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                _document_errors(path, operation)
                _refuse_unknown_fields(operation, components)
    for schema in components.values():
        _local_times(schema)
    return refined


def _document_errors(path: str, operation: dict[str, Any]) -> None:
    answers = dict(ALWAYS)
    if "requestBody" in operation:
        answers |= WITH_BODY
    if path not in PUBLIC:
        answers |= PERSONAL
    responses = operation["responses"]
    if "204" in responses:
        responses["204"].pop("content", None)  # no content means no body and no type
    for status, description in answers.items():
        responses[status] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        }


def _refuse_unknown_fields(operation: dict[str, Any], components: dict[str, Any]) -> None:
    for media in operation.get("requestBody", {}).get("content", {}).values():
        if "json" in str(media) or "schema" in media:
            _closed(media.get("schema", {}), components, set())


def _closed(schema: dict[str, Any], components: dict[str, Any], seen: set[str]) -> None:
    """additionalProperties: false on an object schema and every object inside it."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen or name not in components:
            return
        seen.add(name)
        _closed(components[name], components, seen)
        return
    if schema.get("type") == "object" and "properties" in schema:
        schema["additionalProperties"] = False
    for value in schema.get("properties", {}).values():
        _closed(value, components, seen)
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            _closed(option, components, seen)
    if isinstance(schema.get("items"), dict):
        _closed(schema["items"], components, seen)


def _local_times(schema: dict[str, Any]) -> None:
    for name, value in schema.get("properties", {}).items():
        if name in LOCAL_TIME_FIELDS:
            schema["properties"][name] = _as_local(value)


def _as_local(value: dict[str, Any]) -> dict[str, Any]:
    if value.get("format") == "date-time":
        return dict(LOCAL_TIME)
    for key in ("oneOf", "anyOf"):
        if key in value:
            return {**value, key: [_as_local(option) for option in value[key]]}
    return value


class DocumentPlugin(JsonRenderPlugin):
    """Serves the refined document at /api/schema/openapi.json."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, refine(openapi_schema))

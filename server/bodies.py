"""JSON request bodies decoded strictly, before Litestar's own parsing sees them.

Litestar converts a handler's arguments with msgspec's lenient rules (strict=False), right for
path and query strings but wrong for a JSON body: it turns {"agree": 1} or {"agree": "true"}
into True, and a signature must come from a literal true. So each JSON body is first decoded
here into the handler's own type with strict rules. A body that fails gets a 4xx naming the
field; one that passes is then parsed by Litestar from the request's cached bytes, to the same
value. Malformed bytes (bad UTF-8, nesting deep enough to exhaust the decoder) end here as a
400 rather than as an error deep in the framework.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request

from schema.errors import InvalidInput
from server.errors import MalformedBody

# `Expected `bool`, got `int` - at `$.agree``: the dotted path after "at".
_AT = re.compile(r" - at `\$\.?([^`]*)`$")
# `Object missing required field `lat``, `Object contains unknown field `x``.
_FIELD = re.compile(r"field `([^`]*)`")


async def strict_json_body(request: Request[Any, Any, Any]) -> None:
    """A before-request hook: decode the body into the handler's data type, strictly."""
    data = request.route_handler.parsed_data_field
    if data is None or not _is_json(request.headers.get("content-type", "")):
        return  # no body expected, or a multipart upload (checked by its own handler)
    body = await request.body()
    if not body.strip():
        raise MalformedBody("this request needs a JSON body")
    try:
        msgspec.json.decode(body, type=data.annotation)
    except msgspec.ValidationError as error:
        message, field = _located(str(error))
        raise InvalidInput(message, field=field) from None
    except msgspec.DecodeError as error:
        raise MalformedBody(f"the request body is not valid JSON ({error})") from None
    except UnicodeDecodeError:
        raise MalformedBody("the request body is not UTF-8 text") from None
    except RecursionError:
        raise MalformedBody("the request body is nested too deeply") from None


def _is_json(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def _located(message: str) -> tuple[str, str | None]:
    """msgspec's message without its JSON path, and the field as a dotted name: `position.lat`
    for `Object missing required field `lat` - at `$.position``."""
    found = _AT.search(message)
    text = message[: found.start()] if found else message
    path = found.group(1).replace("[", ".").replace("]", "") if found else ""
    named = _FIELD.search(text)
    return text, ".".join(part for part in (path, named and named.group(1)) if part) or None

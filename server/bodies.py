"""JSON request bodies decoded strictly, before Litestar's own parsing sees them.

Litestar converts a handler's arguments with msgspec's lenient rules (strict=False), right for
path and query strings but wrong for a JSON body: it turns {"agree": 1} or {"agree": "true"}
into True, and a signature must come from a literal true. So each JSON body is first decoded
here into the handler's own type with strict rules. A body that fails gets a 4xx naming the
field; one that passes is then parsed by Litestar from the request's cached bytes, to the same
value. Malformed bytes (bad UTF-8, a truncated body, no body) end here as a 400 rather than as
an error deep in the framework. The unsafe-request guard has already refused any body that is
not application/json.

A field the endpoint does not know is refused (400, naming it), on every JSON endpoint: request
types derive from `RequestBody` (msgspec refuses them while decoding, nested objects too), and
a body type that does not is still checked here, by its top-level keys, so a new endpoint
cannot quietly accept and drop a misspelt field.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from schema.errors import InvalidInput
from server.errors import MalformedBody, located


class RequestBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The base of every JSON request body: unknown fields are refused, not dropped."""


def refuses_unknown_fields(kind: object) -> bool:
    config = getattr(kind, "__struct_config__", None)
    return bool(config and config.forbid_unknown_fields)


def _unknown_field(body: bytes, kind: type) -> str | None:
    """The first top-level key of `body` that `kind` (a Struct) does not have, if any."""
    known = set(getattr(kind, "__struct_encode_fields__", ()))
    if not known:
        return None
    try:
        keys = msgspec.json.decode(body, type=dict[str, msgspec.Raw])
    except msgspec.ValidationError:
        return None  # not an object: the typed decode says so
    return next((key for key in keys if key not in known), None)


async def strict_json_body(request: Request[Any, Any, Any]) -> None:
    """A before-request hook: decode the body into the handler's data type, strictly."""
    data = request.route_handler.parsed_data_field
    if data is None or request.route_handler.opt.get("multipart"):
        return  # no body expected, or an upload (checked by its own handler)
    body = await request.body()
    if not body.strip():
        raise MalformedBody("this request needs a JSON body")
    try:
        msgspec.json.decode(body, type=data.annotation)
        if not refuses_unknown_fields(data.annotation):
            unknown = _unknown_field(body, data.annotation)
            if unknown is not None:
                raise InvalidInput(f"Object contains unknown field `{unknown}`", field=unknown)
    except msgspec.ValidationError as error:
        message, field = located(str(error))
        raise InvalidInput(message, field=field) from None
    except msgspec.DecodeError as error:
        raise MalformedBody(f"the request body is not valid JSON ({error})") from None
    except UnicodeDecodeError:
        raise MalformedBody("the request body is not UTF-8 text") from None
    except RecursionError:  # only a type with a free-form (Any) field could nest this deep
        raise MalformedBody("the request body is nested too deeply") from None

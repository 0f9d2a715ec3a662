"""JSON request bodies decoded strictly, before Litestar's own parsing sees them.

Litestar converts a handler's arguments with msgspec's lenient rules (strict=False), right for
path and query strings but wrong for a JSON body: it turns {"agree": 1} or {"agree": "true"}
into True, and a signature must come from a literal true. So each JSON body is first decoded
here into the handler's own type with strict rules. A body that fails gets a 4xx naming the
field; one that passes is then parsed by Litestar from the request's cached bytes, to the same
value. Malformed bytes (bad UTF-8, a truncated body, no body) end here as a 400 rather than as
an error deep in the framework. The unsafe-request guard has already refused any body that is
not application/json.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request

from schema.errors import InvalidInput
from server.errors import MalformedBody, located


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
    except msgspec.ValidationError as error:
        message, field = located(str(error))
        raise InvalidInput(message, field=field) from None
    except msgspec.DecodeError as error:
        raise MalformedBody(f"the request body is not valid JSON ({error})") from None
    except UnicodeDecodeError:
        raise MalformedBody("the request body is not UTF-8 text") from None
    except RecursionError:  # only a type with a free-form (Any) field could nest this deep
        raise MalformedBody("the request body is nested too deeply") from None

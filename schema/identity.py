"""Who is making a change: the name every event and notice records as its actor.

A coordinator is the operating system account running the TUI or CLI (over SSH, each person
has their own), or a name given with `--as NAME` where an account is shared. Crew and vendors
act as `person:ID`, so a coordinator's name may not hold a colon: nobody can pass for a phone.
"""

from __future__ import annotations

import getpass

from schema.errors import InvalidInput

MAX_ACTOR = 40
# Who changes are recorded under when no name can be had (the name a production began with).
ANYONE = "coordinator"


def actor_name(text: str) -> str:
    """A coordinator's name as events record it; refused when empty, too long, unprintable or
    shaped like a crew member's actor."""
    name = text.strip()
    if not name:
        raise InvalidInput("a name to record changes under is required", field="actor")
    if len(name) > MAX_ACTOR:
        raise InvalidInput(f"the name is longer than {MAX_ACTOR} characters", field="actor")
    if not name.isprintable():
        raise InvalidInput("the name holds characters that cannot be printed", field="actor")
    if ":" in name:
        raise InvalidInput("the name may not contain ':' (kept for crew, person:ID)", field="actor")
    return name


def login_name(fallback: str = ANYONE) -> str:
    """The operating system account running this process (over SSH, the coordinator's own);
    the fallback when there is none to be had, or it would not pass as a name."""
    try:
        return actor_name(getpass.getuser())
    except (InvalidInput, OSError, KeyError):
        return fallback

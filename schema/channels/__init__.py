"""How a message leaves: one module per channel (email, web push; SMS would be one more).

Channels do I/O only. They take a finished `Outgoing` message and a destination and either
return or raise `SendFailed`; the outbox (schema/delivery.py) decides what is sent, when and
how often, and records what happened.
"""

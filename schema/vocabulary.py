"""The words on screen follow the production's kind; the bones underneath are shared.

A film books gear to shoot days; a plant routes orders through departments; a print run sends
sections through copy, ad approval and press by their deadlines. The TUI, the PWA and the reports
take their nouns from here rather than hard-coding one trade's words.
"""

from __future__ import annotations

from typing import Final

from schema.types import ProductionKind

WORDS: Final[dict[ProductionKind, dict[str, str]]] = {
    ProductionKind.FILM: {
        "stage": "department",
        "stages": "Departments",
        "order": "order",
        "orders": "Orders",
        "client_order": "request",
        "product": "item",
        "customer": "requested by",
        "deadline": "due",
        "start": "start",
        "finish_stage": "done here",
        "ship": "deliver",
        "shipped": "delivered",
        "materials_store": "Production office",
        "finished_store": "Unit base",
        "plan": "Plan",
    },
    ProductionKind.MANUFACTURING: {
        "stage": "department",
        "stages": "Departments",
        "order": "production order",
        "orders": "Production orders",
        "client_order": "client order",
        "product": "product",
        "customer": "customer",
        "deadline": "due",
        "start": "start",
        "finish_stage": "finished in this department",
        "ship": "ship",
        "shipped": "shipped",
        "materials_store": "Materials store",
        "finished_store": "Finished goods",
        "plan": "Master production plan",
    },
    ProductionKind.PRINT: {
        "stage": "stage",
        "stages": "Stages",
        "order": "section",
        "orders": "Sections",
        "client_order": "section",
        "product": "section",
        "customer": "desk",
        "deadline": "press deadline",
        "start": "start copy",
        "finish_stage": "signed off",
        "ship": "deliver to carriers",
        "shipped": "delivered to carriers",
        "materials_store": "Paper and ink store",
        "finished_store": "Mailroom",
        "plan": "Press plan",
    },
}


def words(kind: ProductionKind | str) -> dict[str, str]:
    """The nouns and verbs for a production of this kind (film's when the kind is unknown)."""
    try:
        return WORDS[ProductionKind(kind)]
    except ValueError:
        return WORDS[ProductionKind.FILM]


def word(kind: ProductionKind | str, key: str) -> str:
    return words(kind)[key]

"""Every kind of event the core records, named once.

The events table is both the audit trail and the TUI's change feed: a view declares the
families it watches (`family("call")`), and tests check that each watched family is one the
core emits. A kind is `<family>.<what happened>`; a new feature adds its members here.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    PRODUCTION_CREATED = "production.created"
    PRODUCTION_UPDATED = "production.updated"

    PERSON_ADDED = "person.added"
    PERSON_UPDATED = "person.updated"
    PERSON_DELETED = "person.deleted"
    VENDOR_ADDED = "vendor.added"
    VENDOR_UPDATED = "vendor.updated"
    VENDOR_ARCHIVED = "vendor.archived"
    VENDOR_RESTORED = "vendor.restored"

    LOCATION_ADDED = "location.added"
    LOCATION_UPDATED = "location.updated"
    LOCATION_CODE_ROTATED = "location.code_rotated"

    DAY_ADDED = "day.added"
    DAY_UPDATED = "day.updated"
    DAY_DELETED = "day.deleted"
    CALL_ADDED = "call.added"
    CALL_UPDATED = "call.updated"
    CALL_RELEASED = "call.released"

    NOTICE_CREATED = "notice.created"
    NOTICE_ACKNOWLEDGED = "notice.acknowledged"

    CONTRACT_ADDED = "contract.added"
    CONTRACT_SENT = "contract.sent"
    CONTRACT_VIEWED = "contract.viewed"
    CONTRACT_SIGNED = "contract.signed"
    CONTRACT_COUNTERSIGNED = "contract.countersigned"
    CONTRACT_VOID = "contract.void"
    CONTRACT_DOCUMENT_ATTACHED = "contract.document_attached"
    CONTRACT_SIGNED_COPY_UPLOADED = "contract.signed_copy_uploaded"
    CONTRACT_DECLINED = "contract.declined"
    CONTRACT_EXPIRY_SET = "contract.expiry_set"

    PAPERWORK_KIND_ADDED = "paperwork.kind_added"
    PAPERWORK_KIND_UPDATED = "paperwork.kind_updated"
    PAPERWORK_REQUIRED = "paperwork.required"
    PAPERWORK_UNREQUIRED = "paperwork.unrequired"

    BOOKING_ADDED = "booking.added"
    BOOKING_UPDATED = "booking.updated"
    BOOKING_CONFIRMED = "booking.confirmed"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_MOVED = "booking.moved"

    CHECKIN_RECORDED = "checkin.recorded"
    CHECKOUT_RECORDED = "checkin.checked_out"
    MARK_RECORDED = "mark.recorded"
    DAY_MEAL_SET = "day.meal_set"
    CALL_KIND_SET = "call.kind_set"

    LINK_ISSUED = "link.issued"
    SESSION_STARTED = "session.started"
    SESSION_REVOKED = "session.revoked"
    SESSION_ENDED = "session.ended"
    ACCESS_REVOKED = "access.revoked"
    CALENDAR_ISSUED = "calendar.issued"

    DELIVERY_QUEUED = "delivery.queued"
    DELIVERY_SENT = "delivery.sent"
    DELIVERY_FAILED = "delivery.failed"
    DELIVERY_OPENED = "delivery.opened"
    DELIVERY_CONFIRMED = "delivery.confirmed"
    DELIVERY_TOLD = "delivery.told_in_person"
    DELIVERY_RESENT = "delivery.resent"
    DELIVERY_PUSH_SUBSCRIBED = "delivery.push_subscribed"
    DELIVERY_PUSH_UNSUBSCRIBED = "delivery.push_unsubscribed"

    CALLSHEET_PUBLISHED = "callsheet.published"
    CALLSHEET_SETTINGS_UPDATED = "callsheet.settings_updated"
    CALLSHEET_DAY_UPDATED = "callsheet.day_updated"

    STOCK_ITEM_ADDED = "stock.item_added"
    STOCK_ITEM_UPDATED = "stock.item_updated"
    STOCK_PLACE_ADDED = "stock.place_added"
    STOCK_MOVED = "stock.moved"

    EQUIPMENT_UNIT_ADDED = "equipment.unit_added"
    EQUIPMENT_CHECKED_OUT = "equipment.checked_out"
    EQUIPMENT_RETURNED = "equipment.returned"
    EQUIPMENT_SCANNED = "equipment.scanned"
    EQUIPMENT_BOOKED = "equipment.booked"
    EQUIPMENT_UNBOOKED = "equipment.unbooked"
    EQUIPMENT_RENTED = "equipment.rented"

    PURCHASE_ORDERED = "purchase.ordered"
    PURCHASE_RECEIVED = "purchase.received"

    PLAN_STAGE_ADDED = "plan.stage_added"
    PLAN_PRODUCT_DEFINED = "plan.product_defined"
    PLAN_CLIENT_ORDER_ADDED = "plan.client_order_added"
    PLAN_ORDER_RELEASED = "plan.order_released"
    PLAN_ORDER_STARTED = "plan.order_started"
    PLAN_STAGE_FINISHED = "plan.stage_finished"
    PLAN_ORDER_SHIPPED = "plan.order_shipped"
    PLAN_ORDER_RESCHEDULED = "plan.order_rescheduled"

    @property
    def family(self) -> str:
        return self.value.split(".", 1)[0]


def family(*names: str) -> frozenset[EventKind]:
    """Every kind in the named families: what a view that shows those records watches.

    An unknown family is a mistake in the view, not an empty watch list."""
    found = frozenset(kind for kind in EventKind if kind.family in names)
    missing = set(names) - {kind.family for kind in found}
    if missing:
        raise ValueError(f"no event kinds in families {sorted(missing)}")
    return found

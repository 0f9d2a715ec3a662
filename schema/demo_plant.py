"""Demo productions of things, not shoots: a furniture plant and a newspaper's print run, and
the film demo's camera package and walkie-talkies.

Everything goes through the service functions, as in schema/demo.py. Each plant demo carries
planted problems a coordinator should find at once: an overloaded department, a late order,
stock below its reorder level and an overdue unit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec
import sqlite_utils

from schema import directory, gear, plan, production, purchasing, stock
from schema.clock import utcnow
from schema.directory import PersonIn, VendorIn
from schema.plan import RoutingStep
from schema.stock import ItemKind, MoveIn, MoveKind, PlaceKind
from schema.store.connection import write
from schema.types import ProductionKind

ACTOR = "demo"
TIMEZONE = "Europe/London"


class PlantSummary(msgspec.Struct, kw_only=True):
    name: str
    kind: str
    people: int
    items: int
    stages: int
    orders: int
    units: int
    problems: int


# name, kind, unit, reorder level, opening stock
Material = tuple[str, ItemKind, str, int, int]
# product, [(stage, days)], {material: per unit}
Product = tuple[str, list[tuple[str, int]], dict[str, int]]
# customer, product, quantity, due in days, start in days, stages already done (-1: not started)
OrderPlan = tuple[str, str, int, int, int, int]


class Trade(msgspec.Struct, kw_only=True):
    name: str
    kind: ProductionKind
    vendors: list[tuple[str, str]]
    workers: dict[str, list[str]]
    stages: list[tuple[str, int]]
    materials: list[Material]
    products: list[Product]
    orders: list[OrderPlan]
    tools: list[tuple[str, list[str]]]
    carrier: str
    product_unit: str = "each"


PLANT = Trade(
    name="Hallam Furniture Works",
    kind=ProductionKind.MANUFACTURING,
    vendors=[
        ("Sheffield Steel Stockholders", "steel tube"),
        ("Fixings Direct", "bolts and fixings"),
        ("Pennine Timber", "oak board"),
        ("Northern Packaging", "cartons"),
    ],
    workers={
        "Cutting": ["Ivo Novak", "Kemi Adeyemi"],
        "Welding": ["Farid Haddad", "Orla Brennan"],
        "Upholstery": ["Suki Tanaka"],
        "Assembly": ["Theo Grieve", "Wren Mensah"],
        "Packing": ["Nell Varga"],
    },
    stages=[
        ("Cutting", 60),
        ("Welding", 30),
        ("Upholstery", 45),
        ("Assembly", 40),
        ("Packing", 80),
    ],
    materials=[
        ("Steel tube", ItemKind.RAW_MATERIAL, "m", 200, 900),
        ("Oak board", ItemKind.RAW_MATERIAL, "board", 40, 160),
        ("Seat fabric", ItemKind.RAW_MATERIAL, "m", 50, 120),
        ("M8 bolt", ItemKind.COMPONENT, "each", 500, 2400),
        ("Carton", ItemKind.SHIPPING_SUPPLY, "each", 100, 150),  # planted: below reorder
        ("Printer paper", ItemKind.OFFICE_SUPPLY, "ream", 5, 12),
    ],
    products=[
        (
            "Folding chair",
            [("Cutting", 1), ("Welding", 2), ("Upholstery", 1), ("Packing", 1)],
            {"Steel tube": 3, "M8 bolt": 6, "Seat fabric": 1, "Carton": 1},
        ),
        (
            "Oak table",
            [("Cutting", 2), ("Assembly", 2), ("Packing", 1)],
            {"Oak board": 4, "M8 bolt": 8, "Carton": 1},
        ),
        (
            "Bar stool",
            [("Cutting", 1), ("Welding", 1), ("Assembly", 1), ("Packing", 1)],
            {"Steel tube": 2, "M8 bolt": 4, "Carton": 1},
        ),
    ],
    orders=[
        ("Hall & Co Interiors", "Folding chair", 40, 9, -2, 1),  # at Welding today
        ("Bramble Cafe", "Bar stool", 24, 6, -1, 1),  # at Welding today
        ("Northgate School", "Folding chair", 30, 12, 0, 0),  # started: at Cutting
        ("Harrow Hotels", "Oak table", 12, 3, 1, -1),  # planned: finishes too late
        ("Marlow Offices", "Folding chair", 36, 14, 1, -1),  # welding overloaded tomorrow
        ("The Long Table", "Oak table", 8, 20, 6, -1),
    ],
    tools=[
        ("Forklift", ["Forklift 1"]),
        ("Torque wrench", ["Torque wrench A", "Torque wrench B"]),
        ("Pallet truck", ["Pallet truck 1", "Pallet truck 2"]),
    ],
    carrier="Pennine Freight",
)

PRINT = Trade(
    name="The Harbour Gazette: Saturday edition",
    kind=ProductionKind.PRINT,
    vendors=[
        ("Nordic Newsprint", "newsprint reels"),
        ("Inkwell Supplies", "ink and plates"),
        ("Menzies Distribution", "delivery to newsagents"),
    ],
    workers={
        "Copy": ["Bea Lomax", "Cai Rourke"],
        "Ad approval": ["Hana Pryce"],
        "Prepress": ["Jude Keane"],
        "Press": ["Lars Petrov", "Pia Sandoval"],
        "Mailroom": ["Rhys Ulloa"],
    },
    stages=[
        ("Copy", 100),
        ("Ad approval", 60),
        ("Prepress", 100),
        ("Press", 60),
        ("Mailroom", 120),
    ],
    materials=[
        ("Newsprint", ItemKind.RAW_MATERIAL, "kg", 8000, 30000),
        ("Black ink", ItemKind.RAW_MATERIAL, "kg", 400, 1500),
        ("Printing plate", ItemKind.COMPONENT, "each", 200, 120),  # planted: below reorder
        ("Bundle strap", ItemKind.SHIPPING_SUPPLY, "each", 2000, 9000),
    ],
    products=[
        (
            "News section",
            [("Copy", 1), ("Ad approval", 1), ("Prepress", 1), ("Press", 1), ("Mailroom", 1)],
            {"Newsprint": 120, "Black ink": 2, "Printing plate": 1},
        ),
        (
            "Sport section",
            [("Copy", 1), ("Prepress", 1), ("Press", 1), ("Mailroom", 1)],
            {"Newsprint": 90, "Black ink": 2},
        ),
        (
            "Property supplement",
            [("Ad approval", 2), ("Prepress", 1), ("Press", 1), ("Mailroom", 1)],
            {"Newsprint": 60, "Black ink": 1},
        ),
    ],
    orders=[
        ("News desk", "News section", 42, 4, -2, 2),  # at Prepress today
        ("Sport desk", "Sport section", 38, 3, -1, 1),  # at Prepress today
        ("Advertising", "Property supplement", 30, 2, 0, -1),  # planned: misses its deadline
        ("News desk", "News section", 42, 11, 3, -1),  # press overloaded with the next
        ("Sport desk", "Sport section", 38, 10, 4, -1),
    ],
    tools=[("Proofing tablet", ["Tablet 1", "Tablet 2"]), ("Delivery van", ["Van 1"])],
    carrier="Menzies Distribution",
    product_unit="thousand copies",
)


def build(
    db: sqlite_utils.Database,
    kind: ProductionKind | str,
    *,
    today: date | None = None,
    base_url: str = "http://127.0.0.1:8000",
    now: datetime | None = None,
) -> PlantSummary:
    """Build the manufacturing or print demo in an empty file; `today` is a working day."""
    trade = PLANT if ProductionKind(kind) == ProductionKind.MANUFACTURING else PRINT
    moment = now or utcnow()
    on = today or moment.astimezone(production.zone_named(TIMEZONE)).date()
    with write(db):
        production.create(
            db, trade.name, kind=trade.kind, timezone=TIMEZONE, base_url=base_url,
            actor=ACTOR, now=moment,
        )  # fmt: skip
        vendors = _vendors(db, trade, moment)
        people = _people(db, trade, moment)
        items = _materials(db, trade, vendors, moment)
        stages = {
            name: plan.add_stage(db, name, capacity, actor=ACTOR, now=moment)
            for name, capacity in trade.stages
        }
        products = _products(db, trade, items, stages, moment)
        _orders(db, trade, products, on, moment)
        _tools(db, trade, people, on, moment)
    return summary(db, trade, moment)


def summary(db: sqlite_utils.Database, trade: Trade, moment: datetime) -> PlantSummary:
    from schema import problems

    count = lambda table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: E731
    return PlantSummary(
        name=trade.name,
        kind=str(trade.kind),
        people=count("people"),
        items=count("stock_items"),
        stages=count("plan_stages"),
        orders=count("production_orders"),
        units=count("equipment_units"),
        problems=len(problems.find_stock(db, now=moment)),
    )


def _vendors(db: sqlite_utils.Database, trade: Trade, moment: datetime) -> dict[str, int]:
    return {
        name: directory.add_vendor(
            db, VendorIn(name=name, service=service), actor=ACTOR, now=moment
        ).id
        for name, service in trade.vendors
    }


def _people(db: sqlite_utils.Database, trade: Trade, moment: datetime) -> dict[str, int]:
    made = {}
    for department, names in trade.workers.items():
        for name in names:
            email = name.lower().replace(" ", ".") + "@example.com"
            made[name] = directory.add_person(
                db,
                PersonIn(name=name, department=department, role=f"{department} lead", email=email),
                actor=ACTOR,
                now=moment,
            ).id
    return made


def _materials(
    db: sqlite_utils.Database, trade: Trade, vendors: dict[str, int], moment: datetime
) -> dict[str, int]:
    """Materials bought on purchase orders: the first vendor's received in full, the rest in
    part, so the desk shows both."""
    items: dict[str, int] = {}
    materials, _ = plan.stores(db, actor=ACTOR, now=moment)
    for name, kind, unit, reorder, _opening in trade.materials:
        items[name] = stock.add_item(
            db, name, kind, unit=unit, reorder_level=reorder, actor=ACTOR, now=moment
        ).id
    vendor_ids = list(vendors.values())
    for index, (name, _kind, _unit, _reorder, opening) in enumerate(trade.materials):
        vendor = vendor_ids[index % len(vendor_ids)]
        order = purchasing.order(
            db, vendor, {items[name]: opening + 10}, notes="opening stock", actor=ACTOR, now=moment
        )
        purchasing.receive(
            db, order.order.id, materials, {items[name]: opening}, actor=ACTOR, now=moment
        )
    return items


def _products(
    db: sqlite_utils.Database,
    trade: Trade,
    items: dict[str, int],
    stages: dict[str, plan.Stage],
    moment: datetime,
) -> dict[str, int]:
    products = {}
    for name, routing, bom in trade.products:
        product = stock.add_item(
            db, name, ItemKind.FINISHED_GOOD, unit=trade.product_unit, actor=ACTOR, now=moment
        )
        plan.define_product(
            db,
            product.id,
            [RoutingStep(stage_id=stages[s].id, days=d) for s, d in routing],
            {items[m]: q for m, q in bom.items()},
            actor=ACTOR,
            now=moment,
        )
        products[name] = product.id
    return products


def _orders(
    db: sqlite_utils.Database,
    trade: Trade,
    products: dict[str, int],
    on: date,
    moment: datetime,
) -> None:
    for customer, product, quantity, due_in, start_in, done in trade.orders:
        client = plan.add_client_order(
            db,
            customer,
            products[product],
            quantity,
            on + timedelta(days=due_in),
            actor=ACTOR,
            now=moment,
        )
        order = plan.release(db, client.id, on + timedelta(days=start_in), actor=ACTOR, now=moment)
        if done < 0:
            continue
        plan.start(db, order.id, actor=ACTOR, now=moment)
        for _ in range(done):
            plan.finish_stage(db, order.id, actor=ACTOR, now=moment)


def _tools(
    db: sqlite_utils.Database,
    trade: Trade,
    people: dict[str, int],
    on: date,
    moment: datetime,
) -> None:
    """Shop-floor equipment with labels; one unit taken yesterday and never brought back."""
    store = stock.place(db, PlaceKind.STORE, "Tool store", actor=ACTOR, now=moment)
    first: int | None = None
    for item_name, labels in trade.tools:
        item = stock.add_item(db, item_name, ItemKind.EQUIPMENT, actor=ACTOR, now=moment)
        for label in labels:
            unit = gear.add_unit(
                db, item.id, label, home_place_id=store.id, actor=ACTOR, now=moment
            )
            first = first or unit.id
    assert first is not None
    holder = next(iter(people.values()))
    hands = stock.person_place(db, holder, actor=ACTOR, now=moment)
    gear.check_out(
        db,
        first,
        to_place_id=hands.id,
        holder_person_id=holder,
        due_back_at=datetime.combine(on - timedelta(days=1), time(17, 0)),
        accepted_by=directory.get_person(db, holder).name,
        actor=ACTOR,
        now=moment - timedelta(days=1),
    )


# --- the film demo's gear -----------------------------------------------------------------------

CAMERA_PACKAGE = (
    ("ARRI Alexa Mini LF", "Alexa LF A"),
    ("Signature Prime 35mm", "35mm A"),
    ("Signature Prime 50mm", "50mm A"),
    ("Signature Prime 75mm", "75mm A"),
    ("SmallHD 703 monitor", "Monitor A"),
)
WALKIE_ISSUE = {"Assistant Directors": 5, "Camera": 4, "Grip": 3}


def film_gear(db: sqlite_utils.Database, on: date, moment: datetime) -> None:
    """The film demo's camera package (hired, booked to tomorrow's main day) and walkies
    issued per department for today, due back at wrap. Nothing here is a problem yet."""
    rows = db.execute(
        "SELECT id, date FROM days WHERE unit = 'Main' AND date >= ? ORDER BY date",
        [on.isoformat()],
    ).fetchall()
    if len(rows) < 2:
        return
    today_id, tomorrow_id, last_id = int(rows[0][0]), int(rows[1][0]), int(rows[-1][0])
    vendor = db.execute(
        "SELECT id, name FROM vendors WHERE service = 'camera equipment'"
    ).fetchone()
    truck = stock.place(db, PlaceKind.STORE, "Camera truck", actor=ACTOR, now=moment)
    package = []
    for item_name, label in CAMERA_PACKAGE:
        item = stock.add_item(db, item_name, ItemKind.EQUIPMENT, actor=ACTOR, now=moment)
        unit = gear.add_unit(
            db,
            item.id,
            label,
            home_place_id=truck.id,
            kit="Camera A",
            vendor_id=vendor[0] if vendor else None,
            actor=ACTOR,
            now=moment,
        )
        package.append(unit.id)
        if vendor:
            gear.rent(
                db, unit.id, int(vendor[0]), first_date=on, last_day_id=last_id, actor=ACTOR,
                now=moment,
            )  # fmt: skip
    gear.book(db, package, tomorrow_id, actor=ACTOR, now=moment)
    _walkies(db, today_id, moment)


def _walkies(db: sqlite_utils.Database, day_id: int, moment: datetime) -> None:
    walkie = stock.add_item(
        db, gear.WALKIE, ItemKind.EQUIPMENT, reorder_level=0, actor=ACTOR, now=moment
    )
    office = stock.place(db, PlaceKind.STORE, "Production office", actor=ACTOR, now=moment)
    units = [
        gear.add_unit(
            db, walkie.id, f"Walkie {n:02d}", home_place_id=office.id, actor=ACTOR, now=moment
        ).id
        for n in range(1, 17)
    ]
    start = 0
    for department, count in WALKIE_ISSUE.items():
        gear.issue_to_department(
            db, units[start : start + count], department, day_id, actor=ACTOR, now=moment
        )
        start += count
    batteries = stock.add_item(
        db, "AA batteries", ItemKind.OFFICE_SUPPLY, unit="each", reorder_level=48,
        actor=ACTOR, now=moment,
    )  # fmt: skip
    stock.apply(
        db,
        MoveIn(kind=MoveKind.RECEIVE, item_id=batteries.id, quantity=96, to_place_id=office.id),
        actor=ACTOR,
        now=moment,
    )

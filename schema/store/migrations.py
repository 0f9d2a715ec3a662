"""Versioned schema migrations, tracked in SQLite's `user_version`.

A migration is appended, never edited: an older production file is upgraded in place by running
the ones it has not seen, inside the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from schema.errors import CallboardError

Migration = Callable[[sqlite_utils.Database], None]


def run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run several statements inside the caller's transaction.

    sqlite3's executescript() would COMMIT first, breaking the migration's atomicity.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement[:60]!r}")


def _v1_core(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE production (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'film',
            timezone TEXT NOT NULL DEFAULT 'UTC',
            base_url TEXT NOT NULL DEFAULT 'http://127.0.0.1:8000',
            min_rest_minutes INTEGER NOT NULL DEFAULT 600,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE vendors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            service TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'crew',
            department TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            vendor_id INTEGER REFERENCES vendors(id) ON DELETE RESTRICT,
            notes TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX people_vendor ON people(vendor_id);
        CREATE TABLE locations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            address TEXT NOT NULL DEFAULT '',
            lat REAL,
            lon REAL,
            radius_m INTEGER NOT NULL DEFAULT 300,
            notes TEXT NOT NULL DEFAULT '',
            code TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL DEFAULT 1
        );
        -- Every code a location has ever had, so a rotated poster can say so.
        CREATE TABLE location_codes (
            code TEXT PRIMARY KEY,
            location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            rotated_at TEXT
        );
        CREATE TABLE days (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT 'Main',
            location_id INTEGER REFERENCES locations(id) ON DELETE RESTRICT,
            call_at TEXT NOT NULL,
            wrap_at TEXT NOT NULL,
            scenes TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX days_date ON days(date);
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            day_id INTEGER NOT NULL REFERENCES days(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
            call_at TEXT NOT NULL,
            wrap_at TEXT,
            notes TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            UNIQUE (day_id, person_id)
        );
        CREATE INDEX calls_person ON calls(person_id);
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL,
            uploaded_at TEXT NOT NULL,
            uploaded_by TEXT NOT NULL
        );
        CREATE TABLE contracts (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE RESTRICT,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'draft',
            document_id INTEGER REFERENCES documents(id),
            document_sha256 TEXT,
            signed_copy_id INTEGER REFERENCES documents(id),
            sent_at TEXT,
            viewed_at TEXT,
            signed_at TEXT,
            signed_name TEXT,
            signed_ip TEXT,
            signed_user_agent TEXT,
            signed_sha256 TEXT,
            countersigned_at TEXT,
            countersigned_by TEXT,
            voided_at TEXT,
            void_reason TEXT,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX contracts_person ON contracts(person_id);
        CREATE TABLE personal_links (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            used_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX personal_links_person ON personal_links(person_id);
        CREATE TABLE device_sessions (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            user_agent TEXT NOT NULL DEFAULT '',
            ip TEXT NOT NULL DEFAULT '',
            revoked_at TEXT
        );
        CREATE INDEX device_sessions_person ON device_sessions(person_id);
        CREATE TABLE calendar_feeds (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            location_id INTEGER REFERENCES locations(id) ON DELETE SET NULL,
            day_id INTEGER REFERENCES days(id) ON DELETE SET NULL,
            code TEXT NOT NULL,
            nonce TEXT NOT NULL,
            result TEXT NOT NULL,
            received_at TEXT NOT NULL,
            client_at TEXT,
            replayed INTEGER NOT NULL DEFAULT 0,
            late_minutes INTEGER NOT NULL DEFAULT 0,
            lat REAL,
            lon REAL,
            accuracy_m REAL,
            distance_m REAL,
            far INTEGER NOT NULL DEFAULT 0,
            ip TEXT NOT NULL DEFAULT '',
            user_agent TEXT NOT NULL DEFAULT '',
            UNIQUE (person_id, nonce)
        );
        CREATE INDEX checkins_location_time ON checkins(location_id, received_at);
        CREATE INDEX checkins_day ON checkins(day_id, person_id);
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            day_id INTEGER REFERENCES days(id) ON DELETE SET NULL,
            kind TEXT NOT NULL,
            summary TEXT NOT NULL,
            created_at TEXT NOT NULL,
            actor TEXT NOT NULL
        );
        CREATE TABLE notice_recipients (
            notice_id INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            acknowledged_at TEXT,
            ack_nonce TEXT,
            PRIMARY KEY (notice_id, person_id)
        );
        CREATE INDEX notice_recipients_person ON notice_recipients(person_id);
        -- Append-only: the audit trail and the change feed the TUI follows by id.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """,
    )


def _v2_feed_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the audit view (events by subject) and a person's check-in history."""
    run_script(
        db,
        """
        CREATE INDEX IF NOT EXISTS events_subject ON events(subject, id);
        CREATE INDEX IF NOT EXISTS checkins_person_time ON checkins(person_id, received_at);
        """,
    )


def _v3_checkin_happened_at(db: sqlite_utils.Database) -> None:
    """When a check-in really happened, decided once on arrival: the phone's own time only for a
    check-in replayed from its offline outbox, the server's receive time otherwise."""
    run_script(
        db,
        """
        ALTER TABLE checkins ADD COLUMN happened_at TEXT;
        UPDATE checkins SET happened_at = CASE
            WHEN replayed = 1 AND client_at IS NOT NULL
                AND julianday(client_at) BETWEEN julianday(received_at) - 2
                AND julianday(received_at) + 2 / 1440.0
            THEN client_at ELSE received_at END;
        CREATE INDEX checkins_happened ON checkins(happened_at);
        """,
    )


def _v4_people_email(db: sqlite_utils.Database) -> None:
    """An index to find who already has an email (a duplicate is refused) without a scan, so
    importing a long spreadsheet stays linear."""
    run_script(db, "CREATE INDEX IF NOT EXISTS people_email ON people(email COLLATE NOCASE);\n")


def _v5_delivery(db: sqlite_utils.Database) -> None:
    """Reaching people: the production's SMTP settings (never its password), an outbox of
    messages with one row per message and channel, phones' push subscriptions, the
    production's VAPID key pair, and the event cursor the sender follows so no change notice
    is missed. The cursor starts at the newest event: history is not mailed out."""
    run_script(
        db,
        """
        ALTER TABLE production ADD COLUMN smtp_host TEXT NOT NULL DEFAULT '';
        ALTER TABLE production ADD COLUMN smtp_port INTEGER NOT NULL DEFAULT 587;
        ALTER TABLE production ADD COLUMN smtp_from TEXT NOT NULL DEFAULT '';
        ALTER TABLE production ADD COLUMN smtp_user TEXT NOT NULL DEFAULT '';
        ALTER TABLE production ADD COLUMN smtp_tls TEXT NOT NULL DEFAULT 'starttls';
        ALTER TABLE production ADD COLUMN remind_hours INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE outbox_messages (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            ref TEXT NOT NULL DEFAULT '',
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            html TEXT NOT NULL,
            link TEXT NOT NULL DEFAULT '',
            secret INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            opened_at TEXT,
            confirmed_at TEXT,
            told_at TEXT,
            told_by TEXT
        );
        CREATE INDEX outbox_messages_person ON outbox_messages(person_id, ref);
        CREATE INDEX outbox_messages_ref ON outbox_messages(ref);
        CREATE TABLE outbox_attachments (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES outbox_messages(id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX outbox_attachments_message ON outbox_attachments(message_id);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES outbox_messages(id) ON DELETE CASCADE,
            channel TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            generation INTEGER NOT NULL DEFAULT 1,
            header_id TEXT,
            reason TEXT NOT NULL DEFAULT '',
            next_attempt_at TEXT,
            sent_at TEXT,
            claimed_by TEXT,
            claimed_until TEXT,
            UNIQUE (message_id, channel)
        );
        CREATE INDEX outbox_due ON outbox(next_attempt_at);
        CREATE TABLE push_subscriptions (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            user_agent TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX push_subscriptions_person ON push_subscriptions(person_id);
        CREATE TABLE push_keys (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            private_pem TEXT NOT NULL,
            public_key TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE delivery_cursor (
            name TEXT PRIMARY KEY,
            event_id INTEGER NOT NULL
        );
        INSERT INTO delivery_cursor (name, event_id)
            SELECT 'sweep', coalesce(max(id), 0) FROM events;
        """,
    )


def _v6_paperwork(db: sqlite_utils.Database) -> None:
    """Vendors of their own (address, archive), document kinds and the paperwork each kind of
    party needs, contract expiry and declines, and vendor bookings. A new production starts
    with sensible requirements (crew and cast need a deal memo, vendors a vendor agreement)."""
    run_script(
        db,
        """
        ALTER TABLE vendors ADD COLUMN address TEXT NOT NULL DEFAULT '';
        ALTER TABLE vendors ADD COLUMN archived_at TEXT;
        CREATE TABLE document_kinds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            expires INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE paperwork_requirements (
            id INTEGER PRIMARY KEY,
            kind_id INTEGER NOT NULL REFERENCES document_kinds(id) ON DELETE CASCADE,
            party TEXT NOT NULL CHECK (party IN ('crew', 'cast', 'vendor')),
            department TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
            UNIQUE (kind_id, party, department)
        );
        ALTER TABLE contracts ADD COLUMN expires_on TEXT;
        ALTER TABLE contracts ADD COLUMN declined_at TEXT;
        ALTER TABLE contracts ADD COLUMN decline_reason TEXT;
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            vendor_id INTEGER NOT NULL REFERENCES vendors(id) ON DELETE RESTRICT,
            day_id INTEGER NOT NULL REFERENCES days(id) ON DELETE CASCADE,
            location_id INTEGER REFERENCES locations(id) ON DELETE RESTRICT,
            kind TEXT NOT NULL CHECK (kind IN ('delivery', 'pickup', 'service')),
            at TEXT NOT NULL,
            what TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            confirmed_at TEXT,
            confirmed_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
            cancelled_at TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX bookings_day ON bookings(day_id);
        CREATE INDEX bookings_vendor ON bookings(vendor_id, at);
        INSERT INTO document_kinds (name, expires) VALUES
            ('deal memo', 0), ('crew agreement', 0), ('cast agreement', 0),
            ('vendor agreement', 0), ('location agreement', 0), ('NDA', 0),
            ('start form', 0), ('tax form', 0), ('insurance certificate', 1);
        INSERT INTO paperwork_requirements (kind_id, party)
            SELECT id, 'crew' FROM document_kinds WHERE name = 'deal memo'
            UNION ALL SELECT id, 'cast' FROM document_kinds WHERE name = 'deal memo'
            UNION ALL SELECT id, 'vendor' FROM document_kinds WHERE name = 'vendor agreement';
        """,
    )


def _v7_day_as_it_happened(db: sqlite_utils.Database) -> None:
    """The day as it happened: phone check-outs (a scan with a nonce, like check-in), the
    coordinator's marks on the board (arrived by hand, absent, sick, released, wrap, meal,
    accepted phone time), the unit's meal break on a day, a call's kind (work, hold, travel)
    and the production's meal rule (hours from call before a meal is due)."""
    run_script(
        db,
        """
        CREATE TABLE checkouts (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            location_id INTEGER REFERENCES locations(id) ON DELETE SET NULL,
            day_id INTEGER REFERENCES days(id) ON DELETE SET NULL,
            code TEXT NOT NULL,
            nonce TEXT NOT NULL,
            result TEXT NOT NULL,
            received_at TEXT NOT NULL,
            client_at TEXT,
            happened_at TEXT NOT NULL,
            replayed INTEGER NOT NULL DEFAULT 0,
            ip TEXT NOT NULL DEFAULT '',
            user_agent TEXT NOT NULL DEFAULT '',
            UNIQUE (person_id, nonce)
        );
        CREATE INDEX checkouts_day ON checkouts(day_id, person_id);
        CREATE INDEX checkouts_happened ON checkouts(happened_at);
        CREATE TABLE marks (
            id INTEGER PRIMARY KEY,
            day_id INTEGER NOT NULL REFERENCES days(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            at TEXT,
            reason TEXT NOT NULL DEFAULT '',
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX marks_day ON marks(day_id, person_id, id);
        ALTER TABLE days ADD COLUMN meal_at TEXT;
        ALTER TABLE days ADD COLUMN meal_minutes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN kind TEXT NOT NULL DEFAULT 'work';
        ALTER TABLE production ADD COLUMN meal_after_minutes INTEGER NOT NULL DEFAULT 360;
        """,
    )


def _v8_callsheets(db: sqlite_utils.Database) -> None:
    """Call sheets: a location's parking, base camp and nearest hospital; the production's
    call-sheet settings (office contacts, walkie channels, cast names hidden from crew); a day's
    meals and safety notes; published versions (frozen JSON) and the notice each affected person
    was sent for a version; a notice recipient's own wording."""
    run_script(
        db,
        """
        ALTER TABLE locations ADD COLUMN parking TEXT NOT NULL DEFAULT '';
        ALTER TABLE locations ADD COLUMN base_camp TEXT NOT NULL DEFAULT '';
        ALTER TABLE locations ADD COLUMN hospital TEXT NOT NULL DEFAULT '';
        CREATE TABLE callsheet_settings (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            contacts TEXT NOT NULL DEFAULT '[]',
            walkies TEXT NOT NULL DEFAULT '{}',
            hide_cast_names INTEGER NOT NULL DEFAULT 0,
            safety TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1
        );
        INSERT INTO callsheet_settings (id) VALUES (1);
        CREATE TABLE callsheet_days (
            day_id INTEGER PRIMARY KEY REFERENCES days(id) ON DELETE CASCADE,
            meals TEXT NOT NULL DEFAULT '',
            safety_notes TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE callsheet_versions (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            unit TEXT NOT NULL,
            number INTEGER NOT NULL,
            day_id INTEGER REFERENCES days(id) ON DELETE SET NULL,
            sheet TEXT NOT NULL,
            published_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            UNIQUE (date, unit, number)
        );
        CREATE TABLE callsheet_notices (
            version_id INTEGER NOT NULL REFERENCES callsheet_versions(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            notice_id INTEGER REFERENCES notices(id) ON DELETE SET NULL,
            PRIMARY KEY (version_id, person_id, kind)
        );
        CREATE INDEX callsheet_notices_person ON callsheet_notices(person_id);
        -- A recipient's own wording of a notice ("your call is now 04:30"), when it differs
        -- from the notice's summary (the coordinator's one line for everyone).
        ALTER TABLE notice_recipients ADD COLUMN summary TEXT;
        """,
    )


def _v9_stock_and_plan(db: sqlite_utils.Database) -> None:
    """Stock, equipment and the production plan (issue 13).

    Quantities are whole numbers of an item's unit (a material kept by weight uses g or kg as
    its unit). The movement ledger is append-only; `stock_balances` is its cached sum, updated in
    the same transaction by a conditional UPDATE that cannot take a balance below zero.
    """
    run_script(
        db,
        """
        CREATE TABLE stock_items (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT 'each',
            reorder_level INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
            notes TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1
        );
        -- Where stock can be: a store, a location, a department or stage, a vendor, a person.
        CREATE TABLE stock_places (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            location_id INTEGER REFERENCES locations(id) ON DELETE SET NULL,
            vendor_id INTEGER REFERENCES vendors(id) ON DELETE SET NULL,
            person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            UNIQUE (kind, name)
        );
        CREATE UNIQUE INDEX stock_places_person ON stock_places(person_id)
            WHERE person_id IS NOT NULL;
        CREATE TABLE stock_movements (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            item_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            from_place_id INTEGER REFERENCES stock_places(id) ON DELETE RESTRICT,
            to_place_id INTEGER REFERENCES stock_places(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            unit_id INTEGER,
            order_id INTEGER,
            reason TEXT NOT NULL DEFAULT '',
            actor TEXT NOT NULL,
            nonce TEXT NOT NULL,
            CHECK (from_place_id IS NOT NULL OR to_place_id IS NOT NULL),
            CHECK (from_place_id IS NOT to_place_id),
            UNIQUE (actor, nonce)
        );
        CREATE INDEX stock_movements_item ON stock_movements(item_id, id);
        CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
            BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
        CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
            BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
        CREATE TABLE stock_balances (
            item_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE CASCADE,
            place_id INTEGER NOT NULL REFERENCES stock_places(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            PRIMARY KEY (item_id, place_id)
        );
        -- One physical piece of equipment (a quantity of 1 of its item), with a QR label.
        CREATE TABLE equipment_units (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            label TEXT NOT NULL UNIQUE COLLATE NOCASE,
            code TEXT NOT NULL UNIQUE,
            kit TEXT NOT NULL DEFAULT '',
            home_place_id INTEGER NOT NULL REFERENCES stock_places(id),
            place_id INTEGER NOT NULL REFERENCES stock_places(id),
            holder_person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
            out_since TEXT,
            due_back_at TEXT,
            issued_day_id INTEGER REFERENCES days(id) ON DELETE SET NULL,
            issued_to TEXT,
            accepted_by TEXT,
            vendor_id INTEGER REFERENCES vendors(id) ON DELETE SET NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX equipment_units_kit ON equipment_units(kit);
        -- What a phone's scan of a label was answered, so a replayed nonce gets the same words.
        CREATE TABLE equipment_scans (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            unit_id INTEGER REFERENCES equipment_units(id) ON DELETE SET NULL,
            code TEXT NOT NULL,
            nonce TEXT NOT NULL,
            result TEXT NOT NULL,
            received_at TEXT NOT NULL,
            happened_at TEXT NOT NULL,
            replayed INTEGER NOT NULL DEFAULT 0,
            previous_holder TEXT,
            UNIQUE (person_id, nonce)
        );
        CREATE TABLE gear_bookings (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES equipment_units(id) ON DELETE CASCADE,
            day_id INTEGER NOT NULL REFERENCES days(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            UNIQUE (unit_id, day_id)
        );
        CREATE INDEX gear_bookings_day ON gear_bookings(day_id);
        -- A unit hired from a vendor: due back at the wrap of its last day (which may move).
        CREATE TABLE gear_rentals (
            id INTEGER PRIMARY KEY,
            unit_id INTEGER NOT NULL REFERENCES equipment_units(id) ON DELETE CASCADE,
            vendor_id INTEGER NOT NULL REFERENCES vendors(id) ON DELETE RESTRICT,
            first_date TEXT NOT NULL,
            last_day_id INTEGER REFERENCES days(id) ON DELETE SET NULL,
            returned_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE purchase_orders (
            id INTEGER PRIMARY KEY,
            vendor_id INTEGER NOT NULL REFERENCES vendors(id) ON DELETE RESTRICT,
            expected_on TEXT,
            status TEXT NOT NULL DEFAULT 'open',
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE purchase_order_lines (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= quantity)
        );
        -- The plan: departments or stages with a capacity per day, each a stock place.
        CREATE TABLE plan_stages (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            position INTEGER NOT NULL DEFAULT 0,
            capacity_per_day INTEGER NOT NULL CHECK (capacity_per_day > 0),
            place_id INTEGER NOT NULL REFERENCES stock_places(id),
            code TEXT NOT NULL UNIQUE
        );
        -- A product's routing (ordered stages, days each) and bill of materials.
        CREATE TABLE routing_steps (
            product_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            stage_id INTEGER NOT NULL REFERENCES plan_stages(id) ON DELETE RESTRICT,
            days INTEGER NOT NULL CHECK (days > 0),
            PRIMARY KEY (product_id, position)
        );
        CREATE TABLE bom_lines (
            product_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE CASCADE,
            component_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            PRIMARY KEY (product_id, component_id)
        );
        CREATE TABLE client_orders (
            id INTEGER PRIMARY KEY,
            customer TEXT NOT NULL,
            product_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            due_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE production_orders (
            id INTEGER PRIMARY KEY,
            client_order_id INTEGER REFERENCES client_orders(id) ON DELETE SET NULL,
            product_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            wip_item_id INTEGER NOT NULL REFERENCES stock_items(id) ON DELETE RESTRICT,
            quantity INTEGER NOT NULL CHECK (quantity > 0),
            due_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned',
            step INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE order_steps (
            order_id INTEGER NOT NULL REFERENCES production_orders(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            stage_id INTEGER NOT NULL REFERENCES plan_stages(id) ON DELETE RESTRICT,
            start_on TEXT NOT NULL,
            end_on TEXT NOT NULL,
            finished_at TEXT,
            PRIMARY KEY (order_id, position)
        );
        CREATE INDEX order_steps_stage ON order_steps(stage_id, start_on);
        CREATE TABLE stage_scans (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            nonce TEXT NOT NULL,
            order_id INTEGER,
            stage_id INTEGER,
            result TEXT NOT NULL,
            received_at TEXT NOT NULL,
            UNIQUE (person_id, nonce)
        );
        """,
    )


MIGRATIONS: list[Migration] = [
    _v1_core,
    _v2_feed_indexes,
    _v3_checkin_happened_at,
    _v4_people_email,
    _v5_delivery,
    _v6_paperwork,
    _v7_day_as_it_happened,
    _v8_callsheets,
    _v9_stock_and_plan,
]
LATEST = len(MIGRATIONS)


def current_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, *, target: int = LATEST) -> int:
    """Run the migrations this file has not seen, up to `target`; returns the new version."""
    version = current_version(db)
    if version > LATEST:
        raise CallboardError(
            f"this production file is schema version {version}, newer than this Callboard "
            f"(knows up to {LATEST}); upgrade Callboard"
        )
    for number in range(version, target):
        MIGRATIONS[number](db)
        db.execute(f"PRAGMA user_version = {number + 1}")
    return max(version, target)

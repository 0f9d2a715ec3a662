"""Equipment labels (/e/CODE) and stage codes (/s/CODE): scanned from a phone like a check-in,
with a closed list of answers and the phone's nonce making a retry harmless."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from schema import gear, plan
from schema.errors import NotFound
from schema.gear import ScanAnswer, ScanRequest, UnitPublic
from schema.plan import StagePublic, StageScanAnswer, StageScanRequest
from server.deps import PERSON, CurrentPerson, Db, Now
from server.ratelimit import rate_limited


class EquipmentController(Controller):
    path = "/api"
    tags = ["equipment"]
    dependencies = PERSON

    @get(
        "/units/{code:str}",
        sync_to_thread=False,
        summary="What a label points at and who has it (crew only: it names a person)",
    )
    def unit(self, db: Db, person: CurrentPerson, code: FromPath[str]) -> UnitPublic:
        found = gear.public_unit(db, code)
        if found is None:
            raise NotFound("this code is not a Callboard label", code="unknown_code")
        return found

    @post(
        "/units/scans",
        status_code=200,
        sync_to_thread=False,
        guards=[rate_limited("checkin", per_session=True)],
        summary="Take a unit (or give it back when you hold it); every outcome is a 200",
    )
    def scan(
        self, db: Db, person: CurrentPerson, now: Now, data: JSONBody[ScanRequest]
    ) -> ScanAnswer:
        return gear.scan(db, person, data, now=now)

    @get("/stages/{code:str}", sync_to_thread=False, summary="A stage and its orders here")
    def stage(self, db: Db, person: CurrentPerson, code: FromPath[str]) -> StagePublic:
        found = plan.stage_page(db, code)
        if found is None:
            raise NotFound("this code is not a Callboard stage", code="unknown_code")
        return found

    @post(
        "/stages/scans",
        status_code=200,
        sync_to_thread=False,
        guards=[rate_limited("checkin", per_session=True)],
        summary="An order's work is done at this stage: move it on",
    )
    def stage_scan(
        self, db: Db, person: CurrentPerson, now: Now, data: JSONBody[StageScanRequest]
    ) -> StageScanAnswer:
        return plan.scan_stage(db, person, data, now=now)

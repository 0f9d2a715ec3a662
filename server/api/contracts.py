"""A party's own contracts: read, open the document, confirm signed, upload a signed copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from schema import contracts, crew
from server.api.fields import Id
from server.bodies import RequestBody
from server.deps import PERSON, CurrentPerson, Db, Now, client_ip, user_agent
from server.ratelimit import rate_limited

# Documents are PDF/JPEG/PNG by their bytes (sniffed at upload) and come from the coordinator.
# Browsers' PDF viewers are plugins: the site's `object-src 'none'` would show a blank page.
DOCUMENT_CSP = "default-src 'none'; object-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

# The multipart envelope around a 10 MB file needs a little room of its own.
UPLOAD_BODY_LIMIT = contracts.MAX_DOCUMENT_BYTES + 64 * 1024


class SignIn(RequestBody):
    # A blank name or `agree: false` is refused by the core (422, naming the field).
    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=400)]
    agree: bool
    sha256: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class DeclineIn(RequestBody):
    reason: Annotated[str, msgspec.Meta(max_length=2000)]


@dataclass
class SignedCopyForm:
    file: UploadFile


class ContractController(Controller):
    path = "/api/contracts"
    tags = ["contracts"]
    dependencies = PERSON

    @get("/", sync_to_thread=False, summary="My contracts")
    def list_mine(self, db: Db, person: CurrentPerson) -> list[crew.ContractView]:
        return crew.party_contracts(db, person.id)

    @get("/{contract_id:int}", sync_to_thread=False, summary="One of my contracts")
    def one(self, db: Db, person: CurrentPerson, contract_id: FromPath[Id]) -> crew.ContractView:
        return crew.contract_view(db, contracts.party_contract(db, contract_id, person.id))

    @post(
        "/{contract_id:int}/viewed",
        status_code=200,
        sync_to_thread=False,
        summary="I opened this contract: a sent contract becomes viewed (repeats change nothing)",
    )
    def viewed(
        self, db: Db, person: CurrentPerson, now: Now, contract_id: FromPath[Id]
    ) -> crew.ContractView:
        # A POST, not a side effect of the GET: a cross-site link must not change a contract.
        return crew.open_contract(db, contract_id, person.id, now=now)

    @get(
        "/{contract_id:int}/document",
        sync_to_thread=False,
        summary="The document to sign (?download=1 for an attachment)",
    )
    def document(
        self,
        db: Db,
        person: CurrentPerson,
        contract_id: FromPath[Id],
        download: FromQuery[bool] = False,
    ) -> Response[bytes]:
        document, data = contracts.readable_document(db, contract_id, person.id)
        disposition = "attachment" if download else "inline"
        return Response(
            data,
            media_type=document.content_type,
            headers={
                "Content-Disposition": _disposition(disposition, document.filename),
                "Cache-Control": "private, no-store",
                "Content-Security-Policy": DOCUMENT_CSP,
                "X-Document-SHA256": document.sha256,
            },
        )

    @post(
        "/{contract_id:int}/sign",
        status_code=200,
        sync_to_thread=False,
        summary="Confirm I signed: typed full name, agreement and the SHA-256 I was shown",
    )
    def sign(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        person: CurrentPerson,
        now: Now,
        contract_id: FromPath[Id],
        data: JSONBody[SignIn],
    ) -> crew.ContractView:
        signed = contracts.sign(
            db,
            contract_id,
            person.id,
            full_name=data.full_name,
            shown_sha256=data.sha256,
            agreed=data.agree,
            ip=client_ip(request),
            user_agent=user_agent(request),
            now=now,
        )
        return crew.contract_view(db, signed)

    @post(
        "/{contract_id:int}/decline",
        status_code=200,
        sync_to_thread=False,
        summary="I will not sign this contract, and why (once; the coordinator sees the reason)",
    )
    def decline(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        person: CurrentPerson,
        now: Now,
        contract_id: FromPath[Id],
        data: JSONBody[DeclineIn],
    ) -> crew.ContractView:
        declined = contracts.decline(
            db,
            contract_id,
            person.id,
            reason=data.reason,
            ip=client_ip(request),
            user_agent=user_agent(request),
            now=now,
        )
        return crew.contract_view(db, declined)

    @post(
        "/{contract_id:int}/signed-copy",
        status_code=200,
        sync_to_thread=False,
        guards=[rate_limited("upload")],
        request_max_body_size=UPLOAD_BODY_LIMIT,
        opt={"multipart": True},
        summary="Upload a signed copy (PDF, JPEG or PNG; 10 MB at most)",
    )
    def signed_copy(
        self,
        db: Db,
        person: CurrentPerson,
        now: Now,
        contract_id: FromPath[Id],
        data: MultipartBody[SignedCopyForm],
    ) -> crew.ContractView:
        contracts.party_contract(db, contract_id, person.id)  # a stranger's upload is not read
        content = data.file.file.read(contracts.MAX_DOCUMENT_BYTES + 1)
        if len(content) > contracts.MAX_DOCUMENT_BYTES:
            raise HTTPException(status_code=413, detail="the file is larger than 10 MB")
        if content and contracts.sniff_content_type(content) is None:
            raise HTTPException(status_code=415, detail="the file must be a PDF, JPEG or PNG")
        updated = contracts.upload_signed_copy(
            db, contract_id, person.id, data.file.filename or "signed-copy", content, now=now
        )
        return crew.contract_view(db, updated)


def _disposition(kind: str, filename: str) -> str:
    """Both the plain and the RFC 5987 form, with nothing that could break out of the quotes."""
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename
    )
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"

"""The lodging pages: the form (GET, POST with lodge / add-item / check), HS search, requirement
hints, bulk upload and its templates. Authorisation mirrors the API: lodging needs
``policy.require_lodger``; search and hints are reference data for any signed-in user.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from eport.datamodel.codelists import DOCUMENT_TYPES, INCOTERMS_2020, TRANSPORT_MODES, UNITS
from eport.datamodel.identifiers import schemes
from eport.datamodel.validation import parse_declaration
from eport.identity import policy
from eport.identity.model import Principal
from eport.kernel.errors import FieldError, ValidationFailed

from ...api.common import eport_of, read
from .. import i18n
from ..pages import locale_of, page
from . import bulk, service
from .form import (
    CODE_TEXT,
    MAX_ITEMS,
    ShownError,
    build_document,
    defaults,
    dom_id,
    form_names,
    item_count,
    place_errors,
    untouched_items_dropped,
)

# Code-list names and error explanations are translated by value, not by literal.
LODGING_MESSAGES: tuple[str, ...] = (
    *CODE_TEXT.values(),
    *TRANSPORT_MODES.values(),
    *UNITS.values(),
    *INCOTERMS_2020.values(),
    *DOCUMENT_TYPES.values(),
    "Rail consignment note",
    "Road consignment note",
)
TRANSPORT_DOCUMENTS = {
    "705": "Bill of lading",
    "740": "Air waybill",
    "720": "Rail consignment note",
    "730": "Road consignment note",
}
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HS_QUERY = re.compile(r"^[0-9]{2,10}$")
FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _error_text(request: Request[Any, Any, Any]) -> Any:
    locale = locale_of(request)
    _ = i18n.gettext_for(locale)

    def text(error: FieldError) -> str:
        if locale == "en" or error.code not in CODE_TEXT:
            return error.message
        return _(CODE_TEXT[error.code]) + (f" ({error.rule})" if error.rule else "")

    return text


def _line_of(params: dict[str, str], item: int) -> dict[str, str]:
    """A goods line from plain parameters (type, hs, origin...) or, as HTMX sends them from
    the form, from inputs named by pointer."""
    base = f"/goodsItems/{item}"
    pick = {
        "type": "/declarationType",
        "hs": f"{base}/hsCode",
        "origin": f"{base}/originCountry",
        "procedure": f"{base}/procedureCode",
        "mode": "/transport/mode",
        "dispatch": "/countryOfDispatch",
        "destination": "/countryOfDestination",
    }
    return {k: (params.get(k) or params.get(p) or "").strip()[:16] for k, p in pick.items()}


class LodgingPages(Controller):
    path = "/portal"
    include_in_schema = False

    async def _form(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        values: dict[str, str],
        *,
        items: int,
        nonce: str,
        errors: list[ShownError] | None = None,
        hints: dict[int, list[dict[str, Any]]] | None = None,
        status_code: int = 200,
    ) -> Template:
        eport = eport_of(request)
        _ = i18n.gettext_for(locale_of(request))
        by_field: dict[str, list[str]] = {}
        summary: list[tuple[str | None, str]] = []
        for e in errors or []:
            if e.field is not None:
                by_field.setdefault(e.field, []).append(e.message)
            where = ""
            if e.field and e.field.startswith("/goodsItems/"):
                where = _("Goods item %(n)s", n=int(e.field.split("/")[2]) + 1) + ": "
            summary.append((dom_id(e.field) if e.field else None, where + e.message))
        return page(
            request,
            "lodging/form.html",
            principal,
            status_code=status_code,
            v=values,
            errors=by_field,
            summary=summary,
            items=items,
            max_items=MAX_ITEMS,
            nonce=nonce,
            hints=hints or {},
            grantors=await service.grantors(eport, principal.enterprise),
            on_behalf_of=values.get("onBehalfOf", ""),
            dom_id=dom_id,
            scheme_options=[(s, s) for s in schemes()],
            mode_options=[(c, f"{c} {_(n)}") for c, n in TRANSPORT_MODES.items()],
            unit_options=[(c, f"{c} {_(n)}") for c, n in UNITS.items()],
            incoterm_options=[(c, f"{c} {_(n)}") for c, n in INCOTERMS_2020.items()],
            doc_options=[(c, f"{c} {_(n)}") for c, n in DOCUMENT_TYPES.items()],
            transport_doc_options=[
                (c, f"{c} {_(DOCUMENT_TYPES.get(c, n))}") for c, n in TRANSPORT_DOCUMENTS.items()
            ],
            document_types=DOCUMENT_TYPES,
        )

    @get("/declarations/new", name="lodge-form")
    async def new(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """A fresh form, the declarant prefilled with the user's enterprise."""
        policy.require_lodger(principal, policy.Action.LODGE)
        enterprise = await service.enterprise(eport_of(request), principal.enterprise)
        return await self._form(
            request, principal, defaults(enterprise), items=1, nonce=secrets.token_urlsafe(18)
        )

    @post("/declarations", name="lodge-submit")
    async def submit(
        self, request: Request[Any, Any, Any], principal: Principal, data: FormData
    ) -> Redirect | Template:
        """Lodge; or, for "add-item" and "check", show the form again with nothing lodged."""
        policy.require_lodger(principal, policy.Action.LODGE)
        action = data.get("action", "lodge")
        nonce = data.get("nonce", "")
        if not NONCE.match(nonce):
            nonce = secrets.token_urlsafe(18)
        items = item_count(data)
        values = {k: v[:600] for k, v in data.items() if k.startswith("/") or k == "onBehalfOf"}
        if action == "add-item":
            items = min(items + 1, MAX_ITEMS)
            values.setdefault(f"/goodsItems/{items - 1}/sequence", str(items))
            return await self._form(request, principal, values, items=items, nonce=nonce)
        if action == "check":
            eport = eport_of(request)
            on = eport.clock().date()
            lines = {
                i: _line_of(values, i)
                for i in range(items)
                if values.get(f"/goodsItems/{i}/hsCode", "").strip()
            }
            hints = await read(
                eport,
                lambda c: {i: service.requirements(eport, c, on, ln) for i, ln in lines.items()},
            )
            return await self._form(
                request, principal, values, items=items, nonce=nonce, hints=hints
            )
        built = build_document(untouched_items_dropped(values))
        try:
            outcome = await service.lodge_json(
                request, principal, service.document_bytes(built), f"web:{nonce}",
                values.get("onBehalfOf") or None,
            )  # fmt: skip
        except ValidationFailed as exc:
            shown = place_errors(exc.errors, built, form_names(items), _error_text(request))
            return await self._form(
                request, principal, values, items=items, nonce=nonce, errors=shown,
                status_code=422,
            )  # fmt: skip
        return Redirect(f"/portal/declarations/{outcome.body['id']}", status_code=303)

    @get("/hs", name="hs-search")
    async def hs(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        item: Annotated[int, Parameter(ge=0, lt=999)] = 0,
    ) -> Template:
        """Nomenclature search (as GET /api/v1/tariff/lines): a page, or under HTMX the
        options of the HS input's datalist."""
        policy.permit_any_user(principal, policy.Action.READ_TARIFF, "reference data")
        query = (q or request.query_params.get(f"/goodsItems/{item}/hsCode") or "").strip()[:200]
        eport = eport_of(request)
        entries: list[Any] = []
        engine = eport.writer.tariff
        if query and engine is not None:
            entries = engine.data.schedule.nomenclature.search(
                query, limit=20, on=eport.clock().date()
            )
        htmx = request.headers.get("hx-request") == "true"
        return page(
            request,
            "lodging/_hs_options.html" if htmx else "lodging/hs.html",
            principal,
            q=query,
            entries=entries,
        )

    @get("/requirements", name="requirements")
    async def hints(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        """What the requirements catalogue asks of one goods line: agencies, documents and
        licences. A page, or under HTMX the hint under the goods item."""
        policy.permit_any_user(principal, policy.Action.READ_CATALOGUE, "reference data")
        params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
        item = int(params["item"]) if params.get("item", "").isdigit() else 0
        line = _line_of(params, min(item, 998))
        eport = eport_of(request)
        on = eport.clock().date()
        found: list[dict[str, Any]] | None = None
        if HS_QUERY.match(line["hs"]) and line["type"] in ("IM", "EX"):
            found = await read(eport, lambda c: service.requirements(eport, c, on, line))
        htmx = request.headers.get("hx-request") == "true"
        return page(
            request,
            "lodging/_hints.html" if htmx else "lodging/requirements.html",
            principal,
            line=line,
            found=found,
            document_types=DOCUMENT_TYPES,
        )

    @get("/declarations/bulk", name="bulk-form")
    async def bulk_form(self, request: Request[Any, Any, Any], principal: Principal) -> Template:
        policy.require_lodger(principal, policy.Action.LODGE)
        return page(
            request, "lodging/bulk.html", principal, groups=None, problem=None,
            columns=bulk.COLUMNS, unplaced=[],
        )  # fmt: skip

    async def _template_values(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> dict[str, str]:
        policy.require_lodger(principal, policy.Action.LODGE)
        return defaults(await service.enterprise(eport_of(request), principal.enterprise))

    @get("/declarations/bulk/template.csv", name="bulk-template-csv")
    async def template_csv(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> Response[bytes]:
        body = bulk.csv_template(await self._template_values(request, principal))
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="eport-declarations.csv"'},
        )

    @get("/declarations/bulk/template.xlsx", name="bulk-template-xlsx")
    async def template_xlsx(
        self, request: Request[Any, Any, Any], principal: Principal
    ) -> Response[bytes]:
        body = bulk.xlsx_template(await self._template_values(request, principal))
        return Response(
            body,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="eport-declarations.xlsx"'},
        )

    @post("/declarations/bulk", name="bulk-upload", request_max_body_size=3_000_000)
    async def bulk_upload(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        """Each declaration of the file lodged on its own, through the same path as the form;
        a declaration with any bad row is not lodged; the report lists every row."""
        policy.require_lodger(principal, policy.Action.LODGE)
        upload = data.get("file")
        problem: str | None = None
        groups: list[bulk.Group] = []
        unplaced: list[bulk.Row] = []
        _ = i18n.gettext_for(locale_of(request))
        if not isinstance(upload, UploadFile):
            problem = _("Choose a CSV or XLSX file.")
        else:
            content = await upload.read(bulk.MAX_BYTES + 1)
            try:
                rows = bulk.read_rows(upload.filename or "", content)
            except bulk.BulkFileInvalid as exc:
                problem = _(BULK_PROBLEMS.get(exc.code, BULK_PROBLEMS["file.unreadable"])) + (
                    f" ({exc})" if exc.code == "file.columns" else ""
                )
            else:
                groups = bulk.group_rows(rows, _)
                unplaced = [r for r in rows if r.errors and not r.values.get("traderReference")]
                await self._lodge_groups(request, principal, groups, bulk.digest(content))
        return page(
            request,
            "lodging/bulk.html",
            principal,
            status_code=422 if problem else 200,
            groups=groups,
            unplaced=unplaced,
            problem=problem,
            columns=bulk.COLUMNS,
        )

    async def _lodge_groups(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        groups: list[bulk.Group],
        file_digest: str,
    ) -> None:
        text = _error_text(request)
        for group in groups:
            if group.built is None:
                continue
            raw = service.document_bytes(group.built)
            try:
                if not group.ok:  # not lodged; still say what else is wrong with it
                    parse_declaration(raw)
                    continue
                outcome = await service.lodge_json(
                    request, principal, raw,
                    bulk.key_for(file_digest, group.reference), None,
                )  # fmt: skip
            except ValidationFailed as exc:
                for error in exc.errors:
                    row, column = bulk.place(group, error.pointer)
                    row.errors.append((column, text(error)))
                continue
            group.declaration_id = outcome.body["id"]
            group.replayed = outcome.replayed


BULK_PROBLEMS: dict[str, str] = {
    "file.too_large": "The file is too large (at most 2 MB).",
    "file.too_many_rows": "The file has too many rows (at most 1000).",
    "file.encoding": "Save the CSV file as UTF-8.",
    "file.columns": "The first row must name the template's columns.",
    "file.empty": "The file is empty.",
    "file.unreadable": "This is not a readable XLSX file.",
}
LODGING_MESSAGES += tuple(BULK_PROBLEMS.values())

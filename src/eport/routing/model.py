"""The requirements catalogue and agency tasks.

A catalogue rule says: for goods matching these conditions (HS prefix, declaration type,
procedure, countries, transport mode), on these dates, these agencies must act and these
documents must be attached. Rules are data, versioned: an edit writes a new version, nothing is
overwritten, so a past declaration can be re-routed under the rules of its date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from eport.datamodel.declaration import Declaration, GoodsItem


class TaskState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    QUERIED = "queried"
    WITHDRAWN = "withdrawn"  # an amendment made the agency's involvement unnecessary
    CANCELLED = "cancelled"  # the declaration was cancelled


OPEN_TASK_STATES = frozenset({TaskState.PENDING, TaskState.QUERIED})


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    QUERY = "query"


DECISION_STATE = {
    Decision.ACCEPT: TaskState.ACCEPTED,
    Decision.REJECT: TaskState.REJECTED,
    Decision.QUERY: TaskState.QUERIED,
}


@dataclass(frozen=True, slots=True)
class Agency:
    """A border agency. ``interests`` are JSON-pointer prefixes of header fields it reviews."""

    code: str
    name: str
    interests: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True, slots=True)
class RequiredDocument:
    type: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Conditions:
    """Empty tuples match everything."""

    hs_prefixes: tuple[str, ...] = ()
    declaration_types: tuple[str, ...] = ()
    procedure_codes: tuple[str, ...] = ()
    origin_countries: tuple[str, ...] = ()
    destination_countries: tuple[str, ...] = ()
    dispatch_countries: tuple[str, ...] = ()
    transport_modes: tuple[str, ...] = ()

    @property
    def item_level(self) -> bool:
        """True if the rule looks at goods items (not only at the header)."""
        return bool(self.hs_prefixes or self.procedure_codes or self.origin_countries)

    def header_matches(self, d: Declaration) -> bool:
        return (
            (not self.declaration_types or d.declaration_type in self.declaration_types)
            and (
                not self.destination_countries
                or d.country_of_destination in self.destination_countries
            )
            and (not self.dispatch_countries or d.country_of_dispatch in self.dispatch_countries)
            and (not self.transport_modes or d.transport.mode in self.transport_modes)
        )

    def item_matches(self, item: GoodsItem) -> bool:
        return (
            (not self.hs_prefixes or item.hs_code.startswith(self.hs_prefixes))
            and (not self.procedure_codes or item.procedure_code in self.procedure_codes)
            and (not self.origin_countries or item.origin_country in self.origin_countries)
        )


@dataclass(frozen=True, slots=True)
class CatalogueRule:
    code: str
    version: int
    description: str
    conditions: Conditions
    agencies: tuple[str, ...]
    documents: tuple[RequiredDocument, ...] = ()
    effective_from: date = date(2000, 1, 1)
    effective_to: date | None = None
    retired: bool = False

    def in_force(self, on: date) -> bool:
        return (
            not self.retired
            and self.effective_from <= on
            and (self.effective_to is None or on < self.effective_to)
        )


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that fired, and on which goods items (by index) it fired."""

    rule: CatalogueRule
    item_indexes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MissingDocument:
    rule: str
    document_type: str
    description: str
    item_index: int


@dataclass(slots=True)
class Routing:
    """Which agencies must act on a declaration, why, and which documents are missing."""

    hits: list[RuleHit] = field(default_factory=list)
    missing: list[MissingDocument] = field(default_factory=list)

    def agencies(self) -> dict[str, list[str]]:
        """agency code -> codes of the rules that require it (in catalogue order)."""
        out: dict[str, list[str]] = {}
        for hit in self.hits:
            for agency in hit.rule.agencies:
                out.setdefault(agency, []).append(hit.rule.code)
        return out

    def items_for(self, agency: str) -> set[int]:
        """Goods items (by index) that item-level rules of this agency matched."""
        return {
            i
            for hit in self.hits
            if agency in hit.rule.agencies and hit.rule.conditions.item_level
            for i in hit.item_indexes
        }


class Catalogue:
    """The rules in force, compiled for routing a declaration in microseconds."""

    def __init__(self, rules: Iterable[CatalogueRule]) -> None:
        self.rules: tuple[CatalogueRule, ...] = tuple(sorted(rules, key=lambda r: r.code))

    def route(self, declaration: Declaration, on: date) -> Routing:
        routing = Routing()
        items: Sequence[GoodsItem] = declaration.goods_items
        header_docs = {d.type for d in declaration.documents}
        for rule in self.rules:
            if not rule.in_force(on) or not rule.conditions.header_matches(declaration):
                continue
            conditions = rule.conditions
            if conditions.item_level:
                hit_items = tuple(
                    i for i, item in enumerate(items) if conditions.item_matches(item)
                )
            else:
                hit_items = tuple(range(len(items)))
            if not hit_items:
                continue
            routing.hits.append(RuleHit(rule, hit_items))
            if not rule.documents:
                continue
            for index in hit_items:
                present = header_docs | {d.type for d in items[index].documents}
                routing.missing.extend(
                    MissingDocument(rule.code, doc.type, doc.description, index)
                    for doc in rule.documents
                    if doc.type not in present
                )
        return routing


@dataclass(slots=True)
class Task:
    """One agency's piece of work on one declaration."""

    id: str
    declaration_id: str
    agency: str
    state: TaskState
    revision: int
    rules: tuple[str, ...]
    decision: Decision | None = None
    reason: str | None = None
    decided_by: str | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class ReroutePlan:
    """What an amendment does to each agency's task."""

    reopen: tuple[str, ...]  # agencies whose decision no longer holds
    add: dict[str, tuple[str, ...]]  # newly required agency -> rules
    withdraw: tuple[str, ...]  # agencies no longer required
    unaffected: tuple[str, ...]


def plan_reroute(
    tasks: Sequence[Task],
    old: Routing,
    new: Routing,
    changed_pointers: Sequence[str],
    agencies: dict[str, Agency],
) -> ReroutePlan:
    """Decide which agencies an amendment concerns.

    An agency is concerned if it queried (it asked for the change), if it is newly required or no
    longer required, or if a changed field lies in a goods item its rules matched (before or after)
    or under one of the header fields it declares an interest in.
    """
    new_agencies = new.agencies()
    live = {t.agency: t for t in tasks if t.state not in (TaskState.WITHDRAWN, TaskState.CANCELLED)}
    reopen: list[str] = []
    unaffected: list[str] = []
    for code, task in sorted(live.items()):
        if code not in new_agencies:
            continue
        if task.state in (TaskState.QUERIED, TaskState.PENDING):
            reopen.append(code)
            continue
        items = old.items_for(code) | new.items_for(code)
        prefixes = tuple(f"/goodsItems/{i}" for i in sorted(items))
        interests = agencies[code].interests if code in agencies else ("/",)
        touched = any(
            p == pre or p.startswith(pre + "/") for p in changed_pointers for pre in prefixes
        ) or any(
            i == "/" or p == i or p.startswith(i + "/") for p in changed_pointers for i in interests
        )
        (reopen if touched else unaffected).append(code)
    add = {a: tuple(r) for a, r in new_agencies.items() if a not in live}
    withdraw = tuple(sorted(a for a in live if a not in new_agencies))
    return ReroutePlan(tuple(reopen), add, withdraw, tuple(unaffected))


# The certificates an agency issues electronically (UN/EDIFACT 1001 document codes).
E_CERTIFICATE_TYPES: dict[str, str] = {
    "861": "Certificate of origin",
    "865": "Preferential certificate of origin",
    "851": "Phytosanitary certificate",
    "852": "Sanitary (health) certificate",
    "853": "Veterinary certificate",
    "856": "Quarantine certificate",
    "929": "Goods control certificate",
}


@dataclass(slots=True)
class ECertificate:
    """A certificate an agency issues on a declaration it accepted (origin, health, quarantine
    ...). E-Port seals it, so a foreign single window can verify it offline."""

    id: str
    declaration_id: str
    agency: str
    type: str
    revision: int
    remarks: str | None
    issued_by: str
    issued_at: datetime
    signature: bytes | None = None  # the officer's own detached CMS over the request
    signer_serial: str | None = None

"""Pure rules: the combined status, field-level diffs, re-routing, the catalogue."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eport.datamodel.validation import validate_document
from eport.declarations.model import Status, combine, field_diff
from eport.routing.model import (
    Agency,
    Catalogue,
    CatalogueRule,
    Conditions,
    RequiredDocument,
    Task,
    TaskState,
    plan_reroute,
)
from tests.factories import import_declaration, item, meat_import

A, P, Q, R = TaskState.ACCEPTED, TaskState.PENDING, TaskState.QUERIED, TaskState.REJECTED


@pytest.mark.parametrize(
    ("current", "tasks", "decided", "expected"),
    [
        (Status.LODGED, [P, P], False, Status.LODGED),
        (Status.LODGED, [A, P], True, Status.UNDER_REVIEW),
        (Status.UNDER_REVIEW, [A, A], True, Status.CLEARED),
        (Status.UNDER_REVIEW, [A, Q, P], True, Status.QUERIED),
        (Status.QUERIED, [R, Q], True, Status.REJECTED),
        (Status.AMENDED, [A, P], False, Status.AMENDED),
        (Status.AMENDED, [A, TaskState.WITHDRAWN], False, Status.CLEARED),
        (Status.UNDER_REVIEW, [TaskState.CANCELLED], True, Status.UNDER_REVIEW),
    ],
)
def test_combine(current: Status, tasks: list[TaskState], decided: bool, expected: Status) -> None:
    assert combine(current, tasks, decided=decided) is expected


@given(st.lists(st.sampled_from([A, P, Q, R]), min_size=1, max_size=6))
def test_any_reject_rejects_and_all_accept_clears(states: list[TaskState]) -> None:
    result = combine(Status.UNDER_REVIEW, states, decided=True)
    if R in states:
        assert result is Status.REJECTED
    elif Q in states:
        assert result is Status.QUERIED
    elif all(s is A for s in states):
        assert result is Status.CLEARED
    else:
        assert result is Status.UNDER_REVIEW


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text("ab/~", max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values, json_values)
def test_diff_is_empty_exactly_when_equal(old: object, new: object) -> None:
    assert (field_diff(old, new) == []) == (old == new)


def test_diff_names_each_changed_leaf() -> None:
    old = {"a": {"b": 1, "c": [1, 2]}, "x/y": 1}
    new = {"a": {"b": 2, "c": [1]}, "x/y": 1, "d": True}
    assert field_diff(old, new) == [
        {"pointer": "/a/b", "old": 1, "new": 2},
        {"pointer": "/a/c/1", "old": 2, "new": None},
        {"pointer": "/d", "old": None, "new": True},
    ]


RULES = [
    CatalogueRule("ALL", 1, "", Conditions(), ("customs",)),
    CatalogueRule(
        "MEAT",
        1,
        "",
        Conditions(hs_prefixes=("0202",)),
        ("quarantine",),
        (RequiredDocument("853"),),
    ),
    CatalogueRule("SEA", 1, "", Conditions(transport_modes=("1",)), ("port",)),
    CatalogueRule("OLD", 1, "", Conditions(), ("tax",), effective_to=date(2020, 1, 1)),
]
AGENCIES = {
    "customs": Agency("customs", "C", ("/",)),
    "quarantine": Agency("quarantine", "Q", ("/countryOfDispatch",)),
    "port": Agency("port", "P", ("/transport",)),
}


def test_catalogue_routes_by_item_and_header_and_date() -> None:
    doc = validate_document(meat_import())
    routing = Catalogue(RULES).route(doc, date(2026, 1, 1))
    assert routing.agencies() == {"customs": ["ALL"], "quarantine": ["MEAT"], "port": ["SEA"]}
    assert routing.missing == []
    assert routing.items_for("quarantine") == {0}
    assert routing.items_for("port") == set()  # header-only rule: no goods items
    bare = meat_import()
    bare["goodsItems"][0]["documents"] = []
    missing = Catalogue(RULES).route(validate_document(bare), date(2026, 1, 1)).missing
    assert [(m.rule, m.document_type, m.item_index) for m in missing] == [("MEAT", "853", 0)]


def _tasks(**states: TaskState) -> list[Task]:
    return [Task(f"T-{a}", "D", a, s, 1, ()) for a, s in states.items()]


def test_reroute_reopens_only_concerned_agencies() -> None:
    old_doc = validate_document(meat_import())
    cat = Catalogue(RULES)
    old = cat.route(old_doc, date(2026, 1, 1))
    tasks = _tasks(customs=A, quarantine=A, port=A)
    # A change on the laptop line concerns customs (interest "/") only.
    plan = plan_reroute(tasks, old, old, ["/goodsItems/1/value"], AGENCIES)
    assert plan.reopen == ("customs",) and set(plan.unaffected) == {"quarantine", "port"}
    # A change on the beef line concerns quarantine too; the transport concerns the port.
    plan = plan_reroute(tasks, old, old, ["/goodsItems/0/netMass", "/transport/name"], AGENCIES)
    assert plan.reopen == ("customs", "port", "quarantine")
    # Removing the beef withdraws quarantine; switching to road withdraws the port.
    new_doc = validate_document(
        import_declaration(goodsItems=[item()], transport={"mode": "3"}, containers=[])
    )
    new = cat.route(new_doc, date(2026, 1, 1))
    plan = plan_reroute(tasks, old, new, ["/goodsItems/0"], AGENCIES)
    assert set(plan.withdraw) == {"quarantine", "port"} and plan.add == {}


def test_reroute_reopens_a_querying_agency_even_if_untouched() -> None:
    old = Catalogue(RULES).route(validate_document(meat_import()), date(2026, 1, 1))
    plan = plan_reroute(
        _tasks(customs=A, quarantine=Q, port=A), old, old, ["/traderReference"], AGENCIES
    )
    assert set(plan.reopen) == {"customs", "quarantine"} and plan.unaffected == ("port",)


def test_a_future_version_does_not_displace_the_version_in_force() -> None:
    from eport.adapters.db.catalogue_cache import in_force_on

    v1 = CatalogueRule("R", 1, "", Conditions(), ("customs",), effective_from=date(2024, 1, 1))
    v2 = CatalogueRule("R", 2, "", Conditions(), ("quarantine",), effective_from=date(2027, 1, 1))
    v3 = CatalogueRule(
        "R", 3, "", Conditions(), ("quarantine",), effective_from=date(2028, 1, 1), retired=True
    )
    assert [r.version for r in in_force_on([v1, v2, v3], date(2026, 6, 1))] == [1]
    assert [r.version for r in in_force_on([v1, v2, v3], date(2027, 6, 1))] == [2]
    assert in_force_on([v1, v2, v3], date(2028, 6, 1)) == []

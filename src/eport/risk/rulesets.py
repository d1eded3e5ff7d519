"""Checking a proposed rule set, and choosing the version in force on a date.

The output contract of a rule set: every ``decisionTableNode`` uses ``hitPolicy: collect`` and
has output columns ``rule``, ``lane`` and ``reason``; in every row ``rule`` is a string literal
(a stable id, unique in the rule set, not starting ``random.``), ``lane`` a string literal naming
a lane, and ``reason`` a non-empty expression (usually a string literal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from eport.kernel.errors import ErrorList, FieldError
from eport.risk.errors import RuleSetInvalid, RuleSetNotInForce
from eport.risk.model import Lane, RuleSet
from eport.risk.ports import RuleEvaluator

REQUIRED_OUTPUTS = ("rule", "lane", "reason")
_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer from its reference tokens."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def literal(cell: object) -> str | None:
    """The text of a quoted string literal cell (``"red"`` or ``'red'``), else None."""
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" and text[0] not in text[1:-1]:
        return text[1:-1]
    return None


def decision_tables(document: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(node index, node) of every decision table in the graph."""
    nodes = document.get("nodes")
    for index, node in enumerate(nodes if isinstance(nodes, list) else []):
        if isinstance(node, Mapping) and node.get("type") == "decisionTableNode":
            yield index, node


def _output_columns(content: Mapping[str, Any]) -> dict[str, str]:
    """Output field name → column id."""
    outputs = content.get("outputs")
    columns = outputs if isinstance(outputs, list) else []
    return {c["field"]: c["id"] for c in columns if isinstance(c, Mapping) and "field" in c}


def _check_table(
    index: int, node: Mapping[str, Any], seen: dict[str, str], problems: ErrorList
) -> None:
    base: tuple[str | int, ...] = ("document", "nodes", index, "content")
    content = node.get("content")
    if not isinstance(content, Mapping):
        problems.add(pointer(*base), "risk.table_content", "A decision table needs content.")
        return
    if content.get("hitPolicy") != "collect":
        problems.add(
            pointer(*base, "hitPolicy"),
            "risk.hit_policy",
            "Use hitPolicy 'collect' so that every matching row is reported.",
        )
    columns = _output_columns(content)
    missing = [f for f in REQUIRED_OUTPUTS if f not in columns]
    if missing:
        problems.add(
            pointer(*base, "outputs"),
            "risk.output_missing",
            f"The table has no output column {', '.join(missing)}.",
        )
        return
    rows = content.get("rules")
    for r, row in enumerate(rows if isinstance(rows, list) else []):
        _check_row((*base, "rules", r), row, columns, seen, problems)


def _check_row(
    at: tuple[str | int, ...],
    row: Mapping[str, Any],
    columns: dict[str, str],
    seen: dict[str, str],
    problems: ErrorList,
) -> None:
    rule, lane = literal(row.get(columns["rule"])), literal(row.get(columns["lane"]))
    reason = row.get(columns["reason"])
    if not rule:
        problems.add(
            pointer(*at, columns["rule"]), "risk.rule_missing", "A row names its rule (literal)."
        )
    elif rule.startswith("random."):
        problems.add(pointer(*at, columns["rule"]), "risk.rule_reserved", "random.* is reserved.")
    elif rule in seen:
        problems.add(
            pointer(*at, columns["rule"]),
            "risk.rule_duplicate",
            f"Rule '{rule}' is already used at {seen[rule]}.",
        )
    else:
        seen[rule] = pointer(*at)
    if lane not in set(Lane):
        problems.add(
            pointer(*at, columns["lane"]),
            "risk.lane_invalid",
            f"The lane is a literal, one of {', '.join(Lane)}.",
        )
    if not isinstance(reason, str) or not reason.strip():
        problems.add(
            pointer(*at, columns["reason"]), "risk.reason_missing", "A row gives a reason."
        )


def _check_metadata(rule_set: RuleSet, problems: ErrorList) -> None:
    if not _CODE.match(rule_set.code):
        problems.add("/code", "risk.code_format", "Lower-case letters, digits, '.', '_', '-'.")
    if rule_set.version < 1:
        problems.add("/version", "risk.version", "Versions count from 1.")
    if rule_set.valid_to is not None and rule_set.valid_to <= rule_set.valid_from:
        problems.add("/validTo", "risk.valid_to", "validTo comes after validFrom.")
    if not rule_set.author.strip():
        problems.add("/author", "risk.author_missing", "A rule set names its author.")


def validate_rule_set(rule_set: RuleSet, evaluator: RuleEvaluator) -> None:
    """Raise ``RuleSetInvalid`` listing every problem; return None if it may be stored."""
    problems = ErrorList()
    _check_metadata(rule_set, problems)
    document = rule_set.document
    tables = list(decision_tables(document))
    if not tables:
        problems.add("/document/nodes", "risk.no_table", "A rule set has a decision table.")
    seen: dict[str, str] = {}
    for index, node in tables:
        _check_table(index, node, seen, problems)
    engine_problems: list[FieldError] = evaluator.check(document)
    problems.errors.extend(
        FieldError("/document" + e.pointer, e.code, e.message) for e in engine_problems
    )
    if problems.errors:
        raise RuleSetInvalid(problems.errors)


def declared_rules(document: Mapping[str, Any]) -> dict[str, Lane]:
    """Every rule id of the document with its lane (rows whose lane is not a literal skipped)."""
    out: dict[str, Lane] = {}
    for _, node in decision_tables(document):
        columns = _output_columns(node.get("content", {}))
        if not all(f in columns for f in REQUIRED_OUTPUTS):
            continue
        for row in node["content"].get("rules", []):
            rule, lane = literal(row.get(columns["rule"])), literal(row.get(columns["lane"]))
            if rule and lane in set(Lane):
                out[rule] = Lane(lane)
    return out


def in_force(versions: Iterable[RuleSet], on: date) -> RuleSet:
    """The highest version in force on the date; ``RuleSetNotInForce`` if there is none."""
    candidates = [v for v in versions if v.in_force(on)]
    if not candidates:
        raise RuleSetNotInForce(
            "No version of the rule set is in force on that date.", on=on.isoformat()
        )
    return max(candidates, key=lambda v: v.version)

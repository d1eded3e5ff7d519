"""The risk context's ``RuleEvaluator`` on zen-engine (GoRules JDM).

Fired rows are read from the engine's trace: the output of every ``decisionTableNode`` that ran
(a table behind a switch branch not taken did not run, so it fired nothing). Facts go to the
engine as JSON text: ``Decimal`` becomes a JSON number (a float, 15-17 significant digits,
ample for thresholds) and ``date`` an ISO string. Compiled decisions are cached by the SHA-256
of the document's canonical JSON, and by the document object itself: a rule set's document is
treated as immutable once it has been evaluated.

zen-engine 2.1.3 compiles a table cell it cannot parse into a cell that never matches, without
an error; ``check`` therefore compiles every expression itself and reports it with its pointer.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import zen

from eport.kernel.errors import FieldError
from eport.risk.errors import EvaluationFailed
from eport.risk.rulesets import pointer

Expression = tuple[str, str, bool]  # (JSON pointer, source, unary?)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a fact type")


def engine_json(facts: Mapping[str, Any]) -> str:
    """The facts as the JSON text handed to zen-engine."""
    return json.dumps(facts, default=_json_default, separators=(",", ":"))


def _first_line(error: Exception) -> str:
    return str(error).split("\n\nStack backtrace")[0].strip().replace("\n", " ")


def _table_expressions(index: int, content: Mapping[str, Any]) -> Iterator[Expression]:
    base = ("nodes", index, "content")
    inputs = [c for c in content.get("inputs", []) if isinstance(c, Mapping)]
    unary = {c.get("id"): bool(c.get("field")) for c in inputs}
    for c, column in enumerate(inputs):
        if column.get("field"):
            yield pointer(*base, "inputs", c, "field"), str(column["field"]), False
    for r, row in enumerate(content.get("rules", [])):
        for key, cell in row.items() if isinstance(row, Mapping) else ():
            if key.startswith("_") or not isinstance(cell, str) or not cell.strip():
                continue
            yield pointer(*base, "rules", r, key), cell, unary.get(key, False)


def _expressions(document: Mapping[str, Any]) -> Iterator[Expression]:
    """Every expression in the graph that zen-engine would compile, with its pointer."""
    for index, node in enumerate(document.get("nodes", [])):
        content = node.get("content") if isinstance(node, Mapping) else None
        if not isinstance(content, Mapping):
            continue
        kind = node.get("type")
        if kind == "decisionTableNode":
            yield from _table_expressions(index, content)
        elif kind == "expressionNode":
            for e, item in enumerate(content.get("expressions", [])):
                yield (
                    pointer("nodes", index, "content", "expressions", e, "value"),
                    str(item.get("value", "")),
                    False,
                )
        elif kind == "switchNode":
            for s, statement in enumerate(content.get("statements", [])):
                condition = str(statement.get("condition", ""))
                if condition.strip():
                    yield (
                        pointer("nodes", index, "content", "statements", s, "condition"),
                        (condition),
                        False,
                    )


class ZenRuleEvaluator:
    """``RuleEvaluator`` on zen-engine. Thread-safe; keeps up to ``cache_size`` decisions."""

    def __init__(self, cache_size: int = 32) -> None:
        self._engine = zen.ZenEngine()
        self._cache: OrderedDict[str, tuple[Any, frozenset[str]]] = OrderedDict()
        self._cache_size = cache_size
        self._by_object: dict[int, tuple[Mapping[str, Any], Any, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def check(self, document: Mapping[str, Any]) -> list[FieldError]:
        problems: list[FieldError] = []
        for at, source, unary in _expressions(document):
            compile_: Callable[[str], object] = (
                zen.compile_unary_expression if unary else zen.compile_expression
            )
            try:
                compile_(source)
            except RuntimeError as error:
                problems.append(FieldError(at, "risk.expression_invalid", _first_line(error)))
        try:
            self._engine.create_decision(json.dumps(document)).validate()
        except (RuntimeError, TypeError, ValueError) as error:
            problems.append(FieldError("", "risk.graph_invalid", _first_line(error)))
        return problems

    def _decision(self, document: Mapping[str, Any]) -> tuple[Any, frozenset[str]]:
        known = self._by_object.get(id(document))
        if known is not None and known[0] is document:
            return known[1], known[2]
        decision, tables = self._compiled(document)
        with self._lock:
            if len(self._by_object) >= self._cache_size:
                self._by_object.clear()
            self._by_object[id(document)] = (document, decision, tables)
        return decision, tables

    def _compiled(self, document: Mapping[str, Any]) -> tuple[Any, frozenset[str]]:
        text = json.dumps(document, sort_keys=True, separators=(",", ":"))
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            decision = self._engine.create_decision(text)
        except RuntimeError as error:
            raise EvaluationFailed(
                "The rule set does not load.", detail=_first_line(error)
            ) from None
        tables = frozenset(
            n["id"] for n in document.get("nodes", []) if n.get("type") == "decisionTableNode"
        )
        with self._lock:
            self._cache[key] = (decision, tables)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return decision, tables

    def evaluate(
        self, document: Mapping[str, Any], facts: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        decision, tables = self._decision(document)
        try:
            response = decision.evaluate(engine_json(facts), {"trace": True})
        except RuntimeError as error:
            raise EvaluationFailed("The rule set failed.", detail=_first_line(error)) from None
        ran = sorted(
            (node for node_id, node in response["trace"].items() if node_id in tables),
            key=lambda node: (node.get("order", 0), node.get("id", "")),
        )
        rows: list[dict[str, Any]] = []
        for node in ran:
            output = node.get("output")
            if isinstance(output, list):
                rows.extend(r for r in output if isinstance(r, dict))
            elif isinstance(output, dict) and output:
                rows.append(output)
        return rows

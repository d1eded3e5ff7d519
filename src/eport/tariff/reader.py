"""Read CSV and JSON data files, validating each row and collecting every problem with its
file, line and column."""

from __future__ import annotations

import csv
import io
import json
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from eport.tariff.errors import DataProblem

M = TypeVar("M", bound=BaseModel)


class DataReader:
    def __init__(self, directory: Traversable | Path) -> None:
        self.directory = directory
        self.problems: list[DataProblem] = []

    def problem(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(DataProblem(file, line, column, message))

    def csv(self, name: str, model: type[M]) -> list[tuple[int, M]]:
        reader = csv.DictReader(io.StringIO((self.directory / name).read_text("utf-8")))
        fields = model.model_fields
        header = list(reader.fieldnames or [])
        for column in header:
            if column not in fields:
                self.problem(name, 1, column, "unknown column")
        for column, info in fields.items():
            if info.is_required() and column not in header:
                self.problem(name, 1, column, "missing column")
        out: list[tuple[int, M]] = []
        for record in reader:
            line = reader.line_num
            if None in record:
                self.problem(name, line, None, "more values than columns")
                continue
            try:
                out.append(
                    (line, model.model_validate({k: v for k, v in record.items() if k in fields}))
                )
            except ValidationError as e:
                self._pydantic(name, line, e)
        return out

    def json(self, name: str, model: type[M]) -> M | None:
        try:
            data: Any = json.loads((self.directory / name).read_text("utf-8"))
            return model.model_validate(data)
        except json.JSONDecodeError as e:
            self.problem(name, e.lineno, f"column {e.colno}", e.msg)
        except ValidationError as e:
            self._pydantic(name, None, e)
        return None

    def json_map(self, name: str, model: type[M]) -> dict[str, M]:
        try:
            data: Any = json.loads((self.directory / name).read_text("utf-8"))
        except json.JSONDecodeError as e:
            self.problem(name, e.lineno, f"column {e.colno}", e.msg)
            return {}
        out = {}
        for key, value in data.items():
            try:
                out[key] = model.model_validate(value)
            except ValidationError as e:
                for err in e.errors():
                    path = "/".join(str(p) for p in (key, *err["loc"]))
                    self.problem(name, None, path, err["msg"])
        return out

    def _pydantic(self, name: str, line: int | None, error: ValidationError) -> None:
        for err in error.errors():
            column = "/".join(str(p) for p in err["loc"]) or None
            self.problem(name, line, column, err["msg"].removeprefix("Value error, "))

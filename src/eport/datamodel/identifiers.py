"""Enterprise identifier schemes, pluggable: a scheme is a name and a validator.

``USCC`` (China's unified social credit code, check digit by python-stdnum) is built in, with
``EORI`` (EU), ``TIN`` (generic tax number) and ``LOCAL`` (a national registry's own numbers).
Register more with :func:`register_scheme`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

Validator = Callable[[str], bool]


def _uscc(value: str) -> bool:
    from stdnum.cn import uscc

    return bool(uscc.is_valid(value))


def _eori(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2}[A-Z0-9]{1,15}", value))


def _generic(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-/.]{0,34}", value))


_SCHEMES: dict[str, Validator] = {
    "USCC": _uscc,
    "EORI": _eori,
    "TIN": _generic,
    "LOCAL": _generic,
}


def register_scheme(name: str, validator: Validator) -> None:
    """Add (or replace) an identifier scheme, e.g. a national trader registry."""
    _SCHEMES[name] = validator


def schemes() -> tuple[str, ...]:
    return tuple(_SCHEMES)


def is_known_scheme(scheme: str) -> bool:
    return scheme in _SCHEMES


def is_valid_identifier(scheme: str, value: str) -> bool:
    return _checked(scheme, value, _SCHEMES.get(scheme))


@lru_cache(maxsize=65_536)
def _checked(scheme: str, value: str, validator: Validator | None) -> bool:
    """Check digits are pure functions of the value, and traders' identifiers repeat on
    every declaration they lodge: remember the answers. The validator is part of the key, so
    re-registering a scheme is honoured at once."""
    return validator is not None and validator(value)


def make_uscc(body: str) -> str:
    """Complete a 17-character USCC body with its check digit (demo data and tests)."""
    from stdnum.cn import uscc

    return body + str(uscc.calc_check_digit(body))

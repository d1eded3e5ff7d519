"""Random selection, reproducible for audit.

The draw for a declaration is HMAC-SHA256(seed key, declaration id): its first 8 bytes read as
an unsigned big-endian integer and divided by 2**64, a number in [0, 1). No global random state:
the same seed and id always give the same draw. The key must stay secret (a trader who knew it
could predict which declarations are selected); the result records only the seed's id.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from eport.risk.model import FiredRule, Lane, RandomDraw


@dataclass(frozen=True, slots=True)
class RandomSelection:
    """Rates are fractions: ``red_rate=0.01`` sends 1 % of declarations to red."""

    seed_id: str
    seed_key: bytes
    yellow_rate: float = 0.03
    red_rate: float = 0.01

    def __post_init__(self) -> None:
        if not self.seed_key:
            raise ValueError("random selection needs a non-empty seed key")
        rates = (self.red_rate, self.yellow_rate)
        if min(rates) < 0 or sum(rates) > 1:
            raise ValueError("rates must be fractions that add up to at most 1")


def draw(seed_key: bytes, declaration_id: str) -> float:
    """The declaration's draw in [0, 1): a deterministic function of (seed key, id)."""
    mac = hmac.new(seed_key, declaration_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(mac[:8], "big") / 2**64


def select_randomly(config: RandomSelection, declaration_id: str) -> RandomDraw:
    """Red if the draw is below ``red_rate``; yellow if below ``red_rate + yellow_rate``."""
    value = draw(config.seed_key, declaration_id)
    red = config.red_rate
    yellow = config.red_rate + config.yellow_rate
    lane = Lane.RED if value < red else Lane.YELLOW if value < yellow else None
    return RandomDraw(config.seed_id, value, red, yellow, lane)


def as_fired(result: RandomDraw) -> FiredRule | None:
    """The draw as a fired rule (``random.red`` or ``random.yellow``), or None."""
    if result.lane is None:
        return None
    return FiredRule(
        f"random.{result.lane.value}",
        result.lane,
        f"Selected at random for control (seed {result.seed_id}, draw {result.draw:.6f}).",
    )

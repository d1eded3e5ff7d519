"""The message bus runs a command's handler and, in the same unit of work, its events' handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from eport.kernel.messagebus import MessageBus
from eport.kernel.messages import Command, Event


@dataclass(frozen=True, kw_only=True)
class Ping(Command):
    n: int


@dataclass(frozen=True, kw_only=True)
class Pinged(Event):
    name: ClassVar[str] = "pinged"


@dataclass(frozen=True, kw_only=True)
class Echoed(Event):
    name: ClassVar[str] = "echoed"


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.new: list[Event] = []
        self.all: list[Event] = []

    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)

    def record(self, event: Event) -> None:
        self.new.append(event)
        self.all.append(event)

    def take_new_events(self) -> list[Event]:
        out, self.new = self.new, []
        return out


def test_events_cascade_inside_the_same_unit_of_work() -> None:
    bus = MessageBus()

    def ping(cmd: Ping, uow: FakeUnitOfWork) -> int:
        uow.record(Pinged(actor=cmd.actor, occurred_at=uow.now(), data={"n": cmd.n}))
        return cmd.n * 2

    def echo(event: Pinged, uow: FakeUnitOfWork) -> None:
        uow.record(Echoed(actor=event.actor, occurred_at=uow.now()))

    bus.register_command(Ping, ping)
    bus.subscribe(Pinged, echo)
    uow = FakeUnitOfWork()
    assert bus.handle(Ping(actor="u", n=21), uow) == 42
    assert [e.name for e in uow.all] == ["pinged", "echoed"]
    with pytest.raises(ValueError, match="already"):
        bus.register_command(Ping, ping)

"""The message bus: one handler per command, any number of in-transaction handlers per event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from eport.kernel.messages import Command, Event
from eport.kernel.unit_of_work import UnitOfWork

CommandHandler = Callable[[Any, Any], Any]
EventHandler = Callable[[Any, Any], None]


class MessageBus:
    """Runs a command's handler, then the handlers of every event it (transitively) records.

    Everything happens inside the caller's unit of work, so a command and all its consequences
    commit together or not at all.
    """

    def __init__(self) -> None:
        self._commands: dict[type[Command], CommandHandler] = {}
        self._events: dict[type[Event], list[EventHandler]] = defaultdict(list)

    def register_command(self, command: type[Command], handler: CommandHandler) -> None:
        if command in self._commands:
            raise ValueError(f"{command.__name__} already has a handler")
        self._commands[command] = handler

    def subscribe(self, event: type[Event], handler: EventHandler) -> None:
        self._events[event].append(handler)

    def handle(self, command: Command, uow: UnitOfWork) -> Any:
        try:
            handler = self._commands[type(command)]
        except KeyError:
            raise LookupError(f"no handler for {type(command).__name__}") from None
        result = handler(command, uow)
        queue = uow.take_new_events()
        while queue:
            event = queue.pop(0)
            for event_handler in self._events.get(type(event), ()):
                event_handler(event, uow)
            queue.extend(uow.take_new_events())
        return result

"""The officer workbench: an agency's task queue (refreshing itself with HTMX polling), a
task with the declaration, its risk lane, checks and history, the decision form and the
inspection findings form."""

from .pages import WorkbenchPages
from .wording import DYNAMIC

__all__ = ["DYNAMIC", "WorkbenchPages"]

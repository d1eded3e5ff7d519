"""Errors of the manifests context."""

from __future__ import annotations

from eport.kernel.errors import Conflict, NotFound


class ManifestNotFound(NotFound):
    code = "manifest.not_found"


class ManifestState(Conflict):
    code = "manifest.state"


class BillAlreadyManifested(Conflict):
    code = "manifest.bill_exists"

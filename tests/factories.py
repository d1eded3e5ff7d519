"""Builders of valid documents for tests (shared with the demo and the benchmark)."""

from eport.entrypoints.demo_documents import (
    HS_POOL,
    OTHER_USCC,
    SUPPLIER,
    TRADER_USCC,
    bill,
    clone,
    export_declaration,
    import_declaration,
    item,
    manifest,
    meat_import,
    meat_manifest,
    party,
    varied_declaration,
)

__all__ = [
    "HS_POOL",
    "OTHER_USCC",
    "SUPPLIER",
    "TRADER_USCC",
    "bill",
    "clone",
    "export_declaration",
    "import_declaration",
    "item",
    "manifest",
    "meat_import",
    "meat_manifest",
    "party",
    "varied_declaration",
]

"""E-Ledger: an append-only RFC 9162 Merkle log that agencies use to cross-verify.

Public surface: :mod:`eport.ledger.merkle` (hashing, proofs, verifiers),
:mod:`eport.ledger.tree` (appends and proofs over a :class:`~eport.ledger.ports.NodeStore`),
:class:`~eport.ledger.memory.InMemoryLedger` and the :class:`~eport.ledger.ports.Ledger` port.
See docs/ledger.md.
"""

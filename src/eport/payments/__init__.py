"""Duty accounts (double-entry postings), payment orders to banks, bank confirmations,
guarantees and refunds."""

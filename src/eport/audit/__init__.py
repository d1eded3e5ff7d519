"""The audit trail: every event, append-only, hash-chained so any edit is detectable."""

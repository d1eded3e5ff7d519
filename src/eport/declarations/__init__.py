"""Declarations: lodge, amend, cancel, release; the lifecycle and the combined status."""

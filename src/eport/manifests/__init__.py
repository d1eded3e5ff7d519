"""Cargo manifests, bills of lading, arrival and departure, and gate-out at the terminal."""

"""Licences the commerce agency issues, checked at lodging and written off at release, each
step on the E-Ledger."""

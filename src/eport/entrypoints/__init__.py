"""Entry points: the HTTP API (Litestar), the CLI."""

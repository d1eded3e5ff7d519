"""Adapters: the database, the outbox dispatcher, webhook delivery."""

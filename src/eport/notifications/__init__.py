"""Notifications: trader webhooks, HMAC-signed, retried with backoff, dead-lettered."""

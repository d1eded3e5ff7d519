"""Cryptography adapters: the file-backed certificate authority."""

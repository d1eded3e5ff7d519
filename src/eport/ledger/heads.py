"""Signed tree heads: what E-Port commits to about its log at a moment.

The signed message is ``eport-sth/1\\n<size>\\n<root hex>\\n<timestamp ms>`` (ASCII); the
signature is ECDSA P-256 with SHA-256 (DER) by E-Port's platform seal key, whose certificate
travels with the head. Anyone can check it with ``openssl dgst -sha256 -verify``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any


def head_message(size: int, root: bytes, timestamp_ms: int) -> bytes:
    return f"eport-sth/1\n{size}\n{root.hex()}\n{timestamp_ms}".encode("ascii")


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    size: int
    root: bytes
    timestamp_ms: int
    signature: bytes
    certificate_pem: str  # the signer's (E-Port's seal) certificate

    @property
    def message(self) -> bytes:
        return head_message(self.size, self.root, self.timestamp_ms)

    def as_dict(self) -> dict[str, Any]:
        return {
            "treeSize": self.size,
            "rootHash": base64.b64encode(self.root).decode(),
            "timestamp": self.timestamp_ms,
            "signature": base64.b64encode(self.signature).decode(),
            "certificate": self.certificate_pem,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedTreeHead:
        return cls(
            int(data["treeSize"]),
            base64.b64decode(data["rootHash"]),
            int(data["timestamp"]),
            base64.b64decode(data["signature"]),
            str(data["certificate"]),
        )

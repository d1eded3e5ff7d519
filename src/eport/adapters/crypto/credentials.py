"""People's credentials: argon2 password hashes and TOTP (RFC 6238) second factors."""

from __future__ import annotations

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Passwords:
    """Implements ``identity.ports.PasswordHasher`` with argon2id (argon2-cffi defaults)."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(hashed, password))
        except (VerificationError, InvalidHashError):
            return False


class PyOtpTotp:
    """Implements ``identity.ports.SecondFactor``: 30-second TOTP codes, one step of drift."""

    def new_secret(self) -> str:
        return pyotp.random_base32()

    def uri(self, secret: str, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)

    def verify(self, secret: str, code: str) -> bool:
        return bool(pyotp.TOTP(secret).verify(code.strip(), valid_window=1))

"""CA keys held in an HSM through PKCS#11 (python-pkcs11; SoftHSM2 in the tests).

Keys are ECDSA P-256 token objects labelled ``eport-<name>``; they are generated on the token
and are neither extractable nor copied. Signing follows ARCHITECTURE §7: SoftHSM2 2.6 offers
``CKM_ECDSA`` over a digest we compute, so we hash first and DER-encode the raw r‖s.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any, NoReturn

import pkcs11
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import (
    encode_ec_public_key,
    encode_ecdsa_signature,
    encode_named_curve_parameters,
)

from eport.pki.errors import CaNotInitialised
from eport.pki.model import KeyAlgorithm

from .vault import PrivateKey

_DIGESTS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


class HsmEcKey(ec.EllipticCurvePrivateKey):
    """A P-256 private key on a PKCS#11 token, usable wherever ``cryptography`` signs."""

    def __init__(self, handle: Any, public: ec.EllipticCurvePublicKey, lock: threading.Lock):
        self._handle = handle
        self._public = public
        self._lock = lock  # one PKCS#11 session is not safe to share between threads

    def sign(
        self,
        data: bytes | bytearray | memoryview,
        signature_algorithm: ec.EllipticCurveSignatureAlgorithm,
    ) -> bytes:
        algorithm = signature_algorithm.algorithm
        if isinstance(algorithm, Prehashed):
            digest = bytes(data)
        else:
            if not isinstance(algorithm, hashes.HashAlgorithm) or algorithm.name not in _DIGESTS:
                raise ValueError(f"unsupported hash for the HSM key: {algorithm!r}")
            digest = _DIGESTS[algorithm.name](data).digest()
        with self._lock:
            raw = self._handle.sign(digest, mechanism=Mechanism.ECDSA)
        return bytes(encode_ecdsa_signature(raw))

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._public

    @property
    def curve(self) -> ec.EllipticCurve:
        return self._public.curve

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def _not_extractable(self, *args: object) -> NoReturn:
        raise TypeError("an HSM key cannot be exported or used for key agreement")

    exchange = _not_extractable  # type: ignore[assignment]
    private_numbers = _not_extractable
    private_bytes = _not_extractable  # type: ignore[assignment]

    def __copy__(self) -> HsmEcKey:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> HsmEcKey:
        return self


# PKCS#11 logs an application in once per token, so every vault on a token shares one session.
_sessions: dict[tuple[str, str, str], tuple[Any, threading.Lock]] = {}
_sessions_lock = threading.Lock()


def _session(module_path: str, token_label: str, pin: str) -> tuple[Any, threading.Lock]:
    with _sessions_lock:
        key = (module_path, token_label, hashlib.sha256(pin.encode()).hexdigest())
        if key not in _sessions:
            try:
                token = pkcs11.lib(module_path).get_token(token_label=token_label)
                _sessions[key] = (token.open(rw=True, user_pin=pin), threading.Lock())
            except (pkcs11.PKCS11Error, RuntimeError) as exc:
                raise CaNotInitialised(
                    f"Cannot open PKCS#11 token {token_label!r} with {module_path}: "
                    f"{type(exc).__name__}"
                ) from None
        return _sessions[key]


class Pkcs11Vault:
    """The CA's keys on the token ``token_label`` of the PKCS#11 module at ``module_path``."""

    def __init__(self, module_path: str, token_label: str, pin: str) -> None:
        self._session, self._lock = _session(module_path, token_label, pin)
        self.description = f"PKCS#11 token {token_label!r} ({module_path})"

    @staticmethod
    def _label(name: str) -> str:
        return f"eport-{name}"

    def _wrap(self, private: Any, public: Any) -> HsmEcKey:
        loaded = serialization.load_der_public_key(encode_ec_public_key(public))
        assert isinstance(loaded, ec.EllipticCurvePublicKey)
        return HsmEcKey(private, loaded, self._lock)

    def create(self, name: str, algorithm: KeyAlgorithm) -> PrivateKey:
        if algorithm is not KeyAlgorithm.ECDSA_P256:
            raise ValueError("keys in the HSM are ECDSA P-256 (EPORT_CA_ALGORITHM=ecdsa-p256)")
        if self.exists(name):
            raise FileExistsError(f"the token already holds a key labelled {self._label(name)}")
        with self._lock:
            parameters = self._session.create_domain_parameters(
                KeyType.EC,
                {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            public, private = parameters.generate_keypair(
                store=True,
                label=self._label(name),
                private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
            )
        return self._wrap(private, public)

    def load(self, name: str) -> PrivateKey:
        with self._lock:
            try:
                private = self._session.get_key(
                    object_class=ObjectClass.PRIVATE_KEY,
                    key_type=KeyType.EC,
                    label=self._label(name),
                )
                public = self._session.get_key(
                    object_class=ObjectClass.PUBLIC_KEY,
                    key_type=KeyType.EC,
                    label=self._label(name),
                )
            except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned):
                raise CaNotInitialised(
                    f"The token holds no single key labelled {self._label(name)}."
                ) from None
        return self._wrap(private, public)

    def exists(self, name: str) -> bool:
        with self._lock:
            found = list(
                self._session.get_objects(
                    {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: self._label(name)}
                )
            )
        return bool(found)

"""Codes dropped in the state dir are sealed for the one run waiting for them.

The waiting run makes a key pair when it opens its hand-over folder and publishes only the public
half (in `waiting.json`); the private half lives in its memory alone. `otp` (or the dashboard)
seals the code with it: whatever stays on disk after a crash or a `kill -9` is unreadable once
that process is gone, with no clock or clean-up involved. X25519, HKDF-SHA256, ChaCha20-Poly1305
(`cryptography`, on every system the bot runs on).
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FIELD = "scelle"  # the sealed payload in a dropped file; the waiting file's public key is `cle`
KEY_FIELD = "cle"
_INFO = b"damancom-bot hand-over v1"


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, sender: bytes, receiver: bytes) -> ChaCha20Poly1305:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + sender + receiver).derive(shared)
    return ChaCha20Poly1305(derived)


class Opener:
    """The waiting run's half: never written anywhere."""

    def __init__(self) -> None:
        self._private = X25519PrivateKey.generate()
        self.public = base64.b64encode(_raw(self._private.public_key())).decode("ascii")

    def __repr__(self) -> str:
        return "Opener(…)"

    def open(self, data: dict) -> dict | None:
        """The payload of a file sealed for this run; None when it is not (another run's, altered)."""
        try:
            blob = base64.b64decode(str(data[FIELD]), validate=True)
            sender, nonce, sealed = blob[:32], blob[32:44], blob[44:]
            shared = self._private.exchange(X25519PublicKey.from_public_bytes(sender))
            receiver = _raw(self._private.public_key())
            plain = _key(shared, sender, receiver).decrypt(nonce, sealed, receiver)
            payload = json.loads(plain.decode("utf-8"))
        except (KeyError, ValueError, TypeError, InvalidTag):
            return None
        return payload if isinstance(payload, dict) else None


def seal(public: str, payload: dict) -> dict:
    """`payload` readable only by the process holding the private half of `public`."""
    receiver = base64.b64decode(public, validate=True)
    ephemeral = X25519PrivateKey.generate()
    sender = _raw(ephemeral.public_key())
    nonce = os.urandom(12)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(receiver))
    sealed = _key(shared, sender, receiver).encrypt(nonce, json.dumps(payload).encode("utf-8"), receiver)
    return {FIELD: base64.b64encode(sender + nonce + sealed).decode("ascii")}

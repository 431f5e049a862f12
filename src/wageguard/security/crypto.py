"""AES-GCM encryption of personal data with a keyed blind index for lookup.

Ciphertext layout: ``version (1 byte) || nonce (12 bytes) || AES-GCM(ciphertext + tag)``; the version byte
leaves room for key rotation. The blind index is HMAC-SHA256 of the normalised value under a *separate*
key, truncated to 16 bytes and hex-encoded (32 characters): equal values give equal indexes, and the index
reveals nothing without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_VERSION = 1


def normalise(value: str) -> str:
    """Canonical form before indexing: no spaces, upper-case (ID numbers end in X or x)."""
    if value.isdigit():  # already canonical (most ID and card numbers): skip split/join/upper
        return value
    return "".join(value.split()).upper()


@dataclass(frozen=True)
class Protector:
    """Encrypts, decrypts and indexes personal values with the keys from Settings."""

    data_key: bytes
    index_key: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "_aead", AESGCM(self.data_key))

    def encrypt(self, value: str) -> bytes:
        nonce = os.urandom(12)
        aead: AESGCM = self._aead  # type: ignore[attr-defined]
        return bytes([KEY_VERSION]) + nonce + aead.encrypt(nonce, normalise(value).encode(), None)

    def decrypt(self, blob: bytes) -> str:
        if not blob or blob[0] != KEY_VERSION:
            raise ValueError("unknown key version")
        aead: AESGCM = self._aead  # type: ignore[attr-defined]
        return aead.decrypt(blob[1:13], blob[13:], None).decode()

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Encrypt raw bytes as they are (photos, files): same layout as ``encrypt``, nothing normalised."""
        nonce = os.urandom(12)
        aead: AESGCM = self._aead  # type: ignore[attr-defined]
        return bytes([KEY_VERSION]) + nonce + aead.encrypt(nonce, data, None)

    def decrypt_bytes(self, blob: bytes) -> bytes:
        if not blob or blob[0] != KEY_VERSION:
            raise ValueError("unknown key version")
        aead: AESGCM = self._aead  # type: ignore[attr-defined]
        return aead.decrypt(blob[1:13], blob[13:], None)

    def encrypt_text(self, value: str) -> bytes:
        """Encrypt free text (descriptions, addresses) exactly as written: spaces and case kept."""
        return self.encrypt_bytes(value.encode())

    def decrypt_text(self, blob: bytes) -> str:
        return self.decrypt_bytes(blob).decode()

    def blind_index(self, value: str) -> str:
        return hmac.digest(self.index_key, normalise(value).encode(), hashlib.sha256)[:16].hex()


def mask(value: str, *, head: int = 4, tail: int = 4) -> str:
    """Masked form shown everywhere: ``5206**********1234``; short values keep only the tail."""
    value = normalise(value)
    if len(value) <= head + tail:
        return "*" * max(len(value) - 2, 0) + value[-2:]
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_phone(value: str) -> str:
    """Masked phone: ``138****5678``."""
    value = normalise(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]

"""Password hashing with argon2id.

``verify_dummy`` costs what ``verify_password`` costs, so that a login for an unknown (or deactivated) user
takes as long as one for a known user with a wrong password: answer times do not tell which usernames exist.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash of a random password with the same parameters as every real one (made once per process)."""
    return _hasher.hash(secrets.token_urlsafe(24))


def verify_dummy(password: str) -> bool:
    """Spend one real verification on a hash nobody knows the password of; always ``False``."""
    verify_password(_dummy_hash(), password)
    return False

"""Server-side login sessions: the Bearer token of the API and the ``wg_session`` cookie of the pages.

A token is 32 random bytes (url-safe text), opaque to its holder; the database keeps only its SHA-256, so a
copy of the table lets nobody log in. A session is valid until revoked, until unused for
``session_idle_minutes``, or until ``session_absolute_hours`` after login, whichever comes first. Use
refreshes ``last_seen_at`` at most once per ``TOUCH_EVERY`` so that reads do not turn into writes (SQLite
has one writer).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from wageguard.auth.models import User, UserSession
from wageguard.config import Settings
from wageguard.db import Database

TOUCH_EVERY = timedelta(minutes=1)
KEEP_ENDED = timedelta(days=7)  # ended sessions are deleted this long after they ended (at the next login)
TOKEN_MAX = 100


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, *, user_id: int, settings: Settings, now: datetime) -> str:
    """Record a new session for ``user_id``; the token is returned once and never stored."""
    old = now - KEEP_ENDED
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user_id,
            or_(UserSession.expires_at < old, UserSession.revoked_at < old),
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
            revoked_at=None,
        )
    )
    session.flush()
    return token


def session_user(db: Database, *, token: str, settings: Settings, now: datetime) -> User | None:
    """The active user of a valid session (refreshing its last-seen time when due), else ``None``."""
    if not token or len(token) > TOKEN_MAX:
        return None
    with db.sessions() as session:
        row = session.execute(
            select(UserSession.id, UserSession.last_seen_at, UserSession.expires_at, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == token_digest(token), UserSession.revoked_at.is_(None))
        ).first()
    if row is None or not row.User.is_active or now >= row.expires_at:
        return None
    if now - row.last_seen_at >= timedelta(minutes=settings.session_idle_minutes):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with db.transaction() as session:
            session.execute(
                update(UserSession)
                .where(UserSession.id == row.id, UserSession.last_seen_at < now)
                .values(last_seen_at=now)
            )
    user: User = row.User
    return user


def revoke_session(session: Session, *, token: str, now: datetime) -> bool:
    """End the session of ``token``; whether there was one to end."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_digest(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def revoke_user_sessions(session: Session, *, user_id: int, now: datetime) -> int:
    """End every live session of ``user_id``; how many were live."""
    result = session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now,
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]

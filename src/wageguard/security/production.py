"""What stops ``wageguard serve`` in production besides weak secrets (those are refused by ``Settings``):
demo users that still have their published demo passwords."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.passwords import verify_password
from wageguard.demo.users import DEMO_LOGINS


def demo_logins_in_use(session: Session) -> list[str]:
    """Usernames of the demo logins present with their demo password (checked against the stored hash)."""
    demo = {login.username: login.password for login in DEMO_LOGINS}
    users = session.execute(
        select(User.username, User.password_hash).where(User.username.in_(demo), User.is_active)
    )
    return sorted(name for name, stored in users if verify_password(stored, demo[name]))

"""Use cases of user accounts: create a user, log in and out, change a password, log a user out everywhere.

Logins go through the ``LoginThrottle`` (per account and per client address) and open a server-side session
(``auth/sessions.py``); a password change and "log out everywhere" end every session of the user at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.audit.service import record_audit
from wageguard.auth.models import User
from wageguard.auth.passwords import hash_password, verify_dummy, verify_password
from wageguard.auth.scope import Principal
from wageguard.auth.sessions import open_session, revoke_session, revoke_user_sessions, session_user
from wageguard.auth.throttle import LoginThrottle
from wageguard.config import Settings
from wageguard.db import Database, utcnow
from wageguard.errors import Conflict, Forbidden, NotFound, Problem, Unauthenticated, ValidationFailed
from wageguard.registry.choices import Role


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        region_code=user.region_code,
        enterprise_id=user.enterprise_id,
        bank_code=user.bank_code,
    )


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    region_code: str | None = None,
    enterprise_id: int | None = None,
    bank_code: str | None = None,
) -> User:
    """Register a user; an inspector needs a region, an enterprise user an enterprise."""
    if role is Role.INSPECTOR and not region_code:
        raise Conflict("an inspector needs a region", message_zh="监察员必须指定所属地区")
    if role is Role.ENTERPRISE and enterprise_id is None:
        raise Conflict("an enterprise user needs an enterprise", message_zh="企业用户必须指定所属企业")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username} exists", message_zh=f"用户 {username} 已存在")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role.value,
        region_code=region_code,
        enterprise_id=enterprise_id,
        bank_code=bank_code,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(*, session: Session, username: str, password: str) -> Principal:
    """The principal for a username and password, or ``Unauthenticated``. An unknown or deactivated user
    costs one password verification too (against a dummy hash), like a known one."""
    user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    ok = verify_dummy(password) if user is None else verify_password(user.password_hash, password)
    if user is None or not ok:
        raise Unauthenticated("bad username or password", message_zh="用户名或密码错误")
    return principal_of(user)


@dataclass(frozen=True)
class Login:
    """A successful login: who, and the session token (shown to the client once)."""

    principal: Principal
    token: str


def log_in(
    *,
    db: Database,
    settings: Settings,
    throttle: LoginThrottle,
    username: str,
    password: str,
    address: str,
    now: datetime | None = None,
) -> Login:
    """Check the throttle, then the password; open a session. ``TooManyAttempts`` while the account or
    the address waits or is locked (the password is not even checked), ``Unauthenticated`` when wrong."""
    throttle.check(username, address)
    try:
        with db.sessions() as session:
            principal = authenticate(session=session, username=username, password=password)
    except Unauthenticated:
        throttle.failed(username, address)
        raise
    throttle.succeeded(username)
    assert principal.user_id is not None
    with db.transaction() as session:
        token = open_session(session, user_id=principal.user_id, settings=settings, now=now or utcnow())
    return Login(principal, token)


def principal_for_token(
    *, db: Database, settings: Settings, token: str, now: datetime | None = None
) -> Principal | None:
    """The caller holding ``token``, or ``None`` when the session is unknown, revoked or over."""
    user = session_user(db, token=token, settings=settings, now=now or utcnow())
    return None if user is None else principal_of(user)


def log_out(*, db: Database, token: str, now: datetime | None = None) -> bool:
    """End the session of ``token`` at once; whether there was one."""
    with db.transaction() as session:
        return revoke_session(session, token=token, now=now or utcnow())


def _password_problems(password: str, settings: Settings) -> list[Problem]:
    n = settings.password_min_length
    if len(password) < n:
        return [
            Problem(
                "new_password",
                "too_short",
                f"新密码至少{n}个字符",
                f"The new password needs at least {n} characters",
            )
        ]
    return []


def _user_named(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username}", message_zh=f"用户 {username} 不存在")
    return user


def _replace_password(
    db: Database, *, actor: str, action: str, username: str, password_hash: str, now: datetime
) -> tuple[int, int]:
    """Store a new password hash and end every session of the user: (user id, sessions ended)."""
    with db.transaction() as session:
        user = _user_named(session, username)
        user.password_hash = password_hash
        revoked = revoke_user_sessions(session, user_id=user.id, now=now)
        record_audit(
            session,
            actor=actor,
            action=action,
            subject_type="user",
            subject_id=user.id,
            detail={"sessions_ended": revoked},
        )
    return user.id, revoked


def change_password(
    *,
    db: Database,
    settings: Settings,
    throttle: LoginThrottle,
    principal: Principal,
    current_password: str,
    new_password: str,
    address: str,
    now: datetime | None = None,
) -> str:
    """The caller changes their own password: every session of theirs ends and a new token is returned.
    A wrong current password counts as a failed login of the account."""
    if problems := _password_problems(new_password, settings):
        raise ValidationFailed("password refused", problems)
    throttle.check(principal.username, address)
    with db.sessions() as session:
        ok = verify_password(_user_named(session, principal.username).password_hash, current_password)
    if not ok:
        throttle.failed(principal.username, address)
        raise Unauthenticated("the current password is wrong", message_zh="当前密码错误")
    now = now or utcnow()
    user_id, _ended = _replace_password(
        db,
        actor=principal.username,
        action="password_change",
        username=principal.username,
        password_hash=hash_password(new_password),
        now=now,
    )
    with db.transaction() as session:
        return open_session(session, user_id=user_id, settings=settings, now=now)


def set_password(
    *,
    db: Database,
    settings: Settings,
    principal: Principal,
    username: str,
    new_password: str,
    now: datetime | None = None,
) -> int:
    """An admin (or the CLI) sets a user's password; every session of that user ends. How many ended."""
    if not principal.is_admin:
        raise Forbidden("only an admin sets other users' passwords", message_zh="只有管理员可以重设密码")
    if problems := _password_problems(new_password, settings):
        raise ValidationFailed("password refused", problems)
    _user_id, ended = _replace_password(
        db,
        actor=principal.username,
        action="password_set",
        username=username,
        password_hash=hash_password(new_password),
        now=now or utcnow(),
    )
    return ended


def log_out_everywhere(
    *, db: Database, principal: Principal, username: str, now: datetime | None = None
) -> int:
    """An admin ends every session of ``username`` at once (a lost laptop, a leaving employee)."""
    if not principal.is_admin:
        raise Forbidden("only an admin logs users out", message_zh="只有管理员可以强制用户下线")
    with db.transaction() as session:
        user = _user_named(session, username)
        ended = revoke_user_sessions(session, user_id=user.id, now=now or utcnow())
        record_audit(
            session,
            actor=principal.username,
            action="logout_all",
            subject_type="user",
            subject_id=user.id,
            detail={"sessions_ended": ended},
        )
    return ended


def unlock_login(*, db: Database, throttle: LoginThrottle, principal: Principal, username: str) -> None:
    """An admin lifts the login wait or lock of ``username`` (a lock is how someone else's guessing
    locks the owner out); the attacker's address stays throttled."""
    if not principal.is_admin:
        raise Forbidden("only an admin unlocks logins", message_zh="只有管理员可以解除登录锁定")
    with db.transaction() as session:
        user = _user_named(session, username)
        throttle.unlock(username)
        record_audit(
            session,
            actor=principal.username,
            action="login_unlocked",
            subject_type="user",
            subject_id=user.id,
        )


def load_principal(*, session: Session, user_id: int) -> Principal:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("unknown user", message_zh="用户不存在或已停用")
    return principal_of(user)

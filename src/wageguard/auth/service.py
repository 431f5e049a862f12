"""Use cases of user accounts: create a user, authenticate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wageguard.auth.models import User
from wageguard.auth.passwords import hash_password, verify_password
from wageguard.auth.scope import Principal
from wageguard.errors import Conflict, Unauthenticated
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
    """The principal for a username and password, or ``Unauthenticated``."""
    user = session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if user is None or not verify_password(user.password_hash, password):
        raise Unauthenticated("bad username or password", message_zh="用户名或密码错误")
    return principal_of(user)


def load_principal(*, session: Session, user_id: int) -> Principal:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("unknown user", message_zh="用户不存在或已停用")
    return principal_of(user)

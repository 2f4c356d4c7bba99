"""Passwords (argon2), login with lockout after repeated failures, and trusted OS logins."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from helpdesk_tui.store import clock
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.errors import HelpdeskError, NotPermitted, ValidationFailed
from helpdesk_tui.store.models import User
from helpdesk_tui.store.permissions import Actor, actor_for

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 8

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed({"password": ("at least {min} characters", {"min": MIN_PASSWORD})})


class LoginRefused(HelpdeskError):
    code = "login_refused"


class Locked(HelpdeskError):
    code = "locked"


async def login(db: Database, username: str, password: str) -> Actor:
    """The actor for these credentials; counts failures and locks the account after
    MAX_FAILURES of them for LOCKOUT. The refusal never tells which part was wrong."""
    now = clock.now()
    async with db.write() as session:
        user = await session.scalar(
            select(User).where(func.lower(User.username) == username.strip().lower())
        )
        if user is None or not user.active or not user.password_hash:
            _hasher.hash("constant-time-ish decoy")
            raise LoginRefused("wrong user name or password")
        if user.locked_until and user.locked_until > now:
            raise Locked(
                "too many failed attempts; try again after {time}",
                time=user.locked_until.strftime("%H:%M UTC"),
            )
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            # Keep the failure count: the transaction commits, then we refuse.
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
            refusal: HelpdeskError | None = LoginRefused("wrong user name or password")
        else:
            refusal = None
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            actor = await actor_for(session, user)
    if refusal is not None:
        raise refusal
    return actor


async def change_password(db: Database, actor: Actor, old: str, new: str) -> None:
    await login(db, actor.username, old)
    check_password_strength(new)
    if new == old:
        raise ValidationFailed({"password": "choose a password different from the old one"})
    async with db.write() as session:
        user = await session.get(User, actor.user_id)
        if user is None:
            raise NotPermitted("no such user: {username}", username=actor.username)
        user.password_hash = hash_password(new)

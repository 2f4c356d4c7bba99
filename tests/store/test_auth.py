"""R5: argon2 passwords, lockout after repeated failures, password change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk_tui.store import clock
from helpdesk_tui.store.auth import MAX_FAILURES, Locked, LoginRefused, change_password, login
from helpdesk_tui.store.errors import ValidationFailed
from tests.conftest import Org


async def test_login_and_lockout(org: Org) -> None:
    db = org.store.db
    actor = await login(db, "carla", "carla-secret")
    assert actor.username == "carla" and actor.role == "customer"
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused, match="wrong user name or password"):
            await login(db, "carla", "nope")
    with pytest.raises(Locked, match="too many failed attempts"):
        await login(db, "carla", "carla-secret")
    later = clock.now() + timedelta(minutes=16)
    with clock.frozen_at(later):
        assert (await login(db, "carla", "carla-secret")).username == "carla"


async def test_unknown_user_and_user_without_password_are_refused_alike(org: Org) -> None:
    for name in ("nobody", "pedro"):
        with pytest.raises(LoginRefused, match="wrong user name or password"):
            await login(org.store.db, name, "whatever")


async def test_password_hash_is_argon2(org: Org) -> None:
    from sqlalchemy import select

    from helpdesk_tui.store.models import User

    async with org.store.db.read() as session:
        stored = await session.scalar(select(User.password_hash).where(User.username == "carla"))
    assert stored.startswith("$argon2") and "carla-secret" not in stored


async def test_change_password(org: Org) -> None:
    with pytest.raises(ValidationFailed):
        await change_password(org.store.db, org.acme1, "carla-secret", "short")
    with pytest.raises(LoginRefused):
        await change_password(org.store.db, org.acme1, "wrong-old", "a much better one")
    await change_password(org.store.db, org.acme1, "carla-secret", "a much better one")
    assert (await login(org.store.db, "carla", "a much better one")).username == "carla"
    with pytest.raises(LoginRefused):
        await login(org.store.db, "carla", "carla-secret")

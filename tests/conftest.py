"""Shared fixtures: a migrated store on SQLite (a temp file) and on the real PostgreSQL.

Every store test that takes `store` runs on both backends. PostgreSQL must be reachable at
$HELPDESK_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test): if it is not, those tests
fail rather than skip, so CI cannot silently lose half the suite.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpdesk_tui.store import Store, open_store
from helpdesk_tui.store.models import Base
from helpdesk_tui.store.permissions import Actor

PG_URL = os.environ.get("HELPDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
# Every table of the schema (emptied between PostgreSQL tests).
TABLES = ", ".join(table.name for table in Base.metadata.sorted_tables)


def run_in_thread(make_coro) -> None:
    """asyncio.run in a fresh thread: session fixtures may be built from inside a running loop."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(make_coro())).result()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        store = await open_store(str(path))
        await store.close()

    run_in_thread(build)
    return path


@pytest.fixture(scope="session")
def pg_schema():
    # Unique per run, so two people (or CI and a developer) sharing the server never collide.
    schema = f"hd_test_{_worker()}_{os.getpid()}"

    async def build() -> None:
        import asyncpg

        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
        store = await open_store(PG_URL, schema=schema)
        await store.close()

    run_in_thread(build)
    yield schema

    async def drop() -> None:
        import asyncpg

        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    run_in_thread(drop)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    attachments = tmp_path / "attachments"
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "helpdesk.db"
        shutil.copy(template, path)
        opened = await open_store(str(path), attachments_dir=attachments, attachment_limit=1_000_000, migrate=False)
    else:
        schema = request.getfixturevalue("pg_schema")
        opened = await open_store(PG_URL, schema=schema, attachments_dir=attachments, attachment_limit=1_000_000, migrate=False)
        from sqlalchemy import text

        async with opened.db.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class Org:
    """A small organisation for rule and visibility tests."""

    store: Store
    admin: Actor
    sup_net: Actor  # supervisor of Networks
    sup_desk: Actor  # supervisor of Service desk
    agent_net: Actor  # agent in Networks
    agent_desk: Actor  # agent in Service desk
    acme1: Actor  # customer of Acme
    acme2: Actor  # customer of Acme
    globex: Actor  # customer of Globex
    msp: Actor  # customer of Acme and Globex
    clerk: Actor  # role "user" in Acme

    async def refresh(self, name: str) -> Actor:
        actor = await self.store.catalog.actor(getattr(self, name).username)
        setattr(self, name, actor)
        return actor


async def build_org(store: Store) -> Org:
    cat = store.catalog
    await cat.add_area(None, "Networks", categories=["Wifi", "VPN"])
    await cat.add_area(None, "Service desk", categories=["Printers", "Accounts"])
    await cat.add_user(None, "root", role="admin", password="correct horse")
    await cat.add_user(None, "sara", role="supervisor", areas=["Networks"])
    await cat.add_user(None, "diego", role="supervisor", areas=["Service desk"])
    await cat.add_user(None, "ana", role="agent", areas=["Networks"])
    await cat.add_user(None, "luis", role="agent", areas=["Service desk"])
    await cat.add_account(None, "Acme", environments=["Production", "Test"], services=["ERP"])
    await cat.add_account(None, "Globex", services=["Web"])
    await cat.add_user(None, "carla", role="customer", accounts=["Acme"], password="carla-secret")
    await cat.add_user(None, "pedro", role="customer", accounts=["Acme"])
    await cat.add_user(None, "gina", role="customer", accounts=["Globex"])
    await cat.add_user(None, "mario", role="customer", accounts=["Acme", "Globex"])
    await cat.add_user(None, "ursula", role="user", accounts=["Acme"])
    names = ["root", "sara", "diego", "ana", "luis", "carla", "pedro", "gina", "mario", "ursula"]
    actors = [await cat.actor(n) for n in names]
    return Org(store, *actors)


@pytest.fixture
async def org(store: Store) -> Org:
    return await build_org(store)

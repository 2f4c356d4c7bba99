"""Fixtures of the mail tests: a real SMTP server, settings pointing at it, people with
e-mail addresses and languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from helpdesk_tui.config import Settings
from helpdesk_tui.store.models import User
from tests.conftest import Org
from tests.mail.smtp_server import SmtpServer

# username -> language ("" = the default, English here)
LANGS = {"carla": "es", "pedro": "", "ana": "en", "sara": "es", "diego": "en", "root": "en", "mario": "es"}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(smtp: SmtpServer) -> Settings:
    return Settings(
        smtp_url=smtp.url, mail_from="Mesa de ayuda <soporte@helpdesk.example>", lang="en",
        smtp_timeout=5, mail_batch=10, mail_lease=60, mail_retry_base=60, mail_retry_cap=3600,
        mail_max_attempts=4,
    )  # fmt: skip


async def give_addresses(org: Org) -> None:
    """E-mail addresses and languages for the people of the small organisation (gina and
    ursula keep none)."""
    async with org.store.db.write() as session:
        for username, lang in LANGS.items():
            await session.execute(
                update(User).where(User.username == username).values(email=f"{username}@example.test", lang=lang)
            )
    org.store.outbox.configure(lang="en", mail_from="soporte@helpdesk.example")


@pytest.fixture
async def mail_org(org: Org) -> Org:
    await give_addresses(org)
    return org

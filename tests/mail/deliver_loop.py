"""A delivery worker in its own process (killed with SIGKILL by a test): loops `deliver_due`
until told to stop or until its time is up."""

from __future__ import annotations

import asyncio
import sys
import time

from helpdesk_tui.config import Settings
from helpdesk_tui.mail.delivery import deliver_due
from helpdesk_tui.store import open_store


async def main(url: str, schema: str, smtp_url: str, batch: int, seconds: float) -> None:
    store = await open_store(url, schema=schema or None, migrate=False)
    settings = Settings(smtp_url=smtp_url, mail_from="soporte@helpdesk.example", mail_batch=batch, smtp_timeout=5, mail_lease=60)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            report = await deliver_due(store, settings)
            if not any(report.values()):
                await asyncio.sleep(0.05)
    finally:
        await store.close()


if __name__ == "__main__":
    url, schema, smtp_url, batch, seconds = sys.argv[1:]
    asyncio.run(main(url, schema, smtp_url, int(batch), float(seconds)))

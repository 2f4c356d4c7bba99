"""The background work of the help desk: the automation (SLA breach checks, auto-close after
silence) and the delivery of the e-mail outbox.

`run_pass` does one round of each (`helpdesk automation run`); `run_forever` repeats it
(`helpdesk worker`, and periodically inside a running console). Every part is idempotent and
safe to run from several processes at once, so any number of these may run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.store import Store

log = logging.getLogger(__name__)


async def run_pass(store: Store, settings: Settings, *, deliver: bool = True) -> dict[str, int]:
    """One round of the automation, then (unless told not to) of the outbox delivery.

    Returns counters by name (e.g. {"auto_closed": 2, "breaches": 1, "sent": 5}).
    """
    from helpdesk_tui.mail.delivery import deliver_due
    from helpdesk_tui.store.automation import run_automation

    report = dict(await run_automation(store))
    if deliver:
        report.update(await deliver_due(store, settings))
    return report


async def run_forever(
    store: Store,
    settings: Settings,
    *,
    interval: float,
    stop_event: asyncio.Event,
    passes: int | None = None,
    deliver: bool = True,
    on_pass: Callable[[int, dict[str, int]], None] | None = None,
) -> int:
    """Run `run_pass` every `interval` seconds until `stop_event` is set (checked between
    passes, so a pass in progress always finishes) or `passes` passes are done.

    A pass that fails (the database briefly unreachable, say) is logged and counted as
    {"errors": 1}; the next one runs as usual. Returns the number of passes run.
    """
    done = 0
    while not stop_event.is_set():
        try:
            report = await run_pass(store, settings, deliver=deliver)
        except Exception:  # noqa: BLE001 - one bad pass must not stop the worker
            log.exception("automation pass failed")
            report = {"errors": 1}
        done += 1
        if on_pass is not None:
            on_pass(done, report)
        if passes is not None and done >= passes:
            break
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=interval)
        except TimeoutError:
            pass
    return done

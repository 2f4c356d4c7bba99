"""The background work of the help desk: the automation (SLA breach checks, auto-close after
silence) and the delivery of the e-mail outbox.

`run_pass` does one round of each (`helpdesk automation run`); `run_forever` repeats it
(`helpdesk worker`, and periodically inside a running console). Every part is idempotent and
safe to run from several processes at once, so any number of these may run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpdesk_tui.config import Settings
    from helpdesk_tui.store import Store


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

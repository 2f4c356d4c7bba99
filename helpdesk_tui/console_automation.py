"""The automation inside a running console: every `settings.automation_interval` seconds (0:
never) one pass of `worker.run_pass` runs in a Textual worker. A pass never overlaps the
previous one, and a failing pass is logged and forgotten: the console keeps working."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

log = logging.getLogger(__name__)


def start_periodic_automation(app: App[Any]) -> None:
    """Call once the store is open (`app.store`, `app.settings`)."""
    settings = getattr(app, "settings", None)
    interval = getattr(settings, "automation_interval", 0) if settings is not None else 0
    if not interval or getattr(app, "store", None) is None:
        return
    running = False

    async def one_pass() -> None:
        nonlocal running
        from helpdesk_tui.worker import run_pass

        try:
            await run_pass(app.store, settings)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the console must outlive a failed pass
            log.exception("automation pass failed")
        finally:
            running = False

    def tick() -> None:
        nonlocal running
        if running or getattr(app, "store", None) is None:
            return
        running = True
        app.run_worker(one_pass(), group="automation", exit_on_error=False)

    app.set_interval(interval, tick, name="automation")

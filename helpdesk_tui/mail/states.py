"""Names of the outbox states for people (msgids; light: no store import)."""

from __future__ import annotations

from helpdesk_tui.i18n import N_

STATE_LABELS = {
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
    "dead": N_("Dead"),
}

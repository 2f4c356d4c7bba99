"""Display tables for the console: English message ids for states, priorities, types, impacts,
actions and event kinds, the theme variables that colour them, and small formatters (ages, due
times, counts).

Light on purpose: no SQLAlchemy and no store import, so any screen (and the first paint) may use
it. The store keeps its own tables (helpdesk_tui/store/lifecycle.py) for rules; these only say
how things look. Translate with `_()` where the text is shown: the ids here are msgids.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from helpdesk_tui.i18n import _, current_language

# --- States (SPEC section 4) -------------------------------------------------------------------

STATES = ("new", "assigned", "in_progress", "waiting", "resolved", "closed", "cancelled")
OPEN_STATES = frozenset({"new", "assigned", "in_progress", "waiting"})

STATE_LABELS = {
    "new": "New",
    "assigned": "Assigned",
    "in_progress": "In progress",
    "waiting": "Waiting on customer",
    "resolved": "Resolved",
    "closed": "Closed",
    "cancelled": "Cancelled",
}
"""The full state names (SPEC section 4); Spanish in locale/es/core.py."""

STATE_SHORT = {**STATE_LABELS, "waiting": "Waiting"}
"""For narrow columns: the one long name shortened ("Waiting" / "En espera")."""

STATE_STYLES = {
    "new": "text-accent",
    "assigned": "text-primary",
    "in_progress": "text-primary",
    "waiting": "text-warning",
    "resolved": "text-success",
    "closed": "muted",
    "cancelled": "muted",
}
"""Theme variable (without `$`) per state; "muted" means dim text. Always shown with the text."""

STATE_BOLD = frozenset({"new", "in_progress"})

# The five-stage lifecycle (seed 003; store/lifecycle.py FIVE_STAGE). Its states show in the
# tab of the standard state they correspond to (PHASE), so tabs and counts need no second set.
STAGE_LABELS = {"opened": "Opened", "analysis": "Analysis", "solution": "Solution", "testing": "Testing"}
PHASE = {"opened": "new", "analysis": "in_progress", "solution": "in_progress", "testing": "resolved"}
STATE_LABELS.update(STAGE_LABELS)
STATE_SHORT.update(STAGE_LABELS)
STATE_STYLES.update(opened="text-accent", analysis="text-primary", solution="text-primary", testing="text-success")
OPEN_STATES = OPEN_STATES | {"opened", "analysis", "solution"}
CHECKLIST_LABELS = {
    "identification": "Identification",
    "validation": "Validation",
    "structure": "Structure",
    "alarm_type": "Alarm type",
}


def tab_states(state: str) -> tuple[str, ...]:
    """A standard state and the states of other lifecycles listed in its tab."""
    return (state, *(other for other, phase in PHASE.items() if phase == state))


def tab_query(state: str) -> str:
    return "status:" + ",".join(tab_states(state))


def tab_counts(by_status: dict[str, int]) -> dict[str, int]:
    """Counts per standard state (tab), with the other lifecycles' states folded in."""
    return {state: sum(by_status.get(s, 0) for s in tab_states(state)) for state in STATES}

# --- Priority, impact, type --------------------------------------------------------------------

PRIORITIES = ("urgent", "high", "normal", "low")  # most urgent first
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
PRIORITY_SHORT = {"urgent": "Urgent", "high": "High", "normal": "Normal", "low": "Low"}
"""Priority as a table cell."""
PRIORITY_LABELS = {
    "low": "Low priority",
    "normal": "Normal priority",
    "high": "High priority",
    "urgent": "Urgent priority",
}
"""Priority as a sentence fragment (the ticket header, the bitácora)."""
PRIORITY_STYLES = {"urgent": "text-error", "high": "text-warning", "normal": "", "low": "muted"}

IMPACTS = ("high", "medium", "low")
IMPACT_LABELS = {"high": "High impact", "medium": "Medium impact", "low": "Low impact"}
IMPACT_SHORT = {"high": "High", "medium": "Medium", "low": "Low"}
"""After an "Impact:" label; translate with pgettext("impact", ...) (Spanish gender differs)."""

TYPES = ("question", "problem", "improvement", "incident", "request")
TYPE_LABELS = {
    "question": "Question",
    "problem": "Problem",
    "improvement": "Improvement",
    "incident": "Incident",
    "request": "Request",
}

ORIGIN_LABELS = {
    "console": "Console",
    "cli": "Command line",
    "email": "E-mail",
    "web": "Web",
    "phone": "Phone",
    "import": "Import",
}

ROLE_LABELS = {
    "admin": "admin",
    "supervisor": "supervisor",
    "agent": "agent",
    "customer": "customer",
    "user": "user",
}
"""Role names are msgids themselves (app.sub_title uses `_(actor.role)`)."""

# --- Actions and events ------------------------------------------------------------------------

ACTION_LABELS = {
    "assign": "Assign",
    "take": "Take",
    "start": "Start",
    "wait": "Wait on customer",
    "resume": "Resume",
    "resolve": "Resolve",
    "accept": "Accept resolution",
    "reject": "Reject resolution",
    "close": "Close",
    "cancel": "Cancel ticket",
    "reopen": "Reopen",
    "comment": "Add a comment",
    "solve": "Start solution",
}
"""Same msgids as helpdesk_tui/store/lifecycle.py ACTION_LABELS (Spanish in locale/es/store.py)."""

MOVE_ACTIONS = ("start", "solve", "wait", "resume", "resolve", "reopen", "cancel", "close")
"""Lifecycle moves the queue's `m` offers (assign and take have their own keys). Only those the
store reports as available for the chosen tickets are shown."""

ACTION_TEXT = {
    "wait": "required",
    "resolve": "required",
    "reject": "required",
    "reopen": "required",
    "cancel": "required",
    "close": "optional",
    "comment": "required",
}
"""Whether an action asks for a text (the store decides; this only shapes the prompt)."""

ACTION_PROMPTS = {
    "wait": "Question for the customer",
    "resolve": "Resolution",
    "reject": "Why the resolution does not solve it",
    "reopen": "Why the ticket is reopened",
    "cancel": "Why the ticket is cancelled",
    "close": "Closing comment (optional)",
    "comment": "Public comment",
}

EVENT_LABELS = {
    "created": "Created",
    "assign": "Assigned",
    "take": "Taken",
    "start": "Work started",
    "wait": "Waiting on customer",
    "resume": "Resumed",
    "resolve": "Resolved",
    "accept": "Resolution accepted",
    "reject": "Resolution rejected",
    "close": "Closed",
    "cancel": "Cancelled",
    "reopen": "Reopened",
    "comment": "Comment",
    "recategorised": "Recategorised",
    "solve": "Solution started",
    "checklist": "Analysis checklist",
    "plan_proposed": "Work plan proposed",
    "plan_approved": "Work plan approved",
    "plan_rejected": "Work plan rejected",
    "sla_breached": "SLA breached",
    "solution_linked": "Solution article linked",
}

# --- SLA risk ----------------------------------------------------------------------------------

RISK_STYLES = {"breached": "text-error", "at_risk": "text-warning", "ok": "text-success", "idle": "muted"}
AT_RISK = timedelta(hours=4)


def sla_risk(due: datetime | None, now: datetime, status: str) -> str | None:
    """None without a due time; "idle" once the ticket is no longer open."""
    if due is None:
        return None
    if status not in OPEN_STATES:
        return "idle"
    if due <= now:
        return "breached"
    if due - now <= AT_RISK:
        return "at_risk"
    return "ok"


# --- Formatting --------------------------------------------------------------------------------


def label(table: dict[str, str], value: str | None) -> str:
    """Translated label from one of the tables above; the value itself when unknown."""
    if value is None or value == "":
        return ""
    msgid = table.get(value)
    return _(msgid) if msgid else value


def pgettext(context: str, msgid: str) -> str:
    """A msgid that needs a context to translate differently ("tab|New" -> "Registrados"),
    shown as the bare msgid where the catalogue has no entry (English)."""
    key = f"{context}|{msgid}"
    text = _(key)
    return msgid if text == key else text


def now() -> datetime:
    """The help desk's clock without importing the store: HELPDESK_NOW when set (as the store's
    clock does), else the current UTC time."""
    fixed = os.environ.get("HELPDESK_NOW")
    if fixed:
        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def span(delta: timedelta) -> str:
    """A compact duration: 45s, 12m, 3h, 5d, 6w, 2y."""
    seconds = abs(int(delta.total_seconds()))
    for size, unit in ((365 * 86400, "y"), (7 * 86400, "w"), (86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size * (2 if unit in "yw" else 1):
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def age(created: datetime, at: datetime) -> str:
    return span(at - created)


def due_in(due: datetime, at: datetime) -> str:
    """Time left to the due moment; overdue shows with a minus sign (-3h), never colour alone."""
    text = span(due - at)
    return f"-{text}" if due <= at else text


def number(n: int) -> str:
    """1234 -> "1,234" (English) or "1.234" (Spanish)."""
    text = f"{n:,}"
    return text.replace(",", ".") if current_language() == "es" else text


def moment(value: datetime) -> str:
    """A date and time in the local zone, minutes precision."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def nplural(n: int, singular: str, plural: str, **params: object) -> str:
    """The singular or plural msgid for n (English and Spanish agree: one is singular). When
    English uses one form for both, pass it twice: the plural is looked up as "plural|msgid"."""
    if n == 1:
        return _(singular, n=n, **params)
    if plural == singular:
        return pgettext("plural", plural).format(n=n, **params)
    return _(plural, n=n, **params)

"""The SLA clock explained (issue 4 items 2 and 7): why a ticket is due when it is.

`TicketDetail.sla` (store/sla.py `SlaClock.to_json`) already holds everything: the calendar and
its zone, the policy, and for the first response and the resolution the target, the business
minutes used, the state, the due time and the running and paused intervals that add up to it.
`clock_text` turns that into plain lines (times in the calendar's zone, states always written
out, so it reads the same without colour); `SlaClockDialog` shows them in a scrolling box that
fits 80x24.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from helpdesk_tui import labels
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.text import one_line
from helpdesk_tui.widgets.dialogs import Dialog

TIMERS = (("response", N_("First response")), ("resolution", N_("Resolution time")))
TIMER_STATES = {
    "running": N_("Running"),
    "paused": N_("Paused"),
    "met": N_("Met"),
    "breached": N_("Breached"),
    "stopped": N_("Stopped"),
}
TIMER_STYLES = {"running": "bold", "paused": "italic", "met": "", "breached": "bold reverse", "stopped": "dim"}


def business_span(minutes: float | int | None) -> str:
    """Business minutes as hours and minutes: 95 -> "1h 35m", 45 -> "45m"."""
    if minutes is None:
        return "—"
    total = int(round(abs(float(minutes))))
    hours, rest = divmod(total, 60)
    return f"{hours}h {rest:02d}m" if hours else f"{rest}m"


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ImportError, ValueError, KeyError, OSError):
        return None


def _at(value: str | None, zone: tzinfo | None) -> str:
    if not value:
        return _("now")
    moment = datetime.fromisoformat(value)
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M")


def _end(start: str, end: str) -> str:
    """An interval's end without what it shares with its start (the day, the year)."""
    if end[:10] == start[:10]:
        return end[11:]
    return end[5:] if end[:4] == start[:4] else end


def _state(name: str) -> str:
    return _(TIMER_STATES.get(name, name))


def clock_text(sla: Mapping[str, Any] | None) -> Text:
    """The explanation as lines of text (no markup: names come from the database)."""
    out = Text(end="")
    if not sla:
        out.append(_("This ticket has no SLA clock."))
        return out
    zone = _zone(sla.get("timezone"))
    calendar = one_line(str(sla.get("calendar") or "—"))
    out.append(_("Calendar") + ": ", "bold")
    out.append_text(calendar)
    out.append(f" ({sla.get('timezone') or '—'})\n")
    out.append(_("Policy") + ": ", "bold")
    out.append_text(one_line(str(sla.get("policy") or "—")))
    out.append(" · ")
    out.append(labels.label(labels.PRIORITY_LABELS, sla.get("priority")))
    out.append("\n")
    out.append(_("As of {at}; times in {zone}", at=_at(sla.get("as_of"), zone), zone=sla.get("timezone") or "—"))
    out.append("\n")
    for key, title in TIMERS:
        timer = sla.get(key)
        if not timer:
            continue
        out.append("\n")
        out.append_text(_timer_text(timer, _(title), zone))
    return out


def _timer_text(timer: Mapping[str, Any], title: str, zone: tzinfo | None) -> Text:
    out = Text(end="")
    state = str(timer.get("state", ""))
    out.append(title, "bold underline")
    out.append("  ")
    out.append(f" {_state(state)} ", TIMER_STYLES.get(state, ""))
    if timer.get("risk") == "warning":
        out.append("  " + _("at risk"), "bold")
    out.append("\n")
    target, used, remaining = timer.get("target"), timer.get("used"), timer.get("remaining")
    facts = [_("target {span}", span=business_span(target)), _("used {span}", span=business_span(used))]
    if remaining is not None and float(remaining) < 0:
        facts.append(_("overdue by {span}", span=business_span(remaining)))
    elif state in ("running", "paused"):
        facts.append(_("remaining {span}", span=business_span(remaining)))
    out.append("  " + " · ".join(facts) + "  " + _("(business time)") + "\n")
    if timer.get("due_at"):
        out.append("  " + _("Due {at}", at=_at(timer["due_at"], zone)) + "\n")
    elif state == "paused":
        out.append("  " + _("No due time while paused; it moves back by the paused time.") + "\n")
    if timer.get("met_at"):
        out.append("  " + _("Met at {at}", at=_at(timer["met_at"], zone)) + "\n")
    elif timer.get("stopped_at"):
        out.append("  " + _("Stopped at {at}", at=_at(timer["stopped_at"], zone)) + "\n")
    intervals = timer.get("intervals") or []
    if intervals:
        out.append("  " + _("Intervals") + ":\n")
    starts = [_at(interval.get("start"), zone) for interval in intervals]
    ends = [_end(start, _at(i.get("end"), zone)) for start, i in zip(starts, intervals, strict=True)]
    width = max((len(end) for end in ends), default=0)
    for interval, start, end in zip(intervals, starts, ends, strict=True):
        kind, state = str(interval.get("reason", "")), str(interval.get("state", ""))
        line = Text("  ", end="")
        line.append(f"{start} → {end:<{width}}  ")
        line.append(f"{_state(state):<9}", TIMER_STYLES.get(state, ""))
        line.append(f"{business_span(interval.get('minutes')):>7}  ")
        line.append(labels.label(labels.EVENT_LABELS, kind))
        out.append_text(line)
        out.append("\n")
    return out


class SlaClockDialog(Dialog):
    """The clock of one ticket; Escape, q or the clock key closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "cancel", "Close", id="clock.close"),
        Binding("C", "cancel", "Close", show=False, id="clock.toggle"),
    ]
    DEFAULT_CSS = """
    SlaClockDialog > #dialog { width: 78; }
    SlaClockDialog #clock-body { height: auto; max-height: 19; }
    SlaClockDialog #clock-text { width: 1fr; }
    """

    def __init__(self, sla: Mapping[str, Any] | None, *, title: str) -> None:
        super().__init__()
        self.sla = sla
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            with VerticalScroll(id="clock-body"):
                yield Static(clock_text(self.sla), id="clock-text")
            yield Static(_("Escape or q to close; arrows scroll."), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#clock-body", VerticalScroll).focus()


__all__ = ["SlaClockDialog", "business_span", "clock_text"]

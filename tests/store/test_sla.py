"""SLA clocks from event histories: worked examples computed by hand, then a property.

Calendar: DEFAULT_CALENDAR (Bogotá, UTC-5 all year; Mon-Fri 08:00-17:00 = 540 business
minutes a day, Sat 09:00-12:00 = 180, Colombian holidays). Dates in 2026: Mon 2 March to
Fri 6 March, Sat 7, Mon 9, Tue 10; Fri 20 March, Sat 21, Mon 23 March (Saint Joseph, a
holiday), Tue 24. Policy: DEFAULT_POLICY (response/resolution in business minutes: urgent
30/240, high 60/480, normal 240/1440, low 480/2880; warning at 75 %).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_tui.store.calendar import DEFAULT_CALENDAR
from helpdesk_tui.store.sla import (
    DEFAULT_POLICY,
    ClockInterval,
    SlaEvent,
    SlaPolicy,
    Target,
    compute_clock,
    policy_for_account,
    policy_from_dict,
)
from helpdesk_tui.store.views import EventView

BOG = ZoneInfo("America/Bogota")
STAFF = {"ana", "sup"}  # "cliente" is the requester


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BOG)


def created(when: datetime, priority: str = "normal") -> SlaEvent:
    return SlaEvent(when, "created", "cliente", data={"priority": priority})


def act(when: datetime, kind: str, old: str, new: str, actor: str = "ana") -> SlaEvent:
    return SlaEvent(when, kind, actor, data={"from": old, "to": new})


def comment(when: datetime, actor: str, visibility: str = "public") -> SlaEvent:
    return SlaEvent(when, "comment", actor, visibility=visibility)


def reprioritise(when: datetime, old: str, new: str) -> SlaEvent:
    return SlaEvent(when, "recategorised", "sup", data={"changes": {"priority": [old, new]}})


def clock(events, now: datetime, policy: SlaPolicy = DEFAULT_POLICY):
    return compute_clock(events, policy=policy, calendar=DEFAULT_CALENDAR, now=now, staff=STAFF)


def started(day: int = 2, priority: str = "normal") -> list[SlaEvent]:
    """Created at 09:00, assigned 09:05, started 09:10 (staff actions, not a response)."""
    return [
        created(at(day, 9), priority),
        act(at(day, 9, 5), "assign", "new", "assigned", "sup"),
        act(at(day, 9, 10), "start", "assigned", "in_progress"),
    ]


# -- running --------------------------------------------------------------------------------------


def test_simple_running_ticket() -> None:
    c = clock(started(), at(2, 10, 30))
    assert c.priority == "normal" and c.status == "in_progress"
    # Response: 90 used of 240, due 10:30 + 150 = 13:00.
    assert c.response.state == "running"
    assert (c.response.used_minutes, c.response.remaining_minutes) == (90, 150)
    assert c.response.due_at == at(2, 13)
    # Resolution: 1350 left = Mon 390 + Tue 540 + Wed 420 -> Wed 4 March 15:00.
    assert (c.resolution.used_minutes, c.resolution.remaining_minutes) == (90, 1350)
    assert c.resolution.due_at == at(4, 15)
    assert c.resolution.risk == "ok" and not c.resolution.breached
    assert c.resolution.intervals == (ClockInterval(at(2, 9), None, "running", "created"),)
    # 75 % of 1440 = 1080 minutes: Mon 480 + Tue 540 -> Wed 08:60 = Wed 09:00.
    assert c.resolution.warning_at == at(4, 9)


def test_event_views_and_mappings_are_accepted() -> None:
    view = EventView(
        1, at(2, 9), "cliente", "Cliente", "created", "public", "", {"priority": "high"}
    )
    row = {"at": at(2, 9, 30), "actor": "ana", "kind": "comment", "visibility": "public",
           "data": {}}  # fmt: skip
    c = compute_clock(
        [row, view], policy=DEFAULT_POLICY, calendar=DEFAULT_CALENDAR, now=at(2, 10),
        staff=lambda name: name == "ana",
    )  # fmt: skip
    assert c.priority == "high"
    assert c.response.state == "met" and c.response.met_at == at(2, 9, 30)
    assert c.resolution.used_minutes == 60


def test_history_must_start_with_created_and_times_must_be_aware() -> None:
    with pytest.raises(ValueError):
        clock([comment(at(2, 9), "ana")], at(2, 10))
    with pytest.raises(ValueError):
        clock(started(), datetime(2026, 3, 2, 10))


def test_events_after_now_are_ignored() -> None:
    events = [*started(), act(at(2, 11), "resolve", "in_progress", "resolved")]
    assert clock(events, at(2, 10)).resolution.state == "running"
    assert clock(events, at(2, 12)).resolution.state == "met"


# -- pauses ------------------------------------------------------------------------------------


def test_two_business_hours_waiting_move_the_due_time_by_two_business_hours() -> None:
    plain = clock(started(), at(2, 13))
    # Used 240 at 13:00; 1200 left = Mon 240 + Tue 540 + Wed 420 -> Wed 15:00.
    assert plain.resolution.due_at == at(4, 15)
    paused = started() + [
        act(at(2, 10), "wait", "in_progress", "waiting"),
        act(at(2, 12), "resume", "waiting", "in_progress", "system"),
    ]
    c = clock(paused, at(2, 13))
    # Used 60 + 60 = 120; 1320 left = Mon 240 + Tue 540 + Wed 540 -> Wed 17:00.
    assert c.resolution.used_minutes == 120
    assert c.resolution.due_at == at(4, 17)
    moved = DEFAULT_CALENDAR.business_minutes_between(plain.resolution.due_at, c.resolution.due_at)
    assert moved == 120
    assert [(i.start, i.end, i.state, i.reason) for i in c.resolution.intervals] == [
        (at(2, 9), at(2, 10), "running", "created"),
        (at(2, 10), at(2, 12), "paused", "wait"),
        (at(2, 12), None, "running", "resume"),
    ]
    # The wait by staff is the first response: met at 10:00 with 60 of 240 used.
    assert c.response.state == "met" and c.response.met_at == at(2, 10)
    assert c.response.used_minutes == 60 and c.response.due_at is None


def test_paused_clock_has_no_due_time_and_does_not_count() -> None:
    events = [*started(), act(at(2, 10), "wait", "in_progress", "waiting")]
    c = clock(events, at(3, 16))
    assert c.resolution.state == "paused"
    assert c.resolution.used_minutes == 60 and c.resolution.due_at is None
    assert c.resolution.intervals[-1] == ClockInterval(at(2, 10), None, "paused", "wait")


def test_resuming_an_urgent_ticket_after_a_long_wait_is_not_an_instant_breach() -> None:
    events = started(priority="urgent") + [
        act(at(2, 9, 20), "wait", "in_progress", "waiting"),
        act(at(2, 14), "resume", "waiting", "in_progress"),
    ]
    c = clock(events, at(2, 14))
    # Created-plus-240 would say 13:00, already past; the history says 20 of 240 used.
    assert c.resolution.state == "running" and not c.resolution.breached
    assert c.resolution.used_minutes == 20 and c.resolution.risk == "ok"
    # 220 left: Mon 14:00-17:00 gives 180, then Tue 08:00 + 40.
    assert c.resolution.due_at == at(3, 8, 40)


# -- priority changes --------------------------------------------------------------------------


def test_priority_change_after_a_pause_keeps_used_minutes_and_paused_time() -> None:
    events = started() + [
        act(at(2, 10), "wait", "in_progress", "waiting"),
        act(at(2, 12), "resume", "waiting", "in_progress", "cliente"),
        reprioritise(at(2, 13), "normal", "urgent"),
    ]
    c = clock(events, at(2, 13, 30))
    assert c.priority == "urgent"
    # Used 60 + 90 = 150 of urgent's 240 (recomputing from creation would give 13:00, breached).
    assert c.resolution.target_minutes == 240
    assert c.resolution.used_minutes == 150 and c.resolution.remaining_minutes == 90
    assert c.resolution.due_at == at(2, 15)
    assert not c.resolution.breached and c.resolution.risk == "ok"  # 150 / 240 < 0.75
    assert [(i.state, i.reason) for i in c.resolution.intervals] == [
        ("running", "created"), ("paused", "wait"), ("running", "resume"),
        ("running", "recategorised"),
    ]  # fmt: skip
    # The response, met at 10:00 under normal (240), is still judged against 240.
    assert c.response.state == "met" and c.response.target_minutes == 240


def test_raising_priority_past_the_used_minutes_is_overdue_from_the_history() -> None:
    events = [*started(), reprioritise(at(2, 10), "normal", "urgent")]
    c = clock(events, at(2, 10))
    # 60 used > urgent's 30: the response was due when 30 minutes had been used, at 09:30.
    assert c.response.breached and c.response.state == "running"
    assert c.response.risk == "breached" and c.response.remaining_minutes == -30
    assert c.response.due_at == at(2, 9, 30)


def test_lowering_priority_keeps_the_minutes() -> None:
    events = [*started(priority="high"), reprioritise(at(2, 11), "high", "low")]
    c = clock(events, at(2, 12))
    assert c.resolution.target_minutes == 2880 and c.resolution.used_minutes == 180


# -- resolve, reject, reopen, close, cancel ------------------------------------------------------


def test_resolve_then_reject_continues_the_same_clock() -> None:
    events = started() + [act(at(2, 11), "resolve", "in_progress", "resolved")]
    done = clock(events, at(2, 15))
    assert done.resolution.state == "met" and done.resolution.met_at == at(2, 11)
    assert done.resolution.used_minutes == 120 and done.resolution.due_at is None
    assert done.response.state == "met" and done.response.met_at == at(2, 11)

    events.append(act(at(3, 9), "reject", "resolved", "in_progress", "cliente"))
    c = clock(events, at(3, 10))
    # 120 + 60 used; 1260 left = Tue 420 + Wed 540 + Thu 300 -> Thu 5 March 13:00.
    assert c.resolution.state == "running" and c.resolution.met_at is None
    assert c.resolution.used_minutes == 180
    assert c.resolution.due_at == at(5, 13)
    assert [(i.start, i.end, i.reason) for i in c.resolution.intervals] == [
        (at(2, 9), at(2, 11), "created"),
        (at(3, 9), None, "reject"),
    ]
    assert c.response.state == "met"  # a first response stays given


def test_late_resolution_is_breached_and_reopen_resumes_it() -> None:
    events = started(priority="urgent") + [
        act(at(2, 9, 15), "wait", "in_progress", "waiting"),  # response met at 15 minutes
        act(at(2, 10), "resume", "waiting", "in_progress"),
        act(at(2, 14, 15), "resolve", "in_progress", "resolved"),  # 15 + 255 = 270 > 240
        act(at(2, 15), "accept", "resolved", "closed", "cliente"),
    ]
    c = clock(events, at(2, 16))
    assert c.status == "closed"
    assert c.resolution.state == "breached" and c.resolution.breached
    assert c.resolution.used_minutes == 270 and c.resolution.stopped_at == at(2, 14, 15)
    assert c.resolution.met_at is None and c.resolution.risk == "breached"
    assert c.response.state == "met" and c.response.used_minutes == 15

    events.append(act(at(3, 8), "reopen", "closed", "in_progress", "sup"))
    c = clock(events, at(3, 8, 30))
    assert c.resolution.state == "running" and c.resolution.used_minutes == 300
    assert c.resolution.remaining_minutes == -60
    # The 240th minute was used at 13:45 on Monday.
    assert c.resolution.due_at == at(2, 13, 45)


def test_cancel_stops_without_an_outcome() -> None:
    events = [created(at(2, 9)), act(at(2, 9, 30), "cancel", "new", "cancelled", "cliente")]
    c = clock(events, at(3, 12))
    assert c.resolution.state == "stopped" and c.response.state == "stopped"
    assert c.resolution.used_minutes == 30 and c.resolution.due_at is None
    assert c.resolution.met_at is None and c.resolution.risk == "ok"


def test_requester_closing_an_open_ticket_ends_the_resolution_clock() -> None:
    events = [*started(), act(at(2, 10), "close", "in_progress", "closed", "cliente")]
    c = clock(events, at(2, 12))
    assert c.resolution.state == "met" and c.resolution.met_at == at(2, 10)
    assert c.response.state == "stopped" and c.response.met_at is None


# -- first response ------------------------------------------------------------------------------


def test_first_response_needs_a_public_staff_comment() -> None:
    events = [
        created(at(2, 9)),
        comment(at(2, 9, 30), "cliente"),
        comment(at(2, 10), "ana", "internal"),
        comment(at(2, 10, 15), "system"),
        comment(at(2, 10, 30), "ana"),
        comment(at(2, 10, 45), "sup"),
    ]
    c = clock(events[:4], at(2, 10, 20))
    assert c.response.state == "running" and c.response.used_minutes == 80
    assert c.response.due_at == at(2, 13)
    c = clock(events, at(2, 11))
    assert c.response.state == "met" and c.response.met_at == at(2, 10, 30)
    assert c.response.used_minutes == 90 and c.response.due_at is None
    assert c.resolution.state == "running" and c.resolution.used_minutes == 120


def test_staff_can_be_a_predicate() -> None:
    events = [created(at(2, 9)), comment(at(2, 9, 10), "agent:7")]
    c = compute_clock(
        events, policy=DEFAULT_POLICY, calendar=DEFAULT_CALENDAR, now=at(2, 10),
        staff=lambda who: who.startswith("agent:"),
    )  # fmt: skip
    assert c.response.met_at == at(2, 9, 10)


# -- breach and warning ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minute", "risk", "breached"),
    [(20, "ok", False), (22, "ok", False), (23, "warning", False), (30, "warning", False),
     (31, "breached", True)],
)  # fmt: skip
def test_urgent_response_warning_and_breach(minute: int, risk: str, breached: bool) -> None:
    # 75 % of 30 minutes is 22.5.
    c = clock([created(at(2, 9), "urgent")], at(2, 9, minute))
    assert c.response.risk == risk and c.response.breached is breached
    assert c.response.state == "running"
    assert c.response.due_at == at(2, 9, 30)
    assert c.response.remaining_minutes == 30 - minute


def test_warning_counts_paused_tickets_too() -> None:
    events = started(priority="urgent") + [
        act(at(2, 12, 10), "wait", "in_progress", "waiting"),  # 190 of 240 used: 79 %
    ]
    c = clock(events, at(2, 15))
    assert c.resolution.state == "paused" and c.resolution.risk == "warning"


# -- weekends and holidays ---------------------------------------------------------------------


def test_clock_across_a_weekend() -> None:
    c = clock([created(at(6, 16))], at(9, 9))
    # Fri 16-17 (60) + Sat 9-12 (180) + Mon 8-9 (60) = 300.
    assert c.response.used_minutes == 300 and c.response.breached
    # The 240th minute ran out at Saturday's closing, 12:00.
    assert c.response.due_at == datetime(2026, 3, 7, 12, tzinfo=BOG)
    # 1140 left: Mon 480 + Tue 540 + Wed 120 -> Wed 11 March 10:00.
    assert c.resolution.due_at == at(11, 10)


def test_friday_evening_ticket_starts_counting_on_saturday_morning() -> None:
    c = clock([created(at(6, 18, 30), "urgent")], at(7, 9, 10))
    assert c.response.used_minutes == 10
    assert c.response.due_at == at(7, 9, 30)
    # 230 left: Sat 170 to 12:00, then Mon 9 March 08:00 + 60.
    assert c.resolution.due_at == at(9, 9)


def test_due_time_skips_saint_josephs_monday() -> None:
    c = clock([created(at(20, 16), "high")], at(20, 16, 30))
    assert c.response.due_at == at(20, 17)  # 30 left end exactly at Friday's closing
    # 450 left: Fri 30 + Sat 180 + (Mon 23 is a holiday) + Tue 240 -> Tue 24 12:00.
    assert c.resolution.due_at == at(24, 12)


# -- explanation and policies --------------------------------------------------------------------


def test_to_json_explains_the_clock() -> None:
    events = started() + [
        act(at(2, 10), "wait", "in_progress", "waiting"),
        act(at(2, 12), "resume", "waiting", "in_progress", "system"),
    ]
    out = clock(events, at(2, 13)).to_json()
    json.dumps(out)
    assert out["calendar"] == "default" and out["policy"] == "default"
    assert out["priority"] == "normal" and out["timezone"] == "America/Bogota"
    res = out["resolution"]
    assert (res["target"], res["used"], res["remaining"]) == (1440, 120, 1320)
    assert res["state"] == "running" and res["risk"] == "ok"
    assert res["due_at"] == "2026-03-04T22:00:00+00:00"
    assert [(i["state"], i["reason"], i["minutes"], i["end"]) for i in res["intervals"]] == [
        ("running", "created", 60, "2026-03-02T15:00:00+00:00"),
        ("paused", "wait", 120, "2026-03-02T17:00:00+00:00"),
        ("running", "resume", 60, None),
    ]
    assert out["response"]["state"] == "met" and out["response"]["due_at"] is None


def test_policies_round_trip_and_per_account_choice() -> None:
    assert policy_from_dict(DEFAULT_POLICY.to_dict()) == DEFAULT_POLICY
    gold = SlaPolicy("gold", {"normal": Target(60, 480)}, warning_ratio=0.5)
    assert policy_for_account("ACME", {"ACME": gold}) is gold
    assert policy_for_account("Other", {"ACME": gold}) is DEFAULT_POLICY
    assert policy_for_account(None, {"ACME": gold}) is DEFAULT_POLICY
    assert gold.target_for("urgent") == Target(60, 480)  # falls back to the default priority
    c = clock([created(at(2, 9), "urgent")], at(2, 9, 30), policy=gold)
    assert c.response.risk == "warning" and c.response.target_minutes == 60
    with pytest.raises(ValueError):
        SlaPolicy("bad", {"normal": Target(1, 2)}, warning_ratio=0)
    with pytest.raises(ValueError):
        SlaPolicy("bad", {"high": Target(1, 2)})
    with pytest.raises(ValueError):
        policy_from_dict({"name": "x"})


# -- property: a pause never costs time ------------------------------------------------------------

BASE = at(2, 8)
WINDOW = 4 * 24 * 60  # four days of wall-clock minutes from Mon 2 March 08:00


@settings(max_examples=150, deadline=None)
@given(
    points=st.lists(st.integers(1, WINDOW), min_size=4, max_size=4, unique=True),
    change_at=st.integers(0, 2),  # before, inside or after the pause
    priority=st.sampled_from(["low", "normal", "high", "urgent"]),
    new_priority=st.sampled_from(["low", "normal", "high", "urgent"]),
)
def test_inserting_a_waiting_period_never_reduces_the_remaining_minutes(
    points: list[int], change_at: int, priority: str, new_priority: str
) -> None:
    *instants, now = (BASE + timedelta(minutes=m) for m in sorted(points))
    change = instants.pop(change_at)
    wait, resume = instants
    plain = [
        created(BASE, priority),
        act(BASE, "assign", "new", "assigned", "sup"),
        act(BASE, "start", "assigned", "in_progress"),
        reprioritise(change, priority, new_priority),
    ]
    paused = plain + [
        act(wait, "wait", "in_progress", "waiting"),
        act(resume, "resume", "waiting", "in_progress", "cliente"),
    ]
    a, b = clock(plain, now).resolution, clock(paused, now).resolution
    assert b.target_minutes == a.target_minutes
    assert b.remaining_minutes >= a.remaining_minutes
    assert b.due_at is not None and a.due_at is not None and b.due_at >= a.due_at
    # The paused business time is exactly what the clock did not count, and nothing else.
    paused_minutes = DEFAULT_CALENDAR.business_minutes_between(wait, resume)
    assert b.used_minutes == a.used_minutes - paused_minutes
    if a.remaining_minutes >= 0 and b.remaining_minutes >= 0:
        assert DEFAULT_CALENDAR.business_minutes_between(a.due_at, b.due_at) == paused_minutes
    # The wait is also the first response, so the response clock never used more either.
    assert clock(paused, now).response.used_minutes <= clock(plain, now).response.used_minutes

"""Creating, validating, routing, commenting, attaching, recategorising, paging, bulk actions."""

from __future__ import annotations

import pytest

from helpdesk_tui.store.errors import NotPermitted, QueryError, ValidationFailed
from helpdesk_tui.store.views import NewTicket
from tests.conftest import Org
from tests.store.helpers import new_ticket, ticket_in

HOSTILE = [
    "[/]",
    "[@click=app.quit]x",
    "[bold red]not bold[/bold red]",
    "\x1b]52;c;aGVsbG8=\x07copied",
    "\x1b[2Jclear",
    "\u202eevil\u202c",
    "bell\x07 nul\x00 c1\x9b31m",
]


async def test_create_fills_defaults_and_logs_creation(org: Org) -> None:
    row = await org.store.tickets.create(
        org.acme1, NewTicket(subject="  Impresora atascada ", description="Papel atascado", area="Service desk", category="Printers", environment="Production", service="ERP", impact="high"),
    )  # fmt: skip
    assert (row.subject, row.status, row.account, row.requester) == ("Impresora atascada", "new", "Acme", "carla")
    assert (row.priority, row.origin, row.area, row.category) == ("high", "console", "Service desk", "Printers")
    assert row.number == f"HD-{row.id:06d}" and row.version == 1
    detail = await org.store.tickets.show(org.acme1, row.number)
    assert (detail.environment, detail.service) == ("Production", "ERP")
    assert [e.kind for e in detail.events] == ["created"]


async def test_validation_reports_every_bad_field(org: Org) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await org.store.tickets.create(
            org.acme1,
            NewTicket(subject="x" * 201, description=" ", type="rant", impact="huge", environment="Mars", area="Networks", category="Printers"),
        )  # fmt: skip
    assert set(refused.value.errors) == {"subject", "description", "type", "impact", "environment", "category"}
    assert await org.store.tickets.count(org.admin) == 0


async def test_account_is_asked_only_when_several(org: Org) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await org.store.tickets.create(org.msp, NewTicket(subject="s", description="d"))
    assert refused.value.field_messages() == {"account": "choose the account"}
    row = await org.store.tickets.create(org.msp, NewTicket(subject="s", description="d", account="Globex"))
    assert row.account == "Globex"
    with pytest.raises(ValidationFailed, match="you do not report for Globex"):
        await org.store.tickets.create(org.acme1, NewTicket(subject="s", description="d", account="Globex"))


async def test_customer_may_not_set_priority_but_staff_may(org: Org) -> None:
    with pytest.raises(ValidationFailed, match="only staff may set the priority"):
        await org.store.tickets.create(org.acme1, NewTicket(subject="s", description="d", priority="urgent"))
    row = await org.store.tickets.create(org.sup_net, NewTicket(subject="s", description="d", account="Acme", contact="carla", priority="urgent"))
    assert (row.priority, row.contact, row.requester) == ("urgent", "carla", "sara")
    assert row.id in {r.id for r in (await org.store.tickets.page(org.acme1)).rows}


async def test_on_behalf_needs_permission_and_membership(org: Org) -> None:
    with pytest.raises(ValidationFailed, match="on behalf"):
        await org.store.tickets.create(org.acme1, NewTicket(subject="s", description="d", contact="pedro"))
    with pytest.raises(ValidationFailed, match="does not belong"):
        await org.store.tickets.create(org.sup_net, NewTicket(subject="s", description="d", account="Acme", contact="gina"))


async def test_primary_agent_routing(org: Org) -> None:
    await org.store.catalog.add_account(None, "Initech", primary_agent="luis")
    await org.store.catalog.add_user(None, "milton", role="customer", accounts=["Initech"])
    milton = await org.store.catalog.actor("milton")
    row = await org.store.tickets.create(milton, NewTicket(subject="Mi grapadora", description="No la encuentro"))
    assert (row.status, row.assignee) == ("assigned", "luis")
    events = (await org.store.tickets.show(org.admin, row.id)).events
    assert [(e.kind, e.actor) for e in events] == [("created", "milton"), ("assign", "system")]
    assert (await org.store.tickets.count_by_status(org.admin)) == {"assigned": 1}


async def test_reporter_limit(org: Org) -> None:
    await org.store.catalog.add_account(None, "Pequeña SAS", reporter_limit=2)
    await org.store.catalog.add_user(None, "r1", role="customer", accounts=["Pequeña SAS"])
    await org.store.catalog.add_user(None, "r2", role="customer", accounts=["Pequeña SAS"])
    with pytest.raises(ValidationFailed, match="already has its 2 reporters"):
        await org.store.catalog.add_user(None, "r3", role="customer", accounts=["Pequeña SAS"])
    assert "r3" not in {u.username for u in await org.store.catalog.users()}
    # A non-reporter member cannot open cases for that account.
    await org.store.catalog.add_user(None, "viewer", role="customer", accounts=["Pequeña SAS"], reporter=False)
    viewer = await org.store.catalog.actor("viewer")
    with pytest.raises(ValidationFailed, match="not a reporter"):
        await org.store.tickets.create(viewer, NewTicket(subject="s", description="d"))


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_text_is_stored_without_controls_and_returned_literally(org: Org, hostile: str) -> None:
    row = await org.store.tickets.create(org.acme1, NewTicket(subject=f"a {hostile} b", description=f"{hostile}\nline 2"))
    await org.store.tickets.comment(org.acme1, row.id, f"c {hostile}")
    detail = await org.store.tickets.show(org.acme1, row.id)
    for value in (detail.ticket.subject, detail.description, detail.events[-1].text):
        assert not any(ord(c) < 32 and c not in "\n\t" for c in value)
        assert not any(0x7F <= ord(c) <= 0x9F for c in value)
        assert "\u202e" not in value and "\x1b" not in value
    if "[" in hostile and "\x1b" not in hostile:
        assert hostile in detail.ticket.subject  # markup kept literally, not interpreted
    assert "\n" in detail.description  # newlines survive in blocks
    assert "\n" not in detail.ticket.subject


async def test_attachments_are_content_addressed_and_sanitised(org: Org) -> None:
    ticket_id = await new_ticket(org)
    await org.store.tickets.comment(org.acme1, ticket_id, "logs", attachments=[("../../etc/pass\x1bwd", b"same"), ("b.txt", b"same")])
    detail = await org.store.tickets.show(org.acme1, ticket_id)
    names = [a.filename for a in detail.attachments]
    assert names == ["passwd", "b.txt"]
    assert detail.attachments[0].sha256 == detail.attachments[1].sha256
    files = [p for p in org.store.tickets.blobs.folder.rglob("*") if p.is_file()]
    assert len(files) == 1, "same content is stored once"
    name, data = await org.store.tickets.read_attachment(org.acme1, detail.attachments[0].id)
    assert (name, data) == ("passwd", b"same")


async def test_attachment_over_the_limit_is_refused_and_nothing_written(org: Org) -> None:
    ticket_id = await new_ticket(org)
    with pytest.raises(ValidationFailed, match="larger than the limit"):
        await org.store.tickets.comment(org.acme1, ticket_id, "big", attachments=[("big.bin", b"x" * 1_000_001)])
    assert len((await org.store.tickets.show(org.admin, ticket_id)).events) == 1


async def test_comment_rules(org: Org) -> None:
    ticket_id = await new_ticket(org)
    with pytest.raises(ValidationFailed):
        await org.store.tickets.comment(org.acme1, ticket_id, "   ")
    with pytest.raises(NotPermitted):
        await org.store.tickets.comment(org.acme1, ticket_id, "x", internal=True)
    note = await org.store.tickets.comment(org.sup_net, ticket_id, "solo staff", internal=True)
    assert note.visibility == "internal"
    closed = await ticket_in(org, "closed")
    from helpdesk_tui.store.errors import InvalidTransition

    with pytest.raises(InvalidTransition, match="reopen it"):
        await org.store.tickets.comment(org.acme1, closed, "hola")


async def test_recategorise_logs_old_and_new(org: Org) -> None:
    ticket_id = await ticket_in(org, "in_progress")
    row = await org.store.tickets.recategorise(org.sup_net, ticket_id, area="Service desk", category="Printers", priority="urgent")
    assert (row.area, row.category, row.priority) == ("Service desk", "Printers", "urgent")
    event = (await org.store.tickets.show(org.admin, ticket_id)).events[-1]
    assert event.kind == "recategorised"
    assert event.data["changes"] == {"priority": ["normal", "urgent"], "area": ["Networks", "Service desk"], "category": [None, "Printers"]}
    counts = await org.store.tickets.count_by_status(org.sup_desk)
    assert counts == {"in_progress": 1}
    with pytest.raises(NotPermitted):
        await org.store.tickets.recategorise(org.acme1, ticket_id, priority="low")
    closed = await ticket_in(org, "closed")
    from helpdesk_tui.store.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        await org.store.tickets.recategorise(org.admin, closed, priority="low")


async def test_bulk_reports_applied_and_skipped(org: Org) -> None:
    fresh = [await new_ticket(org) for _ in range(3)]
    done = await ticket_in(org, "resolved")
    results = await org.store.tickets.bulk(org.sup_net, [*fresh, done, 999999], "assign", to="ana")
    assert [r.applied for r in results] == [True, True, True, False, False]
    assert results[3].reason.startswith("{action}: not possible")
    assert results[4].reason.startswith("ticket {ticket} not found")


async def test_keyset_pages_cover_everything_once(org: Org) -> None:
    ids = [await new_ticket(org, subject=f"caso {i}", impact=("high", "medium", "low")[i % 3]) for i in range(23)]
    seen: list[int] = []
    page = await org.store.tickets.page(org.admin, limit=5)
    while True:
        seen.extend(r.id for r in page.rows)
        if page.next_cursor is None:
            break
        page = await org.store.tickets.page(org.admin, after=page.next_cursor, limit=5)
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    prios = [r.priority for r in (await org.store.tickets.page(org.admin, limit=50)).rows]
    assert prios == sorted(prios, key=["urgent", "high", "normal", "low"].index)
    back = await org.store.tickets.page(org.admin, before=page.prev_cursor, limit=5)
    assert [r.id for r in back.rows] == seen[-8:-3]


async def test_filters_compile_against_the_schema(org: Org) -> None:
    a = await new_ticket(org, subject="Impresora atascada en recepción", area="Service desk", category="Printers", impact="high")
    b = await ticket_in(org, "assigned", subject="VPN caída")
    tickets = org.store.tickets
    ids = lambda page: {r.id for r in page.rows}  # noqa: E731
    assert ids(await tickets.page(org.admin, "impresora")) == {a}
    assert ids(await tickets.page(org.admin, "recepcion")) == {a}
    assert ids(await tickets.page(org.admin, '"impresora atascada"')) == {a}
    assert ids(await tickets.page(org.admin, "impre")) == {a}
    assert ids(await tickets.page(org.admin, "-impresora")) == {b}
    assert ids(await tickets.page(org.admin, "assignee:ana")) == {b}
    assert ids(await tickets.page(org.admin, "asignado:none")) == {a}
    assert ids(await tickets.page(org.admin, "prio:>=high")) == {a}
    assert ids(await tickets.page(org.admin, "area:networks is:open")) == {b}
    assert ids(await tickets.page(org.admin, "category:Printers account:acme")) == {a}
    assert ids(await tickets.page(org.admin, "requester:carla created:-7d sort:-created")) == {a, b}
    assert ids(await tickets.page(org.agent_net, "is:mine")) == {b}
    assert ids(await tickets.page(org.admin, "estado:registrado,asignado")) == {a, b}
    with pytest.raises(QueryError):
        await tickets.page(org.admin, "colour:blue")


async def test_common_words_walk_the_sort_order_with_the_same_results(org: Org, monkeypatch) -> None:
    """SQLite switches plans for common words; both plans must return the same page."""
    from helpdesk_tui.store import tickets as tickets_module

    for i in range(6):
        await new_ticket(org, subject=f"servidor caído {i}", impact=("high", "low")[i % 2])
    await new_ticket(org, subject="otra cosa")
    normal = await org.store.tickets.page(org.admin, "servidor", limit=4)
    monkeypatch.setattr(tickets_module, "COMMON_WORD_MATCHES", 2)
    walked = await org.store.tickets.page(org.admin, "servidor", limit=4)
    assert [r.id for r in walked.rows] == [r.id for r in normal.rows]
    rest = await org.store.tickets.page(org.admin, "servidor", after=walked.next_cursor, limit=4)
    assert len(rest.rows) == 2


async def test_abilities_besides_the_lifecycle(org: Org) -> None:
    """The store tells screens whether comment, internal notes, attach and recategorise apply."""
    open_id = await ticket_in(org, "in_progress")
    closed_id = await ticket_in(org, "closed")
    show = org.store.tickets.show
    assert (await show(org.sup_net, open_id)).abilities == ("comment", "comment_internal", "attach", "recategorise")
    assert (await show(org.agent_net, open_id)).abilities == ("comment", "comment_internal", "attach", "recategorise")
    assert (await show(org.acme1, open_id)).abilities == ("comment", "attach")
    assert (await show(org.sup_net, closed_id)).abilities == ()
    await org.store.catalog.grant(None, "carla", "ticket.comment", granted=False)
    carla = await org.refresh("acme1")
    assert (await show(carla, open_id)).abilities == ()

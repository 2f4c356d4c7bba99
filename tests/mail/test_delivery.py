"""N1, N2 against a real SMTP server (aiosmtpd on 127.0.0.1): who receives what, in which
language; retries with back-off while the server is down; dead after the attempt limit; two
workers at once deliver each message exactly once; a worker killed mid-batch loses nothing and
resends only with the same Message-ID. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from helpdesk_tui.config import Settings
from helpdesk_tui.mail.delivery import SmtpServer as SmtpUrl
from helpdesk_tui.mail.delivery import deliver_due
from helpdesk_tui.store.errors import ValidationFailed
from helpdesk_tui.store import clock, open_store
from helpdesk_tui.store.bitacora import log_event
from helpdesk_tui.store.models import OutboxMessage
from helpdesk_tui.store.views import NewTicket
from tests.conftest import Org
from tests.mail.smtp_server import SmtpServer
from tests.store.helpers import new_ticket, ticket_in


async def outbox_rows(org: Org) -> list[OutboxMessage]:
    async with org.store.db.read() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def by_recipient(smtp: SmtpServer) -> dict[str, list]:
    out: dict[str, list] = {}
    for mail in smtp.received:
        out.setdefault(mail.to, []).append(mail)
    return out


async def test_each_event_kind_arrives_to_the_right_people(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org, tickets = mail_org, mail_org.store.tickets
    ticket_id = await new_ticket(org, subject="Sin wifi en la sala 3")
    number = f"HD-{ticket_id:06d}"
    await tickets.act(org.sup_net, ticket_id, "assign", to="ana")  # ana: assigned (en)
    await tickets.act(org.agent_net, ticket_id, "start")
    await tickets.act(org.agent_net, ticket_id, "wait", text="¿Qué portátil usa?")  # carla: waiting (es)
    await tickets.comment(org.acme1, ticket_id, "Un Lenovo.")  # nobody
    await tickets.comment(org.agent_net, ticket_id, "Probamos otro canal.")  # carla: comment
    await tickets.comment(org.agent_net, ticket_id, "la clienta no sabe nada", internal=True)  # nobody
    await tickets.act(org.agent_net, ticket_id, "resolve", text="Canal 11 configurado.")  # carla: resolved
    async with org.store.db.write() as session:
        await log_event(session, ticket_id, None, "close", clock.now(), data={"from": "resolved", "to": "closed", "reason": "silence"})
        await log_event(
            session, ticket_id, None, "sla_breached", clock.now(), visibility="internal",
            data={"timer": "resolution", "due_at": "2026-03-03T09:00:00+00:00", "supervisors": ["sara"]},
        )  # fmt: skip
    await tickets.act(org.sup_net, ticket_id, "reopen", text="Volvió a caerse")  # carla: reopened
    cancelled = await ticket_in(org, "assigned", subject="Pantalla rota")
    await tickets.act(org.sup_net, cancelled, "cancel", text="Se tramita por garantía")  # carla: cancelled

    report = await deliver_due(org.store, settings)
    assert report == {"sent": 9, "failed": 0, "dead": 0}
    got = by_recipient(smtp)
    assert set(got) == {"ana@example.test", "carla@example.test", "sara@example.test"}
    assert [m.subject for m in got["ana@example.test"]] == [
        f"[{number}] Assigned to you: Sin wifi en la sala 3",
        f"[HD-{cancelled:06d}] Assigned to you: Pantalla rota",
    ]
    carla = got["carla@example.test"]
    assert [m.subject for m in carla] == [
        f"[{number}] Esperando su respuesta: Sin wifi en la sala 3",
        f"[{number}] Nuevo comentario: Sin wifi en la sala 3",
        f"[{number}] Resuelto: Sin wifi en la sala 3",
        f"[{number}] Cerrado: Sin wifi en la sala 3",
        f"[{number}] Reabierto: Sin wifi en la sala 3",
        f"[HD-{cancelled:06d}] Cancelado: Pantalla rota",
    ]
    bodies = [m.body for m in carla]
    assert "¿Qué portátil usa?" in bodies[0] and "Estado:  En espera del cliente" in bodies[0]
    assert "Probamos otro canal." in bodies[1]
    assert "Canal 11 configurado." in bodies[2] and "Estado:  Resuelto" in bodies[2]
    assert "se cerró automáticamente" in bodies[3]
    assert "Volvió a caerse" in bodies[4]
    assert "Se tramita por garantía" in bodies[5] and "Estado:  Cancelado" in bodies[5]
    assert all("no sabe nada" not in m.body for m in smtp.received)
    (breach,) = got["sara@example.test"]
    assert breach.subject == f"[{number}] SLA incumplido (resolución): Sin wifi en la sala 3"
    assert "2026-03-03 09:00 UTC" in breach.body
    # Headers: sender, automatic, one thread per ticket, the Message-ID fixed at enqueue.
    stored = {r.message_id: r for r in await outbox_rows(org)}
    for mail in smtp.received:
        assert mail.message["Auto-Submitted"] == "auto-generated"
        assert mail.mail_from == "soporte@helpdesk.example"
        assert mail.message_id in stored and stored[mail.message_id].state == "sent"
    threads = {str(m.message["References"]) for m in carla[:5]}
    assert threads == {f"<hd-ticket{ticket_id}@helpdesk.example>"}
    assert carla[0].message["In-Reply-To"] == f"<hd-ticket{ticket_id}@helpdesk.example>"


async def test_contact_and_requester_each_get_one(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org = mail_org
    row = await org.store.tickets.create(
        org.sup_net, NewTicket(subject="VPN caída", description="x", account="Acme", contact="mario", area="Networks")
    )
    await org.store.tickets.act(org.sup_net, row.id, "take")
    await org.store.tickets.act(org.sup_net, row.id, "resolve", text="Túnel reiniciado")
    await deliver_due(org.store, settings)
    # sara is the requester and resolved it herself: only the contact hears of it.
    assert [(m.to, m.subject.split("] ")[1]) for m in smtp.received] == [("mario@example.test", "Resuelto: VPN caída")]


async def test_server_down_retries_with_growing_delays_then_arrives(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org = mail_org
    await ticket_in(org, "assigned")
    smtp.stop()
    start = clock.now()
    moment = start
    delays = []
    for attempt in range(1, 4):
        with clock.frozen_at(moment):
            assert await deliver_due(org.store, settings) == {"sent": 0, "failed": 1, "dead": 0}
            # Not due again at the same moment: nothing is claimed.
            assert await deliver_due(org.store, settings) == {"sent": 0, "failed": 0, "dead": 0}
        (row,) = await outbox_rows(org)
        assert (row.state, row.attempts, row.last_code) == ("failed", attempt, None)
        assert row.last_error  # the system's words, kept literally
        delays.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at
    assert delays == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    smtp.start()
    with clock.frozen_at(moment):
        assert await deliver_due(org.store, settings) == {"sent": 1, "failed": 0, "dead": 0}
    (row,) = await outbox_rows(org)
    assert row.state == "sent" and row.sent_at == moment
    assert [m.message_id for m in smtp.received] == [row.message_id]


async def test_dead_after_the_attempt_limit_and_alive_again_on_retry(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org = mail_org
    await ticket_in(org, "assigned")
    smtp.stop()
    moment = clock.now()
    for _ in range(settings.mail_max_attempts):
        with clock.frozen_at(moment):
            report = await deliver_due(org.store, settings)
        (row,) = await outbox_rows(org)
        moment = row.next_attempt_at
    assert report["dead"] == 1 and row.state == "dead" and row.attempts == settings.mail_max_attempts
    smtp.start()
    with clock.frozen_at(moment + timedelta(days=30)):
        assert await deliver_due(org.store, settings) == {"sent": 0, "failed": 0, "dead": 0}
        await org.store.outbox.retry(org.admin, row.id)
        assert (await deliver_due(org.store, settings))["sent"] == 1
    assert len(smtp.received) == 1


async def test_a_permanent_refusal_is_dead_at_once_with_the_servers_words(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org = mail_org
    smtp.handler.refuse["ana@example.test"] = "550 5.1.1 <ana@example.test>: [@click=app.quit] no such user"
    smtp.handler.refuse["sara@example.test"] = "452 4.2.2 mailbox full"
    await ticket_in(org, "assigned")  # ana
    other = await new_ticket(org)
    await org.store.tickets.act(org.admin, other, "assign", to="sara")
    await ticket_in(org, "cancelled")  # carla cancels her own: nobody
    report = await deliver_due(org.store, settings)
    assert report == {"sent": 0, "failed": 1, "dead": 1}
    by_address = {r.to_address: r for r in await outbox_rows(org)}
    ana, sara = by_address["ana@example.test"], by_address["sara@example.test"]
    assert (ana.state, ana.last_code) == ("dead", 550)
    assert ana.last_error == "5.1.1 <ana@example.test>: [@click=app.quit] no such user"
    assert (sara.state, sara.last_code, sara.last_error) == ("failed", 452, "4.2.2 mailbox full")


async def test_no_server_configured_leaves_messages_queued(mail_org: Org, settings: Settings) -> None:
    await ticket_in(mail_org, "assigned")
    assert await deliver_due(mail_org.store, replace(settings, smtp_url="")) == {"sent": 0, "failed": 0, "dead": 0}
    assert [r.state for r in await outbox_rows(mail_org)] == ["queued"]


def test_smtp_urls() -> None:
    plain = SmtpUrl.parse("smtp://mail.example:2525")
    assert (plain.host, plain.port, plain.use_tls, plain.start_tls, plain.username) == ("mail.example", 2525, False, False, None)
    tls = SmtpUrl.parse("smtp://us%40er:p%3Ass@mail.example?starttls=1")
    assert (tls.port, tls.start_tls, tls.username, tls.password) == (587, True, "us@er", "p:ss")
    implicit = SmtpUrl.parse("smtps://u:p@mail.example")
    assert (implicit.port, implicit.use_tls, implicit.start_tls) == (465, True, False)
    with pytest.raises(ValidationFailed) as refused:
        SmtpUrl.parse("http://user:secret@mail.example")
    assert "secret" not in refused.value.field_messages(None)["smtp"]
    with pytest.raises(ValidationFailed, match="port"):
        SmtpUrl.parse("smtp://mail.example:99999")


# ------------------------------------------------------------------ several workers


async def _many_messages(org: Org, n: int) -> None:
    for i in range(n):
        ticket_id = await new_ticket(org, subject=f"caso {i}")
        await org.store.tickets.act(org.sup_net, ticket_id, "assign", to="ana")


async def test_two_workers_at_once_deliver_each_message_exactly_once(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org = mail_org
    await _many_messages(org, 24)
    smtp.handler.delay = 0.01
    db = org.store.db
    second = await open_store(db.url, schema=db.schema, migrate=False)
    small = replace(settings, mail_batch=4)
    try:
        reports = await asyncio.gather(deliver_due(org.store, small), deliver_due(second, small))
    finally:
        await second.close()
    assert sum(r["sent"] for r in reports) == 24
    assert all(r["sent"] > 0 for r in reports), reports  # both took part
    ids = Counter(m.message_id for m in smtp.received)
    assert len(ids) == 24 and set(ids.values()) == {1}
    assert {r.state for r in await outbox_rows(org)} == {"sent"}


def _worker(org: Org, smtp: SmtpServer, batch: int, seconds: float) -> subprocess.Popen[str]:
    db = org.store.db
    return subprocess.Popen(
        [sys.executable, "-m", "tests.mail.deliver_loop", db.url, db.schema or "", smtp.url, str(batch), str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip


async def _until(condition, seconds: float) -> None:
    """Poll (bounded) for something another process does; never a timed assertion."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_two_worker_processes_deliver_each_message_exactly_once(mail_org: Org, smtp: SmtpServer) -> None:
    org = mail_org
    await _many_messages(org, 20)
    smtp.handler.delay = 0.02
    workers = [_worker(org, smtp, 3, 60) for _ in range(2)]
    try:
        await _until(lambda: len(smtp.received) >= 20, 60)
        rows = await outbox_rows(org)
    finally:
        for proc in workers:
            proc.kill()
            proc.communicate(timeout=30)
    ids = Counter(m.message_id for m in smtp.received)
    assert len(ids) == 20 and set(ids.values()) == {1}
    assert {r.message_id for r in rows} == set(ids)


def _helpdesk_worker(org: Org, smtp: SmtpServer, tmp_path: Path) -> subprocess.Popen[str]:
    """The real `helpdesk worker` (SQLite: the command line has no PostgreSQL schema option)."""
    config = tmp_path / "worker.toml"
    config.write_text(
        f'smtp = "{smtp.url}"\nmail_from = "soporte@helpdesk.example"\n'
        "[mail]\nsmtp_timeout = 5\nbatch = 12\nlease = 60\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    command = Path(sys.executable).with_name("helpdesk")
    return subprocess.Popen(
        [str(command), "--config", str(config), "--db", org.store.db.url, "worker", "--interval", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


async def test_a_worker_killed_mid_batch_loses_nothing(
    mail_org: Org, smtp: SmtpServer, settings: Settings, backend: str, tmp_path: Path
) -> None:
    org = mail_org
    await _many_messages(org, 12)
    smtp.handler.delay = 0.4  # slow: the kill lands while the batch is being handed over
    proc = _helpdesk_worker(org, smtp, tmp_path) if backend == "sqlite" else _worker(org, smtp, 12, 60)
    try:
        await _until(lambda: len(smtp.received) >= 3, 60)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    delivered_before = len(smtp.received)
    assert delivered_before < 12
    states = Counter(r.state for r in await outbox_rows(org))
    assert states["sending"] > 0  # left behind, leased to the dead worker
    unsent = 12 - states["sent"]
    smtp.handler.delay = 0
    # Nothing is due until the dead worker's lease runs out; then another worker takes over.
    assert (await deliver_due(org.store, settings))["sent"] == 0
    with clock.frozen_at(clock.now() + timedelta(seconds=settings.mail_lease + 1)):
        report = await deliver_due(org.store, settings)
    rows = await outbox_rows(org)
    assert {r.state for r in rows} == {"sent"}
    assert report["sent"] == unsent
    ids = Counter(m.message_id for m in smtp.received)
    assert set(ids) == {r.message_id for r in rows}  # every message arrived
    # Anything received twice was the message the worker was handing over when it died, and
    # carries the same Message-ID both times (so a mail client shows it once).
    assert sum(n - 1 for n in ids.values()) <= 1  # at most the one in flight at the kill
    per_recipient_subject = Counter((m.to, m.subject) for m in smtp.received)
    for (to, subject), n in per_recipient_subject.items():
        if n > 1:
            assert len({m.message_id for m in smtp.received if (m.to, m.subject) == (to, subject)}) == 1


async def test_a_malformed_address_is_dead_with_a_clear_reason(mail_org: Org, smtp: SmtpServer, settings: Settings) -> None:
    org = mail_org
    async with org.store.db.write() as session:
        from sqlalchemy import update

        from helpdesk_tui.store.models import User

        await session.execute(update(User).where(User.username == "ana").values(email="ana-at-example"))
    await ticket_in(org, "assigned")
    assert await deliver_due(org.store, settings) == {"sent": 0, "failed": 0, "dead": 1}
    (row,) = await outbox_rows(org)
    assert row.state == "dead" and "not an e-mail address: ana-at-example" in row.last_error
    assert smtp.received == []


async def test_a_strange_sender_never_breaks_the_change(mail_org: Org) -> None:
    mail_org.store.outbox.configure(lang="en", mail_from="Soporte <soporte@exa mple.com>\r\nBcc: z")
    first = await ticket_in(mail_org, "assigned")
    mail_org.store.outbox.configure(lang="en", mail_from="x@" + "y" * 300)
    second = await ticket_in(mail_org, "assigned")
    one, two = await outbox_rows(mail_org)
    assert (one.ticket_id, two.ticket_id) == (first, second)
    assert one.message_id.endswith("@localhost>") and len(two.message_id) < 200

"""SLA benchmark: due-time recomputation for a ticket with 1,000 events, and the automation's
scans (breaches, silence) over 10k / 100k / 1M tickets.

    .venv/bin/python bench/bench_sla.py [--sizes 10k,100k,1M] [--backend sqlite|postgresql|both]
        [--repeat 15] [--fresh 200] [--pg-url URL]

1. Recompute: one ticket is created through the store, then 1,000 bitácora events (comments of
   both sides, internal notes, wait/resume pairs, priority changes) are added in bulk; the
   figure is `TicketStore._refresh_sla` — read the history, replay it on the calendar, write
   the due times — in its own write transaction (median ms), beside the pure `compute_clock`
   replay of the same events.
2. Scans: tickets are seeded in bulk (SQLite: `sqlite3` executemany into a file in /tmp with
   the secondary indexes and FTS triggers dropped and recreated; PostgreSQL: asyncpg COPY into
   schema `hd_bench_sla_<pid>`, dropped at the end). 65 % closed or cancelled, 10 % resolved
   (silent for less than a day), 25 % running: a fifth of these already breached and
   notified, the rest due in the future. Measured through the store: a steady-state pass of
   `run_automation` (nothing new), `notify_breaches` alone, `act_on_silence` alone, and one
   pass that meets `--fresh` new breaches (ms, and ms per breach).

Figures only; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpdesk_tui.store import Store, clock, open_store  # noqa: E402
from helpdesk_tui.store.views import NewTicket  # noqa: E402

PG_URL = os.environ.get("HELPDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 3, 18, 15, 0, tzinfo=timezone.utc)  # Wednesday 10:00 in Bogotá
UTC = timezone.utc


def size_of(text: str) -> int:
    text = text.strip().lower()
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


async def timed(work: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    """Median and minimum in ms after one warm-up, and the last result."""
    result = await work()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), result


async def build_org(store: Store) -> dict[str, int]:
    cat = store.catalog
    await cat.add_area(None, "Redes", categories=["Wifi"])
    await cat.add_user(None, "jefa", role="supervisor", areas=["Redes"])
    await cat.add_user(None, "tecnico", role="agent", areas=["Redes"])
    await cat.add_account(None, "Acme")
    await cat.add_user(None, "cliente", role="customer", accounts=["Acme"])
    from sqlalchemy import text

    async with store.db.engine.connect() as conn:
        users = dict((await conn.execute(text("SELECT username, id FROM users"))).all())
        area = (await conn.execute(text("SELECT id FROM areas"))).scalar()
        account = (await conn.execute(text("SELECT id FROM accounts"))).scalar()
    return {**users, "area": area, "account": account}


# ============================================================== 1,000 events, one ticket


def history(ids: dict[str, int], ticket_id: int, start: datetime, count: int) -> list[tuple[Any, ...]]:
    """Events after assign + start: the ticket is in progress at the end."""
    rng = random.Random(7)
    rows = []
    at = start
    status = "in_progress"
    priorities = ["normal", "high", "urgent", "normal", "low"]
    priority = "normal"
    while len(rows) < count:
        at += timedelta(minutes=rng.randint(5, 90))
        roll = rng.random()
        if status == "waiting" and roll < 0.5:
            rows.append((ticket_id, at, ids["cliente"], "comment", "public", "Aquí está.", "{}"))
            rows.append((ticket_id, at, None, "resume", "public", "",
                         '{"from": "waiting", "to": "in_progress", "reason": "the requester answered"}'))
            status = "in_progress"
        elif status == "in_progress" and roll < 0.15:
            rows.append((ticket_id, at, ids["tecnico"], "wait", "public", "¿Puede probar?",
                         '{"from": "in_progress", "to": "waiting"}'))
            status = "waiting"
        elif roll < 0.2:
            new = priorities[(priorities.index(priority) + 1) % len(priorities)]
            rows.append((ticket_id, at, ids["jefa"], "recategorised", "public", "",
                         f'{{"changes": {{"priority": ["{priority}", "{new}"]}}}}'))
            priority = new
        elif roll < 0.6:
            rows.append((ticket_id, at, ids["tecnico"], "comment", "internal", "Revisando.", "{}"))
        else:
            rows.append((ticket_id, at, ids["cliente"], "comment", "public", "¿Novedades?", "{}"))
    if status == "waiting":
        rows.append((ticket_id, at, ids["tecnico"], "resume", "public", "",
                     '{"from": "waiting", "to": "in_progress"}'))
    return rows[:count] if status == "in_progress" else rows


async def bench_recompute(store: Store, ids: dict[str, int], repeat: int, events: int = 1000) -> dict[str, float]:
    from sqlalchemy import func, select, text

    from helpdesk_tui.store.calendar import DEFAULT_CALENDAR
    from helpdesk_tui.store.models import Event
    from helpdesk_tui.store.sla import DEFAULT_POLICY, SlaEvent, compute_clock

    created = NOW - timedelta(days=60)
    with clock.frozen_at(created):
        customer = await store.catalog.actor("cliente")
        row = await store.tickets.create(customer, NewTicket(subject="Lenta", description="La red", area="Redes"))
        await store.tickets.act(await store.catalog.actor("jefa"), row.id, "assign", to="tecnico")
        await store.tickets.act(await store.catalog.actor("tecnico"), row.id, "start")
    async with store.db.read() as session:
        have = await session.scalar(select(func.count()).select_from(Event).where(Event.ticket_id == row.id))
    rows = history(ids, row.id, created, events - have)
    async with store.db.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO events (ticket_id, at, actor_id, kind, visibility, text, data) "
                 "VALUES (:t, :at, :a, :k, :v, :x, :d)"),
            [dict(t=t, at=at if store.db.dialect == "postgresql" else at.replace(tzinfo=None).isoformat(" "),
                  a=a, k=k, v=v, x=x, d=d) for t, at, a, k, v, x, d in rows],
        )  # fmt: skip
    async with store.db.read() as session:
        total = await session.scalar(select(func.count()).select_from(Event).where(Event.ticket_id == row.id))

    async def refresh() -> None:
        async with store.db.write() as session:
            await store.tickets._refresh_sla(session, row.id, NOW)

    refresh_ms, refresh_min, _ = await timed(refresh, repeat)
    async with store.db.read() as session:
        clock_now = await store.tickets._sla_clock(session, row.id, NOW)
    detail = await store.tickets.show(await store.catalog.actor("jefa"), row.id)
    replay = [SlaEvent(e.at, e.kind, e.actor, e.visibility, e.data) for e in detail.events]
    staff = {"jefa", "tecnico"}

    async def pure() -> None:
        compute_clock(replay, policy=DEFAULT_POLICY, calendar=DEFAULT_CALENDAR, now=NOW, staff=staff)

    pure_ms, pure_min, _ = await timed(pure, repeat)
    show_ms, _, _ = await timed(lambda: store.tickets.show(customer, row.id), max(3, repeat // 3))
    intervals = len(clock_now.resolution.intervals)
    return {"events": total, "refresh_ms": refresh_ms, "refresh_min_ms": refresh_min,
            "replay_ms": pure_ms, "replay_min_ms": pure_min, "show_ms": show_ms,
            "intervals": intervals}  # fmt: skip


# ============================================================== many tickets, the scans

COLUMNS = (
    "id", "subject", "description", "status", "lifecycle", "type", "impact", "priority",
    "prio_rank", "origin", "account_id", "requester_id", "assignee_id", "area_id",
    "created_at", "updated_at", "resolved_at", "closed_at", "first_response_at",
    "response_due_at", "resolution_due_at", "response_breach_due_at",
    "resolution_breach_due_at", "silence_since", "version",
)  # fmt: skip


def tickets(ids: dict[str, int], n: int, first_id: int, seed: int = 11):
    """Ticket rows as tuples in COLUMNS order (aware datetimes)."""
    rng = random.Random(seed)
    for offset in range(n):
        ticket_id = first_id + offset
        created = NOW - timedelta(minutes=rng.randint(60, 60 * 24 * 400))
        roll = rng.random()
        response_due = resolution_due = response_mark = resolution_mark = None
        resolved = closed = None
        first_response = created + timedelta(minutes=30)
        silence = created
        if roll < 0.65:
            status = "closed" if roll < 0.6 else "cancelled"
            closed = created + timedelta(days=2)
            silence = closed
        elif roll < 0.75:
            status = "resolved"
            resolved = NOW - timedelta(minutes=rng.randint(1, 60 * 20))  # silent < 1 day
            silence = resolved
        else:
            status = rng.choice(["assigned", "in_progress", "in_progress", "new"])
            first_response = None if status == "new" else first_response
            if rng.random() < 0.2:  # breached long ago and already notified
                resolution_due = NOW - timedelta(hours=rng.randint(1, 2000))
                resolution_mark = resolution_due
                if first_response is None:
                    response_due = response_mark = resolution_due - timedelta(hours=8)
            else:
                resolution_due = NOW + timedelta(minutes=rng.randint(1, 60 * 24 * 10))
                if first_response is None:
                    response_due = NOW + timedelta(minutes=rng.randint(1, 600))
        yield (
            ticket_id, f"Caso {ticket_id}", "Generado para la medición", status, "standard",
            "incident", "medium", "normal", 2, "email", ids["account"], ids["cliente"],
            ids["tecnico"], ids["area"], created, max(created, silence), resolved, closed,
            first_response, response_due, resolution_due, response_mark, resolution_mark,
            silence, 1,
        )  # fmt: skip


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value


def seed_sqlite(path: Path, ids: dict[str, int], n: int) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    first = (con.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()[0]) + 1
    kept = con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'tickets' "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    for kind, name, _sql in kept:
        con.execute(f'DROP {kind.upper()} "{name}"')
    marks = ",".join("?" * len(COLUMNS))
    sql = f"INSERT INTO tickets ({', '.join(COLUMNS)}) VALUES ({marks})"
    batch: list[tuple[Any, ...]] = []
    for row in tickets(ids, n, first):
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) == 50_000:
            con.executemany(sql, batch)
            batch.clear()
    if batch:
        con.executemany(sql, batch)
    for _kind, _name, ddl in kept:
        con.execute(ddl)
    con.execute("INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')")
    con.commit()
    con.execute("ANALYZE")
    con.close()


async def seed_postgresql(url: str, schema: str, ids: dict[str, int], n: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        first = (await conn.fetchval(f'SELECT COALESCE(MAX(id), 0) FROM "{schema}".tickets')) + 1
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 "
            "AND tablename = 'tickets' AND indexname NOT LIKE '%pkey'", schema,
        )  # fmt: skip
        for row in indexes:
            await conn.execute(f'DROP INDEX "{schema}"."{row["indexname"]}"')
        rows = tickets(ids, n, first)
        while chunk := list(itertools.islice(rows, 100_000)):
            await conn.copy_records_to_table("tickets", records=chunk, columns=list(COLUMNS), schema_name=schema)
        for row in indexes:
            await conn.execute(row["indexdef"])
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{schema}\".tickets', 'id'), {first + n})")
        await conn.execute(f'ANALYZE "{schema}".tickets')
    finally:
        await conn.close()


async def bench_scans(store: Store, repeat: int, fresh: int) -> dict[str, float]:
    from sqlalchemy import text

    from helpdesk_tui.store.automation import act_on_silence, notify_breaches, run_automation

    steady_ms, steady_min, report = await timed(lambda: _at(run_automation(store)), repeat)
    breach_ms, _, _ = await timed(lambda: _at(notify_breaches(store, NOW)), repeat)
    silence_ms, _, _ = await timed(lambda: _at(act_on_silence(store, NOW)), repeat)
    async with store.db.engine.begin() as conn:
        chosen = [
            r[0] for r in (await conn.execute(text(
                "SELECT id FROM tickets WHERE resolution_breach_due_at IS NOT NULL "
                f"ORDER BY id LIMIT {fresh}"))).all()
        ]  # fmt: skip
        if chosen:
            await conn.execute(text(
                "UPDATE tickets SET resolution_breach_due_at = NULL WHERE id IN "
                f"({','.join(map(str, chosen))})"))  # fmt: skip
    start = time.perf_counter()
    notified = await _at(notify_breaches(store, NOW))
    fresh_ms = (time.perf_counter() - start) * 1000
    plan = await explain(store)
    return {"steady_ms": steady_ms, "steady_min_ms": steady_min, "steady_report": report,
            "breach_scan_ms": breach_ms, "silence_scan_ms": silence_ms, "fresh": notified,
            "fresh_ms": fresh_ms, "per_breach_ms": fresh_ms / max(1, notified), "plan": plan}  # fmt: skip


async def _at(work: Awaitable[Any]) -> Any:
    with clock.frozen_at(NOW):
        return await work


async def explain(store: Store) -> str:
    from sqlalchemy import select

    from helpdesk_tui.store.automation import _unnotified
    from helpdesk_tui.store.models import Ticket

    from helpdesk_tui.store.automation import silence_candidates

    breach = (
        select(Ticket.id, Ticket.resolution_due_at, Ticket.area_id)
        .where(_unnotified("resolution"), Ticket.resolution_due_at < NOW)
        .order_by(Ticket.resolution_due_at, Ticket.id)
        .limit(500)
    )
    silence = silence_candidates("resolved", NOW - timedelta(days=3), None, 500)
    plans = []
    for stmt in (breach, silence):
        async with store.db.engine.connect() as conn:
            compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
            prefix = "EXPLAIN QUERY PLAN " if store.db.dialect == "sqlite" else "EXPLAIN ANALYZE "
            rows = (await conn.exec_driver_sql(prefix + str(compiled), _params(store, compiled))).all()
        plans.append(" | ".join(str(r[-1]).strip() for r in rows))
    return "\n           ".join(plans)


def _params(store: Store, compiled: Any) -> Any:
    values = [compiled.params[name] for name in compiled.positiontup] if compiled.positiontup else []
    values = [_sqlite_value(v) if store.db.dialect == "sqlite" else v for v in values]
    return tuple(values)


# ================================================================================== main


async def run_backend(backend: str, sizes: list[int], repeat: int, fresh: int, pg_url: str) -> list[str]:
    lines = []
    folder = Path(tempfile.mkdtemp(prefix="hd_bench_sla_", dir="/tmp"))
    schema = f"hd_bench_sla_{os.getpid()}"
    try:
        if backend == "sqlite":
            path = folder / "bench.db"
            store = await open_store(str(path), attachments_dir=folder / "files")
        else:
            await _drop_schema(pg_url, schema)
            store = await open_store(pg_url, schema=schema, attachments_dir=folder / "files")
        ids = await build_org(store)
        recompute = await bench_recompute(store, ids, repeat)
        lines.append(
            f"{backend:10} recompute, ticket with {recompute['events']} events "
            f"({recompute['intervals']} clock intervals): _refresh_sla {recompute['refresh_ms']:.1f} ms "
            f"(min {recompute['refresh_min_ms']:.1f}); pure replay {recompute['replay_ms']:.1f} ms; "
            f"show {recompute['show_ms']:.1f} ms"
        )
        print(lines[-1], flush=True)
        seeded = 0
        for size in sizes:
            await store.close()
            started = time.perf_counter()
            if backend == "sqlite":
                seed_sqlite(path, ids, size - seeded)
                store = await open_store(str(path), attachments_dir=folder / "files", migrate=False)
            else:
                await seed_postgresql(pg_url, schema, ids, size - seeded)
                store = await open_store(pg_url, schema=schema, attachments_dir=folder / "files", migrate=False)
            seeded = size
            seed_s = time.perf_counter() - started
            scans = await bench_scans(store, repeat, fresh)
            lines.append(
                f"{backend:10} {size:>9,} tickets (seeded in {seed_s:.0f} s): steady pass "
                f"{scans['steady_ms']:.1f} ms (min {scans['steady_min_ms']:.1f}; breach scan "
                f"{scans['breach_scan_ms']:.1f}, silence scan {scans['silence_scan_ms']:.1f}); "
                f"{scans['fresh']} new breaches in {scans['fresh_ms']:.0f} ms "
                f"({scans['per_breach_ms']:.2f} ms each)"
            )
            print(lines[-1], flush=True)
            print(f"{'':10} plan: {scans['plan']}", flush=True)
        await store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if backend == "postgresql":
            await _drop_schema(pg_url, schema)
    return lines


async def _drop_schema(url: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--fresh", type=int, default=200, help="new breaches in the measured pass")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    sizes = sorted(size_of(s) for s in args.sizes.split(","))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    lines = []
    for backend in backends:
        lines += asyncio.run(run_backend(backend, sizes, args.repeat, args.fresh, args.pg_url))
    print("\nSummary")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()

"""Survey figures (issue 5): results over many invitations, and what the invitation hook adds
to accepting a resolution. Figures only, no assertions.

    .venv/bin/python bench/bench_surveys.py                      # SQLite, 10k and 100k surveys
    .venv/bin/python bench/bench_surveys.py --sizes 10k --repeat 20
    .venv/bin/python bench/bench_surveys.py --backend postgresql  # $HELPDESK_BENCH_PG or --pg-url

For each size it seeds, in bulk, that many closed tickets each with an invitation (70 % answered
with a 1–5 score, a third of those with a comment) spread over twelve months, four areas and
twelve agents; then it measures, through the store's API, the median of `--repeat` runs of
`results()` as the admin, as one area's supervisor, filtered by agent and by one month,
`responses()` (the CSV export) and a customer's `pending()`. Last, on a fresh set of resolved
tickets, the median time of `act(accept)` with the hook (an invitation each, throttling off)
and without it (hook removed), and of `answer()`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sys

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from helpdesk_tui.store import open_store  # noqa: E402
from helpdesk_tui.store.models import SurveyAnswer, SurveyInvitation, Ticket  # noqa: E402
from helpdesk_tui.store.surveys import DEFAULT_FORM, ResultsFilter, invite_on_commit  # noqa: E402
from helpdesk_tui.store.views import NewTicket  # noqa: E402

AREAS = ("Redes", "Mesa de ayuda", "Aplicaciones", "Infraestructura")
START = datetime(2025, 3, 1, tzinfo=timezone.utc)


def size(text_value: str) -> int:
    text_value = text_value.strip().lower()
    return int(float(text_value[:-1]) * 1000) if text_value.endswith("k") else int(text_value)


async def seed(store, count: int, rng: random.Random) -> None:  # noqa: ANN001
    cat = store.catalog
    for area in AREAS:
        await cat.add_area(None, area, categories=["General"])
    await cat.add_user(None, "admin", role="admin")
    await cat.add_user(None, "sup", role="supervisor", areas=[AREAS[0]])
    agents = []
    for index in range(12):
        name = f"agent{index:02d}"
        await cat.add_user(None, name, role="agent", areas=[AREAS[index % 4]])
        agents.append(name)
    await cat.add_account(None, "Acme")
    customers = []
    for index in range(200):
        name = f"cust{index:03d}"
        await cat.add_user(None, name, role="customer", accounts=["Acme"])
        customers.append(name)
    ids = {}
    async with store.db.read() as session:
        for username, user_id in (await session.execute(text("SELECT username, id FROM users"))).all():
            ids[username] = user_id
        areas = dict((await session.execute(text("SELECT name, id FROM areas"))).all())
        account = (await session.execute(text("SELECT id FROM accounts"))).scalar()
    form = DEFAULT_FORM.to_json()
    batch = 5000
    for first in range(0, count, batch):
        tickets, invitations, answers = [], [], []
        for number in range(first + 1, min(count, first + batch) + 1):
            at = START + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            agent = agents[number % len(agents)]
            area_id = areas[AREAS[agents.index(agent) % 4]]
            requester = ids[customers[number % len(customers)]]
            tickets.append({
                "id": number, "subject": f"Caso {number}", "description": "d", "status": "closed",
                "lifecycle": "standard", "type": "incident", "impact": "medium", "priority": "normal",
                "prio_rank": 2, "origin": "cli", "account_id": account, "requester_id": requester,
                "assignee_id": ids[agent], "area_id": area_id, "created_at": at, "updated_at": at,
                "closed_at": at, "version": 5,
            })  # fmt: skip
            answered = at + timedelta(hours=5) if rng.random() < 0.7 else None
            score = rng.choice((1, 2, 3, 4, 4, 5, 5, 5)) if answered else None
            invitations.append({
                "id": number, "ticket_id": number, "template_id": None, "user_id": requester,
                "agent_id": ids[agent], "area_id": area_id, "trigger": "accept", "form": form,
                "created_at": at, "expires_at": at + timedelta(days=14), "answered_at": answered,
                "score_sum": score, "score_count": 1 if answered else 0,
            })  # fmt: skip
            if answered:
                answers.append({"invitation_id": number, "question": "q1", "kind": "scale", "score": score})
                if rng.random() < 0.33:
                    answers.append({"invitation_id": number, "question": "q2", "kind": "text", "text": "Comentario"})
        async with store.db.write() as session:
            await session.execute(insert(Ticket), tickets)
            await session.execute(insert(SurveyInvitation), invitations)
            await session.execute(insert(SurveyAnswer), answers)
    if store.db.dialect == "postgresql":
        async with store.db.engine.begin() as conn:
            await conn.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))"))
            await conn.execute(text("SELECT setval(pg_get_serial_sequence('survey_invitations', 'id'), (SELECT max(id) FROM survey_invitations))"))
            await conn.execute(text("ANALYZE"))
    else:
        async with store.db.engine.begin() as conn:
            await conn.execute(text("ANALYZE"))


async def median_ms(work, repeat: int) -> tuple[float, float]:  # noqa: ANN001
    for _ in range(2):
        await work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1 if len(times) > 1 else 0]


async def accept_figures(store, repeat: int) -> dict[str, float]:  # noqa: ANN001
    await store.surveys.set_throttle_days(None, 0)
    cat = store.catalog
    carla = await cat.actor("cust000")
    agent = await cat.actor("agent00")
    admin = await cat.actor("admin")

    async def resolved() -> int:
        row = await store.tickets.create(carla, NewTicket(subject="Bench", description="d", area=AREAS[0]))
        await store.tickets.act(admin, row.id, "assign", to="agent00")
        await store.tickets.act(agent, row.id, "start")
        await store.tickets.act(agent, row.id, "resolve", text="ok")
        return row.id

    with_hook, without_hook, answering = [], [], []
    for _ in range(repeat):
        ticket_id = await resolved()
        started = time.perf_counter()
        await store.tickets.act(carla, ticket_id, "accept")
        with_hook.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        await store.surveys.answer(carla, ticket_id, {"q1": 5})
        answering.append((time.perf_counter() - started) * 1000)
    store.db.before_commit.remove(invite_on_commit)
    try:
        for _ in range(repeat):
            ticket_id = await resolved()
            started = time.perf_counter()
            await store.tickets.act(carla, ticket_id, "accept")
            without_hook.append((time.perf_counter() - started) * 1000)
    finally:
        store.db.before_commit.insert(0, invite_on_commit)
    return {
        "accept with the hook": statistics.median(with_hook),
        "accept without the hook": statistics.median(without_hook),
        "answer": statistics.median(answering),
    }


async def run(backend: str, count: int, repeat: int, pg_url: str) -> None:
    rng = random.Random(5)
    folder = tempfile.mkdtemp(prefix="hd-bench-surveys-")
    schema = ""
    if backend == "sqlite":
        store = await open_store(os.path.join(folder, "bench.db"), attachments_dir=Path(folder) / "files")
    else:
        schema = f"hd_bench_surveys_{count}"
        conn = await asyncpg.connect(pg_url.replace("+asyncpg", ""))
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
        store = await open_store(pg_url, schema=schema, attachments_dir=Path(folder) / "files")
    try:
        started = time.perf_counter()
        await seed(store, count, rng)
        print(f"\n{backend}, {count:,} surveys (seeded in {time.perf_counter() - started:.1f} s)")
        admin = await store.catalog.actor("admin")
        sup = await store.catalog.actor("sup")
        customer = await store.catalog.actor("cust007")
        month = ResultsFilter(since=datetime(2025, 6, 1, tzinfo=timezone.utc), until=datetime(2025, 7, 1, tzinfo=timezone.utc))
        cases = [
            ("results, admin (everything)", lambda: store.surveys.results(admin)),
            ("results, supervisor (one area)", lambda: store.surveys.results(sup)),
            ("results, admin, one agent", lambda: store.surveys.results(admin, ResultsFilter(agent="agent03"))),
            ("results, admin, one month", lambda: store.surveys.results(admin, month)),
            ("responses (CSV rows), one month", lambda: store.surveys.responses(admin, month)),
            ("pending, a customer", lambda: store.surveys.pending(customer)),
        ]
        for name, work in cases:
            median, p90 = await median_ms(work, repeat)
            print(f"  {name:<34} median {median:8.1f} ms   p90 {p90:8.1f} ms")
        for name, value in (await accept_figures(store, repeat)).items():
            print(f"  {name:<34} median {value:8.1f} ms")
    finally:
        await store.close()
        shutil.rmtree(folder, ignore_errors=True)
        if backend == "postgresql":
            conn = await asyncpg.connect(pg_url.replace("+asyncpg", ""))
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("HELPDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    for count in (size(s) for s in args.sizes.split(",")):
        asyncio.run(run(args.backend, count, args.repeat, args.pg_url))


if __name__ == "__main__":
    main()

"""Store benchmark: seed 10k / 100k / 1M tickets quickly, then time the store's public API.

    .venv/bin/python bench/bench_store.py [--sizes 10k,100k,1M] [--backend sqlite|postgresql]
        [--repeat 30] [--creates 300] [--keep DIR] [--reuse] [--explain] [--no-analyze]

For every size one subprocess seeds the database and another measures it, so the peak memory
printed is the measuring process's own (ru_maxrss), not the seeder's nor an earlier size's.
Figures only: nothing here asserts on time (STYLE.md, "bench/").
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

SEED_VERSION = 2  # bump when the generated data changes, so --reuse reseeds
PG_URL = os.environ.get("HELPDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_SIZES = "10k,100k,1M"

AIM_PAGE_MS = 30.0  # first queue page, text page and counts
AIM_SHOW_MS = 20.0
AIM_CREATES_PER_S = 300.0

# ============================================================ the organisation (store API)

AREAS: dict[str, list[str]] = {
    "Soporte técnico": ["Impresoras", "Equipos", "Periféricos", "Software"],
    "Redes": ["Wifi", "VPN", "Cableado", "Telefonía"],
    "Aplicaciones": ["ERP", "Nóminas", "Correo", "Portal web"],
    "Accesos": ["Contraseñas", "Permisos", "Altas y bajas"],
    "Infraestructura": ["Servidores", "Copias de seguridad", "Almacenamiento"],
    "Facturación": ["Facturas", "Pagos", "Contratos"],
}
AREA_WEIGHTS = (35, 20, 15, 12, 10, 5)
QUEUE_AREA = "Soporte técnico"  # the busiest area: the worst case for the queue page

SUPERVISORS = {
    "sup_soporte": ["Soporte técnico", "Redes"],  # the measured supervisor
    "sup_apps": ["Aplicaciones"],
    "sup_accesos": ["Accesos", "Infraestructura"],
    "sup_facturacion": ["Facturación"],
}
AGENT_AREAS = [  # 16 agents; every fourth also helps in a second area
    ["Soporte técnico"], ["Soporte técnico"], ["Soporte técnico"], ["Soporte técnico", "Redes"],
    ["Soporte técnico"], ["Redes"], ["Redes"], ["Redes", "Infraestructura"],
    ["Aplicaciones"], ["Aplicaciones"], ["Aplicaciones"], ["Aplicaciones", "Facturación"],
    ["Accesos"], ["Accesos"], ["Infraestructura"], ["Facturación", "Accesos"],
]  # fmt: skip
ACCOUNTS = [
    "Ferretería Núñez", "Clínica San Martín", "Transportes del Valle", "Colegio Montaña",
    "Hotel Mirador", "Panadería La Espiga", "Constructora Peñalver", "Bufete Peña y Asociados",
    "Lentes y Visión", "Farmacia Central", "Agroindustrias del Sur", "Logística Andina",
    "Seguros Atlántico", "Editorial Cóndor", "Laboratorio BioAndes", "Muebles Roble",
    "Cooperativa El Trigal", "Textiles Lumière", "Energía Solar Sol", "Municipalidad de Prado",
    "Acme Ibérica", "Globex Andina", "Initech Latam", "Café Tostadero", "Gimnasio Atlas",
]  # fmt: skip
ENVIRONMENTS = ["Producción", "Pruebas"]
SERVICES = ["ERP", "Correo", "Web", "Telefonía"]
CUSTOMERS = 200
ADMIN = "bench_admin"
SUPERVISOR = "sup_soporte"


async def build_org(store: Any) -> None:
    """The catalog and the people, through the store's own API (as an administrator would)."""
    catalog = store.catalog
    for name, categories in AREAS.items():
        await catalog.add_area(None, name, categories=categories)
    await catalog.add_user(None, ADMIN, role="admin", name="Bench Admin")
    for username, areas in SUPERVISORS.items():
        await catalog.add_user(None, username, role="supervisor", name=username, areas=areas)
    for index, areas in enumerate(AGENT_AREAS, 1):
        await catalog.add_user(None, f"agent{index:02d}", role="agent", areas=areas)
    for index, name in enumerate(ACCOUNTS):
        await catalog.add_account(
            None, name,
            primary_agent=f"agent{index % 5 + 1:02d}" if index % 3 == 0 else None,
            environments=ENVIRONMENTS[: 1 + index % 2], services=SERVICES[: 1 + index % 4],
        )  # fmt: skip
    for index in range(CUSTOMERS):
        role = "user" if index % 20 == 19 else "customer"
        account = ACCOUNTS[index % len(ACCOUNTS)]
        await catalog.add_user(None, f"cust{index + 1:03d}", role=role, accounts=[account])


@dataclass
class AccountIds:
    id: int
    name: str
    customers: list[int]
    environments: list[int]
    services: list[int]
    primary_agent: tuple[int, str] | None


@dataclass
class OrgIds:
    """The ids the seeder needs, read back once the store has created the organisation."""

    areas: list[tuple[int, str]]  # in AREAS order
    categories: dict[int, list[int]]
    workers: dict[int, list[tuple[int, str]]]  # area -> agents (twice) and supervisors (once)
    supervisors: dict[int, list[int]]
    accounts: list[AccountIds]
    staff: list[tuple[int, str]]
    admin_id: int


async def read_org(store: Any) -> OrgIds:
    from sqlalchemy import text

    async with store.db.engine.connect() as conn:

        async def rows(sql: str) -> list[Any]:
            return list((await conn.execute(text(sql))).all())

        area_ids = {name: id_ for id_, name in await rows("SELECT id, name FROM areas")}
        users = {id_: (name, role) for id_, name, role in await rows("SELECT id, username, role FROM users")}
        members = await rows("SELECT area_id, user_id FROM area_members ORDER BY user_id")
        account_rows = await rows("SELECT id, name, primary_agent_id FROM accounts ORDER BY id")
        customers = await rows("SELECT account_id, user_id FROM account_members ORDER BY user_id")
        envs = await rows("SELECT account_id, id FROM environments ORDER BY id")
        services = await rows("SELECT account_id, id FROM services ORDER BY id")
        categories = await rows("SELECT area_id, id FROM categories ORDER BY id")

    def grouped(pairs: list[Any]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for key, value in pairs:
            out.setdefault(key, []).append(value)
        return out

    workers: dict[int, list[tuple[int, str]]] = {}
    supervisors: dict[int, list[int]] = {}
    for area_id, user_id in members:
        name, role = users[user_id]
        copies = 1 if role == "supervisor" else 2  # supervisors take fewer tickets
        workers.setdefault(area_id, []).extend([(user_id, name)] * copies)
        if role == "supervisor":
            supervisors.setdefault(area_id, []).append(user_id)
    by_account, env_of, svc_of = grouped(customers), grouped(envs), grouped(services)
    accounts = [
        AccountIds(
            id_, name, by_account.get(id_, []), env_of.get(id_, []), svc_of.get(id_, []),
            (agent, users[agent][0]) if agent else None,
        )  # fmt: skip
        for id_, name, agent in account_rows
    ]
    staff = [(id_, name) for id_, (name, role) in users.items() if role in ("agent", "supervisor")]
    admin_id = next(id_ for id_, (name, _) in users.items() if name == ADMIN)
    return OrgIds(
        [(area_ids[name], name) for name in AREAS], grouped(categories), workers, supervisors,
        accounts, sorted(staff), admin_id,
    )  # fmt: skip


# ============================================================ tickets and events (generated)

YEARS = 3
RECENT_DAYS = 120  # most open work is younger than this; a few forgotten tickets are older
STATUS_RECENT = {
    "new": 8, "assigned": 12, "in_progress": 25, "waiting": 12, "resolved": 13, "closed": 25,
    "cancelled": 5,
}  # fmt: skip
STATUS_OLD = {
    "closed": 90, "cancelled": 6, "resolved": 1, "in_progress": 1.2, "waiting": 0.8,
    "assigned": 0.5, "new": 0.5,
}  # fmt: skip
PRIORITY_WEIGHTS = {"urgent": 3, "high": 15, "normal": 60, "low": 22}
PRIORITY_IMPACT = {"urgent": "high", "high": "high", "normal": "medium", "low": "low"}
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
RESOLUTION_HOURS = {"urgent": 4, "high": 24, "normal": 72, "low": 120}
TYPE_WEIGHTS = {"incident": 45, "request": 30, "question": 15, "problem": 7, "improvement": 3}
ORIGIN_WEIGHTS = {"email": 40, "console": 30, "web": 20, "phone": 10}
NO_AREA_SHARE = 0.03
ON_BEHALF_SHARE = 0.15
STRAY_ASSIGNEE_SHARE = 0.002  # assigned outside the ticket's area (recategorised later)

# The paths tickets took to reach their state, as bitácora kinds (about five per ticket).
PATHS = {
    "new": ("created",),
    "assigned": ("created", "assign"),
    "in_progress": ("created", "assign", "start", "comment"),
    "waiting": ("created", "assign", "start", "comment", "wait"),
    "resolved": ("created", "assign", "start", "comment", "resolve"),
    "closed": ("created", "assign", "start", "comment", "resolve", "accept"),
    "cancelled": ("created", "cancel"),
}
WORKED = frozenset({"assigned", "in_progress", "waiting", "resolved", "closed"})

# Free text: "error" is common (about a third of the tickets), "plóter" is rare (0.1 %).
COMMON_WORD = "error"
RARE_WORD = "ploter"  # typed without its accent: the search folds diacritics
RARE_THING = "el plóter"
RARE_SHARE = 0.001
SUBJECT_OPENERS = [
    "No funciona", "Error en", "Falla de", "Problema con", "Lentitud en", "Solicitud de",
    "Configuración de", "Bloqueo de", "Cannot use", "Issue with", "Request for",
    "Actualización de",
]  # fmt: skip
SUBJECT_THINGS = {
    "la impresora": 8, "el correo electrónico": 8, "la contraseña": 7, "la VPN": 6, "la wifi": 6,
    "el portátil": 6, "el teléfono IP": 4, "la aplicación de nóminas": 4,
    "la facturación electrónica": 4, "la base de datos": 3, "el servidor de archivos": 3,
    "el escáner": 3, "la pantalla": 3, "el teclado": 2, "el acceso remoto": 4,
    "la sesión de Windows": 3, "el certificado digital": 2, "la licencia de Office": 3,
    "la unidad compartida": 3, "la cámara de la sala": 2, "the laptop": 2, "the shared drive": 2,
    "the mailbox": 2,
}  # fmt: skip
SUBJECT_PLACES = [
    "", "", "", "en recepción", "de la sala 3", "en el almacén", "del área de compras",
    "in the main office", "en la sucursal norte", "de dirección", "en la planta 2",
    "del turno de noche",
]  # fmt: skip
DESCRIPTION_SENTENCES = [
    "Desde esta mañana no responde.", "El usuario indica que ya reinició el equipo.",
    "Aparece un mensaje de error al abrirlo.", "Afecta a todo el departamento.",
    "Sucede sólo por la tarde.", "Se necesita con urgencia para el cierre del mes.",
    "It stopped working after the last update.", "Adjunto captura de pantalla.",
    "No hay conexión desde la red de invitados.", "La contraseña caducó y no puedo cambiarla.",
    "El técnico anterior no dejó notas.", "Please call me back before noon.",
    "Cuando imprimo sale en blanco.", "Muestra el código de error 0x80070005.",
    "Funciona en otro equipo.", "Pedimos acceso para la nueva compañera de recepción.",
]  # fmt: skip
COMMENTS = [
    "Revisado en remoto, sigo investigando.", "He pedido el repuesto al proveedor.",
    "Nota interna: el cliente tiene contrato básico.", "Se reinstaló el controlador.",
    "Checked the logs, nothing obvious yet.", "Escalado a segundo nivel.",
    "Se reprodujo el error en el laboratorio.",
]  # fmt: skip
QUESTIONS = ["¿Desde cuándo falla?", "¿Puede enviar una captura?", "Which laptop model is it?"]
RESOLUTIONS = [
    "Reiniciado el servicio de impresión.", "Contraseña restablecida.", "Se cambió el cable.",
    "Licencia reasignada.", "Driver updated, working again.", "Se amplió la cuota del buzón.",
]  # fmt: skip

TICKET_COLUMNS = (
    "id", "subject", "description", "status", "lifecycle", "type", "impact", "priority",
    "prio_rank", "origin", "account_id", "requester_id", "contact_id", "assignee_id", "area_id",
    "category_id", "environment_id", "service_id", "resolution", "created_at", "updated_at",
    "resolved_at", "closed_at", "first_response_at", "response_due_at", "resolution_due_at",
    "version",
)  # fmt: skip
EVENT_COLUMNS = ("id", "ticket_id", "at", "actor_id", "kind", "visibility", "text", "data")


class Weighted:
    """A fast weighted choice (the seeder makes millions of them)."""

    def __init__(self, weights: dict[str, float] | Sequence[tuple[Any, float]]) -> None:
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.values = [value for value, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


@lru_cache(maxsize=4096)
def _json(pairs: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(dict(pairs))


@dataclass
class Saga:
    """The ticket shown by the benchmark: 50 events spread over its long life, their ids
    interleaved with everybody else's as they would be in a real bitácora."""

    ticket_id: int
    pending: list[tuple[Any, ...]] = field(default_factory=list)


class Seeder:
    """Deterministic tickets and events, in chunks of rows ready for executemany or COPY."""

    def __init__(self, org: OrgIds, n: int, now: datetime, stamp: Callable[[float], Any]) -> None:
        self.org, self.n, self.stamp = org, n, stamp
        self.rng = random.Random(20261124 + n)
        self.now = now.timestamp()
        self.start = self.now - YEARS * 365 * 86400
        self.recent = self.now - RECENT_DAYS * 86400
        self.status_recent, self.status_old = Weighted(STATUS_RECENT), Weighted(STATUS_OLD)
        self.priority, self.type, self.origin = (
            Weighted(PRIORITY_WEIGHTS), Weighted(TYPE_WEIGHTS), Weighted(ORIGIN_WEIGHTS),
        )  # fmt: skip
        self.area = Weighted(list(zip(org.areas, AREA_WEIGHTS, strict=True)))
        self.thing = Weighted(SUBJECT_THINGS)
        self.saga = Saga(ticket_id=n // 2 + 1)
        self.events = 0

    def chunks(self, size: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        for first in range(0, self.n, size):
            tickets, events = [], []
            created = self.start
            for index in range(first, min(self.n, first + size)):
                ticket_id = index + 1
                created = self.start + (index + self.rng.random()) * (self.now - self.start) / self.n
                if ticket_id == self.saga.ticket_id:
                    row, saga_events = self._saga_ticket(ticket_id, created)
                    events.append(self._numbered(saga_events[0]))
                    self.saga.pending = saga_events[1:]
                else:
                    row, ticket_events = self._ticket(ticket_id, created)
                    events.extend(self._numbered(e) for e in ticket_events)
                tickets.append(row)
            while self.saga.pending and self.saga.pending[0][1] <= created:
                events.append(self._numbered(self.saga.pending.pop(0)))
            yield tickets, events
        tail = [self._numbered(e) for e in self.saga.pending]
        self.saga.pending = []
        if tail:
            yield [], tail

    def _numbered(self, event: tuple[Any, ...]) -> tuple[Any, ...]:
        self.events += 1
        ticket_id, at, *rest = event
        return (self.events, ticket_id, self.stamp(at), *rest)

    def _later(self, moment: float) -> float:
        gap = min(max(self.rng.expovariate(1 / 21600), 60.0), 3 * 86400)
        return min(moment + gap, self.now - 1)

    def _subject(self) -> str:
        rng = self.rng
        thing = RARE_THING if rng.random() < RARE_SHARE else self.thing.pick(rng)
        place = rng.choice(SUBJECT_PLACES)
        return f"{rng.choice(SUBJECT_OPENERS)} {thing} {place}".strip()

    def _description(self) -> str:
        rng = self.rng
        sentences = rng.sample(DESCRIPTION_SENTENCES, rng.randint(1, 3))
        if rng.random() < 0.05:
            sentences.append("Sale un error al iniciar sesión.")
        if rng.random() < 0.5:
            sentences.append(f"Equipo PC-{rng.randint(1000, 9999)}.")
        return " ".join(sentences)

    def _assignee(self, area: int | None, account: AccountIds) -> tuple[int, str]:
        rng = self.rng
        if account.primary_agent and rng.random() < 0.5:
            return account.primary_agent
        if area is None or rng.random() < STRAY_ASSIGNEE_SHARE:
            return rng.choice(self.org.staff)
        return rng.choice(self.org.workers[area])

    def _ticket(self, ticket_id: int, created: float) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        rng = self.rng
        status = (self.status_recent if created >= self.recent else self.status_old).pick(rng)
        area = None if rng.random() < NO_AREA_SHARE else self.area.pick(rng)[0]
        if area is None and status in ("assigned", "in_progress", "waiting"):
            status = "new"  # unsorted tickets wait in the supervisors' queues
        account = rng.choice(self.org.accounts)
        customer = rng.choice(account.customers)
        on_behalf = rng.random() < ON_BEHALF_SHARE
        requester = rng.choice(self.org.staff)[0] if on_behalf else customer
        priority = self.priority.pick(rng)
        assignee = self._assignee(area, account) if status in WORKED else None
        supervisor = rng.choice(self.org.supervisors.get(area, [self.org.admin_id]))
        path = PATHS[status]
        if status == "closed" and rng.random() < 0.4:
            path = tuple(kind for kind in path if kind != "comment")
        origin = self.origin.pick(rng)

        events, moments = [], {}
        moment = created
        for step, kind in enumerate(path):
            if step:
                moment = self._later(moment)
            moments[kind] = moment
            events.append(
                self._event(ticket_id, kind, moment, requester, assignee, supervisor, origin, priority)
            )
        stamp = self.stamp
        resolution = rng.choice(RESOLUTIONS) if "resolve" in moments else None
        responded = moments.get("comment", moments.get("resolve"))
        closed = moments.get("accept", moments.get("cancel"))
        row = (
            ticket_id, self._subject(), self._description(), status, "standard",
            self.type.pick(rng), PRIORITY_IMPACT[priority], priority, PRIORITY_RANK[priority],
            origin, account.id, requester, customer if on_behalf else None,
            assignee[0] if assignee else None, area,
            rng.choice(self.org.categories[area]) if area and rng.random() < 0.8 else None,
            rng.choice(account.environments) if account.environments and rng.random() < 0.5 else None,
            rng.choice(account.services) if account.services and rng.random() < 0.5 else None,
            resolution, stamp(created), stamp(moment),
            stamp(moments["resolve"]) if "resolve" in moments else None,
            stamp(closed) if closed else None,
            stamp(responded) if responded else None,
            stamp(created + 4 * 3600) if area else None,
            stamp(created + RESOLUTION_HOURS[priority] * 3600) if area else None,
            len(path),
        )  # fmt: skip
        return row, events

    def _event(
        self,
        ticket_id: int,
        kind: str,
        at: float,
        requester: int,
        assignee: tuple[int, str] | None,
        supervisor: int,
        origin: str,
        priority: str,
    ) -> tuple[Any, ...]:
        """(ticket_id, at, actor_id, kind, visibility, text, data) of one bitácora entry."""
        rng = self.rng
        worker = assignee[0] if assignee else supervisor
        actor, text, visibility, data = worker, "", "public", ()
        if kind == "created":
            actor, data = requester, (("origin", origin), ("priority", priority))
        elif kind == "assign":
            name = assignee[1] if assignee else "?"
            data = (("from", "new"), ("to", "assigned"), ("assignee", name))
            actor = supervisor
        elif kind == "start":
            data = (("from", "assigned"), ("to", "in_progress"))
        elif kind == "comment":
            text = rng.choice(COMMENTS)
            visibility = "internal" if text.startswith("Nota interna") or rng.random() < 0.2 else "public"
        elif kind == "wait":
            text, data = rng.choice(QUESTIONS), (("from", "in_progress"), ("to", "waiting"))
        elif kind == "resume":
            actor, data = None, (("from", "waiting"), ("to", "in_progress"))
        elif kind == "resolve":
            text, data = rng.choice(RESOLUTIONS), (("from", "in_progress"), ("to", "resolved"))
        elif kind == "accept":
            actor, data = requester, (("from", "resolved"), ("to", "closed"))
        elif kind == "cancel":
            actor, text = requester, "Abierto por error."
            data = (("from", "new"), ("to", "cancelled"))
        return (ticket_id, at, actor, kind, visibility, text, _json(data))

    def _saga_ticket(self, ticket_id: int, created: float) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        """An in-progress ticket of the queue's area with exactly 50 events."""
        area = self.org.areas[0][0]
        account = self.org.accounts[1]  # no primary agent: routed by the supervisor
        requester = account.customers[0]
        assignee = next(w for w in self.org.workers[area] if w[0] not in self.org.supervisors[area])
        supervisor = self.org.supervisors[area][0]
        kinds = ["created", "assign", "start"]
        for k in range(47):
            kinds.append({4: "wait", 5: "resume"}.get(k % 10, "comment"))
        assert len(kinds) == 50 and kinds.count("wait") == kinds.count("resume")
        step = (self.now - 86400 - created) / 50
        events = [
            self._event(ticket_id, kind, created + i * step, requester, assignee, supervisor, "email", "normal")
            for i, kind in enumerate(kinds)
        ]
        last = created + 49 * step
        stamp = self.stamp
        row = (
            ticket_id, "Lentitud en el ERP: la saga (ticket con 50 eventos)",
            "Desde la migración el ERP tarda minutos en abrir cada pantalla. Equipo PC-0042.",
            "in_progress", "standard", "problem", "medium", "normal", PRIORITY_RANK["normal"],
            "email", account.id, requester, None, assignee[0], area, self.org.categories[area][0],
            None, None, None, stamp(created), stamp(last), None, None, stamp(created + step),
            stamp(created + 4 * 3600), stamp(created + 72 * 3600), 51,
        )  # fmt: skip
        return row, events


# ============================================================ loading: SQLite and PostgreSQL

CHUNK = 20_000
TICKET_COUNTS_SQL = (
    "INSERT INTO ticket_counts (area_id, account_id, status, n) "
    "SELECT coalesce(area_id, 0), account_id, status, count(*) FROM tickets "
    "GROUP BY coalesce(area_id, 0), account_id, status"
)
COUNTS_CHECK_SQL = (
    "SELECT t.status, t.n, c.n FROM (SELECT status, count(*) AS n FROM tickets GROUP BY status) t "
    "LEFT JOIN (SELECT status, sum(n) AS n FROM ticket_counts GROUP BY status) c "
    "ON c.status = t.status"
)


class Phases:
    """Wall time of each seeding phase, printed as it goes."""

    def __init__(self, label: str) -> None:
        self.label, self.times, self.started = label, {}, time.perf_counter()
        self._mark = self.started

    def done(self, phase: str) -> None:
        now = time.perf_counter()
        self.times[phase] = round(now - self._mark, 2)
        self._mark = now
        print(f"  [{self.label}] {phase}: {self.times[phase]:.1f} s", flush=True)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 2)


def sqlite_stamp(seconds: float) -> str:
    # The text SQLAlchemy's DateTime stores on SQLite: naive UTC with six decimals.
    return (_NAIVE_EPOCH + timedelta(seconds=seconds)).isoformat(" ", "microseconds")


def pg_stamp(seconds: float) -> datetime:
    return _AWARE_EPOCH + timedelta(seconds=seconds)


_NAIVE_EPOCH = datetime(1970, 1, 1)
_AWARE_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def check_counts(rows: list[Any]) -> None:
    wrong = [tuple(r) for r in rows if r[1] != r[2]]
    if wrong:
        raise SystemExit(f"ticket_counts out of step with tickets: {wrong}")


def load_sqlite(path: Path, seeder: Seeder, phases: Phases, *, analyze: bool) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    # A throwaway load: no journal, no fsync. The file goes back to WAL at the end.
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-262144")
    con.execute("PRAGMA temp_store=MEMORY")
    # Secondary indexes and the FTS triggers are dropped for the load and recreated from their
    # own stored SQL, so they stay exactly what the migrations made.
    saved = con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('tickets', 'events') "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type = 'trigger', name"
    ).fetchall()
    for kind, name, _ in saved:
        con.execute(f'DROP {kind.upper()} "{name}"')
    ticket_sql = f"INSERT INTO tickets ({', '.join(TICKET_COLUMNS)}) VALUES ({', '.join('?' * len(TICKET_COLUMNS))})"
    event_sql = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
    con.execute("BEGIN")
    for tickets, events in seeder.chunks(CHUNK):
        con.executemany(ticket_sql, tickets)
        con.executemany(event_sql, events)
    con.execute("COMMIT")
    phases.done(f"generate + insert {seeder.n:,} tickets, {seeder.events:,} events")
    con.execute("INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')")
    phases.done("FTS5 rebuild")
    for kind, _, sql in saved:
        con.execute(sql)
    phases.done(f"recreate {len(saved)} indexes and triggers")
    con.execute("BEGIN")
    con.execute("DELETE FROM ticket_counts")
    con.execute(TICKET_COUNTS_SQL)
    con.execute("COMMIT")
    check_counts(con.execute(COUNTS_CHECK_SQL).fetchall())
    phases.done("ticket_counts")
    if analyze:
        con.execute("ANALYZE")
        phases.done("ANALYZE")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()


async def load_postgres(dsn: str, schema: str, seeder: Seeder, phases: Phases, *, analyze: bool) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'SET search_path TO "{schema}", public')
        await conn.execute("SET maintenance_work_mem = '512MB'")
        try:  # skip the per-row foreign-key triggers during COPY (needs a superuser)
            await conn.execute("SET session_replication_role = replica")
        except asyncpg.PostgresError:
            print("  (not a superuser: foreign keys are checked during the load)")
        saved = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 "
            "AND tablename IN ('tickets', 'events') AND indexname NOT LIKE '%pkey'",
            schema,
        )
        for row in saved:
            await conn.execute(f'DROP INDEX "{schema}"."{row["indexname"]}"')
        for tickets, events in seeder.chunks(CHUNK):
            if tickets:
                await conn.copy_records_to_table("tickets", records=tickets, columns=TICKET_COLUMNS, schema_name=schema)
            await conn.copy_records_to_table("events", records=events, columns=EVENT_COLUMNS, schema_name=schema)
        phases.done(f"generate + COPY {seeder.n:,} tickets, {seeder.events:,} events")
        for row in saved:
            await conn.execute(row["indexdef"])
        phases.done(f"recreate {len(saved)} indexes (GIN search included)")
        for table in ("tickets", "events"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{schema}\".{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        await conn.execute("DELETE FROM ticket_counts")
        await conn.execute(TICKET_COUNTS_SQL)
        check_counts(await conn.fetch(COUNTS_CHECK_SQL))
        phases.done("ticket_counts")
        if analyze:
            await conn.execute("ANALYZE")
            phases.done("ANALYZE")
    finally:
        await conn.close()


# ============================================================ targets

@dataclass(frozen=True)
class Target:
    """Where one size lives: a SQLite file or a PostgreSQL schema."""

    backend: str
    size: int
    workdir: Path
    pg_url: str = PG_URL

    @property
    def path(self) -> Path:
        return self.workdir / f"bench_{self.size}.db"

    @property
    def schema(self) -> str:
        return f"hd_bench_{self.size}"

    @property
    def url(self) -> str:
        return str(self.path) if self.backend == "sqlite" else self.pg_url

    @property
    def store_schema(self) -> str | None:
        return None if self.backend == "sqlite" else self.schema

    @property
    def attachments(self) -> Path:
        return self.workdir / f"attachments_{self.backend}_{self.size}"

    async def open(self, *, migrate: bool = True) -> Any:
        from helpdesk_tui.store import open_store

        return await open_store(
            self.url, schema=self.store_schema, attachments_dir=self.attachments, migrate=migrate
        )

    async def drop(self) -> None:
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            import asyncpg

            conn = await asyncpg.connect(self.pg_url)
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            finally:
                await conn.close()
        shutil.rmtree(self.attachments, ignore_errors=True)

    async def seeded_marker(self) -> dict[str, Any] | None:
        if self.backend == "sqlite" and not self.path.exists():
            return None
        try:
            store = await self.open(migrate=False)
        except Exception:
            return None
        try:
            value = await store.catalog.setting("bench_seed")
        except Exception:
            return None
        finally:
            await store.close()
        return json.loads(value) if value else None


def marker_for(size: int, analyze: bool) -> dict[str, Any]:
    return {"size": size, "seed_version": SEED_VERSION, "analyze": analyze}


async def seed(target: Target, *, analyze: bool) -> dict[str, Any]:
    from helpdesk_tui.store import clock

    phases = Phases(f"{target.backend} {target.size:,}")
    await target.drop()
    store = await target.open()
    await build_org(store)
    org = await read_org(store)
    await store.close()
    phases.done("schema + organisation through the store API")
    stamp = sqlite_stamp if target.backend == "sqlite" else pg_stamp
    seeder = Seeder(org, target.size, clock.now(), stamp)
    if target.backend == "sqlite":
        load_sqlite(target.path, seeder, phases, analyze=analyze)
    else:
        await load_postgres(target.pg_url, target.schema, seeder, phases, analyze=analyze)
    marker = {
        **marker_for(target.size, analyze), "saga_id": seeder.saga.ticket_id,
        "tickets": target.size, "events": seeder.events,
    }  # fmt: skip
    store = await target.open(migrate=False)
    await store.catalog.set_setting("bench_seed", json.dumps(marker))
    await store.close()
    size_mb = target.path.stat().st_size / 2**20 if target.backend == "sqlite" else None
    return {"seconds": phases.total, "phases": phases.times, "events": seeder.events,
            "db_mb": size_mb, "peak_mb": peak_mb()}  # fmt: skip


# ============================================================ measuring

def queue_query(area: str) -> str:
    # "-prio,created": most urgent first, then oldest first (the store's DEFAULT_SORT).
    return f'status:in_progress area:"{area}" sort:-prio,created'


TEXT_FILTER = "is:open"


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class StatementLog:
    """The SQL (and its parameters) the store sends while `capture` is on."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.capturing = False
        self.items: list[tuple[str, Any]] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if self.capturing and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.items.append((statement, parameters))

    async def capture(self, op: Callable[[], Awaitable[Any]]) -> list[tuple[str, Any]]:
        self.items, self.capturing = [], True
        try:
            await op()
        finally:
            self.capturing = False
        return self.items


async def explain(store: Any, statement: str, parameters: Any) -> list[str]:
    async with store.db.engine.connect() as conn:
        if store.db.dialect == "sqlite":
            rows = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * depth[node] + detail)
            return lines
        rows = (await conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)).all()
        return ["  " + row[0] for row in rows]


@dataclass
class Timing:
    median_ms: float
    p90_ms: float
    min_ms: float
    rows: int


async def timed(op: Callable[[], Awaitable[Any]], repeat: int, warmup: int = 2) -> Timing:
    result = None
    for _ in range(warmup):
        result = await op()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await op()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return Timing(
        round(statistics.median(samples), 2), round(samples[int(0.9 * (len(samples) - 1))], 2),
        round(samples[0], 2), _rows(result),
    )  # fmt: skip


def _rows(result: Any) -> int:
    if hasattr(result, "rows"):
        return len(result.rows)
    if hasattr(result, "events"):
        return len(result.events)
    if isinstance(result, dict):
        return sum(result.values())
    return 0


def new_tickets(count: int) -> list[Any]:
    from helpdesk_tui.store.views import NewTicket

    rng = random.Random(7)
    areas = list(AREAS.items())
    out = []
    for i in range(count):
        area, categories = areas[i % len(areas)]
        account_index = rng.randrange(len(ACCOUNTS))
        customers = [c for c in range(CUSTOMERS) if c % len(ACCOUNTS) == account_index]
        out.append(
            NewTicket(
                subject=f"{rng.choice(SUBJECT_OPENERS)} {rng.choice(list(SUBJECT_THINGS))} (bench {i})",
                description=" ".join(rng.sample(DESCRIPTION_SENTENCES, 2)),
                account=ACCOUNTS[account_index], contact=f"cust{rng.choice(customers) + 1:03d}",
                area=area, category=rng.choice(categories),
                type=rng.choice(list(TYPE_WEIGHTS)), impact=rng.choice(["high", "medium", "low"]),
            )  # fmt: skip
        )
    return out


async def measure(target: Target, *, repeat: int, creates: int, show_plans: bool, keep: bool) -> dict[str, Any]:
    store = await target.open()
    marker = json.loads(await store.catalog.setting("bench_seed") or "{}")
    admin = await store.catalog.actor(ADMIN)
    sup = await store.catalog.actor(SUPERVISOR)
    log = StatementLog(store.db.engine)
    tickets = store.tickets
    queue = queue_query(QUEUE_AREA)
    rare, common = f"{TEXT_FILTER} {RARE_WORD}", f"{TEXT_FILTER} {COMMON_WORD}"
    first_page = await tickets.page(admin, queue, limit=50)
    memory = {"after_open": peak_mb()}
    load_before = os.getloadavg()[0]
    reads: dict[str, Callable[[], Awaitable[Any]]] = {
        "page_admin": lambda: tickets.page(admin, queue, limit=50),
        "page_supervisor": lambda: tickets.page(sup, queue, limit=50),
        "page2_admin": lambda: tickets.page(admin, queue, after=first_page.next_cursor, limit=50),
        "counts_admin": lambda: tickets.count_by_status(admin),
        "counts_supervisor": lambda: tickets.count_by_status(sup),
        "counts_area_filter_admin": lambda: tickets.count_by_status(admin, f'area:"{QUEUE_AREA}"'),
        "text_rare_admin": lambda: tickets.page(admin, rare, limit=50),
        "text_common_admin": lambda: tickets.page(admin, common, limit=50),
        "text_rare_supervisor": lambda: tickets.page(sup, rare, limit=50),
        "text_common_supervisor": lambda: tickets.page(sup, common, limit=50),
        "show50_admin": lambda: tickets.show(admin, marker["saga_id"]),
        "show50_supervisor": lambda: tickets.show(sup, marker["saga_id"]),
    }
    timings = {name: await timed(op, repeat) for name, op in reads.items()}
    memory["after_reads"] = peak_mb()
    plans: dict[str, list[tuple[str, list[str]]]] = {}
    if show_plans:
        for name in ("page_admin", "page_supervisor", "counts_supervisor", "text_rare_admin",
                     "text_common_admin", "show50_admin"):  # fmt: skip
            statements = await log.capture(reads[name])
            plans[name] = [(sql, await explain(store, sql, params)) for sql, params in statements]
    create_ms, create_seconds = await time_creates(store, admin, creates)
    if keep:
        await forget_created(store, marker["tickets"])
    await store.close()
    return {
        "timings": {name: vars(t) for name, t in timings.items()},
        "create_median_ms": create_ms,
        "creates_per_s": round(creates / create_seconds, 1) if creates else None,
        "peak_mb": peak_mb(),
        "memory": memory,
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "plans": plans,
        "queries": {"queue": queue, "text_rare": rare, "text_common": common},
    }


async def time_creates(store: Any, admin: Any, count: int) -> tuple[float | None, float]:
    drafts = new_tickets(count)
    await store.tickets.create(admin, drafts[0])  # warm-up (not counted)
    samples = []
    started = time.perf_counter()
    for draft in drafts:
        t0 = time.perf_counter()
        await store.tickets.create(admin, draft)
        samples.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    return (round(statistics.median(samples), 2) if samples else None), total


async def forget_created(store: Any, seeded: int) -> None:
    """Take the benchmark's own creations out again, so a kept database stays as seeded."""
    from sqlalchemy import text

    async with store.db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM events WHERE ticket_id > :n"), {"n": seeded})
        await conn.execute(text("DELETE FROM tickets WHERE id > :n"), {"n": seeded})
        await conn.execute(text("DELETE FROM ticket_counts"))
        await conn.execute(text(TICKET_COUNTS_SQL))


# ============================================================ orchestration and report

def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        factor = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        sizes.append(int(float(part.rstrip("km")) * factor))
    return sizes


def run_worker(args: argparse.Namespace, role: str, size: int, workdir: Path) -> dict[str, Any]:
    """Run one seeding or measuring step in a fresh interpreter; its JSON result back."""
    result = workdir / f"{role}_{args.backend}_{size}.json"
    result.unlink(missing_ok=True)
    command = [
        sys.executable, __file__, "--worker", role, "--sizes", str(size), "--backend", args.backend,
        "--repeat", str(args.repeat), "--creates", str(args.creates), "--workdir", str(workdir),
        "--result", str(result), "--pg-url", args.pg_url,
    ]  # fmt: skip
    for flag in ("explain", "no_analyze", "keep_db"):
        if getattr(args, flag):
            command.append("--" + flag.replace("_", "-"))
    subprocess.run(command, check=True)
    return json.loads(result.read_text())


def worker_main(args: argparse.Namespace) -> None:
    target = Target(args.backend, parse_sizes(args.sizes)[0], Path(args.workdir), args.pg_url)
    if args.worker == "seed":
        out = asyncio.run(seed(target, analyze=not args.no_analyze))
    elif args.worker == "marker":
        out = {"marker": asyncio.run(target.seeded_marker())}
    else:
        out = asyncio.run(
            measure(target, repeat=args.repeat, creates=args.creates, show_plans=args.explain,
                    keep=args.keep_db)  # fmt: skip
        )
    Path(args.result).write_text(json.dumps(out, default=str))


def bench_one(args: argparse.Namespace, size: int, workdir: Path) -> dict[str, Any]:
    target = Target(args.backend, size, workdir, args.pg_url)
    seeded = None
    if args.reuse:
        marker = run_worker(args, "marker", size, workdir)["marker"] or {}
        wanted = marker_for(size, not args.no_analyze)
        if all(marker.get(k) == v for k, v in wanted.items()):
            print(f"== {args.backend} {size:,}: reusing the seeded database", flush=True)
            seeded = {"seconds": None, "reused": True, "events": marker.get("events")}
    if seeded is None:
        print(f"== {args.backend} {size:,}: seeding", flush=True)
        seeded = run_worker(args, "seed", size, workdir)
        print(f"   seeded in {seeded['seconds']:.1f} s (seeder peak {seeded['peak_mb']:.0f} MB)", flush=True)
    print(f"== {args.backend} {size:,}: measuring", flush=True)
    measured = run_worker(args, "measure", size, workdir)
    if not args.keep_db:
        asyncio.run(target.drop())
    return {"size": size, "backend": args.backend, "seed": seeded, **measured}


def fmt_ms(value: float | None, aim: float) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" + ("!" if value > aim else "")


def report(results: list[dict[str, Any]]) -> str:
    head = ("size", "page adm", "page sup", "counts adm", "counts sup", "text rare/common",
            "show 50", "creates/s", "peak MB")  # fmt: skip
    lines = []
    for r in results:
        t = {name: v["median_ms"] for name, v in r["timings"].items()}
        rate = r["creates_per_s"]
        lines.append((
            f"{r['size']:,}", fmt_ms(t["page_admin"], AIM_PAGE_MS),
            fmt_ms(t["page_supervisor"], AIM_PAGE_MS), fmt_ms(t["counts_admin"], AIM_PAGE_MS),
            fmt_ms(t["counts_supervisor"], AIM_PAGE_MS),
            f"{fmt_ms(t['text_rare_admin'], AIM_PAGE_MS)} / {fmt_ms(t['text_common_admin'], AIM_PAGE_MS)}",
            fmt_ms(t["show50_admin"], AIM_SHOW_MS),
            "-" if rate is None else f"{rate:.0f}" + ("!" if rate < AIM_CREATES_PER_S else ""),
            f"{r['peak_mb']:.0f}",
        ))  # fmt: skip
    widths = [max(len(str(row[i])) for row in [head, *lines]) for i in range(len(head))]
    table = [" | ".join(str(cell).rjust(w) for cell, w in zip(row, widths, strict=True)) for row in [head, *lines]]
    table.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(table)


def details(r: dict[str, Any]) -> str:
    seed_s = r["seed"].get("seconds")
    lines = [
        f"-- {r['backend']} {r['size']:,} tickets, {r['seed'].get('events') or 0:,} events; "
        + ("seed reused" if seed_s is None else f"seeded in {seed_s:.1f} s, seeder peak {r['seed']['peak_mb']:.0f} MB")
        + (f", file {r['seed']['db_mb']:.0f} MB" if r["seed"].get("db_mb") else ""),
        f"   queue: {r['queries']['queue']!r}  text: {r['queries']['text_rare']!r} / {r['queries']['text_common']!r}",
        f"   {'measure':<26} {'median':>8} {'p90':>8} {'min':>8} {'rows':>8}",
    ]  # fmt: skip
    for name, t in r["timings"].items():
        lines.append(
            f"   {name:<26} {t['median_ms']:>8.2f} {t['p90_ms']:>8.2f} {t['min_ms']:>8.2f} {t['rows']:>8}"
        )
    memory = r.get("memory", {})
    lines.append(
        f"   peak memory (ru_maxrss): {memory.get('after_open', 0):.0f} MB after opening and the "
        f"first page, {memory.get('after_reads', 0):.0f} MB after the reads, {r['peak_mb']:.0f} MB at the end"
    )
    if r.get("load"):
        lines.append(
            f"   1-min load average while measuring: {r['load'][0]:.2f} -> {r['load'][1]:.2f} "
            f"on {os.cpu_count()} CPUs (other work on the machine skews the figures)"
        )
    if r["create_median_ms"] is not None:
        lines.append(f"   {'create (one ticket)':<26} {r['create_median_ms']:>8.2f}   -> {r['creates_per_s']:.0f} creates/s")
    for name, statements in r.get("plans", {}).items():
        lines.append(f"   plan of {name}:")
        for sql, plan in statements:
            lines.append("     " + " ".join(sql.split())[:160] + ("…" if len(sql) > 160 else ""))
            lines.extend("     " + line for line in plan)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma list; k and M suffixes allowed")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per figure (after 2 warm-ups)")
    parser.add_argument("--creates", type=int, default=300, help="tickets created through the store")
    parser.add_argument("--keep", metavar="DIR", help="keep the databases (SQLite files) in DIR")
    parser.add_argument("--reuse", action="store_true", help="with --keep: reuse a database seeded earlier")
    parser.add_argument("--explain", action="store_true", help="print the plans of the measured queries")
    parser.add_argument("--no-analyze", action="store_true", help="seed without ANALYZE (no planner statistics)")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--worker", choices=("seed", "measure", "marker"), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--keep-db", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep DIR")
    args.keep_db = bool(args.keep)
    workdir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="hd-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in parse_sizes(args.sizes):
            results.append(bench_one(args, size, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    for r in results:
        print(details(r))
    print()
    print(f"{args.backend}: medians in ms over {args.repeat} runs; peak MB = measuring process "
          f"ru_maxrss. Aims: pages/counts < {AIM_PAGE_MS:.0f} ms, show < {AIM_SHOW_MS:.0f} ms, "
          f">= {AIM_CREATES_PER_S:.0f} creates/s ('!' marks a miss).")  # fmt: skip
    print(report(results))
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = OUT_DIR / f"store-{args.backend}-{stamp}.json"
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    main()

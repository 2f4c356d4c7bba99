"""Demo data for the five-stage lifecycle (seed 003): Andina Logística — the client with the
two-reporter limit of seed 003 — works on Abierto -> Análisis -> Solución -> Pruebas ->
Cerrada from now on, with one case in each open stage. `load_demo` calls `add_five_stage_demo`
after the standard cases, so Andina's older cases keep the standard lifecycle they began with.

Every step is a real store call by the proper person with the clock frozen at a believable
moment, like the rest of the demo.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import update

from helpdesk_tui.store import clock
from helpdesk_tui.store.models import Account
from helpdesk_tui.store.views import NewTicket

ACCOUNT = "Andina Logística"
AREA = "Redes"
BOGOTA = timezone(timedelta(hours=-5))
ITEMS = ("identification", "validation", "structure", "alarm_type")


@dataclass(frozen=True)
class StageCase:
    subject: str
    description: str
    category: str
    requester: str
    days_ago: int
    steps: tuple[tuple[str, str, dict[str, Any]], ...] = field(default_factory=tuple)


def _analysis(checked: tuple[str, ...]) -> tuple[tuple[str, str, dict[str, Any]], ...]:
    return (
        ("sofia", "assign", {"to": "camila"}),
        ("camila", "comment", {"text": "Buenos días, ya estoy revisando el caso. ¿Me confirman "
                                      "desde qué hora empezó?"}),
        ("camila", "start", {}),
        *(("camila", "check", {"item": item, "note": note}) for item, note in zip(ITEMS, checked, strict=False)),
    )


PLAN = {
    "objective": "Corregir la supervisión del enlace MPLS para que solo alarme ante caídas reales",
    "activities": ["{d1} Revisar los umbrales del monitoreo con el proveedor",
                   "{d2} Ajustar la sonda y el tiempo de espera",
                   "{d3} Validar durante un turno completo con el cliente"],
}  # fmt: skip

CASES = (
    StageCase(
        "Alarmas falsas de caída del enlace MPLS en la bodega Funza",
        "El monitoreo envía alarmas de caída del enlace varias veces por noche, pero la "
        "operación no se interrumpe. Adjuntamos las horas en que llegaron los correos.",
        "Firewall", "lmartinez", 9,
        (
            *_analysis(("Alarma ICMP del monitoreo", "Replicado con la sonda del NOC",
                        "Enlace MPLS principal, sonda cada 30 s", "Falso positivo por latencia")),
            ("camila", "propose", PLAN),
            ("lmartinez", "approve", {"text": "Aprobado, el jueves hay turno completo."}),
            ("camila", "solve", {}),
            ("camila", "resolve", {"text": "Se ajustó el umbral de latencia a 250 ms y la sonda "
                                           "a 3 intentos. Por favor validen durante el turno."}),
        ),
    ),
    StageCase(
        "La VPN de la bodega se desconecta en el cambio de turno",
        "A las 14:00 y a las 22:00 los lectores de la bodega pierden la VPN unos minutos.",
        "VPN", "jcardenas", 6,
        (
            *_analysis(("Lectores de la bodega", "Visto en los registros del concentrador",
                        "Túnel IPsec de la sede", "Desconexión programada")),
            ("camila", "propose", {"objective": "Mover la renegociación del túnel fuera de los cambios de turno",
                                   "activities": ["{d1} Cambiar la vida del túnel a 8 h",
                                                  "{d2} Verificar en el cambio de turno"]}),
            ("jcardenas", "approve", {"text": ""}),
            ("camila", "solve", {}),
        ),
    ),
    StageCase(
        "El firewall bloquea el portal de clientes desde la red de invitados",
        "Desde la red de invitados de la sede no abre el portal de clientes; desde la red "
        "corporativa sí.",
        "Firewall", "lmartinez", 3,
        (
            *_analysis(("Portal de clientes, red de invitados", "Replicado desde la sala de juntas")),
            ("camila", "propose", {"objective": "Permitir el portal de clientes desde la red de invitados",
                                   "activities": ["{d1} Crear la regla en el firewall de la sede",
                                                  "{d2} Probar desde la sala de juntas con el cliente"]}),
        ),
    ),
    StageCase(
        "Configurar alarma de temperatura en el cuarto de racks",
        "Queremos recibir una alarma cuando la temperatura del cuarto de racks pase de 27 °C.",
        "Wifi", "jcardenas", 1,
        (),
    ),
)
STAGE_DEMO_TICKETS = len(CASES)


def _moment(end: datetime, days_ago: int, step: int) -> datetime:
    """Step `step` of a case opened `days_ago` days before `end`: the latest weekday by then, in
    Bogotá business hours, from 08:30 and one step every 40 minutes (a dozen steps end by 16:30)."""
    day = (end - timedelta(days=days_ago)).astimezone(BOGOTA)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day.replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(minutes=40 * step)


async def add_five_stage_demo(store: Any, end: datetime) -> int:
    """Put Andina on the five-stage lifecycle and play its cases; the number of tickets."""
    try:
        from helpdesk_tui.store.outbox import outbox_muted
    except ImportError:  # pragma: no cover - the outbox part is optional here
        outbox_muted = nullcontext  # type: ignore[assignment]
    async with store.db.write() as session:
        await session.execute(update(Account).where(Account.name == ACCOUNT).values(lifecycle="five_stage"))
    actors: dict[str, Any] = {}

    async def who(name: str) -> Any:
        if name not in actors:
            actors[name] = await store.catalog.actor(name)
        return actors[name]

    for case in CASES:
        created = _moment(end, case.days_ago, 0)
        with clock.frozen_at(created), outbox_muted():
            row = await store.tickets.create(
                await who(case.requester),
                NewTicket(subject=case.subject, description=case.description, account=ACCOUNT,
                          area=AREA, category=case.category, type="incident", impact="medium"),
            )  # fmt: skip
        for index, (name, op, options) in enumerate(case.steps, start=1):
            with clock.frozen_at(_moment(end, case.days_ago, index)), outbox_muted():
                await _step(store, await who(name), row.id, op, options, created)
    return len(CASES)


async def _step(store: Any, actor: Any, ticket_id: int, op: str, options: dict[str, Any], created: datetime) -> None:
    if op == "comment":
        await store.tickets.comment(actor, ticket_id, options["text"])
    elif op == "check":
        await store.stages.check(actor, ticket_id, options["item"], note=options.get("note", ""))
    elif op == "propose":
        days = {f"d{n}": (created + timedelta(days=n + 1)).date().isoformat() for n in (1, 2, 3)}
        activities = [line.format(**days) for line in options["activities"]]
        await store.stages.propose_plan(actor, ticket_id, options["objective"], activities)
    elif op == "approve":
        await store.stages.approve_plan(actor, ticket_id, options.get("text", ""))
    else:
        await store.tickets.act(actor, ticket_id, op, to=options.get("to"), text=options.get("text"))


__all__ = ["STAGE_DEMO_TICKETS", "add_five_stage_demo"]

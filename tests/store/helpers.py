"""Drive tickets into a given state through the store, the way people would."""

from __future__ import annotations

from helpdesk_tui.store.views import NewTicket
from tests.conftest import Org

PATH_TO = {
    "new": [],
    "assigned": [("sara", "assign", {"to": "ana"})],
    "in_progress": [("sara", "assign", {"to": "ana"}), ("ana", "start", {})],
    "waiting": [
        ("sara", "assign", {"to": "ana"}),
        ("ana", "start", {}),
        ("ana", "wait", {"text": "¿Desde cuándo falla?"}),
    ],
    "resolved": [
        ("sara", "assign", {"to": "ana"}),
        ("ana", "start", {}),
        ("ana", "resolve", {"text": "Reiniciado el punto de acceso"}),
    ],
    "closed": [
        ("sara", "assign", {"to": "ana"}),
        ("ana", "start", {}),
        ("ana", "resolve", {"text": "Reiniciado el punto de acceso"}),
        ("carla", "accept", {}),
    ],
    "cancelled": [("carla", "cancel", {"text": "abierto por error"})],
}

ACTOR_NAMES = {
    "root": "admin",
    "sara": "sup_net",
    "diego": "sup_desk",
    "ana": "agent_net",
    "luis": "agent_desk",
    "carla": "acme1",
    "pedro": "acme2",
    "gina": "globex",
    "mario": "msp",
    "ursula": "clerk",
}


def actor(org: Org, username: str):
    return getattr(org, ACTOR_NAMES[username])


async def new_ticket(org: Org, *, subject: str = "La wifi de la sala 3 no conecta", by: str = "carla", **fields) -> int:
    fields.setdefault("area", "Networks")
    row = await org.store.tickets.create(
        actor(org, by),
        NewTicket(subject=subject, description="Desde esta mañana no hay conexión.", **fields),
    )
    return row.id


async def ticket_in(org: Org, state: str, **fields) -> int:
    ticket_id = await new_ticket(org, **fields)
    for username, action, options in PATH_TO[state]:
        await org.store.tickets.act(actor(org, username), ticket_id, action, **options)
    return ticket_id


async def status_of(org: Org, ticket_id: int) -> str:
    return (await org.store.tickets.show(org.admin, ticket_id)).ticket.status


async def event_count(org: Org, ticket_id: int) -> int:
    return len((await org.store.tickets.show(org.admin, ticket_id)).events)

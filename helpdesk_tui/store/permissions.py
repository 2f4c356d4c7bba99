"""Roles, per-user grants and revocations, and the one SQL visibility predicate.

Visibility is enforced here, in the SQL that loads rows: every ticket query of the store ANDs
`visible_tickets(actor)` into its WHERE clause. Deny by default: an actor that no rule covers gets
`false`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk_tui.store.errors import NotFound
from helpdesk_tui.store.models import AccountMember, AreaMember, PermissionGrant, Ticket, User

ROLES = ("admin", "supervisor", "agent", "customer", "user")
STAFF_ROLES = frozenset({"admin", "supervisor", "agent"})

ALL_PERMISSIONS = frozenset(
    {
        "ticket.view_all",
        "ticket.view_area",
        "ticket.view_account",
        "ticket.create",
        "ticket.create_on_behalf",
        "ticket.assign",
        "ticket.assign_self",
        "ticket.work",
        "ticket.resolve",
        "ticket.cancel",
        "ticket.reopen",
        "ticket.comment",
        "ticket.comment_internal",
        "ticket.attach",
        "ticket.recategorise",
        "kb.edit",
        "survey.results",
        "report.view",
        "admin.users",
        "admin.catalog",
        "outbox.view",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": ALL_PERMISSIONS,
    "supervisor": frozenset(
        {
            "ticket.view_area",
            "ticket.create",
            "ticket.create_on_behalf",
            "ticket.assign",
            "ticket.assign_self",
            "ticket.work",
            "ticket.resolve",
            "ticket.cancel",
            "ticket.reopen",
            "ticket.comment",
            "ticket.comment_internal",
            "ticket.attach",
            "ticket.recategorise",
            "kb.edit",
            "survey.results",
            "report.view",
            "outbox.view",
        }
    ),
    "agent": frozenset(
        {
            "ticket.create",
            "ticket.recategorise",  # L5: staff may recategorise an open ticket
            "ticket.work",
            "ticket.resolve",
            "ticket.reopen",
            "ticket.comment",
            "ticket.comment_internal",
            "ticket.attach",
            "kb.edit",
        }
    ),
    "customer": frozenset(
        {"ticket.create", "ticket.comment", "ticket.attach", "ticket.cancel", "ticket.reopen"}
    ),
    "user": frozenset(
        {"ticket.create", "ticket.comment", "ticket.attach", "ticket.cancel", "ticket.reopen"}
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who is asking. Passed explicitly into every store call that reads or writes tickets."""

    user_id: int
    username: str
    role: str
    permissions: frozenset[str]
    account_ids: tuple[int, ...] = ()
    area_ids: tuple[int, ...] = ()
    name: str = ""
    lang: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def sees_internal(self) -> bool:
        # Internal notes are for staff only, whatever grants a non-staff user may carry.
        return self.is_staff


def effective_permissions(role: str, grants: dict[str, bool]) -> frozenset[str]:
    perms = set(ROLE_PERMISSIONS.get(role, frozenset()))
    for name, granted in grants.items():
        if granted:
            perms.add(name)
        else:
            perms.discard(name)
    return frozenset(perms)


async def load_actor(session: AsyncSession, username: str) -> Actor:
    user = await session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )
    if user is None or not user.active:
        raise NotFound("no such user: {username}", username=username)
    return await actor_for(session, user)


async def actor_for(session: AsyncSession, user: User) -> Actor:
    grants = dict(
        (
            await session.execute(
                select(PermissionGrant.permission, PermissionGrant.granted).where(
                    PermissionGrant.user_id == user.id
                )
            )
        ).all()
    )
    accounts = (
        await session.scalars(
            select(AccountMember.account_id)
            .where(AccountMember.user_id == user.id)
            .order_by(AccountMember.account_id)
        )
    ).all()
    areas = (
        await session.scalars(
            select(AreaMember.area_id)
            .where(AreaMember.user_id == user.id)
            .order_by(AreaMember.area_id)
        )
    ).all()
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        permissions=effective_permissions(user.role, grants),
        account_ids=tuple(accounts),
        area_ids=tuple(areas),
        name=user.name,
        lang=user.lang,
    )


def own_tickets(actor: Actor) -> ColumnElement[bool]:
    return or_(Ticket.requester_id == actor.user_id, Ticket.contact_id == actor.user_id)


def visible_tickets(actor: Actor) -> ColumnElement[bool]:
    """The SQL predicate of the tickets this actor may see."""
    if actor.role not in ROLE_PERMISSIONS:
        return false()
    if actor.can("ticket.view_all"):
        return true()
    clauses: list[ColumnElement[bool]] = [own_tickets(actor)]
    if actor.is_staff:
        clauses.append(Ticket.assignee_id == actor.user_id)
        if actor.can("ticket.view_area"):
            clauses.extend(area_clauses(actor))
    if actor.can("ticket.view_account") and actor.account_ids:
        clauses.append(Ticket.account_id.in_(actor.account_ids))
    return or_(*clauses)


def area_clauses(actor: Actor) -> list[ColumnElement[bool]]:
    """Tickets of the actor's areas; tickets with no area wait in every area-lead's queue."""
    clauses: list[ColumnElement[bool]] = [Ticket.area_id.is_(None)]
    if actor.area_ids:
        clauses.append(Ticket.area_id.in_(actor.area_ids))
    return clauses


def leads_area(actor: Actor, area_id: int | None) -> bool:
    """Whether the actor supervises the area a ticket is in (tickets with no area: any lead)."""
    if actor.role != "supervisor":
        return False
    return area_id is None or area_id in actor.area_ids

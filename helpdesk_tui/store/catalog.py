"""Catalog and people: accounts, environments, services, areas, categories, users, memberships
and permission grants. Administration calls need `admin.catalog` or `admin.users`; `actor=None`
means the trusted local administrator (e.g. `helpdesk init`, the demo loader)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from helpdesk_tui.store import clock
from helpdesk_tui.store.auth import hash_password
from helpdesk_tui.store.engine import Database
from helpdesk_tui.store.errors import NotFound, NotPermitted, ValidationFailed
from helpdesk_tui.store.models import (
    Account,
    AccountMember,
    Area,
    AreaMember,
    Category,
    Environment,
    PermissionGrant,
    Service,
    Setting,
    User,
)
from helpdesk_tui.store.permissions import ALL_PERMISSIONS, ROLES, Actor, load_actor
from helpdesk_tui.text import strip_controls


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    name: str
    email: str
    role: str
    lang: str
    active: bool
    accounts: tuple[str, ...]
    areas: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "username": self.username, "name": self.name, "email": self.email,
            "role": self.role, "lang": self.lang, "active": self.active,
            "accounts": list(self.accounts), "areas": list(self.areas),
        }  # fmt: skip


@dataclass(frozen=True)
class NamedRef:
    id: int
    name: str


@dataclass(frozen=True)
class AccountView:
    id: int
    name: str
    environments: tuple[str, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class AreaView:
    id: int
    name: str
    categories: tuple[str, ...]


def _require(actor: Actor | None, permission: str) -> None:
    if actor is not None and not actor.can(permission):
        raise NotPermitted("you need the permission {permission}", permission=permission)


def _name(value: str, field: str = "name") -> str:
    cleaned = strip_controls(value or "", single_line=True).strip()
    if not cleaned:
        raise ValidationFailed({field: "a name is required"})
    if len(cleaned) > 200:
        raise ValidationFailed({field: ("at most {max} characters", {"max": 200})})
    return cleaned


class CatalogStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def actor(self, username: str) -> Actor:
        async with self.db.read() as session:
            return await load_actor(session, username)

    # ---------------------------------------------------------------- accounts

    async def add_account(
        self,
        actor: Actor | None,
        name: str,
        *,
        reporter_limit: int | None = None,
        primary_agent: str | None = None,
        environments: Sequence[str] = (),
        services: Sequence[str] = (),
    ) -> NamedRef:
        _require(actor, "admin.catalog")
        name = _name(name)
        if reporter_limit is not None and reporter_limit < 1:
            raise ValidationFailed({"reporter_limit": "the limit must be at least 1"})
        async with self.db.write() as session:
            if await session.scalar(select(Account.id).where(func.lower(Account.name) == name.lower())):
                raise ValidationFailed({"name": ("{name} already exists", {"name": name})})
            agent_id = None
            if primary_agent:
                agent = await _user_by_name(session, primary_agent)
                if agent.role not in ("agent", "supervisor"):
                    raise ValidationFailed(
                        {"primary_agent": ("{username} is not an agent or supervisor", {"username": agent.username})}
                    )
                agent_id = agent.id
            account = Account(name=name, reporter_limit=reporter_limit, primary_agent_id=agent_id)
            session.add(account)
            await session.flush()
            for env in dict.fromkeys(_name(e, "environment") for e in environments):
                session.add(Environment(account_id=account.id, name=env))
            for svc in dict.fromkeys(_name(s, "service") for s in services):
                session.add(Service(account_id=account.id, name=svc))
            return NamedRef(account.id, account.name)

    async def accounts(self, actor: Actor | None = None) -> list[AccountView]:
        """Accounts with their environments and services. Customers see only their own."""
        async with self.db.read() as session:
            stmt = select(Account).order_by(Account.name)
            if actor is not None and not actor.is_staff:
                stmt = stmt.where(Account.id.in_(actor.account_ids))
            accounts = (await session.scalars(stmt)).all()
            envs = (await session.execute(select(Environment.account_id, Environment.name).order_by(Environment.name))).all()
            svcs = (await session.execute(select(Service.account_id, Service.name).order_by(Service.name))).all()
        return [
            AccountView(
                a.id, a.name,
                tuple(n for acc, n in envs if acc == a.id),
                tuple(n for acc, n in svcs if acc == a.id),
            )  # fmt: skip
            for a in accounts
        ]

    # ------------------------------------------------------------------- areas

    async def add_area(
        self, actor: Actor | None, name: str, *, categories: Sequence[str] = ()
    ) -> NamedRef:
        _require(actor, "admin.catalog")
        name = _name(name)
        async with self.db.write() as session:
            if await session.scalar(select(Area.id).where(func.lower(Area.name) == name.lower())):
                raise ValidationFailed({"name": ("{name} already exists", {"name": name})})
            area = Area(name=name)
            session.add(area)
            await session.flush()
            for cat in dict.fromkeys(_name(c, "category") for c in categories):
                session.add(Category(area_id=area.id, name=cat))
            return NamedRef(area.id, area.name)

    async def areas(self) -> list[AreaView]:
        async with self.db.read() as session:
            areas = (await session.scalars(select(Area).order_by(Area.name))).all()
            cats = (await session.execute(select(Category.area_id, Category.name).order_by(Category.name))).all()
        return [AreaView(a.id, a.name, tuple(n for ar, n in cats if ar == a.id)) for a in areas]

    async def area_staff(self, area: str | int | None) -> list[UserView]:
        """Agents and supervisors a ticket of this area may be assigned to."""
        async with self.db.read() as session:
            stmt = select(User).where(User.role.in_(("agent", "supervisor")), User.active)
            if area is not None:
                area_id = area if isinstance(area, int) else await session.scalar(
                    select(Area.id).where(func.lower(Area.name) == str(area).lower())
                )
                stmt = stmt.join(AreaMember, AreaMember.user_id == User.id).where(
                    AreaMember.area_id == area_id
                )
            users = (await session.scalars(stmt.order_by(User.username))).all()
        return [await self.user(u.username) for u in users]

    # ------------------------------------------------------------------- users

    async def add_user(
        self,
        actor: Actor | None,
        username: str,
        *,
        role: str,
        name: str = "",
        email: str = "",
        lang: str = "",
        password: str | None = None,
        accounts: Sequence[str] = (),
        areas: Sequence[str] = (),
        reporter: bool = True,
    ) -> UserView:
        _require(actor, "admin.users")
        username = strip_controls(username or "", single_line=True).strip()
        errors: dict[str, str | tuple[str, dict[str, object]]] = {}
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            errors["username"] = "a user name of 1 to 64 characters without spaces"
        if role not in ROLES:
            errors["role"] = ("unknown role: {value}", {"value": role})
        if password is not None:
            from helpdesk_tui.store.auth import check_password_strength

            check_password_strength(password)
        if errors:
            raise ValidationFailed(errors)
        async with self.db.write() as session:
            if await session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
                raise ValidationFailed({"username": ("{name} already exists", {"name": username})})
            user = User(
                username=username, name=strip_controls(name, single_line=True).strip(),
                email=strip_controls(email, single_line=True).strip(), role=role, lang=lang,
                password_hash=hash_password(password) if password else None,
                created_at=clock.now(), active=True, failed_logins=0,
            )  # fmt: skip
            session.add(user)
            await session.flush()
            for account in accounts:
                await _join_account(session, user, account, reporter=reporter)
            for area in areas:
                area_id = await _area_id(session, area)
                session.add(AreaMember(area_id=area_id, user_id=user.id))
        return await self.user(username)

    async def add_to_account(self, actor: Actor | None, username: str, account: str, *, reporter: bool = True) -> None:
        _require(actor, "admin.users")
        async with self.db.write() as session:
            user = await _user_by_name(session, username)
            await _join_account(session, user, account, reporter=reporter)

    async def set_password(self, actor: Actor | None, username: str, password: str) -> None:
        if actor is not None and actor.username != username:
            _require(actor, "admin.users")
        from helpdesk_tui.store.auth import check_password_strength

        check_password_strength(password)
        async with self.db.write() as session:
            user = await _user_by_name(session, username)
            user.password_hash = hash_password(password)
            user.failed_logins = 0
            user.locked_until = None

    async def grant(self, actor: Actor | None, username: str, permission: str, granted: bool = True) -> None:
        """R1: grant (or, with granted=False, revoke) one permission on top of the role."""
        _require(actor, "admin.users")
        if permission not in ALL_PERMISSIONS:
            raise ValidationFailed({"permission": ("unknown permission: {value}", {"value": permission})})
        async with self.db.write() as session:
            user = await _user_by_name(session, username)
            existing = await session.get(PermissionGrant, (user.id, permission))
            if existing:
                existing.granted = granted
            else:
                session.add(PermissionGrant(user_id=user.id, permission=permission, granted=granted))

    async def user(self, username: str) -> UserView:
        async with self.db.read() as session:
            user = await _user_by_name(session, username)
            return await _user_view(session, user)

    async def has_users(self) -> bool:
        """Whether anybody exists yet (one indexed probe; for "load the demo when empty")."""
        async with self.db.read() as session:
            return (await session.scalar(select(User.id).limit(1))) is not None

    async def users(self, actor: Actor | None = None) -> list[UserView]:
        if actor is not None and not (actor.can("admin.users") or actor.is_staff):
            raise NotPermitted("you need the permission {permission}", permission="admin.users")
        async with self.db.read() as session:
            users = (await session.scalars(select(User).order_by(User.username))).all()
            return [await _user_view(session, u) for u in users]

    async def account_users(self, account: str) -> list[UserView]:
        async with self.db.read() as session:
            account_id = await session.scalar(select(Account.id).where(func.lower(Account.name) == account.lower()))
            if account_id is None:
                raise NotFound("no such account: {name}", name=account)
            users = (await session.scalars(
                select(User).join(AccountMember, AccountMember.user_id == User.id)
                .where(AccountMember.account_id == account_id, User.active).order_by(User.username)
            )).all()  # fmt: skip
            return [await _user_view(session, u) for u in users]

    # ---------------------------------------------------------------- settings

    async def setting(self, key: str) -> str | None:
        async with self.db.read() as session:
            return await session.scalar(select(Setting.value).where(Setting.key == key))

    async def set_setting(self, key: str, value: str) -> None:
        async with self.db.write() as session:
            row = await session.get(Setting, key)
            if row:
                row.value = value
            else:
                session.add(Setting(key=key, value=value))


async def _user_by_name(session: AsyncSession, username: str) -> User:
    user = await session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise NotFound("no such user: {username}", username=username)
    return user


async def _area_id(session: AsyncSession, name: str) -> int:
    area_id = await session.scalar(select(Area.id).where(func.lower(Area.name) == name.strip().lower()))
    if area_id is None:
        raise ValidationFailed({"area": ("no such area: {name}", {"name": name})})
    return area_id


async def _join_account(session: AsyncSession, user: User, name: str, *, reporter: bool) -> None:
    """Membership of an account; R4 refuses a reporter over the account's limit."""
    account = await session.scalar(select(Account).where(func.lower(Account.name) == name.strip().lower()))
    if account is None:
        raise ValidationFailed({"account": ("no such account: {name}", {"name": name})})
    is_reporter = reporter and user.role in ("customer", "user")
    if is_reporter and account.reporter_limit is not None:
        reporters = await session.scalar(
            select(func.count()).select_from(AccountMember).where(
                AccountMember.account_id == account.id, AccountMember.is_reporter
            )
        )
        if (reporters or 0) >= account.reporter_limit:
            raise ValidationFailed(
                {"account": (
                    "{account} already has its {limit} reporters; raise the limit or remove one first",
                    {"account": account.name, "limit": account.reporter_limit},
                )}
            )  # fmt: skip
    existing = await session.get(AccountMember, (account.id, user.id))
    if existing is None:
        session.add(AccountMember(account_id=account.id, user_id=user.id, is_reporter=is_reporter))
        await session.flush()


async def _user_view(session: AsyncSession, user: User) -> UserView:
    accounts = (await session.scalars(
        select(Account.name).join(AccountMember, AccountMember.account_id == Account.id)
        .where(AccountMember.user_id == user.id).order_by(Account.name)
    )).all()  # fmt: skip
    areas = (await session.scalars(
        select(Area.name).join(AreaMember, AreaMember.area_id == Area.id)
        .where(AreaMember.user_id == user.id).order_by(Area.name)
    )).all()  # fmt: skip
    return UserView(
        user.id, user.username, user.name, user.email, user.role, user.lang, user.active,
        tuple(accounts), tuple(areas),
    )  # fmt: skip

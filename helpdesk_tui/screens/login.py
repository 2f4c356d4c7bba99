"""The first screen: user name and password (SPEC R5), or straight in with --as.

It paints before the store is opened (and before SQLAlchemy is imported): the app opens the
store in a worker and sets `store_ready`; signing in waits for it. The store's auth module is
imported only when a sign-in is attempted.

F2 changes the password: the credentials typed are checked first, then a dialog asks for the old
password, the new one twice. A signed-in user reaches the same dialog from the palette
(`app.action_change_password`). While the demo organisation is loaded the screen says that the
demo users share one password and names a few of them per role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, Static

from helpdesk_tui import labels
from helpdesk_tui.i18n import _
from helpdesk_tui.text import strip_controls
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.store.errors import HelpdeskError
    from helpdesk_tui.store.permissions import Actor

DEMO_PER_ROLE = 3


def error_text(error: HelpdeskError) -> str:
    """One line for a refusal; a validation names its message only (the field is evident)."""
    field_messages = getattr(error, "field_messages", None)
    if callable(field_messages):
        return "; ".join(field_messages(_).values())
    return error.message(_)


class LoginScreen(TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    LoginScreen {
        align: center middle;
    }
    LoginScreen #login-box {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $primary;
        padding: 0 2;
        background: $surface;
    }
    LoginScreen #login-title {
        text-style: bold;
        color: $text-primary;
        width: 1fr;
        content-align: center middle;
    }
    LoginScreen #login-subtitle {
        color: $text-muted;
        width: 1fr;
        content-align: center middle;
    }
    LoginScreen .login-row {
        height: 1;
        margin-top: 1;
    }
    LoginScreen .login-label {
        width: 14;
    }
    LoginScreen .login-row Input {
        width: 1fr;
    }
    LoginScreen #login-buttons {
        height: 1;
        margin-top: 1;
        align-horizontal: right;
    }
    LoginScreen #login-buttons Button {
        margin-left: 2;
    }
    LoginScreen #login-message {
        height: auto;
        margin-top: 1;
    }
    LoginScreen #login-message.-error {
        color: $text-error;
    }
    LoginScreen #login-demo {
        height: auto;
        margin-top: 1;
        color: $text-muted;
        display: none;
    }
    LoginScreen #login-demo.-shown {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "change_password", "Change password", id="login.change_password"),
        Binding("escape", "quit", "Quit", id="login.quit", show=False),
    ]

    def __init__(self, as_user: str | None = None) -> None:
        super().__init__()
        self.as_user = as_user
        self.busy = False

    @property
    def helpdesk(self) -> HelpdeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Center():
            with Vertical(id="login-box"):
                yield Static(Content("helpdesk"), id="login-title")
                yield Static(Content(_("Sign in to the help desk")), id="login-subtitle")
                with Horizontal(classes="login-row"):
                    yield Label(_("User name"), classes="login-label")
                    yield Input(id="login-username", placeholder=_("user name"), compact=True)
                with Horizontal(classes="login-row"):
                    yield Label(_("Password"), classes="login-label")
                    yield Input(id="login-password", password=True, placeholder=_("password"), compact=True)
                with Horizontal(id="login-buttons"):
                    yield Button(_("Change password (F2)"), id="login-change", compact=True)
                    yield Button(_("Sign in"), id="login-submit", variant="primary", compact=True)
                yield Static("", id="login-message")
                yield Static("", id="login-demo")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login-username", Input).focus()
        if self.as_user:
            self.say(_("Signing in as {username}…", username=strip_controls(self.as_user, single_line=True)))
            self.sign_in_as(self.as_user)
        self.show_demo_hint()

    # --------------------------------------------------------------- messages

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#login-message", Static)
        message.update(Content(text))
        message.set_class(error, "-error")

    @property
    def message_text(self) -> str:
        return str(self.query_one("#login-message", Static).content)

    async def _store(self) -> bool:
        """Wait for the store; False (with the reason shown) when it could not be opened."""
        app = self.helpdesk
        if not app.store_ready.is_set():
            self.say(_("Opening the database…"))
            await app.store_ready.wait()
            if self.message_text == _("Opening the database…"):
                self.say("")
        if app.store is None or app.store_error:
            self.say(_("Cannot open the database: {reason}", reason=app.store_error or "?"), error=True)
            return False
        return True

    @work(group="demo", exclusive=True)
    async def show_demo_hint(self) -> None:
        if not await self._store():
            return
        catalog = self.helpdesk.store.catalog
        if await catalog.setting("demo") != "1":
            return
        password = await catalog.setting("demo_password") or ""
        people = await catalog.users()
        by_role: dict[str, list[str]] = {}
        for person in people:
            if person.active and len(by_role.setdefault(person.role, [])) < DEMO_PER_ROLE:
                by_role[person.role].append(person.username)
        parts: list[str | tuple[str, str] | Content] = [
            _("Demo data: every demo user's password is"),
            " ",
            (strip_controls(password, single_line=True), "bold $text-accent"),
        ]
        for role in labels.ROLE_LABELS:
            if by_role.get(role):
                parts.append("\n")
                parts.append((labels.label(labels.ROLE_LABELS, role) + ": ", "$text-primary"))
                parts.append(Content(strip_controls(", ".join(by_role[role]), single_line=True)))
        demo = self.query_one("#login-demo", Static)
        demo.update(Content.assemble(*parts))
        demo.add_class("-shown")

    # ----------------------------------------------------------------- sign in

    @work(group="login", exclusive=True)
    async def sign_in_as(self, username: str) -> None:
        """--as: the same trust as the command line; an unknown name stays on this screen."""
        if not await self._store():
            return
        from helpdesk_tui.store.errors import HelpdeskError

        try:
            actor = await self.helpdesk.store.catalog.actor(username)
        except HelpdeskError as error:
            self.say(error_text(error), error=True)
            return
        self.signed_in(actor)

    def signed_in(self, actor: Actor) -> None:
        """Hand over to the app in its own worker: switching screens ends this screen and the
        workers it owns."""
        self.app.run_worker(self.helpdesk.sign_in(actor), group="sign-in", exclusive=True)

    @on(Input.Submitted, "#login-username")
    def _username_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def _password_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#login-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#login-change")
    def _change_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_change_password()

    def credentials(self) -> tuple[str, str]:
        return (
            self.query_one("#login-username", Input).value.strip(),
            self.query_one("#login-password", Input).value,
        )

    def submit(self) -> None:
        username, password = self.credentials()
        if not username:
            self.say(_("Type your user name."), error=True)
            self.query_one("#login-username", Input).focus()
            return
        self._login(username, password, change=False)

    def action_change_password(self) -> None:
        username, password = self.credentials()
        if not username or not password:
            self.say(_("Type your user name and current password, then press F2."), error=True)
            return
        self._login(username, password, change=True)

    def action_quit(self) -> None:
        self.app.exit(0)

    @work(group="login", exclusive=True)
    async def _login(self, username: str, password: str, *, change: bool) -> None:
        if not await self._store():
            return
        from helpdesk_tui.store import auth
        from helpdesk_tui.store.errors import HelpdeskError

        app = self.helpdesk
        self.say(_("Checking…"))
        try:
            actor = await auth.login(app.store.db, username, password)
        except HelpdeskError as error:
            self.say(error_text(error), error=True)
            field = self.query_one("#login-password", Input)
            field.value = ""
            field.focus()
            return
        if change:
            changed = await app.push_screen_wait(PasswordDialog(actor.username, password_changer(app, actor), old=password))
            if changed:
                app.notify(_("Password changed."))
        self.say("")
        self.signed_in(actor)


def password_changer(app: HelpdeskApp, actor: Actor) -> Callable[[str, str], Awaitable[None]]:
    async def change(old: str, new: str) -> None:
        from helpdesk_tui.store import auth

        await auth.change_password(app.store.db, actor, old, new)

    return change


class PasswordDialog(TranslatedBindings, ModalScreen[bool]):
    """Old password, new password, the new one again. The store checks the old one and the
    strength of the new; its refusal shows here and the dialog stays open."""

    DEFAULT_CSS = """
    PasswordDialog {
        align: center middle;
        background: $background 60%;
    }
    PasswordDialog > Vertical {
        width: 56;
        max-width: 100%;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 0 2;
    }
    PasswordDialog #password-title {
        text-style: bold;
        margin-bottom: 1;
    }
    PasswordDialog #password-error {
        color: $text-error;
        height: auto;
    }
    PasswordDialog Horizontal {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    PasswordDialog Horizontal Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="password.cancel"),
    ]

    def __init__(self, username: str, change: Callable[[str, str], Awaitable[None]], *, old: str = "") -> None:
        super().__init__()
        self.username = username
        self.change = change
        self.old = old

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(_("Change the password of {username}", username=strip_controls(self.username, single_line=True))), id="password-title")
            yield Label(_("Current password"))
            yield Input(self.old, id="password-old", password=True)
            yield Label(_("New password"))
            yield Input(id="password-new", password=True)
            yield Label(_("New password again"))
            yield Input(id="password-repeat", password=True)
            yield Static("", id="password-error")
            with Horizontal():
                yield Button(_("Cancel"), id="password-cancel")
                yield Button(_("Change password"), id="password-save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#password-new" if self.old else "#password-old", Input).focus()

    @property
    def error_text(self) -> str:
        return str(self.query_one("#password-error", Static).content)

    def _value(self, name: str) -> str:
        return self.query_one(f"#password-{name}", Input).value

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["password-old", "password-new", "password-repeat"]
        current = event.input.id or ""
        if current in order and order.index(current) < len(order) - 1:
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
        else:
            self.save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "password-save":
            self.save()
        else:
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def show_error(self, text: str) -> None:
        self.query_one("#password-error", Static).update(Content(text))

    @work(group="password", exclusive=True)
    async def save(self) -> None:
        old, new, repeat = self._value("old"), self._value("new"), self._value("repeat")
        if new != repeat:
            self.show_error(_("The new passwords do not match."))
            self.query_one("#password-repeat", Input).focus()
            return
        from helpdesk_tui.store.errors import HelpdeskError

        try:
            await self.change(old, new)
        except HelpdeskError as error:
            self.show_error(error_text(error))
            return
        self.dismiss(True)

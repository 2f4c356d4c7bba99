"""The login screen (SPEC R5): credentials, refusals, lockout, password change, the demo hint
and --as."""

from __future__ import annotations

from helpdesk_tui.app import HelpdeskApp
from helpdesk_tui.screens.login import LoginScreen, PasswordDialog
from helpdesk_tui.store import auth
from tests.conftest import Org
from tests.screens.conftest import wait_for


async def type_credentials(pilot, username: str, password: str) -> None:
    await pilot.press(*username, "enter")
    await pilot.press(*password)


def message(app) -> str:
    return app.screen.message_text


async def test_login_signs_in_and_opens_the_queue(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        assert isinstance(app.screen, LoginScreen)
        await type_credentials(pilot, "root", "correct horse")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.actor is not None)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
        assert app.actor.username == "root"
        assert "admin" in app.sub_title


async def test_customer_goes_to_my_tickets(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        await type_credentials(pilot, "carla", "carla-secret")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MyTicketsScreen")


async def test_wrong_password_is_refused_and_the_field_cleared(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        await type_credentials(pilot, "root", "wrong")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "wrong user name or password" in message(app))
        assert app.actor is None
        assert app.screen.query_one("#login-password").value == ""
        assert app.screen.query_one("#login-message").has_class("-error")


async def test_lockout_after_repeated_failures(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        await pilot.press(*"root", "enter")
        for attempt in range(auth.MAX_FAILURES + 1):
            await pilot.press(str(attempt), "enter")
            await wait_for(pilot, lambda: app.screen.query_one("#login-password").value == "" and "Checking" not in message(app))
        assert "too many failed attempts" in message(app)
        app.screen.query_one("#login-password").value = "correct horse"
        await pilot.press("enter")  # even the right password waits now
        await wait_for(pilot, lambda: "Checking" not in message(app))
        assert "too many failed attempts" in message(app) and app.actor is None


async def test_spanish_refusal(org: Org, start_app) -> None:
    async with start_app(None, lang="es") as (app, pilot):
        assert "Usuario" in str(app.screen.query_one(".login-label").content)
        await type_credentials(pilot, "root", "x")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "usuario o contraseña incorrectos" in message(app))


async def test_demo_hint_names_the_password_and_users_per_role(org: Org, start_app) -> None:
    await org.store.catalog.set_setting("demo", "1")
    await org.store.catalog.set_setting("demo_password", "helpdesk-demo")
    async with start_app(None) as (app, pilot):
        demo = app.screen.query_one("#login-demo")
        await wait_for(pilot, lambda: demo.has_class("-shown"))
        text = str(demo.content)
        assert "helpdesk-demo" in text
        assert "supervisor: diego, sara" in text and "agent: ana, luis" in text
        assert "customer: carla, gina, mario" in text and "admin: root" in text


async def test_no_demo_hint_without_demo_data(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        await wait_for(pilot, lambda: app.store_ready.is_set())
        await pilot.pause(0.1)
        assert not app.screen.query_one("#login-demo").has_class("-shown")


async def test_password_change_from_the_login_screen(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        await type_credentials(pilot, "carla", "carla-secret")
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, PasswordDialog))
        dialog = app.screen
        assert dialog.query_one("#password-old").value == "carla-secret"  # what was typed
        await pilot.press(*"short", "enter")  # typed: new password, then on to the repeat
        dialog.query_one("#password-repeat").value = "short"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "at least 8 characters" in dialog.error_text)
        dialog.query_one("#password-new").value = "a-longer-secret"
        dialog.query_one("#password-repeat").value = "a-longer-secreT"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "do not match" in dialog.error_text)
        dialog.query_one("#password-repeat").value = "a-longer-secret"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.actor is not None)
    actor = await auth.login(org.store.db, "carla", "a-longer-secret")
    assert actor.username == "carla"


async def test_password_change_needs_the_right_credentials_first(org: Org, start_app) -> None:
    async with start_app(None) as (app, pilot):
        await type_credentials(pilot, "carla", "nope")
        await pilot.press("f2")
        await wait_for(pilot, lambda: "wrong user name or password" in message(app))
        assert isinstance(app.screen, LoginScreen)


async def test_signed_in_user_changes_password_from_the_palette_command(org: Org, start_app) -> None:
    async with start_app("root") as (app, pilot):
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
        app.action_change_password()
        await wait_for(pilot, lambda: isinstance(app.screen, PasswordDialog))
        await pilot.pause()
        dialog = app.screen
        for field, value in (("old", "correct horse"), ("new", "battery staple"), ("repeat", "battery staple")):
            dialog.query_one(f"#password-{field}").value = value
        dialog.query_one("#password-repeat").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")
    assert (await auth.login(org.store.db, "root", "battery staple")).username == "root"


async def test_as_user_skips_the_form(org: Org, start_app) -> None:
    async with start_app("sara") as (app, pilot):
        assert app.actor.username == "sara"
        await wait_for(pilot, lambda: type(app.screen).__name__ == "QueueScreen")


async def test_as_unknown_user_stays_on_the_login_screen_with_the_error(org: Org) -> None:
    app = HelpdeskApp(store=org.store, as_user="nadie", demo_on_empty=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "no such user" in message(app))
        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_a_database_that_cannot_open_is_reported_on_the_login_screen(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app = HelpdeskApp(db_url=str(blocker / "helpdesk.db"), demo_on_empty=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "Cannot open the database" in message(app))
        assert app.is_running and isinstance(app.screen, LoginScreen)
        await type_credentials(pilot, "root", "x")
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert "Cannot open the database" in message(app)

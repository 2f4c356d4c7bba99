"""PLACEHOLDER (to be replaced by the login screen): signs in --as users only."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Static


class LoginScreen(Screen[None]):
    def __init__(self, as_user: str | None = None) -> None:
        super().__init__()
        self.as_user = as_user

    def compose(self):
        yield Static("helpdesk")

    async def on_mount(self) -> None:
        if self.as_user:
            self.run_worker(self._sign_in())

    async def _sign_in(self) -> None:
        await self.app.store_ready.wait()
        actor = await self.app.store.catalog.actor(self.as_user)
        await self.app.sign_in(actor)

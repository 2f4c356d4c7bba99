"""I2: knowledge-base articles suggested under the case subject while it is typed.

Every edit of the subject restarts a short timer; when typing pauses, one exclusive worker asks
the store for the best matches (a newer subject cancels an older search), so keys are never
held up by the database. Tab reaches the list, Enter opens an article read-only. Reading one and
then leaving the form without sending it counts as a deflected case.
"""

from __future__ import annotations


from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Label, OptionList

from helpdesk_tui.i18n import _
from helpdesk_tui.widgets.kb_results import KbResultList

DEBOUNCE = 0.15
"""Seconds of quiet typing before the knowledge base is asked."""
LIMIT = 5


class KbSuggestions(Vertical):
    DEFAULT_CSS = """
    KbSuggestions { height: auto; display: none; }
    KbSuggestions.-has-hits { display: block; }
    KbSuggestions > #kb-suggest-title { color: $text-muted; height: 1; }
    KbSuggestions > KbResultList { height: auto; max-height: 6; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subject = ""
        self.shown_for: str | None = None
        """The subject whose suggestions are on screen (tests wait on it)."""
        self.opened: list[int] = []
        self._timer: Timer | None = None
        self._case_opened = False

    def compose(self) -> ComposeResult:
        yield Label(_("Articles that may help (Tab to reach them, Enter to read):"), id="kb-suggest-title")
        yield KbResultList(snippets=False, id="kb-suggest-list", compact=True)

    @property
    def results(self) -> KbResultList:
        return self.query_one(KbResultList)

    def subject_changed(self, subject: str) -> None:
        self.subject = subject
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._search)

    def _search(self) -> None:
        self.run_worker(self._suggest(self.subject), group="kb-suggest", exclusive=True)

    async def _suggest(self, subject: str) -> None:
        store, actor = getattr(self.app, "store", None), getattr(self.app, "actor", None)
        if store is None or actor is None:
            return
        hits = await store.kb.suggest(actor, subject, limit=LIMIT) if subject.strip() else ()
        if subject != self.subject or not self.is_attached:
            return  # the subject changed meanwhile; its own search is on the way
        self.results.show_hits(hits)
        self.set_class(bool(hits), "-has-hits")
        self.shown_for = subject

    @on(OptionList.OptionSelected, "#kb-suggest-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not event.option.id:
            return
        from helpdesk_tui.screens.kb import KbArticleScreen

        article_id = int(event.option.id)
        if article_id not in self.opened:
            self.opened.append(article_id)
        self.app.push_screen(KbArticleScreen(article_id, read_only=True))

    def case_opened(self) -> None:
        """The form sent the case: reading the articles did not deflect it."""
        self._case_opened = True

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if not self.opened or self._case_opened:
            return
        store, actor = getattr(self.app, "store", None), getattr(self.app, "actor", None)
        if store is None or actor is None:
            return
        try:
            self.app.run_worker(
                store.kb.record_deflection(actor, list(self.opened), self.subject), group="kb-deflection"
            )
        except Exception:  # noqa: BLE001 - the app is closing; the count is not worth a crash
            pass

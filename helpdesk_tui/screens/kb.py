"""The knowledge base in the console (SPEC section 8; issue 5).

- `KbScreen`: a search line, the results (matched words highlighted) and the highlighted
  article below them; `K` from anywhere, `:kb`, or the palette.
- `KbArticleScreen`: one article rendered as Markdown; staff with `kb.edit` edit, retire or
  restore it and read its history from here.
- `KbEditorScreen`: title, tags, area, visibility, and the Markdown body in a TextArea beside its
  preview; Ctrl+S saves (a stale version is refused and nothing typed is lost).
- `KbHistoryScreen`: every revision, and what the article said in each.
- `KbPicker`: a dialog that searches the knowledge base and returns an article id (the ticket
  screen links a solution with it).

Searches and loads run in exclusive workers, so typing never waits for the database. Bodies are
untrusted Markdown (widgets/kb_results.py `ArticleMarkdown`: links open nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.labels import moment
from helpdesk_tui.text import one_line
from helpdesk_tui.widgets.bindings import TranslatedBindings
from helpdesk_tui.widgets.dialogs import Dialog
from helpdesk_tui.widgets.kb_results import ArticleMarkdown, KbResultList

if TYPE_CHECKING:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.store import Store
    from helpdesk_tui.store.kb import ArticleView
    from helpdesk_tui.store.permissions import Actor

SEARCH_DELAY = 0.12
PREVIEW_DELAY = 0.3
REVISION_ACTIONS = {
    "created": N_("written"), "edited": N_("edited"), "retired": N_("taken out of use"),
    "restored": N_("put back in use"),
}


def may_edit(actor: Actor | None) -> bool:
    from helpdesk_tui.store.kb import may_edit as rule

    return actor is not None and rule(actor)


class KbPart:
    """What every KB screen needs from the app."""

    app: HelpdeskApp

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[return-value]

    @property
    def actor(self) -> Actor:
        return self.app.actor  # type: ignore[return-value]


def article_facts(article: ArticleView) -> Content:
    """Area · tags · visibility · updated (version): one line of literal text."""
    bits: list[Content] = [Content(one_line(article.area).plain) if article.area else Content(_("no area"))]
    if article.tags:
        bits.append(Content(one_line(", ".join(article.tags)).plain).stylize("italic"))
    bits.append(Content(_("internal article") if article.visibility == "internal" else _("public article")))
    if article.retired:
        bits.append(Content(_("retired (searches leave it out)")).stylize("bold"))
    bits.append(Content(_("updated {at}", at=moment(article.updated_at))))
    bits.append(Content(_("version {n}", n=article.version)))
    return Content(" · ").join(bits)


# ------------------------------------------------------------------------------ search


class KbScreen(KbPart, TranslatedBindings, Screen[None]):
    """Search the knowledge base and read what it finds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="kb.back"),
        Binding("slash", "focus_search", "Search", id="kb.search"),
        Binding("n", "new_article", "New article", id="kb.new"),
        Binding("e", "edit_article", "Edit", id="kb.edit"),
        Binding("x", "retire_article", "Retire or restore", id="kb.retire", show=False),
        Binding("h", "history", "History", id="kb.history", show=False),
        Binding("q", "back", "Back", id="kb.back_q", show=False),
    ]
    DEFAULT_CSS = """
    KbScreen {
        layout: vertical;
        & #kb-search { margin: 0 1; }
        & #kb-status { height: 1; padding: 0 1; color: $text-muted; }
        & #kb-results { height: 9; border-bottom: solid $primary-muted; }
        & #kb-preview-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        & #kb-preview-facts { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
        & #kb-preview { height: 1fr; }
        & #kb-preview ArticleMarkdown { margin: 0 1; }
    }
    """

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.query_text = query
        self.searched: str | None = None
        """The query whose results are shown (tests wait on it)."""
        self.previewed: int | None = None
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(
            self.initial_query, id="kb-search", compact=True, select_on_focus=False,
            placeholder=_("Search the knowledge base (words, or the start of a word)"),
        )  # fmt: skip
        yield Label("", id="kb-status")
        yield KbResultList(id="kb-results", compact=True)
        yield Label("", id="kb-preview-title")
        yield Label("", id="kb-preview-facts")
        with VerticalScroll(id="kb-preview"):
            yield ArticleMarkdown(id="kb-preview-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.title = _("Knowledge base")
        self.query_one("#kb-search", Input).focus()
        self._search_now()

    # ------------------------------------------------------------- searching

    @on(Input.Changed, "#kb-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        self.run_worker(self._search(self.query_text), group="kb-search", exclusive=True)

    async def _search(self, text: str) -> None:
        if text.strip():
            hits = await self.store.kb.search(self.actor, text, limit=30)
        else:
            hits = await self.store.kb.recent(self.actor, limit=30)
        if text != self.query_text:
            return
        results = self.query_one(KbResultList)
        results.show_hits(hits, keep=text == self.searched)
        status = self.query_one("#kb-status", Label)
        if not text.strip():
            status.update(_("Newest articles") if hits else _("The knowledge base is empty."))
        elif hits:
            status.update(_("1 article") if len(hits) == 1 else _("{n} articles", n=len(hits)))
        else:
            status.update(_("No article matches."))
        self.searched = text
        self._preview(results.current_id)

    @on(Input.Submitted, "#kb-search")
    def _to_results(self) -> None:
        results = self.query_one(KbResultList)
        if results.option_count:
            results.focus()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#kb-search", Input):
            event.stop()
            self._to_results()

    def action_focus_search(self) -> None:
        self.query_one("#kb-search", Input).focus()

    # -------------------------------------------------------------- preview

    @on(OptionList.OptionHighlighted, "#kb-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(int(event.option.id) if event.option.id else None)

    def _preview(self, article_id: int | None) -> None:
        async def load() -> None:  # created only if the worker runs (a newer one may cancel it)
            await self._load_preview(article_id)

        self.run_worker(load, group="kb-preview", exclusive=True)

    async def _load_preview(self, article_id: int | None) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        title = self.query_one("#kb-preview-title", Label)
        facts = self.query_one("#kb-preview-facts", Label)
        body = self.query_one(ArticleMarkdown)
        article = None
        if article_id is not None:
            try:
                article = await self.store.kb.show(self.actor, article_id)
            except HelpdeskError:
                article = None
        if article is None:
            title.update("")
            facts.update("")
            await body.show("")
        else:
            title.update(Content(f"#{article.id}  ") + Content(one_line(article.title).plain))
            facts.update(article_facts(article))
            await body.show(article.body)
        self.previewed = article_id

    @on(OptionList.OptionSelected, "#kb-results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.push_screen(KbArticleScreen(int(event.option.id)), lambda _changed: self._search_now())

    # -------------------------------------------------------------- staff

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_article", "edit_article", "retire_article", "history"):
            if not may_edit(self.actor):
                return False
            if action != "new_article":
                return self.query_one(KbResultList).current_id is not None
        return True

    def _current(self) -> int | None:
        return self.query_one(KbResultList).current_id

    def action_new_article(self) -> None:
        self.app.push_screen(KbEditorScreen(None), self._saved)

    def action_edit_article(self) -> None:
        article_id = self._current()
        if article_id is not None:
            self.run_worker(edit_article(self, article_id, self._saved), group="kb-open", exclusive=True)

    def action_retire_article(self) -> None:
        article_id = self._current()
        if article_id is not None:
            self.run_worker(self._retire(article_id), group="kb-write", exclusive=True)

    async def _retire(self, article_id: int) -> None:
        if await toggle_retired(self, article_id) is not None:
            self._search_now()

    def action_history(self) -> None:
        article_id = self._current()
        if article_id is not None:
            self.app.push_screen(KbHistoryScreen(article_id))

    def _saved(self, article: Any) -> None:
        if article is not None:
            self._search_now()

    def action_back(self) -> None:
        self.app.pop_screen()


async def edit_article(screen: KbPart, article_id: int, done: Any) -> None:
    from helpdesk_tui.store.errors import HelpdeskError

    try:
        article = await screen.store.kb.show(screen.actor, article_id)
    except HelpdeskError as error:
        screen.app.show_error(error)
        return
    screen.app.push_screen(KbEditorScreen(article), done)


async def toggle_retired(screen: KbPart, article_id: int) -> ArticleView | None:
    """Retire an article, or restore a retired one; None when refused (the reason is shown)."""
    from helpdesk_tui.store.errors import HelpdeskError

    kb = screen.store.kb
    try:
        article = await kb.show(screen.actor, article_id)
        if article.retired:
            changed = await kb.restore(screen.actor, article_id, version=article.version)
            screen.app.notify(_("Article #{id} is back in use.", id=article_id))
        else:
            changed = await kb.retire(screen.actor, article_id, version=article.version)
            screen.app.notify(_("Article #{id} retired: searches and suggestions leave it out.", id=article_id))
    except HelpdeskError as error:
        screen.app.show_error(error)
        return None
    return changed


# ------------------------------------------------------------------------------ reading


class KbArticleScreen(KbPart, TranslatedBindings, Screen[bool]):
    """One article. Dismisses with True when it was changed here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "back", "Back", id="kb_article.back"),
        Binding("escape", "back", "Back", id="kb_article.escape", show=False),
        Binding("e", "edit_article", "Edit", id="kb_article.edit"),
        Binding("x", "retire_article", "Retire or restore", id="kb_article.retire"),
        Binding("h", "history", "History", id="kb_article.history"),
    ]
    DEFAULT_CSS = """
    KbArticleScreen {
        layout: vertical;
        & #kb-article-title { height: auto; padding: 0 1; text-style: bold; background: $panel; }
        & #kb-article-facts { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
        & #kb-article-scroll { height: 1fr; }
        & #kb-article-scroll ArticleMarkdown { margin: 0 1; }
    }
    """

    def __init__(self, article_id: int, *, read_only: bool = False) -> None:
        super().__init__()
        self.article_id = article_id
        self.read_only = read_only
        self.article: ArticleView | None = None
        self._changed = False

    def compose(self) -> ComposeResult:
        yield Label(_("Loading…"), id="kb-article-title")
        yield Label("", id="kb-article-facts")
        with VerticalScroll(id="kb-article-scroll"):
            yield ArticleMarkdown(id="kb-article-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#kb-article-scroll").focus()
        self.run_worker(self._load, group="kb-article", exclusive=True)

    async def _load(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        try:
            article = await self.store.kb.show(self.actor, self.article_id)
        except HelpdeskError as error:
            self.query_one("#kb-article-title", Label).update(error.message(_) + " — " + _("press q to go back"))
            self.article = None
            self.refresh_bindings()
            return
        self.article = article
        self.title = _("Knowledge base")
        self.query_one("#kb-article-title", Label).update(
            Content(f"#{article.id}  ") + Content(one_line(article.title).plain)
        )
        self.query_one("#kb-article-facts", Label).update(article_facts(article))
        await self.query_one(ArticleMarkdown).show(article.body)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit_article", "retire_article", "history"):
            return not self.read_only and self.article is not None and may_edit(self.actor)
        return True

    def action_edit_article(self) -> None:
        self.run_worker(edit_article(self, self.article_id, self._saved), group="kb-open", exclusive=True)

    def _saved(self, article: Any) -> None:
        if article is not None:
            self._changed = True
            self.run_worker(self._load, group="kb-article", exclusive=True)

    def action_retire_article(self) -> None:
        self.run_worker(self._retire(), group="kb-write", exclusive=True)

    async def _retire(self) -> None:
        if await toggle_retired(self, self.article_id) is not None:
            self._changed = True
            await self._load()

    def action_history(self) -> None:
        self.app.push_screen(KbHistoryScreen(self.article_id))

    def action_back(self) -> None:
        self.dismiss(self._changed)


# ------------------------------------------------------------------------------ history


class KbHistoryScreen(KbPart, TranslatedBindings, Screen[None]):
    """Every revision of an article; the highlighted one is shown below the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "back", "Back", id="kb_history.back"),
    ]
    DEFAULT_CSS = """
    KbHistoryScreen {
        layout: vertical;
        & #kb-history-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
        & #kb-history-list { height: auto; max-height: 8; border-bottom: solid $primary-muted; }
        & #kb-history-facts { height: 1; padding: 0 1; color: $text-muted; }
        & #kb-history-scroll { height: 1fr; }
        & #kb-history-scroll ArticleMarkdown { margin: 0 1; }
    }
    """

    def __init__(self, article_id: int) -> None:
        super().__init__()
        self.article_id = article_id
        self.revisions: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        yield Label(_("History of article #{id}", id=self.article_id), id="kb-history-title")
        yield OptionList(id="kb-history-list", compact=True)
        yield Label("", id="kb-history-facts")
        with VerticalScroll(id="kb-history-scroll"):
            yield ArticleMarkdown(id="kb-history-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#kb-history-list").focus()
        self.run_worker(self._load(), group="kb-history", exclusive=True)

    async def _load(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        try:
            self.revisions = await self.store.kb.history(self.actor, self.article_id)
        except HelpdeskError as error:
            self.query_one("#kb-history-facts", Label).update(error.message(_))
            return
        listing = self.query_one("#kb-history-list", OptionList)
        options = []
        for revision in reversed(self.revisions):
            action = _(REVISION_ACTIONS.get(revision.action, revision.action))
            prompt = Content.assemble(
                (f"v{revision.version}", "bold"), "  ", moment(revision.at), "  ",
                one_line(revision.editor).plain, "  ", (action, "italic"), "  ",
                one_line(revision.title).plain,
            )  # fmt: skip
            options.append(Option(prompt, id=str(revision.version)))
        listing.set_options(options)
        if options:
            listing.highlighted = 0

    @on(OptionList.OptionHighlighted, "#kb-history-list")
    async def _show(self, event: OptionList.OptionHighlighted) -> None:
        revision = next((r for r in self.revisions if str(r.version) == event.option.id), None)
        if revision is None:
            return
        bits = [one_line(revision.title).plain, revision.area or _("no area")]
        if revision.tags:
            bits.append(", ".join(revision.tags))
        bits.append(_("internal article") if revision.visibility == "internal" else _("public article"))
        self.query_one("#kb-history-facts", Label).update(Content(" · ".join(bits)))
        await self.query_one(ArticleMarkdown).show(revision.body)

    def action_back(self) -> None:
        self.app.pop_screen()


# ------------------------------------------------------------------------------ editing


class KbEditorScreen(KbPart, TranslatedBindings, Screen[Any]):
    """Write or change an article. Dismisses with the saved ArticleView, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="kb_editor.save", priority=True),
        Binding("escape", "close", "Close", id="kb_editor.close"),
    ]
    DEFAULT_CSS = """
    KbEditorScreen {
        layout: vertical;
        & #kb-editor-head { height: auto; padding: 0 1; }
        & .kb-editor-row { height: 1; }
        & .kb-editor-label { width: 12; color: $text-muted; }
        & #kb-title, & #kb-tags { width: 1fr; }
        & #kb-area, & #kb-visibility { width: 1fr; }
        & #kb-editor-error { height: auto; padding: 0 1; color: $text-error; }
        & #kb-editor-error.-empty { display: none; }
        & #kb-editor-body { height: 1fr; }
        & #kb-body { width: 1fr; height: 1fr; }
        & #kb-preview-scroll { width: 1fr; height: 1fr; border-left: solid $primary-muted; }
        & #kb-preview-scroll ArticleMarkdown { margin: 0 1; }
    }
    """

    def __init__(self, article: ArticleView | None) -> None:
        super().__init__()
        self.article = article
        self._preview_timer: Timer | None = None
        self._saving = False

    def compose(self) -> ComposeResult:
        article = self.article
        with Vertical(id="kb-editor-head"):
            with Horizontal(classes="kb-editor-row"):
                yield Label(_("Title"), classes="kb-editor-label")
                yield Input(article.title if article else "", id="kb-title", compact=True, max_length=200)
            with Horizontal(classes="kb-editor-row"):
                yield Label(_("Tags"), classes="kb-editor-label")
                yield Input(", ".join(article.tags) if article else "", id="kb-tags", compact=True,
                            placeholder=_("comma-separated"))  # fmt: skip
            with Horizontal(classes="kb-editor-row"):
                yield Label(_("Area"), classes="kb-editor-label")
                yield Select([], id="kb-area", prompt=_("(none)"), compact=True)
                yield Select(
                    [(_("public article"), "public"), (_("internal article"), "internal")],
                    value=article.visibility if article else "public", allow_blank=False,
                    id="kb-visibility", compact=True,
                )  # fmt: skip
        yield Static("", id="kb-editor-error", classes="-empty")
        with Horizontal(id="kb-editor-body"):
            yield TextArea(article.body if article else "", id="kb-body", soft_wrap=True, tab_behavior="indent")
            with VerticalScroll(id="kb-preview-scroll"):
                yield ArticleMarkdown(article.body if article else "", id="kb-editor-preview")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        article = self.article
        self.title = _("Edit article #{id}", id=article.id) if article else _("New article")
        self.query_one("#kb-title", Input).focus()
        self.run_worker(self._load_areas(), group="kb-areas", exclusive=True)

    async def _load_areas(self) -> None:
        areas = await self.store.catalog.areas()
        select = self.query_one("#kb-area", Select)
        select.set_options([(one_line(a.name).plain, a.name) for a in areas])
        if self.article is not None and self.article.area in {a.name for a in areas}:
            select.value = self.article.area

    @on(TextArea.Changed, "#kb-body")
    def _body_changed(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._refresh_preview)

    async def _refresh_preview(self) -> None:
        await self.query_one("#kb-editor-preview", ArticleMarkdown).show(self.query_one("#kb-body", TextArea).text)

    def values(self) -> dict[str, Any]:
        area = self.query_one("#kb-area", Select).value
        return {
            "title": self.query_one("#kb-title", Input).value,
            "tags": self.query_one("#kb-tags", Input).value,
            "area": area if isinstance(area, str) and area else None,
            "visibility": str(self.query_one("#kb-visibility", Select).value),
            "body": self.query_one("#kb-body", TextArea).text,
        }

    def _dirty(self) -> bool:
        values, article = self.values(), self.article
        if article is None:
            return bool(values["title"].strip() or values["body"].strip() or values["tags"].strip())
        return (
            values["title"] != article.title or values["body"] != article.body
            or values["tags"] != ", ".join(article.tags) or values["visibility"] != article.visibility
        )  # fmt: skip

    def action_save(self) -> None:
        if not self._saving:
            self._saving = True
            self.run_worker(self._save(self.values()), group="kb-save", exclusive=True)

    async def _save(self, values: dict[str, Any]) -> None:
        from helpdesk_tui.store.errors import Conflict, HelpdeskError, ValidationFailed

        kb = self.store.kb
        try:
            if self.article is None:
                saved = await kb.create(self.actor, **values)
            else:
                saved = await kb.edit(self.actor, self.article.id, version=self.article.version, **values)
        except ValidationFailed as error:
            messages = error.field_messages(_)
            self._error("; ".join(f"{_(FIELD_NAMES.get(f, f))}: {m}" for f, m in messages.items()))
            return
        except Conflict as error:
            # What was typed stays here; the next Ctrl+S saves it over the newer version.
            self._error(error.message(_) + " " + _("Ctrl+S again saves your version over it."))
            try:
                self.article = await kb.show(self.actor, error.params["article"])
            except HelpdeskError:
                pass
            return
        except HelpdeskError as error:
            self._error(error.message(_))
            return
        finally:
            self._saving = False
        self.app.notify(_("Article #{id} saved.", id=saved.id))
        self.dismiss(saved)

    def _error(self, message: str) -> None:
        line = self.query_one("#kb-editor-error", Static)
        line.update(Content(message))
        line.set_class(not message, "-empty")

    def action_close(self) -> None:
        if not self._dirty():
            self.dismiss(None)
            return
        from helpdesk_tui.screens.new_ticket import ChoiceDialog

        answers = [("discard", _("Discard"), "d"), ("back", _("Back to the article"), "esc")]
        self.app.push_screen(
            ChoiceDialog(_("Leave without saving?"), _("What you changed will be lost."), answers, escape="back"),
            lambda answer: self.dismiss(None) if answer == "discard" else None,
        )


FIELD_NAMES = {
    "title": N_("Title"), "body": N_("Body"), "tags": N_("Tags"), "area": N_("Area"),
    "visibility": N_("Visibility"), "article": N_("Article"),
}


# ------------------------------------------------------------------------------ picker


class KbPicker(KbPart, Dialog):
    """Search the knowledge base and choose one article (Enter); Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next", show=False, id="kb_picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="kb_picker.up"),
    ]
    DEFAULT_CSS = """
    KbPicker #kb-picker-list { height: auto; max-height: 12; }
    """

    def __init__(self, *, title: str, query: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.initial = query
        self.query_text = query
        self.searched: str | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.title_text
            yield Input(self.initial, placeholder=_("Search the knowledge base"), id="kb-picker-filter")
            yield KbResultList(snippets=True, id="kb-picker-list", compact=True)
            yield Static("", id="kb-picker-empty", classes="dialog-hint")
            yield Static(_("Enter links the highlighted article, Escape cancels."), classes="dialog-hint")
            yield self.buttons(_("Link"), disabled=True)

    def on_mount(self) -> None:
        self.query_one("#kb-picker-filter", Input).focus()
        self.run_worker(self._search(self.initial, first=True), group="kb-picker", exclusive=True)

    @on(Input.Changed, "#kb-picker-filter")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(
            SEARCH_DELAY,
            lambda: self.run_worker(self._search(self.query_text), group="kb-picker", exclusive=True),
        )

    async def _search(self, text: str, *, first: bool = False) -> None:
        kb = self.store.kb
        if not text.strip():
            hits = await kb.recent(self.actor, limit=20)
        elif first:  # the ticket's subject: any of its words
            hits = await kb.suggest(self.actor, text, limit=20)
        else:
            hits = await kb.search(self.actor, text, limit=20)
        if text != self.query_text:
            return
        self.query_one(KbResultList).show_hits(hits)
        self.query_one("#kb-picker-empty", Static).update("" if hits else _("No article matches."))
        self.query_one("#submit").disabled = not hits
        self.searched = text

    def action_move(self, step: int) -> None:
        listing = self.query_one(KbResultList)
        if listing.option_count:
            current = listing.highlighted if listing.highlighted is not None else -1
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    def _choose(self) -> None:
        article_id = self.query_one(KbResultList).current_id
        if article_id is not None:
            self.dismiss(article_id)

    @on(Input.Submitted, "#kb-picker-filter")
    @on(OptionList.OptionSelected, "#kb-picker-list")
    def _submitted(self) -> None:
        self._choose()

    @on(Button.Pressed, "#submit")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._choose()


# ------------------------------------------------------------------------------ ticket hooks


async def link_solution(screen: Any) -> None:
    """The ticket screen's "link solution": pick an article (searching from the subject), link
    it, and show the ticket again."""
    from helpdesk_tui.store.errors import HelpdeskError

    detail = screen.detail
    if detail is None:
        return
    ticket = detail.ticket
    article_id = await screen.app.push_screen_wait(
        KbPicker(title=_("Solution for {number}", number=ticket.number), query=ticket.subject)
    )
    if article_id is None:
        return
    try:
        article = await screen.app.store.kb.link_solution(screen.app.actor, ticket.id, article_id)
    except HelpdeskError as error:
        screen.app.show_error(error)
        return
    screen.app.notify(_("Article #{id} linked as the solution of {number}.", id=article.id, number=ticket.number))
    await screen._load()


def read_solution(app: Any, detail: Any) -> None:
    """Open the solution article of a ticket (read-only)."""
    if detail is not None and detail.solution:
        app.push_screen(KbArticleScreen(int(detail.solution["id"]), read_only=True))


def solution_line(detail: Any) -> Content | None:
    """"Solution: #12 Title" for the ticket header; None when there is none to show."""
    if detail is None or not detail.solution:
        return None
    return Content.assemble(
        _("Solution") + ": ", (f"#{detail.solution['id']} ", "bold"), one_line(detail.solution["title"]).plain
    )

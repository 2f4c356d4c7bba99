"""Survey results (V3), for people with `survey.results`: satisfaction and response rate per
agent, area and month, and the comments. Opened from the palette ("Survey results") or with
`:surveys`; the store decides what this person may see (a supervisor: their areas)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual import on
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane

from helpdesk_tui.i18n import _
from helpdesk_tui.text import one_line
from helpdesk_tui.widgets.bindings import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.store.surveys import GroupResult, SurveyResults

GROUP_TABS = (("agent", "By agent"), ("area", "By area"), ("month", "By month"))
FILTER_WORDS = ("area", "agent", "from", "to")


def parse_filter(text: str) -> Any:
    """'area:Redes agent:ana from:2026-01-01 to:2026-01-31' -> ResultsFilter (days in UTC,
    `to` included). Raises ValueError with a message id on anything else."""
    from datetime import datetime, timedelta, timezone

    from helpdesk_tui.store.surveys import ResultsFilter

    import shlex

    values: dict[str, str] = {}
    for word in shlex.split(text):  # area:"Mesa de ayuda" is one word
        name, sep, value = word.partition(":")
        if not sep or name.lower() not in FILTER_WORDS or not value:
            raise ValueError(word)
        values[name.lower()] = value
    days = {}
    for name in ("from", "to"):
        if name in values:
            day = datetime.strptime(values[name], "%Y-%m-%d").replace(tzinfo=timezone.utc)
            days[name] = day + timedelta(days=1) if name == "to" else day
    return ResultsFilter(area=values.get("area"), agent=values.get("agent"), since=days.get("from"), until=days.get("to"))


def rate_text(group: GroupResult) -> str:
    rate = group.response_rate
    return "-" if rate is None else f"{rate * 100:.0f}%"


def score_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


class SurveyResultsScreen(TranslatedBindings, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Refresh", id="survey_results.refresh"),
        Binding("slash", "filter", "Filter", id="survey_results.filter"),
        Binding("1", "show_tab('agent')", "By agent", show=False, id="survey_results.agent"),
        Binding("2", "show_tab('area')", "By area", show=False, id="survey_results.area"),
        Binding("3", "show_tab('month')", "By month", show=False, id="survey_results.month"),
        Binding("4", "show_tab('comments')", "Comments", show=False, id="survey_results.comments"),
        Binding("q,escape", "back", "Back", id="survey_results.back"),
    ]

    DEFAULT_CSS = """
    SurveyResultsScreen {
        & #results-filter { margin: 0 1; }
        & #results-summary { height: auto; padding: 0 1; text-style: bold; }
        & TabbedContent { height: 1fr; }
        & TabPane { padding: 0; }
        & DataTable { height: 1fr; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.results: SurveyResults | None = None
        self.filters: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Filter: area:NAME agent:USER from:YYYY-MM-DD to:YYYY-MM-DD (Enter)"), id="results-filter", compact=True)
        yield Static(_("Loading…"), id="results-summary", markup=False)
        with TabbedContent(id="results-tabs"):
            for key, title in GROUP_TABS:
                with TabPane(_(title), id=f"tab-{key}"):
                    yield DataTable(id=f"table-{key}", cursor_type="row")
            with TabPane(_("Comments"), id="tab-comments"):
                yield DataTable(id="table-comments", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("Survey results")
        for key, _title in GROUP_TABS:
            table = self.query_one(f"#table-{key}", DataTable)
            table.add_columns(_("Name"), _("Sent surveys"), _("Answered"), _("Rate"), _("Satisfaction"))
        comments = self.query_one("#table-comments", DataTable)
        comments.add_columns(_("Number"), _("Date"), _("Agent"), _("Score"), _("Comment"))
        self.query_one("#table-agent", DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.run_worker(self._load(), group="load", exclusive=True)

    async def _load(self) -> None:
        from helpdesk_tui.store.errors import HelpdeskError

        try:
            results = await self.app.store.surveys.results(self.app.actor, self.filters)  # type: ignore[attr-defined]
        except HelpdeskError as error:
            self.query_one("#results-summary", Static).update(error.message(_))
            return
        self.results = results
        overall = results.overall
        self.query_one("#results-summary", Static).update(
            _("Surveys sent: {invited}; answered: {answered} ({rate}); satisfaction: {score}",
              invited=overall.invited, answered=overall.answered, rate=rate_text(overall),
              score=score_text(overall.satisfaction))
        )  # fmt: skip
        for key, groups in (("agent", results.by_agent), ("area", results.by_area), ("month", results.by_month)):
            table = self.query_one(f"#table-{key}", DataTable)
            table.clear()
            for group in groups:
                name = one_line(group.key) if group.key else Text(_("nobody"), style="dim")
                table.add_row(name, str(group.invited), str(group.answered), rate_text(group), score_text(group.satisfaction))
        comments = self.query_one("#table-comments", DataTable)
        comments.clear()
        for comment in results.comments:
            comments.add_row(
                comment.number, comment.answered_at.astimezone().strftime("%Y-%m-%d"),
                one_line(comment.agent or "-"), score_text(comment.score), one_line(comment.text),
            )  # fmt: skip

    def action_filter(self) -> None:
        self.query_one("#results-filter", Input).focus()

    @on(Input.Submitted, "#results-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        try:
            self.filters = parse_filter(event.value)
        except ValueError:
            self.query_one("#results-summary", Static).update(
                _("Not understood: {text}. Use area:NAME agent:USER from:YYYY-MM-DD to:YYYY-MM-DD.", text=event.value)
            )
            return
        pane = self.query_one("#results-tabs", TabbedContent).active_pane
        if pane is not None:
            pane.query_one(DataTable).focus()
        self.action_reload()

    def action_show_tab(self, key: str) -> None:
        self.query_one("#results-tabs", TabbedContent).active = f"tab-{key}"

    def action_back(self) -> None:
        self.dismiss()


def open_results(app: Any) -> None:
    """Push the results screen for those who may see them; say why not to the others."""
    actor = getattr(app, "actor", None)
    if actor is None or not actor.can("survey.results"):
        app.notify(_("you may not see survey results"), severity="warning")
        return
    if not isinstance(app.screen, SurveyResultsScreen):
        app.push_screen(SurveyResultsScreen())

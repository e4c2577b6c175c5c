"""View models the service returns to the CLI and the Telegram edge (plain data, JSON-able)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from summarizer import Analysis  # re-exported: the NLP result

__all__ = [
    "Analysis", "ArticleView", "Citation", "Digest", "DigestEntity", "DigestItem", "Dossier", "EntityCount",
    "IngestResult", "SearchResult", "SummaryView", "Timeline", "TimelineEvent", "to_dict",
]


def to_dict(obj: Any) -> Any:
    """Dataclass (or list of them) -> JSON-able dict."""
    if isinstance(obj, list):
        return [to_dict(item) for item in obj]
    return asdict(obj)


@dataclass(frozen=True)
class IngestResult:
    """What happened to one piece of input."""

    article_id: int
    created: bool
    title: str
    summary: list[str] = field(default_factory=list)
    language: str | None = None
    source: str | None = None
    published_at: str | None = None
    matched_on: str | None = None
    warnings: list[str] = field(default_factory=list)
    input: str | None = None

    @property
    def message(self) -> str:
        if self.created:
            return f"stored as #{self.article_id}: {self.title}"
        how = " (same URL)" if self.matched_on == "url" else ""
        return f"already stored as #{self.article_id}{how}: {self.title}"


@dataclass(frozen=True)
class EntityCount:
    name: str
    type: str
    mentions: int
    articles: int


@dataclass(frozen=True)
class ArticleView:
    id: int
    title: str
    source: str | None
    url: str | None
    language: str | None
    published_at: str | None
    ingested_at: str
    origin: str
    summary: list[str]
    entities: list[EntityCount]
    warnings: list[str]
    text: str | None = None
    analysis_error: str | None = None


@dataclass(frozen=True)
class SummaryView:
    article_id: int | None
    title: str | None
    method: str
    language: str
    sentences: list[str]
    total_sentences: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResult:
    id: int
    title: str
    source: str | None
    published_at: str | None
    snippet: str


@dataclass(frozen=True)
class Citation:
    """Where something was read: enough to cite it and open it with /article ID."""

    article_id: int
    title: str
    source: str | None
    published_at: str | None
    url: str | None = None


@dataclass(frozen=True)
class TimelineEvent:
    date: str  # ISO value at its real precision: 2025-05-27, 2020-09, 2023, 2025-Q4
    precision: str
    date_start: str  # first day covered
    date_end: str  # last day covered
    line: str
    entities: list[str]
    explicit: bool  # written out in the text (True) or resolved against the publish date
    sources: list[Citation]
    modifier: str | None = None  # START / MID / END / SINCE ... of the date value
    label: str = ""  # the date for people: "27 May 2025", "September 2020", "end of 2025"


@dataclass(frozen=True)
class Timeline:
    entity: str | None
    date_from: str | None
    date_to: str | None
    events: list[TimelineEvent]
    order: str = "chronological"
    #: Dated mentions left out because only the latest ``TIMELINE_WINDOW`` are read (0: none).
    earlier_omitted: int = 0
    #: True when there are at least ``earlier_omitted`` (counting stops at ``TIMELINE_COUNT_CAP``).
    omitted_at_least: bool = False


@dataclass(frozen=True)
class QuoteLine:
    text: str
    speaker: str
    source: Citation


@dataclass(frozen=True)
class RoleLine:
    description: str
    source: Citation


@dataclass(frozen=True)
class DossierSentence:
    text: str
    source: Citation


@dataclass(frozen=True)
class EntityArticleView:
    mentions: int
    source: Citation


@dataclass(frozen=True)
class Dossier:
    query: str
    name: str
    type: str
    aliases: list[str]
    roles: list[RoleLine]
    summary: list[DossierSentence]
    quotes: list[QuoteLine]
    related: list[EntityCount]
    articles: list[EntityArticleView]
    mentions: int
    first_seen: str | None
    last_seen: str | None
    #: Other entities the query matched ("Faulkner": another person of that name), best first.
    others: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DigestItem:
    """One story: its first report, plus the other articles that report the same thing."""

    id: int
    title: str
    source: str | None
    url: str | None
    published_at: str | None
    summary: list[str]
    also: list[Citation] = field(default_factory=list)
    watched: list[str] = field(default_factory=list)

    @property
    def sources(self) -> int:
        return 1 + len(self.also)


@dataclass(frozen=True)
class DigestEntity(EntityCount):
    previous: int | None = None  # mentions in the previous period of the same length (None: no such period)
    change: str = ""  # "new", "+3", "−2", "="


@dataclass(frozen=True)
class Digest:
    since: str | None
    generated_at: str
    items: list[DigestItem]
    top_entities: list[DigestEntity]
    total_articles: int
    until: str | None = None
    #: Dated events the period's articles tell, the latest-dated ones, in date order.
    events: list[TimelineEvent] = field(default_factory=list)
    watched: list[str] = field(default_factory=list)
    #: Articles grouped into stories: all of the period's, or the newest ``MAX_DIGEST_ARTICLES``.
    grouped: int = 0

    @property
    def capped(self) -> bool:
        """True when the period had more articles than a digest groups."""
        return 0 < self.grouped < self.total_articles

    def latest_events(self, count: int = 10) -> list[TimelineEvent]:
        """The ``count`` latest-dated events, in date order: what a digest shows (upcoming
        and recent news first, not the history an article recalls)."""
        return self.events[-count:] if count > 0 else []


@dataclass(frozen=True)
class SubscriptionView:
    chat_id: int
    subscribed: bool
    time: str | None
    timezone: str | None
    next_digest: str | None  # local ISO time of the next digest
    send_empty: bool
    watches: list[str]

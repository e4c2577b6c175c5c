"""View models the service returns to the CLI and the Telegram edge (plain data, JSON-able)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from summarizer import Analysis  # re-exported: the NLP result

__all__ = [
    "Analysis", "ArticleView", "Digest", "DigestItem", "EntityCount", "IngestResult",
    "SearchResult", "SummaryView", "to_dict",
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
class DigestItem:
    id: int
    title: str
    source: str | None
    url: str | None
    published_at: str | None
    summary: list[str]


@dataclass(frozen=True)
class Digest:
    since: str | None
    generated_at: str
    items: list[DigestItem]
    top_entities: list[EntityCount]
    total_articles: int

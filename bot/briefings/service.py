"""``Briefings``: the one object the CLI and the Telegram handlers call."""

from __future__ import annotations

import ctypes
import functools
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo
from pathlib import Path

from storage import (
    Archive, ArticleLede, ArticleNotFound, EventRow, MentionRow, NewArticle, QuoteRow, RoleRow, StoredArticle,
    StoredEvent, SubscriptionRow, utcnow,
)
from summarizer import DEFAULT_METHOD, UnknownMethod, analyze, detect_language, get_method
from summarizer.dates import sort_key, value_span
from summarizer.dossier_nlp import focused_summary
from summarizer.events import EventCandidate, merge_events
from summarizer.linking import NameIndex, link_across
from summarizer.sentences import split_sentences

from .errors import BriefingError, EntityNotFound, InvalidArgument
from .loaders import (
    FileJob, RawDocument, check_size, collect_files, fallback_title, from_text, load_file,
)
from .chart import render_timeline_png
from .digest import LEDE_CHARS, article_terms, cluster_terms, trend
from .timeline import TimelineQuery, date_label, parse_timeline_args
from .schedule import iso, latest_slot, next_slot, parse_subscribe_args
from .models import (
    ArticleView, Citation, Digest, DigestEntity, DigestItem, Dossier, DossierSentence, EntityArticleView, EntityCount,
    IngestResult, QuoteLine, RoleLine, SearchResult, SubscriptionView, SummaryView, Timeline, TimelineEvent,
)

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 300
#: A digest groups at most this many articles of its period, the newest (and says so).
MAX_DIGEST_ARTICLES = 1000
MAX_NAME_CHARS = 100
DEFAULT_DIGEST_TIME = "08:00"
#: A dossier's summary reads the newest articles about the entity, at most this many.
DOSSIER_ARTICLES = 20
#: Seconds an entity index is kept while articles are added (see ``Briefings._entity_index``).
ENTITY_INDEX_TTL = 60.0
#: A timeline reads at most this many dated mentions, the latest ones; a period reaches earlier.
TIMELINE_WINDOW = 200
#: A timeline counts the dated mentions it leaves out up to this many ("at least N" beyond).
TIMELINE_COUNT_CAP = 10_000
#: A digest lists the dated events of at most this many of its period's event mentions, the
#: latest-dated (it shows ten and points to /timeline for the rest).
DIGEST_EVENTS = 100
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def normalize_date(value: str | None, *, field_name: str = "date") -> str | None:
    """An ISO date (kept at its precision) or any date dateparser reads -> ISO 8601 string."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if _ISO_DATE.match(value):
        try:  # a real calendar date at its precision: 2025, 2025-05, 2025-05-27
            date.fromisoformat(value + "-01-01"[len(value) - 4:] if len(value) < 10 else value)
        except ValueError as error:
            raise InvalidArgument(f"{value!r} is not a real date") from error
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        import dateparser

        parsed = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"})
    if parsed is None:
        raise InvalidArgument(f"cannot read {field_name} {value!r}; try 2025-05-27 or '2 days ago'")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).replace(microsecond=0).isoformat()


class Briefings:
    """Ingest, summarize, search and brief over one :class:`storage.Archive`.

    Example::

        briefings = Briefings(Archive("briefing.db"))
        result = briefings.ingest_text(pasted_text, source="Reuters")
        print(result.message)
    """

    def __init__(
        self,
        archive: Archive,
        *,
        method: str = DEFAULT_METHOD,
        summary_sentences: int = 3,
        max_input_bytes: int = 10_000_000,
        allow_private_urls: bool = False,
    ) -> None:
        self.archive = archive
        self.method = get_method(method).name
        self.summary_sentences = summary_sentences
        self.max_input_bytes = max_input_bytes
        #: Fetch links and feeds on private and local addresses too (intranets, tests).
        self.allow_private_urls = allow_private_urls
        self._entities_cache: EntityIndex | None = None
        self._entities_building = threading.Lock()  # one rebuild at a time (~1 s at 300,000 names)

    @classmethod
    def from_settings(cls, settings, db: str | None = None) -> Briefings:
        return cls(
            Archive(db or settings.briefing_db),
            method=settings.briefing_summarizer,
            summary_sentences=settings.briefing_summary_sentences,
            max_input_bytes=settings.briefing_max_input_bytes,
            allow_private_urls=bool(settings.briefing_fetch_private),
        )

    def close(self) -> None:
        self.archive.close()

    def warm_up(self) -> None:
        """Load the language model, gazetteers and stemmers now, not on the first message."""
        analyze("The city council met in Lyon on Monday. Mayor Anne Martin said the budget would pass in May. "
                "The final vote is due on 27 May 2025.", method=self.method, sentences=self.summary_sentences)

    # -- ingest --------------------------------------------------------------------------
    def ingest_text(
        self,
        text: str,
        *,
        title: str | None = None,
        source: str | None = None,
        url: str | None = None,
        published_at: str | None = None,
        origin: str = "text",
    ) -> IngestResult:
        """Store pasted/forwarded text (first line becomes the title if it reads as one)."""
        check_size(len(text.encode("utf-8", "surrogatepass")), self.max_input_bytes, "the text")
        doc = from_text(text, origin=origin)
        return self.ingest_document(
            replace(doc, title=title or doc.title, source=source, url=url, published_at=published_at)
        )

    def ingest_document(self, doc: RawDocument) -> IngestResult:
        """Store a document, then analyse it. The text is committed before analysis runs."""
        duplicate = self.archive.find_duplicate(text=doc.text, url=doc.url)
        if duplicate:
            return self._result(self.archive.get_article(duplicate.id), False, duplicate.matched_on)
        warnings = list(doc.warnings)
        language = doc.language or detect_language(doc.text).code
        if language == "und":
            warnings.append("language not recognised")
        published_at = None
        try:
            published_at = normalize_date(doc.published_at, field_name="publish date")
        except InvalidArgument as error:
            warnings.append(str(error))
        added = self.archive.add_article(
            NewArticle(
                title=(doc.title or fallback_title(doc.text))[:300],
                text=doc.text,
                source=doc.source,
                url=doc.url,
                language=language,
                published_at=published_at,
                origin=doc.origin,
                warnings=warnings,
            )
        )
        article = self.archive.get_article(added.id)
        if added.created:
            self._analyse(article)
        return self._result(article, added.created, added.matched_on)

    def _analyse(self, article: StoredArticle) -> None:
        try:
            analysis = analyze(
                article.text, method=self.method, sentences=self.summary_sentences,
                language=None if article.language in (None, "und") else article.language,
                reference=reference_date(article.published_at),
            )
            self.archive.save_analysis(
                article.id,
                method=analysis.method,
                sentences=self.summary_sentences,
                summary=[s.text for s in analysis.summary],
                mentions=[MentionRow(m.name, m.text, m.type, m.start, m.end, m.form) for m in analysis.mentions],
                events=[row for row in map(event_row, analysis.events) if row is not None],
                roles=[RoleRow(r.name, r.description, r.start, r.end) for r in analysis.roles],
                quotes=[QuoteRow(q.speaker, q.text, q.start, q.end) for q in analysis.quotes],
                story_terms=article_terms(article.title, article.text),
            )
        except Exception as error:  # analysis must never lose the stored text
            logger.exception("analysis of article #%s failed", article.id)
            self.archive.set_analysis_error(article.id, f"{type(error).__name__}: {error}")

    def _result(self, article: StoredArticle, created: bool, matched_on: str | None) -> IngestResult:
        return IngestResult(
            article_id=article.id,
            created=created,
            title=article.title,
            summary=self._summary(article),
            language=article.language,
            source=article.source,
            published_at=article.published_at,
            matched_on=matched_on,
            warnings=list(article.warnings),
        )

    def ingest_file(self, path: str | Path, meta: dict | None = None) -> IngestResult:
        """Ingest one .txt/.md/.html file; ``meta`` (from a manifest) overrides what it says."""
        path = Path(path)
        doc = load_file(path, self.max_input_bytes)
        meta = meta or {}
        doc = replace(
            doc,
            title=meta.get("title") or doc.title,
            source=meta.get("source") or doc.source,
            url=meta.get("url") or doc.url,
            published_at=meta.get("published_at") or doc.published_at,
            language=meta.get("language") or doc.language,
            origin=meta.get("origin") or doc.origin,
        )
        return replace(self.ingest_document(doc), input=str(path))

    def ingest_paths(self, paths: Iterable[str | Path]) -> Iterator[IngestResult | BriefingError]:
        """Ingest files and folders; yields a result or the error for each file."""
        return self.run_jobs(collect_files(paths))

    def plan_paths(self, paths: Iterable[str | Path]) -> list[FileJob | BriefingError]:
        """The files (with manifest metadata) that ``paths`` expand to, or why each cannot be."""
        return list(collect_files(paths))

    def _ingest_job(self, job: FileJob) -> IngestResult | BriefingError:
        try:
            return self.ingest_file(job.path, job.meta)
        except BriefingError as error:
            message = str(error)
            if job.path.name not in message:
                message = f"{job.path}: {message}"
            return type(error)(message)

    def run_jobs(self, jobs: Iterable[FileJob | BriefingError]) -> Iterator[IngestResult | BriefingError]:
        """Ingest planned files one by one; a failing file yields its error and the rest go on."""
        for job in jobs:
            yield job if isinstance(job, BriefingError) else self._ingest_job(job)

    # -- reading -------------------------------------------------------------------------
    def _summary(self, article: StoredArticle, method: str | None = None, sentences: int | None = None) -> list[str]:
        """Stored summary, computed and cached on first request."""
        method = get_method(method or self.method).name
        sentences = sentences or self.summary_sentences
        cached = self.archive.get_summary(article.id, method, sentences)
        if cached is not None:
            return cached
        try:
            analysis = analyze(article.text, method=method, sentences=sentences,
                               language=None if article.language in (None, "und") else article.language,
                               entities=False)
        except Exception:
            logger.exception("summary of article #%s failed", article.id)
            return []
        summary = [s.text for s in analysis.summary]
        self.archive.save_summary(article.id, method, sentences, summary)
        return summary

    def get_article(self, article_id: int | str) -> StoredArticle:
        return self.archive.get_article(parse_id(article_id))

    def article(self, article_id: int | str, *, with_text: bool = True) -> ArticleView:
        stored = self.get_article(article_id)
        entities = [EntityCount(*row) for row in self.archive.top_entities(article_ids=[stored.id], limit=10)]
        return ArticleView(
            id=stored.id, title=stored.title, source=stored.source, url=stored.url,
            language=stored.language, published_at=stored.published_at, ingested_at=stored.ingested_at,
            origin=stored.origin, summary=self._summary(stored), entities=entities,
            warnings=list(stored.warnings), text=stored.text if with_text else None,
            analysis_error=stored.analysis_error,
        )

    def summarize_article(self, article_id: int | str, *, method: str | None = None, sentences: int | None = None) -> SummaryView:
        stored = self.get_article(article_id)
        sentences = check_count(self.summary_sentences if sentences is None else sentences)
        method = checked_method(method or self.method)
        analysis = analyze(stored.text, method=method, sentences=sentences,
                           language=None if stored.language in (None, "und") else stored.language,
                           entities=False)
        return SummaryView(stored.id, stored.title, analysis.method, analysis.language.code,
                           [s.text for s in analysis.summary], len(analysis.sentences), list(analysis.warnings))

    def summarize_text(self, text: str, *, method: str | None = None, sentences: int | None = None) -> SummaryView:
        sentences = check_count(self.summary_sentences if sentences is None else sentences)
        method = checked_method(method or self.method)
        doc = from_text(text)
        analysis = analyze(doc.text, method=method, sentences=sentences, entities=False)
        return SummaryView(None, doc.title, analysis.method, analysis.language.code,
                           [s.text for s in analysis.summary], len(analysis.sentences), list(analysis.warnings))

    def summarize_file(self, path: str | Path, *, method: str | None = None, sentences: int | None = None) -> SummaryView:
        doc = load_file(Path(path), self.max_input_bytes)
        view = self.summarize_text(doc.text, method=method, sentences=sentences)
        return replace(view, title=doc.title or view.title, warnings=list(doc.warnings) + view.warnings)

    def list_articles(self, *, limit: int = 20, offset: int = 0) -> list[ArticleView]:
        return [self.article(a.id, with_text=False) for a in self.archive.articles(limit=limit, offset=offset)]

    def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchResult]:
        query = (query or "").strip()
        if not query:
            raise InvalidArgument("give words to search for, e.g. search France")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidArgument(f"search query is too long ({len(query)} characters; at most {MAX_QUERY_CHARS})")
        return [
            SearchResult(h.article.id, h.article.title, h.article.source, h.article.published_at, h.snippet)
            for h in self.archive.search(query, limit=limit, offset=offset)
        ]

    def digest(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        limit: int = 20,
        entities: int = 10,
        watch: Sequence[str] = (),
    ) -> Digest:
        """Stories ingested in [since, until): near-duplicates clustered, watched entities first.

        ``since``/``until`` take any date dateparser reads (default: everything, up to now).
        Entity counts are compared with the previous period of the same length.
        """
        since_iso = _day_start(normalize_date(since, field_name="--since")) if since else None
        until_iso = _day_start(normalize_date(until, field_name="--until")) if until else None
        articles = self.archive.ledes(since=since_iso, until=until_iso, limit=MAX_DIGEST_ARTICLES, chars=LEDE_CHARS)
        ids = [a.id for a in articles]
        watched_names = self._watch_names(watch)
        clusters = cluster_terms(self._story_terms(articles))
        named = self.archive.names_mentioned(ids, watched_names) if watched_names else {}
        stories = []
        for members in clusters:
            group = sorted((articles[i] for i in members), key=lambda a: a.id)
            watched = sorted(set().union(*(named.get(a.id, ()) for a in group)))
            stories.append((group, watched))
        # rank first, then read summaries for the stories shown only
        stories.sort(key=lambda story: (not story[1], -len(story[0]), -story[0][0].id))
        items = [
            DigestItem(group[0].id, group[0].title, group[0].source, group[0].url, group[0].published_at,
                       self._summary(self.archive.get_article(group[0].id)), also=[_citation(a) for a in group[1:]],
                       watched=watched)
            for group, watched in stories[:limit]
        ]
        top = self.archive.top_entities(article_ids=ids, limit=entities)
        previous = self._previous_counts(since_iso, until_iso, [row[0] for row in top])
        top_entities = [
            DigestEntity(name, kind, n, docs, previous=None if previous is None else previous.get((name, kind), 0),
                         change="" if previous is None else trend(n, previous.get((name, kind), 0)))
            for name, kind, n, docs in top
        ]
        total = len(articles) if len(articles) < MAX_DIGEST_ARTICLES else self.archive.count_articles(
            since=since_iso, until=until_iso)
        return Digest(since_iso, utcnow(), items, top_entities, total, until=until_iso,
                      events=self._digest_events(ids), watched=list(watch), grouped=len(articles))

    def _story_terms(self, articles: list[ArticleLede]) -> list[bytes]:
        """Each article's story terms: stored at ingest; computed (and stored) where missing."""
        missing = [(a.id, article_terms(a.title, a.lede)) for a in articles if a.terms is None]
        if missing:  # articles stored before terms were kept, or whose analysis failed
            self.archive.save_story_terms(missing)
        computed = dict(missing)
        return [a.terms if a.terms is not None else computed[a.id] for a in articles]

    # -- entities: /who, /entities --------------------------------------------------------
    def _entity_index(self, *, fresh: bool = False) -> EntityIndex:
        """Every (name, type, count), the cross-article alias map and the /who look-ups, cached
        per archive state.

        Rebuilding costs about 0.4 s per 100,000 distinct names (bench/name_scale.py), and a busy
        archive changes every minute; so an index built less than ``ENTITY_INDEX_TTL`` seconds ago
        is kept through additions (not deletions) unless ``fresh``. Callers that find nothing in a kept index
        ask again with ``fresh`` (:meth:`_resolve`): a name just ingested is always found.
        """
        state = self.archive.version()

        def usable(cached: EntityIndex | None) -> bool:
            return cached is not None and (cached.state == state or (
                not fresh and cached.state[2] == state[2] and time.monotonic() - cached.built < ENTITY_INDEX_TTL))

        cached = self._entities_cache  # read once: a build in another thread may clear it
        if usable(cached):
            return cached
        with self._entities_building:  # a /who arriving meanwhile waits for this build, not a second one
            if not usable(self._entities_cache):
                # the old index goes first: two at a time would double the memory they take
                # (tens of MB at hundreds of thousands of names) for the second or so a build takes
                self._entities_cache = None
                self._entities_cache = EntityIndex.build(state, self.archive.each_entity_name())
            return self._entities_cache  # set by this thread, or by the build it waited for

    def _index_is_current(self) -> bool:
        cached = self._entities_cache
        return cached is not None and cached.state == self.archive.version()

    def resolve_entity(self, query: str) -> tuple[str, str, list[str]]:
        """(canonical name, type, every archive name linked to it) for a user's query."""
        canonical, kind, group, _ = self._resolve(query)
        return canonical, kind, group

    def _resolve(self, query: str) -> tuple[str, str, list[str], list[str]]:
        """``resolve_entity`` plus the other entities the query could mean ("Faulkner": two people)."""
        name = clean_name(query)
        index = self._entity_index()
        resolution = index.names.resolve(name)
        if resolution.how in ("none", "fuzzy") and not self._index_is_current():  # a name just ingested?
            index = self._entity_index(fresh=True)
            resolution = index.names.resolve(name)
        if not resolution.found:
            raise EntityNotFound(name, resolution.suggestions)
        links = index.links
        first = resolution.matches[0]
        canonical = links.get(first, first[0])
        kind = first[1]

        def same(match: tuple[str, str]) -> bool:  # a spelling of the first match, not a namesake
            return match[1] == kind and (links.get(match, match[0]) == canonical
                                         or match[0].casefold() == first[0].casefold())

        group = sorted({*index.members.get((canonical, kind), ()), canonical}
                       | {n for n, k in resolution.matches if same((n, k))})
        others = list(dict.fromkeys(links.get(m, m[0]) for m in resolution.matches if not same(m)))
        return canonical, kind, group, [n for n in others if n != canonical]

    def entities(self, *, limit: int = 20) -> list[EntityCount]:
        """The most mentioned people, organisations and places, aliases merged."""
        index = self._entity_index(fresh=True)
        merged: dict[tuple[str, str], int] = {}
        for name, kind, count in index.known:
            if kind in ("PER", "ORG", "LOC"):
                key = (index.links.get((name, kind), name), kind)
                merged[key] = merged.get(key, 0) + count
        top = sorted(merged.items(), key=lambda item: (-item[1], item[0][0]))[:limit]
        return [EntityCount(name, kind, count, self.archive.count_articles_mentioning(
            index.members.get((name, kind)) or [name])) for (name, kind), count in top]

    def who(self, query: str, *, sentences: int = 5, related: int = 10, articles: int = 10) -> Dossier:
        """What the archive says about an entity: role, summary, quotes, related, sources."""
        canonical, kind, names, others = self._resolve(query)
        span = self.archive.entity_span(names)
        recent = self.archive.articles_mentioning(names, limit=max(articles, DOSSIER_ARTICLES))
        citations = {a.article_id: Citation(a.article_id, a.title, a.source, a.published_at) for a in recent}
        roles = [RoleLine(description, self._cite(article_id, citations))
                 for description, article_id in self.archive.roles_for(names, limit=5)]
        quotes = [QuoteLine(text, speaker, self._cite(article_id, citations))
                  for text, article_id, speaker in self.archive.quotes_for(names, limit=5)]
        links = self._entity_index().links
        together: dict[tuple[str, str], list[int]] = {}
        for name, other_kind, n, docs in self.archive.co_mentions(names, limit=related * 4):
            key = (links.get((name, other_kind), name), other_kind)
            if key[0] == canonical:
                continue
            counts = together.setdefault(key, [0, 0])
            counts[0] += n
            counts[1] = max(counts[1], docs)
        related_entities = [EntityCount(name, k, n, docs) for (name, k), (n, docs)
                            in sorted(together.items(), key=lambda item: (-item[1][1], -item[1][0], item[0][0]))[:related]]
        return Dossier(
            query=query, name=canonical, type=kind, aliases=[n for n in names if n != canonical],
            roles=roles, summary=self._dossier_summary(names, recent[:DOSSIER_ARTICLES], citations, sentences),
            quotes=quotes, related=related_entities,
            articles=[EntityArticleView(a.mentions, citations[a.article_id]) for a in recent[:articles]],
            mentions=span[2], first_seen=span[0], last_seen=span[1], others=others[:5],
        )

    def _cite(self, article_id: int, known: dict[int, Citation]) -> Citation:
        if article_id not in known:
            article = self.archive.get_article(article_id)
            known[article_id] = _citation(article)
        return known[article_id]

    def _dossier_summary(self, names: list[str], recent, citations: dict[int, Citation], limit: int) -> list[DossierSentence]:
        """Sentences that mention the entity, ranked (centrality + position), deduplicated."""
        texts: list[str] = []
        positions: list[float] = []
        owners: list[int] = []
        surfaces: set[str] = set(names)
        for entry in recent:
            article = self.archive.get_article(entry.article_id)
            offsets = self.archive.mention_offsets(article.id, names)
            surfaces.update(article.text[start:end] for start, end in offsets)
            spans = split_sentences(article.text, article.language or "en")
            for index, span in enumerate(spans):
                if any(span.start <= start < span.end for start, _ in offsets):
                    texts.append(span.text)
                    positions.append(index / max(len(spans), 1))
                    owners.append(article.id)
        picked = focused_summary(texts, sorted(surfaces), limit, positions=positions)
        return [DossierSentence(texts[i], citations[owners[i]]) for i in picked]

    # -- timeline ------------------------------------------------------------------------
    def timeline(self, args: Sequence[str] | str = ()) -> Timeline:
        """Dated events across the archive, chronological, each citing its articles.

        ``args``: ``[ENTITY...] [FROM..TO]`` (e.g. ``France 2020..2025``); a leading ``chart``
        is accepted and ignored here (the caller draws it).
        """
        query = parse_timeline_args(args.split() if isinstance(args, str) else list(args))
        return self._timeline(query)

    def _timeline(self, query: TimelineQuery) -> Timeline:
        names = None
        canonical = None
        if query.entity:
            canonical, _, names = self.resolve_entity(query.entity)
        stored = self.archive.events(date_from=query.date_from, date_to=query.date_to, entities=names,
                                     limit=TIMELINE_WINDOW, newest_first=True)
        omitted, at_least = 0, False
        if len(stored) == TIMELINE_WINDOW:
            total = self.archive.count_events(date_from=query.date_from, date_to=query.date_to, entities=names,
                                              at_most=TIMELINE_COUNT_CAP)
            omitted, at_least = total - len(stored), total >= TIMELINE_COUNT_CAP
        events = self._merged_events(stored)
        return Timeline(canonical or query.entity, query.date_from, query.date_to, events, earlier_omitted=omitted,
                        omitted_at_least=at_least)

    def _merged_events(self, stored: Sequence[StoredEvent]) -> list[TimelineEvent]:
        """Stored events -> timeline events: the same event from several articles once, chronological."""
        citations = {e.article_id: Citation(e.article_id, e.title, e.source, e.published_at, e.url) for e in stored}
        merged = merge_events(
            (e.article_id, EventCandidate(
                date=e.date, precision=e.precision, explicit=e.explicit, sentence_start=e.start,
                sentence_end=e.end, line=e.line, timex_text=e.timex, entities=e.entities, modifier=e.modifier,
                range_end=e.range_end))
            for e in stored
        )
        events = []
        for event in sorted(merged, key=lambda m: (sort_key(m.date, m.modifier), m.line)):
            span = value_span(event.date, event.modifier)
            if span is None:
                continue
            events.append(TimelineEvent(
                event.date, event.precision, span[0].isoformat(), span[1].isoformat(), event.line,
                list(event.entities), event.explicit, [citations[k] for k in dict.fromkeys(event.sources)],
                modifier=event.modifier, label=date_label(event.date, event.modifier),
            ))
        return events

    def timeline_chart(self, args: Sequence[str] | str = ()) -> tuple[Timeline, bytes]:
        """The timeline and a PNG drawing of it."""
        timeline = self.timeline(args)
        title = f"Timeline: {timeline.entity}" if timeline.entity else "Timeline"
        return timeline, render_timeline_png(timeline.events, title)

    # -- subscriptions -------------------------------------------------------------------
    def subscribe(
        self,
        chat_id: int,
        args: Sequence[str] = (),
        *,
        chat_type: str = "private",
        title: str | None = None,
        default_timezone: str = "UTC",
        default_time: str = DEFAULT_DIGEST_TIME,
        now: datetime | None = None,
    ) -> SubscriptionView:
        """Subscribe a chat to a daily digest at ``[HH:MM] [Area/City]`` (default 08:00).

        Without arguments a subscribed chat keeps its time and zone.
        """
        existing = self.archive.subscription(chat_id)
        default_time = existing.time if existing else default_time
        zone = existing.timezone if existing else default_timezone
        when, zone = parse_subscribe_args(list(args), default_time, zone)
        now = now or datetime.now(timezone.utc)
        first_period = iso(now - timedelta(days=1))  # the first digest covers the last day
        self.archive.upsert_subscription(SubscriptionRow(
            chat_id, chat_type, title, when, zone, existing.send_empty if existing else False,
            iso(now), existing.period_start if existing else first_period,
        ))
        return self.subscription_view(chat_id, now=now)

    def unsubscribe(self, chat_id: int) -> bool:
        return self.archive.delete_subscription(chat_id)

    def subscription_view(self, chat_id: int, *, now: datetime | None = None) -> SubscriptionView:
        sub = self.archive.subscription(chat_id)
        now = now or datetime.now(timezone.utc)
        watches = self.archive.watches(chat_id)
        if sub is None:
            return SubscriptionView(chat_id, False, None, None, None, False, watches)
        upcoming = next_slot(sub.time, sub.timezone, now).astimezone(ZoneInfo(sub.timezone))
        return SubscriptionView(chat_id, True, sub.time, sub.timezone, upcoming.isoformat(), sub.send_empty, watches)

    def set_send_empty(self, chat_id: int, value: bool) -> None:
        sub = self.archive.subscription(chat_id)
        if sub is None:
            raise InvalidArgument("this chat is not subscribed; use /subscribe first")
        self.archive.upsert_subscription(replace(sub, send_empty=value))

    def due_digests(self, now: datetime) -> list[tuple[SubscriptionRow, datetime]]:
        """(subscription, slot) for every chat whose latest slot has passed with no delivery."""
        due = []
        for sub in self.archive.subscriptions():
            slot = latest_slot(sub.time, sub.timezone, now)
            if iso(slot) < sub.created_at:  # subscribed (or rescheduled) after that slot
                continue
            if self.archive.delivery(sub.chat_id, iso(slot)) is None:
                due.append((sub, slot))
        return due

    def chat_digest(self, sub: SubscriptionRow, *, until: datetime) -> Digest:
        """What arrived for this chat since its previous digest, its watched entities first."""
        return self.digest(since=sub.period_start, until=iso(until), watch=self.archive.watches(sub.chat_id))

    def watch(self, chat_id: int, name: str) -> str:
        name = clean_name(name)
        self.archive.add_watch(chat_id, name)
        return name

    def unwatch(self, chat_id: int, name: str) -> bool:
        return self.archive.remove_watch(chat_id, clean_name(name))

    def _previous_counts(self, since: str | None, until: str | None,
                         names: list[str]) -> dict[tuple[str, str], int] | None:
        """Mentions of ``names`` per (name, type) in the period of the same length just before ``since``."""
        if not since or not names:
            return None
        start = datetime.fromisoformat(since)
        end = datetime.fromisoformat(until) if until else datetime.now(timezone.utc)
        earlier = (start - (end - start)).replace(microsecond=0).isoformat()
        ids = self.archive.article_ids(since=earlier, until=since, limit=MAX_DIGEST_ARTICLES)
        rows = self.archive.top_entities(article_ids=ids, names=names, limit=3 * len(names))  # a name may have 3 types
        return {(name, kind): n for name, kind, n, _ in rows}

    def _watch_names(self, watch: Sequence[str]) -> list[str]:
        """Every archive name a watch list means ("Aliyev" -> all names linked to Ilham Aliyev)."""
        names: set[str] = set()
        for name in watch:
            try:
                names.update(self.resolve_entity(name)[2])
            except BriefingError:  # not in the archive (yet): match the name as written
                names.add(name)
        return sorted(names)

    def _digest_events(self, article_ids: list[int]) -> list[TimelineEvent]:
        """The latest-dated events told by the digest's articles, merged and chronological."""
        events = self.archive.events(article_ids=article_ids, limit=DIGEST_EVENTS, newest_first=True)
        return self._merged_events(events)


@dataclass(frozen=True)
class EntityIndex:
    """The archive's entities as /who and /entities read them (see ``Briefings._entity_index``)."""

    state: tuple[int, ...]  # ``Archive.version()`` when built
    built: float  # time.monotonic() when built
    links: dict[tuple[str, str], str]  # (name, type) -> its canonical name, where that is another
    members: dict[tuple[str, str], list[str]]  # (canonical name, type) -> it and the names linked to it
    names: NameIndex  # every (name, type, mentions), and the /who look-ups

    @classmethod
    def build(cls, state: tuple[int, ...], known: Iterable[tuple[str, str, int]]) -> EntityIndex:
        """``known``: (name, type, mentions), most mentioned first (``Archive.each_entity_name``)."""
        names = NameIndex(known)
        # most names link to nobody but themselves: only those that may link are linked, and only
        # the links that change a name are kept, with the groups they make
        links = link_across(((names.names[i], names.kinds[i], int(names.counts[i])) for i in names.linkable()),
                            changed_only=True)
        members: dict[tuple[str, str], list[str]] = {}
        for (name, kind), canonical in links.items():
            members.setdefault((canonical, kind), [canonical]).append(name)
        give_back_free_memory()  # the build's temporary arrays: tens of MB at many names
        return cls(state, time.monotonic(), links, members, names)

    @property
    def known(self) -> Iterator[tuple[str, str, int]]:
        """(name, type, mentions) of every entity, most mentioned first."""
        return self.names.entries()


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS, Windows)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def give_back_free_memory() -> None:
    """Return the C heap's free memory to the OS (glibc ``malloc_trim``; elsewhere nothing).

    glibc keeps freed blocks for reuse; after a one-off burst of large temporaries (an entity
    index build at hundreds of thousands of names frees ~40 MB of them) that memory stays part
    of the process for good. Trimming costs a few milliseconds.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def reference_date(published_at: str | None) -> date | None:
    """The publication day relative dates resolve against; None unless known to the day."""
    if published_at and len(published_at) >= 10:
        try:
            return date.fromisoformat(published_at[:10])
        except ValueError:
            return None
    return None


def event_row(event: EventCandidate) -> EventRow | None:
    span = value_span(event.date, event.modifier)
    if span is None:
        return None
    return EventRow(event.date, event.precision, span[0].isoformat(), span[1].isoformat(), event.explicit,
                    event.line, event.timex_text, event.entities, event.sentence_start, event.sentence_end,
                    event.modifier, event.range_end)


def clean_name(name: str, *, limit: int = MAX_NAME_CHARS) -> str:
    """A user-typed entity name: tags and control characters removed, spaces collapsed, bounded."""
    text = re.sub(r"<[^>]{0,200}>", " ", name or "")
    text = "".join(ch for ch in text if ch.isprintable())
    text = re.sub(r"\s+", " ", text).strip(" \"'“”«»")
    if not any(ch.isalnum() for ch in text):
        raise InvalidArgument("give a name with letters, e.g. France or Ilham Aliyev")
    if len(text) > limit:
        raise InvalidArgument(f"that name is too long ({len(text)} characters; at most {limit})")
    return text


def _day_start(value: str | None) -> str | None:
    """A bare date means the start of that day, UTC."""
    if value and len(value) == 10:
        return value + "T00:00:00+00:00"
    if value and len(value) in (4, 7):
        return (value + "-01-01"[len(value) - 4:]) + "T00:00:00+00:00"
    return value


def _citation(article: StoredArticle | ArticleLede) -> Citation:
    return Citation(article.id, article.title, article.source, article.published_at, article.url)


def parse_id(value: int | str) -> int:
    """An article id from user input ("12", "#12")."""
    text = str(value).strip().lstrip("#")
    if not text.isdigit() or int(text) <= 0 or len(text) > 18:
        raise InvalidArgument(f"{str(value)[:40]!r} is not an article id (a number such as 12)")
    return int(text)


def check_count(sentences: int) -> int:
    if not 1 <= sentences <= 50:
        raise InvalidArgument("the number of sentences must be between 1 and 50")
    return sentences


def checked_method(method: str) -> str:
    try:
        return get_method(method).name
    except UnknownMethod as error:
        raise InvalidArgument(str(error)) from error


__all__ = ["ArticleNotFound", "Briefings", "normalize_date", "parse_id"]

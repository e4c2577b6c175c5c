"""The article archive: one class over sqlite-utils.

Example::

    >>> from storage import Archive, NewArticle
    >>> archive = Archive(":memory:")
    >>> stored = archive.add_article(NewArticle(title="Hello", text="Hello, world."))
    >>> stored.created, archive.get_article(stored.id).title
    (True, 'Hello')
    >>> archive.add_article(NewArticle(title="Again", text="hello,   WORLD.")).created
    False
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import functools
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .errors import ArticleNotFound, DatabaseUnavailable, SchemaTooNew
from .migrations import migrations

_SPACE = re.compile(r"\s+")
#: A random read from disk costs about this many cached index probes (1M articles: ~0.1 ms
#: against ~0.7 µs; from the OS page cache a read costs ~10 probes). Plans are costed for a cold
#: cache: a name in up to ~450 articles has its 20 newest found from all its articles' dates,
#: beyond that by walking articles newest first (warm, the walk costs at most ~30 ms).
RANDOM_READ_COST = 100
#: A walk of articles in date order stops after this many times the expected number of steps
#: (at least ``WALK_FLOOR``, and at least what reading them would cost) and reads the name's
#: articles instead, if they are few: a name whose articles all lie years back would otherwise
#: walk most of the archive.
WALK_SLACK = 4
WALK_FLOOR = 2000
#: Up to this many quotes of a speaker, a dossier reads them all; beyond, it walks articles in
#: date order (a much-quoted speaker has quotes within the first few hundred). Reading each
#: quote's date costs a random read from a cold cache: the cost rule of ``RANDOM_READ_COST``
#: (five quotes in a million articles: ~220).
FEW_QUOTES = 2000
#: A dossier's related entities are counted in this many of the name's newest articles (cold:
#: each is a random read of its mentions; 500 -> 200 keeps 94% of the top ten, 35 ms less).
RELATED_ARTICLES = 200
#: A CTE computed once (SQLite 3.35+ takes the hint; older ones do it anyway for a LIMITed
#: subquery in a join, and do not know the word).
_MATERIALIZED = "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35, 0) else ""
#: Search ranks at most this many matches, the newest (ranking every match of a common word
#: in a million articles takes seconds).
SEARCH_WINDOW = 5000
#: A dossier's role line is the most frequent description among this many, the newest.
ROLE_LINES = 2000
#: Newest first by ingest time: the order of ``idx_articles_ingested_at`` read backwards, so a
#: period's newest articles are an index range with no sort (ids follow ingest time anyway).
_NEWEST_FIRST = "ingested_at DESC, id DESC"


def utcnow() -> str:
    """Now, UTC, ISO 8601 with seconds (the archive's timestamp format)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def content_hash(text: str) -> str:
    """Hash of the text with case, Unicode form and whitespace normalised (duplicate key)."""
    normal = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewArticle:
    """An article about to be stored."""

    title: str
    text: str
    source: str | None = None
    url: str | None = None
    language: str | None = None
    published_at: str | None = None
    origin: str = "text"
    warnings: Sequence[str] = ()


@dataclass(frozen=True)
class StoredArticle:
    """A row of the ``articles`` table."""

    id: int
    title: str
    text: str
    source: str | None
    url: str | None
    language: str | None
    published_at: str | None
    ingested_at: str
    content_hash: str
    origin: str
    warnings: tuple[str, ...] = ()
    analysis_error: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredArticle:
        values = {k: row[k] for k in cls.__dataclass_fields__ if k in row}
        values["warnings"] = tuple(json.loads(row.get("warnings") or "[]"))
        return cls(**values)


@dataclass(frozen=True)
class AddResult:
    """Outcome of :meth:`Archive.add_article`: the id, and whether it was new."""

    id: int
    created: bool
    matched_on: str | None = None  # "url" or "text" when it was a duplicate


@dataclass(frozen=True)
class ArticleLede:
    """An article's citation fields and the start of its text (what a digest compares)."""

    id: int
    title: str
    source: str | None
    url: str | None
    published_at: str | None
    lede: str
    terms: bytes | None = None  # its story terms (``bot.briefings.digest.article_terms``) once stored


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    snippet: str
    rank: float


@dataclass(frozen=True)
class MentionRow:
    name: str
    surface: str
    type: str
    start: int
    end: int
    form: str = "name"  # "name", "demonym" ("French" -> France) or "metonym" ("Paris said" -> France)


@dataclass(frozen=True)
class EventRow:
    """A dated event found in an article (see ``summarizer.events``)."""

    date: str
    precision: str
    date_start: str
    date_end: str
    explicit: bool
    line: str
    timex: str
    entities: tuple[str, ...]
    start: int
    end: int
    modifier: str | None = None
    range_end: str | None = None


@dataclass(frozen=True, kw_only=True)
class StoredEvent(EventRow):
    """An event row as stored (its id, its article) with the article's citation fields."""

    id: int
    article_id: int
    title: str
    source: str | None
    url: str | None
    published_at: str | None


@dataclass(frozen=True)
class RoleRow:
    name: str
    description: str
    start: int
    end: int


@dataclass(frozen=True)
class QuoteRow:
    speaker: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class EntityArticle:
    """An article mentioning an entity: how often, and its citation fields."""

    article_id: int
    mentions: int
    title: str
    source: str | None
    published_at: str | None
    ingested_at: str


@dataclass(frozen=True)
class SubscriptionRow:
    chat_id: int
    chat_type: str
    title: str | None
    time: str  # HH:MM local
    timezone: str  # IANA name
    send_empty: bool
    created_at: str  # when the schedule was last set: slots before it are not owed
    period_start: str  # UTC ISO: the next digest covers articles ingested from here


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    chat_id: int
    slot: str
    period_start: str
    period_end: str
    status: str  # sending | sent | failed
    parts: tuple[str, ...]
    parts_sent: int
    in_flight: int | None
    created_at: str
    finished_at: str | None
    error: str | None


@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    title: str | None
    etag: str | None
    modified: str | None
    added_by: int | None
    created_at: str
    last_polled_at: str | None
    next_poll_at: str | None
    errors: int
    last_error: str | None
    entries_seen: int


@dataclass
class ArchiveStats:
    articles: int = 0
    summaries: int = 0
    mentions: int = 0
    entities: int = 0
    events: int = 0
    subscribers: int = 0
    feeds: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    size_bytes: int = 0


def _locked(method):
    """Serialise access to the shared connection (the bot calls from worker threads)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Archive:
    """Articles, summaries and entity mentions in one SQLite file (WAL mode).

    ``path`` is a file path or ``":memory:"``. Pending migrations are applied on open. One
    instance may be shared by threads: every public method holds the instance's lock.
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = Database(sqlite3.connect(self.path, check_same_thread=False))
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            if self.path != ":memory:":
                self.db.enable_wal()
            self._check_known_schema()
            migrations.apply(self.db)
        except sqlite3.DatabaseError as error:
            raise DatabaseUnavailable(f"cannot open {self.path}: {error}") from error
        self.db.execute(f"PRAGMA user_version = {self.schema_version}")

    # -- schema --------------------------------------------------------------------------
    def _check_known_schema(self) -> None:
        table = self.db[migrations.migrations_table]
        if not table.exists():
            if self.db.table_names() and "articles" not in self.db.table_names():
                raise DatabaseUnavailable(f"{self.path} is a SQLite file but not a briefing archive")
            return
        known = {m.name for m in migrations._migrations}
        applied = {m.name for m in migrations.applied(self.db)}
        unknown = applied - known
        if unknown:
            raise SchemaTooNew(
                f"{self.path} was written by a newer version (migrations {', '.join(sorted(unknown))})"
            )

    @property
    @_locked
    def schema_version(self) -> int:
        """Number of applied migrations (also written to ``PRAGMA user_version``)."""
        return len(migrations.applied(self.db))

    @_locked
    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    @_locked
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ------------------------------------------------------------------------
    @_locked
    def find_duplicate(self, *, text: str | None = None, url: str | None = None) -> AddResult | None:
        """The stored article with this URL or (normalised) text, if any."""
        if url:
            row = self.db.execute("SELECT id FROM articles WHERE url = ?", [url]).fetchone()
            if row:
                return AddResult(row[0], False, "url")
        if text is not None:
            row = self.db.execute(
                "SELECT id FROM articles WHERE content_hash = ?", [content_hash(text)]
            ).fetchone()
            if row:
                return AddResult(row[0], False, "text")
        return None

    @_locked
    def add_article(self, article: NewArticle) -> AddResult:
        """Store ``article`` unless its URL or text is already stored (then return that id)."""
        existing = self.find_duplicate(text=article.text, url=article.url)
        if existing:
            return existing
        row = {
            "title": article.title,
            "text": article.text,
            "source": article.source,
            "url": article.url or None,
            "language": article.language,
            "published_at": article.published_at,
            "ingested_at": utcnow(),
            "content_hash": content_hash(article.text),
            "origin": article.origin,
            "warnings": json.dumps(list(article.warnings), ensure_ascii=False),
        }
        try:
            with self.db.conn:
                cursor = self.db.conn.execute(
                    f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()),
                )
        except sqlite3.IntegrityError:
            # another writer stored the same article between our check and insert
            existing = self.find_duplicate(text=article.text, url=article.url)
            if existing:
                return existing
            raise
        return AddResult(int(cursor.lastrowid), True)

    @_locked
    def get_article(self, article_id: int) -> StoredArticle:
        try:
            row = self.db["articles"].get(article_id)
        except Exception as error:  # sqlite_utils.db.NotFoundError
            raise ArticleNotFound(article_id) from error
        return StoredArticle.from_row(row)

    @_locked
    def articles(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[StoredArticle]:
        """Articles ingested in [``since``, ``until``) (ISO timestamps, either optional)."""
        where, params = self._ingested_between(since, until)
        order = _NEWEST_FIRST if newest_first else "ingested_at, id"
        rows = self.db["articles"].rows_where(where, params, order_by=order, limit=limit, offset=offset or None)
        return [StoredArticle.from_row(row) for row in rows]

    @_locked
    def article_ids(self, *, since: str | None = None, until: str | None = None, limit: int | None = None) -> list[int]:
        """Ids of the articles ``articles()`` returns (newest first), without reading them."""
        where, params = self._ingested_between(since, until)
        sql = f"SELECT id FROM articles {'WHERE ' + where if where else ''} ORDER BY {_NEWEST_FIRST}"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [row[0] for row in self.db.execute(sql, params).fetchall()]

    @_locked
    def ledes(self, *, since: str | None = None, until: str | None = None, limit: int | None = None,
              chars: int = 600) -> list[ArticleLede]:
        """The articles ``articles()`` returns (newest first), with the first ``chars`` of their text
        and their story terms where stored."""
        where, params = self._ingested_between(since, until)
        sql = (f"SELECT id, title, source, url, published_at, substr(text, 1, ?), terms FROM articles "
               f"LEFT JOIN story_terms ON article_id = id {'WHERE ' + where if where else ''} ORDER BY {_NEWEST_FIRST}")
        params.insert(0, chars)
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        return [ArticleLede(*row) for row in self.db.execute(sql, params).fetchall()]

    @_locked
    def save_story_terms(self, terms: Iterable[tuple[int, bytes]]) -> None:
        """Store (article id, story terms) pairs; an article's earlier terms are replaced."""
        with self.db.conn:
            self.db.conn.executemany("INSERT OR REPLACE INTO story_terms (article_id, terms) "
                                     "SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1)", terms)

    @staticmethod
    def _ingested_between(since: str | None, until: str | None) -> tuple[str | None, list[Any]]:
        clauses, params = [], []
        if since:
            clauses.append("ingested_at >= ?")
            params.append(since)
        if until:
            clauses.append("ingested_at < ?")
            params.append(until)
        return " AND ".join(clauses) or None, params

    @_locked
    def version(self) -> tuple[int, ...]:
        """Changes whenever articles or mentions are added or removed (for caches).

        Index look-ups only (MAX of the primary keys) plus a deletion counter: no table scans.
        """
        newest = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]
        mentions = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM mentions").fetchone()[0]
        deletions = self.db.execute("SELECT value FROM bot_settings WHERE key = 'deletions'").fetchone()
        return newest, mentions, int(deletions[0]) if deletions else 0

    @_locked
    def count_articles(self, *, since: str | None = None, until: str | None = None) -> int:
        """Articles ingested in [``since``, ``until``) (all of them without either)."""
        where, params = self._ingested_between(since, until)
        if where is None:
            return self.db["articles"].count
        return self.db.execute(f"SELECT COUNT(*) FROM articles WHERE {where}", params).fetchone()[0]

    @_locked
    def delete_article(self, article_id: int) -> None:
        """Delete an article with its summaries and mentions."""
        self.get_article(article_id)
        with self.db.conn:
            self.db.conn.execute("DELETE FROM articles WHERE id = ?", [article_id])
            self._count_deletion()

    def _count_deletion(self) -> None:
        """Bump the counter ``version()`` reads: rows went that MAX(id) cannot see going."""
        self.db.conn.execute(
            "INSERT INTO bot_settings (key, value) VALUES ('deletions', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    @_locked
    def set_analysis_error(self, article_id: int, error: str | None) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE articles SET analysis_error = ? WHERE id = ?", [error, article_id]
            )

    # -- analysis results ----------------------------------------------------------------
    @_locked
    def save_analysis(
        self,
        article_id: int,
        *,
        method: str,
        sentences: int,
        summary: Sequence[str],
        mentions: Iterable[MentionRow],
        events: Iterable[EventRow] = (),
        roles: Iterable[RoleRow] = (),
        quotes: Iterable[QuoteRow] = (),
        story_terms: bytes | None = None,
    ) -> None:
        """Store a summary and replace the article's mentions, events, roles and quotes (and its
        story terms, when given), atomically."""
        with self.db.conn:
            if story_terms is not None:
                self.db.conn.execute("INSERT OR REPLACE INTO story_terms (article_id, terms) VALUES (?, ?)",
                                     [article_id, story_terms])
            self._put_summary(article_id, method, sentences, summary)
            replaced = 0
            for table in ("mentions", "events", "roles", "quotes"):
                replaced += self.db.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id]).rowcount
            if replaced:  # a re-analysis: cached entity indexes must see the old rows go
                self._count_deletion()
            self.db.conn.executemany(
                'INSERT INTO mentions (article_id, name, surface, type, start, "end", form) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(article_id, m.name, m.surface, m.type, m.start, m.end, m.form) for m in mentions],
            )
            self.db.conn.executemany(
                "INSERT INTO events (article_id, date, precision, date_start, date_end, explicit, line, "
                'timex, entities, start, "end", modifier, range_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                [(article_id, e.date, e.precision, e.date_start, e.date_end, int(e.explicit), e.line,
                  e.timex, json.dumps(list(e.entities), ensure_ascii=False), e.start, e.end, e.modifier,
                  e.range_end) for e in events],
            )
            self.db.conn.executemany(
                'INSERT INTO roles (article_id, name, description, start, "end") VALUES (?, ?, ?, ?, ?)',
                [(article_id, r.name, r.description, r.start, r.end) for r in roles],
            )
            self.db.conn.executemany(
                'INSERT INTO quotes (article_id, speaker, text, start, "end") VALUES (?, ?, ?, ?, ?)',
                [(article_id, q.speaker, q.text, q.start, q.end) for q in quotes],
            )
            self.db.conn.execute(
                "UPDATE articles SET analysis_error = NULL WHERE id = ?", [article_id]
            )

    @_locked
    def save_summary(self, article_id: int, method: str, sentences: int, summary: Sequence[str]) -> None:
        with self.db.conn:
            self._put_summary(article_id, method, sentences, summary)

    def _put_summary(self, article_id: int, method: str, sentences: int, summary: Sequence[str]) -> None:
        self.db.conn.execute(
            "INSERT OR REPLACE INTO summaries (article_id, method, sentences, summary, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [article_id, method, sentences, json.dumps(list(summary), ensure_ascii=False), utcnow()],
        )

    @_locked
    def get_summary(self, article_id: int, method: str, sentences: int) -> list[str] | None:
        row = self.db.execute(
            "SELECT summary FROM summaries WHERE article_id = ? AND method = ? AND sentences = ?",
            [article_id, method, sentences],
        ).fetchone()
        return json.loads(row[0]) if row else None

    @_locked
    def mentions(self, article_id: int) -> list[MentionRow]:
        rows = self.db.execute(
            'SELECT name, surface, type, start, "end", form FROM mentions WHERE article_id = ? ORDER BY start',
            [article_id],
        ).fetchall()
        return [MentionRow(*row) for row in rows]

    @_locked
    def top_entities(
        self, *, article_ids: Sequence[int] | None = None, limit: int = 10, types: Sequence[str] = ("PER", "ORG", "LOC"),
        names: Sequence[str] | None = None,
    ) -> list[tuple[str, str, int, int]]:
        """(name, type, mentions, articles) of the most mentioned entities (optionally only ``names``)."""
        clauses = [f"type IN ({', '.join('?' * len(types))})"]
        params: list[Any] = list(types)
        if names is not None:
            if not names:
                return []
            clauses.append(f"name IN ({', '.join('?' * len(names))})")
            params.extend(names)
        hint = ""
        if article_ids is not None:
            if not article_ids:
                return []
            if names is None:  # read the articles' mentions (a few each), never every mention of a name
                hint = "INDEXED BY idx_mentions_article_entity "
            else:  # read the names' mentions within the articles' id range
                hint = "INDEXED BY idx_mentions_name_article "
                clauses.append("article_id BETWEEN ? AND ?")
                params.extend((min(article_ids), max(article_ids)))
            clauses.append(f"article_id IN ({', '.join('?' * len(article_ids))})")
            params.extend(article_ids)
        sql = (
            f"SELECT name, type, COUNT(*) AS n, COUNT(DISTINCT article_id) AS docs FROM mentions {hint}"
            f"WHERE {' AND '.join(clauses)} GROUP BY name, type ORDER BY n DESC, docs DESC, name LIMIT ?"
        )
        return [tuple(row) for row in self.db.execute(sql, [*params, limit]).fetchall()]

    # -- entities, events, roles, quotes -------------------------------------------------
    @_locked
    def names_mentioned(self, article_ids: Sequence[int], names: Sequence[str]) -> dict[int, set[str]]:
        """Which of ``names`` each of ``article_ids`` mentions (articles mentioning none are left out)."""
        if not article_ids or not names:
            return {}
        sql = (f"SELECT DISTINCT article_id, name FROM mentions INDEXED BY idx_mentions_article_entity "
               f"WHERE article_id IN ({', '.join('?' * len(article_ids))}) AND name IN ({', '.join('?' * len(names))})")
        found: dict[int, set[str]] = {}
        for article_id, name in self.db.execute(sql, [*article_ids, *names]).fetchall():
            found.setdefault(article_id, set()).add(name)
        return found

    @_locked
    def entity_names(self, types: Sequence[str] = ("PER", "ORG", "LOC", "MISC")) -> list[tuple[str, str, int]]:
        """Every distinct (name, type, mentions) in the archive, most mentioned first."""
        return self.db.execute(self._ENTITY_NAMES.format(marks=", ".join("?" * len(types))), list(types)).fetchall()

    _ENTITY_NAMES = "SELECT name, type, mentions FROM entity_counts WHERE type IN ({marks}) ORDER BY 3 DESC, name"

    def each_entity_name(self, types: Sequence[str] = ("PER", "ORG", "LOC", "MISC")) -> Iterator[tuple[str, str, int]]:
        """``entity_names`` one by one, as the database reads them: an archive may know hundreds
        of thousands of names, and a list of them all costs ~200 bytes a name.

        Read on a connection of its own (WAL: a reader neither blocks nor waits for the writer),
        so a slow consumer holds up nobody; an archive in memory has no second connection, and
        gives the list.
        """
        if self.path == ":memory:":
            yield from self.entity_names(types)
            return
        reader = sqlite3.connect(Path(self.path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            yield from reader.execute(self._ENTITY_NAMES.format(marks=", ".join("?" * len(types))), list(types))
        finally:
            reader.close()

    def _articles_known(self, names: Sequence[str]) -> int:
        """An upper bound on the articles mentioning ``names`` (from ``entity_counts``)."""
        row = self.db.execute(
            f"SELECT COALESCE(SUM(articles), 0) FROM entity_counts WHERE name IN ({', '.join('?' * len(names))})",
            list(names)).fetchone()
        return row[0]

    def _total_articles(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM articles").fetchone()[0]

    def _walk_budget(self, known: int, wanted: int) -> int | None:
        """How many articles a walk in date order may step through to find ``wanted`` of
        ``known`` (spread evenly, it takes ``wanted * total / known``); None: read all ``known``.

        Reading every article of a name costs ``k`` random reads (``k`` its articles); walking
        articles in date order until ``wanted`` of them match costs about ``wanted * total / k``
        index probes, each ``RANDOM_READ_COST`` times cheaper. So a rare name is found from its
        mentions, a frequent one ("France", in 1 article in 10) by walking articles newest (or
        oldest) first.
        """
        total = self._total_articles()
        wanted = max(wanted, 1)
        if known * known * RANDOM_READ_COST <= wanted * total:
            return None
        # a few times the expected steps, and no fewer than reading would cost (then, at worst,
        # a walk that finds too little and the read after it cost twice the cheaper of the two)
        return max(WALK_FLOOR, WALK_SLACK * wanted * total // max(known, 1), known * RANDOM_READ_COST)

    def _walk_fallback(self, known: int) -> bool:
        """After a walk ran out of budget: True to read the ``known`` articles' dates instead,
        False to walk on (a frequent name: reading all its articles would cost more than any walk)."""
        return known * RANDOM_READ_COST <= self._total_articles()

    @staticmethod
    def _walk_sql(marks: str, descending: bool, budget: int | None) -> str:
        """Ids of the articles that mention the names, walking ``idx_articles_seen`` in date
        order through at most ``budget`` articles (None: all). Only ids are read: the walk never
        touches an article's row (the date is the index's key)."""
        order = " DESC" if descending else ""
        return (f"SELECT w.id FROM (SELECT a.id FROM articles a INDEXED BY idx_articles_seen "
                f"ORDER BY COALESCE(a.published_at, a.ingested_at){order}, a.id{order} LIMIT ?) w "
                f"WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = w.id AND m.name IN ({marks}))")

    def _read_source(self, marks: str) -> str:
        """FROM/WHERE of the articles that mention the names, their dates from a small index."""
        return (f"articles a INDEXED BY idx_articles_dates WHERE a.id IN "
                f"(SELECT article_id FROM mentions WHERE name IN ({marks}))")

    @_locked
    def articles_mentioning(self, names: Sequence[str], *, limit: int | None = None) -> list[EntityArticle]:
        """Articles that mention any of ``names``, newest first (by publish date, then ingest)."""
        if not names:
            return []
        marks = ", ".join("?" * len(names))
        seen = "COALESCE(a.published_at, a.ingested_at)"
        known = self._articles_known(names)
        budget = self._walk_budget(known, limit) if limit else None  # no limit: read them all
        if budget is not None:
            ids = [row[0] for row in self.db.execute(
                f"{self._walk_sql(marks, True, budget)} LIMIT ?", [budget, *names, limit]).fetchall()]
            if len(ids) < limit and self._walk_fallback(known):
                budget = None  # not found near the newest end: the name's articles lie further back
            elif len(ids) < limit:
                ids = [row[0] for row in self.db.execute(
                    f"{self._walk_sql(marks, True, None)} LIMIT ?", [-1, *names, limit]).fetchall()]
        if budget is None:
            # the page's ids from the dates alone (small index pages), then only those rows: a
            # rare name's other articles are never read from disk
            page = (f"SELECT a.id, {seen} AS seen FROM {self._read_source(marks)} "
                    f"ORDER BY seen DESC, a.id DESC{' LIMIT ?' if limit else ''}")
            params: list[Any] = [*names, *([limit] if limit else [])]
        else:
            page = f"SELECT a.id, {seen} AS seen FROM articles a WHERE a.id IN ({', '.join(map(str, ids))})"
            params = []
        sql = (
            f"WITH page AS ({page}) "
            f"SELECT a.id, (SELECT COUNT(*) FROM mentions m WHERE m.article_id = a.id AND m.name IN ({marks})), "
            "a.title, a.source, a.published_at, a.ingested_at FROM page JOIN articles a ON a.id = page.id "
            "ORDER BY page.seen DESC, page.id DESC"
        )
        return [EntityArticle(*row) for row in self.db.execute(sql, [*params, *names]).fetchall()]

    @_locked
    def entity_span(self, names: Sequence[str]) -> tuple[str | None, str | None, int]:
        """(first seen, last seen, mentions) of ``names``; seen = publish dates (None if none known)."""
        if not names:
            return None, None, 0
        marks = ", ".join("?" * len(names))
        known = self._articles_known(names)
        budget = self._walk_budget(known, 1)
        span = []
        for descending in (False, True):
            found, complete = None, False
            if budget is not None:
                found = self._first_published(marks, names, descending, budget)
                if found is None and not self._walk_fallback(known):
                    found, complete = self._first_published(marks, names, descending, None), True
            if found is None and not complete:  # few articles (or none near this end): read all their dates
                order = " DESC" if descending else ""
                row = self.db.execute(
                    f"SELECT a.published_at FROM {self._read_source(marks)} AND a.published_at IS NOT NULL "
                    f"ORDER BY COALESCE(a.published_at, a.ingested_at){order}, a.id{order} LIMIT 1",
                    list(names)).fetchone()
                found = row[0] if row else None
            span.append(found)
        mentions = self.db.execute(
            f"SELECT COALESCE(SUM(mentions), 0) FROM entity_counts WHERE name IN ({marks})", list(names)).fetchone()[0]
        return span[0], span[1], mentions

    def _first_published(self, marks: str, names: Sequence[str], descending: bool, budget: int | None) -> str | None:
        """The publish date of the first article (walking in date order) that mentions ``names``
        and has one; None if none within ``budget`` articles. An article's date is read from
        ``idx_articles_dates`` only once it matches: testing ``published_at`` in the walk itself
        read every walked article's row (/who of a name in 839 articles, cold: 317 -> 15 ms)."""
        walk = self.db.execute(self._walk_sql(marks, descending, budget), [budget or -1, *names])
        try:
            for (article_id,) in walk:
                published = self.db.execute(
                    "SELECT published_at FROM articles INDEXED BY idx_articles_dates WHERE id = ?",
                    [article_id]).fetchone()[0]
                if published is not None:
                    return published
            return None
        finally:
            walk.close()

    @_locked
    def count_articles_mentioning(self, names: Sequence[str]) -> int:
        if not names:
            return 0
        return self.db.execute(
            f"SELECT COUNT(DISTINCT article_id) FROM mentions WHERE name IN ({', '.join('?' * len(names))})",
            list(names)).fetchone()[0]

    @_locked
    def mention_offsets(self, article_id: int, names: Sequence[str]) -> list[tuple[int, int]]:
        """(start, end) of the mentions of ``names`` in one article."""
        if not names:
            return []
        rows = self.db.execute(
            f'SELECT start, "end" FROM mentions WHERE article_id = ? AND name IN ({", ".join("?" * len(names))}) '
            "ORDER BY start", [article_id, *names]).fetchall()
        return [tuple(row) for row in rows]

    @_locked
    def co_mentions(
        self, names: Sequence[str], *, limit: int = 10, article_limit: int = RELATED_ARTICLES,
    ) -> list[tuple[str, str, int, int]]:
        """(name, type, mentions, articles) of other entities in the newest ``article_limit`` articles
        that mention ``names``."""
        if not names:
            return []
        marks = ", ".join("?" * len(names))
        sql = (
            f"WITH docs AS (SELECT DISTINCT article_id FROM mentions WHERE name IN ({marks}) "
            "ORDER BY article_id DESC LIMIT ?) "
            "SELECT m.name, m.type, COUNT(*) AS n, COUNT(DISTINCT m.article_id) AS d FROM mentions m "
            f"JOIN docs ON docs.article_id = m.article_id WHERE m.name NOT IN ({marks}) "
            "AND m.type IN ('PER', 'ORG', 'LOC') GROUP BY m.name, m.type ORDER BY d DESC, n DESC, m.name LIMIT ?"
        )
        return [tuple(r) for r in self.db.execute(sql, [*names, article_limit, *names, limit]).fetchall()]

    @_locked
    def roles_for(self, names: Sequence[str], *, limit: int = 20) -> list[tuple[str, int]]:
        """(description, article_id) of role lines for ``names``, the most frequent description
        first, among the newest ``ROLE_LINES`` (roles change: "former minister")."""
        if not names:
            return []
        sql = ("SELECT description, MIN(article_id), COUNT(*) FROM (SELECT description, article_id FROM roles "
               f"WHERE name IN ({', '.join('?' * len(names))}) ORDER BY article_id DESC LIMIT {ROLE_LINES}) "
               "GROUP BY description COLLATE NOCASE ORDER BY 3 DESC, 2 LIMIT ?")
        return [(row[0], row[1]) for row in self.db.execute(sql, [*names, limit]).fetchall()]

    @_locked
    def quotes_for(self, names: Sequence[str], *, limit: int = 20) -> list[tuple[str, int, str]]:
        """(text, article_id, speaker) of quotes attributed to ``names``, newest articles first."""
        if not names:
            return []
        marks = ", ".join("?" * len(names))
        quoted = self.db.execute(f"SELECT COUNT(*) FROM quotes WHERE speaker IN ({marks})", list(names)).fetchone()[0]
        seen = "COALESCE(a.published_at, a.ingested_at)"
        # few quotes are read (their articles' dates from two indexes); many, or a few in a big
        # archive (a cold read each), by walking articles newest first until ``limit`` quoted
        # ones turn up (each has a quote at least), within a budget of steps
        read_all = quoted <= FEW_QUOTES and self._walk_fallback(quoted)
        budget = self._walk_budget(quoted, limit) if quoted <= FEW_QUOTES else max(
            WALK_FLOOR, WALK_SLACK * limit * self._total_articles() // quoted)
        if budget is not None:
            walk = (f"SELECT w.id FROM (SELECT a.id FROM articles a INDEXED BY idx_articles_seen "
                    f"ORDER BY {seen} DESC, a.id DESC LIMIT ?) w WHERE EXISTS (SELECT 1 FROM quotes q "
                    f"INDEXED BY idx_quotes_speaker_article WHERE q.speaker IN ({marks}) AND q.article_id = w.id) "
                    f"LIMIT ?")
            ids = [row[0] for row in self.db.execute(walk, [budget, *names, limit]).fetchall()]
            if len(ids) < limit and not read_all:  # walk on to the oldest
                ids = [row[0] for row in self.db.execute(walk, [-1, *names, limit]).fetchall()]
            if len(ids) == limit or not read_all:
                rank = {article_id: i for i, article_id in enumerate(ids)}
                rows = self.db.execute(
                    f"SELECT q.text, q.article_id, q.speaker, q.start FROM quotes q WHERE q.article_id IN "
                    f"({', '.join(map(str, ids))}) AND q.speaker IN ({marks})", list(names)).fetchall()
                rows.sort(key=lambda row: (rank[row[1]], row[3]))
                return [tuple(row[:3]) for row in rows[:limit]]
        # few quotes: sort their articles by date from two indexes, then read the quotes of the
        # newest ``limit`` articles only (each has one at least), not every quote's row
        sql = (f"WITH newest AS (SELECT DISTINCT q.article_id, {seen} AS seen FROM quotes q "
               f"INDEXED BY idx_quotes_speaker_article JOIN articles a INDEXED BY idx_articles_dates "
               f"ON a.id = q.article_id WHERE q.speaker IN ({marks}) ORDER BY seen DESC, q.article_id DESC "
               f"LIMIT ?) SELECT q.text, q.article_id, q.speaker FROM newest JOIN quotes q "
               f"ON q.article_id = newest.article_id AND q.speaker IN ({marks}) "
               f"ORDER BY newest.seen DESC, newest.article_id DESC, q.start LIMIT ?")
        return [tuple(row) for row in self.db.execute(sql, [*names, limit, *names, limit]).fetchall()]

    @_locked
    def events(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        article_ids: Sequence[int] | None = None,
        entities: Sequence[str] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[StoredEvent]:
        """Events overlapping [date_from, date_to] (ISO days), chronological, with citations.

        ``entities`` keeps the events that name one of them. With ``limit``, the earliest
        ``limit`` events, or with ``newest_first`` the latest (still returned in date order).
        """
        if entities is not None:
            if not entities:
                return []
            ids = self._event_ids(entities, date_from, date_to, limit, newest_first)
            if not ids:
                return []
            clauses, params = [f"e.id IN ({', '.join('?' * len(ids))})"], list(ids)
            limit = None  # the ids are the page
        else:
            clauses, params = self._event_filters(date_from, date_to)
        if article_ids is not None:
            if not article_ids:
                return []
            clauses.append(f"e.article_id IN ({', '.join('?' * len(article_ids))})")
            params.extend(article_ids)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        # given articles, read their events (a few each), never walk every event in date order
        hint = "INDEXED BY idx_events_article " if article_ids is not None else ""
        direction = " DESC" if newest_first and limit else ""
        sql = (
            "SELECT e.id, e.article_id, e.date, e.precision, e.date_start, e.date_end, e.explicit, e.line, "
            'e.timex, e.entities, a.title, a.source, a.url, a.published_at, e.start, e."end", e.modifier, '
            f"e.range_end FROM events e {hint}"
            f"JOIN articles a INDEXED BY idx_articles_citation ON a.id = e.article_id {where} "
            f"ORDER BY e.date_start{direction}, e.date_end{direction}, e.id{direction}"
        )
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self.db.execute(sql, params).fetchall()
        if direction:
            rows.reverse()
        return [
            StoredEvent(r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8], tuple(json.loads(r[9])), r[14], r[15],
                        r[16], r[17], id=r[0], article_id=r[1], title=r[10], source=r[11], url=r[12],
                        published_at=r[13])
            for r in rows
        ]

    @staticmethod
    def _event_filters(date_from: str | None, date_to: str | None, table: str = "e") -> tuple[list[str], list[Any]]:
        clauses, params = [], []
        if date_from:
            clauses.append(f"{table}.date_end >= ?")
            params.append(date_from)
        if date_to:
            clauses.append(f"{table}.date_start <= ?")
            params.append(date_to)
        return clauses, params

    def _event_ids(self, names: Sequence[str], date_from: str | None, date_to: str | None,
                   limit: int | None, newest_first: bool) -> list[int]:
        """Ids of the events naming any of ``names``, in date order (``event_entities`` ranges).

        Each name's range is read in index order, at most ``limit`` rows, and the ranges are
        merged here: no sort over every event of a frequent name.
        """
        clauses, params = self._event_filters(date_from, date_to, "ee")
        direction = " DESC" if newest_first else ""
        where = " AND ".join(["ee.name = ?", *clauses])
        sql = (f"SELECT date_start, date_end, event_id FROM event_entities ee WHERE {where} "
               f"ORDER BY date_start{direction}, date_end{direction}, event_id{direction}")
        if limit:
            sql += f" LIMIT {int(limit)}"
        streams = [self.db.execute(sql, [name, *params]).fetchall() for name in dict.fromkeys(names)]
        ids: dict[int, None] = {}
        for _, _, event_id in heapq.merge(*streams, reverse=newest_first):
            ids.setdefault(event_id)
            if limit and len(ids) >= limit:
                break
        return list(ids)

    @_locked
    def count_events(self, *, date_from: str | None = None, date_to: str | None = None,
                     entities: Sequence[str] | None = None, at_most: int | None = None) -> int:
        """How many events ``events()`` could return without a limit (for "N of M"), counting no
        further than ``at_most`` (the count of a name in 150,000 events reads them all)."""
        if entities is not None:
            if not entities:
                return 0
            clauses, params = self._event_filters(date_from, date_to, "ee")
            clauses.insert(0, f"ee.name IN ({', '.join('?' * len(entities))})")
            rows = "event_id" if len(set(entities)) == 1 else "DISTINCT event_id"  # one name: no repeats
            sql = f"SELECT {rows} FROM event_entities ee WHERE {' AND '.join(clauses)}"
            params = [*entities, *params]
        else:
            clauses, params = self._event_filters(date_from, date_to)
            sql = f"SELECT 1 FROM events e {'WHERE ' + ' AND '.join(clauses) if clauses else ''}"
        if at_most is not None:
            sql += " LIMIT ?"
            params.append(at_most)
        return self.db.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]

    # -- subscriptions and deliveries ----------------------------------------------------
    @_locked
    def upsert_subscription(self, row: SubscriptionRow) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO subscriptions (chat_id, chat_type, title, time, timezone, send_empty, created_at, "
                "period_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET "
                "chat_type = excluded.chat_type, title = excluded.title, time = excluded.time, "
                "timezone = excluded.timezone, send_empty = excluded.send_empty, created_at = excluded.created_at",
                [row.chat_id, row.chat_type, row.title, row.time, row.timezone, int(row.send_empty),
                 row.created_at, row.period_start],
            )

    @_locked
    def subscription(self, chat_id: int) -> SubscriptionRow | None:
        row = self.db.execute("SELECT * FROM subscriptions WHERE chat_id = ?", [chat_id]).fetchone()
        return self._subscription(row) if row else None

    @staticmethod
    def _subscription(row: Sequence[Any]) -> SubscriptionRow:
        values = list(row)
        values[5] = bool(values[5])
        return SubscriptionRow(*values)

    @_locked
    def subscriptions(self) -> list[SubscriptionRow]:
        return [self._subscription(r) for r in self.db.execute("SELECT * FROM subscriptions ORDER BY chat_id")]

    @_locked
    def delete_subscription(self, chat_id: int) -> bool:
        with self.db.conn:
            cursor = self.db.conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", [chat_id])
        return cursor.rowcount > 0

    @_locked
    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: move its subscription, watches and ledger to the new id."""
        with self.db.conn:
            for table in ("subscriptions", "watches", "deliveries"):
                self.db.conn.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?",
                                     [new_chat_id, old_chat_id])

    @_locked
    def begin_delivery(self, chat_id: int, slot: str, period_start: str, period_end: str,
                       parts: Sequence[str]) -> DeliveryRow | None:
        """Record a digest before sending it; None if this (chat, slot) was already begun."""
        with self.db.conn:
            cursor = self.db.conn.execute(
                "INSERT OR IGNORE INTO deliveries (chat_id, slot, period_start, period_end, status, parts, "
                "created_at) VALUES (?, ?, ?, ?, 'sending', ?, ?)",
                [chat_id, slot, period_start, period_end, json.dumps(list(parts), ensure_ascii=False), utcnow()],
            )
        if cursor.rowcount == 0:
            return None
        return self._delivery_by_id(cursor.lastrowid)

    def _delivery_by_id(self, delivery_id: int) -> DeliveryRow:
        row = self.db.execute("SELECT * FROM deliveries WHERE id = ?", [delivery_id]).fetchone()
        values = list(row)
        values[6] = tuple(json.loads(values[6]))
        return DeliveryRow(*values)

    @_locked
    def delivery(self, chat_id: int, slot: str) -> DeliveryRow | None:
        row = self.db.execute("SELECT id FROM deliveries WHERE chat_id = ? AND slot = ?", [chat_id, slot]).fetchone()
        return self._delivery_by_id(row[0]) if row else None

    @_locked
    def deliveries(self, *, status: str | None = None, chat_id: int | None = None) -> list[DeliveryRow]:
        clauses, params = [], []
        if status:
            clauses.append("status = ?")
            params.append(status)
        if chat_id is not None:
            clauses.append("chat_id = ?")
            params.append(chat_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        ids = [r[0] for r in self.db.execute(f"SELECT id FROM deliveries {where} ORDER BY id", params)]
        return [self._delivery_by_id(i) for i in ids]

    @_locked
    def mark_part(self, delivery_id: int, *, in_flight: int | None = None, sent: int | None = None) -> None:
        """Note that part ``in_flight`` is being sent, or that ``sent`` parts are done."""
        with self.db.conn:
            if in_flight is not None:
                self.db.conn.execute("UPDATE deliveries SET in_flight = ? WHERE id = ?", [in_flight, delivery_id])
            if sent is not None:
                self.db.conn.execute("UPDATE deliveries SET parts_sent = ?, in_flight = NULL WHERE id = ?",
                                     [sent, delivery_id])

    @_locked
    def finish_delivery(self, delivery_id: int, status: str, error: str | None = None) -> None:
        """Close a delivery; a sent one moves its chat's period start to the period end."""
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE deliveries SET status = ?, error = ?, finished_at = ?, in_flight = NULL WHERE id = ?",
                [status, error, utcnow(), delivery_id],
            )
            if status == "sent":
                self.db.conn.execute(
                    "UPDATE subscriptions SET period_start = (SELECT period_end FROM deliveries WHERE id = ?) "
                    "WHERE chat_id = (SELECT chat_id FROM deliveries WHERE id = ?)",
                    [delivery_id, delivery_id],
                )

    # -- watches -------------------------------------------------------------------------
    @_locked
    def add_watch(self, chat_id: int, name: str) -> bool:
        with self.db.conn:
            cursor = self.db.conn.execute("INSERT OR IGNORE INTO watches VALUES (?, ?, ?)", [chat_id, name, utcnow()])
        return cursor.rowcount > 0

    @_locked
    def remove_watch(self, chat_id: int, name: str) -> bool:
        with self.db.conn:
            cursor = self.db.conn.execute("DELETE FROM watches WHERE chat_id = ? AND name = ? COLLATE NOCASE",
                                          [chat_id, name])
        return cursor.rowcount > 0

    @_locked
    def watches(self, chat_id: int) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM watches WHERE chat_id = ? ORDER BY name", [chat_id])]

    # -- feeds ---------------------------------------------------------------------------
    @_locked
    def add_feed(self, url: str, *, title: str | None = None, added_by: int | None = None) -> tuple[int, bool]:
        """(feed id, created) — an already known URL returns its id."""
        with self.db.conn:
            cursor = self.db.conn.execute(
                "INSERT OR IGNORE INTO feeds (url, title, added_by, created_at, next_poll_at) VALUES (?, ?, ?, ?, ?)",
                [url, title, added_by, utcnow(), utcnow()],
            )
        if cursor.rowcount:
            return int(cursor.lastrowid), True
        return self.db.execute("SELECT id FROM feeds WHERE url = ?", [url]).fetchone()[0], False

    @_locked
    def feeds(self) -> list[FeedRow]:
        return [FeedRow(*r) for r in self.db.execute("SELECT * FROM feeds ORDER BY id")]

    @_locked
    def feed(self, feed_id: int) -> FeedRow | None:
        row = self.db.execute("SELECT * FROM feeds WHERE id = ?", [feed_id]).fetchone()
        return FeedRow(*row) if row else None

    @_locked
    def remove_feed(self, feed_id: int) -> bool:
        with self.db.conn:
            cursor = self.db.conn.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
        return cursor.rowcount > 0

    @_locked
    def update_feed(self, feed_id: int, **values: Any) -> None:
        allowed = {"title", "etag", "modified", "last_polled_at", "next_poll_at", "errors", "last_error", "entries_seen"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"unknown feed fields: {unknown}")
        if not values:
            return
        with self.db.conn:
            self.db.conn.execute(
                f"UPDATE feeds SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?", [*values.values(), feed_id]
            )

    @_locked
    def feed_entry_seen(self, feed_id: int, guid: str, url: str | None) -> bool:
        """True if this entry (by GUID in this feed, or by URL in any feed) was seen already."""
        row = self.db.execute("SELECT 1 FROM feed_entries WHERE feed_id = ? AND guid = ?", [feed_id, guid]).fetchone()
        if row is None and url:
            row = self.db.execute("SELECT 1 FROM feed_entries WHERE url = ?", [url]).fetchone()
        return row is not None

    @_locked
    def record_feed_entry(self, feed_id: int, guid: str, url: str | None, article_id: int | None) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT OR IGNORE INTO feed_entries (feed_id, guid, url, article_id, seen_at) VALUES (?, ?, ?, ?, ?)",
                [feed_id, guid, url, article_id, utcnow()],
            )

    # -- access control, audit, errors ---------------------------------------------------
    @_locked
    def set_role(self, user_id: int, role: str, *, added_by: int | None = None, name: str | None = None) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO users (user_id, role, name, added_by, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET role = excluded.role, added_by = excluded.added_by, "
                "name = COALESCE(excluded.name, users.name)",
                [user_id, role, name, added_by, utcnow()],
            )

    @_locked
    def role(self, user_id: int) -> str | None:
        row = self.db.execute("SELECT role FROM users WHERE user_id = ?", [user_id]).fetchone()
        return row[0] if row else None

    @_locked
    def remove_user(self, user_id: int) -> bool:
        with self.db.conn:
            return self.db.conn.execute("DELETE FROM users WHERE user_id = ?", [user_id]).rowcount > 0

    @_locked
    def users(self) -> list[tuple[int, str, str | None, int | None, str]]:
        """(user_id, role, name, added_by, created_at), owners first."""
        order = "CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'editor' THEN 2 ELSE 3 END"
        return [tuple(r) for r in self.db.execute(f"SELECT * FROM users ORDER BY {order}, user_id")]

    @_locked
    def allow_chat(self, chat_id: int, *, added_by: int | None = None) -> bool:
        with self.db.conn:
            return self.db.conn.execute("INSERT OR IGNORE INTO allowed_chats VALUES (?, ?, ?)",
                                        [chat_id, added_by, utcnow()]).rowcount > 0

    @_locked
    def deny_chat(self, chat_id: int) -> bool:
        with self.db.conn:
            return self.db.conn.execute("DELETE FROM allowed_chats WHERE chat_id = ?", [chat_id]).rowcount > 0

    @_locked
    def chat_allowed(self, chat_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM allowed_chats WHERE chat_id = ?", [chat_id]).fetchone() is not None

    @_locked
    def allowed_chats(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT chat_id FROM allowed_chats ORDER BY chat_id")]

    @_locked
    def get_setting(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM bot_settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    @_locked
    def put_setting(self, key: str, value: str) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT OR REPLACE INTO bot_settings VALUES (?, ?)", [key, value])

    @_locked
    def audit(self, actor_id: int | None, action: str, target: str | None = None, detail: str | None = None) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO audit (at, actor_id, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                                 [utcnow(), actor_id, action, target, detail])

    @_locked
    def audit_log(self, *, limit: int = 20, offset: int = 0) -> list[tuple[int, str, int | None, str, str | None, str | None]]:
        """(id, at, actor_id, action, target, detail), newest first."""
        return [tuple(r) for r in self.db.execute(
            "SELECT id, at, actor_id, action, target, detail FROM audit ORDER BY id DESC LIMIT ? OFFSET ?",
            [limit, offset])]

    @_locked
    def record_error(self, context: str, message: str, *, keep: int = 200) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO errors (at, context, message) VALUES (?, ?, ?)",
                                 [utcnow(), context[:200], message[:1000]])
            self.db.conn.execute("DELETE FROM errors WHERE id <= (SELECT MAX(id) FROM errors) - ?", [keep])

    @_locked
    def recent_errors(self, limit: int = 5) -> list[tuple[str, str, str]]:
        return [tuple(r) for r in self.db.execute(
            "SELECT at, context, message FROM errors ORDER BY id DESC LIMIT ?", [limit])]

    # -- export --------------------------------------------------------------------------
    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the whole database (SQLite online backup API), safe while in use."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        destination = sqlite3.connect(target)
        try:
            with self._lock:
                self.db.conn.backup(destination)
        finally:
            destination.close()
        return target

    def export_jsonl(self, handle) -> int:
        """Write every article (with its stored summaries) as JSON lines; returns the count."""
        count = 0
        for article in self.iter_articles():
            with self._lock:
                summaries = [
                    {"method": m, "sentences": n, "summary": json.loads(text)}
                    for m, n, text in self.db.execute(
                        "SELECT method, sentences, summary FROM summaries WHERE article_id = ?", [article.id])
                ]
            record = {k: getattr(article, k) for k in StoredArticle.__dataclass_fields__}
            record["warnings"] = list(article.warnings)
            record["summaries"] = summaries
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count

    # -- search --------------------------------------------------------------------------
    @_locked
    def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Full-text search (BM25 ranking); the query's words are matched literally.

        Ranking reads at most the newest ``SEARCH_WINDOW`` matches: a query matching more (one
        common word in a million articles) gets the best of the recent ones, at index speed.
        """
        quoted = self.db.quote_fts(query.replace("\x00", " "))  # FTS5 reads NUL as the end of the query
        if not quoted.strip('" '):
            return []
        oldest = self.db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            [quoted, SEARCH_WINDOW - 1]).fetchone()
        # rank inside the full-text index, then read rows and build snippets for the page only.
        # bm25 runs once, in ``page``: FTS5 recomputes its statistics (a pass over each word's
        # whole doclist) on every lookup, so ranking again per row of the page cost 6 such passes
        # (a 3-word query: 140 -> 45 ms with a warm cache). CROSS JOIN keeps the page driving.
        sql = (
            f"WITH page AS {_MATERIALIZED}(SELECT rowid AS id, bm25(articles_fts, 5.0, 1.0) AS rank "
            "FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? ORDER BY rank LIMIT ? OFFSET ?) "
            "SELECT articles.*, snippet(articles_fts, 1, '«', '»', '…', 16) AS snippet, page.rank AS rank "
            "FROM page CROSS JOIN articles_fts ON articles_fts.rowid = page.id AND articles_fts MATCH ? "
            "CROSS JOIN articles ON articles.rowid = page.id ORDER BY page.rank, page.id"
        )
        cursor = self.db.execute(sql, [quoted, oldest[0] if oldest else 0, limit, offset, quoted])
        columns = [c[0] for c in cursor.description]
        hits = []
        for values in cursor.fetchall():
            row = dict(zip(columns, values))
            hits.append(SearchHit(StoredArticle.from_row(row), row["snippet"], row["rank"]))
        return hits

    # -- health --------------------------------------------------------------------------
    @_locked
    def stats(self) -> ArchiveStats:
        stats = ArchiveStats(
            articles=self.db["articles"].count,
            summaries=self.db["summaries"].count,
            mentions=self.db["mentions"].count,
            events=self.db["events"].count,
            subscribers=self.db["subscriptions"].count,
            feeds=self.db["feeds"].count,
        )
        stats.entities = self.db.execute("SELECT COUNT(DISTINCT name) FROM mentions").fetchone()[0]
        stats.languages = dict(
            self.db.execute(
                "SELECT COALESCE(language, 'und'), COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        )
        if self.path != ":memory:":
            stats.size_bytes = sum(
                p.stat().st_size for p in Path(self.path).parent.glob(Path(self.path).name + "*")
            )
        return stats

    @_locked
    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def iter_articles(self, batch: int = 500) -> Iterator[StoredArticle]:
        """Every article in id order, read in batches (the lock is not held between them)."""
        last = 0
        while True:
            with self._lock:
                rows = list(self.db["articles"].rows_where("id > ?", [last], order_by="id", limit=batch))
            if not rows:
                return
            for row in rows:
                yield StoredArticle.from_row(row)
            last = rows[-1]["id"]

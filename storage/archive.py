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


@dataclass
class ArchiveStats:
    articles: int = 0
    summaries: int = 0
    mentions: int = 0
    entities: int = 0
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
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[StoredArticle]:
        """Articles, optionally ingested at or after ``since`` (ISO timestamp)."""
        where, params = ("ingested_at >= ?", [since]) if since else (None, [])
        order = "id DESC" if newest_first else "id"
        rows = self.db["articles"].rows_where(
            where, params, order_by=order, limit=limit, offset=offset or None
        )
        return [StoredArticle.from_row(row) for row in rows]

    @_locked
    def count_articles(self) -> int:
        return self.db["articles"].count

    @_locked
    def delete_article(self, article_id: int) -> None:
        """Delete an article with its summaries and mentions."""
        self.get_article(article_id)
        with self.db.conn:
            self.db.conn.execute("DELETE FROM articles WHERE id = ?", [article_id])

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
    ) -> None:
        """Store a summary and replace the article's mentions, in one transaction."""
        with self.db.conn:
            self._put_summary(article_id, method, sentences, summary)
            self.db.conn.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
            self.db.conn.executemany(
                'INSERT INTO mentions (article_id, name, surface, type, start, "end") '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(article_id, m.name, m.surface, m.type, m.start, m.end) for m in mentions],
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
            'SELECT name, surface, type, start, "end" FROM mentions WHERE article_id = ? ORDER BY start',
            [article_id],
        ).fetchall()
        return [MentionRow(*row) for row in rows]

    @_locked
    def top_entities(
        self, *, article_ids: Sequence[int] | None = None, limit: int = 10, types: Sequence[str] = ("PER", "ORG", "LOC")
    ) -> list[tuple[str, str, int, int]]:
        """(name, type, mentions, articles) of the most mentioned entities."""
        clauses = [f"type IN ({', '.join('?' * len(types))})"]
        params: list[Any] = list(types)
        if article_ids is not None:
            if not article_ids:
                return []
            clauses.append(f"article_id IN ({', '.join('?' * len(article_ids))})")
            params.extend(article_ids)
        sql = (
            "SELECT name, type, COUNT(*) AS n, COUNT(DISTINCT article_id) AS docs FROM mentions "
            f"WHERE {' AND '.join(clauses)} GROUP BY name, type ORDER BY n DESC, docs DESC, name LIMIT ?"
        )
        return [tuple(row) for row in self.db.execute(sql, [*params, limit]).fetchall()]

    # -- search --------------------------------------------------------------------------
    @_locked
    def search(self, query: str, *, limit: int = 10, offset: int = 0) -> list[SearchHit]:
        """Full-text search (BM25 ranking); the query's words are matched literally."""
        quoted = self.db.quote_fts(query)
        if not quoted.strip('" '):
            return []
        sql = (
            "SELECT articles.*, snippet(articles_fts, 1, '«', '»', '…', 16) AS snippet, "
            "bm25(articles_fts, 5.0, 1.0) AS rank "
            "FROM articles_fts JOIN articles ON articles.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?"
        )
        cursor = self.db.execute(sql, [quoted, limit, offset])
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

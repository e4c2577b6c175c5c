"""Named, transactional schema migrations (sqlite-utils ``Migrations``).

Append new migrations at the end; never edit one that has shipped. Each runs in a transaction
together with the record that it ran, so a failure leaves the schema as it was.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("briefing")


@migrations(name="0001_articles")
def articles(db: Database) -> None:
    """Articles, their summaries, entity mentions, and full-text search over title+text."""
    db.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT,
            url TEXT,
            language TEXT,
            published_at TEXT,
            ingested_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'text',
            warnings TEXT NOT NULL DEFAULT '[]',
            analysis_error TEXT
        );
        CREATE UNIQUE INDEX idx_articles_content_hash ON articles(content_hash);
        CREATE UNIQUE INDEX idx_articles_url ON articles(url) WHERE url IS NOT NULL;
        CREATE INDEX idx_articles_ingested_at ON articles(ingested_at);
        CREATE INDEX idx_articles_published_at ON articles(published_at);

        CREATE TABLE summaries (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            method TEXT NOT NULL,
            sentences INTEGER NOT NULL,
            summary TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, method, sentences)
        );

        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            surface TEXT NOT NULL,
            type TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL
        );
        CREATE INDEX idx_mentions_article ON mentions(article_id);
        CREATE INDEX idx_mentions_name ON mentions(name COLLATE NOCASE);
        """
    )
    db["articles"].enable_fts(
        ["title", "text"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
    )

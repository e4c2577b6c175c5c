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
            "end" INTEGER NOT NULL,
            form TEXT NOT NULL DEFAULT 'name'
        );
        CREATE INDEX idx_mentions_article ON mentions(article_id);
        CREATE INDEX idx_mentions_name ON mentions(name COLLATE NOCASE);
        """
    )
    db["articles"].enable_fts(
        ["title", "text"], create_triggers=True, tokenize="porter unicode61 remove_diacritics 2"
    )


@migrations(name="0002_events_roles_quotes")
def events_roles_quotes(db: Database) -> None:
    """Dated events (timeline), role descriptions and attributed quotes (dossiers)."""
    db.executescript(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            precision TEXT NOT NULL,
            date_start TEXT NOT NULL,
            date_end TEXT NOT NULL,
            explicit INTEGER NOT NULL,
            line TEXT NOT NULL,
            timex TEXT NOT NULL,
            entities TEXT NOT NULL DEFAULT '[]',
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            modifier TEXT,
            range_end TEXT
        );
        CREATE INDEX idx_events_article ON events(article_id);
        CREATE INDEX idx_events_span ON events(date_start, date_end);

        CREATE TABLE roles (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL
        );
        CREATE INDEX idx_roles_name ON roles(name COLLATE NOCASE);
        CREATE INDEX idx_roles_article ON roles(article_id);

        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            speaker TEXT NOT NULL,
            text TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL
        );
        CREATE INDEX idx_quotes_speaker ON quotes(speaker COLLATE NOCASE);
        CREATE INDEX idx_quotes_article ON quotes(article_id);

        CREATE INDEX idx_mentions_name_article ON mentions(name, article_id);
        """
    )


@migrations(name="0003_subscriptions_feeds")
def subscriptions_feeds(db: Database) -> None:
    """Digest subscriptions, their delivery ledger, watched entities, RSS/Atom feeds."""
    db.executescript(
        """
        CREATE TABLE subscriptions (
            chat_id INTEGER PRIMARY KEY,
            chat_type TEXT NOT NULL DEFAULT 'private',
            title TEXT,
            time TEXT NOT NULL,
            timezone TEXT NOT NULL,
            send_empty INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            period_start TEXT NOT NULL
        );

        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            slot TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            status TEXT NOT NULL,
            parts TEXT NOT NULL DEFAULT '[]',
            parts_sent INTEGER NOT NULL DEFAULT 0,
            in_flight INTEGER,
            created_at TEXT NOT NULL,
            finished_at TEXT,
            error TEXT,
            UNIQUE (chat_id, slot)
        );
        CREATE INDEX idx_deliveries_status ON deliveries(status);

        CREATE TABLE watches (
            chat_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, name)
        );

        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            etag TEXT,
            modified TEXT,
            added_by INTEGER,
            created_at TEXT NOT NULL,
            last_polled_at TEXT,
            next_poll_at TEXT,
            errors INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            entries_seen INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE feed_entries (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            guid TEXT NOT NULL,
            url TEXT,
            article_id INTEGER,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, guid)
        );
        CREATE INDEX idx_feed_entries_url ON feed_entries(url);
        """
    )


@migrations(name="0004_access_audit")
def access_audit(db: Database) -> None:
    """Roles, allowed chats, bot settings, the audit log and recent errors."""
    db.executescript(
        """
        CREATE TABLE users (
            user_id INTEGER PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'reader')),
            name TEXT,
            added_by INTEGER,
            created_at TEXT NOT NULL
        );

        CREATE TABLE allowed_chats (
            chat_id INTEGER PRIMARY KEY,
            added_by INTEGER,
            created_at TEXT NOT NULL
        );

        CREATE TABLE bot_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER,
            action TEXT NOT NULL,
            target TEXT,
            detail TEXT
        );
        CREATE INDEX idx_audit_at ON audit(at);

        CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            context TEXT NOT NULL,
            message TEXT NOT NULL
        );
        """
    )

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


@migrations(name="0005_query_indexes")
def query_indexes(db: Database) -> None:
    """What keeps /who, /timeline and /entities fast on a million articles.

    * ``entity_counts``: mentions and articles per (name, type), kept by triggers, so the entity
      index is read from a small table instead of grouping every mention;
    * ``event_entities``: one row per (entity, event) in date order, kept by triggers, so a
      timeline reads an index range instead of parsing every event's JSON;
    * ``idx_articles_seen``: articles by the date a dossier sorts on (publish date, else ingest);
    * role and quote look-ups by exact name (the NOCASE indexes could not serve ``IN``);
      the unused NOCASE index on mention names goes.
    """
    db.executescript(
        """
        CREATE TABLE entity_counts (
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            articles INTEGER NOT NULL,
            PRIMARY KEY (name, type)
        ) WITHOUT ROWID;
        INSERT INTO entity_counts (name, type, mentions, articles)
            SELECT name, type, COUNT(*), COUNT(DISTINCT article_id) FROM mentions GROUP BY name, type;

        CREATE TRIGGER mentions_counted AFTER INSERT ON mentions BEGIN
            INSERT INTO entity_counts (name, type, mentions, articles) VALUES (
                NEW.name, NEW.type, 1,
                NOT EXISTS (SELECT 1 FROM mentions WHERE name = NEW.name AND article_id = NEW.article_id
                            AND type = NEW.type AND id != NEW.id))
            ON CONFLICT (name, type) DO UPDATE SET
                mentions = mentions + 1, articles = articles + excluded.articles;
        END;
        CREATE TRIGGER mentions_uncounted AFTER DELETE ON mentions BEGIN
            UPDATE entity_counts SET
                mentions = mentions - 1,
                articles = articles - NOT EXISTS (SELECT 1 FROM mentions WHERE name = OLD.name
                                                  AND article_id = OLD.article_id AND type = OLD.type)
            WHERE name = OLD.name AND type = OLD.type;
            DELETE FROM entity_counts WHERE name = OLD.name AND type = OLD.type AND mentions <= 0;
        END;

        CREATE TABLE event_entities (
            name TEXT NOT NULL,
            date_start TEXT NOT NULL,
            date_end TEXT NOT NULL,
            event_id INTEGER NOT NULL,
            PRIMARY KEY (name, date_start, date_end, event_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO event_entities (name, date_start, date_end, event_id)
            SELECT j.value, e.date_start, e.date_end, e.id FROM events e, json_each(e.entities) j
            WHERE j.type = 'text';

        CREATE TRIGGER events_indexed AFTER INSERT ON events BEGIN
            INSERT OR IGNORE INTO event_entities (name, date_start, date_end, event_id)
                SELECT j.value, NEW.date_start, NEW.date_end, NEW.id FROM json_each(NEW.entities) j
                WHERE j.type = 'text';
        END;
        CREATE TRIGGER events_unindexed AFTER DELETE ON events BEGIN
            DELETE FROM event_entities WHERE date_start = OLD.date_start AND date_end = OLD.date_end
                AND event_id = OLD.id AND name IN (SELECT j.value FROM json_each(OLD.entities) j);
        END;

        CREATE INDEX idx_articles_seen ON articles(COALESCE(published_at, ingested_at), id);

        DROP INDEX idx_roles_name;
        CREATE INDEX idx_roles_name_article ON roles(name, article_id);
        DROP INDEX idx_quotes_speaker;
        CREATE INDEX idx_quotes_speaker_article ON quotes(speaker, article_id);
        DROP INDEX idx_mentions_name;
        """
    )


@migrations(name="0006_digest_indexes")
def digest_indexes(db: Database) -> None:
    """What keeps a week's /digest fast on a million articles.

    * ``story_terms``: each article's title-and-lede words as 64-bit hashes (written at ingest,
      filled by the first digest that needs them), so grouping a digest's stories reads bytes
      instead of tokenising a thousand ledes;
    * mentions by article with their type and name: counting the entities of a period's articles
      reads the index alone (it replaces the index on ``article_id`` only);
    * articles' dates by id: a dossier finds a name's first, last and newest articles in a small
      index instead of reading each article's row (measured on a cold page cache: /who of a
      rarely named person 170 -> 106 ms);
    * role lines by name with their text: a dossier's role line reads one index range;
    * articles' citation fields by id (200 MB for a million articles, against 11 GB of rows): a
      timeline cites the articles of its 500 events from it (cold cache: p50 64 -> 41 ms).
    """
    db.executescript(
        """
        CREATE TABLE story_terms (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            terms BLOB NOT NULL
        );
        CREATE INDEX idx_mentions_article_entity ON mentions(article_id, type, name);
        DROP INDEX idx_mentions_article;
        CREATE INDEX idx_articles_dates ON articles(id, published_at, ingested_at);
        CREATE INDEX idx_articles_citation ON articles(id, title, source, url, published_at);
        DROP INDEX idx_roles_name_article;
        CREATE INDEX idx_roles_name_article_description ON roles(name, article_id, description);
        """
    )

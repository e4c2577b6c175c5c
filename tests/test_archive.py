"""storage.Archive on a real SQLite file."""

import sqlite3
import threading

import pytest

from storage import (
    Archive, ArticleNotFound, DatabaseUnavailable, MentionRow, NewArticle, SchemaTooNew,
)


def test_new_archive_has_schema_wal_and_fts(db_path):
    from storage.migrations import migrations

    names = [m.name for m in migrations._migrations]
    archive = Archive(db_path)
    assert archive.schema_version == len(names) >= 3
    assert archive.applied_migrations() == names
    assert names[0] == "0001_articles" and names == sorted(names)
    assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert archive.db.execute("PRAGMA user_version").fetchone()[0] == len(names)
    assert {"articles", "summaries", "mentions", "articles_fts", "events", "subscriptions", "deliveries",
            "feeds"} <= set(archive.db.table_names())
    archive.close()
    # reopening applies nothing twice
    again = Archive(db_path)
    assert again.schema_version == len(names)
    again.close()


def test_same_text_or_url_is_stored_once(archive):
    first = archive.add_article(NewArticle("A", "Some story text.", url="https://x.test/a"))
    assert first.created
    same_text = archive.add_article(NewArticle("B", "  SOME   story text.  "))
    assert (same_text.id, same_text.created, same_text.matched_on) == (first.id, False, "text")
    same_url = archive.add_article(NewArticle("C", "Different words.", url="https://x.test/a"))
    assert (same_url.id, same_url.created, same_url.matched_on) == (first.id, False, "url")
    assert archive.count_articles() == 1


def test_articles_without_url_do_not_collide(archive):
    assert archive.add_article(NewArticle("A", "One.")).created
    assert archive.add_article(NewArticle("B", "Two.")).created
    assert archive.count_articles() == 2


def test_get_and_delete_raise_named_error(archive):
    with pytest.raises(ArticleNotFound, match="#42"):
        archive.get_article(42)
    with pytest.raises(ArticleNotFound):
        archive.delete_article(42)


def test_delete_cascades_to_summaries_and_mentions(archive):
    added = archive.add_article(NewArticle("T", "France said so."))
    archive.save_analysis(added.id, method="lead", sentences=1, summary=["France said so."],
                          mentions=[MentionRow("France", "France", "LOC", 0, 6)])
    assert archive.get_summary(added.id, "lead", 1) == ["France said so."]
    assert archive.top_entities() == [("France", "LOC", 1, 1)]
    archive.delete_article(added.id)
    assert archive.db["summaries"].count == 0
    assert archive.db["mentions"].count == 0
    assert archive.search("France") == []


def test_search_ranks_title_matches_and_tolerates_fts_syntax(archive):
    archive.add_article(NewArticle("Budget vote", "The council met."))
    archive.add_article(NewArticle("Weather", "Rain and the budget were discussed."))
    hits = archive.search("budget")
    assert [h.article.title for h in hits] == ["Budget vote", "Weather"]
    assert "«budget»" in hits[1].snippet.lower()
    for nasty in ['"', "AND OR NOT", "budget*", "NEAR(", "'; DROP TABLE articles; --", "()"]:
        archive.search(nasty)  # no sqlite3.OperationalError
    assert archive.count_articles() == 2


def test_search_matches_without_diacritics_and_with_stemming(archive):
    archive.add_article(NewArticle("T", "Théo Clerc was pardoned by the presidents."))
    assert len(archive.search("theo")) == 1
    assert len(archive.search("president")) == 1


def test_articles_since_filter(archive):
    archive.add_article(NewArticle("Old", "Old text."))
    archive.db.execute("UPDATE articles SET ingested_at = '2020-01-01T00:00:00+00:00'")
    archive.db.conn.commit()
    archive.add_article(NewArticle("New", "New text."))
    assert [a.title for a in archive.articles(since="2021-01-01")] == ["New"]
    assert [a.title for a in archive.articles(newest_first=False)] == ["Old", "New"]


def test_threads_share_one_archive(archive):
    errors = []

    def worker(n):
        try:
            for i in range(20):
                archive.add_article(NewArticle(f"T{n}-{i}", f"Text {n} {i}."))
                archive.search("text")
        except Exception as error:  # pragma: no cover - the assertion reports it
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert archive.count_articles() == 80
    assert archive.integrity_ok()


def test_not_an_archive_and_newer_schema_are_refused(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseUnavailable):
        Archive(garbage)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseUnavailable, match="not a briefing archive"):
        Archive(other)
    newer = tmp_path / "newer.db"
    Archive(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('briefing', '9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew):
        Archive(newer)


def test_iter_articles_reads_everything_in_batches(archive):
    for i in range(7):
        archive.add_article(NewArticle(f"T{i}", f"Text {i}."))
    assert [a.title for a in archive.iter_articles(batch=3)] == [f"T{i}" for i in range(7)]


def test_upgrade_from_first_schema_keeps_data(db_path):
    """A database at migration 1 (the first release) is upgraded in place on open."""
    from sqlite_utils import Database

    from storage.migrations import migrations

    db = Database(db_path)
    migrations.apply(db, stop_before="0002_events_roles_quotes")
    db["articles"].insert({"title": "Old", "text": "Old text.", "ingested_at": "2020-01-01T00:00:00+00:00",
                           "content_hash": "h"})
    db.close()
    archive = Archive(db_path)
    assert archive.schema_version == len(migrations._migrations)
    assert archive.get_article(1).title == "Old"
    assert archive.search("old")[0].article.id == 1


def test_version_changes_on_add_and_delete(archive):
    before = archive.version()
    added = archive.add_article(NewArticle("T", "Some text."))
    after_add = archive.version()
    archive.delete_article(added.id)
    after_delete = archive.version()
    assert len({before, after_add, after_delete}) == 3

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
            "feeds", "entity_counts", "event_entities", "story_terms"} <= set(archive.db.table_names())
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


def _event(day: str, line: str, *entities: str):
    from storage import EventRow

    return EventRow(day, "day", day, day, True, line, day, tuple(entities), 0, len(line))


def _ground_truth(archive: Archive) -> tuple[list, list]:
    """entity_counts and event_entities recomputed from the base tables."""
    counts = archive.db.execute(
        "SELECT name, type, COUNT(*), COUNT(DISTINCT article_id) FROM mentions GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    links = archive.db.execute(
        "SELECT DISTINCT j.value, e.date_start, e.date_end, e.id FROM events e, json_each(e.entities) j "
        "ORDER BY 1, 2, 3, 4").fetchall()
    return counts, links


def _aggregates(archive: Archive) -> tuple[list, list]:
    return (archive.db.execute("SELECT name, type, mentions, articles FROM entity_counts ORDER BY 1, 2").fetchall(),
            archive.db.execute("SELECT * FROM event_entities ORDER BY 1, 2, 3, 4").fetchall())


def test_entity_and_event_indexes_follow_inserts_reanalysis_and_deletes(archive):
    """The trigger-kept tables always equal what they summarise, whatever happens to articles."""
    ids = [archive.add_article(NewArticle(f"T{i}", f"Story {i}.")).id for i in range(3)]
    france = MentionRow("France", "France", "LOC", 0, 6)
    archive.save_analysis(ids[0], method="lead", sentences=1, summary=[], mentions=[france, france,
                          MentionRow("Paris", "Paris", "LOC", 9, 14)],
                          events=[_event("2025-05-27", "France votes.", "France", "France"),
                                  _event("2025-06-01", "Paris and France.", "Paris", "France")])
    archive.save_analysis(ids[1], method="lead", sentences=1, summary=[], mentions=[france],
                          events=[_event("2024-01-01", "Earlier.", "France")])
    assert _aggregates(archive) == _ground_truth(archive)
    assert archive.entity_names() == [("France", "LOC", 3), ("Paris", "LOC", 1)]
    # a re-analysis replaces rows: counts go down, then up, and the cache key moves
    before = archive.version()
    archive.save_analysis(ids[0], method="lead", sentences=1, summary=[], mentions=[france],
                          events=[_event("2025-05-27", "France votes.", "France")])
    assert archive.version() != before
    assert _aggregates(archive) == _ground_truth(archive)
    archive.delete_article(ids[1])
    assert _aggregates(archive) == _ground_truth(archive)
    assert archive.entity_names() == [("France", "LOC", 1)]
    archive.delete_article(ids[0])
    assert _aggregates(archive) == ([], [])


def test_upgrade_to_query_indexes_backfills_them(db_path):
    """Migration 0005 fills entity_counts and event_entities from an archive that predates it."""
    from sqlite_utils import Database

    from storage.migrations import migrations

    db = Database(db_path)
    migrations.apply(db, stop_before="0005_query_indexes")
    old = Archive.__new__(Archive)  # rows written through the old schema, as an old release did
    old.db, old.path, old._lock = db, db_path, threading.RLock()
    added = old.add_article(NewArticle("T", "France and Paris."))
    old.save_analysis(added.id, method="lead", sentences=1, summary=[],
                      mentions=[MentionRow("France", "France", "LOC", 0, 6), MentionRow("Paris", "Paris", "LOC", 11, 16)],
                      events=[_event("2025-05-27", "France and Paris.", "France", "Paris")])
    db.close()
    archive = Archive(db_path)
    assert _aggregates(archive) == _ground_truth(archive) != ([], [])
    assert [e.line for e in archive.events(entities=["Paris"])] == ["France and Paris."]


def test_events_by_entity_page_from_either_end_and_count(archive):
    added = archive.add_article(NewArticle("T", "Many dated events."))
    days = [f"2025-01-{d:02d}" for d in range(1, 21)]
    events = [_event(day, f"France on {day}.", "France") for day in days]
    events += [_event(day, f"French on {day}.", "French") for day in days[::2]]  # an alias, same days
    archive.save_analysis(added.id, method="lead", sentences=1, summary=[], mentions=[], events=events)
    both = ["France", "French"]
    earliest = archive.events(entities=both, limit=4)
    assert [e.date for e in earliest] == ["2025-01-01", "2025-01-01", "2025-01-02", "2025-01-03"]
    latest = archive.events(entities=both, limit=3, newest_first=True)
    assert [e.date for e in latest] == ["2025-01-19", "2025-01-19", "2025-01-20"]  # still in date order
    window = archive.events(entities=["France"], date_from="2025-01-05", date_to="2025-01-07")
    assert [e.date for e in window] == ["2025-01-05", "2025-01-06", "2025-01-07"]
    assert archive.count_events(entities=both) == 30
    assert archive.count_events(entities=["France"], date_from="2025-01-05", date_to="2025-01-07") == 3
    assert archive.count_events(date_from="2025-01-19") == 3
    assert [e.date for e in archive.events(limit=2, newest_first=True)] == ["2025-01-19", "2025-01-20"]


def test_search_pages_are_consistent(archive):
    for i in range(12):
        archive.add_article(NewArticle(f"Budget vote {i}", "The budget " * (i + 1) + "passed."))
    everything = [h.article.id for h in archive.search("budget", limit=50)]
    pages = [h.article.id for offset in range(0, 12, 5) for h in archive.search("budget", limit=5, offset=offset)]
    assert len(everything) == 12 and pages == everything


def test_articles_mentioning_uses_either_plan_with_the_same_answer(archive, monkeypatch):
    for i in range(6):
        added = archive.add_article(NewArticle(f"T{i}", f"France story {i}.", published_at=f"2025-0{i + 1}-01"))
        mentions = [MentionRow("France", "France", "LOC", 0, 6)] * (1 + i % 2) if i != 3 else []
        archive.save_analysis(added.id, method="lead", sentences=1, summary=[], mentions=mentions)
    by_mentions = (archive.articles_mentioning(["France"]), archive.entity_span(["France"]))
    monkeypatch.setattr(Archive, "_articles_known", lambda self, names: 10**9)  # walk the articles instead
    assert (archive.articles_mentioning(["France"]), archive.entity_span(["France"])) == by_mentions
    assert [a.article_id for a in by_mentions[0]] == [6, 5, 3, 2, 1]
    assert by_mentions[1] == ("2025-01-01", "2025-06-01", 7)


def test_search_ranks_only_the_newest_matches_of_a_common_word(archive, monkeypatch):
    import storage.archive as module

    monkeypatch.setattr(module, "SEARCH_WINDOW", 3)
    best = archive.add_article(NewArticle("Budget budget budget", "Budget, budget and budget.")).id
    newer = [archive.add_article(NewArticle(f"Story {i}", f"The budget, item {i}.")).id for i in range(4)]
    hits = [h.article.id for h in archive.search("budget", limit=10)]
    assert sorted(hits) == newer[-3:] and best not in hits  # the newest three, ranked
    assert [h.article.id for h in archive.search("budget item 0")] == [newer[0]]  # a narrower query reaches back


def test_top_entities_of_given_articles_by_either_index(archive):
    """Counting given articles' entities reads their mentions; counting a few names reads the names'
    mentions within the articles' id range: both agree with counting every row."""
    import random

    rng = random.Random(5)
    names = [("France", "LOC"), ("Paris", "LOC"), ("Jordan", "PER"), ("Jordan", "LOC"), ("UN", "ORG"), ("Euro", "MISC")]
    ids = [archive.add_article(NewArticle(f"T{i}", f"Story {i}.")).id for i in range(30)]
    for article_id in ids:
        archive.save_analysis(article_id, method="lead", sentences=1, summary=[], mentions=[
            MentionRow(name, name, kind, 0, 1) for name, kind in rng.choices(names, k=rng.randint(0, 6))])
    chosen = sorted(rng.sample(ids, 12))

    truth = archive.db.execute(
        f"SELECT name, type, COUNT(*), COUNT(DISTINCT article_id) FROM mentions NOT INDEXED WHERE article_id IN "
        f"({', '.join(map(str, chosen))}) AND type != 'MISC' GROUP BY 1, 2").fetchall()
    assert sorted(archive.top_entities(article_ids=chosen, limit=100)) == sorted(truth)
    only = ["Jordan", "Euro", "Nowhere"]
    assert sorted(archive.top_entities(article_ids=chosen, names=only, limit=100)) == sorted(
        row for row in truth if row[0] in only)
    assert archive.top_entities(article_ids=[], names=only) == [] == archive.top_entities(article_ids=chosen, names=[])


def test_quotes_of_a_speaker_newest_articles_first_by_either_plan(archive, monkeypatch):
    """Few quotes: the newest articles' quotes are read from indexes first; many: articles are
    walked by date. Both give what sorting every quote would."""
    import random

    import storage.archive as archive_module
    from storage import QuoteRow

    rng = random.Random(3)
    for i in range(40):
        added = archive.add_article(NewArticle(f"T{i}", f"Story {i}."))
        day = f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}" if rng.random() < 0.8 else None
        archive.db.execute("UPDATE articles SET published_at = ? WHERE id = ?", [day, added.id])
        quotes = [QuoteRow(rng.choice(["Ann Lee", "Bo Li", "Lee"]), f"Quote {i}.{k}", (3 - k) * 100, 0)
                  for k in range(rng.randint(0, 3))]
        archive.save_analysis(added.id, method="lead", sentences=1, summary=[], mentions=[], quotes=quotes)
    archive.db.conn.commit()
    names = ["Ann Lee", "Lee"]
    every = archive.db.execute(
        "SELECT q.text, q.article_id, q.speaker FROM quotes q JOIN articles a ON a.id = q.article_id "
        "WHERE q.speaker IN ('Ann Lee', 'Lee') ORDER BY COALESCE(a.published_at, a.ingested_at) DESC, "
        "q.article_id DESC, q.start").fetchall()
    for few in (10_000, 0):  # read the newest articles' quotes; walk articles by date
        monkeypatch.setattr(archive_module, "FEW_QUOTES", few)
        monkeypatch.setattr(archive_module, "RANDOM_READ_COST", 0 if few else 100)  # a read costs nothing
        for limit in (1, 5, 200):
            assert archive.quotes_for(names, limit=limit) == [tuple(row) for row in every[:limit]], (few, limit)


def test_entity_names_can_be_read_one_by_one_on_a_connection_of_their_own(archive):
    ids = [archive.add_article(NewArticle(f"T{i}", f"Story {i}.")).id for i in range(2)]
    archive.save_analysis(ids[0], method="lead", sentences=1, summary=[], mentions=[
        MentionRow("France", "France", "LOC", 0, 6), MentionRow("Ilham Aliyev", "Ilham Aliyev", "PER", 9, 21)])
    archive.save_analysis(ids[1], method="lead", sentences=1, summary=[], mentions=[
        MentionRow("France", "France", "LOC", 0, 6)])
    rows = archive.each_entity_name()
    assert next(rows) == ("France", "LOC", 2)
    archive.delete_article(ids[1])  # the writer goes on while the reader is open
    assert list(rows) == [("Ilham Aliyev", "PER", 1)]
    assert list(archive.each_entity_name()) == archive.entity_names() == [("France", "LOC", 1),
                                                                          ("Ilham Aliyev", "PER", 1)]
    memory = Archive(":memory:")
    assert list(memory.each_entity_name()) == []
    memory.close()

"""The plans that keep /who and /search cheap on a cold page cache give the plain answer.

A dossier finds a name's newest articles, its first and last publish dates and its newest quotes
either by reading all its articles' dates or by walking articles in date order; a walk has a
budget of steps, after which it reads instead (or, for a frequent name, walks on). Every way
must give what sorting every row would.
"""

import random

import pytest

import storage.archive as archive_module
from storage import Archive, MentionRow, NewArticle, QuoteRow

SEEN = "COALESCE(a.published_at, a.ingested_at)"


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """600 articles over two years; names spread evenly, bunched in the oldest articles, or whose
    newest articles have no publish date; quotes likewise."""
    archive = Archive(tmp_path_factory.mktemp("cold") / "cold.db")
    rng = random.Random(11)
    for i in range(600):
        day = f"{2023 + i // 300}-{1 + (i // 25) % 12:02d}-{1 + i % 25:02d}"
        published = None if rng.random() < 0.1 or (i > 560 and i % 2) else day
        added = archive.add_article(NewArticle(f"T{i}", f"Story {i} about things.", published_at=published))
        names = [("Spread Name", "PER")] if i % 7 == 0 else []
        if i < 40:
            names.append(("Old Name", "PER"))
        if i % 97 == 5:
            names.append(("Rare Name", "ORG"))
        if i > 560 and i % 2:
            names.append(("Undated Lately", "PER"))
        if i % 3 == 0 and i < 100:
            names.append(("Undated Lately", "PER"))
        mentions = [MentionRow(name, name, kind, k, k + 1) for k, (name, kind) in enumerate(names)]
        quotes = [QuoteRow(speaker, f"Quote {i}.{k}", (3 - k) * 10, (3 - k) * 10 + 5)
                  for k, speaker in enumerate([n for n, _ in names if n != "Rare Name"][:2])]
        archive.save_analysis(added.id, method="lead", sentences=1, summary=[], mentions=mentions, quotes=quotes)
    yield archive
    archive.close()


NAMES = [["Spread Name"], ["Old Name"], ["Rare Name"], ["Undated Lately"], ["Old Name", "Rare Name"], ["Nobody"]]


def truth_articles(archive, names, limit):
    marks = ", ".join("?" * len(names))
    rows = archive.db.execute(
        f"SELECT a.id FROM articles a NOT INDEXED WHERE a.id IN (SELECT article_id FROM mentions WHERE name IN "
        f"({marks})) ORDER BY {SEEN} DESC, a.id DESC LIMIT ?", [*names, limit]).fetchall()
    return [row[0] for row in rows]


def truth_span(archive, names):
    marks = ", ".join("?" * len(names))
    dates = archive.db.execute(
        f"SELECT a.published_at FROM articles a NOT INDEXED WHERE a.published_at IS NOT NULL AND a.id IN "
        f"(SELECT article_id FROM mentions WHERE name IN ({marks})) ORDER BY {SEEN}, a.id", list(names)).fetchall()
    mentions = archive.db.execute(f"SELECT COUNT(*) FROM mentions WHERE name IN ({marks})", list(names)).fetchone()[0]
    return (dates[0][0] if dates else None), (dates[-1][0] if dates else None), mentions


def truth_quotes(archive, names, limit):
    marks = ", ".join("?" * len(names))
    rows = archive.db.execute(
        f"SELECT q.text, q.article_id, q.speaker FROM quotes q JOIN articles a NOT INDEXED ON a.id = q.article_id "
        f"WHERE q.speaker IN ({marks}) ORDER BY {SEEN} DESC, q.article_id DESC, q.start LIMIT ?",
        [*names, limit]).fetchall()
    return [tuple(row) for row in rows]


# read everything; walk with a budget that covers the archive; walk with a budget too small,
# then read; walk with a budget too small, then walk on
PLANS = {
    "read": {"RANDOM_READ_COST": 0},
    "walk": {"RANDOM_READ_COST": 10**9},
    "walk, then read": {"RANDOM_READ_COST": 10**9, "budget": 3, "fallback": True},
    "walk, then walk on": {"RANDOM_READ_COST": 10**9, "budget": 3, "fallback": False},
}


def use_plan(monkeypatch, plan):
    settings = PLANS[plan]
    monkeypatch.setattr(archive_module, "RANDOM_READ_COST", settings["RANDOM_READ_COST"])
    if "budget" in settings:
        real = Archive._walk_budget
        monkeypatch.setattr(Archive, "_walk_budget", lambda self, known, wanted: (
            None if real(self, known, wanted) is None else settings["budget"]))
        monkeypatch.setattr(Archive, "_walk_fallback", lambda self, known: settings["fallback"])
        monkeypatch.setattr(archive_module, "FEW_QUOTES", 10**9 if settings["fallback"] else 0)


@pytest.mark.parametrize("plan", list(PLANS))
def test_newest_articles_and_span_of_a_name_by_every_plan(filled, monkeypatch, plan):
    use_plan(monkeypatch, plan)
    for names in NAMES:
        for limit in (1, 5, 20):
            assert [a.article_id for a in filled.articles_mentioning(names, limit=limit)] == truth_articles(
                filled, names, limit), (plan, names, limit)
        assert filled.entity_span(names) == truth_span(filled, names), (plan, names)
    everything = filled.articles_mentioning(["Spread Name"])  # no limit: all of them
    assert [a.article_id for a in everything] == truth_articles(filled, ["Spread Name"], 10**6)
    assert all(a.mentions == 1 for a in everything)


@pytest.mark.parametrize("plan", list(PLANS))
def test_newest_quotes_of_a_speaker_by_every_plan(filled, monkeypatch, plan):
    use_plan(monkeypatch, plan)
    for names in NAMES:
        for limit in (1, 5, 20):
            assert filled.quotes_for(names, limit=limit) == truth_quotes(filled, names, limit), (plan, names, limit)


def test_related_entities_come_from_the_newest_articles_only(filled):
    """co_mentions counts the other names of the name's newest ``RELATED_ARTICLES`` articles."""
    everything = filled.co_mentions(["Spread Name"], limit=10, article_limit=10**6)
    newest = filled.co_mentions(["Spread Name"], limit=10, article_limit=5)
    assert {row[0] for row in everything} == {"Old Name", "Rare Name", "Undated Lately"}
    assert sum(row[3] for row in newest) <= 5 * 3
    assert filled.co_mentions(["Spread Name"], limit=10) == filled.co_mentions(
        ["Spread Name"], limit=10, article_limit=archive_module.RELATED_ARTICLES)


def test_search_ranks_once_and_gives_what_ranking_per_row_gave(archive):
    """The page is ranked in a subquery and its rows and snippets read after: the same hits,
    ranks and snippets as the single statement that ranked every row again."""
    rng = random.Random(2)
    words = ["budget", "vote", "river", "minister", "harbour", "strike", "museum", "Baku"]
    for i in range(120):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        archive.add_article(NewArticle(f"{rng.choice(words)} {i}", f"{body}.", url=f"https://x.test/{i}"))
    old_sql = (
        "SELECT articles.id, snippet(articles_fts, 1, '«', '»', '…', 16), bm25(articles_fts, 5.0, 1.0) AS rank "
        "FROM articles_fts JOIN articles ON articles.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ? AND articles_fts.rowid IN ("
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= 0 "
        "ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ? OFFSET ?) ORDER BY rank")
    for query in ("budget", "vote river", "minister strike museum", "Baku", "nothing here"):
        quoted = archive.db.quote_fts(query)
        for limit, offset in ((6, 0), (5, 5), (50, 0)):
            hits = archive.search(query, limit=limit, offset=offset)
            old = archive.db.execute(old_sql, [quoted, quoted, limit, offset]).fetchall()
            assert {(h.article.id, h.snippet, h.rank) for h in hits} == set(old), (query, limit, offset)
            assert [h.rank for h in hits] == sorted(h.rank for h in hits)

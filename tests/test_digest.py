"""Digest building: story clustering, watched entities first, entity trends, periods."""

from bot.briefings.digest import cluster_stories, trend
from storage import Archive

PARDON_A = ("Azerbaijan pardons French national Theo Clerc\nPresident Ilham Aliyev pardoned the French citizen "
            "convicted of graffiti on a Baku metro train. The pardon was announced on Tuesday.")
PARDON_B = ("Aliyev pardons Frenchman jailed over Baku metro graffiti\nAzerbaijani President Ilham Aliyev on Tuesday "
            "pardoned Theo Clerc, a French national sentenced for spray-painting a metro train in Baku.")
BUDGET = ("City council passes budget\nThe city council of Lyon approved next year's budget after a long debate "
          "about schools, roads and public transport spending.")


def test_same_story_clusters_and_different_stories_do_not():
    assert cluster_stories([PARDON_A, BUDGET, PARDON_B]) == [[0, 2], [1]]
    assert cluster_stories([]) == []
    assert cluster_stories([BUDGET]) == [[0]]


def test_trend_labels():
    assert [trend(3, 0), trend(0, 0), trend(5, 2), trend(2, 5), trend(4, 4)] == ["new", "=", "+3", "−3", "="]


def _age(archive: Archive, article_id: int, when: str) -> None:
    archive.db.execute("UPDATE articles SET ingested_at = ? WHERE id = ?", [when, article_id])
    archive.db.conn.commit()


def test_digest_clusters_sources_and_puts_watched_first(briefings):
    a = briefings.ingest_text(PARDON_A, source="Wire A")
    b = briefings.ingest_text(PARDON_B, source="Wire B")
    c = briefings.ingest_text(BUDGET, source="Lyon Daily")
    digest = briefings.digest()
    assert digest.total_articles == 3
    assert [item.sources for item in digest.items] == [2, 1]
    pardon = digest.items[0]
    assert pardon.id == a.article_id and [cite.article_id for cite in pardon.also] == [b.article_id]
    watched = briefings.digest(watch=["Lyon"])
    assert watched.items[0].id == c.article_id and watched.items[0].watched == ["Lyon"]


def test_digest_period_and_entity_change(briefings):
    old = briefings.ingest_text(PARDON_A)
    _age(briefings.archive, old.article_id, "2026-01-01T09:00:00+00:00")
    new = briefings.ingest_text(BUDGET + " Aliyev was not mentioned in Lyon.")
    _age(briefings.archive, new.article_id, "2026-01-02T09:00:00+00:00")
    digest = briefings.digest(since="2026-01-02", until="2026-01-03")
    assert [item.id for item in digest.items] == [new.article_id]
    changes = {e.name: (e.mentions, e.previous, e.change) for e in digest.top_entities}
    assert changes["Lyon"] == (2, 0, "new")
    assert briefings.digest(since="2026-01-03").items == []
    everything = briefings.digest()
    assert all(e.previous is None for e in everything.top_entities)  # no previous period to compare


def test_digest_carries_merged_timeline_events(seeded):
    events = seeded.digest().events
    assert "2025-05-27" in [e.date for e in events]
    war = [e for e in events if e.date == "2020-09" and "Karabakh" in e.line]
    assert len(war) == 1 and len(war[0].sources) == 2


def test_watch_by_alias_puts_the_story_first(briefings):
    briefings.ingest_text(BUDGET + " The mayor spoke for an hour about the tramway extension.")
    pardon = briefings.ingest_text(PARDON_B)
    digest = briefings.digest(watch=["Aliyev"])  # a surname: linked to Ilham Aliyev
    assert digest.items[0].id == pardon.article_id and digest.items[0].watched == ["Ilham Aliyev"]


def test_a_digest_over_the_cap_groups_the_newest_and_says_so(briefings, monkeypatch):
    import bot.briefings.service as service
    from bot.telegram import render

    monkeypatch.setattr(service, "MAX_DIGEST_ARTICLES", 3)
    ids = [briefings.ingest_text(f"Story {i}\n\nThe harbour board met about pier {i} and voted on it.").article_id
           for i in range(5)]
    digest = briefings.digest()
    assert (digest.total_articles, digest.grouped, digest.capped) == (5, 3, True)
    assert {item.id for item in digest.items} <= set(ids[-3:])  # the newest three
    assert "from 5 article(s) (the newest 3 grouped)" in render.digest_reply(digest)
    monkeypatch.setattr(service, "MAX_DIGEST_ARTICLES", 10)
    assert not briefings.digest().capped

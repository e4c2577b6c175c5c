"""Digest building: story clustering, watched entities first, entity trends, periods."""

import math
import random
import subprocess
import sys
from dataclasses import replace

import pytest

from bot.briefings import digest as digest_module
from bot.briefings.digest import cluster_stories, cluster_terms, story_terms, trend
from storage import Archive, MentionRow

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


def _plain_clusters(texts: list[str], threshold: float) -> tuple[list[list[int]], float]:
    """The definition, written plainly: TF-IDF (smooth idf) cosine, single link; and the smallest
    distance of any pair's cosine to the threshold (a test needs no pair sitting on it)."""
    import re

    docs = [[w.casefold() for w in re.findall(r"[^\W\d_]{3,}", t)] for t in texts]
    n = len(docs)
    df: dict[str, int] = {}
    for words in docs:
        for word in set(words):
            df[word] = df.get(word, 0) + 1
    vectors = []
    for words in docs:
        vector = {w: words.count(w) * (math.log((1 + n) / (1 + df[w])) + 1) for w in set(words)}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    margin = math.inf
    for i in range(n):
        for j in range(i + 1, n):
            cosine = sum(v * vectors[j].get(w, 0.0) for w, v in vectors[i].items())
            margin = min(margin, abs(cosine - threshold))
            if cosine >= threshold:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values()), margin


@pytest.mark.parametrize("dense_df", [1, 3, 64])
def test_cluster_terms_equal_the_plain_definition(monkeypatch, dense_df):
    """Dense columns for frequent terms, pair by pair for rare ones: either way, the same clusters."""
    monkeypatch.setattr(digest_module, "_DENSE_DF", dense_df)
    rng = random.Random(dense_df)
    vocabulary = ["Pardon", "Baku", "metro", "graffiti", "budget", "council", "Lyon", "schools", "harbour", "pier",
                  "vote", "strike", "rail", "élection", "MINISTER", "ceasefire", "Geneva", "talks", "flood", "river"]
    for _ in range(5):
        texts = [" ".join(rng.choices(vocabulary[:rng.randint(4, 20)], k=rng.randint(0, 12))) + " 2025 a of"
                 for _ in range(rng.randint(1, 40))]
        for threshold in (0.2, 0.35, 0.6):
            expected, margin = _plain_clusters(texts, threshold)
            if margin < 1e-9:  # a pair exactly on the threshold: rounding may go either way
                continue
            assert cluster_terms([story_terms(t) for t in texts], threshold) == expected
            assert cluster_stories(texts, threshold) == expected


def test_story_terms_are_case_folded_and_the_same_in_every_process():
    assert story_terms("Baku METRO graffiti") == story_terms("baku metro Graffiti") != story_terms("Baku metro")
    assert story_terms("On 12 of 2025, a 3rd go") == b""  # digits and words under three letters do not count
    assert len(story_terms("Baku metro graffiti")) == 3 * 8
    code = "from bot.briefings.digest import story_terms; print(story_terms('Baku metro graffiti').hex())"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == story_terms("Baku metro graffiti").hex()  # stored terms stay comparable


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


def test_ingest_stores_story_terms_and_a_digest_fills_missing_ones(briefings):
    from bot.briefings.service import LEDE_CHARS

    a = briefings.ingest_text(PARDON_A, source="Wire A")
    briefings.ingest_text(PARDON_B, source="Wire B")
    article = briefings.archive.get_article(a.article_id)
    stored = dict(briefings.archive.db.execute("SELECT article_id, terms FROM story_terms").fetchall())
    assert stored[a.article_id] == story_terms(f"{article.title}\n{article.text[:LEDE_CHARS]}")
    before = briefings.digest()
    briefings.archive.db.execute("DELETE FROM story_terms WHERE article_id = ?", [a.article_id])
    briefings.archive.db.conn.commit()
    assert briefings.digest().items == before.items  # an article stored before terms were kept
    again = dict(briefings.archive.db.execute("SELECT article_id, terms FROM story_terms").fetchall())
    assert again == stored
    briefings.archive.delete_article(a.article_id)
    assert a.article_id not in dict(briefings.archive.db.execute("SELECT article_id, terms FROM story_terms"))


def test_entity_change_compares_the_same_name_and_type(briefings):
    """"Jordan" the country and "Jordan" the person are counted apart in the previous period too."""
    earlier = briefings.ingest_text("Earlier story\n\nJordan and Jordan again, and Jordan once more.")
    later = briefings.ingest_text("Later story\n\nJordan is mentioned here.")
    jordan = [MentionRow("Jordan", "Jordan", kind, 0, 6) for kind in ("PER", "LOC", "LOC")]
    briefings.archive.save_analysis(earlier.article_id, method="lead", sentences=1, summary=[], mentions=jordan)
    briefings.archive.save_analysis(later.article_id, method="lead", sentences=1, summary=[], mentions=jordan[2:])
    _age(briefings.archive, earlier.article_id, "2026-01-01T09:00:00+00:00")
    _age(briefings.archive, later.article_id, "2026-01-02T09:00:00+00:00")
    digest = briefings.digest(since="2026-01-02", until="2026-01-03")
    assert [(e.name, e.type, e.mentions, e.previous, e.change) for e in digest.top_entities] == [
        ("Jordan", "LOC", 1, 2, "−1")]


def test_a_digest_shows_the_latest_dated_events_of_its_articles(seeded, monkeypatch):
    """Recent and upcoming events, not the history an article recalls; the rest is on /timeline."""
    import bot.briefings.service as service
    from bot.telegram import render

    every = seeded.digest().events
    dates = [e.date_start for e in every]
    assert dates == sorted(dates) and len(every) > 3
    assert seeded.digest().latest_events(3) == every[-3:]
    monkeypatch.setattr(service, "DIGEST_EVENTS", 3)  # read only the latest three event mentions
    latest = seeded.digest().events
    assert latest and {e.date for e in latest} <= {e.date for e in every[-3:]}
    monkeypatch.setattr(service, "DIGEST_EVENTS", 100)
    digest = seeded.digest()
    page = render.digest_reply(digest)
    assert every[-1].line[:40] in page and "earlier ones" not in page  # all eight shown
    twelve = [replace(every[-1], line=f"Numbered event {i:02d}.") for i in range(12)]
    page = render.digest_reply(replace(digest, events=twelve))
    assert "Numbered event 11." in page and "Numbered event 02." in page and "Numbered event 01." not in page
    assert "earlier ones with /timeline" in page

"""/who dossiers and /timeline over the seed archive (service level; CLI and bot call these)."""

import struct
import time

import pytest

from bot.briefings import InvalidArgument
from bot.briefings.errors import EntityNotFound


def test_who_france_names_related_entities(seeded):
    dossier = seeded.who("France")
    assert (dossier.name, dossier.type) == ("France", "LOC")
    related = [e.name for e in dossier.related]
    assert {"Emmanuel Macron", "Azerbaijan", "Armenia"} <= set(related)
    assert len(dossier.articles) == 2 and dossier.mentions > 20
    assert dossier.first_seen == dossier.last_seen == "2025-05-27"  # the only known publish date
    assert dossier.summary and all("France" in s.text or "Paris" in s.text or "French" in s.text
                                   for s in dossier.summary)


def test_who_neil_watson_role_and_quote(seeded):
    dossier = seeded.who("Neil Watson")
    assert dossier.type == "PER"
    assert "British journalist and political analyst" in [r.description for r in dossier.roles]
    assert any("on the cusp of a breakthrough" in q.text for q in dossier.quotes)
    assert all(q.source.source == "AzerNews" for q in dossier.quotes)


def test_who_aliyev_resolves_to_ilham_aliyev(seeded):
    for query in ("Aliyev", "aliyev", "President Aliyev", "Ilham Aliyev"):
        assert seeded.who(query).name == "Ilham Aliyev", query


def test_who_bad_and_unknown_names(seeded):
    with pytest.raises(EntityNotFound, match="did you mean: France"):
        seeded.who("Frnace")
    for bad in ("", "   ", "🙂🙂", "<b></b>"):
        with pytest.raises(InvalidArgument):
            seeded.who(bad)
    with pytest.raises(InvalidArgument, match="too long"):
        seeded.who("x" * 500)
    assert seeded.who("<b>France</b>").name == "France"


def test_entities_lists_most_mentioned(seeded):
    top = seeded.entities(limit=5)
    assert [e.name for e in top[:2]] == ["France", "Azerbaijan"]
    assert all(e.type in ("PER", "ORG", "LOC") for e in top)


def test_timeline_of_the_seeds(seeded):
    events = seeded.timeline().events
    dates = [e.date for e in events]
    starts = [e.date_start for e in events]
    assert starts == sorted(starts)  # chronological, by the first day each date covers
    by_date = {e.date: e for e in events}
    for expected in ("2020-09", "2024-03", "2025-05-27", "2025-08"):
        assert expected in by_date, expected
    assert "Théo Clerc" in by_date["2025-05-27"].line and not by_date["2025-05-27"].explicit
    assert "Washington" in by_date["2025-08"].line
    assert "metro" in by_date["2024-03"].line
    war = [e for e in events if e.date == "2020-09" and "Karabakh" in e.line]
    assert len(war) == 1 and {c.source for c in war[0].sources} == {"News.Az", "AzerNews"}
    assert not any("44-day" in e.line and e.date.startswith("44") for e in events)
    assert all(not e.line.startswith("44") for e in events)
    positions = [dates.index(d) for d in ("2020-09", "2024-03", "2025-05-27", "2025-08")]
    assert positions == sorted(positions)


def test_timeline_filters(seeded):
    assert {e.date[:4] for e in seeded.timeline("2024..2025").events} <= {"2024", "2025"}
    assert [e.date for e in seeded.timeline("2024").events] == ["2024-03"]
    aliyev = seeded.timeline("Aliyev").events
    assert aliyev and all("Ilham Aliyev" in e.entities for e in aliyev)
    with pytest.raises(InvalidArgument):
        seeded.timeline("2025..2020")
    with pytest.raises(EntityNotFound):
        seeded.timeline("Atlantis")


def test_timeline_chart_is_a_png(seeded):
    timeline, png = seeded.timeline_chart("chart")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert 800 <= width <= 2000 and 200 <= height <= 3000
    assert 10_000 < len(png) < 1_000_000
    empty_timeline, empty_png = seeded.timeline_chart("1990")
    assert empty_timeline.events == [] and empty_png[:4] == b"\x89PNG"


def test_a_shared_surname_gives_one_person_and_names_the_other(briefings):
    """"Faulkner" with two Faulkners in the archive: the dossier of the most mentioned one, not a
    mix of both, and the other offered by name."""
    briefings.ingest_text("Council vote\n\nDaniel Faulkner, the council leader, said the vote would pass. "
                          "Daniel Faulkner spoke in Leeds on Monday. Faulkner later left.")
    briefings.ingest_text("Court ruling\n\nThe judge, Nichole Faulkner, read the ruling in York on Tuesday.")
    dossier = briefings.who("Faulkner")
    assert dossier.name == "Daniel Faulkner" and dossier.others == ["Nichole Faulkner"]
    assert "Nichole Faulkner" not in dossier.aliases
    assert all("Nichole" not in s.text for s in dossier.summary)
    from bot.telegram import render

    assert "may also mean Nichole Faulkner: /who Nichole Faulkner" in render.dossier_reply(dossier)
    assert briefings.who("Nichole Faulkner").others == []


def test_the_entity_index_is_kept_through_additions_but_finds_new_names(seeded, monkeypatch):
    """Rebuilding the alias map costs ~1 s per 90,000 names: additions keep it for a minute,
    a name it does not know yet makes it rebuild, a deletion always does."""
    import bot.briefings.service as service

    builds = []
    original = service.link_across
    monkeypatch.setattr(service, "link_across", lambda *args, **kwargs: builds.append(1) or original(*args, **kwargs))
    assert seeded.who("France").name == "France" and len(builds) == 1
    added = seeded.ingest_text("Harbour news\n\nThe Eastport harbour board met Ines Okonkwo, the port director, "
                               "in Lyon on Tuesday, and France sent an observer.")
    assert seeded.who("France").name == "France" and len(builds) == 1  # kept: only additions
    assert seeded.who("Ines Okonkwo").name == "Ines Okonkwo" and len(builds) == 2  # unknown: rebuilt
    seeded.archive.delete_article(added.article_id)
    seeded.who("France")
    assert len(builds) == 3  # a deletion: rebuilt at once
    monkeypatch.setattr(service, "ENTITY_INDEX_TTL", 0.0)
    seeded.ingest_text("Ferry news\n\nThe ferry to Eastport was cancelled on Monday, France said.")
    seeded.who("France")
    assert len(builds) == 4  # too old to keep


def test_a_burst_of_who_builds_the_entity_index_once(seeded, monkeypatch):
    import threading

    import bot.briefings.service as service

    builds = []
    original = service.EntityIndex.build

    def slow_build(*args):
        builds.append(1)
        time.sleep(0.2)  # seconds, at 300,000 names
        return original(*args)

    monkeypatch.setattr(service.EntityIndex, "build", slow_build)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(seeded.who("France").name)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["France"] * 4 and len(builds) == 1


def test_a_long_timeline_lists_the_latest_and_says_how_many_are_left_out(briefings, monkeypatch):
    import bot.briefings.service as service
    from bot.telegram import render
    from storage import EventRow, MentionRow, NewArticle

    archive = briefings.archive
    added = archive.add_article(NewArticle("France all month", "France, day after day."))
    days = [f"2025-01-{d:02d}" for d in range(1, 21)]
    archive.save_analysis(added.id, method="lead", sentences=1, summary=[],
                          mentions=[MentionRow("France", "France", "LOC", 0, 6)],
                          events=[EventRow(day, "day", day, day, True, f"France on {day}.", day, ("France",), 0, 9)
                                  for day in days])
    monkeypatch.setattr(service, "TIMELINE_WINDOW", 8)
    timeline = briefings.timeline("France")
    assert [e.date for e in timeline.events] == days[-8:]
    assert (timeline.earlier_omitted, timeline.omitted_at_least) == (12, False)
    assert "12 earlier dated mentions are not listed" in render.timeline_reply(timeline)
    monkeypatch.setattr(service, "TIMELINE_COUNT_CAP", 10)  # counting stops there
    timeline = briefings.timeline("France")
    assert (timeline.earlier_omitted, timeline.omitted_at_least) == (2, True)
    assert "at least 2 earlier dated mentions" in render.timeline_reply(timeline)
    assert archive.count_events(entities=["France"], at_most=5) == 5 == archive.count_events(at_most=5)
    assert archive.count_events(entities=["France"], at_most=50) == 20

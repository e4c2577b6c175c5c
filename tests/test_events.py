"""Dated events from tiny hand-built articles and from the seed articles, and their merging."""

import json
from datetime import date

import pytest

from summarizer import extract_entities, split_sentences
from summarizer.dates import find_timexes, sort_key
from summarizer.events import MAX_LINE, EventCandidate, extract_events, merge_events, same_event

PUBLISHED = date(2025, 5, 27)


def events(text: str, reference: date | None = PUBLISHED, entities: bool = True) -> list[EventCandidate]:
    spans = split_sentences(text)
    mentions = extract_entities(text, spans) if entities else ()
    return extract_events(text, spans, find_timexes(text, reference), mentions)


def lines(text: str, reference: date | None = PUBLISHED) -> list[tuple[str, str]]:
    return [(e.date, e.line) for e in events(text, reference, entities=False)]


def event(day: str, line: str, entities: tuple[str, ...] = (), modifier: str | None = None) -> EventCandidate:
    from summarizer.dates import precision_of

    return EventCandidate(day, precision_of(day), True, 0, len(line), line, day, entities, modifier)


# Extraction ---------------------------------------------------------------------------------------


def test_a_short_sentence_with_one_date_is_its_own_line():
    text = "The war broke out in September 2020. It ended in a ceasefire."
    [found] = events(text)
    assert (found.date, found.precision, found.explicit, found.timex_text) == (
        "2020-09",
        "month",
        True,
        "September 2020",
    )
    assert found.line == "The war broke out in September 2020."
    assert text[found.sentence_start : found.sentence_end] == found.line


def test_each_date_of_a_sentence_gets_its_own_clause():
    text = (
        "On May 27, Aliyev pardoned French national Théo Clerc, who had been convicted of hooliganism "
        "for spray-painting graffiti on a Baku metro train in March 2024."
    )
    found = events(text)
    assert [(e.date, e.line) for e in found] == [
        ("2025-05-27", "On May 27, Aliyev pardoned French national Théo Clerc."),
        (
            "2024-03",
            "Théo Clerc, who had been convicted of hooliganism for spray-painting graffiti on a Baku metro "
            "train in March 2024.",
        ),
    ]
    assert [e.explicit for e in found] == [False, True]
    assert "Théo Clerc" in found[1].entities and "Baku" in found[1].entities


def test_a_relative_clause_takes_capitalised_words_without_entities():
    text = "In 2019 the court freed Jan Novak, who had been arrested in March 2018."
    assert lines(text)[1] == ("2018-03", "Jan Novak, who had been arrested in March 2018.")


def test_undated_clauses_go_with_the_date_before_them():
    text = "Prices rose in 2021; wages did not follow, and unions protested in March 2022."
    assert lines(text) == [
        ("2021", "Prices rose in 2021; wages did not follow."),
        ("2022-03", "Unions protested in March 2022."),
    ]


def test_durations_sets_references_and_unresolved_dates_make_no_events():
    text = (
        "Azerbaijan won the 44-day war. It held the lands for 30 years. Talks happen every week. "
        "Now the ball is in Paris's court. On May 27 he left. Last week he came. It was built in the 1990s."
    )
    assert lines(text, None) == []


def test_relative_dates_make_events_when_the_publication_date_is_known():
    assert lines("On May 27 he left. Last week he came.") == [
        ("2025-05-27", "On May 27 he left."),
        ("2025-W21", "Last week he came."),
    ]


def test_newsroom_furniture_makes_no_events():
    text = (
        "Editor’s note: Zaur Nurmamedov graduated from the Academy (1993–1999). He ran a news portal "
        "(2009–2023). The views expressed are his own.\n"
        "In 2023, Aliyev said so.\nSubscribe to our newsletter for 2025 offers."
    )
    assert lines(text) == [("2023", "In 2023, Aliyev said so.")]


def test_bounds_are_not_events_but_a_sentence_opening_since_is():
    text = (
        "The index fell to its lowest level since 1997. Ford will cut 30,000 jobs by 2012. "
        "Since 2020, France has backed Armenia."
    )
    found = events(text, entities=False)
    assert [(e.date, e.modifier, e.line) for e in found] == [
        ("2020", "SINCE", "Since 2020, France has backed Armenia.")
    ]


def test_one_event_per_sentence_and_date():
    text = "In 2022 and again in 2022, prices rose; in March 2023 they fell."
    assert [e.date for e in events(text, entities=False)] == ["2022", "2023-03"]


def test_a_date_that_holds_another_of_its_sentence_gives_way():
    text = "Yesterday, at this year's summit, Jobs unveiled the phone. As of 18:00 UTC today, the index fell."
    found = events(text, entities=False)
    assert [(e.date, e.timex_text) for e in found] == [
        ("2025-05-26", "Yesterday"),
        ("2025-05-27T18:00Z", "18:00 UTC today"),
    ]
    assert found[1].line == "As of 18:00 UTC today, the index fell."


def test_clauses_cut_from_a_sentence_lose_their_connectives():
    text = "The index fell in 2021, and then it rose in 2022, then it fell in 2023."
    assert lines(text, None) == [
        ("2021", "The index fell in 2021."),
        ("2022", "It rose in 2022."),
        ("2023", "It fell in 2023."),
    ]


def test_ranges_keep_their_end():
    [found] = events("The plan runs from 2009 to 2011.", entities=False)
    assert (found.date, found.range_end, found.timex_text) == ("2009", "2011", "from 2009 to 2011")


def test_long_lines_are_cut_at_words_and_keep_the_date():
    filler = " ".join(["the committee discussed the budget at length"] * 8)
    text = f"After {filler}, the vote finally took place in August 2025 in Washington with everyone present."
    [found] = events(text, entities=False)
    assert len(found.line) <= MAX_LINE
    assert "August 2025" in found.line
    assert found.line.startswith("…")
    assert all(word in text for word in found.line.strip("….").split())


def test_a_long_sentence_keeps_the_clauses_around_its_date():
    opening = "The committee, which had met " + "again and again " * 9 + "over the budget"
    text = f"{opening}; the vote finally took place in August 2025; everyone went home tired."
    [found] = events(text, entities=False)
    assert found.line == "The vote finally took place in August 2025; everyone went home tired."


def test_lines_have_no_dangling_quotes():
    text = (
        "“The talks in March 2024 failed,” he said, “and the next round, in June 2024, must succeed.” "
        "Observers agreed."
    )
    for line in [line for _, line in lines(text)]:
        assert line.count("“") == line.count("”"), line
        assert not line.startswith("”")


def test_tokenised_quotes_are_balanced_too():
    text = "He said that `` the target is the high hit in September 2008 and it will come back , he added ."
    [found] = events(text, None, entities=False)
    assert "``" not in found.line and found.date == "2008-09"


def test_anaphoric_openings_are_dropped_from_the_line():
    text = "The war broke out in September 2020. At that time, Macron claimed that fighters had been moved."
    assert lines(text, None)[1] == ("2020-09", "Macron claimed that fighters had been moved.")


def test_reporting_frames_are_dropped_from_the_line():
    text = "He explained that ties began to sour in 2020."
    assert lines(text, None) == [("2020", "Ties began to sour in 2020.")]


def test_entities_are_those_named_in_the_line():
    text = "In August 2025, Donald Trump met Ilham Aliyev in Washington."
    [found] = events(text)
    assert {"Donald Trump", "Ilham Aliyev", "Washington"} <= set(found.entities)


# Merging --------------------------------------------------------------------------------------------


def test_the_same_event_at_two_precisions_merges_to_the_finer_date():
    fine = event(
        "2020-09",
        "The turning point came in September 2020 with the outbreak of the Second Karabakh War.",
        ("Second Karabakh War",),
    )
    coarse = event(
        "2020",
        "The deterioration in ties began around the time of the Second Garabagh War in 2020.",
        ("Second Garabagh War", "France"),
    )
    [merged] = merge_events([("b", coarse), ("a", fine)])
    assert (merged.date, merged.precision, merged.line) == ("2020-09", "month", fine.line)
    assert merged.sources == ["b", "a"]
    assert merged.entities == ("Second Karabakh War", "France")
    assert len(merged.mentions) == 2


def test_like_lines_on_the_same_day_merge():
    a = event(
        "2025-05-27", "On May 27, Aliyev pardoned French national Théo Clerc.", ("Ilham Aliyev", "Théo Clerc")
    )
    b = event(
        "2025-05-27",
        "Azerbaijan's president pardoned Théo Clerc, a French citizen.",
        ("Azerbaijan", "Théo Clerc"),
    )
    assert same_event(a, b)
    assert [m.sources for m in merge_events([(1, a), (2, b), (2, b)])] == [[1, 2]]


def test_different_events_on_compatible_dates_stay_apart():
    outbreak = event("2020-09", "The war broke out in September 2020.", ("Second Karabakh War",))
    claim = event(
        "2020-09",
        "Macron claimed that fighters had been moved to Azerbaijan.",
        ("Emmanuel Macron", "Azerbaijan"),
    )
    since = event(
        "2020", "Since 2020, France has pushed resolutions against the war.", ("France",), modifier="SINCE"
    )
    later = event("2021", "The war broke out in September 2020 and ended in 2021.", ("Second Karabakh War",))
    merged = merge_events([("x", outbreak), ("x", claim), ("y", since), ("y", later)])
    assert len(merged) == 4
    assert not same_event(outbreak, since) and not same_event(outbreak, later)


def test_merged_events_come_in_date_order():
    happenings = [
        "Talks opened in Washington.",
        "War broke out.",
        "Ties improved.",
        "Graffiti appeared in Baku.",
        "A pardon was granted.",
    ]
    items = [
        ("a", event(day, line))
        for day, line in zip(["2025-08", "2020-09", "2025", "2024-03", "2025-05-27"], happenings, strict=False)
    ]
    dates = [m.date for m in merge_events(items)]
    assert dates == sorted(dates, key=sort_key) == ["2020-09", "2024-03", "2025", "2025-05-27", "2025-08"]


def test_merging_nothing():
    assert merge_events([]) == []


# The seed articles ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_timeline(request):
    seeds = request.config.rootpath / "seeds"
    manifest = json.loads((seeds / "manifest.json").read_text(encoding="utf-8"))
    per_article, pairs = {}, []
    for article in manifest["articles"]:
        text = (seeds / article["file"]).read_text(encoding="utf-8")
        published = date.fromisoformat(article["published_at"]) if article["published_at"] else None
        spans = split_sentences(text)
        found = extract_events(text, spans, find_timexes(text, published), extract_entities(text, spans))
        per_article[article["file"][:3]] = found
        pairs += [(article["file"][:3], e) for e in found]
    return per_article, merge_events(pairs)


def test_seed_timeline_has_the_key_events_in_date_order(seed_timeline):
    _, merged = seed_timeline
    assert merged == sorted(merged, key=lambda m: sort_key(m.date, m.modifier))
    wanted = {
        "2020-09": "Second Karabakh War",
        "2024-03": "graffiti",
        "2025-05-27": "pardoned",
        "2025-08": "Washington",
    }
    positions = []
    for day, word in wanted.items():
        matches = [i for i, m in enumerate(merged) if m.date == day and word in m.line]
        assert matches, (day, word, [(m.date, m.line) for m in merged])
        positions.append(matches[0])
    assert positions == sorted(positions)
    assert any(m.date == "2020-09" and "Macron" in m.line for m in merged)


def test_seed_outbreak_is_one_event_with_both_sources(seed_timeline):
    _, merged = seed_timeline
    [outbreak] = [m for m in merged if "Karabakh War" in m.line]
    assert (outbreak.date, outbreak.sources, outbreak.explicit) == ("2020-09", ["000", "004"], True)


def test_seed_pardon_is_resolved_against_the_publication_date(seed_timeline):
    per_article, _ = seed_timeline
    [pardon] = [e for e in per_article["004"] if "pardoned" in e.line]
    assert (pardon.date, pardon.explicit, pardon.timex_text) == ("2025-05-27", False, "May 27")
    assert "Théo Clerc" in pardon.entities


def test_seed_without_a_date_resolves_nothing_relative(seed_timeline):
    per_article, merged = seed_timeline
    # News.Az has no publication date: every event is a written-out date or leans on one
    for found in per_article["000"]:
        assert found.explicit or found.timex_text in ("that time",), found
    assert all("44-day" not in e.timex_text for events_ in per_article.values() for e in events_)
    assert all(e.line and len(e.line) <= MAX_LINE for events_ in per_article.values() for e in events_)


def _merge_every_group(events):
    """The reference merge: each event is tried against every earlier group, in order."""
    from summarizer import events as module

    groups = []
    ordered = sorted(enumerate(events), key=lambda item: (module._rank(item[1][1].precision), item[0]))
    for index, (key, event) in ordered:
        home = next((g for g in groups if all(same_event(event, other) for _, _, other in g)), None)
        if home is None:
            groups.append([(index, key, event)])
        else:
            home.append((index, key, event))
    merged = [module._merge([(key, event) for _, key, event in sorted(group, key=lambda item: item[0])])
              for group in groups]
    merged.sort(key=lambda m: (sort_key(m.date, m.modifier), m.range_end or ""))
    return merged


@pytest.mark.parametrize("seed", range(6))
def test_merge_events_looks_up_candidates_but_merges_as_if_it_tried_every_group(seed):
    """merge_events narrows the groups it tries by date and by word; the result must equal
    trying every group (random events: days, weeks, months, quarters, years, bounds, ranges)."""
    import random

    rng = random.Random(seed)
    words = ["vote", "budget", "summit", "talks", "strike", "election", "ceasefire", "parliament"]
    names = ["France", "Paris", "Emmanuel Macron", "Macron", "Second Karabakh War", "Second Garabagh War",
             "Ilham Aliyev", "Armenia"]
    dates = ["2025-05-27", "2025-05-28", "2025-05", "2025-06-02", "2025", "2025-Q2", "2025-W22", "2024-12-31",
             "2025-05-27T10:00", "2026", "XXXX-05"]
    events = []
    for i in range(rng.randint(40, 160)):
        day = rng.choice(dates)
        timex = rng.choice(["on Tuesday", "in May", "this year", day])
        line = f"{' '.join(rng.sample(words, rng.randint(1, 3)))} {timex} {' '.join(rng.sample(words, 1))}"
        events.append((f"article-{rng.randint(1, 30)}", EventCandidate(
            date=day, precision="minute" if "T" in day else "week" if "W" in day else "quarter" if "Q" in day
            else "year" if len(day) == 4 else "month" if len(day) == 7 else "day",
            explicit=rng.random() < 0.7, sentence_start=i, sentence_end=i + len(line), line=line, timex_text=timex,
            entities=tuple(rng.sample(names, rng.randint(0, 3))),
            modifier=rng.choice([None, None, None, "START", "SINCE", "APPROX"]),
            range_end=rng.choice([None] * 8 + ["2025-06-30"]))))
    merged = merge_events(events)
    assert merged == _merge_every_group(events)
    assert len(merged) < len(events)  # the data does merge: the test exercises joining groups

"""Linking names across articles, and resolving /who queries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from summarizer.entities import extract_entities
from summarizer.linking import link_across, resolve_query
from summarizer.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_surnames_link_to_the_only_full_name():
    mapping = link_across(
        [
            ("Aliyev", "PER"),
            ("Ilham Aliyev", "PER"),
            ("Macron", "PER"),
            ("Emmanuel Macron", "PER"),
            ("Watson", "PER"),
        ]
    )
    assert mapping[("Aliyev", "PER")] == "Ilham Aliyev"
    assert mapping[("Macron", "PER")] == "Emmanuel Macron"
    assert mapping[("Watson", "PER")] == "Watson"  # nothing to link to
    assert mapping[("Ilham Aliyev", "PER")] == "Ilham Aliyev"


def test_ambiguous_surname_stays_apart_unless_one_person_dominates():
    even = link_across([("Smith", "PER", 3), ("John Smith", "PER", 2), ("Anna Smith", "PER", 2)])
    assert even[("Smith", "PER")] == "Smith"
    dominant = link_across([("Smith", "PER", 3), ("John Smith", "PER", 6), ("Anna Smith", "PER", 1)])
    assert dominant[("Smith", "PER")] == "John Smith"


def test_middle_names_join_the_shorter_full_name():
    mapping = link_across([("Ilham Heydar oglu Aliyev", "PER", 1), ("Ilham Aliyev", "PER", 5)])
    assert mapping[("Ilham Heydar oglu Aliyev", "PER")] == "Ilham Aliyev"


def test_spelling_variants_take_the_most_frequent_spelling():
    mapping = link_across(
        [
            ("Jean-Noel Barrot", "PER", 1),
            ("Jean-Noël Barrot", "PER", 3),
            ("the Pentagon", "ORG", 1),
            ("Pentagon", "ORG", 2),
        ]
    )
    assert mapping[("Jean-Noel Barrot", "PER")] == "Jean-Noël Barrot"
    assert mapping[("the Pentagon", "ORG")] == "Pentagon"


def test_organisation_tails_acronyms_and_short_forms():
    mapping = link_across(
        [
            ("Apple", "ORG", 9),
            ("Apple Inc", "ORG", 2),
            ("Apple Computer", "ORG", 1),
            ("Apple Corps", "ORG", 1),
            ("General Motors", "ORG", 4),
            ("GM", "ORG", 6),
            ("Lockheed Martin", "ORG", 2),
            ("Lockheed", "ORG", 1),
            ("Boeing", "ORG", 10),
            ("Boeing Launch Systems", "ORG", 1),
        ]
    )
    assert mapping[("Apple Inc", "ORG")] == mapping[("Apple Computer", "ORG")] == "Apple"
    assert mapping[("Apple Corps", "ORG")] == "Apple Corps"  # another company
    assert mapping[("GM", "ORG")] == "General Motors"
    assert mapping[("Lockheed", "ORG")] == "Lockheed Martin"
    assert mapping[("Boeing", "ORG")] == "Boeing"  # the usual name is not swallowed by a rare longer one


def test_a_city_is_not_merged_into_its_country():
    mapping = link_across([("Paris", "LOC"), ("France", "LOC")])
    assert mapping[("Paris", "LOC")] == "Paris"


KNOWN = [
    ("Ilham Aliyev", "PER", 12),
    ("Emmanuel Macron", "PER", 7),
    ("France", "LOC", 40),
    ("United Kingdom", "LOC", 2),
    ("General Motors", "ORG", 3),
    ("Jean-Noël Barrot", "PER", 1),
    ("Neil Watson", "PER", 4),
    ("Azerbaijan", "LOC", 30),
]


def test_resolve_exact_ignores_case_and_accents():
    found = resolve_query("jean-noel barrot", KNOWN)
    assert found.how == "exact" and found.matches == (("Jean-Noël Barrot", "PER"),)


def test_resolve_aliases():
    assert resolve_query("Aliyev", KNOWN).matches == (("Ilham Aliyev", "PER"),)
    assert resolve_query("President Aliyev", KNOWN).matches == (("Ilham Aliyev", "PER"),)
    assert resolve_query("French", KNOWN).matches == (("France", "LOC"),)
    assert resolve_query("UK", KNOWN).matches == (("United Kingdom", "LOC"),)
    assert resolve_query("GM", KNOWN).matches == (("General Motors", "ORG"),)
    assert resolve_query("Aliyev", KNOWN).how == "alias"


def test_resolve_with_no_match_suggests_close_names():
    found = resolve_query("Macrom", KNOWN)
    assert not found.found and found.how == "none"
    assert found.suggestions[0] == "Emmanuel Macron"
    assert "Ilham Aliyev" in resolve_query("Aliev", KNOWN).suggestions
    assert resolve_query("zzzz", KNOWN).suggestions == ()


def test_seeds_link_across_articles_and_resolve_aliyev():
    counts: Counter[tuple[str, str]] = Counter()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        counts.update((m.name, m.type) for m in extract_entities(text, split_sentences(text)))
    mapping = link_across((name, kind, n) for (name, kind), n in counts.items())
    known: Counter[tuple[str, str]] = Counter()
    for (name, kind), n in counts.items():
        known[(mapping[(name, kind)], kind)] += n
    entries = [(name, kind, n) for (name, kind), n in known.items()]
    aliyev = resolve_query("Aliyev", entries)
    assert aliyev.matches[0] == ("Ilham Aliyev", "PER")
    assert resolve_query("macron", entries).matches[0] == ("Emmanuel Macron", "PER")
    assert resolve_query("france", entries).matches[0] == ("France", "LOC")

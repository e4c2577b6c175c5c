"""Linking names across articles, and resolving /who queries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from summarizer.entities import extract_entities
from summarizer.linking import NameIndex, Resolution, link_across, resolve_query
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


def _resolve_by_scanning(query: str, known: list[tuple[str, str, int]]) -> Resolution:
    """/who resolution written as a scan over every name (how it was before ``NameIndex``)."""
    from summarizer.entities import COUNTRY_ALIASES, TITLE_HEADS, TITLE_MODIFIERS, gazetteer
    from summarizer.linking import _initials, _is_acronym, _key

    q = _key(query)
    if not q:
        return Resolution(query)
    by_count = sorted(known, key=lambda e: -e[2])
    exact = [(name, kind) for name, kind, _ in by_count if _key(name) == q]
    if exact:
        return Resolution(query, tuple(exact), "exact")
    aliases = []
    gaz = gazetteer()
    demonym = next((country for form, country in gaz.demonyms.items() if _key(form) == q), None)
    country = next((c for alias, c in {**gaz.countries, **COUNTRY_ALIASES}.items() if _key(alias) == q), None)
    for target in (demonym, country):
        if target:
            aliases += [(name, kind) for name, kind, _ in by_count if _key(name) == _key(target)]
    people = [(name, kind) for name, kind, _ in by_count if kind == "PER" and len(name.split()) > 1]
    if not aliases and len(q.split()) == 1:
        aliases += [p for p in people if _key(p[0]).split()[-1] == q]
        if not aliases:
            aliases += [p for p in people if _key(p[0]).split()[0] == q]
    if not aliases and _is_acronym(query.strip()):
        aliases += [(name, kind) for name, kind, _ in by_count if kind == "ORG" and len(name.split()) > 1
                    and _initials(name) == query.strip().replace(".", "").upper()]
    if not aliases and len(q.split()) > 1:
        rest = [w for w in query.split() if w.rstrip(".").title() not in TITLE_HEADS | TITLE_MODIFIERS]
        if rest and len(rest) < len(q.split()):
            inner = _resolve_by_scanning(" ".join(rest), known)
            if inner.how in ("exact", "alias"):
                return Resolution(query, inner.matches, "alias")
    if aliases:
        return Resolution(query, tuple(dict.fromkeys(aliases)), "alias")
    return Resolution(query, (), "none", tuple(_close_by_scanning(q, by_count, 5)))


def _close_by_scanning(q: str, entries: list[tuple[str, str, int]], limit: int) -> list[str]:
    """Suggestions by comparing the query with every name (no bound ruling names out first)."""
    from summarizer.linking import _closeness, _key

    keys: dict[str, str] = {}
    for name, _, _ in entries:
        keys.setdefault(_key(name), name)
    scored: dict[str, float] = {}
    for key, name in keys.items():
        ratio = _closeness(q, key)
        if ratio >= 0.72:
            scored[name] = max(scored.get(name, 0.0), ratio)
    counts = {name: n for name, _, n in entries}
    return sorted(scored, key=lambda name: (-scored[name], -counts.get(name, 0), name))[:limit]


def test_the_name_index_resolves_as_a_scan_over_every_name_would():
    import random

    rng = random.Random(11)
    first = ["Ilham", "Emmanuel", "Jean-Noël", "Anna", "Neil", "Theo", "Maria", "José"]
    last = ["Aliyev", "Macron", "Barrot", "Smith", "Watson", "Clerc", "Garcia", "Müller"]
    orgs = ["General Motors", "General Motors Company", "United Nations", "European Union", "Apple Inc",
            "Lockheed Martin", "Air France", "Baku Metro"]
    places = ["France", "Azerbaijan", "United Kingdom", "Paris", "Baku", "Georgia", "the Netherlands", "Lyon"]
    known = []
    for _ in range(300):
        kind = rng.choice(["PER", "PER", "ORG", "LOC"])
        name = {"PER": lambda: rng.choice([f"{rng.choice(first)} {rng.choice(last)}", rng.choice(last),
                                            f"{rng.choice(first)} {rng.choice(first)} {rng.choice(last)}"]),
                "ORG": lambda: rng.choice(orgs), "LOC": lambda: rng.choice(places)}[kind]()
        known.append((name, kind, rng.randint(1, 50)))
    index = NameIndex(known)
    queries = [*first, *last, *orgs, *places, "GM", "UN", "EU", "U.N.", "French", "British", "UK", "Dutch",
               "President Aliyev", "Mr Macron", "Macrom", "Aliev", "Frnace", "zzzz", "", "the", "THE FRANCE",
               "jean-noel barrot", "Azerbaijani", "Minister Smith", "Garcia's", "Macronn", "Smyth", "Watsn",
               "Genral Motors", "Lockhed", "Azerbajan", "Muller", "Garsia", "Ilam", "Unted Nations", "Lyn"]
    for query in queries:
        assert index.resolve(query) == _resolve_by_scanning(query, known), query
        assert resolve_query(query, known) == index.resolve(query)


def test_suggestions_come_from_the_most_mentioned_names(monkeypatch):
    import summarizer.linking as linking

    monkeypatch.setattr(linking, "FUZZY_NAMES", 2)
    known = [("Emmanuel Macron", "PER", 1), ("France", "LOC", 9), ("Azerbaijan", "LOC", 5)]
    assert NameIndex(known).resolve("Macrom").suggestions == ()  # not among the two most mentioned
    assert NameIndex(known).resolve("Frnace").suggestions == ("France",)


def test_link_across_can_return_only_the_names_it_changes():
    names = [("Aliyev", "PER", 3), ("Ilham Aliyev", "PER", 9), ("France", "LOC", 5), ("ilham aliyev", "PER", 1)]
    every = link_across(names)
    assert link_across(names, changed_only=True) == {k: v for k, v in every.items() if v != k[0]} == {
        ("Aliyev", "PER"): "Ilham Aliyev", ("ilham aliyev", "PER"): "Ilham Aliyev"}


def _many_names(seed: int, count: int) -> list[tuple[str, str, int]]:
    """Names that exercise every rule of ``link_across``: spellings, surnames, long names,
    organisations with tails, prefixes, acronyms and first words, places."""
    import random

    rng = random.Random(seed)
    first = ["Ilham", "Emmanuel", "Jean-Noël", "Jean-Noel", "Anna", "Neil", "Maria", "José", "Jose"]
    middle = ["Heydar", "Van", "de", "Anne"]
    last = ["Aliyev", "Macron", "Barrot", "Smith", "Watson", "Garcia", "García", "Müller", "Muller"]
    org_heads = ["General Motors", "United Nations", "Lockheed Martin", "Air France", "Federal Reserve",
                 "Toyota", "Boeing", "Apple", "European Aeronautic Defence & Space"]
    tails = ["", " Inc", " Company", " Group", " Launch Systems", " Corp."]
    prefixes = ["", "", "US ", "Japanese ", "French "]
    places = ["France", "Paris", "the Netherlands", "Netherlands", "Lyon", "lyon", "Baku"]
    names = []
    for _ in range(count):
        kind = rng.choice(["PER", "PER", "PER", "ORG", "ORG", "LOC", "MISC"])
        if kind == "PER":
            shape = rng.randrange(4)
            name = [rng.choice(last), f"{rng.choice(first)} {rng.choice(last)}",
                    f"{rng.choice(first)} {rng.choice(middle)} {rng.choice(last)}",
                    f"{rng.choice(first)} {rng.choice(last)}".upper()][shape]
        elif kind == "ORG":
            name = rng.choice(["GM", "UN", "EADS", "U.N.", ""]) or (
                rng.choice(prefixes) + rng.choice(org_heads) + rng.choice(tails))
        else:
            name = rng.choice(places + ["Dreamliner", "Olympic Games"])
        names.append((name, kind, rng.choice([1, 1, 2, 3, 5, 8, 40])))
    for i in range(count // 2):  # names nothing links: most of an archive's
        names.append(rng.choice([(f"{rng.choice(first)} Name{i}", "PER"), (f"Town{i}", "LOC"),
                                 (f"Product {i}", "MISC")]) + (rng.randint(1, 9),))
    return list({(n, k): (n, k, c) for n, k, c in names}.values())  # one row per (name, type)


def test_only_the_names_an_index_calls_linkable_need_linking():
    for seed in range(20):
        known = _many_names(seed, 150)
        index = NameIndex(known)
        linkable = index.linkable()
        assert len(linkable) < len(known)
        part = [(index.names[i], index.kinds[i], int(index.counts[i])) for i in linkable]
        assert link_across(part, changed_only=True) == link_across(known, changed_only=True), seed


def test_the_name_index_keeps_names_types_and_counts_most_mentioned_first():
    known = [("Paris", "LOC", 2), ("France", "LOC", 9), ("Ilham Aliyev", "PER", 2), ("Aliyev", "PER", 5)]
    index = NameIndex(iter(known))  # read once, as an archive's cursor gives them
    assert list(index.entries()) == [("France", "LOC", 9), ("Aliyev", "PER", 5), ("Paris", "LOC", 2),
                                      ("Ilham Aliyev", "PER", 2)]
    assert index.resolve("aliyev").matches == (("Aliyev", "PER"),)
    assert NameIndex([]).resolve("France").suggestions == ()

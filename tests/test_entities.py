"""Entity extraction: one tiny text per rule, then the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.entities import Mention, extract_entities, top_entities
from summarizer.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def ents(text: str) -> list[Mention]:
    return extract_entities(text, split_sentences(text))


def by_text(text: str) -> dict[str, Mention]:
    return {m.text: m for m in ents(text)}


def test_offsets_point_at_the_surface():
    text = "French President Emmanuel Macron met Ilham Aliyev in Tirana on Friday."
    for m in ents(text):
        assert text[m.start : m.end] == m.text


def test_title_is_not_part_of_the_name_and_marks_a_person():
    found = by_text("Azerbaijani President Ilham Aliyev met French Minister Jean-Noël Barrot in Baku.")
    assert found["Ilham Aliyev"].type == "PER"
    assert found["Jean-Noël Barrot"].type == "PER"
    assert "President Ilham Aliyev" not in found and "Minister Jean-Noël Barrot" not in found


def test_demonym_is_linked_to_its_country_as_an_adjective():
    found = by_text("The French government summoned the Armenian ambassador.")
    assert found["French"].name == "France" and found["French"].type == "LOC"
    assert found["French"].form == "demonym" and found["French"].adjectival
    assert found["Armenian"].name == "Armenia"


def test_people_nouns_and_compounds_link_to_countries():
    found = ents(
        "Karabakh Armenians protested. Azerbaijan–France relations and the Franco-Armenian diaspora."
    )
    names = [(m.text, m.name) for m in found]
    assert ("Armenians", "Armenia") in names
    assert ("Azerbaijan", "Azerbaijan") in names and ("France", "France") in names
    assert ("Franco", "France") in names and ("Armenian", "Armenia") in names


def test_surname_and_titled_surname_link_to_the_full_name():
    text = "Ilham Aliyev spoke on Monday. Later, Aliyev said more. President Aliyev left."
    people = [m for m in ents(text) if m.type == "PER"]
    assert [m.text for m in people] == ["Ilham Aliyev", "Aliyev", "Aliyev"]
    assert {m.name for m in people} == {"Ilham Aliyev"}


def test_honorific_links_to_the_full_name():
    found = ents("Australian Prime Minister John Howard spoke. Mr Howard was pleased.")
    howard = [m for m in found if m.text == "Howard"]
    assert howard and howard[0].name == "John Howard" and howard[0].type == "PER"


def test_role_noun_before_a_name_marks_a_person():
    found = by_text("The deal was praised by UBS analyst David Strauss and spokeswoman Dana Perino.")
    assert found["David Strauss"].type == "PER"
    assert found["Dana Perino"].type == "PER"
    assert found["UBS"].type == "ORG"


def test_country_aliases_are_canonical():
    found = ents("The U.S. and the UK signed. Britain agreed, and the United States of America paid.")
    names = {m.text: m.name for m in found}
    assert names["U.S."] == "United States" and names["United States of America"] == "United States"
    assert names["UK"] == names["Britain"] == "United Kingdom"


def test_capital_as_government_only_in_clear_contexts():
    text = (
        "Paris said on Monday that talks would resume. Relations between Baku and Paris improved. "
        "The summit was held in Paris last year."
    )
    found = ents(text)
    paris = [m for m in found if m.text == "Paris"]
    assert [(m.name, m.form) for m in paris] == [
        ("France", "metonym"),
        ("France", "metonym"),
        ("Paris", "name"),
    ]
    baku = next(m for m in found if m.text == "Baku")
    assert (baku.name, baku.form) == ("Azerbaijan", "metonym")


def test_possessive_policy_noun_and_policy_agent_are_government():
    found = ents("Paris’s position became incomprehensible. It was a course pursued by Moscow.")
    assert [(m.text, m.name, m.form) for m in found if m.type == "LOC"] == [
        ("Paris", "France", "metonym"),
        ("Moscow", "Russia", "metonym"),
    ]


def test_organisation_cues():
    found = by_text("Shares of Ryanair rose as the carrier Aer Lingus fell and Chrysler LLC hired staff.")
    assert found["Ryanair"].type == "ORG"
    assert found["Aer Lingus"].type == "ORG"
    assert found["Chrysler LLC"].type == "ORG" and found["Chrysler LLC"].name == "Chrysler"


def test_organisation_short_form_and_acronym_link_to_the_long_form():
    text = (
        "The contract went to the United States Air Force ( USAF ) over Lockheed Martin. "
        "Lockheed lost, and USAF officials said so."
    )
    found = ents(text)
    names = [(m.text, m.name) for m in found if m.type == "ORG"]
    assert ("Lockheed", "Lockheed Martin") in names
    assert ("USAF", "United States Air Force") in names


def test_sentence_initial_common_words_are_not_names():
    assert ents("Shares fell sharply on Monday. Analysts were surprised.") == []


def test_currency_sign_is_not_a_country():
    assert [m.text for m in ents("It cost US$ 40 billion, paid in Toulouse.")] == ["Toulouse"]


def test_products_and_models_are_misc():
    found = by_text("Boeing said the Boeing 787 and the Dreamliner sold well.")
    assert found["Boeing"].type == "ORG"
    assert found["Boeing 787"].type == "MISC"
    assert found["Dreamliner"].type == "MISC"


def test_given_name_makes_a_person_and_org_words_an_organisation():
    found = by_text("Yesterday Neil Watson wrote to the Center for Social Research in Baku.")
    assert found["Neil Watson"].type == "PER"
    assert found["Center for Social Research"].type == "ORG"
    assert found["Baku"].type == "LOC"


def test_no_sentences_no_mentions():
    assert extract_entities("", []) == []


def test_top_entities_counts_and_can_leave_out_demonyms():
    mentions = ents("France and the French economy. France again, and French wine.")
    assert top_entities(mentions)[0] == ("France", "LOC", 4)
    assert top_entities(mentions, forms={"name"}) == [("France", "LOC", 2)]


# --- the seed articles ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, list[Mention]]]:
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.name] = (text, extract_entities(text, split_sentences(text)))
    return out


def test_seed_offsets_and_types(seeds):
    for text, mentions in seeds.values():
        assert mentions
        for m in mentions:
            assert text[m.start : m.end] == m.text
            assert m.type in ("PER", "ORG", "LOC", "MISC")
            assert m.form in ("name", "demonym", "metonym")


def test_seed_aliyev_is_ilham_aliyev_everywhere(seeds):
    for text, mentions in seeds.values():
        aliyev = [m for m in mentions if "Aliyev" in m.text]
        assert aliyev and {(m.name, m.type) for m in aliyev} == {("Ilham Aliyev", "PER")}


def test_seed_people(seeds):
    _, mentions = seeds["004_dc9c0814d8064941.txt"]
    people = {m.name for m in mentions if m.type == "PER"}
    assert {
        "Ilham Aliyev",
        "Emmanuel Macron",
        "Neil Watson",
        "Tural Ismayilov",
        "Jean-Noël Barrot",
        "Théo Clerc",
    } <= people
    macron = [m for m in mentions if m.text == "Macron"]
    assert macron and all(m.name == "Emmanuel Macron" for m in macron)


def test_seed_france_counts_names_demonyms_and_metonyms(seeds):
    _, mentions = seeds["000_ae6b60a1fcc62671.txt"]
    france = [m for m in mentions if m.name == "France"]
    forms = {m.form for m in france}
    assert forms == {"name", "demonym", "metonym"}
    assert all(m.text in ("France", "French", "Paris", "Franco") for m in france)


def test_word_lists_read_in_a_child_process_are_those_read_here(monkeypatch):
    from summarizer import entities, wordlists

    from_child = entities.gazetteer()
    here = entities._build_gazetteer(wordlists.read_lists())
    assert from_child == here
    assert list(from_child.cities.items()) == list(here.cities.items())  # same order too
    assert {"France", "Paris", "Berlin", "Texas"} <= set(from_child.countries) | set(from_child.cities) | from_child.states
    assert "Emmanuel" in from_child.given_names

    def no_child():
        raise OSError("no child processes here")

    monkeypatch.setattr(entities, "_lists_from_child", no_child)
    assert entities.gazetteer.__wrapped__() == here  # read in this process instead

"""Roles, quotes and focused summaries for the /who dossier."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from summarizer.dossier_nlp import find_quotes, find_roles, focused_summary
from summarizer.entities import extract_entities
from summarizer.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def analyse(text: str):
    spans = split_sentences(text)
    return text, spans, extract_entities(text, spans)


def roles_of(text: str) -> list[tuple[str, str]]:
    text, spans, mentions = analyse(text)
    roles = find_roles(text, spans, mentions)
    for role in roles:
        assert text[role.start : role.end] == role.description
    return [(r.name, r.description) for r in roles]


def quotes_of(text: str) -> list[tuple[str, str]]:
    text, spans, mentions = analyse(text)
    quotes = find_quotes(text, spans, mentions)
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
    return [(q.speaker, q.text) for q in quotes]


# --- roles ------------------------------------------------------------------------------------


def test_apposition_is_a_role():
    assert ("Neil Watson", "British journalist and political analyst") in roles_of(
        "Neil Watson, a British journalist and political analyst, struck a more optimistic tone."
    )


def test_apposition_with_a_title_and_an_organisation():
    assert roles_of(
        "Tural Ismayilov, political scientist and Sector Director at the Center for Social "
        "Research in Baku, remained skeptical."
    ) == [
        (
            "Tural Ismayilov",
            "political scientist and Sector Director at the Center for Social Research in Baku",
        )
    ]


def test_copula_is_a_role():
    assert roles_of(
        "Zaur Nurmamedov is a journalist and a graduate of the Faculty of Political Science."
    ) == [("Zaur Nurmamedov", "journalist and a graduate of the Faculty of Political Science")]


def test_title_words_before_a_name_are_a_role():
    found = roles_of("Azerbaijani President Ilham Aliyev met UBS analyst David Strauss on Monday.")
    assert ("Ilham Aliyev", "Azerbaijani President") in found
    assert ("David Strauss", "UBS analyst") in found


def test_lists_ages_and_honorifics_are_not_roles():
    assert roles_of("Boeing, Airbus and Embraer compete. Mary Barra, 51, will lead. Mr Howard agreed.") == []


def test_organisation_apposition():
    assert ("Ryanair", "Irish low-cost carrier") in roles_of("Ryanair, the Irish low-cost carrier, grew.")


# --- quotes -----------------------------------------------------------------------------------


def test_quote_then_name_and_speech_verb():
    assert quotes_of("“We are on the cusp of a breakthrough,” Watson said.") == [
        ("Watson", "We are on the cusp of a breakthrough")
    ]


def test_quote_then_speech_verb_and_name_in_straight_and_latex_quotes():
    assert quotes_of('"We have cut the design effort," said Sandy Angers.') == [
        ("Sandy Angers", "We have cut the design effort")
    ]
    assert quotes_of("`` We have cut the design effort , '' said Sandy Angers .") == [
        ("Sandy Angers", "We have cut the design effort")
    ]


def test_pronoun_speaker_is_the_last_person_named_outside_quotes():
    text = (
        "Neil Watson spoke to reporters. “Macron likely views Aliyev as a partner, not an adversary,” "
        "he said."
    )
    assert quotes_of(text) == [("Neil Watson", "Macron likely views Aliyev as a partner, not an adversary")]


def test_colon_introduced_quote_in_the_next_paragraph():
    text = (
        "Tural Ismayilov spoke first.\nHe acknowledged progress at the summit, but cautioned:\n"
        "“There are serious problems in diplomatic relations.”"
    )
    assert quotes_of(text) == [("Tural Ismayilov", "There are serious problems in diplomatic relations.")]


def test_named_speaker_before_a_colon():
    assert quotes_of("Watson emphasized that talks moved on:\n“France is no longer relevant at all.”") == [
        ("Watson", "France is no longer relevant at all.")
    ]


def test_scare_quotes_and_unattributed_quotes_are_left_out():
    assert quotes_of("Baku is ready to “press the reset button” with Paris.") == []
    assert quotes_of("The slogan read “peace now for everyone here”. Nobody commented.") == []


# --- focused summary --------------------------------------------------------------------------


def test_focused_summary_ranks_sentences_about_the_query_and_drops_duplicates():
    sentences = [
        "The weather was mild in Baku.",
        "France backed Armenia in the conflict, officials said.",
        "France backed Armenia in the conflict, officials said on Monday.",
        "Relations between France and Azerbaijan reached a low point.",
        "Macron met Aliyev, and France signalled a reset with Azerbaijan.",
    ]
    picked = focused_summary(sentences, ["France"], limit=3)
    assert 0 not in picked
    assert len(picked) == 3
    assert not {1, 2} <= set(picked)  # near-identical: only one of them


def test_focused_summary_position_prior_and_fallback():
    sentences = ["Aliyev spoke.", "Aliyev spoke again.", "Aliyev spoke once more in Baku."]
    assert focused_summary(sentences, ["Aliyev"], limit=1, positions=[0.0, 0.5, 0.9], dedupe=1.1) == [0]
    assert focused_summary(sentences, ["nobody"], limit=2, dedupe=1.1)  # no match: rank them all
    assert focused_summary([], ["x"], limit=3) == []


def test_focused_summary_matches_case_and_accents():
    assert focused_summary(["Theo Clerc was pardoned.", "Other news."], ["Théo Clerc"], limit=2) == [0]


# --- the seed articles ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds():
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.name] = analyse(text)
    return out


def test_seed_neil_watson_role_and_quote(seeds):
    text, spans, mentions = seeds["004_dc9c0814d8064941.txt"]
    roles = [(r.name, r.description) for r in find_roles(text, spans, mentions)]
    assert ("Neil Watson", "British journalist and political analyst") in roles
    quotes = find_quotes(text, spans, mentions)
    cusp = [q for q in quotes if "on the cusp of a breakthrough" in q.text]
    assert cusp and cusp[0].speaker == "Neil Watson"
    speakers = Counter(q.speaker for q in quotes)
    assert speakers == {"Neil Watson": 4, "Tural Ismayilov": 2}


def test_seed_roles_of_presidents_and_ministers(seeds):
    roles = {
        (r.name, r.description)
        for text, spans, mentions in seeds.values()
        for r in find_roles(text, spans, mentions)
    }
    assert ("Ilham Aliyev", "Azerbaijani President") in roles
    assert ("Jean-Noël Barrot", "French Minister") in roles
    assert ("Emmanuel Macron", "French President") in roles
    assert any(name == "Zaur Nurmamedov" and desc.startswith("journalist") for name, desc in roles)


def test_seed_france_co_mentions_macron_azerbaijan_armenia(seeds):
    related: Counter[str] = Counter()
    for text, spans, mentions in seeds.values():
        for span in spans:
            names = {m.name for m in mentions if span.start <= m.start < span.end}
            if "France" in names:
                related.update(names - {"France"})
    top = [name for name, _ in related.most_common(8)]
    assert {"Emmanuel Macron", "Azerbaijan", "Armenia"} <= set(top)


def test_seed_focused_summary_about_watson(seeds):
    _, spans, _ = seeds["004_dc9c0814d8064941.txt"]
    sentences = [s.text for s in spans]
    picked = focused_summary(
        sentences, ["Neil Watson", "Watson"], limit=3, positions=[i / len(spans) for i in range(len(spans))]
    )
    assert picked and all("Watson" in sentences[i] for i in picked)

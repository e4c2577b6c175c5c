"""The shortcuts of the entity extractor (``summarizer.entities``) change no result: each
against the plain way.

Like tests/test_speed_equivalence.py (whose reference tokens, reference notes and random lines
these reuse), on the seed articles, the evaluation articles where they are installed, and random
lines of odd characters (possessives, quote marks, white space of every kind).
"""

import random

import pytest

from summarizer import entities
from summarizer.sentences import Span, split_sentences
from tests.corpus import eval_texts, seed_texts
from tests.test_speed_equivalence import _random_lines, _reference_tokens

@pytest.fixture(scope="module")
def texts():
    """The seed articles, the evaluation articles (when installed), and lines with possessives."""
    out = seed_texts() + eval_texts(60)
    out += [
        "Jones' car and the Smiths' house; France’s and Paris's plans. “Shares fell,” said O'Neil.",
        "Barack Obama’s Visit To Paris Ends Today\nJOHN SMITH SAID THE ROCKETS HIT",
        "the iPhone maker Apple Inc. (AAPL) and eBay; Mary Smith met Paris officials in Baku's centre.",
    ]
    return out


def _pairs(texts):
    pairs = [(text, span) for text in texts for span in split_sentences(text)]
    rng = random.Random(11)
    for line in _random_lines(11, 2000, "aZ9 _-–.'’&`“”\n\t\u00a0\u2028ſİıKé²,sS"):
        start = rng.randint(0, len(line))
        pairs.append((line, Span(line[start:], start, len(line), 0)))
    return pairs


def _token_rows(tokens):
    return [(t.text, t.start, t.end, t.initial, t.index, t.word, t.cap) for t in tokens]


def _plain_tokens(text, span):
    """``entities._tokens`` as it was: each start found with ``str.find``, the shape, possessive
    and sentence-start facts worked out for every token."""
    rows = []
    for word, start, end, initial, index in _reference_tokens(text, span):
        rows.append((word, start, end, initial, index, *entities._shape(word)))
    return rows


def test_tokens_with_the_white_space_group_and_the_word_facts_are_the_plain_tokens(texts):
    for text, span in _pairs(texts):
        assert _token_rows(entities._tokens(text, span)) == _plain_tokens(text, span), (text, span)


def test_word_facts_are_right_after_the_memo_is_emptied(texts, monkeypatch):
    """The memo is emptied when full: words read after that (or asked again) are still right."""
    monkeypatch.setattr(entities, "_FACTS", {f"filler{k}": (True, False, 0, False) for k in range(1 << 17)})
    pairs = _pairs(texts[:3])
    for text, span in pairs:
        assert _token_rows(entities._tokens(text, span)) == _plain_tokens(text, span)
    assert len(entities._FACTS) < 1 << 17
    for word, facts in entities._FACTS.items():
        assert facts == (*entities._shape(word), entities._possessive(word), word in entities._STARTERS)


def test_every_capital_and_given_name_is_capitalised():
    """``_Doc`` looks a token up in the capitals and given names only when it is capitalised."""
    gaz = entities.gazetteer()
    assert all(entities._shape(name)[1] for name in gaz.capitals)
    assert all(entities._shape(name)[1] for name in gaz.given_names)


def test_candidate_start_and_end_fields_are_those_of_their_tokens(texts, monkeypatch):
    """``_Cand.start``/``end`` are fields set when made (and by ``_strip_suffix``), not properties."""
    link_within = entities._link_within
    seen = []

    def checked(doc, cands):
        for cand in cands:
            assert (cand.start, cand.end) == (cand.tokens[0].start, cand.tokens[-1].end), cand
        seen.append(len(cands))
        return link_within(doc, cands)

    monkeypatch.setattr(entities, "_link_within", checked)
    for text in texts:
        entities.extract_entities(text, split_sentences(text))
    assert sum(seen) > 100


def test_mentions_made_without_init_are_the_dataclass_mentions(texts):
    for text in texts:
        for m in entities.extract_entities(text, split_sentences(text)):
            plain = entities.Mention(m.text, m.name, m.type, m.start, m.end, m.form)
            assert m == plain and hash(m) == hash(plain) and repr(m) == repr(plain)
            assert vars(m) == vars(plain) and list(vars(m)) == list(vars(plain))


def test_plain_word_before_of_is_false_for_a_run_not_at_a_sentence_start(texts):
    """``_split_run`` asks ``_plain_word_before_of`` only of runs whose first word is ``initial``."""
    for text in texts:
        doc = entities._Doc(text, split_sentences(text))
        for tokens in doc.sentences:
            for run in entities._runs(tokens, text):
                if not run[0].initial:
                    assert not entities._plain_word_before_of(doc, run)


def test_a_title_starts_only_at_a_title_word(texts):
    """``_split_titles`` asks ``_title_run`` only where the word is a title head or modifier."""
    for text in texts:
        doc = entities._Doc(text, split_sentences(text))
        for tokens in doc.sentences:
            for run in entities._runs(tokens, text):
                for k, token in enumerate(run):
                    if token.text.rstrip(".") not in entities._TITLE_WORDS:
                        assert entities._title_run(run, k) == 0


def test_one_word_pieces_split_as_the_title_rules_split_them(texts):
    """A one-word piece is dropped when it is a title (``_title_run`` finds one), else kept whole."""
    words = {
        t.text for text in texts[:5] for span in split_sentences(text) for t in entities._tokens(text, span)
    }
    words |= entities.TITLE_HEADS | entities.TITLE_MODIFIERS | entities.PORTFOLIOS
    words |= {word + "." for word in entities.TITLE_HEADS | entities.TITLE_MODIFIERS}
    doc = entities._Doc(texts[0], split_sentences(texts[0]))
    for word in sorted(words):
        piece = [entities._Token(word, 0, len(word))]
        plain = [] if entities._title_run(piece, 0) else [(piece, "", False)]
        assert entities._split_titles(doc, piece) == plain, word

"""The shortcuts of event extraction (``summarizer.events``) and of LexRank centrality
(``summarizer.summarize``) change no result: each against the plain way.

On the seed articles, the evaluation articles where they are installed, the temporal lines of
tests/test_speed_equivalence.py and random lines of odd characters (quote marks, white space of
every kind).
"""

import random
import re
import sys

import numpy
import pytest
from sumy.summarizers.lex_rank import LexRankSummarizer

from summarizer import events
from summarizer.dates import find_timexes
from summarizer.entities import extract_entities
from summarizer.sentences import split_sentences
from summarizer.tokenizer import _WORD
from tests.corpus import eval_texts, seed_texts
from tests.test_speed_equivalence import LINES, _random_lines

summarize_module = sys.modules["summarizer.summarize"]  # the package exports a function of that name

@pytest.fixture(scope="module")
def texts():
    """The seed articles, the evaluation articles (when installed), and the temporal lines."""
    return seed_texts() + eval_texts(60) + ["\n".join(LINES)]


@pytest.fixture(scope="module")
def analysed(texts):
    """(text, sentences, timexes, mentions) of every text."""
    out = []
    for text in texts:
        spans = tuple(split_sentences(text, "en"))
        timexes, mentions = tuple(find_timexes(text, None, "en")), tuple(extract_entities(text, spans))
        out.append((text, spans, timexes, mentions))
    return out


def _odd_lines():
    lines = _random_lines(7, 1500)
    quotes = ["“", "”", "«", "»", "„", "``", "''", '"',
              " ", "\u00a0", "\t", "\u2009", "a", "Bb", ", ", "-"]
    rng = random.Random(11)
    lines += ["".join(rng.choice(quotes) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    return lines


# --- events ---------------------------------------------------------------------------------


def test_sentence_of_by_bisection_is_the_linear_scan(analysed):
    for text, spans, timexes, _ in analysed:
        starts = [span.start for span in spans]
        assert starts == sorted(starts)
        offsets = set(range(-1, len(text) + 2)) if len(text) < 20_000 else {t.start for t in timexes}
        for offset in offsets:
            assert events._sentence_of(spans, offset, starts) == events._sentence_of(spans, offset)


def test_str_split_white_space_is_regex_white_space():
    """``" ".join(line.split())`` stands for ``re.sub(r"\\s+", " ", line).strip()`` in ``_tidy``."""
    space = re.compile(r"\s")
    assert all((space.match(ch) is not None) == ch.isspace() for ch in map(chr, range(sys.maxunicode + 1)))
    for line in _odd_lines():
        assert " ".join(line.split()) == re.sub(r"\s+", " ", line).strip()


def test_reporting_match_is_the_substitution(analysed):
    lines = ["He said that it rained.", "She also warned the rain", "They believes it", "So He said x"]
    lines += [span.text for _, spans, _, _ in analysed for span in spans]
    for line in lines:
        match = events._REPORTING.match(line)
        assert (line[match.end():] if match else line) == events._REPORTING.sub("", line)


def _plain_balance_quotes(line):
    """``_balance_quotes`` as first written: every unmatched mark cut, then the substitution."""
    for mark in sorted(events._unmatched_quotes(line), key=lambda m: m.start(), reverse=True):
        line = line[:mark.start()] + line[mark.end():]
    return re.sub(r"\s{2,}", " ", line)


def test_balance_quotes_on_a_line_with_no_two_spaces_together(analysed):
    """``_tidy`` hands ``_balance_quotes`` lines with white space collapsed: there, returning a
    line that loses no mark as it is equals the substitution."""
    lines = _odd_lines() + [span.text for _, spans, _, _ in analysed for span in spans]
    for line in lines:
        line = " ".join(line.split())
        assert events._balance_quotes(line) == _plain_balance_quotes(line)


def _plain_entities_in(mentions, pieces, line):
    if not pieces:
        return ()
    low, high = min(start for start, _ in pieces), max(end for _, end in pieces)
    names = []
    for mention in mentions:
        if mention.start < low or mention.end > high:
            continue
        if getattr(mention, "form", "name") == "demonym":
            continue
        if mention.name in names:
            continue
        if not any(start <= mention.start and mention.end <= end for start, end in pieces):
            continue
        if events._has_whole_word(line, mention.text):
            names.append(mention.name)
    return tuple(names)


def test_shortcuts_inside_extract_events_change_nothing(analysed, monkeypatch):
    """Clauses computed only for long or many-dated sentences, and the mentions looked up by
    bisection: every call gives what the plain way gives."""
    pick, entities_in, calls = events._pick_clauses, events._entities_in, []

    def checked_pick(text, span, clauses, timex, others, mentions):
        got = pick(text, span, clauses, timex, others, mentions)
        assert got == pick(text, span, events._clauses(span), timex, others, mentions)
        calls.append("pick")
        return got

    def checked_entities(mentions, pieces, line, starts=None):
        got = entities_in(mentions, pieces, line, starts)
        assert got == _plain_entities_in(mentions, pieces, line)
        calls.append("entities")
        return got

    monkeypatch.setattr(events, "_pick_clauses", checked_pick)
    monkeypatch.setattr(events, "_entities_in", checked_entities)
    for text, spans, timexes, mentions in analysed:
        events.extract_events(text, spans, timexes, mentions)
        events.extract_events(text, spans, timexes, mentions[::-1])  # out of order: no bisection
    assert calls.count("pick") > 50 and calls.count("entities") > 50


# --- LexRank --------------------------------------------------------------------------------


def _plain_lexrank(sentences, language, threshold=0.1, epsilon=0.1):
    """``lexrank_centrality`` as it was: one Python loop per word, ``numpy.where`` guards, sumy's
    power method."""
    term_of = summarize_module._term_of(language)
    vocabulary, rows, columns = {}, [], []
    for row, sentence in enumerate(sentences):
        terms = [term for term in map(term_of, _WORD.findall(sentence)) if term is not None]
        columns += [vocabulary.setdefault(term, len(vocabulary)) for term in terms]
        rows += [row] * len(terms)
    n = len(sentences)
    width = max(len(vocabulary), 1)
    cells = numpy.array(rows, dtype=numpy.intp) * width + numpy.array(columns, dtype=numpy.intp)
    counts = numpy.bincount(cells, minlength=n * width).reshape(n, width).astype(float)
    peaks = counts.max(axis=1, keepdims=True)
    tf = counts / numpy.where(peaks > 0, peaks, 1)
    df = (counts > 0).sum(axis=0)
    idf = numpy.log(n / (1 + df))
    weights = tf * idf
    norms = numpy.sqrt((weights**2).sum(axis=1))
    dots = weights @ weights.T
    scale = numpy.outer(norms, norms)
    with numpy.errstate(divide="ignore", invalid="ignore"):
        similarity = numpy.where(scale > 0, dots / numpy.where(scale > 0, scale, 1), 0.0)
    adjacency = (similarity > threshold).astype(float)
    degrees = adjacency.sum(axis=1)
    degrees[degrees == 0] = 1
    matrix = adjacency / degrees[:, None]
    return matrix, list(LexRankSummarizer.power_method(matrix, epsilon))


def test_lexrank_centrality_is_bit_for_bit_the_plain_way(analysed):
    tried = 0
    for text, spans, _, _ in analysed:
        sentences = [span.text for span in spans][:summarize_module.MAX_RANKED_SENTENCES]
        pieces = [sentences, sentences[:3], sentences[:1], ["", "1 2 3", "the of and"] + sentences[:4],
                  ["the of", "", "1 2"]]  # no term at all: NaN centralities, the same
        for chunk in pieces:
            if not chunk:
                continue
            with numpy.errstate(invalid="ignore"):  # the chunk with no term: 0 / 0
                matrix, plain = _plain_lexrank(chunk, "english")
                fast = summarize_module.lexrank_centrality(chunk, "english")
                again = (summarize_module._power_method(matrix, 0.1),
                         LexRankSummarizer.power_method(matrix, 0.1))
            assert [float(v).hex() for v in fast] == [float(v).hex() for v in plain]
            assert [type(v) for v in fast] == [type(v) for v in plain]
            assert numpy.array_equal(*again, equal_nan=True)
            tried += 1
    assert tried > 20

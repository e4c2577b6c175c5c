"""Extractive summarizers, selectable by name.

Every method is a *ranker*: it rates each sentence, and :func:`summarize` keeps the best ``n``
in document order. sumy's methods are used as they are; their per-sentence ratings are read
through sumy's own ``sentences_count`` hook (it accepts a callable that receives the rated
sentences), so nothing of sumy is copied or patched.

Registered methods (``METHODS``): ``lexrank``, ``textrank``, ``lsa``, ``luhn``, ``kl``,
``sumbasic``, the ``lead`` baseline, and ``newsrank`` (default): LexRank centrality blended
with a lead-position prior, because news puts what matters first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer, null_stemmer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from .tokenizer import _WORD, OfflineTokenizer

DEFAULT_METHOD = "newsrank"
#: Centrality methods are quadratic in sentences; longer texts are ranked on their head.
MAX_RANKED_SENTENCES = 400

Ranker = Callable[[Sequence[str], str | None], list[float]]


@dataclass(frozen=True)
class Method:
    name: str
    description: str
    rank: Ranker
    max_sentences: int = MAX_RANKED_SENTENCES  # longer texts are ranked on their head


METHODS: dict[str, Method] = {}


class UnknownMethod(ValueError):
    """Raised for a summarizer name that is not registered."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown summarizer {name!r}; choose one of: {', '.join(sorted(METHODS))}")
        self.name = name


def register(name: str, description: str, *, max_sentences: int = MAX_RANKED_SENTENCES) -> Callable[[Ranker], Ranker]:
    """Register a ranker ``(sentences, sumy_language) -> ratings`` under ``name``.

    ``max_sentences`` bounds the work on long texts: only the first ones are ranked.
    """

    def inner(rank: Ranker) -> Ranker:
        if not callable(rank):
            raise TypeError("a summarizer must be callable")
        METHODS[name] = Method(name, description, rank, max_sentences)
        return rank

    return inner


@functools.lru_cache(maxsize=64)
def stop_words(language: str | None) -> frozenset[str]:
    """Stop words for a sumy language name: sumy's list, else the ``stop-words`` package."""
    if not language:
        return frozenset()
    from sumy.utils import get_stop_words

    try:
        return frozenset(get_stop_words(language))
    except LookupError:
        pass
    try:
        from stop_words import get_stop_words as other_stop_words

        return frozenset(other_stop_words(language))
    except Exception:  # the package raises its own error type for unknown languages
        return frozenset()


@functools.lru_cache(maxsize=64)
def _stemmer(language: str | None):
    if not language:
        return null_stemmer
    try:
        return Stemmer(language)
    except LookupError:
        return null_stemmer


@functools.lru_cache(maxsize=128)
def _sumy_summarizer(cls: type, language: str | None):
    summarizer = cls(_stemmer(language))
    summarizer.stop_words = stop_words(language)
    return summarizer


class _RatingCapture:
    """A sumy ``sentences_count`` callable that records every sentence's rating."""

    def __init__(self) -> None:
        self.ratings: dict[int, float] = {}

    def __call__(self, infos):
        infos = list(infos)
        self.ratings = {info.order: float(info.rating) for info in infos}
        return infos[:0]


def _document(sentences: Sequence[str], language: str | None) -> ObjectDocumentModel:
    tokenizer = OfflineTokenizer(language or "english")
    return ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])


def _sumy_ranker(cls: type) -> Ranker:
    def rank(sentences: Sequence[str], language: str | None) -> list[float]:
        if not sentences:
            return []
        capture = _RatingCapture()
        _sumy_summarizer(cls, language)(_document(sentences, language), capture)
        return [capture.ratings.get(i, 0.0) for i in range(len(sentences))]

    rank.__doc__ = f"Ratings from sumy's {cls.__name__}."
    return rank


register("lexrank", "LexRank: centrality in a graph of TF-IDF sentence similarity")(
    _sumy_ranker(LexRankSummarizer)
)
register("textrank", "TextRank: PageRank over word-overlap sentence similarity")(
    _sumy_ranker(TextRankSummarizer)
)
register("lsa", "LSA: sentences weighted by the SVD topics of the term matrix")(
    _sumy_ranker(LsaSummarizer)
)
register("luhn", "Luhn: clusters of significant words")(_sumy_ranker(LuhnSummarizer))
#: KL-Sum's greedy search re-scores every candidate against the growing summary: cubic-ish.
register("kl", "KL-Sum: greedy minimum KL divergence to the document's word distribution", max_sentences=60)(
    _sumy_ranker(KLSummarizer)
)
register("sumbasic", "SumBasic: average word probability, with redundancy update")(
    _sumy_ranker(SumBasicSummarizer)
)


@register("lead", "Lead baseline: the first sentences")
def rank_lead(sentences: Sequence[str], language: str | None) -> list[float]:
    """Rate sentences by position alone (first is best)."""
    return [float(len(sentences) - i) for i in range(len(sentences))]


def position_prior(index: int, decay: float = 8.0) -> float:
    """Lead bias of news copy: 1.0 for the first sentence, decaying with position."""
    return math.exp(-index / decay)


def _normalise(values: Sequence[float]) -> list[float]:
    low, high = min(values), max(values)
    if high - low < 1e-12:
        return [1.0 for _ in values]
    return [(v - low) / (high - low) for v in values]


@functools.lru_cache(maxsize=16)
def _term_of(language: str | None) -> Callable[[str], str | None]:
    """``word -> stem`` of its lower case, or None for a stop word, for one language.

    It takes any token of ``tokenizer._WORD`` and gives None as well for one with no letter
    (a number), the token that :func:`tokenizer.words` leaves out: the terms of a sentence are
    those of its ``_WORD`` tokens, with no second pass to filter them first.
    Memoised per word (up to 200,000 of them), so that a word seen in an earlier article is not
    stemmed again: Snowball stemming is most of the cost of ranking otherwise.
    """
    stem = _stemmer(language)
    stops = frozenset(w.lower() for w in stop_words(language))

    @functools.lru_cache(maxsize=200_000)
    def term(word: str) -> str | None:
        if not any(map(str.isalpha, word)):
            return None  # no letter: not one of tokenizer.words
        lower = word.lower()
        return None if lower in stops else stem(lower)

    return term


def lexrank_centrality(
    sentences: Sequence[str], language: str | None, threshold: float = 0.1, epsilon: float = 0.1
) -> list[float]:
    """sumy's LexRank, vectorised: the same terms, TF-IDF cosine, threshold and power method.

    sumy builds the similarity matrix with a Python double loop (O(n^2) dict operations);
    here it is one matrix product. ``tests/test_summarize.py`` checks the ratings equal sumy's.
    """
    if not sentences:
        return []
    term_of = _term_of(language)
    words_of = list(map(_WORD.findall, sentences))
    terms = list(map(term_of, chain.from_iterable(words_of)))
    # the terms take their columns in the order they first come in the text, from 1: column 0
    # takes the words with no term (stop words, numbers) and is dropped
    vocabulary = dict.fromkeys(terms)
    vocabulary.pop(None, None)
    column = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
    column[None] = 0
    n = len(sentences)
    width = max(len(vocabulary), 1)
    # cell (row, column) of rows (width + 1) wide
    row_starts = numpy.arange(0, n * (width + 1), width + 1, dtype=numpy.intp)
    rows = numpy.repeat(row_starts, list(map(len, words_of)))
    cells = rows + numpy.fromiter(map(column.__getitem__, terms), dtype=numpy.intp, count=len(terms))
    counts = numpy.bincount(cells, minlength=n * (width + 1)).reshape(n, width + 1)[:, 1:].astype(float)
    peaks = counts.max(axis=1, keepdims=True)
    tf = counts / numpy.maximum(peaks, 1)  # peaks are whole numbers: max(p, 1) is where(p > 0, p, 1)
    df = (counts > 0).sum(axis=0)
    idf = numpy.log(n / (1 + df))
    weights = tf * idf
    norms = numpy.sqrt((weights**2).sum(axis=1))
    dots = weights @ weights.T
    scale = numpy.outer(norms, norms)
    # a zero norm is a zero row of weights, whose dots are 0 too: 0 / 0 is NaN, never above the
    # threshold, as the similarity of 0 given for it before
    with numpy.errstate(divide="ignore", invalid="ignore"):
        adjacency = (dots / scale > threshold).astype(float)
    degrees = numpy.maximum(adjacency.sum(axis=1), 1)  # whole numbers again
    matrix = adjacency / degrees[:, None]
    return list(_power_method(matrix, epsilon))


def _power_method(matrix: numpy.ndarray, epsilon: float) -> numpy.ndarray:
    """``LexRankSummarizer.power_method``, the same float operations in the same order, with
    ``numpy.linalg.norm(x)`` written as what it does for a vector of floats, ``sqrt(x.dot(x))``
    (``tests/test_speed_events.py`` checks the vectors are equal)."""
    transposed_matrix = matrix.T
    sentences_count = len(matrix)
    p_vector = numpy.array([1.0 / sentences_count] * sentences_count)
    lambda_val = 1.0
    while lambda_val > epsilon:
        next_p = numpy.dot(transposed_matrix, p_vector)
        next_p /= math.sqrt(next_p.dot(next_p))
        change = numpy.subtract(next_p, p_vector)
        lambda_val = math.sqrt(change.dot(change))
        p_vector = next_p
    return p_vector


#: newsrank's blend, chosen by leave-one-out ROUGE on GUM's Wikinews articles with human
#: summaries and checked on held-out sets (bench/rouge_eval.py): news is hard to beat on position.
NEWSRANK_CENTRALITY_WEIGHT = 0.2
NEWSRANK_POSITION_DECAY = 3.0


@register("newsrank", "LexRank centrality blended 20/80 with a lead-position prior (default)")
def rank_news(sentences: Sequence[str], language: str | None) -> list[float]:
    """Blend centrality and position: central sentences near the top of the story win."""
    if not sentences:
        return []
    centrality = _normalise(lexrank_centrality(sentences, language))
    weight = NEWSRANK_CENTRALITY_WEIGHT
    return [weight * c + (1 - weight) * position_prior(i, NEWSRANK_POSITION_DECAY) for i, c in enumerate(centrality)]


def get_method(name: str | None) -> Method:
    """Look up a registered method; ``None`` means the default."""
    key = (name or DEFAULT_METHOD).strip().lower()
    if key not in METHODS:
        raise UnknownMethod(key)
    return METHODS[key]


def select(ratings: Sequence[float], count: int) -> list[int]:
    """Indices of the ``count`` best-rated sentences, ties to the earlier one, in order."""
    order = sorted(range(len(ratings)), key=lambda i: (-ratings[i], i))
    return sorted(order[: max(0, count)])


def summarize(
    sentences: Sequence[str], count: int = 3, method: str | None = None, language: str | None = None
) -> list[int]:
    """Return the indices (document order) of the ``count`` sentences ``method`` ranks best."""
    chosen = get_method(method)
    if len(sentences) <= count:
        return list(range(len(sentences)))
    head = list(sentences[:chosen.max_sentences])
    return select(chosen.rank(head, language), count)

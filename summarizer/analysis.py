"""``analyze(text) -> Analysis``: language, sentences, summary and entities in one pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .entities import Mention, extract_entities
from .language import LanguageGuess, detect_language
from .sentences import Span, split_sentences
from .summarize import DEFAULT_METHOD, get_method, summarize


#: Sentences that are about the publication, not the story: never picked for a summary.
BOILERPLATE = re.compile(
    r"^\W*(editor['’]?s note|read (more|also)|related( articles?)?:|subscribe|sign up|follow us|"
    r"you can (also )?follow|click here|share (this|on)|advertisement|thank you\W*$|all rights reserved|the views expressed)"
    r"|\bsubscrib(e|ing) (to|on) (our|a monthly)",
    re.IGNORECASE,
)


def is_boilerplate(sentence: str) -> bool:
    """True for newsroom furniture: editor's notes, subscribe/follow prompts, credits."""
    return BOILERPLATE.search(sentence) is not None


def _candidates(spans: tuple[Span, ...]) -> list[int]:
    """Sentences a summary may use: not boilerplate, nor in a paragraph opened by boilerplate."""
    openers: dict[int, Span] = {}
    for span in spans:
        openers.setdefault(span.paragraph, span)
    furniture = {p for p, first in openers.items() if is_boilerplate(first.text)}
    keep = [i for i, s in enumerate(spans) if s.paragraph not in furniture and not is_boilerplate(s.text)]
    return keep or list(range(len(spans)))


@dataclass(frozen=True)
class Analysis:
    """What the NLP pipeline found in one text."""

    language: LanguageGuess
    sentences: tuple[Span, ...]
    summary: tuple[Span, ...]
    method: str
    mentions: tuple[Mention, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def summary_text(self) -> str:
        return " ".join(span.text for span in self.summary)


def analyze(
    text: str,
    *,
    method: str | None = None,
    sentences: int = 3,
    language: str | None = None,
    entities: bool = True,
) -> Analysis:
    """Split, summarize (``sentences`` best by ``method``) and spot entities in ``text``.

    ``language`` (ISO 639-1) skips detection. Unknown languages are still summarized, with no
    stemming or stop words, and say so in ``warnings``.
    """
    chosen = get_method(method).name if method else DEFAULT_METHOD
    guess = LanguageGuess(language, 1.0) if language else detect_language(text)
    warnings: list[str] = []
    if not guess.known:
        warnings.append("language not recognised; summarized without stemming or stop words")
    elif guess.sumy_name is None:
        warnings.append(f"no stemmer for language {guess.code!r}; summarized without one")
    spans = tuple(split_sentences(text, guess.code))
    candidates = _candidates(spans)
    picked = [candidates[i] for i in summarize([spans[i].text for i in candidates], sentences, chosen, guess.sumy_name)]
    mentions = tuple(extract_entities(text, spans)) if entities else ()
    return Analysis(guess, spans, tuple(spans[i] for i in picked), chosen, mentions, tuple(warnings))

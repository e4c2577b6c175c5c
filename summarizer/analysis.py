"""``analyze(text) -> Analysis``: language, sentences, summary and entities in one pass."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .dates import Timex, find_timexes, fold_case
from .dossier_nlp import Quote, Role, find_quotes, find_roles
from .entities import Mention, extract_entities
from .events import EventCandidate, extract_events
from .language import LanguageGuess, detect_language
from .sentences import Span, split_sentences
from .summarize import DEFAULT_METHOD, get_method, summarize


_OPENING = (
    r"^\W*(editor['’]?s note|read (more|also)|related( articles?)?:|subscribe|sign up|follow us|"
    r"you can (also )?follow|click here|share (this|on)|advertisement|thank you\W*$|all rights reserved|the views expressed)"
)
_PROMPT = r"\bsubscrib(e|ing) (to|on) (our|a monthly)"
#: Sentences that are about the publication, not the story: never picked for a summary.
BOILERPLATE = re.compile(f"{_OPENING}|{_PROMPT}", re.IGNORECASE)
#: Its two parts, for a cheaper test: the opening is tried at the start only, and the prompt
#: (which may come anywhere) only in the sentences that hold "subscrib".
_OPENING_RE = re.compile(_OPENING, re.IGNORECASE)
_PROMPT_RE = re.compile(_PROMPT, re.IGNORECASE)


def is_boilerplate(sentence: str) -> bool:
    """True for newsroom furniture: editor's notes, subscribe/follow prompts, credits."""
    return _OPENING_RE.match(sentence) is not None or (
        "subscrib" in fold_case(sentence) and _PROMPT_RE.search(sentence) is not None
    )


def furniture(spans: Sequence[Span]) -> set[int]:
    """Indexes of newsroom furniture: boilerplate sentences and the paragraphs they open."""
    openers: dict[int, Span] = {}
    for span in spans:
        openers.setdefault(span.paragraph, span)
    skipped = {p for p, first in openers.items() if is_boilerplate(first.text)}
    return {i for i, s in enumerate(spans) if s.paragraph in skipped or is_boilerplate(s.text)}


def _candidates(spans: tuple[Span, ...], skipped: set[int] | None = None) -> list[int]:
    """Sentences a summary may use: not ``furniture`` (``skipped``, where known already)."""
    skipped = furniture(spans) if skipped is None else skipped
    keep = [i for i in range(len(spans)) if i not in skipped]
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
    timexes: tuple[Timex, ...] = ()
    events: tuple[EventCandidate, ...] = ()
    roles: tuple[Role, ...] = ()
    quotes: tuple[Quote, ...] = ()

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
    reference: date | None = None,
) -> Analysis:
    """Split, summarize (``sentences`` best by ``method``), spot entities, dates, events, roles, quotes.

    ``language`` (ISO 639-1) skips detection. Unknown languages are still summarized, with no
    stemming or stop words, and say so in ``warnings``. ``reference`` is the publication date
    relative dates ("On May 27", "yesterday") are resolved against; without it they stay
    unresolved. ``entities=False`` gives the summary alone (the cheap path).
    """
    chosen = get_method(method).name if method else DEFAULT_METHOD
    guess = LanguageGuess(language, 1.0) if language else detect_language(text)
    warnings: list[str] = []
    if not guess.known:
        warnings.append("language not recognised; summarized without stemming or stop words")
    elif guess.sumy_name is None:
        warnings.append(f"no stemmer for language {guess.code!r}; summarized without one")
    spans = tuple(split_sentences(text, guess.code))
    skipped = furniture(spans)
    candidates = _candidates(spans, skipped)
    picked = [candidates[i] for i in summarize([spans[i].text for i in candidates], sentences, chosen, guess.sumy_name)]
    summary = tuple(spans[i] for i in picked)
    if not entities:
        return Analysis(guess, spans, summary, chosen, (), tuple(warnings))
    mentions = tuple(extract_entities(text, spans))
    timexes = tuple(find_timexes(text, reference, guess.code))
    return Analysis(
        guess, spans, summary, chosen, mentions, tuple(warnings),
        timexes=timexes,
        events=tuple(extract_events(text, spans, timexes, mentions, furniture=skipped)),
        roles=tuple(find_roles(text, spans, mentions)),
        quotes=tuple(find_quotes(text, spans, mentions)),
    )

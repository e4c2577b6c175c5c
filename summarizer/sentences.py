"""Sentence splitting with no downloaded data.

The rules come from ``sentencex`` (Wikimedia's rule-based segmenter, ~300 languages, abbreviation
lists shipped in the package). A small repair pass merges the splits it still gets wrong on
news copy: a break after a known abbreviation ("M. Dupont", "5 janv. 2024", "т. е."), after a
single initial ("J. K. Rowling"), or before a lower-case continuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentencex import segment

#: Abbreviations that never end a sentence when followed by more text, per language.
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev hon st mt ft jr sr "
        "jan feb mar apr jun jul aug sep sept oct nov dec vol fig approx dept "
        "inc ltd corp bros e.g i.e vs".split()
    ),
    "fr": frozenset(
        "m mm mme mmes mlle dr pr me st ste janv févr fév avr juil sept oct nov déc "
        "p art n° no env cf etc".split()
    ),
    "ru": frozenset("г гг т е ул им см др пр руб тыс млн млрд н э в вв стр рис".split()),
}
_ABBREVIATIONS["default"] = _ABBREVIATIONS["en"]

_LAST_TOKEN = re.compile(r"(\S+)\.[\"'”’»)]*\s*$")
_INITIAL = re.compile(r"(?:^|\s)[A-ZÀ-ÞА-ЯЁ]\.\s*$")
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")


@dataclass(frozen=True)
class Span:
    """A sentence with its character offsets in the original text."""

    text: str
    start: int
    end: int
    paragraph: int


def _ends_with_abbreviation(chunk: str, language: str) -> bool:
    if _INITIAL.search(chunk):
        return True
    match = _LAST_TOKEN.search(chunk)
    if not match:
        return False
    token = match.group(1).lower().lstrip("(\"'“‘«")
    abbreviations = _ABBREVIATIONS.get(language, _ABBREVIATIONS["default"])
    return token in abbreviations


def _continues(previous: str, next_chunk: str) -> bool:
    """True when the next chunk cannot start a sentence.

    That is a lower-case letter or closing mark, or a split inside a token ("News.Az").
    """
    if previous and not previous[-1].isspace() and next_chunk[:1].isalnum():
        return True
    stripped = next_chunk.lstrip()
    return bool(stripped) and (stripped[0].islower() or stripped[0] in ",;:)]»”")


def _repair(chunks: list[str], language: str) -> list[str]:
    merged: list[str] = []
    for chunk in chunks:
        if not chunk.strip():
            if merged:
                merged[-1] += chunk
            continue
        if merged and (
            _continues(merged[-1], chunk)
            or (_ends_with_abbreviation(merged[-1], language) and not merged[-1].rstrip().endswith(("!", "?")))
        ):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    return merged


def split_sentences(text: str, language: str = "en") -> list[Span]:
    """Split ``text`` into sentences, one paragraph (line) at a time, keeping offsets."""
    lang = language if language and language != "und" else "en"
    spans: list[Span] = []
    paragraph = 0
    position = 0
    for part in _PARAGRAPHS.split(text):
        start_of_part = text.find(part, position) if part else position
        position = start_of_part + len(part)
        if not part.strip():
            continue
        cursor = start_of_part
        for chunk in _repair(list(segment(lang, part)), lang):
            sentence = chunk.strip()
            if not sentence:
                continue
            start = text.find(sentence, cursor)
            if start < 0:  # the segmenter normalised something; fall back to the cursor
                start = cursor
            end = start + len(sentence)
            spans.append(Span(sentence, start, end, paragraph))
            cursor = end
        paragraph += 1
    return spans

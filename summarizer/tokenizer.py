"""A sumy tokenizer that needs no NLTK data: sentences from :mod:`summarizer.sentences`."""

from __future__ import annotations

import re

from .sentences import split_sentences

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def words(text: str) -> tuple[str, ...]:
    """Word tokens (letters or digits joined by hyphens/apostrophes) containing a letter."""
    return tuple([w for w in _WORD.findall(text) if w.isalpha() or any(ch.isalpha() for ch in w)])


class OfflineTokenizer:
    """Drop-in replacement for ``sumy.nlp.tokenizers.Tokenizer`` (no punkt download).

    sumy only needs ``language``, ``to_sentences(paragraph)`` and ``to_words(sentence)``.
    """

    def __init__(self, language: str = "english", iso_code: str = "en") -> None:
        self._language = language
        self._iso_code = iso_code

    @property
    def language(self) -> str:
        return self._language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(span.text for span in split_sentences(paragraph, self._iso_code))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return words(sentence)

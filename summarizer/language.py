"""Language identification that ships its own model (py3langid), mapped to sumy's names."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from itertools import islice

logger = logging.getLogger(__name__)

#: ISO 639-1 code -> the language name sumy's stemmers and stop-word lists use.
SUMY_NAMES = {
    "ar": "arabic", "bg": "bulgarian", "ca": "catalan", "cs": "czech", "da": "danish",
    "de": "german", "el": "greek", "en": "english", "es": "spanish", "fa": "persian",
    "fi": "finnish", "fr": "french", "he": "hebrew", "hu": "hungarian", "id": "indonesian",
    "it": "italian", "nl": "dutch", "no": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sk": "slovak", "sv": "swedish", "tr": "turkish",
    "uk": "ukrainian",
}

UNKNOWN = "und"  # ISO 639-2 "undetermined"
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class LanguageGuess:
    """The detected language: ISO code, sumy name, and whether to trust it."""

    code: str
    probability: float

    @property
    def known(self) -> bool:
        return self.code != UNKNOWN

    @property
    def sumy_name(self) -> str | None:
        """Name understood by sumy's stemmer/stop words, or None when unsupported."""
        return SUMY_NAMES.get(self.code)


_IDENTIFIER = None
_IDENTIFIER_LOCK = threading.Lock()


def _identifier():
    """The language model, loaded once even when many threads ask at the same time."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _IDENTIFIER_LOCK:
            if _IDENTIFIER is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def detect_language(text: str, *, sample_chars: int = 1500) -> LanguageGuess:
    """Guess the language of ``text``; ``und`` when too short or too uncertain."""
    sample = text[:sample_chars]
    if len(list(islice(filter(str.isalpha, sample), MIN_LETTERS))) < MIN_LETTERS:
        return LanguageGuess(UNKNOWN, 0.0)
    code, probability = _identifier().classify(sample)
    probability = float(probability)
    if code == "zxx" or probability < MIN_CONFIDENCE:  # zxx: "no linguistic content"
        logger.debug("language guess %s too uncertain (%.2f)", code, probability)
        return LanguageGuess(UNKNOWN, probability)
    return LanguageGuess(code, probability)

"""Language identification that ships its own model (py3langid), mapped to sumy's names."""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
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
                from py3langid.langid import MODEL_FILE

                try:
                    _IDENTIFIER = _fast_identifier_class().from_model_file(MODEL_FILE, norm_probs=True)
                except AttributeError:  # another py3langid release without the internals used
                    from py3langid.langid import LanguageIdentifier

                    logger.warning("py3langid %s: using its stock identifier", _py3langid_version())
                    _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def _py3langid_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("py3langid")
    except PackageNotFoundError:
        return "(unknown version)"


#: Most (DFA state, word) walks remembered by the identifier below.
_WALK_MEMO = 1 << 16


def _fast_identifier_class():
    """py3langid's ``LanguageIdentifier`` with its two costly steps made cheaper, same scores.

    * The byte-level DFA walk (a Python loop over every byte) is done word by word: the walk
      over a word's bytes, and the features it passes, depend only on the state it starts in, so
      they are memoised per (state, word), a bounded per-word memo.
    * The naive Bayes weights are float16; the library converts the rows an article uses to
      float32 for every article (the bulk of the scoring time). Here each row is converted once,
      when first used, and kept in a compact float32 table. The matrix product is then the
      same float32 product on the same numbers, in the same order: the same scores, bit for bit.

    tests/test_speed_equivalence.py checks both against the stock class.
    """
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    class FastLanguageIdentifier(LanguageIdentifier):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in ("tk_nextmove", "_rowbase", "tk_output", "nb_ptc", "nb_pc"):
                getattr(self, name)  # AttributeError: the library changed; the stock class is used
            self._walk = functools.lru_cache(maxsize=_WALK_MEMO)(self._walk_bytes)
            self._rows_lock = threading.Lock()
            self._rows_of = self.nb_ptc  # the table the float32 rows come from
            self._slot = np.full(len(self.nb_ptc), -1, dtype=np.intp)  # feature -> row in _rows
            self._rows = np.empty((1024, self.nb_ptc.shape[1]), dtype=np.float32)
            self._used = 0  # rows of _rows filled so far

        def _walk_bytes(self, state: int, data: bytes) -> tuple[int, tuple[int, ...]]:
            """The DFA walk of py3langid's ``visit_counts``: end state and features passed."""
            nextmove, rowbase, output = self.tk_nextmove, self._rowbase, self.tk_output
            found = []
            for letter in data:
                state = nextmove[rowbase[state] + letter]
                if output[state] >= 0:
                    found.append(output[state])
            return state, tuple(found)

        def _visit_counts(self, text: bytes) -> Counter | None:
            """``visit_counts(...)`` of the library: feature -> count, in first-seen order."""
            words = text.split(b" ")
            last = words.pop()
            state, found = 0, []
            for word in words:  # each word with the space after it
                state, features = self._walk(state, word + b" ")
                found += features
            found += self._walk(state, last)[1]
            return Counter(found) if found else None

        def _raw_score(self, text):
            visits = self._visit_counts(text)
            if not visits:
                return super()._raw_score(text)  # no features: the library's own fallback
            return self._sparse_score(visits, self.nb_ptc)

        def _sparse_score(self, visits, table):
            if table is not self._rows_of:  # languages restricted: the library's way
                return super()._sparse_score(visits, table)
            idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
            counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
            return np.log1p(counts) @ self._float32_rows(idx) + self.nb_pc

        def _float32_rows(self, idx):
            """``table[idx].astype(float32)``, converting each row only the first time it is used."""
            if (self._slot[idx] < 0).any():
                with self._rows_lock:
                    new = idx[self._slot[idx] < 0]
                    used, rows = self._used, self._rows
                    if used + len(new) > len(rows):  # grow by doubling: amortised O(1) per row
                        rows = np.empty((max(2 * len(rows), used + len(new)), rows.shape[1]), np.float32)
                        rows[:used] = self._rows[:used]
                    rows[used:used + len(new)] = self._rows_of[new]
                    # the rows are in place before their slots are set, so that a thread that
                    # reads the slots without the lock finds every row they point to
                    self._rows, self._used = rows, used + len(new)
                    self._slot[new] = np.arange(used, used + len(new))
            return self._rows[self._slot[idx]]

    return FastLanguageIdentifier


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

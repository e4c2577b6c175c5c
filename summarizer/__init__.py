"""NLP with no I/O and no downloads: sentences, extractive summaries, entities, language."""

import os as _os

# One BLAS thread per process, set before numpy first loads: the matrices here have a few hundred
# rows, and OpenBLAS's thread pool costs more than it gives and makes latencies jitter (a digest
# at 1M articles: p90 129 ms with it, 73 ms without). Set the variables yourself to override.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")

from .analysis import Analysis, analyze  # noqa: E402 (after the BLAS setting)
from .dates import Timex, find_timexes  # noqa: E402
from .events import EventCandidate, MergedEvent, extract_events, merge_events  # noqa: E402
from .entities import Mention, extract_entities, top_entities  # noqa: E402
from .language import LanguageGuess, detect_language  # noqa: E402
from .sentences import Span, split_sentences  # noqa: E402
from .summarize import DEFAULT_METHOD, METHODS, UnknownMethod, get_method, register, summarize  # noqa: E402
from .tokenizer import OfflineTokenizer  # noqa: E402

__all__ = [
    "DEFAULT_METHOD", "METHODS", "Analysis", "EventCandidate", "LanguageGuess", "Mention", "MergedEvent",
    "OfflineTokenizer", "Span", "Timex", "UnknownMethod", "analyze", "detect_language", "extract_entities",
    "extract_events", "find_timexes", "get_method", "merge_events", "register", "split_sentences", "summarize",
    "top_entities",
]

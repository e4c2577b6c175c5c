"""NLP with no I/O and no downloads: sentences, extractive summaries, entities, language."""

from .analysis import Analysis, analyze
from .dates import Timex, find_timexes
from .events import EventCandidate, MergedEvent, extract_events, merge_events
from .entities import Mention, extract_entities, top_entities
from .language import LanguageGuess, detect_language
from .sentences import Span, split_sentences
from .summarize import DEFAULT_METHOD, METHODS, UnknownMethod, get_method, register, summarize
from .tokenizer import OfflineTokenizer

__all__ = [
    "DEFAULT_METHOD", "METHODS", "Analysis", "EventCandidate", "LanguageGuess", "Mention", "MergedEvent",
    "OfflineTokenizer", "Span", "Timex", "UnknownMethod", "analyze", "detect_language", "extract_entities",
    "extract_events", "find_timexes", "get_method", "merge_events", "register", "split_sentences", "summarize",
    "top_entities",
]

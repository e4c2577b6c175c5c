"""NLP with no I/O and no downloads: sentences, extractive summaries, entities, language."""

from .analysis import Analysis, analyze
from .entities import Mention, extract_entities, top_entities
from .language import LanguageGuess, detect_language
from .sentences import Span, split_sentences
from .summarize import DEFAULT_METHOD, METHODS, UnknownMethod, get_method, register, summarize
from .tokenizer import OfflineTokenizer

__all__ = [
    "DEFAULT_METHOD", "METHODS", "Analysis", "LanguageGuess", "Mention", "OfflineTokenizer",
    "Span", "UnknownMethod", "analyze", "detect_language", "extract_entities", "get_method",
    "register", "split_sentences", "summarize", "top_entities",
]

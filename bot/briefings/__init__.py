"""The briefing domain: pure of Telegram. ``Briefings`` is the entry point."""

from .errors import BriefingError, EmptyInput, InputTooLarge, InvalidArgument, NoTextFound, UnsupportedInput
from .service import Briefings, normalize_date, parse_id

__all__ = [
    "BriefingError", "Briefings", "EmptyInput", "InputTooLarge", "InvalidArgument", "NoTextFound",
    "UnsupportedInput", "normalize_date", "parse_id",
]

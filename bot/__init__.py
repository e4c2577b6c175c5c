"""Newsroom Briefing Bot: Telegram edge, briefing domain and the ``briefing`` CLI."""

import summarizer  # noqa: F401 (first: it sets BLAS to one thread before numpy loads)

__version__ = "0.1.0"

"""Newsroom Briefing Bot: Telegram edge, briefing domain and the ``briefing`` CLI."""

__version__ = "0.1.0"

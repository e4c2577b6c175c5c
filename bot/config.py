"""Settings, read once from the environment and ``.env`` (mirrors ``.env.example``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from dotenv import dotenv_values

#: variable -> (default, one-line description). ``.env.example`` is checked against this.
VARIABLES: dict[str, tuple[str, str]] = {
    "TELEGRAM_BOT_TOKEN": ("", "Bot token from @BotFather; required to run the bot, not the CLI"),
    "TELEGRAM_API_BASE_URL": (
        "https://api.telegram.org/bot",
        "Bot API base URL, no trailing slash (a self-hosted Bot API server or a test emulator)",
    ),
    "BRIEFING_DB": ("briefing.db", "SQLite archive file (created on first use)"),
    "BRIEFING_SUMMARIZER": ("newsrank", "Default summarizer: newsrank lexrank textrank lsa luhn kl sumbasic lead"),
    "BRIEFING_SUMMARY_SENTENCES": ("3", "Sentences per article summary"),
    "BRIEFING_MAX_INPUT_BYTES": ("10000000", "Largest file, page or message accepted for ingest, in bytes"),
    "BRIEFING_TIMEZONE": ("UTC", "Default timezone (IANA name) for dates shown and digests"),
    "BRIEFING_LOG_LEVEL": ("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR"),
    "BRIEFING_MIN_ARTICLE_CHARS": (
        "200", "Shortest message stored as an article; shorter text is treated as a command or chat"
    ),
    "BRIEFING_FETCH_TIMEOUT": ("15", "Seconds allowed to fetch a linked web page (connect, read and total)"),
    "BRIEFING_FETCH_PRIVATE": (
        "0", "1: also fetch links and feeds on private, loopback and link-local addresses; 0: refuse them"
    ),
    "TELEGRAM_RATE_LIMIT": ("1", "1: pace outgoing messages to Telegram's flood limits; 0: send at once"),
    "TELEGRAM_WEBHOOK_URL": ("", "Public HTTPS URL Telegram posts updates to; empty means long polling"),
    "TELEGRAM_WEBHOOK_LISTEN": ("0.0.0.0", "Address the webhook server listens on"),
    "TELEGRAM_WEBHOOK_PORT": ("8443", "Port the webhook server listens on"),
    "TELEGRAM_WEBHOOK_SECRET": ("", "Secret Telegram sends with every webhook call (A-Z a-z 0-9 _ -)"),
    "BRIEFING_ADMIN_IDS": ("", "Comma-separated Telegram user ids made owners at start-up"),
    "BRIEFING_ACCESS_MODE": ("open", "open: anyone may read; private: only users with a role or allowed chats"),
    "BRIEFING_DIGEST_TIME": ("08:00", "Default time of day (HH:MM) for /subscribe without a time"),
    "BRIEFING_FEED_POLL_MINUTES": ("30", "How often feeds are checked for due polls, in minutes"),
}


@dataclass(frozen=True)
class Settings:
    telegram_bot_token: str = ""
    telegram_api_base_url: str = VARIABLES["TELEGRAM_API_BASE_URL"][0]
    briefing_db: str = VARIABLES["BRIEFING_DB"][0]
    briefing_summarizer: str = VARIABLES["BRIEFING_SUMMARIZER"][0]
    briefing_summary_sentences: int = 3
    briefing_max_input_bytes: int = 10_000_000
    briefing_timezone: str = "UTC"
    briefing_log_level: str = "INFO"
    briefing_min_article_chars: int = 200
    briefing_fetch_timeout: int = 15
    briefing_fetch_private: int = 0
    telegram_rate_limit: int = 1
    telegram_webhook_url: str = ""
    telegram_webhook_listen: str = VARIABLES["TELEGRAM_WEBHOOK_LISTEN"][0]
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: str = ""
    briefing_admin_ids: str = ""
    briefing_access_mode: str = "open"
    briefing_digest_time: str = "08:00"
    briefing_feed_poll_minutes: int = 30

    @property
    def admin_ids(self) -> tuple[int, ...]:
        """``BRIEFING_ADMIN_IDS`` parsed; a malformed entry is a configuration error."""
        ids = []
        for part in self.briefing_admin_ids.replace(" ", "").split(","):
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ValueError(f"BRIEFING_ADMIN_IDS must be numeric Telegram user ids, not {part!r}")
            ids.append(int(part))
        return tuple(ids)

    @classmethod
    def load(cls, env_file: str | Path | None = ".env", environ: dict[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``env_file`` (if present), overridden by the environment."""
        values: dict[str, str] = {}
        if env_file and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        settings = cls()
        changes = {}
        for item in fields(cls):
            raw = values.get(item.name.upper())
            if raw is None or raw == "":
                continue
            try:
                changes[item.name] = int(raw) if item.type in ("int", int) else raw.strip()
            except ValueError as error:
                raise ValueError(f"{item.name.upper()} must be a whole number, not {raw!r}") from error
        return replace(settings, **changes)

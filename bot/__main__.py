"""``python -m bot``: load settings, build the application, run it (polling or webhook)."""

from __future__ import annotations

import logging
import sys

from storage import StorageError

from .config import Settings


def configure_logging(settings: Settings) -> None:
    """Timestamped logs on stderr at BRIEFING_LOG_LEVEL; library chatter at WARNING."""
    logging.basicConfig(
        level=getattr(logging, settings.briefing_log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "apscheduler", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> int:
    """Run the bot until interrupted; a configuration problem is one line on stderr and exit 1."""
    try:
        settings = Settings.load()
        configure_logging(settings)
        from .telegram.app import serve

        serve(settings)
    except (ValueError, StorageError) as error:  # BotConfigError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

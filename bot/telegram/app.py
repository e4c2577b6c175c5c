"""The one composition root: settings in, a wired :class:`telegram.ext.Application` out.

Example::

    settings = Settings.load()
    run(build_application(settings), settings)   # long polling, or a webhook if configured
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    AIORateLimiter, Application, ApplicationBuilder, BaseRateLimiter, CallbackQueryHandler,
    CommandHandler, Defaults, MessageHandler, TypeHandler, filters,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from ..briefings import Briefings
from ..config import Settings
from . import admin, handlers, jobs
from .context import CONTEXT_TYPES, BriefingApplication

logger = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16  # updates handled at once, so a long ingest does not hold up others
ALLOWED_UPDATES = [Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY]
NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set; put the token from @BotFather in .env (see .env.example) or the "
    "environment, or try the briefings without Telegram: make demo"
)


class BotConfigError(ValueError):
    """The bot cannot start with these settings; the message says what to set."""


class RetryingLimiter(BaseRateLimiter[dict]):
    """Retries Bot API calls refused by flood control (``RetryAfter``) or lost to network errors.

    With a ``pacer`` (an :class:`AIORateLimiter`) outgoing calls are also paced to Telegram's
    limits and the pacer waits out ``RetryAfter`` itself. A call's ``rate_limit_args`` may set its
    number of retries: ``{"retries": 0}`` tries once.
    """

    def __init__(
        self, pacer: AIORateLimiter | None = None, *, max_retries: int = 3, backoff: float = 0.5,
        max_wait: float = 60.0,
    ) -> None:
        self.pacer = pacer
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait

    async def initialize(self) -> None:
        if self.pacer:
            await self.pacer.initialize()

    async def shutdown(self) -> None:
        if self.pacer:
            await self.pacer.shutdown()

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args) -> Any:
        retries = (rate_limit_args or {}).get("retries", self.max_retries)
        attempt = 0
        while True:
            try:
                if self.pacer:
                    return await self.pacer.process_request(callback, args, kwargs, endpoint, data, retries)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                delay, reason = _seconds(error), error
                if self.pacer or attempt >= retries or delay > self.max_wait:
                    raise
            except NetworkError as error:  # includes TimedOut; BadRequest is the caller's mistake
                if isinstance(error, BadRequest) or attempt >= retries:
                    raise
                delay, reason = self.backoff * 2**attempt, error
            attempt += 1
            logger.warning("%s failed (%s); retry %d of %d in %.1f s",
                           endpoint, reason, attempt, retries, delay)
            await asyncio.sleep(delay)


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # int vs timedelta, changing in a future PTB
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def api_urls(base_url: str) -> tuple[str, str]:
    """(Bot API base URL, file download base URL) from TELEGRAM_API_BASE_URL.

    >>> api_urls("http://127.0.0.1:8081/")
    ('http://127.0.0.1:8081/bot', 'http://127.0.0.1:8081/file/bot')
    """
    base = base_url.strip().rstrip("/")
    if not base.endswith("/bot"):
        base += "/bot"
    return base, base[: -len("/bot")] + "/file/bot"


def _defaults(settings: Settings) -> Defaults:
    try:
        tzinfo = ZoneInfo(settings.briefing_timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BotConfigError(
            f"BRIEFING_TIMEZONE {settings.briefing_timezone!r} is not a known timezone"
        ) from error
    return Defaults(
        parse_mode=ParseMode.HTML,
        tzinfo=tzinfo,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def build_application(
    settings: Settings,
    briefings: Briefings | None = None,
    *,
    request_class: type[HTTPXRequest] = HTTPXRequest,
) -> BriefingApplication:
    """Wire the bot: Bot API client, defaults, retries, handlers, and the archive's lifecycle.

    ``briefings`` given: the caller owns it; otherwise one is opened in ``post_init`` from
    ``settings.briefing_db`` and closed in ``post_shutdown``. ``request_class`` lets tests talk to
    a Bot API emulator whose answers need adapting.
    """
    if not settings.telegram_bot_token:
        raise BotConfigError(NO_TOKEN)
    try:
        admin.check_settings(settings)
    except ValueError as error:
        raise BotConfigError(str(error)) from error
    base_url, file_url = api_urls(settings.telegram_api_base_url)
    pacer = AIORateLimiter() if settings.telegram_rate_limit else None
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(base_url)
        .base_file_url(file_url)
        .request(request_class(connection_pool_size=CONCURRENT_UPDATES + 4, connect_timeout=10.0,
                               read_timeout=20.0, write_timeout=20.0, pool_timeout=10.0))
        .get_updates_request(request_class(connection_pool_size=2, connect_timeout=10.0, read_timeout=10.0))
        .defaults(_defaults(settings))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(CONCURRENT_UPDATES)
        .rate_limiter(RetryingLimiter(pacer))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data.settings = settings
    application.bot_data.briefings = briefings
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Commands first, then what arrives as content, then the catch-alls and the error handler."""
    application.add_handler(TypeHandler(Update, admin.gate), group=admin.GATE_GROUP)  # access control
    in_channels = filters.UpdateType.MESSAGES | filters.UpdateType.CHANNEL_POST
    for name, callback in {**handlers.COMMANDS, **admin.COMMANDS}.items():
        application.add_handler(CommandHandler(
            name, callback, filters=in_channels if name in handlers.CHANNEL_COMMANDS else None))
    message = filters.UpdateType.MESSAGE
    application.add_handlers([
        MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migrate),
        MessageHandler(message & filters.Document.ALL & filters.CaptionRegex(handlers.FEED_IMPORT_CAPTION),
                       handlers.on_feed_import),
        MessageHandler(filters.UpdateType.CHANNEL_POST, handlers.on_channel_post),
        MessageHandler(message & filters.Document.ALL, handlers.on_document),
        MessageHandler(message & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, handlers.on_message),
        MessageHandler(message & filters.COMMAND, handlers.unknown_command),
        MessageHandler(message & filters.ChatType.PRIVATE, handlers.on_other),
        CallbackQueryHandler(handlers.more, pattern=handlers.MORE_PATTERN),
        CallbackQueryHandler(admin.confirm_delete, pattern=admin.DELETE_PATTERN),
        CallbackQueryHandler(handlers.stale_button),
    ])
    application.add_error_handler(handlers.on_error)
    application.add_error_handler(admin.keep_error)  # for /stats; ends the update


async def _post_init(application: Application) -> None:
    data = application.bot_data
    if data.briefings is None:
        data.briefings = await asyncio.to_thread(Briefings.from_settings, data.settings)
        data.owns_briefings = True
    data.access = await asyncio.to_thread(admin.build_access, data.briefings.archive, data.settings)
    try:
        # load the NLP models once, before the first update: worker threads that all load them on a
        # burst of first messages multiply the cost (measured: 20 instead of 80 articles/s)
        await asyncio.to_thread(data.briefings.warm_up)
    except Exception:  # the first message will load them instead
        logger.warning("could not load the NLP models at start-up", exc_info=True)
    # what start-up loaded (models, gazetteers) lives as long as the process: the garbage
    # collector need not walk it again (digest p95 at 1M articles 91-128 ms without, ~76 with)
    gc.freeze()
    await jobs.start(application)  # digests re-armed, feed polling, one catch-up run
    await admin.set_menus(application)
    logger.info("@%s is running; archive: %s", application.bot.username, data.briefings.archive.path)


async def _post_shutdown(application: Application) -> None:
    gc.unfreeze()  # what _post_init froze may be garbage now (an application stopped in-process)
    data = application.bot_data
    if data.owns_briefings and data.briefings is not None:
        data.briefings.close()
        data.briefings = None
        data.owns_briefings = False


def run(application: Application, settings: Settings, *, poll_interval: float = 0.0, **options: Any) -> None:
    """Run until stopped: a webhook server if TELEGRAM_WEBHOOK_URL is set, else long polling.

    ``options`` (``stop_signals``, ``close_loop``...) go to ``run_webhook`` / ``run_polling``.
    """
    extra: dict[str, Any] = {"allowed_updates": ALLOWED_UPDATES, **options}
    if settings.telegram_webhook_url:
        url = settings.telegram_webhook_url
        logger.info("webhook mode: listening on %s:%s for %s", settings.telegram_webhook_listen,
                    settings.telegram_webhook_port, url)
        application.run_webhook(
            listen=settings.telegram_webhook_listen,
            port=settings.telegram_webhook_port,
            url_path=urlsplit(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=settings.telegram_webhook_secret or None,
            **extra,
        )
    else:
        application.run_polling(poll_interval=poll_interval, **extra)


def serve(settings: Settings) -> None:
    """Build and run the bot; a missing or rejected token is a :class:`BotConfigError`."""
    application = build_application(settings)
    try:
        run(application, settings)
    except InvalidToken as error:
        raise BotConfigError(
            f"Telegram rejected TELEGRAM_BOT_TOKEN ({error}); copy the token from @BotFather again"
        ) from error

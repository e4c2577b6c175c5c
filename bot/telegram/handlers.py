"""Thin handlers: unpack the update, call :class:`Briefings` off the event loop, render, reply.

Domain errors (:class:`BriefingError`, an unknown article id) are raised as they are; the one
error handler, :func:`on_error`, turns them into a short reply and anything else into a
logged traceback and an apology.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import (
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, MessageEntity, MessageOriginChannel,
    MessageOriginChat, MessageOriginHiddenUser, MessageOriginUser, ReplyParameters, Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from storage import ArticleNotFound

from ..briefings import BriefingError, InvalidArgument
from ..briefings.access import may_run
from ..briefings.errors import EntityNotFound
from ..briefings.feeds import add_feed, export_opml, parse_opml
from ..briefings.fetch import check_upload, ingest_upload, ingest_url
from ..briefings.loaders import check_size
from ..briefings.models import IngestResult
from . import jobs, render
from .context import BriefingContext

logger = logging.getLogger(__name__)

PAGE_SIZE = 5
MAX_PAGE = 50
MAX_LINKS = 3  # links fetched from one message
MAX_ARTICLE_MESSAGES = 5  # /article sends at most this many messages of text
TELEGRAM_FILE_LIMIT = 20_000_000  # getFile cannot download larger files from Telegram's cloud
MORE_PATTERN = r"^(latest|search|digest|timeline|who):(\d{1,6}):(\w{0,12})$"
URL_RE = re.compile(r"\bhttps?://[^\s<>\"'«»“”]+", re.IGNORECASE)

Callback = Callable[[Update, BriefingContext], Awaitable[None]]
F = TypeVar("F", bound=Callback)


def usage(args: str) -> Callable[[F], F]:
    """Record a command's arguments (``/summary ID [N]``) for /help."""

    def mark(callback: F) -> F:
        callback.usage = args  # type: ignore[attr-defined]
        return callback

    return mark


# -- replying -------------------------------------------------------------------------------
async def send(
    context: BriefingContext,
    chat_id: int,
    text: str,
    *,
    reply_to: Message | None = None,
    markup: InlineKeyboardMarkup | None = None,
    max_messages: int | None = None,
) -> None:
    """Send ``text`` split under Telegram's limit, in order; buttons go on the last message."""
    chunks = render.split_message(text)
    if max_messages:
        chunks = render.cap_messages(chunks, max_messages)
    for i, chunk in enumerate(chunks):
        await context.bot.send_message(
            chat_id,
            chunk,
            reply_parameters=(
                ReplyParameters(reply_to.message_id, allow_sending_without_reply=True)
                if reply_to is not None and i == 0 else None
            ),
            reply_markup=markup if i == len(chunks) - 1 else None,
        )


async def answer(
    update: Update,
    context: BriefingContext,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    max_messages: int | None = None,
) -> None:
    """Reply in the update's chat; in groups the reply quotes the message it answers."""
    message = update.effective_message
    quote = message if message is not None and message.chat.type != ChatType.PRIVATE else None
    await send(context, update.effective_chat.id, text,
               reply_to=quote, markup=markup, max_messages=max_messages)


# -- commands -------------------------------------------------------------------------------
async def start(update: Update, context: BriefingContext) -> None:
    """Say hello and explain how to send articles."""
    user = update.effective_user
    await answer(update, context, render.start_text(
        user.first_name if user else None, min_chars=context.settings.briefing_min_article_chars
    ))


async def help_command(update: Update, context: BriefingContext) -> None:
    """List the commands and what I store."""
    settings = context.settings
    user, chat = update.effective_user, update.effective_chat
    role = await asyncio.to_thread(context.access.role_of, user.id if user else None, chat.id if chat else None)
    await answer(update, context, render.help_text(
        [c for c in registered_commands(context.application) if may_run(role, c.name)],  # what they may run
        min_chars=settings.briefing_min_article_chars,
        max_bytes=min(settings.briefing_max_input_bytes, TELEGRAM_FILE_LIMIT),
    ))


@usage("ID [N]")
async def summary(update: Update, context: BriefingContext) -> None:
    """Summarize a stored article in N sentences (default 3)."""
    if not context.args or len(context.args) > 2:
        raise InvalidArgument("usage: /summary ID [N], e.g. /summary 12 or /summary 12 5")
    sentences = _number(context.args[1], "/summary ID [N]") if len(context.args) == 2 else None
    view = await asyncio.to_thread(context.briefings.summarize_article, context.args[0], sentences=sentences)
    await answer(update, context, render.summary_reply(view))


@usage("ID")
async def article(update: Update, context: BriefingContext) -> None:
    """Show a stored article in full."""
    if len(context.args or ()) != 1:
        raise InvalidArgument("usage: /article ID, e.g. /article 12")
    view = await asyncio.to_thread(context.briefings.article, context.args[0])
    await answer(update, context, render.article_reply(view), max_messages=MAX_ARTICLE_MESSAGES)


@usage("[N]")
async def latest(update: Update, context: BriefingContext) -> None:
    """Show the latest articles, N at a time (default 5)."""
    if len(context.args or ()) > 1:
        raise InvalidArgument(f"usage: /latest [N], N from 1 to {MAX_PAGE}")
    size = _number(context.args[0], "/latest [N]") if context.args else PAGE_SIZE
    text, markup = await page(context, "latest", 0, str(size))
    await answer(update, context, text, markup=markup)


@usage("QUERY")
async def search(update: Update, context: BriefingContext) -> None:
    """Search the titles and texts of stored articles."""
    query = " ".join(context.args or ()).strip()
    if not query:
        raise InvalidArgument("usage: /search QUERY, e.g. /search France")
    text, markup = await page(context, "search", 0, context.chat_data.remember("search", query))
    await answer(update, context, text, markup=markup)


@usage("[SINCE]")
async def digest(update: Update, context: BriefingContext) -> None:
    """Brief the latest articles now, optionally since a date (yesterday, 2025-05-27)."""
    since = " ".join(context.args or ()).strip()
    watches = await asyncio.to_thread(context.briefings.archive.watches, update.effective_chat.id)
    key = context.chat_data.remember("digest", json.dumps({"since": since, "watch": watches}))
    text, markup = await page(context, "digest", 0, key)
    await answer(update, context, text, markup=markup)


# -- entities and timelines -----------------------------------------------------------------
TIMELINE_PAGE = 8  # events per page
MAX_ENTITIES = 50
MAX_SUGGESTIONS = 5
UPLOAD_RETRIES = 1  # a refused upload is retried once, then the text fallback is sent


def _suggestions(context: BriefingContext, names: list[str]) -> InlineKeyboardMarkup | None:
    """One button per "did you mean" name; pressing it runs /who on it."""
    buttons = [[InlineKeyboardButton(name[:60], callback_data=f"who:0:{context.chat_data.remember('who', name)}")]
               for name in names[:MAX_SUGGESTIONS]]
    return InlineKeyboardMarkup(buttons) if buttons else None


@usage("NAME")
async def who(update: Update, context: BriefingContext) -> None:
    """Show what the archive says about a person, organisation or place."""
    name = " ".join(context.args or ()).strip()
    if not name:
        raise InvalidArgument("usage: /who NAME, e.g. /who France or /who Ilham Aliyev")
    try:
        dossier = await asyncio.to_thread(context.briefings.who, name)
    except EntityNotFound as error:
        await answer(update, context, render.error_reply(str(error)),
                     markup=_suggestions(context, error.suggestions))
        return
    await answer(update, context, render.dossier_reply(dossier))


@usage("[N]")
async def entities(update: Update, context: BriefingContext) -> None:
    """List the most mentioned people, organisations and places (default 20)."""
    if len(context.args or ()) > 1:
        raise InvalidArgument(f"usage: /entities [N], N from 1 to {MAX_PAGE}")
    limit = _number(context.args[0], "/entities [N]") if context.args else 20
    rows = await asyncio.to_thread(context.briefings.entities, limit=limit)
    await answer(update, context, render.entities_reply(rows))


@usage("[chart] [ENTITY] [FROM..TO]")
async def timeline(update: Update, context: BriefingContext) -> None:
    """Show dated events, oldest first; "chart" draws them as a picture."""
    args = list(context.args or ())
    if args and args[0].lower() == "chart":
        await _timeline_chart(update, context, args[1:])
        return
    text, markup = await page(context, "timeline", 0, context.chat_data.remember("timeline", " ".join(args)))
    await answer(update, context, text, markup=markup)


async def _timeline_chart(update: Update, context: BriefingContext, args: list[str]) -> None:
    found, png = await asyncio.to_thread(context.briefings.timeline_chart, args)
    message = update.effective_message
    quote = message if message is not None and message.chat.type != ChatType.PRIVATE else None
    error = await upload(context.bot, update.effective_chat.id, png, "timeline.png", render.chart_caption(found),
                         photo=True, reply_to=quote)
    if error is None:
        return
    text, markup = await page(context, "timeline", 0, context.chat_data.remember("timeline", " ".join(args)))
    await answer(update, context, f"{render.chart_failed(error)}\n\n{text}", markup=markup)


async def upload(
    bot, chat_id: int, data: bytes, filename: str, caption: str, *, photo: bool = False,
    reply_to: Message | None = None,
) -> str | None:
    """Send ``data`` as a photo or a document; None when sent, else why Telegram refused it."""
    options = {
        "caption": caption,
        "reply_parameters": (ReplyParameters(reply_to.message_id, allow_sending_without_reply=True)
                             if reply_to is not None else None),
        "rate_limit_args": {"retries": UPLOAD_RETRIES},
    }
    try:
        if photo:
            await bot.send_photo(chat_id, InputFile(data, filename=filename), **options)
        else:
            await bot.send_document(chat_id, InputFile(data, filename=filename), **options)
    except TelegramError as error:
        logger.warning("could not send %s to chat %s: %s", filename, chat_id, error)
        return error.message
    return None


# -- subscriptions --------------------------------------------------------------------------
@usage("[HH:MM] [Area/City]")
async def subscribe(update: Update, context: BriefingContext) -> None:
    """Get a daily digest in this chat at HH:MM local time."""
    chat = update.effective_chat
    settings = context.settings
    view = await asyncio.to_thread(
        context.briefings.subscribe, chat.id, list(context.args or ()), chat_type=chat.type,
        title=chat.effective_name, default_timezone=settings.briefing_timezone,
        default_time=settings.briefing_digest_time, now=context.bot_data.clock(),
    )
    jobs.arm(context.application, chat.id, view.time, view.timezone)
    await answer(update, context, render.subscribed_reply(view))


async def unsubscribe(update: Update, context: BriefingContext) -> None:
    """Stop this chat's daily digest."""
    chat_id = update.effective_chat.id
    removed = await asyncio.to_thread(context.briefings.unsubscribe, chat_id)
    jobs.disarm(context.application, chat_id)
    await answer(update, context, render.unsubscribed_reply(removed))


@usage("[empty on|off]")
async def settings_command(update: Update, context: BriefingContext) -> None:
    """Show this chat's digest settings; "empty on" sends a note on days with no news."""
    chat_id = update.effective_chat.id
    args = [a.lower() for a in context.args or ()]
    if args:
        if len(args) != 2 or args[0] != "empty" or args[1] not in ("on", "off"):
            raise InvalidArgument("usage: /settings, or /settings empty on|off")
        await asyncio.to_thread(context.briefings.set_send_empty, chat_id, args[1] == "on")
    view = await asyncio.to_thread(context.briefings.subscription_view, chat_id, now=context.bot_data.clock())
    settings = context.settings
    await answer(update, context, render.settings_reply(
        view, default_time=settings.briefing_digest_time, default_timezone=settings.briefing_timezone))


def _watch(briefings, chat_id: int, name: str) -> tuple[str, bool]:
    """Watch the archive's canonical name for ``name`` ("Aliyev" -> "Ilham Aliyev") if it knows one."""
    try:
        canonical, known = briefings.resolve_entity(name)[0], True
    except EntityNotFound:
        canonical, known = name, False
    return briefings.watch(chat_id, canonical), known


def _unwatch(briefings, chat_id: int, name: str) -> tuple[str, bool]:
    if briefings.unwatch(chat_id, name):
        return name, True
    try:
        canonical = briefings.resolve_entity(name)[0]
    except EntityNotFound:
        return name, False
    return canonical, briefings.unwatch(chat_id, canonical)


@usage("NAME")
async def watch(update: Update, context: BriefingContext) -> None:
    """Put stories about NAME first in this chat's digests."""
    name = " ".join(context.args or ()).strip()
    if not name:
        raise InvalidArgument("usage: /watch NAME, e.g. /watch Ilham Aliyev")
    watched, known = await asyncio.to_thread(_watch, context.briefings, update.effective_chat.id, name)
    await answer(update, context, render.watch_reply(watched, known=known))


@usage("NAME")
async def unwatch(update: Update, context: BriefingContext) -> None:
    """Stop putting NAME's stories first."""
    name = " ".join(context.args or ()).strip()
    if not name:
        raise InvalidArgument("usage: /unwatch NAME; /settings lists what this chat watches")
    name, removed = await asyncio.to_thread(_unwatch, context.briefings, update.effective_chat.id, name)
    await answer(update, context, render.unwatch_reply(name, removed))


# -- feeds ----------------------------------------------------------------------------------
FEED_USAGE = ("usage: /feed add URL · /feed list · /feed remove ID · /feed export · /feed import "
              "(as the caption of an OPML file, or in reply to one)")
OPML_LIMIT = 1_000_000
FEED_IMPORT_CAPTION = r"^/feed(@\w+)?\s+import\b"  # an OPML file sent with this caption


@usage("add URL | list | remove ID | export | import")
async def feed(update: Update, context: BriefingContext) -> None:
    """Follow RSS/Atom feeds: new entries are stored like links."""
    args = list(context.args or ())
    action = args[0].lower() if args else ""
    briefings = context.briefings
    if action == "add" and len(args) == 2:
        user = update.effective_user
        row, created = await asyncio.to_thread(add_feed, briefings, args[1], added_by=user.id if user else None)
        result = (await jobs.poll_feeds(context.application, [row]))[0] if created else None
        if result is not None:
            row = await asyncio.to_thread(briefings.archive.feed, row.id) or row
        await answer(update, context, render.feed_added(row, created, result))
    elif action == "list" and len(args) == 1:
        await answer(update, context, render.feed_list(await asyncio.to_thread(briefings.archive.feeds)))
    elif action == "remove" and len(args) == 2:
        if not args[1].lstrip("#").isdigit() or len(args[1]) > 12:
            raise InvalidArgument("usage: /feed remove ID (a number from /feed list)")
        feed_id = int(args[1].lstrip("#"))
        if not await asyncio.to_thread(briefings.archive.remove_feed, feed_id):
            raise InvalidArgument(f"no feed #{feed_id}; /feed list shows them")
        await answer(update, context, render.feed_removed(feed_id))
    elif action == "export" and len(args) == 1:
        await _export_feeds(update, context)
    elif action == "import" and len(args) == 1:
        replied = update.effective_message.reply_to_message
        if replied is None or replied.document is None:
            raise InvalidArgument("send the OPML file with the caption /feed import, or reply /feed import to it")
        await _import_feeds(update, context, replied)
    else:
        raise InvalidArgument(FEED_USAGE)


async def on_feed_import(update: Update, context: BriefingContext) -> None:
    """Add the feeds of an OPML file sent with the caption /feed import."""
    await _import_feeds(update, context, update.effective_message)


async def _export_feeds(update: Update, context: BriefingContext) -> None:
    rows = await asyncio.to_thread(context.briefings.archive.feeds)
    if not rows:
        await answer(update, context, render.feed_list(rows))
        return
    opml = export_opml(rows)
    error = await upload(context.bot, update.effective_chat.id, opml.encode("utf-8"), "feeds.opml",
                         render.feeds_caption(len(rows)))
    if error is not None:
        await answer(update, context, render.opml_fallback(opml, error))


async def _import_feeds(update: Update, context: BriefingContext, message: Message) -> None:
    document = message.document
    check_size(document.file_size or 0, OPML_LIMIT, document.file_name or "the OPML file")
    data = bytes(await (await document.get_file()).download_as_bytearray())
    user = update.effective_user
    added, known, refused = await asyncio.to_thread(_add_feeds, context.briefings, data, user.id if user else None)
    if added:
        jobs.poll_soon(context.application)
    await answer(update, context, render.feeds_imported(added, known, refused))


def _add_feeds(briefings, data: bytes, added_by: int | None) -> tuple[int, int, list[str]]:
    added = known = 0
    refused: list[str] = []
    for url in parse_opml(data):
        try:
            created = add_feed(briefings, url, added_by=added_by)[1]
        except BriefingError as error:
            refused.append(f"{url[:100]}: {error}")
            continue
        added += created
        known += not created
    return added, known, refused


# -- chats that move ------------------------------------------------------------------------
async def on_migrate(update: Update, context: BriefingContext) -> None:
    """Keep a group's digest, watches and lists when it becomes a supergroup (a new chat id)."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat.id
    await asyncio.to_thread(context.briefings.archive.migrate_chat, old, new)
    if old in context.application.chat_data:
        context.application.migrate_chat_data(old_chat_id=old, new_chat_id=new)
    await jobs.rearm(context.application, old, new)
    logger.info("chat %s moved to %s; its subscription and watches followed", old, new)


COMMANDS: dict[str, Callback] = {
    "start": start,
    "help": help_command,
    "latest": latest,
    "search": search,
    "summary": summary,
    "article": article,
    "digest": digest,
    "who": who,
    "entities": entities,
    "timeline": timeline,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "settings": settings_command,
    "watch": watch,
    "unwatch": unwatch,
    "feed": feed,
}
#: Commands a channel's admins may post in the channel (for the channel's own digest).
CHANNEL_COMMANDS = frozenset({"subscribe", "unsubscribe", "settings"})


def registered_commands(application: Application) -> list[render.CommandHelp]:
    """The commands registered on ``application``, described by their callbacks' docstrings."""
    found: list[render.CommandHelp] = []
    for group in sorted(application.handlers):
        for handler in application.handlers[group]:
            if isinstance(handler, CommandHandler):
                doc = (handler.callback.__doc__ or "").strip().splitlines()
                for name in sorted(handler.commands):
                    found.append(render.CommandHelp(
                        name, getattr(handler.callback, "usage", ""), doc[0].rstrip(".") if doc else name
                    ))
    return found


def _number(value: str, usage_line: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise InvalidArgument(f"{value[:20]!r} is not a number from 1 to {MAX_PAGE}; usage: {usage_line}")
    return int(value)


# -- paging ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    text: str
    next_offset: int | None  # None: this is the last page


async def _latest_page(context: BriefingContext, offset: int, key: str) -> Page:
    size = _number(key, "/latest [N]")  # button data can be forged: check it like an argument
    briefings = context.briefings
    views = await asyncio.to_thread(briefings.list_articles, limit=size, offset=offset)
    total = await asyncio.to_thread(briefings.archive.count_articles)
    text = render.article_list(views, offset=offset, total=total)
    return Page(text, offset + size if offset + len(views) < total else None)


async def _search_page(context: BriefingContext, offset: int, key: str) -> Page:
    query = _recall(context, "search", key)
    hits = await asyncio.to_thread(context.briefings.search, query, limit=PAGE_SIZE + 1, offset=offset)
    text = render.search_reply(hits[:PAGE_SIZE], query, offset=offset)
    return Page(text, offset + PAGE_SIZE if len(hits) > PAGE_SIZE else None)


async def _digest_page(context: BriefingContext, offset: int, key: str) -> Page:
    query = json.loads(_recall(context, "digest", key))
    result = await asyncio.to_thread(context.briefings.digest, since=query["since"] or None,
                                     limit=offset + PAGE_SIZE + 1, watch=query["watch"])
    text = render.digest_reply(result, offset=offset, page=PAGE_SIZE)
    return Page(text, offset + PAGE_SIZE if len(result.items) > offset + PAGE_SIZE else None)


async def _timeline_page(context: BriefingContext, offset: int, key: str) -> Page:
    found = await asyncio.to_thread(context.briefings.timeline, _recall(context, "timeline", key))
    text = render.timeline_reply(found, offset=offset, page=TIMELINE_PAGE)
    return Page(text, offset + TIMELINE_PAGE if len(found.events) > offset + TIMELINE_PAGE else None)


async def _who_page(context: BriefingContext, offset: int, key: str) -> Page:
    """A "did you mean" button: the dossier of the name it carries."""
    dossier = await asyncio.to_thread(context.briefings.who, _recall(context, "who", key))
    return Page(render.dossier_reply(dossier), None)


PAGERS: dict[str, Callable[[BriefingContext, int, str], Awaitable[Page]]] = {
    "latest": _latest_page, "search": _search_page, "digest": _digest_page, "timeline": _timeline_page,
    "who": _who_page,
}


def _recall(context: BriefingContext, kind: str, key: str) -> str:
    value = context.chat_data.recall(kind, key)
    if value is None:
        raise InvalidArgument("this list has expired; send the command again")
    return value


async def page(
    context: BriefingContext, kind: str, offset: int, key: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of a list and its "more" button, if there is more."""
    result = await PAGERS[kind](context, offset, key)
    if result.next_offset is None:
        return result.text, None
    button = InlineKeyboardButton("More ›", callback_data=f"{kind}:{result.next_offset}:{key}")
    return result.text, InlineKeyboardMarkup.from_button(button)


async def stale_button(update: Update, context: BriefingContext) -> None:
    """Answer a button this version of the bot no longer knows."""
    await update.callback_query.answer("This button no longer works; send the command again.")


async def more(update: Update, context: BriefingContext) -> None:
    """Send the next page of a list when its "more" button is pressed."""
    query = update.callback_query
    await query.answer()
    match = re.match(MORE_PATTERN, query.data or "")
    if match is None:  # the pattern routes only matching data here; be safe all the same
        raise InvalidArgument("this button is no longer valid; send the command again")
    kind, offset, key = match.groups()
    text, markup = await page(context, kind, int(offset), key)
    if query.message is not None:
        try:  # the button has done its job; the next page carries its own
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as error:
            logger.debug("could not remove the button: %s", error)
    await send(context, update.effective_chat.id, text, markup=markup)


# -- ingest ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Origin:
    """Where a message's text comes from: source name, link, publish date, origin label."""

    source: str | None = None
    url: str | None = None
    published_at: str | None = None
    kind: str = "telegram"


def _post_link(chat, message_id: int) -> str | None:
    return f"https://t.me/{chat.username}/{message_id}" if getattr(chat, "username", None) else None


def message_origin(message: Message) -> Origin:
    """A forward keeps its original sender as source and its date; a channel post its channel."""
    forwarded = message.forward_origin
    if isinstance(forwarded, MessageOriginChannel):
        chat = forwarded.chat
        return Origin(chat.title or chat.username, _post_link(chat, forwarded.message_id),
                      forwarded.date.isoformat(), "forward")
    if isinstance(forwarded, MessageOriginChat):
        return Origin(forwarded.sender_chat.title, None, forwarded.date.isoformat(), "forward")
    if isinstance(forwarded, MessageOriginUser):
        return Origin(forwarded.sender_user.full_name, None, forwarded.date.isoformat(), "forward")
    if isinstance(forwarded, MessageOriginHiddenUser):
        return Origin(forwarded.sender_user_name, None, forwarded.date.isoformat(), "forward")
    if message.chat.type == ChatType.CHANNEL:
        return Origin(message.chat.title, _post_link(message.chat, message.message_id),
                      message.date.isoformat(), "channel")
    return Origin()


def find_urls(message: Message) -> list[str]:
    """Web links in a message's text or caption (link entities first, then bare URLs), deduplicated."""
    text = message.text or message.caption or ""
    types = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    entities = message.parse_entities(types) if message.text else message.parse_caption_entities(types)
    found = [entity.url if entity.type == MessageEntity.TEXT_LINK else value
             for entity, value in entities.items()]
    found += URL_RE.findall(text)
    urls: list[str] = []
    for url in found:
        url = (url or "").strip().rstrip(".,;:!?)]}'\"»”")
        if url and not re.match(r"^https?://", url, re.IGNORECASE):
            url = "http://" + url
        if url and url not in urls:
            urls.append(url)
    return urls


def article_length(text: str) -> int:
    """Characters that count toward the article threshold (links do not)."""
    return len(URL_RE.sub("", text).strip())


async def _ingest_text(context: BriefingContext, message: Message, text: str) -> IngestResult:
    origin = message_origin(message)
    return await asyncio.to_thread(
        context.briefings.ingest_text, text,
        source=origin.source, url=origin.url, published_at=origin.published_at, origin=origin.kind,
    )


async def _ingest_url(context: BriefingContext, url: str) -> IngestResult:
    settings = context.settings
    return await asyncio.to_thread(
        ingest_url, context.briefings, url,
        timeout=settings.briefing_fetch_timeout, min_chars=settings.briefing_min_article_chars,
    )


async def _ingest_links(context: BriefingContext, urls: list[str]) -> str:
    """Fetch and store each link; one reply block per link, failures included."""
    blocks = []
    for url in urls[:MAX_LINKS]:
        try:
            result = await _ingest_url(context, url)
        except BriefingError as error:
            logger.info("link %s not stored: %s", url, error)
            blocks.append(render.ingest_failure(url, str(error)))
        else:
            blocks.append(render.ingest_reply(result))
    if len(urls) > MAX_LINKS:
        blocks.append(f"{render.WARNING} Only the first {MAX_LINKS} links were fetched.")
    return "\n\n".join(blocks)


async def _ingest_document(context: BriefingContext, message: Message) -> IngestResult:
    document = message.document
    name = document.file_name or "file"
    limit = min(context.briefings.max_input_bytes, TELEGRAM_FILE_LIMIT)
    check_upload(name, document.file_size or 0, limit)  # before downloading anything
    data = await (await document.get_file()).download_as_bytearray()
    origin = message_origin(message)
    return await asyncio.to_thread(
        ingest_upload, context.briefings, bytes(data), name,
        source=origin.source, url=origin.url, published_at=origin.published_at,
    )


async def on_message(update: Update, context: BriefingContext) -> None:
    """Store a pasted or forwarded article, or the pages its links point to."""
    message = update.effective_message
    text = (message.text or message.caption or "").strip()
    min_chars = context.settings.briefing_min_article_chars
    if article_length(text) >= min_chars:
        reply = render.ingest_reply(await _ingest_text(context, message, text))
    elif urls := find_urls(message):
        reply = await _ingest_links(context, urls)
    elif message.chat.type == ChatType.PRIVATE:
        reply = render.short_text_reply(article_length(text), min_chars)
    else:
        return  # short chat in a group is none of our business
    await answer(update, context, reply)


async def on_document(update: Update, context: BriefingContext) -> None:
    """Store an uploaded .txt, .md or .html file."""
    result = await _ingest_document(context, update.effective_message)
    await answer(update, context, render.ingest_reply(result))


async def on_channel_post(update: Update, context: BriefingContext) -> None:
    """Archive a post of a channel I administer, quietly (no reply in the channel)."""
    message = update.effective_message
    text = (message.text or message.caption or "").strip()
    if message.document:
        results = [await _ingest_document(context, message)]
    elif article_length(text) >= context.settings.briefing_min_article_chars:
        results = [await _ingest_text(context, message, text)]
    elif urls := find_urls(message):
        results = []
        for url in urls[:MAX_LINKS]:
            try:
                results.append(await _ingest_url(context, url))
            except BriefingError as error:
                logger.info("channel %s: link %s not stored: %s", message.chat.id, url, error)
    else:
        return
    for result in results:
        logger.info("channel %s: %s", message.chat.id, result.message)


async def unknown_command(update: Update, context: BriefingContext) -> None:
    """Point to /help when a command addressed to me is not one I know."""
    message = update.effective_message
    command = (message.text or "").split()[0]
    name, _, target = command[1:].partition("@")
    if target and target.lower() != (context.bot.username or "").lower():
        return  # meant for another bot
    if message.chat.type != ChatType.PRIVATE and not target:
        return  # in groups, only commands addressed to me get an answer
    await answer(update, context, render.error_reply(f"I don't know /{name}; send /help for the commands."))


async def on_other(update: Update, context: BriefingContext) -> None:
    """Explain what I can store when a private message has no text or file."""
    await answer(update, context, render.error_reply(
        "I store text: paste an article, forward a post, send a link or a .txt, .md or .html file."
    ))


# -- errors ---------------------------------------------------------------------------------
APOLOGY = "Sorry, something went wrong on my side; it has been logged. Please try again later."


async def on_error(update: object, context: BriefingContext) -> None:
    """Log the error (with its traceback unless it is the user's), then tell the user briefly."""
    error = context.error
    expected = isinstance(error, (BriefingError, ArticleNotFound))
    if expected:
        logger.info("not served: %s", error)
    else:
        logger.error("error while handling an update: %r", error, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type == ChatType.CHANNEL:
        return  # never talk in a channel; the log has it
    text = render.error_reply(str(error)) if expected else APOLOGY
    try:
        await send(context, update.effective_chat.id, text)
    except TelegramError as send_error:
        logger.warning("could not tell chat %s about the error: %s", update.effective_chat.id, send_error)

"""Who may do what, at the Telegram edge: one gate in front of every handler, and the admin commands.

The gate (:func:`gate`, registered in handler group :data:`GATE_GROUP`, before all others) works out
the role an update needs (:func:`classify`) and the sender's role (:class:`Access`):

* ``reader`` — every command and button not listed below (queries, /digest, /subscribe...);
* ``editor`` — anything that would be stored: pasted or forwarded text, links, files, /feed;
* ``admin`` — /admin, /allow, /deny, /stats, /delete, /export, /audit (:data:`COMMAND_ROLES`);
* ``owner`` — /broadcast, and (checked by :class:`Access`) granting or revoking admins.

Channel posts have no sender: a channel's posts are archived only when the channel is on the
allow-list (``/allow CHAT``); a command posted in a channel (/subscribe) is a reader's request
from the channel itself (open mode, or an allowed channel). Service messages (members joining, a
group becoming a supergroup) are not requests and pass unchecked.

Refused: a command gets one polite line (in groups only when it is addressed to me or is one of
mine), a button an alert, content one line in a private chat and silence elsewhere. Then
:class:`ApplicationHandlerStop` ends the update, so no other handler sees it and nothing is
stored. A failure while checking fails closed: the error handler reports it, the update stops.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from telegram import (
    BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, filters

from storage import Archive, ArticleNotFound

from ..briefings import BriefingError, InvalidArgument, parse_id
from ..briefings.access import (
    COMMAND_ROLES, DEFAULT_ROLE, MODES, ROLES, Access, AccessDenied, at_least, may_run, parse_user_id,
)
from ..config import Settings
from . import render
from .context import BriefingContext
from .handlers import Callback, answer, registered_commands, send, usage

logger = logging.getLogger(__name__)

GATE_GROUP = -1  # before every other handler group
CONTENT_ROLE = "editor"
BUTTON_ROLES: dict[str, str] = {"delete": "admin"}  # callback data prefix -> role
DELETE_PATTERN = r"^delete:(\d{1,18}):(yes|no)$"
DOCUMENT_LIMIT = 50_000_000  # bots may upload documents up to 50 MB
AUDIT_PAGE, AUDIT_MAX = 20, 100
EXPORT_FALLBACK = ("Could not send the files ({reason}). On the server, run: "
                   "briefing export --jsonl archive.jsonl --backup archive-copy.db")


def check_settings(settings: Settings) -> None:
    """Refuse to start with malformed BRIEFING_ADMIN_IDS or an unknown BRIEFING_ACCESS_MODE (ValueError)."""
    settings.admin_ids  # noqa: B018 (parsing is the check)
    if settings.briefing_access_mode not in MODES:
        raise ValueError(f"BRIEFING_ACCESS_MODE must be one of {', '.join(MODES)}, "
                         f"not {settings.briefing_access_mode!r}")


def build_access(archive: Archive, settings: Settings) -> Access:
    """Access over ``archive``: owners from BRIEFING_ADMIN_IDS, mode from BRIEFING_ACCESS_MODE."""
    return Access(archive, owners=settings.admin_ids, default_mode=settings.briefing_access_mode)


# -- the gate -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Need:
    """What an update asks for: its kind and the least role that may ask it."""

    kind: str  # "command" | "content" | "button" | "channel" | "foreign" (another bot's command)
    #: the least role; for a channel's own posts: "editor" (content) or that of the command posted
    role: str | None = None
    command: str | None = None
    addressed: bool = False  # "/cmd@me"


def command_of(message: Message) -> tuple[str, str] | None:
    """(name, @target or "") of a message that starts with a bot command, else None."""
    text = message.text or ""
    entities = message.entities or ()
    if not text.startswith("/") or not any(
        e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities
    ):
        return None
    name, _, target = text.split(maxsplit=1)[0][1:].partition("@")
    return name.lower(), target


def classify(update: Update, username: str | None) -> Need | None:
    """The role ``update`` needs; None for updates that ask for nothing (service messages...)."""
    if update.callback_query is not None:
        prefix = (update.callback_query.data or "").split(":", 1)[0]
        return Need("button", BUTTON_ROLES.get(prefix, DEFAULT_ROLE))
    post = update.channel_post or update.edited_channel_post
    message = post or update.message or update.edited_message
    if message is None:
        return None
    if filters.StatusUpdate.ALL.check_update(update):
        return None
    command = command_of(message)
    if command is None:
        return Need("channel" if post else "content", CONTENT_ROLE)
    name, target = command
    if target and target.lower() != (username or "").lower():
        return Need("foreign")
    return Need("channel" if post else "command", COMMAND_ROLES.get(name, DEFAULT_ROLE), name, bool(target))


def _decide(access: Access, update: Update, need: Need) -> str | None:
    """None if allowed, else the polite line (runs in a worker thread: it reads the archive)."""
    chat = update.effective_chat
    if need.kind == "channel":  # no sender: the channel itself asks; trusted when allowed
        role = "editor" if access.archive.chat_allowed(chat.id) else access.role_of(None, chat.id)
        return None if at_least(role, need.role) else f"channel not allowed to {need.command or 'post articles'}"
    user = update.effective_user
    try:
        access.check(user.id if user else None, chat.id if chat else None, need.role)
    except AccessDenied as denied:
        line = str(denied)
        if user is not None and access.role_of(user.id, chat.id if chat else None) is None:
            line += f" Your Telegram user id is {user.id}."
        return line
    return None


async def gate(update: object, context: BriefingContext) -> None:
    """Let an update through only if the sender's role covers it; else answer once and stop it."""
    if not isinstance(update, Update):
        return
    need = classify(update, context.bot.username)
    if need is None:
        return
    if need.kind == "foreign":  # meant for another bot in the group
        raise ApplicationHandlerStop
    try:
        refusal = await asyncio.to_thread(_decide, context.access, update, need)
    except Exception as error:  # fail closed: report it, serve nothing
        await context.application.process_error(update, error)
        raise ApplicationHandlerStop from None
    if refusal is None:
        return
    chat = update.effective_chat
    logger.info("refused %s (%s) from user %s in chat %s: %s", need.kind, need.command or "-",
                update.effective_user.id if update.effective_user else None, chat.id if chat else None, refusal)
    try:
        await _refuse(update, context, need, refusal)
    except TelegramError as error:
        logger.warning("could not tell chat %s it was refused: %s", chat.id if chat else None, error)
    raise ApplicationHandlerStop


async def _refuse(update: Update, context: BriefingContext, need: Need, line: str) -> None:
    private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
    if need.kind == "button":
        await update.callback_query.answer(line, show_alert=True)
    elif need.kind == "command":
        known = {c.name for c in registered_commands(context.application)}
        if private or need.addressed or need.command in known:
            await answer(update, context, render.esc(line))
    elif need.kind == "content" and private:
        await answer(update, context, render.esc(line))


# -- /admin, /allow, /deny ------------------------------------------------------------------
ADMIN_USAGE = ("usage: /admin grant USER ROLE | /admin revoke USER | /admin list | /admin mode open|private "
               f"(USER: a numeric Telegram id, or reply to their message; ROLE: {', '.join(ROLES)})")


async def _mode(access: Access) -> str:
    return await asyncio.to_thread(lambda: access.mode)


def _actor(update: Update) -> int:
    user = update.effective_user
    if user is None:
        raise AccessDenied("Sorry, I cannot tell who sent this.")
    return user.id


def _target_user(update: Update, args: list[str]) -> tuple[int, str | None, list[str]]:
    """(user id, name if known, remaining args): the first argument, or the author of the replied message."""
    replied = update.effective_message.reply_to_message
    if args and args[0].lstrip("-").isdigit():
        return parse_user_id(args[0]), None, args[1:]
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id, replied.from_user.full_name, args
    if args:
        return parse_user_id(args[0]), None, args[1:]
    raise InvalidArgument(ADMIN_USAGE)


@usage("grant USER ROLE | revoke USER | list | mode [open|private]")
async def admin_command(update: Update, context: BriefingContext) -> None:
    """Grant or revoke roles, list who has access, or switch the access mode."""
    args = list(context.args or ())
    action = args.pop(0).lower() if args else ""
    access, actor = context.access, _actor(update)
    if action == "grant":
        user_id, name, rest = _target_user(update, args)
        if len(rest) != 1:
            raise InvalidArgument(ADMIN_USAGE)
        role = await asyncio.to_thread(access.grant, actor, user_id, rest[0], name=name)
        await update_menu(context.application, user_id, role)
        text = render.granted_reply(user_id, name, role)
    elif action == "revoke":
        user_id, name, rest = _target_user(update, args)
        if rest:
            raise InvalidArgument(ADMIN_USAGE)
        old = await asyncio.to_thread(access.revoke, actor, user_id)
        await update_menu(context.application, user_id, None)
        text = render.revoked_reply(user_id, name, old, await _mode(access))
    elif action == "list" and not args:
        mode, users, chats = await asyncio.to_thread(
            lambda: (access.mode, access.archive.users(), access.archive.allowed_chats()))
        text = render.access_list(mode, users, chats)
    elif action == "mode" and len(args) <= 1:
        mode = await asyncio.to_thread(access.set_mode, actor, args[0]) if args else await _mode(access)
        text = render.mode_reply(mode, changed=bool(args))
    else:
        raise InvalidArgument(ADMIN_USAGE)
    await answer(update, context, text)


# -- the command menu ----------------------------------------------------------------------
def _menu(application, *, full: bool) -> list[BotCommand]:
    return [BotCommand(c.name, c.description[:256]) for c in registered_commands(application)
            if full or may_run("editor", c.name)]


async def set_menus(application) -> None:
    """The command menu: what editors may run for everyone, everything in admins' own chats."""
    try:
        users = await asyncio.to_thread(application.bot_data.briefings.archive.users)
    except Exception:  # the archive's trouble shows on the first command, not at start-up
        logger.warning("could not read the admins for their command menus", exc_info=True)
        users = []
    try:
        await application.bot.set_my_commands(_menu(application, full=False), rate_limit_args={"retries": 0})
    except TelegramError as error:  # the menu is a convenience; commands work without it
        logger.warning("could not set the command menu (%s); the commands still work", error)
        return
    for user_id, role, *_ in users:
        if at_least(role, "admin"):
            await update_menu(application, user_id, role)


async def update_menu(application, user_id: int, role: str | None) -> None:
    """Give ``user_id``'s own chat the menu of ``role``: every command for admins and owners,
    the common menu otherwise (a role granted or revoked shows at once)."""
    scope = BotCommandScopeChat(user_id)
    try:
        if role is not None and at_least(role, "admin"):
            await application.bot.set_my_commands(_menu(application, full=True), scope=scope,
                                                  rate_limit_args={"retries": 0})
        else:
            await application.bot.delete_my_commands(scope=scope, rate_limit_args={"retries": 0})
    except TelegramError as error:  # e.g. a user who never opened a chat with the bot
        logger.info("could not set the command menu of user %s (%s)", user_id, error)


def _chat_arg(update: Update, args: list[str], command: str) -> int:
    if len(args) > 1:
        raise InvalidArgument(f"usage: /{command} CHAT (a numeric chat id; in a group, no argument means this group)")
    if args:
        return parse_user_id(args[0])
    chat = update.effective_chat
    if chat.type == ChatType.PRIVATE:
        raise InvalidArgument(f"usage: /{command} CHAT, e.g. /{command} -1001234567890 "
                              f"(or send /{command} in the group itself)")
    return chat.id


@usage("[CHAT]")
async def allow(update: Update, context: BriefingContext) -> None:
    """Put a chat on the allow-list: its members may read; a channel's posts are archived."""
    chat_id = _chat_arg(update, list(context.args or ()), "allow")
    access = context.access
    added = await asyncio.to_thread(access.allow, _actor(update), chat_id)
    await answer(update, context, render.allowed_reply(chat_id, added, await _mode(access)))


@usage("[CHAT]")
async def deny(update: Update, context: BriefingContext) -> None:
    """Take a chat off the allow-list."""
    chat_id = _chat_arg(update, list(context.args or ()), "deny")
    access = context.access
    removed = await asyncio.to_thread(access.deny, _actor(update), chat_id)
    await answer(update, context, render.denied_chat_reply(chat_id, removed, await _mode(access)))


# -- /stats, /audit -------------------------------------------------------------------------
async def stats(update: Update, context: BriefingContext) -> None:
    """Show archive counts, subscribers, feeds, database size and the last errors."""
    archive, access = context.briefings.archive, context.access

    def gather():
        return (archive.stats(), archive.recent_errors(5), Counter(role for _, role, *_ in archive.users()),
                len(archive.allowed_chats()), access.mode)

    numbers, errors, roles, chats, mode = await asyncio.to_thread(gather)
    await answer(update, context, render.stats_reply(numbers, errors, roles=roles, allowed_chats=chats, mode=mode))


@usage("[N]")
async def audit(update: Update, context: BriefingContext) -> None:
    """Show the latest admin actions (default 20)."""
    args = context.args or ()
    if len(args) > 1 or (args and not (args[0].isdigit() and 1 <= int(args[0]) <= AUDIT_MAX)):
        raise InvalidArgument(f"usage: /audit [N], N from 1 to {AUDIT_MAX}")
    limit = int(args[0]) if args else AUDIT_PAGE
    rows = await asyncio.to_thread(context.briefings.archive.audit_log, limit=limit)
    await answer(update, context, render.audit_reply(rows))


# -- /delete --------------------------------------------------------------------------------
@usage("ID")
async def delete(update: Update, context: BriefingContext) -> None:
    """Delete a stored article (asks for confirmation)."""
    if len(context.args or ()) != 1:
        raise InvalidArgument("usage: /delete ID, e.g. /delete 12")
    article_id = parse_id(context.args[0])
    view = await asyncio.to_thread(context.briefings.article, article_id, with_text=False)
    markup = InlineKeyboardMarkup.from_row([
        InlineKeyboardButton(f"Delete #{article_id}", callback_data=f"delete:{article_id}:yes"),
        InlineKeyboardButton("Cancel", callback_data=f"delete:{article_id}:no"),
    ])
    await answer(update, context, render.delete_prompt(view), markup=markup)


def delete_article(archive: Archive, actor: int, article_id: int) -> str:
    """Delete an article (with its summaries, mentions and events) and audit it; returns its title."""
    title = archive.get_article(article_id).title
    archive.delete_article(article_id)
    archive.audit(actor, "delete", str(article_id), title[:200])
    return title


async def confirm_delete(update: Update, context: BriefingContext) -> None:
    """Delete the article when its confirmation button is pressed, or keep it on Cancel."""
    query = update.callback_query
    article_id, choice = re.match(DELETE_PATTERN, query.data or "").groups()
    article_id = int(article_id)
    if choice == "no":
        text = f"Kept #{article_id}."
    else:
        try:
            title = await asyncio.to_thread(delete_article, context.briefings.archive, _actor(update), article_id)
        except ArticleNotFound:
            text = f"#{article_id} is already deleted."
        else:
            text = f"Deleted #{article_id}: {render.esc(title)}"
    await query.answer(render.strip_tags(text).split(":")[0] if choice == "yes" else None)  # a plain toast
    try:
        await query.edit_message_text(text, reply_markup=None)
    except TelegramError as error:  # the prompt is gone or too old: say it anew
        logger.debug("could not edit the delete prompt: %s", error)
        await send(context, update.effective_chat.id, text)


# -- /export --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportFiles:
    jsonl: Path
    backup: Path
    articles: int


def build_export(archive: Archive, folder: Path, *, stamp: str | None = None) -> ExportFiles:
    """The archive as JSON lines and a consistent SQLite copy (online backup API), written in ``folder``."""
    stamp = stamp or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    jsonl = Path(folder) / f"briefing-{stamp}.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        count = archive.export_jsonl(handle)
    backup = archive.backup(Path(folder) / f"briefing-{stamp}.db")
    return ExportFiles(jsonl, backup, count)


async def export(update: Update, context: BriefingContext) -> None:
    """Send the archive as JSON lines and a SQLite backup (files; private chat only)."""
    if context.args:
        raise InvalidArgument("usage: /export (no arguments)")
    if update.effective_chat.type != ChatType.PRIVATE:
        raise InvalidArgument("the archive is only exported in a private chat with me; send /export there")
    archive, actor = context.briefings.archive, _actor(update)
    with tempfile.TemporaryDirectory(prefix="briefing-export-") as folder:
        files = await asyncio.to_thread(build_export, archive, Path(folder))
        sizes = {path: path.stat().st_size for path in (files.jsonl, files.backup)}
        outcome = "not sent: failed"
        try:
            for path, size in sizes.items():
                if size > DOCUMENT_LIMIT:
                    raise ExportTooLarge(f"{path.name} is {size / 1e6:.1f} MB, over Telegram's 50 MB")
                with path.open("rb") as handle:
                    await context.bot.send_document(
                        update.effective_chat.id, handle, filename=path.name,
                        caption=render.export_caption(path.suffix, files.articles),
                        rate_limit_args={"retries": 1},
                    )
            outcome = "sent"
        except (TelegramError, ExportTooLarge) as error:
            logger.warning("export not sent: %s", error)
            outcome = f"not sent: {error}"
            await answer(update, context, render.error_reply(EXPORT_FALLBACK.format(reason=error)))
        finally:
            await asyncio.to_thread(archive.audit, actor, "export", None,
                                    f"{files.articles} articles, {sum(sizes.values())} bytes, {outcome}")


class ExportTooLarge(Exception):
    """A file over what a bot may upload."""


# -- /broadcast -----------------------------------------------------------------------------
def command_text(message: Message) -> str:
    """The text after a command, line breaks kept."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


@usage("TEXT")
async def broadcast(update: Update, context: BriefingContext) -> None:
    """Send a message to every subscribed chat (owner only)."""
    text = command_text(update.effective_message)
    if not text:
        raise InvalidArgument("usage: /broadcast TEXT, e.g. /broadcast The archive is down tonight at 22:00")
    archive = context.briefings.archive
    chats = [s.chat_id for s in await asyncio.to_thread(archive.subscriptions)]
    failed: list[tuple[int, str]] = []
    for chat_id in chats:
        try:
            await send(context, chat_id, render.broadcast_message(text))
        except TelegramError as error:
            logger.warning("broadcast to %s failed: %s", chat_id, error)
            failed.append((chat_id, str(error)))
    await asyncio.to_thread(archive.audit, _actor(update), "broadcast", f"{len(chats)} chats",
                            f"sent {len(chats) - len(failed)}, failed {len(failed)}: {text[:200]}")
    await answer(update, context, render.broadcast_reply(len(chats), failed))


# -- errors ---------------------------------------------------------------------------------
def _where(update: object, context: BriefingContext) -> str:
    if context.job is not None:
        return f"job {context.job.name}"
    if not isinstance(update, Update):
        return "no update"
    chat = update.effective_chat
    where = f" in chat {chat.id}" if chat else ""
    message = update.effective_message
    if update.callback_query is not None:
        return f"button {(update.callback_query.data or '')[:20]}{where}"
    if message is not None:
        command = command_of(message) if message.text else None
        return f"/{command[0]}{where}" if command else f"message{where}"
    return f"update {update.update_id}"


async def keep_error(update: object, context: BriefingContext) -> None:
    """Keep an unexpected error for /stats, then end the update (nothing runs after a failure)."""
    error = context.error
    if not isinstance(error, (BriefingError, ArticleNotFound)):
        briefings = context.bot_data.briefings
        try:
            if briefings is None:
                raise RuntimeError("the archive is not open")
            await asyncio.to_thread(briefings.archive.record_error, _where(update, context),
                                    f"{type(error).__name__}: {error}")
        except Exception as failure:  # the archive itself may be what failed
            logger.warning("could not record the error in the archive: %r", failure)
    raise ApplicationHandlerStop


COMMANDS: dict[str, Callback] = {
    "admin": admin_command,
    "allow": allow,
    "deny": deny,
    "stats": stats,
    "audit": audit,
    "delete": delete,
    "export": export,
    "broadcast": broadcast,
}

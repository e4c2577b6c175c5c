"""Scheduled work: each subscribed chat's daily digest, and feed polling.

Every subscription has one job, named ``digest:<chat_id>`` (also its APScheduler id), that fires
daily at the chat's local time in its own timezone: the cron trigger keeps 08:00 Europe/Paris at
08:00 Paris time across DST changes. :func:`arm` removes a chat's old job before scheduling the
new one; :func:`disarm` removes it. :func:`start` runs from ``post_init``: it re-arms every stored
subscription, starts the feed poll (every BRIEFING_FEED_POLL_MINUTES), and queues one catch-up run
that resumes digests a crash left open and sends each chat's latest missed digest, once.

A digest run (:func:`deliver`) is ``deliver_due`` of :mod:`bot.briefings.delivery` with fan-out:
open deliveries are resumed first, then each due chat's digest goes through the same ledger
(``deliver_one``), so a job that fires twice, or a restart half-way, never sends a part twice.
Runs are serialised by one lock, and jobs that fire together (a thousand chats at 08:00) are
coalesced into one run. Digests are built and rendered in a worker thread, once per distinct
period and watch list; messages then go out :data:`FANOUT` chats at a time through the bot's rate
limiter (AIORateLimiter when TELEGRAM_RATE_LIMIT=1), which paces them and honours ``RetryAfter``.
Telegram's "blocked"/"kicked" errors unsubscribe the chat (the owners are told in one line); a
group that became a supergroup keeps its subscription under the new id.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import Application, Job

from storage import SubscriptionRow

from ..briefings import Briefings
from ..briefings.delivery import DeliveryReport, deliver_one, resume_open
from ..briefings.errors import ChatMoved, ChatUnavailable
from ..briefings.feeds import PollResult, due_feeds, poll_feed
from ..briefings.models import Digest
from . import render
from .context import BriefingContext

logger = logging.getLogger(__name__)

#: Chats whose digests are being sent at once (each chat's parts stay in order). The rate limiter
#: decides the pace; this only keeps enough requests in flight to use it with real network latency.
FANOUT = 8
FEEDS_JOB = "feeds:poll"
CATCH_UP_JOB = "digest:catch-up"
FIRST_FEED_POLL = timedelta(seconds=60)  # after start-up, then every BRIEFING_FEED_POLL_MINUTES
#: A job that fires late (a busy loop, a suspended host) still runs: the ledger decides what is owed.
#: (APScheduler's default would silently skip a job more than one second late.)
JOB_OPTIONS = {"misfire_grace_time": None, "coalesce": True}
#: Telegram's answers that mean the bot can no longer post in a chat (besides ``Forbidden``).
GONE = ("chat not found", "have no rights to send", "not enough rights to send", "chat_write_forbidden",
        "bot is not a member", "user is deactivated", "peer_id_invalid")


def job_name(chat_id: int) -> str:
    return f"digest:{chat_id}"


def _queue(application: Application):
    if application.job_queue is None:
        raise RuntimeError('scheduled digests need python-telegram-bot[job-queue] (APScheduler)')
    return application.job_queue


# -- arming ---------------------------------------------------------------------------------
def arm(application: Application, chat_id: int, hhmm: str, zone: str) -> Job:
    """Schedule ``chat_id``'s daily digest at local ``hhmm`` in ``zone``, replacing its old job."""
    queue = _queue(application)
    if queue.scheduler.running:  # before start-up, replace_existing replaces pending duplicates
        disarm(application, chat_id)
    hour, minute = map(int, hhmm.split(":"))
    name = job_name(chat_id)
    return queue.run_daily(
        digest_job, time(hour, minute, tzinfo=ZoneInfo(zone)), chat_id=chat_id, name=name,
        job_kwargs={**JOB_OPTIONS, "id": name, "replace_existing": True},
    )


def disarm(application: Application, chat_id: int) -> bool:
    """Remove ``chat_id``'s digest job; False if it had none."""
    job = _queue(application).scheduler.get_job(job_name(chat_id))
    if job is None:
        return False
    job.remove()
    return True


async def arm_all(application: Application) -> int:
    """Arm a job for every stored subscription; the number armed."""
    briefings: Briefings = application.bot_data.briefings
    subscriptions = await asyncio.to_thread(briefings.archive.subscriptions)
    for sub in subscriptions:
        arm(application, sub.chat_id, sub.time, sub.timezone)
    return len(subscriptions)


async def rearm(application: Application, old_chat_id: int, new_chat_id: int) -> None:
    """A chat moved (group -> supergroup): its job follows its subscription to the new id."""
    disarm(application, old_chat_id)
    sub = await asyncio.to_thread(application.bot_data.briefings.archive.subscription, new_chat_id)
    if sub is not None:
        arm(application, sub.chat_id, sub.time, sub.timezone)


async def start(application: Application) -> None:
    """At start-up: re-arm every digest, start the feed poll, queue one catch-up run."""
    queue = _queue(application)
    try:
        armed = await arm_all(application)
    except Exception:  # the bot still answers; the catch-up run will log the same trouble
        logger.exception("could not re-arm the digest subscriptions")
        armed = 0
    minutes = max(1, application.bot_data.settings.briefing_feed_poll_minutes)
    queue.run_repeating(
        feeds_job, interval=timedelta(minutes=minutes), first=min(FIRST_FEED_POLL, timedelta(minutes=minutes)),
        name=FEEDS_JOB, job_kwargs={**JOB_OPTIONS, "id": FEEDS_JOB, "replace_existing": True, "max_instances": 1},
    )
    queue.run_once(catch_up_job, timedelta(0), name=CATCH_UP_JOB,
                   job_kwargs={**JOB_OPTIONS, "id": CATCH_UP_JOB, "replace_existing": True})
    logger.info("%d digest subscription(s) armed; feeds polled every %d min", armed, minutes)


# -- job callbacks --------------------------------------------------------------------------
async def digest_job(context: BriefingContext) -> None:
    """Send this chat's digest if it is due (a second run for the same slot sends nothing)."""
    try:
        await deliver(context.application, chats=[context.job.chat_id])
    except Exception:  # logged here: the error handler speaks to updates, and a job has none
        logger.exception("digest run for chat %s failed", context.job.chat_id)


async def catch_up_job(context: BriefingContext) -> None:
    """Resume digests left open, then send each chat's latest missed digest once."""
    try:
        await deliver(context.application)
    except Exception:
        logger.exception("start-up digest run failed")


async def feeds_job(context: BriefingContext) -> None:
    """Poll the feeds that are due and store their new entries."""
    try:
        await poll_feeds(context.application)
    except Exception:
        logger.exception("feed poll failed")


# -- digests --------------------------------------------------------------------------------
class DigestSender:
    """Posts one digest part; turns Telegram's "blocked"/"moved" errors into the ledger's."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.moved: dict[int, int] = {}  # old chat id -> new (group became a supergroup)

    async def __call__(self, chat_id: int, text: str) -> None:
        try:
            await self.bot.send_message(chat_id, text)
        except Forbidden as error:  # blocked by the user, kicked from the group or channel
            raise ChatUnavailable(f"chat {chat_id}: {error.message}") from error
        except ChatMigrated as error:
            self.moved[chat_id] = error.new_chat_id
            raise ChatMoved(error.new_chat_id) from error
        except BadRequest as error:
            reason = error.message.lower()
            if any(gone in reason for gone in GONE):
                raise ChatUnavailable(f"chat {chat_id}: {error.message}") from error
            if "can't parse entities" not in reason:
                raise
            # markup Telegram refused (should not happen): the same words, as plain text
            logger.warning("digest part for %s refused as HTML (%s); sending it as plain text", chat_id, error)
            await self.bot.send_message(chat_id, html.unescape(render.strip_tags(text)), parse_mode=None)


class PreparedDigests:
    """What ``deliver_one`` needs from :class:`Briefings`, with the digests built beforehand.

    :meth:`prepare` (run in a worker thread) builds each due chat's digest — once per distinct
    (period start, watch list), since a digest depends on nothing else for a given ``until`` —
    and renders it once; the event loop then only looks them up.
    """

    def __init__(self, briefings: Briefings) -> None:
        self.briefings = briefings
        self.archive = briefings.archive
        self._by_chat: dict[int, Digest] = {}
        self._parts: dict[int, list[str]] = {}  # id(digest) -> rendered parts
        self.built = 0

    def prepare(self, subscriptions: Sequence[SubscriptionRow], until: datetime) -> None:
        shared: dict[tuple, Digest] = {}
        for sub in subscriptions:
            key = (sub.period_start, tuple(self.archive.watches(sub.chat_id)))
            if key not in shared:
                shared[key] = self.briefings.chat_digest(sub, until=until)
                self._parts[id(shared[key])] = render.digest_parts(shared[key])
                self.built += 1
            self._by_chat[sub.chat_id] = shared[key]

    def chat_digest(self, sub: SubscriptionRow, *, until: datetime) -> Digest:
        digest = self._by_chat.get(sub.chat_id)
        return digest if digest is not None else self.briefings.chat_digest(sub, until=until)

    def render(self, digest: Digest) -> list[str]:
        parts = self._parts.get(id(digest))
        return parts if parts is not None else render.digest_parts(digest)

    def unsubscribe(self, chat_id: int) -> bool:
        return self.briefings.unsubscribe(chat_id)

    def __getattr__(self, name: str):  # anything else the ledger asks of Briefings
        return getattr(self.briefings, name)


async def deliver(application: Application, *, now: datetime | None = None,
                  chats: Sequence[int] | None = None) -> DeliveryReport:
    """Resume open digests, then send every due one (only ``chats``' and those of jobs waiting).

    One run at a time; a job whose chat an earlier run already took returns an empty report.
    """
    data = application.bot_data
    if chats is not None:
        data.pending_digests.update(chats)
    async with data.delivery_lock:
        batch: set[int] | None = None
        if chats is not None:
            batch = set(data.pending_digests)
            if not batch:
                return DeliveryReport()
        data.pending_digests.clear()
        now = now or data.clock()
        sender = DigestSender(application.bot)
        report = await _deliver(data.briefings, sender, now, batch)
    await _after(application, report, sender)
    return report


async def _deliver(briefings: Briefings, sender: DigestSender, now: datetime,
                   chats: set[int] | None) -> DeliveryReport:
    report = await resume_open(briefings, sender)
    due = await asyncio.to_thread(briefings.due_digests, now)
    if chats is not None:
        due = [(sub, slot) for sub, slot in due if sub.chat_id in chats]
    if not due:
        return report
    digests = PreparedDigests(briefings)
    await asyncio.to_thread(digests.prepare, [sub for sub, _ in due], now)
    gate = asyncio.Semaphore(FANOUT)

    async def one(sub: SubscriptionRow, slot: datetime) -> None:
        async with gate:
            await deliver_one(digests, sub, slot, digests.render, sender, now, report)

    outcomes = await asyncio.gather(*(one(sub, slot) for sub, slot in due), return_exceptions=True)
    for (sub, _), outcome in zip(due, outcomes):
        if isinstance(outcome, BaseException):
            logger.error("digest for chat %s failed", sub.chat_id, exc_info=outcome)
            report.failed.append((sub.chat_id, f"{type(outcome).__name__}: {outcome}"))
    logger.info("digests: %d sent (%d messages, %d digest(s) built), %d empty, %d unsubscribed, %d failed",
                len(report.sent), report.messages, digests.built, len(report.skipped_empty),
                len(report.unsubscribed), len(report.failed))
    return report


async def _after(application: Application, report: DeliveryReport, sender: DigestSender) -> None:
    """Jobs follow moved chats and leave unsubscribed ones; the owners hear of blocked chats."""
    for old, new in sender.moved.items():
        await rearm(application, old, new)
    for chat_id in report.unsubscribed:
        disarm(application, chat_id)
    if report.unsubscribed:
        await tell_owners(application, render.unsubscribed_notice(report.unsubscribed))


async def tell_owners(application: Application, text: str) -> None:
    """One message to each owner (BRIEFING_ADMIN_IDS); failures are logged, not raised."""
    try:
        owners = application.bot_data.settings.admin_ids
    except ValueError as error:
        logger.warning("cannot tell the owners (%s): %s", error, text)
        return
    for owner in owners:
        try:
            await application.bot.send_message(owner, text)
        except TelegramError as error:
            logger.warning("could not tell owner %s: %s", owner, error)


# -- feeds ----------------------------------------------------------------------------------
def _poll(briefings: Briefings, feeds, now: datetime, timeout: float) -> list[PollResult]:
    targets = due_feeds(briefings, now) if feeds is None else feeds
    return [poll_feed(briefings, feed, now=now, timeout=timeout) for feed in targets]


async def poll_feeds(application: Application, feeds=None) -> list[PollResult]:
    """Poll ``feeds`` (default: those due) in a worker thread, one poll run at a time."""
    data = application.bot_data
    async with data.feeds_lock:
        results = await asyncio.to_thread(_poll, data.briefings, feeds, data.clock(),
                                          float(data.settings.briefing_fetch_timeout))
    for result in results:
        if result.status == "error":
            logger.warning("feed #%s %s: %s", result.feed_id, result.url, result.error)
        elif result.new_entries:
            logger.info("feed #%s: %d new entries, %d stored, %d failed", result.feed_id, result.new_entries,
                        len(result.stored), len(result.failed))
    return results


def poll_soon(application: Application) -> None:
    """Poll the due feeds now, in the background (after an OPML import)."""
    _queue(application).run_once(feeds_job, timedelta(0), name="feeds:poll-now",
                                 job_kwargs={"misfire_grace_time": None})

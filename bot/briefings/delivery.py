"""Scheduled digests delivered exactly once, whatever crashes or restarts in between.

The ledger (``deliveries`` table) records a digest *before* its first message is sent, with
its rendered parts, and advances after each part:

1. ``begin_delivery`` inserts (chat, slot) once — a second attempt for the same slot, by a
   restart or a duplicate job, finds the row and sends nothing.
2. Before each part the ledger marks it *in flight*; after it, *sent*. A send that fails with
   an error clears the mark (the part was not delivered) and the delivery stays open, to be
   resumed. A mark still set on start-up means the process died during that very send: the
   part may have reached the chat, so it is skipped rather than risk sending it twice.
3. On start-up, open deliveries are resumed from the first unsent part; then the latest slot
   of each subscription that has no delivery is sent once (catch-up), not once per missed day.

Sending is injected (``Send``): the Telegram edge passes a function that posts a message and
translates Telegram's errors into :class:`ChatUnavailable` / :class:`ChatMoved`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from storage import DeliveryRow, SubscriptionRow

from .errors import ChatMoved, ChatUnavailable
from .models import Digest
from .schedule import iso
from .service import Briefings

logger = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[None]]
Render = Callable[[Digest], Sequence[str]]


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)  # chat ids whose digest completed
    skipped_empty: list[int] = field(default_factory=list)
    unsubscribed: list[int] = field(default_factory=list)  # blocked the bot
    failed: list[tuple[int, str]] = field(default_factory=list)  # will be resumed
    messages: int = 0


async def send_delivery(briefings: Briefings, delivery: DeliveryRow, send: Send, report: DeliveryReport) -> None:
    """Send the unsent parts of one delivery, keeping the ledger exact."""
    archive = briefings.archive
    start = delivery.parts_sent
    if delivery.in_flight is not None and delivery.in_flight == start:
        logger.warning("digest %s part %s was in flight when the bot stopped; not resending it",
                       delivery.id, start)
        start += 1
        archive.mark_part(delivery.id, sent=start)
    chat_id = delivery.chat_id
    for index in range(start, len(delivery.parts)):
        archive.mark_part(delivery.id, in_flight=index)
        try:
            try:
                await send(chat_id, delivery.parts[index])
            except ChatMoved as moved:
                archive.migrate_chat(chat_id, moved.new_chat_id)
                chat_id = moved.new_chat_id
                await send(chat_id, delivery.parts[index])
        except ChatUnavailable as error:
            archive.mark_part(delivery.id, sent=index)
            archive.finish_delivery(delivery.id, "failed", str(error))
            briefings.unsubscribe(chat_id)
            report.unsubscribed.append(chat_id)
            return
        except Exception as error:
            archive.mark_part(delivery.id, sent=index)  # clears the in-flight mark: not delivered
            report.failed.append((chat_id, f"{type(error).__name__}: {error}"))
            logger.warning("digest %s to %s failed at part %s: %s", delivery.id, chat_id, index, error)
            return
        archive.mark_part(delivery.id, sent=index + 1)
        report.messages += 1
    archive.finish_delivery(delivery.id, "sent")
    report.sent.append(chat_id)


async def resume_open(briefings: Briefings, send: Send, report: DeliveryReport | None = None) -> DeliveryReport:
    """Finish deliveries left open by a crash or a failed send."""
    report = report or DeliveryReport()
    for delivery in briefings.archive.deliveries(status="sending"):
        await send_delivery(briefings, delivery, send, report)
    return report


async def deliver_due(briefings: Briefings, render: Render, send: Send, now: datetime,
                      chats: Sequence[int] | None = None) -> DeliveryReport:
    """Resume open deliveries, then send every due digest (optionally only to ``chats``)."""
    report = await resume_open(briefings, send)
    for subscription, slot in briefings.due_digests(now):
        if chats is not None and subscription.chat_id not in chats:
            continue
        await deliver_one(briefings, subscription, slot, render, send, now, report)
    return report


async def deliver_one(briefings: Briefings, subscription: SubscriptionRow, slot: datetime, render: Render,
                      send: Send, now: datetime, report: DeliveryReport) -> None:
    digest = briefings.chat_digest(subscription, until=now)
    parts: Sequence[str] = render(digest) if (digest.items or subscription.send_empty) else ()
    delivery = briefings.archive.begin_delivery(
        subscription.chat_id, iso(slot), subscription.period_start, iso(now), list(parts)
    )
    if delivery is None:  # another run already took this slot
        return
    if not parts:
        briefings.archive.finish_delivery(delivery.id, "empty")
        report.skipped_empty.append(subscription.chat_id)
        return
    await send_delivery(briefings, delivery, send, report)

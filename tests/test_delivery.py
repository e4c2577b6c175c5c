"""Scheduled digests with a controllable clock: exactly once, restarts, catch-up, DST."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from bot.briefings import Briefings, InvalidArgument
from bot.briefings.delivery import deliver_due, resume_open
from bot.briefings.errors import ChatMoved, ChatUnavailable
from bot.briefings.schedule import latest_slot, next_slot, parse_subscribe_args
from storage import Archive

UTC = timezone.utc


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Outbox:
    """A fake Telegram edge: records messages; can fail or die on chosen sends."""

    def __init__(self):
        self.sent: list[tuple[int, str]] = []
        self.fail_on: dict[int, Exception] = {}  # n-th call -> error
        self.fail_chat: dict[int, Exception] = {}  # first send to a chat -> error
        self.calls = 0

    async def __call__(self, chat_id: int, text: str) -> None:
        self.calls += 1
        if self.calls in self.fail_on:
            raise self.fail_on[self.calls]
        if chat_id in self.fail_chat:
            raise self.fail_chat.pop(chat_id)
        self.sent.append((chat_id, text))


def render(digest):
    return [f"{item.id}:{item.title}" for item in digest.items]


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def news(briefings: Briefings):
    briefings.ingest_text("Storm hits the coast\nA strong storm hit the northern coast overnight, cutting power.")
    briefings.ingest_text("Council passes budget\nThe city council approved the budget for schools and roads.")
    ingested_at(briefings, "2026-05-31T12:00:00+00:00")
    return briefings


def ingested_at(briefings: Briefings, when: str) -> None:
    """Put the articles not yet dated by the test at ``when`` (the clock is the test's)."""
    briefings.archive.db.execute("UPDATE articles SET ingested_at = ? WHERE ingested_at > '2026-11'", [when])
    briefings.archive.db.conn.commit()


def test_parse_subscribe_args():
    assert parse_subscribe_args([], "08:00", "UTC") == ("08:00", "UTC")
    assert parse_subscribe_args(["7:30", "europe/paris"], "08:00", "UTC") == ("07:30", "Europe/Paris")
    assert parse_subscribe_args(["Asia/Baku"], "08:00", "UTC") == ("08:00", "Asia/Baku")
    for bad in (["25:00"], ["Mars/Olympus"], ["1", "2", "3"], ["<b>x</b>"]):
        with pytest.raises(InvalidArgument):
            parse_subscribe_args(bad, "08:00", "UTC")
    with pytest.raises(InvalidArgument, match="not a time of day"):
        parse_subscribe_args(["25:00"], "08:00", "UTC")


def test_dst_change_days_keep_local_time():
    # London: clocks go forward 2026-03-29 and back 2026-10-25
    assert latest_slot("08:00", "Europe/London", at("2026-03-28T12:00:00")) == at("2026-03-28T08:00:00")
    assert next_slot("08:00", "Europe/London", at("2026-03-28T12:00:00")) == at("2026-03-29T07:00:00")
    assert next_slot("08:00", "Europe/London", at("2026-10-24T12:00:00")) == at("2026-10-25T08:00:00")
    # a slot inside the spring-forward gap still happens once that day
    slot = latest_slot("01:30", "Europe/London", at("2026-03-29T12:00:00"))
    assert slot.date().isoformat() == "2026-03-29"


def test_subscribe_advance_time_exactly_one_digest(news):
    outbox = Outbox()
    news.subscribe(100, ["09:00", "Europe/Paris"], now=at("2026-06-01T06:00:00"))
    assert run(deliver_due(news, render, outbox, at("2026-06-01T06:59:00"))).messages == 0  # 08:59 Paris
    report = run(deliver_due(news, render, outbox, at("2026-06-01T07:00:00")))
    assert report.sent == [100] and len(outbox.sent) == 2
    for minutes in (1, 5, 60, 600):  # the job firing again, or a second job, sends nothing
        run(deliver_due(news, render, outbox, at("2026-06-01T07:00:00") + timedelta(minutes=minutes)))
    assert len(outbox.sent) == 2
    # next day: nothing new -> silence by default, then a new article -> just that one
    run(deliver_due(news, render, outbox, at("2026-06-02T07:00:00")))
    assert len(outbox.sent) == 2
    news.ingest_text("Train strike called\nRail unions called a strike for Friday over pay and staffing.")
    ingested_at(news, "2026-06-02T12:00:00+00:00")
    run(deliver_due(news, render, outbox, at("2026-06-03T07:00:00")))
    assert [text for _, text in outbox.sent[2:]] == ["3:Train strike called"]


def test_restart_mid_delivery_sends_each_part_once(db_path, news):
    outbox = Outbox()
    outbox.fail_on[2] = ConnectionError("network down")  # the second part fails
    news.subscribe(7, ["08:00"], now=at("2026-06-01T00:00:00"))
    report = run(deliver_due(news, render, outbox, at("2026-06-01T08:00:00")))
    assert report.failed and len(outbox.sent) == 1
    news.close()
    # "restart": a new process opens the same database
    restarted = Briefings(Archive(db_path))
    report = run(deliver_due(restarted, render, outbox, at("2026-06-01T08:05:00")))
    assert report.sent == [7]
    assert sorted(text for _, text in outbox.sent) == ["1:Storm hits the coast", "2:Council passes budget"]


def test_killed_during_a_send_never_sends_that_part_twice(news):
    outbox = Outbox()
    news.subscribe(7, ["08:00"], now=at("2026-06-01T00:00:00"))
    # simulate kill -9 after the ledger marked part 0 in flight and the message went out
    sub = news.archive.subscription(7)
    slot = "2026-06-01T08:00:00+00:00"
    delivery = news.archive.begin_delivery(7, slot, sub.period_start, slot, ["part A", "part B"])
    news.archive.mark_part(delivery.id, in_flight=0)
    outbox.sent.append((7, "part A"))
    run(resume_open(news, outbox))
    assert outbox.sent == [(7, "part A"), (7, "part B")]
    assert news.archive.delivery(7, slot).status == "sent"


def test_catch_up_once_not_once_per_missed_day(news):
    outbox = Outbox()
    news.subscribe(5, ["08:00"], now=at("2026-06-01T00:00:00"))
    run(deliver_due(news, render, outbox, at("2026-06-01T08:00:00")))
    news.ingest_text("Late news\nSomething happened while the bot was down for maintenance.")
    ingested_at(news, "2026-06-03T12:00:00+00:00")
    # the bot was down for five days; on start it sends one digest
    run(deliver_due(news, render, outbox, at("2026-06-06T10:00:00")))
    run(deliver_due(news, render, outbox, at("2026-06-06T10:01:00")))
    assert len(outbox.sent) == 3
    assert len(news.archive.deliveries(chat_id=5)) == 2


def test_blocked_chat_is_unsubscribed_and_moved_group_keeps_subscription(news):
    outbox = Outbox()
    news.subscribe(1, ["08:00"], now=at("2026-06-01T00:00:00"))
    news.subscribe(-2, ["08:00"], chat_type="group", now=at("2026-06-01T00:00:00"))
    outbox.fail_chat[1] = ChatUnavailable("bot was blocked by the user")
    outbox.fail_chat[-2] = ChatMoved(-1002)
    report = run(deliver_due(news, render, outbox, at("2026-06-01T08:00:00")))
    assert report.unsubscribed == [1] and news.archive.subscription(1) is None
    assert news.archive.subscription(-2) is None and news.archive.subscription(-1002) is not None
    assert [chat for chat, _ in outbox.sent] == [-1002, -1002]


def test_send_empty_setting(news):
    outbox = Outbox()
    news.subscribe(9, ["08:00"], now=at("2030-01-01T00:00:00"))
    news.set_send_empty(9, True)
    run(deliver_due(news, lambda d: ["No new articles."] if not d.items else render(d), outbox,
                    at("2030-01-01T08:00:00")))
    assert outbox.sent == [(9, "No new articles.")]

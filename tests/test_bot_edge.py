"""The Telegram edge without the emulator: rendering, uploads, digest sending and scheduling.

Only the network edge is fake (a Bot API answered in-process); SQLite, the Application, its
JobQueue and the delivery ledger are the real ones.
"""

from __future__ import annotations

import asyncio
import html
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.briefings.errors import ChatMoved, ChatUnavailable
from bot.briefings.models import (
    Citation, Digest, DigestEntity, DigestItem, Dossier, DossierSentence, EntityArticleView, EntityCount,
    QuoteLine, RoleLine, SubscriptionView, Timeline, TimelineEvent,
)
from bot.config import Settings
from bot.telegram import jobs, render
from bot.telegram.app import build_application
from bot.telegram.handlers import upload
from bot.telegram.render import MESSAGE_LIMIT, split_message, strip_tags, utf16_len
from storage import FeedRow

from .fakebot import FakeBotAPI, Fault
from .test_render import NASTY, assert_valid_html, visible

pytestmark = pytest.mark.timeout(60)
UTC = timezone.utc


def cite(article_id: int = 7, source: str | None = "Src <x>") -> Citation:
    return Citation(article_id, NASTY, source, "2025-05-27")


def event(day: str, line: str = NASTY, explicit: bool = True) -> TimelineEvent:
    return TimelineEvent(day, "day", day, day, line, ["<E>"], explicit, [cite(1), cite(2, "Herald")],
                         label=f"<{day}>")


# -- rendering ------------------------------------------------------------------------------
def test_dossier_escapes_everything_and_cites_articles():
    dossier = Dossier(
        query="x", name="A <b>", type="PER", aliases=["<alias>"], roles=[RoleLine("role <r>", cite())],
        summary=[DossierSentence(NASTY, cite())], quotes=[QuoteLine(NASTY, "<speaker>", cite(8, None))],
        related=[EntityCount("<rel>", "ORG", 3, 2)], articles=[EntityArticleView(4, cite())], mentions=9,
        first_seen="2025-05-27", last_seen="2025-06-01T10:00:00+00:00",
    )
    text = render.dossier_reply(dossier)
    assert "<script>" not in text and "<x>" not in text and "<speaker>" not in text
    assert_valid_html(text)
    assert text.startswith("<b>A &lt;b&gt;</b> — person, 9 mention(s) in 1 article(s)")
    assert "(#7 Src &lt;x&gt;)" in text  # cited by id and source
    assert "#8 " in text and "/article ID" in text and "last seen 2025-06-01" in text


def test_entities_reply_lists_names_with_their_kind():
    text = render.entities_reply([EntityCount("France", "LOC", 46, 2), EntityCount("<Co>", "ORG", 3, 1)])
    assert "1. <b>France</b> — place, 46 mention(s) in 2 article(s)" in text
    assert "2. <b>&lt;Co&gt;</b> — organisation" in text
    assert "No people" in render.entities_reply([])


def test_timeline_pages_are_oldest_first_and_escaped():
    events = [event(f"2025-05-{d:02d}", explicit=d % 2 == 0) for d in range(1, 20)]
    found = Timeline("<Ent>", "2025", None, events)
    first = render.timeline_reply(found, page=8)
    assert first.startswith("<b>Timeline: &lt;Ent&gt;</b> (2025 to …) — events 1–8 of 19, oldest first")
    assert "&lt;2025-05-01&gt;" in first and "2025-05-09" not in first
    assert "date resolved from the publish date" in first and "#1 Src &lt;x&gt;, #2 Herald" in first
    last = render.timeline_reply(found, offset=16, page=8)
    assert "events 17–19 of 19" in last
    assert render.timeline_reply(found, offset=40, page=8) == "No more events."
    assert "No dated events found." in render.timeline_reply(Timeline(None, None, None, []))
    for text in (first, last):
        assert_valid_html(text)


def test_chart_caption_fits_telegram_and_failure_says_why():
    caption = render.chart_caption(Timeline("x" * 500, None, None, [event("2025-05-27")]))
    assert utf16_len(caption) <= 1024 and "1 event(s), oldest first" in caption
    assert render.chart_failed("Bad <gateway>").startswith("⚠️ The chart could not be sent (Bad &lt;gateway&gt;)")


def _digest(items: int, *, summary_words: int = 40) -> Digest:
    stories = [
        DigestItem(i, f"Story {i} <t>", "Wire", f"https://example.org/{i}?a=1&b=2", "2025-05-27",
                   [f"Sentence {j} of story {i}: " + "word " * summary_words for j in range(3)],
                   also=[cite(100 + i, "Herald"), cite(200 + i, "Post")] if i % 3 == 0 else [],
                   watched=["<W>"] if i < 3 else [])
        for i in range(1, items + 1)
    ]
    return Digest("2026-06-01T07:00:00+00:00", "2026-06-02T07:00:00+00:00", stories,
                  [DigestEntity("Baku", "LOC", 5, 3, previous=2, change="+3")], items * 2,
                  until="2026-06-02T07:00:00+00:00", events=[event("2026-06-01")], watched=["<W>"])


def test_digest_parts_split_under_the_limit_and_lose_nothing():
    digest = _digest(20)
    parts = render.digest_parts(digest)
    assert len(parts) >= 3
    for part in parts:
        assert utf16_len(part) <= MESSAGE_LIMIT
        assert_valid_html(part)
    assert visible("".join(parts)) == visible(render.digest_text(digest))
    text = "\n\n".join(parts)
    assert text.startswith("<b>Your briefing</b> since 2026-06-01 07:00 UTC — 20 stories from 40 new article(s)")
    assert "<b>Watching:</b> &lt;W&gt;" in text
    assert "reported by 3 sources" in text and "Also: #103 Herald, #203 Post" in text
    assert "/article 1" in text and 'href="https://example.org/1?a=1&amp;b=2"' in text
    assert "Baku (LOC, 5×, +3)" in text and "<b>New on the timeline</b>" in text
    assert text.index("1. Story 1") < text.index("2. Story 2") < text.index("20. Story 20")
    assert all(strip_tags(p).strip() for p in parts)


def test_empty_digest_is_one_short_line():
    empty = Digest("2026-06-01T07:00:00+00:00", "now", [], [], 0)
    assert render.digest_parts(empty) == ["<b>Your briefing</b> since 2026-06-01 07:00 UTC\n\nNo new articles."]


def test_on_demand_digest_shows_sources_watches_and_events():
    text = render.digest_reply(_digest(4), page=5)
    assert "<b>Watching:</b> &lt;W&gt; (their stories first)" in text
    assert "reported by 3 sources" in text and "<b>New on the timeline</b>" in text
    assert "New on the timeline" not in render.digest_reply(_digest(8), offset=5, page=5)


def test_subscription_replies_show_local_time_across_dst():
    summer = SubscriptionView(1, True, "09:00", "Europe/Paris", "2026-06-02T09:00:00+02:00", False, [])
    winter = SubscriptionView(1, True, "09:00", "Europe/Paris", "2026-12-01T08:00:00+00:00", True, ["<W>"])
    assert "Next: Tue 2 Jun 2026, 09:00 CEST." in render.subscribed_reply(summer)
    shown = render.settings_reply(winter, default_time="08:00", default_timezone="UTC")
    assert "<b>Next:</b> Tue 1 Dec 2026, 09:00 CET" in shown
    assert "a short “no new articles” note" in shown and "<b>Watching:</b> &lt;W&gt;" in shown
    off = render.settings_reply(SubscriptionView(1, False, None, None, None, False, []),
                                default_time="07:30", default_timezone="Asia/Baku")
    assert "off" in off and "default 07:30 Asia/Baku" in off
    assert "1 chat(s)" in render.unsubscribed_notice([5]) and "and 5 more" in render.unsubscribed_notice(
        list(range(25)))


def test_feed_replies_escape_titles_and_the_opml_fallback():
    row = FeedRow(3, "https://x.org/rss?a=1&b=2", "<Wire>", None, None, None, "2026", "2026-06-01T07:00:00+00:00",
                  None, 2, "HTTP <500>", 4)
    listed = render.feed_list([row])
    assert "<b>#3</b> &lt;Wire&gt;" in listed and "HTTP &lt;500&gt;" in listed and "2 error(s)" in listed
    assert_valid_html(listed)
    opml = '<?xml version="1.0"?><opml><body><outline xmlUrl="https://x.org/rss?a=1&amp;b=2"/></body></opml>'
    fallback = render.opml_fallback(opml * 200, "refused")
    parts = split_message(fallback)
    assert len(parts) > 1 and all(p.count("<pre>") == p.count("</pre>") == 1 for p in parts[1:])
    lines = html.unescape(strip_tags("\n".join(parts))).splitlines()
    assert "".join(line for line in lines if line.startswith("<")) == opml * 200  # cut only between elements


# -- uploads --------------------------------------------------------------------------------
class FakeBot:
    """Records send_photo / send_document calls; ``fail`` makes them raise."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, int, Any, dict]] = []
        self.fail = fail

    async def _record(self, method: str, chat_id: int, file, **options) -> None:
        if self.fail:
            raise self.fail
        self.calls.append((method, chat_id, file, options))

    async def send_photo(self, chat_id, photo, **options):
        await self._record("send_photo", chat_id, photo, **options)

    async def send_document(self, chat_id, document, **options):
        await self._record("send_document", chat_id, document, **options)


def test_upload_sends_the_chart_as_a_photo_with_its_caption(seeded):
    found, png = seeded.timeline_chart("chart")
    bot = FakeBot()
    assert asyncio.run(upload(bot, 5, png, "timeline.png", render.chart_caption(found), photo=True)) is None
    [(method, chat_id, photo, options)] = bot.calls
    assert (method, chat_id) == ("send_photo", 5)
    assert photo.input_file_content[:8] == b"\x89PNG\r\n\x1a\n" and photo.filename == "timeline.png"
    assert options["caption"].startswith("<b>Timeline</b> — 8 event(s), oldest first")
    assert options["rate_limit_args"] == {"retries": 1}


def test_upload_reports_a_refusal_instead_of_raising():
    refused = FakeBot(NetworkError("Internal Server Error (500)"))
    reason = asyncio.run(upload(refused, 5, b"<opml/>", "feeds.opml", "caption"))
    assert reason == "Internal Server Error (500)" and refused.calls == []


# -- sending digests ------------------------------------------------------------------------
class ScriptedBot:
    """send_message that raises the queued error for a chat once, else records the message."""

    def __init__(self, errors: dict[int, Exception]) -> None:
        self.errors = errors
        self.sent: list[tuple[int, str, dict]] = []

    async def send_message(self, chat_id: int, text: str, **options) -> None:
        if chat_id in self.errors:
            raise self.errors.pop(chat_id)
        self.sent.append((chat_id, text, options))


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
def test_sender_turns_telegram_errors_into_the_ledgers():
    bot = ScriptedBot({
        1: Forbidden("Forbidden: bot was blocked by the user"),
        2: ChatMigrated(-1002),
        3: BadRequest("Bad Request: chat not found"),
        4: BadRequest("Bad Request: can't parse entities: unsupported start tag"),
        5: BadRequest("Bad Request: message is too long"),
        6: RetryAfter(timedelta(seconds=5)),
    })
    sender = jobs.DigestSender(bot)
    with pytest.raises(ChatUnavailable):
        asyncio.run(sender(1, "x"))
    with pytest.raises(ChatMoved) as moved:
        asyncio.run(sender(2, "x"))
    assert moved.value.new_chat_id == -1002 and sender.moved == {2: -1002}
    with pytest.raises(ChatUnavailable):
        asyncio.run(sender(3, "x"))
    asyncio.run(sender(4, "<b>Bold &amp; plain</b>"))
    assert bot.sent == [(4, "Bold & plain", {"parse_mode": None})]
    with pytest.raises(BadRequest):  # not the chat's fault: the delivery stays open, to be resumed
        asyncio.run(sender(5, "x"))
    with pytest.raises(RetryAfter):  # left to the rate limiter, which waits and retries
        asyncio.run(sender(6, "x"))


@pytest.fixture
def app(tmp_path, news_briefings):
    settings = Settings(telegram_bot_token="1:TEST", briefing_db=str(tmp_path / "unused.db"),
                        telegram_rate_limit=0, briefing_admin_ids="900")
    application = build_application(settings, news_briefings, request_class=FakeBotAPI)
    asyncio.run(application.bot.initialize())
    return application


@pytest.fixture
def news_briefings(seeded):
    seeded.ingest_text("Ferry strike ends\nFerry workers in Eastport ended their strike after a pay deal on Friday.")
    return seeded


def test_jobs_firing_together_send_each_digest_once(app, news_briefings):
    briefings = news_briefings
    start = datetime.now(UTC).replace(microsecond=0)
    chats = list(range(1, 41))
    for chat_id in chats:
        briefings.subscribe(chat_id, ["08:00"], now=start)
    briefings.subscribe(900_001, ["08:00"], now=start)  # this one has blocked the bot
    api: FakeBotAPI = app.bot.request
    api.faults.append(Fault("sendMessage", 403, {"ok": False, "error_code": 403,
                                                 "description": "Forbidden: bot was blocked by the user"},
                            chat_id=900_001))
    slot = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=8)
    now = slot + timedelta(minutes=1)

    async def fire_all():  # every chat's job at once, twice, as a misbehaving scheduler might
        calls = [jobs.deliver(app, now=now, chats=[c]) for c in [*chats, 900_001] * 2]
        return await asyncio.gather(*calls)

    reports = asyncio.run(fire_all())
    messages = [(int(c.params["chat_id"]), c.params["text"]) for c in api.take("sendMessage")]
    delivered = [chat for chat, _ in messages if chat != 900]
    parts = len(briefings.archive.deliveries(chat_id=1)[0].parts)
    assert sorted(delivered) == sorted(chats * parts)  # every chat, every part, once
    assert sum(len(r.sent) for r in reports) == len(chats)
    assert sum(1 for r in reports if r.sent) <= 2  # the first job's run, then one run for all the others
    assert briefings.archive.subscription(900_001) is None
    [(owner, notice)] = [(chat, text) for chat, text in messages if chat == 900]
    assert "900001" in notice and "blocked me" in notice


# -- scheduling -----------------------------------------------------------------------------
def test_arm_schedules_at_local_time_across_dst_and_replaces_the_old_job(app):
    async def scenario():
        await app.job_queue.start()
        try:
            jobs.arm(app, 5, "07:00", "Europe/Paris")
            job = jobs.arm(app, 5, "08:00", "Europe/London")  # rescheduled: the old one goes
            assert [j.name for j in app.job_queue.jobs()] == ["digest:5"]
            trigger = job.job.trigger
            spring = trigger.get_next_fire_time(None, datetime(2026, 3, 28, 12, tzinfo=UTC))
            autumn = trigger.get_next_fire_time(None, datetime(2026, 10, 24, 12, tzinfo=UTC))
            assert spring.astimezone(UTC) == datetime(2026, 3, 29, 7, tzinfo=UTC)  # BST: 08:00 local
            assert autumn.astimezone(UTC) == datetime(2026, 10, 25, 8, tzinfo=UTC)  # GMT: 08:00 local
            assert job.job.misfire_grace_time is None  # a late job still runs; the ledger decides
            assert jobs.disarm(app, 5) and not jobs.disarm(app, 5)
            assert app.job_queue.jobs() == ()
        finally:
            await app.job_queue.stop(wait=False)

    asyncio.run(scenario())


def test_start_arms_every_stored_subscription(app, news_briefings):
    news_briefings.subscribe(11, ["06:15", "Asia/Baku"])
    news_briefings.subscribe(-12, ["21:00"], chat_type="group")

    async def scenario():
        await jobs.start(app)
        await app.job_queue.start()
        try:
            names = sorted(j.name for j in app.job_queue.jobs())
            assert names == sorted(["digest:11", "digest:-12", jobs.FEEDS_JOB, jobs.CATCH_UP_JOB])
            baku = app.job_queue.scheduler.get_job("digest:11")
            assert str(baku.trigger.timezone) == "Asia/Baku"
            assert baku.next_run_time.strftime("%H:%M") == "06:15"
        finally:
            await app.job_queue.stop(wait=False)

    asyncio.run(scenario())


def test_feed_import_caption_pattern():
    from bot.telegram.handlers import FEED_IMPORT_CAPTION

    assert re.match(FEED_IMPORT_CAPTION, "/feed import")
    assert re.match(FEED_IMPORT_CAPTION, "/feed@NewsBot import please")
    assert not re.match(FEED_IMPORT_CAPTION, "/feed importer")
    assert not re.match(FEED_IMPORT_CAPTION, "my feeds /feed import")

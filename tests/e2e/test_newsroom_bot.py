"""End to end: dossiers, timelines, subscriptions with scheduled digests, and feeds.

A bot of its own (its own token, so its chats never mix with the other tests'), whose archive
starts with the two seed articles, runs against the Bot API emulator. Scheduled digests are
driven deterministically: the test moves the bot's clock past the chat's slot and runs the
chat's real job (``digest:<chat_id>``) through the running application.
"""

from __future__ import annotations

import asyncio
import base64
import re
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, bot_settings
from emulator import BotThread, Client, Conversation, EmulatorRequest
from telegram.ext import Job

from bot.briefings import Briefings
from bot.telegram import jobs
from bot.telegram.app import build_application
from bot.telegram.handlers import COMMANDS
from bot.telegram.render import MESSAGE_LIMIT, strip_tags, utf16_len
from tests.webserver import FixtureServer

pytestmark = pytest.mark.timeout(60)

TOKEN = "246810:NEWSROOM-DESK"
OWNER = 99_001  # BRIEFING_ADMIN_IDS: told when a chat blocks the bot


class Desk:
    """The running bot, a client for its chats, and a way to run coroutines on the bot's loop."""

    def __init__(self, runner: BotThread, client: Client) -> None:
        self.runner = runner
        self.client = client
        self.application = runner.application

    @property
    def briefings(self) -> Briefings:
        return self.application.bot_data.briefings

    def call(self, coroutine, timeout: float = 30.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.runner.loop).result(timeout)

    def private(self, name: str) -> Conversation:
        """A new user in a private chat, an editor of the newsroom (may store articles and feeds)."""
        talk = self.client.private(name)
        self.briefings.archive.set_role(talk.user["id"], "editor", name=name)
        return talk

    def group(self, title: str) -> Conversation:
        talk = self.client.group(title)
        self.briefings.archive.set_role(talk.user["id"], "editor", name="Bob")
        return talk

    def owner(self) -> Conversation:
        user = {"id": OWNER, "is_bot": False, "first_name": "Owner"}
        return Conversation(self.client, user, {"id": OWNER, "type": "private", "first_name": "Owner"})

    def run_digest_job(self, chat_id: int, *, times: int = 1, late: timedelta = timedelta(minutes=1)) -> None:
        """Run chat's real digest job ``times`` with the bot's clock ``late`` past its next slot."""
        aps_job = self.application.job_queue.scheduler.get_job(jobs.job_name(chat_id))
        assert aps_job is not None, f"chat {chat_id} has no digest job"
        slot = aps_job.next_run_time
        data = self.application.bot_data
        real_clock = data.clock
        data.clock = lambda: slot.astimezone(timezone.utc) + late
        try:
            for _ in range(times):
                self.call(Job.from_aps_job(aps_job).run(self.application))
        finally:
            data.clock = real_clock


@pytest.fixture(scope="module")
def desk(emulator, tmp_path_factory):
    db = tmp_path_factory.mktemp("desk") / "briefing.db"
    settings = bot_settings(emulator, db, TELEGRAM_BOT_TOKEN=TOKEN, BRIEFING_ADMIN_IDS=str(OWNER))
    seeded = Briefings.from_settings(settings)
    assert all(r.created for r in seeded.ingest_paths([ROOT / "seeds"]))
    seeded.close()
    runner = BotThread(build_application(settings, request_class=EmulatorRequest), settings).start()
    client = Client(emulator, TOKEN)
    yield Desk(runner, client)
    client.close()
    runner.stop()


@pytest.fixture
def chat(desk):
    return desk.private("Dana")


def far_from_now(zone: str) -> str:
    """A local HH:MM twelve hours away, so no real slot passes while a test runs."""
    return (datetime.now(ZoneInfo(zone)) + timedelta(hours=12)).strftime("%H:%M")


def story(source: str, ending: str) -> str:
    return ("Eastport ferry workers end their strike after pay deal\n"
            "Ferry workers in Eastport ended their ten-day strike on Friday after the Nordline company agreed "
            "to a pay rise of six percent, the dockers' union said. Crossings to the islands resume on "
            "Saturday morning, and the company promised extra sailings for stranded passengers. "
            f"The harbour master welcomed the deal. {ending}")


def forwarded_from(title: str, message_id: int) -> dict:
    return {"type": "channel", "date": int(time.time()), "message_id": message_id,
            "chat": {"id": -100_500 - message_id, "type": "channel", "title": title}}


def all_pages(conversation: Conversation, first) -> list:
    """Press "More" under each page until the last one."""
    pages = [first]
    while pages[-1].buttons:
        [button] = pages[-1].buttons
        conversation.press(pages[-1], button["callback_data"])
        pages += conversation.wait(1)
    return pages


# -- /who, /entities ------------------------------------------------------------------------
def test_who_france_names_macron_azerbaijan_armenia(chat):
    replies = chat.ask("/who France")
    text = "\n".join(r.text for r in replies)
    assert text.startswith("<b>France</b> — place")
    for name in ("Macron", "Azerbaijan", "Armenia"):
        assert name in text
    assert "<b>What the archive says</b>" in text and "/article ID" in text
    assert re.search(r"#\d+ News\.Az", text) and re.search(r"#\d+ AzerNews", text)  # cited with source
    assert all(utf16_len(r.text) <= MESSAGE_LIMIT for r in replies)


def test_who_neil_watson_has_a_role_and_a_quote(chat):
    text = "\n".join(r.text for r in chat.ask("/who Neil Watson"))
    assert "<b>Role</b>" in text and "British journalist and political analyst" in text
    assert "<b>Quotes</b>" in text and "on the cusp of a breakthrough" in text


def test_who_aliyev_is_ilham_aliyev(chat):
    [reply] = chat.ask("/who Aliyev")
    assert reply.text.startswith("<b>Ilham Aliyev</b> — person")


def test_unknown_name_offers_its_suggestions_as_buttons(chat):
    [reply] = chat.ask("/who Frnace")
    assert reply.text.startswith("⚠️") and "did you mean: France" in reply.text
    assert [b["text"] for b in reply.buttons][:1] == ["France"]
    chat.press(reply, reply.buttons[0]["callback_data"])
    [dossier] = chat.wait(1)
    assert dossier.text.startswith("<b>France</b>")

    [nothing] = chat.ask("/who Qwzxv")
    assert "nothing in the archive about 'Qwzxv'" in nothing.text and not nothing.buttons


@pytest.mark.parametrize(("command", "expected"), [
    ("/who", "usage: /who NAME"),
    ("/who " + "x" * 500, "too long"),
    ("/who <b></b>", "give a name with letters"),
    ("/who 🙂🙂", "give a name with letters"),
    ("/entities lots", "not a number from 1 to 50"),
    ("/timeline 2025..2020", "2025..2020"),
    ("/timeline Atlantis", "nothing in the archive about 'Atlantis'"),
    ("/subscribe 25:00", "25:00"),  # the domain calls it an unknown timezone (see the report)
    ("/subscribe Mars/Olympus", "unknown timezone"),
    ("/settings empty maybe", "usage: /settings"),
    ("/feed", "usage: /feed add URL"),
    ("/feed remove 999", "no feed #999"),
    ("/feed remove abc", "usage: /feed remove ID"),
    ("/feed add file:///etc/passwd", "http"),
    ("/feed import", "send the OPML file with the caption /feed import"),
])
def test_bad_arguments_get_a_clear_reply(chat, command, expected):
    [reply] = chat.ask(command)
    assert reply.text.startswith("⚠️") and expected in reply.text
    assert "<b></b>" not in reply.text


def test_entities_lists_the_most_mentioned(chat):
    [reply] = chat.ask("/entities 5")
    lines = [line for line in reply.text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(lines) == 5 and "France" in lines[0] and "Azerbaijan" in lines[1]


# -- /timeline ------------------------------------------------------------------------------
HISTORY = "Harbour history in dates\n" + " ".join(
    f"In March {year}, the Eastport harbour authority opened pier number {year - 1989} for the ferry "
    "company Nordline." for year in range(1990, 2000))


def test_timeline_is_oldest_first_and_pages_with_more(chat):
    chat.ask(HISTORY, forward_origin=forwarded_from("Port Archive", 1))
    pages = all_pages(chat, chat.ask("/timeline")[-1])
    assert len(pages) >= 2  # more than one page of events
    assert "oldest first" in pages[0].text and "events 1–8 of" in pages[0].text
    text = "\n".join(strip_tags(p.text) for p in pages)
    labels = ["March 1990", "March 1999", "September 2020", "March 2024", "27 May 2025", "August 2025"]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "Théo Clerc" in text and "date resolved from the publish date" in text
    for page in pages:
        assert utf16_len(page.text) <= MESSAGE_LIMIT

    [aliyev] = chat.ask("/timeline Aliyev 2025")
    assert aliyev.text.startswith("<b>Timeline: Ilham Aliyev</b> (2025-01-01 to 2025-12-31)")
    assert "27 May 2025" in aliyev.text and "September 2020" not in aliyev.text


def test_timeline_chart_falls_back_to_text_when_the_photo_is_refused(chat):
    """The emulator answers sendPhoto with HTTP 500: the chart becomes a text timeline."""
    replies = chat.ask("/timeline chart France")
    assert replies[0].text.startswith("⚠️ The chart could not be sent")
    assert "<b>Timeline: France</b>" in replies[0].text and "oldest first" in replies[0].text


# -- subscriptions --------------------------------------------------------------------------
def test_subscribe_settings_unsubscribe(desk, chat):
    chat_id = chat.chat["id"]
    [settings] = chat.ask("/settings")
    assert "<b>Daily digest:</b> off" in settings.text and "default 08:00 UTC" in settings.text

    [subscribed] = chat.ask("/subscribe 09:00 Europe/Paris")
    assert "<b>09:00</b> (Europe/Paris)" in subscribed.text
    assert re.search(r"Next: \w{3} \d{1,2} \w{3} \d{4}, 09:00 CES?T", subscribed.text)
    job = desk.application.job_queue.scheduler.get_job(f"digest:{chat_id}")
    assert str(job.trigger.timezone) == "Europe/Paris" and job.next_run_time.strftime("%H:%M") == "09:00"

    [shown] = chat.ask("/settings empty on")
    assert "<b>Daily digest:</b> 09:00 (Europe/Paris)" in shown.text
    assert "a short “no new articles” note" in shown.text

    [moved] = chat.ask("/subscribe 07:30")  # the zone is kept; the job is replaced, not added
    assert "<b>07:30</b> (Europe/Paris)" in moved.text
    assert [j.name for j in desk.application.job_queue.jobs() if j.name == f"digest:{chat_id}"] == [
        f"digest:{chat_id}"]
    assert desk.application.job_queue.scheduler.get_job(f"digest:{chat_id}").next_run_time.strftime(
        "%H:%M") == "07:30"

    [watched] = chat.ask("/watch aliyev")
    assert "Watching <b>Ilham Aliyev</b>" in watched.text
    [listed] = chat.ask("/settings")
    assert "<b>Watching:</b> Ilham Aliyev" in listed.text
    [unwatched] = chat.ask("/unwatch Aliyev")
    assert "No longer watching <b>Ilham Aliyev</b>" in unwatched.text

    [stopped] = chat.ask("/unsubscribe")
    assert "Daily digest stopped" in stopped.text
    assert desk.application.job_queue.scheduler.get_job(f"digest:{chat_id}") is None
    assert desk.briefings.archive.subscription(chat_id) is None
    [again] = chat.ask("/unsubscribe")
    assert "had no daily digest" in again.text


def test_a_channel_subscribes_itself(desk):
    channel = desk.client.channel("Evening Wire")
    desk.briefings.archive.allow_chat(channel.chat["id"])  # an owner's /allow
    command = "/subscribe 18:30 Europe/Berlin"
    channel.send(command, entities=[{"offset": 0, "length": len("/subscribe"), "type": "bot_command"}])
    [confirmed] = channel.wait(1)
    assert "<b>18:30</b> (Europe/Berlin)" in confirmed.text
    sub = desk.briefings.archive.subscription(channel.chat["id"])
    assert (sub.chat_type, sub.title, sub.timezone) == ("channel", "Evening Wire", "Europe/Berlin")
    assert desk.application.job_queue.scheduler.get_job(f"digest:{channel.chat['id']}") is not None


def test_a_subscribed_chat_receives_its_digest_exactly_once(desk, chat):
    chat_id = chat.chat["id"]
    chat.ask(story("Wire Service", "Talks lasted all night."), forward_origin=forwarded_from("Wire Service", 2))
    chat.ask(story("Harbour Herald", "Passengers cheered."), forward_origin=forwarded_from("Harbour Herald", 3))
    chat.ask("/watch Ilham Aliyev")
    chat.ask(f"/subscribe {far_from_now('Europe/Paris')} Europe/Paris")

    desk.run_digest_job(chat_id, times=2)  # the job firing twice for one slot
    desk.run_digest_job(chat_id, late=timedelta(minutes=30))  # and again, later in the same day
    delivery = desk.briefings.archive.deliveries(chat_id=chat_id)
    assert [d.status for d in delivery] == ["sent"]
    parts = delivery[0].parts
    replies = chat.wait(len(parts), settle=0.5)
    assert [r.text for r in replies] == list(parts)  # every part, in order, once
    assert all(utf16_len(r.text) <= MESSAGE_LIMIT for r in replies)

    text = "\n".join(r.text for r in replies)
    assert text.startswith("<b>Your briefing</b> since ")
    assert "<b>Watching:</b> Ilham Aliyev" in text
    watched = text.index("<b>Watched:</b> Ilham Aliyev")
    ferry = text.index("Eastport ferry workers end their strike")
    assert watched < ferry  # watched names first
    assert "reported by 2 sources" in text  # the two reports of the ferry story are one story
    assert "Also: #" in text and "Harbour Herald" in text
    assert "/article " in text and "<b>Most mentioned" in text


def test_empty_digest_is_silent_or_a_short_line(desk, chat):
    chat_id = chat.chat["id"]
    chat.ask(f"/subscribe {far_from_now('Asia/Baku')} Asia/Baku")
    desk.briefings.archive.db.execute(  # nothing arrived in this chat's period
        "UPDATE subscriptions SET period_start = ? WHERE chat_id = ?",
        [(datetime.now(timezone.utc) + timedelta(days=1)).isoformat(), chat_id])
    desk.briefings.archive.db.conn.commit()
    desk.run_digest_job(chat_id)
    time.sleep(0.3)
    assert chat.read() == []  # silence by default
    chat.ask("/settings empty on")
    desk.run_digest_job(chat_id, late=timedelta(days=1, minutes=1))  # the next day's slot
    [note] = chat.wait(1)
    assert note.text.startswith("<b>Your briefing</b>") and "No new articles." in note.text


def test_blocked_chat_is_unsubscribed_and_the_owner_told(desk, chat):
    chat_id = chat.chat["id"]
    chat.ask(f"/subscribe {far_from_now('UTC')}")
    desk.client.fail_next("sendMessage", 403, {"ok": False, "error_code": 403,
                                              "description": "Forbidden: bot was blocked by the user"},
                          chat=chat.chat)
    desk.run_digest_job(chat_id)
    assert desk.briefings.archive.subscription(chat_id) is None
    assert desk.application.job_queue.scheduler.get_job(f"digest:{chat_id}") is None
    [notice] = desk.owner().wait(lambda got: any(str(chat_id) in r.text for r in got))
    assert "blocked me" in notice.text and str(chat_id) in notice.text


def test_group_that_became_a_supergroup_keeps_its_digest(desk):
    group = desk.group("Night Desk")
    old_id, new_id = group.chat["id"], group.chat["id"] - 1_000_000_000_000
    group.ask(f"/subscribe {far_from_now('UTC')}")
    moved = {"ok": False, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
             "parameters": {"migrate_to_chat_id": new_id}}
    desk.client.fail_next("sendMessage", 400, moved, chat=group.chat)
    desk.run_digest_job(old_id)
    supergroup = Conversation(desk.client, group.user, {"id": new_id, "type": "supergroup", "title": "Night Desk"})
    replies = supergroup.wait(1)
    assert replies[0].text.startswith("<b>Your briefing</b>")
    assert desk.briefings.archive.subscription(old_id) is None
    assert desk.briefings.archive.subscription(new_id) is not None
    scheduler = desk.application.job_queue.scheduler
    assert scheduler.get_job(f"digest:{old_id}") is None and scheduler.get_job(f"digest:{new_id}") is not None


def test_migrate_service_message_moves_the_subscription(desk):
    group = desk.group("Morning Desk")
    old_id, new_id = group.chat["id"], group.chat["id"] - 2_000_000_000_000
    group.ask(f"/subscribe {far_from_now('UTC')}")
    group.ask("/watch France")
    group.client.post("/sendMessage", group._message(migrate_to_chat_id=new_id))
    deadline = time.monotonic() + 10
    while desk.briefings.archive.subscription(new_id) is None:
        assert time.monotonic() < deadline, "the subscription did not move"
        time.sleep(0.05)
    assert desk.briefings.archive.subscription(old_id) is None
    assert desk.briefings.archive.watches(new_id) == ["France"]
    deadline = time.monotonic() + 5
    while desk.application.job_queue.scheduler.get_job(f"digest:{new_id}") is None:
        assert time.monotonic() < deadline, "the job did not move"
        time.sleep(0.05)
    assert desk.application.job_queue.scheduler.get_job(f"digest:{old_id}") is None


def test_digest_on_demand_shows_sources_watches_and_events(chat):
    chat.ask(story("Wire Service", "Talks lasted all night."), forward_origin=forwarded_from("Wire Service", 2))
    chat.ask(story("Harbour Herald", "Passengers cheered."), forward_origin=forwarded_from("Harbour Herald", 3))
    chat.ask("/watch Ilham Aliyev")
    replies = chat.ask("/digest")
    text = "\n".join(r.text for r in replies)
    assert text.startswith("<b>Briefing</b>")
    assert "<b>Watching:</b> Ilham Aliyev" in text and "<b>Watched:</b> Ilham Aliyev" in text
    assert "reported by 2 sources" in text


# -- feeds ----------------------------------------------------------------------------------
PAGE = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>"
        + "The regional parliament in Eastport voted on the new water law after months of debate. " * 4
        + "{extra}</p></article></body></html>")


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<item><title>{title}</title><link>{base}{path}</link><guid>{path}</guid>"
                      "<pubDate>Mon, 01 Jun 2026 06:00:00 GMT</pubDate></item>" for title, path in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Eastport Wire</title>'
            f"<link>{base}</link>{entries}</channel></rss>").encode()


OPML = """<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
<outline text="Second" type="rss" xmlUrl="{url}"/><outline text="Bad" xmlUrl="ftp://example.org/x"/></body></opml>"""


def test_feeds_add_list_export_import_remove(chat):
    with FixtureServer() as server:
        html = {"Content-Type": "text/html; charset=utf-8"}
        server.routes["/water"] = (200, html, PAGE.format(title="Water law passes", extra="Farmers").encode())
        server.routes["/bridge"] = (200, html, PAGE.format(title="Bridge vote due", extra="Drivers").encode())
        server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                      rss(server.base, [("Water law passes", "/water"), ("Bridge vote due", "/bridge")]))
        server.routes["/second.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base, []))

        [added] = chat.ask(f"/feed add {server.base}/feed.xml", timeout=30)
        assert re.search(r"Following feed #(\d+)</b>: Eastport Wire", added.text)
        assert "2 new article(s) stored" in added.text
        feed_id = int(re.search(r"feed #(\d+)", added.text).group(1))
        [again] = chat.ask(f"/feed add {server.base}/feed.xml")
        assert f"Already following this feed as #{feed_id}" in again.text

        [listed] = chat.ask("/feed list")
        assert f"<b>#{feed_id}</b> Eastport Wire" in listed.text and "2 entries seen" in listed.text

        replies = chat.ask("/feed export")  # sendDocument is refused by the emulator: the OPML as text
        exported = "\n".join(r.text for r in replies)
        assert exported.startswith("⚠️ Could not send the file") and "<pre>" in exported
        assert f'xmlUrl="{server.base}/feed.xml"' in exported.replace("&quot;", '"')

        opml = OPML.format(url=f"{server.base}/second.xml").encode()
        [imported] = chat.ask_document("mine.opml", opml, message={"caption": "/feed import"})
        assert "<b>Imported 1 feed(s)</b>: 1 new, 0 already followed" in imported.text
        assert "1 refused" in imported.text and "ftp://example.org/x" in imported.text

        uploaded = chat.client.post("/uploadFile", {"name": "again.opml", "base64": base64.b64encode(opml).decode()})
        document = {"message_id": 1, "date": int(time.time()), "chat": chat.chat, "from": chat.user,
                    "document": {"file_id": uploaded["file_id"], "file_unique_id": uploaded["file_unique_id"],
                                 "file_name": "again.opml", "file_size": len(opml)}}
        [replied] = chat.ask("/feed import", reply_to_message=document)  # ...but a reply imports it
        assert "1 already followed" in replied.text

        [removed] = chat.ask(f"/feed remove {feed_id}")
        assert f"Stopped following feed #{feed_id}" in removed.text


def test_help_lists_every_new_command(chat):
    [reply] = chat.ask("/help")
    for name in COMMANDS:
        assert f"/{name}" in reply.text
    for usage in ("/who NAME", "/timeline [chart] [ENTITY] [FROM..TO]", "/subscribe [HH:MM] [Area/City]",
                  "/settings [empty on|off]", "/watch NAME", "/unwatch NAME",
                  "/feed add URL | list | remove ID | export | import"):
        assert usage in reply.text

"""End to end through the Bot API emulator: roles granted and revoked, chats allowed and denied,
and the admin commands, by a bot of its own (private mode, its own archive and owner)."""

from __future__ import annotations

import time

import pytest
from conftest import bot_settings
from emulator import BOT_USERNAME, BotThread, Client, EmulatorRequest

from bot.telegram.app import build_application
from storage import SubscriptionRow

pytestmark = pytest.mark.timeout(60)

TOKEN = "556677:ADMIN-TOKEN"
OWNER_ID = 7001
PRIVATE = "Sorry, this is a private newsroom bot. Ask an admin to give you access."
ARTICLE = ("Ferry timetable changes from June\n" + " ".join(
    f"The ferry company said on Monday that crossing number {i} to the island will leave twenty minutes "
    "earlier from June, after complaints from commuters about missed trains." for i in range(4)))


@pytest.fixture(scope="module")
def newsroom(emulator, tmp_path_factory):
    """A private-mode bot whose owner is OWNER_ID, and a client for its users."""
    settings = bot_settings(emulator, tmp_path_factory.mktemp("admin") / "briefing.db",
                            TELEGRAM_BOT_TOKEN=TOKEN, BRIEFING_ADMIN_IDS=str(OWNER_ID), BRIEFING_ACCESS_MODE="private")
    runner = BotThread(build_application(settings, request_class=EmulatorRequest), settings).start()
    client = Client(emulator, TOKEN)
    yield client, runner.application.bot_data.briefings.archive
    client.close()
    runner.stop()


@pytest.fixture
def owner(newsroom):
    client, _ = newsroom
    talk = client.private("Olga")
    talk.user["id"] = talk.chat["id"] = OWNER_ID
    return talk


def quiet(talk, seconds: float = 0.4) -> bool:
    time.sleep(seconds)
    return talk.read() == []


def test_grant_and_revoke_end_to_end(newsroom, owner):
    client, archive = newsroom
    carl = client.private("Carl")
    carl_id = carl.user["id"]
    [refused] = carl.ask("/latest")
    assert refused.text == f"{PRIVATE} Your Telegram user id is {carl_id}."
    [refused] = carl.ask(ARTICLE)
    assert refused.text.startswith(PRIVATE)
    assert archive.count_articles() == 0  # not stored

    [granted] = owner.ask(f"/admin grant {carl_id} editor")
    assert granted.text == f"{carl_id} is now <b>an editor</b>."
    [stored] = carl.ask(ARTICLE)
    assert "Stored as #1" in stored.text
    [latest] = carl.ask("/latest")
    assert "<b>#1</b> Ferry timetable changes from June" in latest.text
    [refused] = carl.ask("/stats")
    assert refused.text == "Sorry, you need the admin role to use admin commands; you are an editor."

    [revoked] = owner.ask(f"/admin revoke {carl_id}")
    assert revoked.text == f"{carl_id} is no longer an editor; they may no longer use the bot."
    [refused] = carl.ask("/latest")
    assert refused.text.startswith(PRIVATE)

    [listing] = owner.ask("/admin list")
    assert f"{OWNER_ID} — <b>owner</b>" in listing.text and str(carl_id) not in listing.text
    [log] = owner.ask("/audit 2")
    assert log.text.index(f"<b>revoke</b> {carl_id} — editor") < log.text.index(f"<b>grant</b> {carl_id}")


def test_allow_and_deny_a_group_end_to_end(newsroom, owner):
    client, _ = newsroom
    members = client.group("Desk", first_name="Dana")
    group = members.chat
    [refused] = members.ask(f"/latest@{BOT_USERNAME}")
    assert refused.text.startswith(PRIVATE) and refused.reply_to is not None  # quoted, in the group
    members.send("/latest@OtherBot")  # another bot's command
    members.send(ARTICLE)  # a stranger's article in a group: silence, not stored
    assert quiet(members)

    boss = client.private("Boss")  # the owner speaking in the group: the same user, that chat
    boss.user, boss.chat = dict(owner.user), group
    [allowed] = boss.ask(f"/allow@{BOT_USERNAME}")
    assert allowed.text.startswith(f"Chat {group['id']} is now on the allow-list")
    [latest] = members.ask(f"/latest@{BOT_USERNAME}")
    assert "Latest articles" in latest.text or "archive is empty" in latest.text
    members.send(ARTICLE)  # readers may read, not store: in a group, silently
    assert quiet(members)

    [denied] = owner.ask(f"/deny {group['id']}")
    assert denied.text == f"Chat {group['id']} is off the allow-list."
    [refused] = members.ask(f"/search@{BOT_USERNAME} ferry")
    assert refused.text.startswith(PRIVATE)


def test_delete_with_confirmation_stats_export_and_broadcast(newsroom, owner):
    client, archive = newsroom
    owner.ask(ARTICLE.replace("ferry", "tram"))
    article_id = archive.articles(limit=1)[0].id
    [prompt] = owner.ask(f"/delete {article_id}")
    assert [b["callback_data"] for b in prompt.buttons] == [f"delete:{article_id}:yes", f"delete:{article_id}:no"]
    owner.press(prompt, f"delete:{article_id}:yes")
    deadline = time.monotonic() + 10
    while any(a.id == article_id for a in archive.articles(limit=5)):
        assert time.monotonic() < deadline, "not deleted"
        time.sleep(0.05)

    [stats] = owner.ask("/stats")
    assert "<b>Archive</b>" in stats.text and "Mode: private" in stats.text

    [fallback] = owner.ask("/export", timeout=20)  # the emulator has no sendDocument
    assert "Could not send the files" in fallback.text and "briefing export" in fallback.text

    subscribers = [client.private(f"Sub{i}") for i in range(3)]
    for talk in subscribers:
        archive.upsert_subscription(SubscriptionRow(talk.chat["id"], "private", None, "08:00", "UTC", False,
                                                    "2030-01-01T00:00:00+00:00", "2030-01-01T00:00:00+00:00"))
    [report] = owner.ask("/broadcast Archive maintenance tonight")
    assert report.text == "Broadcast sent to 3 of 3 subscribed chat(s)."
    for talk in subscribers:
        assert [r.text for r in talk.wait(1)] == ["📣 Archive maintenance tonight"]
    actions = [row[3] for row in archive.audit_log(limit=3)]
    assert actions == ["broadcast", "export", "delete"]

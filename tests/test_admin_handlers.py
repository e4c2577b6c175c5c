"""Access control and admin commands through the real handlers (Bot API faked in-process: tests/fakebot.py)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Update

from bot.config import Settings
from bot.telegram import admin
from bot.telegram.app import BotConfigError, build_application
from bot.telegram.handlers import APOLOGY
from storage import SubscriptionRow
from tests.fakebot import USERNAME, FakeBotAPI, Fault, Harness, texts

ROOT = Path(__file__).resolve().parent.parent
OWNER, ADMIN, EDITOR, READER, STRANGER = 1, 2, 3, 4, 99
GROUP = -500

ARTICLE = ("Harbour bridge reopens after repairs\n" + " ".join(
    f"The harbour bridge in Eastport reopened on Thursday after repairs number {i}, the transport "
    "department said, and the first buses crossed the river minutes later." for i in range(4)))


def settings_for(db: Path, **extra: str) -> Settings:
    environ = {"TELEGRAM_BOT_TOKEN": "1:TEST", "BRIEFING_DB": str(db), "TELEGRAM_RATE_LIMIT": "0",
               "BRIEFING_ADMIN_IDS": str(OWNER), **extra}
    return Settings.load(env_file=None, environ=environ)


@pytest.fixture
def bot(tmp_path):
    harness = Harness.start(settings_for(tmp_path / "briefing.db"))
    archive = harness.archive
    archive.set_role(ADMIN, "admin", added_by=OWNER)
    archive.set_role(EDITOR, "editor", added_by=OWNER)
    archive.set_role(READER, "reader", added_by=OWNER)
    yield harness
    harness.stop()


def one(calls) -> str:
    assert len(calls) == 1, texts(calls)
    return calls[0].text


def audit_actions(archive) -> list[str]:
    return [row[3] for row in archive.audit_log(limit=100)]


# -- what each update needs -----------------------------------------------------------------
@pytest.mark.parametrize(("payload", "expected"), [
    ({"text": "/latest", "entities": [{"offset": 0, "length": 7, "type": "bot_command"}]},
     admin.Need("command", "reader", "latest", False)),
    ({"text": f"/stats@{USERNAME}", "entities": [{"offset": 0, "length": 18, "type": "bot_command"}]},
     admin.Need("command", "admin", "stats", True)),
    ({"text": "/Broadcast hi", "entities": [{"offset": 0, "length": 10, "type": "bot_command"}]},
     admin.Need("command", "owner", "broadcast", False)),
    ({"text": "/latest@OtherBot", "entities": [{"offset": 0, "length": 16, "type": "bot_command"}]},
     admin.Need("foreign")),
    ({"text": "/not-a-command-entity and some text"}, admin.Need("content", "editor")),
    ({"text": "plain words"}, admin.Need("content", "editor")),
    ({"document": {"file_id": "x", "file_unique_id": "ux", "file_name": "a.txt"}}, admin.Need("content", "editor")),
    ({"new_chat_members": [{"id": 5, "is_bot": False, "first_name": "New"}]}, None),
    ({"migrate_to_chat_id": -100123}, None),
])
def test_classify_messages(payload, expected):
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
               "from": {"id": 5, "is_bot": False, "first_name": "U"}, **payload}
    update = Update.de_json({"update_id": 1, "message": message}, None)
    assert admin.classify(update, USERNAME) == expected


def test_classify_buttons_and_channel_posts():
    user = {"id": 5, "is_bot": False, "first_name": "U"}
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}
    press = lambda data: Update.de_json({"update_id": 1, "callback_query": {
        "id": "1", "from": user, "chat_instance": "x", "message": message, "data": data}}, None)
    assert admin.classify(press("delete:12:yes"), USERNAME) == admin.Need("button", "admin")
    assert admin.classify(press("latest:5:5"), USERNAME) == admin.Need("button", "reader")
    post = Update.de_json({"update_id": 2, "channel_post": {
        "message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel", "title": "C"}, "text": "x"}}, None)
    assert admin.classify(post, USERNAME) == admin.Need("channel", "editor")
    command = Update.de_json({"update_id": 3, "channel_post": {
        "message_id": 2, "date": 0, "chat": {"id": -100, "type": "channel", "title": "C"}, "text": "/subscribe 07:00",
        "entities": [{"offset": 0, "length": 10, "type": "bot_command"}]}}, None)
    assert admin.classify(command, USERNAME) == admin.Need("channel", "reader", "subscribe")


# -- refusals -------------------------------------------------------------------------------
def test_stranger_in_private_mode_reads_nothing_and_nothing_is_stored(bot):
    bot.archive.put_setting("access_mode", "private")
    stranger = bot.user(STRANGER, "Stranger")
    [line] = texts(bot.say(stranger, "/latest"))
    assert "private newsroom bot" in line and f"user id is {STRANGER}" in line and "\n" not in line
    assert "private newsroom bot" in one(bot.say(stranger, "/start"))
    before = bot.archive.count_articles()
    assert "private newsroom bot" in one(bot.say(stranger, ARTICLE))
    assert bot.archive.count_articles() == before

    group = bot.group(GROUP)
    assert bot.say(stranger, ARTICLE, chat=group) == []  # silence in groups, nothing stored
    assert bot.archive.count_articles() == before
    assert "private newsroom bot" in one(bot.say(stranger, f"/search@{USERNAME} harbour", chat=group))
    assert "private newsroom bot" in one(bot.say(stranger, "/latest", chat=group))  # one of my commands
    assert bot.say(stranger, "/latest@OtherBot", chat=group) == []  # another bot's
    assert bot.say(stranger, "/nosuch", chat=group) == []  # not mine, not addressed to me

    calls = bot.press(stranger, "latest:5:5")
    [alert] = [c for c in calls if c.method == "answerCallbackQuery"]
    assert alert.params["show_alert"] is True and "private newsroom bot" in alert.params["text"]
    assert [c.method for c in calls] == ["answerCallbackQuery"]


def test_reader_may_query_but_not_store_or_administer(bot):
    reader = bot.user(READER, "Reader")
    assert "archive is empty" in one(bot.say(reader, "/latest"))
    assert one(bot.say(reader, ARTICLE)) == "Sorry, you need the editor role to store articles; you are a reader."
    assert bot.archive.count_articles() == 0
    assert "need the admin role" in one(bot.say(reader, "/stats"))
    assert "need the admin role" in one(bot.say(reader, "/admin list"))
    assert "need the owner role" in one(bot.say(bot.user(ADMIN), "/broadcast hello"))


def test_editor_stores_articles(bot):
    editor = bot.user(EDITOR, "Editor")
    assert "Stored as #1" in one(bot.say(editor, ARTICLE))
    assert bot.archive.get_article(1).title == "Harbour bridge reopens after repairs"
    assert "need the admin role" in one(bot.say(editor, "/delete 1"))


def test_open_mode_strangers_read_and_allowed_chats_in_private_mode(bot):
    stranger = bot.user(STRANGER)
    assert "archive is empty" in one(bot.say(stranger, "/latest"))  # open mode: a reader
    owner = bot.user(OWNER, "Owner")
    assert "set to <b>private</b>" in one(bot.say(owner, "/admin mode private"))
    assert "Access mode is <b>private</b>" in one(bot.say(owner, "/admin mode"))
    group = bot.group(GROUP)
    assert "private newsroom bot" in one(bot.say(stranger, "/latest", chat=group))
    assert f"Chat {GROUP} is now on the allow-list" in one(bot.say(owner, "/allow", chat=group))
    assert "archive is empty" in one(bot.say(stranger, "/latest", chat=group))
    assert "private newsroom bot" in one(bot.say(stranger, "/latest"))  # only in that chat
    assert f"Chat {GROUP} is off the allow-list" in one(bot.say(owner, f"/deny {GROUP}"))
    assert "private newsroom bot" in one(bot.say(stranger, "/latest", chat=group))
    assert "was not on the allow-list" in one(bot.say(owner, f"/deny {GROUP}"))
    assert "usage: /allow CHAT" in one(bot.say(owner, "/allow"))  # no argument in a private chat
    assert "not a numeric Telegram id" in one(bot.say(owner, "/allow everyone"))
    assert audit_actions(bot.archive)[:4] == ["deny", "deny", "allow", "mode"]


def test_channel_posts_are_archived_only_from_allowed_channels(bot):
    assert bot.channel_post(-1001, ARTICLE) == []
    assert bot.archive.count_articles() == 0
    bot.say(bot.user(ADMIN), "/allow -1001")
    assert bot.channel_post(-1001, ARTICLE, title="Desk") == []  # quietly
    [stored] = bot.archive.articles()
    assert stored.source == "Desk" and stored.origin == "channel"


# -- /admin ---------------------------------------------------------------------------------
def test_grant_revoke_and_list(bot):
    owner, boss = bot.user(OWNER, "Owner"), bot.user(ADMIN, "Boss")
    assert one(bot.say(boss, f"/admin grant {STRANGER} editor")) == f"{STRANGER} is now <b>an editor</b>."
    assert bot.archive.role(STRANGER) == "editor"
    assert "need the owner role" in one(bot.say(boss, f"/admin grant {STRANGER} admin"))
    assert "need the owner role" in one(bot.say(boss, f"/admin revoke {OWNER}"))
    assert "is now <b>an admin</b>" in one(bot.say(owner, f"/admin grant {STRANGER} admin"))
    assert "only owner" in one(bot.say(owner, f"/admin revoke {OWNER}"))
    reply = one(bot.say(owner, f"/admin revoke {STRANGER}"))
    assert reply == f"{STRANGER} is no longer an admin; they may still read, as anyone may in open mode."
    assert bot.archive.role(STRANGER) is None
    assert f"user {STRANGER} has no role" in one(bot.say(owner, f"/admin revoke {STRANGER}"))

    listing = one(bot.say(boss, "/admin list"))
    assert "open mode" in listing and f"{OWNER} — <b>owner</b>" in listing
    assert listing.index("owner") < listing.index("admin") < listing.index("editor") < listing.index("reader")
    assert audit_actions(bot.archive)[:3] == ["revoke", "grant", "grant"]


def test_grant_by_replying_to_a_message(bot):
    newcomer = {"id": 777, "is_bot": False, "first_name": "Nina", "last_name": "New"}
    group = bot.group(GROUP)
    replied = bot.message(newcomer, group, "hello, I joined the desk")
    reply = one(bot.say(bot.user(OWNER), "/admin grant editor", chat=group, reply_to_message=replied))
    assert reply == "Nina New (777) is now <b>an editor</b>."
    assert [u[:3] for u in bot.archive.users() if u[0] == 777] == [(777, "editor", "Nina New")]


@pytest.mark.parametrize(("command", "expected"), [
    ("/admin", "usage: /admin grant USER ROLE"),
    ("/admin grant", "usage: /admin grant USER ROLE"),
    ("/admin grant 5", "usage: /admin grant USER ROLE"),
    ("/admin grant abc editor", "not a numeric Telegram id"),
    ("/admin grant 5 emperor", "unknown role 'emperor'"),
    ("/admin revoke", "usage: /admin grant USER ROLE"),
    ("/admin mode sideways", "access mode is open or private"),
    ("/admin list everything", "usage: /admin grant USER ROLE"),
    ("/admin dance", "usage: /admin grant USER ROLE"),
    ("/audit 0", "usage: /audit [N]"),
    ("/audit lots", "usage: /audit [N]"),
    ("/delete", "usage: /delete ID"),
    ("/delete abc", "is not an article id"),
    ("/delete 12345", "no article #12345"),
    ("/broadcast", "usage: /broadcast TEXT"),
    ("/export now", "usage: /export"),
])
def test_bad_admin_commands_get_a_clear_reply(bot, command, expected):
    reply = one(bot.say(bot.user(OWNER), command))
    assert expected in reply and reply.startswith("⚠️")


# -- /stats, /audit, errors -----------------------------------------------------------------
def test_stats_counts_and_last_errors(bot, monkeypatch):
    editor, owner = bot.user(EDITOR), bot.user(OWNER)
    bot.say(editor, ARTICLE)
    bot.archive.upsert_subscription(SubscriptionRow(-7, "group", "Desk", "08:00", "UTC", False,
                                                    "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.application.bot_data.briefings, "list_articles", broken)
    assert one(bot.say(editor, "/latest")) == APOLOGY
    monkeypatch.undo()
    stats = one(bot.say(owner, "/stats"))
    for line in ("Articles: 1 (en 1)", "Summaries: 1", "Subscribed chats: 1", "Feeds: 0", "Database size: ",
                 "Mode: open; 1 owner, 1 admin, 1 editor, 1 reader; 0 allowed chat(s)"):
        assert line in stats, stats
    assert f"/latest in chat {EDITOR}: RuntimeError: disk on fire" in stats
    assert bot.archive.integrity_ok()


def test_audit_shows_the_latest_actions(bot):
    owner = bot.user(OWNER)
    bot.say(owner, f"/admin grant {STRANGER} reader")
    bot.say(owner, "/allow -42")
    log = one(bot.say(owner, "/audit 2"))
    assert log.startswith("<b>Audit log</b>")
    assert log.index("<b>allow</b> -42") < log.index(f"<b>grant</b> {STRANGER}")
    assert "owner from settings" not in log  # only 2 rows
    assert "owner from settings" in one(bot.say(owner, "/audit"))


def test_failing_access_check_fails_closed(bot, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("roles table unreadable")

    monkeypatch.setattr(bot.application.bot_data.access, "check", broken)
    assert one(bot.say(bot.user(EDITOR), ARTICLE)) == APOLOGY
    monkeypatch.undo()
    assert bot.archive.count_articles() == 0
    assert "RuntimeError: roles table unreadable" in bot.archive.recent_errors(1)[0][2]


def test_bad_access_settings_stop_the_start(tmp_path):
    with pytest.raises(BotConfigError, match="BRIEFING_ADMIN_IDS must be numeric"):
        build_application(settings_for(tmp_path / "a.db", BRIEFING_ADMIN_IDS="12,@boss"), request_class=FakeBotAPI)
    with pytest.raises(BotConfigError, match="BRIEFING_ACCESS_MODE must be one of open, private"):
        build_application(settings_for(tmp_path / "a.db", BRIEFING_ACCESS_MODE="closed"), request_class=FakeBotAPI)


# -- /delete --------------------------------------------------------------------------------
def test_delete_asks_then_deletes_and_audits(bot):
    bot.say(bot.user(EDITOR), ARTICLE)
    boss = bot.user(ADMIN)
    prompt = bot.say(boss, "/delete #1")
    assert "Delete <b>#1 Harbour bridge reopens after repairs</b>" in one(prompt)
    buttons = [b["callback_data"] for row in prompt[0].params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["delete:1:yes", "delete:1:no"]

    calls = bot.press(bot.user(READER), "delete:1:yes")  # not an admin: refused, kept
    assert [c.method for c in calls] == ["answerCallbackQuery"] and "admin role" in calls[0].params["text"]
    assert bot.archive.count_articles() == 1

    calls = bot.press(boss, "delete:1:no")
    assert [c.params["text"] for c in calls if c.method == "editMessageText"] == ["Kept #1."]
    assert bot.archive.count_articles() == 1

    calls = bot.press(boss, "delete:1:yes")
    [edit] = [c for c in calls if c.method == "editMessageText"]
    assert edit.params["text"] == "Deleted #1: Harbour bridge reopens after repairs"
    assert bot.archive.count_articles() == 0 and bot.archive.stats().summaries == 0
    assert bot.archive.audit_log(limit=1)[0][2:5] == (ADMIN, "delete", "1")

    calls = bot.press(boss, "delete:1:yes")
    assert [c.params["text"] for c in calls if c.method == "editMessageText"] == ["#1 is already deleted."]
    assert bot.archive.integrity_ok()


# -- /export --------------------------------------------------------------------------------
def test_build_export_writes_jsonl_and_a_consistent_backup(bot, tmp_path):
    bot.say(bot.user(EDITOR), ARTICLE)
    files = admin.build_export(bot.archive, tmp_path, stamp="test")
    assert files.articles == 1 and files.jsonl.name == "briefing-test.jsonl"
    [record] = [json.loads(line) for line in files.jsonl.read_text(encoding="utf-8").splitlines()]
    assert record["title"] == "Harbour bridge reopens after repairs" and record["summaries"]
    copy = sqlite3.connect(files.backup)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    finally:
        copy.close()


def test_export_sends_two_documents_and_audits(bot):
    bot.say(bot.user(EDITOR), ARTICLE)
    assert bot.say(bot.user(ADMIN), "/export") == []  # no text: the files are the answer
    documents = bot.api.take("sendDocument")
    names = [next(iter(c.files.values()))[0] for c in documents]
    assert [Path(n).suffix for n in names] == [".jsonl", ".db"]
    jsonl = next(iter(documents[0].files.values()))[1]
    assert json.loads(jsonl.decode().splitlines()[0])["id"] == 1
    assert documents[0].params["caption"] == "1 article(s) as JSON lines"
    assert bot.archive.audit_log(limit=1)[0][3] == "export"


def test_export_that_cannot_be_sent_says_how_to_export_on_the_server(bot):
    bot.api.refuse.add("sendDocument")
    reply = one(bot.say(bot.user(ADMIN), "/export"))
    assert "Could not send the files" in reply and "briefing export --jsonl" in reply
    assert "only exported in a private chat" in one(bot.say(bot.user(ADMIN), "/export", chat=bot.group(GROUP)))


# -- /broadcast -----------------------------------------------------------------------------
def test_broadcast_reaches_every_subscribed_chat_and_reports(bot):
    owner = bot.user(OWNER)
    assert "No chat is subscribed" in one(bot.say(owner, "/broadcast hello"))
    now = datetime.now(UTC).isoformat()
    for chat_id in (-11, -12, -13):
        bot.archive.upsert_subscription(SubscriptionRow(chat_id, "group", None, "08:00", "UTC", False, now, now))
    bot.api.faults.append(Fault("sendMessage", 403, {"ok": False, "error_code": 403,
                                                     "description": "Forbidden: bot was kicked"}, chat_id=-12))
    calls = bot.say(owner, "/broadcast Maintenance <tonight> at 22:00\nSecond line")
    sent = {c.chat_id: c.text for c in calls}
    assert sent[-11] == sent[-13] == "📣 Maintenance &lt;tonight&gt; at 22:00\nSecond line"
    assert -12 not in sent
    assert sent[OWNER].startswith("Broadcast sent to 2 of 3 subscribed chat(s).")
    assert "-12 (Forbidden: bot was kicked)" in sent[OWNER]
    row = bot.archive.audit_log(limit=1)[0]
    assert row[2:5] == (OWNER, "broadcast", "3 chats") and row[5].startswith("sent 2, failed 1: Maintenance")


def test_readme_documents_every_admin_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in admin.COMMANDS:
        assert f"`/{name}" in readme, f"README does not mention /{name}"


def test_commands_posted_in_channels_are_the_channels_own_requests(bot):
    chat = {"id": -1002, "type": "channel", "title": "Wire"}
    post = lambda text: bot.process({"channel_post": bot.message(None, chat, text)})
    bot.archive.put_setting("access_mode", "private")
    post("/subscribe 07:30")  # a channel nobody allowed, in private mode: ignored
    assert bot.archive.subscription(-1002) is None and bot.api.take() == []
    bot.archive.put_setting("access_mode", "open")
    post("/subscribe 07:30")  # open mode: anyone may subscribe, channels too
    assert bot.archive.subscription(-1002) is not None
    post("/stats")  # nobody to check for an admin role: ignored, never answered in the channel
    assert [c for c in bot.api.take() if "Archive" in c.text] == []


def test_a_button_carrying_another_lists_key_is_answered_not_crashed(bot):
    """Found by fuzzing: list keys are per kind, so a digest button cannot read a search query."""
    reader = bot.user(READER)
    bot.say(reader, "/search harbour")
    bot.api.take()
    for data in ("digest:0:1", "timeline:0:1", "who:0:1"):
        replies = texts(bot.press(reader, data))
        assert any("expired" in text for text in replies), (data, replies)
    assert bot.archive.recent_errors() == []


def test_help_and_the_menu_show_each_role_what_it_may_run(bot):
    helps = {who: one(bot.say(bot.user(user_id), "/help"))
             for who, user_id in (("reader", READER), ("editor", EDITOR), ("admin", ADMIN), ("owner", OWNER))}
    assert "/latest" in helps["reader"] and "/feed" not in helps["reader"] and "/stats" not in helps["reader"]
    assert "/feed" in helps["editor"] and "/admin" not in helps["editor"]
    assert "/admin" in helps["admin"] and "/export" in helps["admin"] and "/broadcast" not in helps["admin"]
    assert "/broadcast" in helps["owner"]
    # the menu: editors' commands for everyone, everything in each admin's own chat
    bot.run(admin.set_menus(bot.application))

    def decoded(value):
        return json.loads(value) if isinstance(value, str) else value

    def menus():
        return {decoded(c.params["scope"])["chat_id"] if "scope" in c.params else None:
                {command["command"] for command in decoded(c.params["commands"])}
                for c in bot.api.calls if c.method == "setMyCommands"}

    assert "feed" in menus()[None] and "admin" not in menus()[None]
    assert {"admin", "broadcast", "latest"} <= menus()[OWNER] and "admin" in menus()[ADMIN]
    assert READER not in menus() and EDITOR not in menus()
    # a role granted or revoked changes that user's menu at once
    bot.say(bot.user(OWNER), f"/admin grant {EDITOR} admin")
    assert "admin" in menus()[EDITOR]
    bot.say(bot.user(OWNER), f"/admin revoke {EDITOR}")
    dropped = [decoded(c.params["scope"])["chat_id"] for c in bot.api.calls if c.method == "deleteMyCommands"]
    assert dropped == [EDITOR]  # back to the common menu
    bot.api.refuse.add("setMyCommands")  # e.g. a user who never opened a chat with the bot
    assert "is now <b>an admin</b>" in one(bot.say(bot.user(OWNER), f"/admin grant {STRANGER} admin"))

"""End to end: the real bot against the Bot API emulator, a user in a private chat and a group."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from datetime import datetime, UTC

import pytest
from conftest import ARTICLE_TITLE, ROOT, bot_settings
from emulator import BOT_USERNAME, BotThread, Client, EmulatorRequest, free_port

from bot.briefings import Briefings
from bot.telegram.app import build_application
from bot.telegram.handlers import APOLOGY
from bot.telegram.render import MESSAGE_LIMIT, strip_tags, utf16_len

pytestmark = pytest.mark.timeout(60)

SEED = (ROOT / "seeds" / "004_dc9c0814d8064941.txt").read_text(encoding="utf-8")
SEED_TITLE = SEED.splitlines()[0]


def article(topic: str, sentences: int = 6) -> str:
    """A made-up article of a few hundred characters about ``topic`` (unique per topic)."""
    body = " ".join(
        f"Reporters in {topic} confirmed detail number {i} of the {topic} story on Monday, "
        f"according to officials who spoke about {topic}." for i in range(sentences)
    )
    return f"{topic.title()} story develops\n{body}"


def stored_id(reply_text: str) -> int:
    match = re.search(r"[Ss]tored as #(\d+)", reply_text)
    assert match, reply_text
    return int(match.group(1))


def assert_balanced(html: str) -> None:
    stack = []
    for closing, name in re.findall(r"<(/?)([a-z][\w-]*)[^>]*>", html):
        if closing:
            assert stack and stack.pop() == name, html
        else:
            stack.append(name)
    assert not stack, html


# -- commands -------------------------------------------------------------------------------
def test_start_and_help_list_every_command_and_the_threshold(alice):
    [hello] = alice.ask("/start")
    assert "Hello, Alice!" in hello.text and "/help" in hello.text
    assert hello.raw["parse_mode"] == "HTML"

    [help_reply] = alice.ask("/help")
    commands = ("/start", "/help", "/latest [N]", "/search QUERY", "/summary ID [N]", "/article ID",
                "/digest")
    for command in commands:
        assert command in help_reply.text
    assert "at least 200 characters" in help_reply.text


def test_seed_article_is_stored_then_found_by_search_summary_and_latest(alice):
    [stored] = alice.ask(SEED)
    article_id = stored_id(stored.text)
    assert SEED_TITLE in stored.text
    assert "•" in stored.text  # the summary's sentences

    [again] = alice.ask(SEED)
    assert f"already stored as #{article_id}" in again.text.lower()

    [found] = alice.ask("/search Aliyev pardoned")
    assert f"#{article_id}" in found.text and "Search:" in found.text

    [summary] = alice.ask(f"/summary {article_id}")
    assert f"#{article_id}" in summary.text and summary.text.count("•") == 3

    [summary5] = alice.ask(f"/summary #{article_id} 5")
    assert summary5.text.count("•") == 5

    [latest] = alice.ask("/latest")
    assert f"#{article_id}" in latest.text


def test_short_message_is_chat_not_an_article(alice, archive):
    before = archive.count_articles()
    [reply] = alice.ask("Morning! Anything new about the harbour?")
    assert "at least 200 characters" in reply.text
    assert archive.count_articles() == before


def test_forwarded_post_keeps_its_origin_as_source_and_date(alice, archive):
    posted = datetime(2024, 5, 27, 8, 15, tzinfo=UTC)
    origin = {
        "type": "channel", "date": int(posted.timestamp()), "message_id": 77,
        "chat": {"id": -1001234, "type": "channel", "title": "Wire Service", "username": "wireservice"},
    }
    text = article("forwarded lighthouse")
    [reply] = alice.ask(text, forward_origin=origin)
    stored = archive.get_article(stored_id(reply.text))
    assert stored.source == "Wire Service"
    assert stored.published_at.startswith("2024-05-27T08:15")
    assert stored.url == "https://t.me/wireservice/77"
    assert stored.origin == "forward"
    assert "Wire Service · 2024-05-27" in reply.text

    [again] = alice.ask(text + " (edited)", forward_origin=origin)
    assert "already stored" in again.text.lower() and "same URL" in again.text


def test_channel_post_is_archived_without_a_reply(client, archive):
    channel = client.channel("Newsroom Desk", username="newsroomdesk")
    channel.send(article("channel harbour"))
    deadline = time.monotonic() + 10
    while not [a for a in archive.articles(limit=20) if a.source == "Newsroom Desk"]:
        assert time.monotonic() < deadline, "the channel post was not archived"
        time.sleep(0.05)
    [stored] = [a for a in archive.articles(limit=20) if a.source == "Newsroom Desk"]
    assert stored.origin == "channel" and stored.url.startswith("https://t.me/newsroomdesk/")
    time.sleep(0.3)
    assert channel.read() == []  # nothing said in the channel


# -- links ----------------------------------------------------------------------------------
def test_link_is_fetched_extracted_and_not_fetched_twice(alice, pages, archive):
    url = f"{pages}/news/bridge"
    [reply] = alice.ask(f"Worth a read: {url}")
    stored = archive.get_article(stored_id(reply.text))
    assert ARTICLE_TITLE in stored.title
    assert stored.url == url and stored.origin == "url"
    assert stored.published_at.startswith("2024-03-14")
    assert "Nordbau" in stored.text and "Copyright" not in stored.text

    [again] = alice.ask(url)
    assert f"Already stored as #{stored.id} (same URL)" in again.text


def test_unfetchable_links_get_a_clear_reply(alice, pages):
    [missing] = alice.ask(f"{pages}/missing-page")
    assert "Not stored" in missing.text and "HTTP 404" in missing.text

    closed = f"http://127.0.0.1:{free_port()}/gone"
    [refused] = alice.ask(closed)
    assert "Not stored" in refused.text and "connection refused" in refused.text


def test_bot_keeps_answering_during_a_slow_ingest(client, pages):
    slow, quick = client.private("Slow"), client.private("Quick")
    slow.send(f"{pages}/slow/page")  # the page takes 1.5 s to arrive
    time.sleep(0.2)
    started = time.monotonic()
    [hello] = quick.ask("/start")
    assert time.monotonic() - started < 1.0 and "Hello" in hello.text
    assert slow.read() == []  # still fetching
    [stored] = slow.wait(1, timeout=15)
    assert "Stored as #" in stored.text


# -- documents ------------------------------------------------------------------------------
def test_documents_are_stored_and_bad_ones_explained(alice, archive):
    markdown = ("# Tram line extension approved\n\n" + article("tram depot", 5)).encode()
    [stored] = alice.ask_document("tram.md", markdown)
    assert "Stored as #" in stored.text and "Tram line extension approved" in stored.text

    origin = {"type": "hidden_user", "sender_user_name": "Desk Editor", "date": 1716800000}
    [forwarded] = alice.ask_document("ferry.txt", article("ferry timetable").encode(),
                                     message={"forward_origin": origin})
    kept = archive.get_article(stored_id(forwarded.text))
    assert kept.source == "Desk Editor" and kept.published_at.startswith("2024-05-27")

    [pdf] = alice.ask_document("report.pdf", b"%PDF-1.4 binary")
    assert "unsupported file type" in pdf.text

    [binary] = alice.ask_document("notes.txt", bytes(range(256)) * 4)
    assert "binary" in binary.text

    [empty] = alice.ask_document("empty.txt", b"   \n")
    assert "empty" in empty.text

    [huge] = alice.ask_document("huge.txt", b"small really", file_size=30_000_000)
    assert "over the" in huge.text and "limit" in huge.text


# -- replies --------------------------------------------------------------------------------
def test_more_button_pages_through_latest(alice, archive):
    for topic in ("paging alpha", "paging beta", "paging gamma", "paging delta"):
        alice.ask(article(topic))
    total = archive.count_articles()
    [first] = alice.ask("/latest 2")
    assert f"(1–2 of {total})" in first.text
    [button] = first.buttons
    assert button["text"].startswith("More") and button["callback_data"] == "latest:2:2"

    alice.press(first, button["callback_data"])
    [second] = alice.wait(1)
    assert f"(3–4 of {total})" in second.text
    assert second.message_id != first.message_id

    alice.press(first, "search:0:999")  # a list this chat never asked for (or long forgotten)
    [expired] = alice.wait(1)
    assert "this list has expired" in expired.text
    alice.press(first, "from-an-old-version")  # answered with a notice, nothing sent
    time.sleep(0.3)
    assert alice.read() == []


def test_ten_thousand_character_reply_is_split_under_the_limit(alice):
    paragraphs = [
        f"Paragraph {i:02d} of the long report. " + " ".join(
            f"Sentence {j} of paragraph {i} describes the budget line {i * 100 + j} in detail."
            for j in range(6)
        )
        for i in range(24)
    ]
    text = "Long budget report for the council\n\n" + "\n\n".join(paragraphs)
    assert len(text) > 10_000
    [stored] = alice.ask(text)
    article_id = stored_id(stored.text)

    alice.send(f"/article {article_id}")
    replies = alice.wait(lambda got: any("Paragraph 23" in r.text for r in got))
    assert len(replies) >= 3
    for reply in replies:
        assert len(reply.text) <= MESSAGE_LIMIT and utf16_len(reply.text) <= MESSAGE_LIMIT
        assert_balanced(reply.text)
    shown = "\n\n".join(strip_tags(r.text) for r in replies)
    positions = [shown.index(f"Paragraph {i:02d} of the long report.") for i in range(24)]
    assert positions == sorted(positions)  # everything, in order
    assert all(strip_tags(r.text).startswith("Paragraph") for r in replies[1:])  # cut between paragraphs


def test_user_text_is_escaped(alice, archive):
    text = "Council row over <script> tags & budgets\n" + article("escaping")
    text += " Tags like <i>this</i> & that."
    [stored] = alice.ask(text)
    assert "<script>" not in stored.text and "&lt;script&gt;" in stored.text
    [search] = alice.ask("/search <script>")
    assert "&lt;script&gt;" in search.text


# -- groups ---------------------------------------------------------------------------------
def test_group_commands_with_bot_suffix_and_quiet_chat(group):
    group.send("hi all, coffee at ten?")  # chat: no reply in a group
    group.send("/latest@OtherBot")  # another bot's command
    [found] = group.ask(f"/search@{BOT_USERNAME} harbour")
    assert "Search:" in found.text
    assert found.reply_to is not None  # quotes the command it answers
    [unknown] = group.ask(f"/nosuch@{BOT_USERNAME}")
    assert "I don't know /nosuch" in unknown.text
    [latest] = group.ask(f"/latest@{BOT_USERNAME} 1", timeout=10)
    assert "Latest articles" in latest.text
    assert group.read() == []


# -- bad input and failures -----------------------------------------------------------------
@pytest.mark.parametrize(("command", "expected"), [
    ("/summary abc", "is not an article id"),
    ("/summary 99999", "no article #99999"),
    ("/summary", "usage: /summary ID"),
    ("/summary 1 500", "not a number from 1 to 50"),
    ("/article 99999", "no article #99999"),
    ("/latest 0", "not a number from 1 to 50"),
    ("/latest lots", "not a number from 1 to 50"),
    ("/search", "usage: /search QUERY"),
    ("/digest in the year of the dragon", "cannot read"),
    ("/nosuch", "I don't know /nosuch"),
])
def test_bad_commands_get_a_clear_reply(alice, command, expected):
    [reply] = alice.ask(command)
    assert expected in reply.text
    assert reply.text.startswith("⚠️")


def test_unexpected_error_is_logged_and_apologised_for(emulator, tmp_path, caplog):
    """A bot whose archive is gone: every command fails inside; the user gets an apology."""
    caplog.set_level(logging.ERROR, logger="bot.telegram.handlers")
    settings = bot_settings(emulator, tmp_path / "gone.db", TELEGRAM_BOT_TOKEN="777:BROKEN")
    briefings = Briefings.from_settings(settings)
    briefings.close()  # the caller owns it: the bot neither opens nor closes it
    application = build_application(settings, briefings, request_class=EmulatorRequest)
    runner = BotThread(application, settings).start()
    broken = Client(emulator, settings.telegram_bot_token)
    try:
        [reply] = broken.private().ask("/latest")
    finally:
        broken.close()
        runner.stop()
    assert reply.text == APOLOGY
    [record] = [r for r in caplog.records if r.name == "bot.telegram.handlers" and r.exc_info]
    assert "closed database" in str(record.exc_info[1])


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
def test_flood_control_and_network_errors_are_retried(alice, client, caplog):
    caplog.set_level(logging.WARNING, logger="bot.telegram.app")
    flood = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
             "parameters": {"retry_after": 1}}
    client.fail_next("sendMessage", 429, flood, chat=alice.chat)
    client.fail_next("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"},
                     chat=alice.chat)
    started = time.monotonic()
    [hello] = alice.ask("/start")
    assert "Hello" in hello.text
    assert time.monotonic() - started >= 1.0  # waited out retry_after
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2


def test_digest_on_demand(alice):
    alice.ask(article("digest harbour"))
    replies = alice.ask("/digest")
    assert replies[0].text.startswith("<b>Briefing</b>")
    assert "•" in replies[0].text


# -- running --------------------------------------------------------------------------------
def test_webhook_mode(emulator, tmp_path):
    settings = bot_settings(
        emulator, tmp_path / "hook.db",
        TELEGRAM_BOT_TOKEN="654321:HOOK-TOKEN",
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{(port := free_port())}/telegram-hook",
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    runner = BotThread(build_application(settings, request_class=EmulatorRequest), settings).start()
    hooks = Client(emulator, settings.telegram_bot_token)
    try:
        [hello] = hooks.private("Hook").ask("/start")
        assert "Hello, Hook!" in hello.text
    finally:
        hooks.close()
        runner.stop()


@pytest.mark.parametrize("entry", [["-m", "bot"], ["-m", "bot.cli", "run"]])
def test_without_a_token_the_bot_exits_with_one_line(entry, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, *entry], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1
    assert len(lines) == 1, done.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "make demo" in lines[0]

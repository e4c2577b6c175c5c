"""Reliability, end to end: kill -9 of the bot process mid-ingest and mid-digest, then a restart;
Bot API faults (500, timeouts, 429) from the emulator side.

The bot runs as its own process (botprocess.py: ``python -m bot`` with the emulator's answers
normalised) on a temp archive, and is killed with SIGKILL. After the restart: ``integrity_check``
ok, every article the bot acknowledged is stored with its full text, no chat got a digest part
twice, and the delivery ledger finishes. Counts go to tests/faults.py.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import bot_settings
from emulator import HERE, BotThread, Client, EmulatorRequest
from faker import Faker

from bot.briefings import Briefings
from bot.briefings.loaders import from_text
from bot.config import Settings
from bot.telegram.app import build_application
from storage import Archive, SubscriptionRow, content_hash
from tests.faults import COUNTS

pytestmark = [pytest.mark.faults, pytest.mark.timeout(120)]

OWNER_ID = 8001


def articles(count: int, seed: int) -> list[str]:
    """``count`` distinct made-up articles (distinct people, places and companies: distinct stories)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    made = []
    for i in range(count):
        city, person, company = fake.city(), fake.name(), fake.company()
        body = " ".join(f"{person} said in {city} on Monday that {company} would {fake.bs()} by "
                        f"{fake.month_name()}. {fake.sentence(nb_words=14)}" for _ in range(6))
        made.append(f"{company} plans to {fake.bs()} in {city} ({seed}-{i})\n{body}")
    return made


class BotProcess:
    """``botprocess.py`` with the given settings; killed with SIGKILL or stopped with SIGTERM."""

    def __init__(self, emulator, db: Path, token: str, log: Path) -> None:
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": emulator.api_base_url,
                    "BRIEFING_DB": str(db), "TELEGRAM_RATE_LIMIT": "0", "BRIEFING_ADMIN_IDS": str(OWNER_ID),
                    "BRIEFING_LOG_LEVEL": "WARNING", "BRIEFING_FEED_POLL_MINUTES": "600"}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> BotProcess:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, str(HERE / "botprocess.py")], env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        return self

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        COUNTS["kills"] += 1

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def wait_for(condition, timeout: float, what: str, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout} s")
        time.sleep(interval)


def check_archive(db: Path) -> Archive:
    """The archive file after a kill: opens, passes integrity_check and the FTS index check."""
    archive = Archive(db)
    assert archive.integrity_ok()
    archive.db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    return archive


def test_kill_during_bulk_ingest_loses_no_acknowledged_article(emulator, tmp_path):
    token, db = "111222:KILL-INGEST", tmp_path / "briefing.db"
    bot = BotProcess(emulator, db, token, tmp_path / "bot.log")
    client = Client(emulator, token)
    editor = client.private("Editor")
    editor.user["id"] = editor.chat["id"] = OWNER_ID
    texts = articles(60, seed=1)
    by_title = {from_text(t).title: t for t in texts}
    try:
        bot.start()
        assert "Hello" in editor.ask("/start", timeout=60)[0].text  # up
        with ThreadPoolExecutor(8) as pool:  # a burst: many messages queued at once
            list(pool.map(editor.send, texts))
        acked: dict[int, str] = {}

        def enough() -> bool:
            for reply in editor.read():
                match = re.search(r"Stored as #(\d+): (.+?)</b>", reply.text)
                assert match, reply.text
                acked[int(match.group(1))] = by_title[match.group(2).replace("&amp;", "&")]
            return len(acked) >= 10

        wait_for(enough, 60, "10 articles acknowledged")
        bot.kill()  # mid-ingest
        enough()  # replies that arrived before the kill
        COUNTS["articles acknowledged before a kill"] += len(acked)
        COUNTS["inputs tried"] += len(texts)

        archive = check_archive(db)
        lost = [i for i, text in acked.items()
                if not any(a.id == i and a.content_hash == content_hash(from_text(text).text) == content_hash(a.text)
                           for a in archive.articles(limit=200))]
        stored_before = archive.count_articles()
        archive.close()
        COUNTS["data lost"] += len(lost)
        assert not lost, f"acknowledged, then lost or changed: {lost}"
        assert len(acked) <= stored_before < len(texts), "the kill was not in the middle of the ingest"

        bot.start()  # restart: send everything again; what is stored says so, the rest is stored now
        COUNTS["restarts"] += 1
        for text in texts:
            editor.send(text)
        replies = editor.wait(len(texts), timeout=60)
        assert all(re.search(r"(Stored|Already stored) as #\d+", r.text) for r in replies), replies[0].text
    finally:
        bot.stop()
        client.close()
    archive = check_archive(db)
    try:
        stored = archive.articles(limit=500)
        assert sorted(a.content_hash for a in stored) == sorted(content_hash(from_text(t).text) for t in texts)
        for article_id, text in acked.items():
            assert archive.get_article(article_id).text == from_text(text).text  # the full text, unchanged
    finally:
        archive.close()


def test_kill_during_digest_fanout_sends_no_part_twice(emulator, tmp_path):
    token, db = "333444:KILL-DIGEST", tmp_path / "briefing.db"
    now = datetime.now(UTC)
    chats = list(range(900_001, 900_121))
    seeded = Briefings.from_settings(Settings(), str(db))  # articles, and 120 chats whose digest is due
    for text in articles(24, seed=2):
        seeded.ingest_text(text)
    slot = (now - timedelta(minutes=30)).strftime("%H:%M")
    for chat_id in chats:
        seeded.archive.upsert_subscription(SubscriptionRow(
            chat_id, "private", None, slot, "UTC", False, (now - timedelta(days=2)).isoformat(),
            (now - timedelta(days=3)).isoformat()))
    seeded.close()

    bot = BotProcess(emulator, db, token, tmp_path / "bot.log")
    client = Client(emulator, token)
    ledger = Archive(db)  # read alongside the bot (WAL)

    def parts_sent() -> int:
        with ledger._lock:
            return ledger.db.execute("SELECT COALESCE(SUM(parts_sent), 0) FROM deliveries").fetchone()[0]

    def finished() -> bool:
        with ledger._lock:
            return ledger.db.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'").fetchone()[0] == len(chats)

    try:
        bot.start()  # the catch-up run at start-up sends every due digest
        wait_for(lambda: parts_sent() >= 40, 60, "40 digest parts sent")
        bot.kill()  # mid-fan-out
        sent_at_kill = parts_sent()
        assert not finished(), "the kill came after the fan-out"
        bot.start()  # resumes the open deliveries, sends the rest
        COUNTS["restarts"] += 1
        wait_for(finished, 60, "every digest delivered", interval=0.05)
    finally:
        bot.stop()
        client.close()

    reader = Client(emulator, token)
    try:
        messages = [h["message"] for h in reader.post("/getUpdatesHistory", {"token": token})
                    if "chat_id" in h.get("message", {})]
    finally:
        reader.close()
    received: dict[int, list[str]] = {}
    for message in messages:
        received.setdefault(int(message["chat_id"]), []).append(message["text"])
    rows = ledger.deliveries()
    deliveries = {d.chat_id: d for d in rows}
    assert len(rows) == len(deliveries) == len(chats)  # one digest per chat for the slot, not two
    ledger.close()
    archive = check_archive(db)
    archive.close()

    twice = skipped = 0
    for chat_id in chats:
        got, parts = received.get(chat_id, []), list(deliveries[chat_id].parts)
        assert len(parts) >= 2 and deliveries[chat_id].status == "sent"
        twice += sum(n - 1 for n in Counter(got).values())
        assert set(got) <= set(parts), "a message that is not a part of the digest"
        assert [p for p in parts if p in got] == got, "parts out of order"
        skipped += len(parts) - len(set(got))  # a part in flight at the kill is not resent
    COUNTS["digest parts sent twice"] += twice
    COUNTS["digest parts in flight at a kill, not resent"] += skipped
    COUNTS["inputs tried"] += len(chats)
    assert twice == 0
    assert skipped <= 8, f"{skipped} parts skipped; at most one per chat in flight (FANOUT) at the kill"
    assert sent_at_kill < sum(len(d.parts) for d in deliveries.values())


class QuickTimeouts(EmulatorRequest):
    """Gives up on an answer after 1 s (the bot's default is 20 s), so a slow emulator is a timeout."""

    def __init__(self, **options) -> None:
        super().__init__(**{**options, "read_timeout": 1.0})


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_bot_api_faults_from_the_emulator_are_retried_and_reported(emulator, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="bot.telegram.app")
    settings = bot_settings(emulator, tmp_path / "faults.db", TELEGRAM_BOT_TOKEN="555666:FAULTS",
                            BRIEFING_ADMIN_IDS=str(OWNER_ID))
    runner = BotThread(build_application(settings, request_class=QuickTimeouts), settings).start()
    client = Client(emulator, settings.telegram_bot_token)
    owner = client.private("Owner")
    owner.user["id"] = owner.chat["id"] = OWNER_ID
    error = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    flood = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
             "parameters": {"retry_after": 1}}
    try:
        client.fail_next("sendMessage", 500, error, chat=owner.chat)
        client.fail_next("sendMessage", 504, error, chat=owner.chat, delay=1.5)  # answered too late: a timeout
        client.fail_next("sendMessage", 429, flood, chat=owner.chat)
        [hello] = owner.ask("/start", timeout=20)
        assert hello.text.startswith("Hello")
        logged = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
        assert len(logged) == 3 and "Timed out" in logged[1], logged

        client.fail_next("sendMessage", 500, error, chat=owner.chat, times=4)  # outlasts the retries
        [apology] = owner.ask("/latest", timeout=20)
        assert apology.text.startswith("Sorry, something went wrong")
        [stats] = owner.ask("/stats")
        assert "/latest in chat" in stats.text and "Internal Server Error" in stats.text  # reported
        COUNTS["Bot API faults injected"] += 7
        COUNTS["retries"] += len([r for r in caplog.records if "retry" in r.getMessage()])
        COUNTS["inputs tried"] += 3
    finally:
        client.close()
        runner.stop()

"""Digest fan-out: N subscribed chats each get their scheduled digest through the Bot API emulator.

    .venv/bin/python bench/digest_fanout.py              # 10,000 chats, about 6 minutes
    .venv/bin/python bench/digest_fanout.py --chats 1000 # about 40 seconds

The bot is the real application (``build_application`` + ``run``, polling the emulator) with
TELEGRAM_RATE_LIMIT=1, i.e. python-telegram-bot's ``AIORateLimiter()`` at Telegram's limits:
30 messages per second overall, 20 per minute per group. Its post_init arms one JobQueue job per
subscription (``digest:<chat_id>``); the run is then driven deterministically by calling
``jobs.deliver`` on the bot's event loop with a clock one minute past everyone's 08:00 slot —
what the jobs do when they fire — twice, to show the second run sends nothing.

Checks, from two independent records: the ledger (every delivery ``sent``, every part counted) and
the emulator's history of what the bot actually posted to each chat (exactly the ledger's parts,
in order: 0 lost, 0 duplicates). The rate is messages / (last - first) by the emulator's clock,
as a fraction of the 30/s limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

import telegram  # noqa: E402
from emulator import BotThread, Client, EmulatorRequest, start_emulator  # noqa: E402

from bot.briefings import Briefings  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.telegram import jobs  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402

TOKEN = "135790:FANOUT"
LIMIT = 30.0  # messages per second: AIORateLimiter's default overall rate, Telegram's limit
FIRST_CHAT = 5_000_000
WATCH_EVERY = 10  # every 10th chat watches a name, so not every digest is the same


def prepare(db: Path, chats: int, subscribed_at: datetime) -> float:
    """Seed articles and subscribe ``chats`` private chats at 08:00 UTC; seconds taken."""
    briefings = Briefings.from_settings(Settings(), str(db))
    try:
        list(briefings.ingest_paths([ROOT / "seeds"]))
        briefings.ingest_text(
            "Eastport ferry workers end their strike after pay deal\nFerry workers in Eastport ended their "
            "ten-day strike on Friday after the Nordline company agreed to a pay rise, the union said.",
            source="Wire Service")
        started = time.monotonic()
        for i in range(chats):
            chat_id = FIRST_CHAT + i
            briefings.subscribe(chat_id, ["08:00", "UTC"], now=subscribed_at)
            if i % WATCH_EVERY == 0:
                briefings.watch(chat_id, "Ilham Aliyev")
        return time.monotonic() - started
    finally:
        briefings.close()


def history(client: Client) -> list[dict]:
    return client.post("/getUpdatesHistory", {"token": TOKEN}) or []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=10_000, help="subscribed chats (default 10000; try 1000)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "digest_fanout.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bot.telegram.jobs").setLevel(logging.INFO)

    workdir = Path(tempfile.mkdtemp(prefix="digest-fanout-"))
    db = workdir / "briefing.db"
    now = datetime.now(timezone.utc).replace(microsecond=0)
    slot = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc) + timedelta(hours=8)
    subscribe_s = prepare(db, args.chats, now)
    print(f"  {args.chats} chats subscribed in {subscribe_s:.1f} s", file=sys.stderr)

    emulator = start_emulator()
    settings = Settings.load(env_file=None, environ={
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": emulator.api_base_url, "BRIEFING_DB": str(db),
        "TELEGRAM_RATE_LIMIT": "1", "BRIEFING_LOG_LEVEL": "WARNING",
    })
    application = build_application(settings, request_class=EmulatorRequest)
    client = Client(emulator, TOKEN)
    started = time.monotonic()
    runner = BotThread(application, settings, poll_interval=0.05).start(timeout=300)
    start_s = time.monotonic() - started
    armed = sum(1 for job in application.job_queue.jobs() if job.name.startswith("digest:") and
                job.name != jobs.CATCH_UP_JOB)
    print(f"  bot started, {armed} digest jobs armed, in {start_s:.1f} s", file=sys.stderr)

    def on_bot_loop(coroutine, timeout: float):
        return asyncio.run_coroutine_threadsafe(coroutine, runner.loop).result(timeout)

    try:
        began = time.monotonic()
        report = on_bot_loop(jobs.deliver(application, now=slot + timedelta(minutes=1)),
                             timeout=args.chats / LIMIT * 2 + 120)
        elapsed = time.monotonic() - began
        again = on_bot_loop(jobs.deliver(application, now=slot + timedelta(minutes=2)), timeout=120)
        time.sleep(1.0)
        posted = [h for h in history(client) if (h.get("message") or {}).get("chat_id") is not None]
    finally:
        runner.stop(timeout=60)
        client.close()
        emulator.stop()

    ledger = Briefings.from_settings(settings)
    try:
        deliveries = ledger.archive.deliveries()
    finally:
        ledger.close()
    expected = {d.chat_id: list(d.parts) for d in deliveries}
    got: dict[int, list[str]] = defaultdict(list)
    times = []
    for item in sorted(posted, key=lambda h: (h["time"], h.get("messageId", 0))):
        message = item["message"]
        got[int(message["chat_id"])].append(message.get("text", ""))
        times.append(item["time"])
    lost = sum(max(0, len(parts) - len(got.get(chat, []))) for chat, parts in expected.items())
    duplicates = sum(max(0, len(texts) - len(expected.get(chat, []))) for chat, texts in got.items())
    wrong = sum(1 for chat, parts in expected.items() if got.get(chat, []) != parts and
                len(got.get(chat, [])) == len(parts))
    statuses = Counter(d.status for d in deliveries)
    messages = len(times)
    span = (times[-1] - times[0]) / 1000 if len(times) > 1 else 0.0
    emulator_rate = (messages - 1) / span if span else 0.0
    burst = int(LIMIT)  # the limiter's bucket lets the first second's worth out at once
    steady_span = (times[-1] - times[burst]) / 1000 if len(times) > burst + 1 else 0.0
    steady_rate = (messages - burst - 1) / steady_span if steady_span else 0.0
    wall_rate = report.messages / elapsed if elapsed else 0.0
    result = {
        "chats": args.chats, "deliveries": len(deliveries), "statuses": dict(statuses),
        "messages_sent": report.messages, "messages_posted": messages, "parts_per_chat": Counter(
            len(p) for p in expected.values()), "elapsed_s": elapsed, "emulator_span_s": span,
        "rate_emulator": emulator_rate, "rate_steady": steady_rate, "rate_wall": wall_rate, "fraction_of_limit": emulator_rate / LIMIT,
        "lost": lost, "duplicates": duplicates, "out_of_order_or_altered": wrong,
        "second_run_messages": again.messages, "unsubscribed": len(report.unsubscribed),
        "failed": len(report.failed), "subscribe_s": subscribe_s, "start_s": start_s, "armed": armed,
    }

    print(f"\nDigest fan-out: {args.chats:,} subscribed chats through the Bot API emulator; "
          f"AIORateLimiter at {LIMIT:g} msg/s overall (20/min per group); {jobs.FANOUT} chats in flight; "
          f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, python-telegram-bot "
          f"{telegram.__version__}\n")
    rows = [
        ("chats subscribed / jobs armed at start-up", f"{args.chats:,} / {armed:,} (start-up {start_s:.1f} s)"),
        ("deliveries in the ledger", f"{len(deliveries):,} ({', '.join(f'{k} {v:,}' for k, v in statuses.items())})"),
        ("messages sent (ledger) / posted (emulator)", f"{report.messages:,} / {messages:,}"),
        ("time to send all", f"{elapsed:.1f} s"),
        ("achieved rate (emulator clock)", f"{emulator_rate:.2f} msg/s = {emulator_rate / LIMIT:.3f} of the limit"),
        ("steady rate, after the first second's burst", f"{steady_rate:.2f} msg/s = {steady_rate / LIMIT:.3f}"),
        ("achieved rate (wall clock, incl. digest build)", f"{wall_rate:.2f} msg/s = {wall_rate / LIMIT:.3f}"),
        ("lost / duplicated / altered", f"{lost} / {duplicates} / {wrong}"),
        ("messages sent by a second run", f"{again.messages}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    ok = lost == 0 and duplicates == 0 and wrong == 0 and again.messages == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""Load test: 500 user messages through the Bot API emulator to the real bot; not a timed test.

    .venv/bin/python bench/bot_load.py [--messages 500] [--runs 3]

Each scenario sends its messages from 500 users (one message per private chat), in a burst or
at a steady rate under the bot's capacity, and waits for every reply. Latency is the emulator's
clock from the user's message arriving to the bot's reply arriving; throughput is messages /
(last reply - first message). The table shows medians over the runs. The bot runs in a process
of its own as in production (build_application + run, 16 updates at once), polling every 10 ms,
and without pacing (TELEGRAM_RATE_LIMIT=0: the pacer caps at 30 messages/s, which is what
Telegram allows, and would be all this measures).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

import telegram  # noqa: E402
from emulator import Client, EmulatorRequest, start_emulator  # noqa: E402

from bot.__main__ import configure_logging  # noqa: E402
from bot.briefings import Briefings  # noqa: E402
from bot.config import Settings  # noqa: E402
from storage import Archive  # noqa: E402
from bot.telegram.app import CONCURRENT_UPDATES, build_application, run  # noqa: E402

TOKEN = "424242:LOAD-TEST"
WORDS = ("council budget harbour ferry strike minister election court ruling market prices energy grid "
         "school hospital river bridge police report union wages tourism storm flood harvest port "
         "railway airport contract tender museum festival transport climate water housing").split()


def article(rng: random.Random, tag: str, sentences: int = 12) -> str:
    body = " ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "."
        for _ in range(sentences)
    )
    return f"Report {tag} on {rng.choice(WORDS)} and {rng.choice(WORDS)}\n{body}"


def command_mix(rng: random.Random, n: int, ids: list[int]) -> list[str]:
    """Read commands and chat, as a newsroom would send them."""
    choices = [
        lambda: f"/search {rng.choice(WORDS)}",
        lambda: f"/latest {rng.randint(1, 10)}",
        lambda: f"/summary {rng.choice(ids)}",
        lambda: f"/article {rng.choice(ids)}",
        lambda: "/start",
        lambda: "thanks, see you at the meeting",
    ]
    weights = [30, 20, 15, 10, 10, 15]
    return [rng.choices(choices, weights)[0]() for _ in range(n)]


def run_once(client: Client, texts: list[str], *, rate: float | None = None, timeout: float = 300.0,
             staff: Archive | None = None) -> dict:
    """Send ``texts`` from as many users, at once or ``rate`` a second; wait for every reply.

    ``staff``: the bot's archive, where the users are made editors first (so they may store articles).
    """
    chats = [client.private(f"User{i}") for i in range(len(texts))]
    for chat in chats if staff is not None else ():
        staff.set_role(chat.user["id"], "editor")
    ids = {str(c.chat["id"]) for c in chats}
    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        for i, (chat, text) in enumerate(zip(chats, texts, strict=True)):
            if rate:
                time.sleep(max(0.0, started + i / rate - time.monotonic()))
            pool.submit(chat.send, text)
    deadline = time.monotonic() + timeout
    while True:
        history = client.post("/getUpdatesHistory", {"token": TOKEN})
        messages = [(h.get("message") or {}, h["time"]) for h in history]
        sent = {str(m["chat"]["id"]): t for m, t in messages if "chat" in m and str(m["chat"]["id"]) in ids}
        replies: dict[str, int] = {}
        for m, t in messages:
            chat = str(m.get("chat_id", ""))
            if chat in ids and chat not in replies:
                replies[chat] = t
        if len(replies) >= len(texts):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(replies)} of {len(texts)} replies within {timeout} s")
        time.sleep(1.0)  # the times come from the emulator's clock; polling less costs less CPU
    latencies = sorted(replies[c] - sent[c] for c in ids)
    elapsed = (max(replies.values()) - min(sent.values())) / 1000
    return {
        "messages": len(texts),
        "per_second": len(texts) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
    }


def serve() -> None:
    """The bot process: settings from the environment, stopped by SIGTERM."""
    settings = Settings.load(env_file=None)
    configure_logging(settings)
    run(build_application(settings, request_class=EmulatorRequest), settings, poll_interval=0.01)


def start_bot(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, "--serve"], env={**os.environ, **env},
                            stdin=subprocess.DEVNULL)


def stop_bot(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "bot_load.json"))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return

    rng = random.Random(7)
    workdir = Path(tempfile.mkdtemp(prefix="bot-load-"))
    db = workdir / "briefing.db"
    seeded = Briefings.from_settings(Settings(), str(db))
    list(seeded.ingest_paths([ROOT / "seeds"]))
    ids = [seeded.ingest_text(article(rng, f"seed {i}")).article_id for i in range(30)]
    seeded.close()

    emulator = start_emulator()
    bot = start_bot({
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "BRIEFING_DB": str(db), "TELEGRAM_RATE_LIMIT": "0", "BRIEFING_LOG_LEVEL": "ERROR",
    })
    client = Client(emulator, TOKEN)
    staff = Archive(db)  # the bot's archive, opened alongside it (WAL) to grant roles
    scenarios = {  # name -> (messages of a run, messages sent a second; None: all at once)
        "commands, burst": (lambda run: command_mix(rng, args.messages, ids), None),
        "commands, 50/s": (lambda run: command_mix(rng, args.messages, ids), 50.0),
        "articles, burst": (lambda run: [article(rng, f"{run}-{i}") for i in range(args.messages)], None),
    }
    results: dict[str, list[dict]] = {}
    try:
        client.private("Warm-up").ask("/search harbour", timeout=60)  # the bot is up
        for name, (make, rate) in scenarios.items():
            for run in range(args.runs):
                results.setdefault(name, []).append(run_once(client, make(run), rate=rate, staff=staff))
                print(f"  {name} run {run + 1}: {results[name][-1]}", file=sys.stderr)
    finally:
        client.close()
        staff.close()
        stop_bot(bot)
        emulator.stop()

    print(f"\nBot load test: {args.messages} messages per run, median of {args.runs} runs; "
          f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, python-telegram-bot "
          f"{telegram.__version__}, bot in its own process, {CONCURRENT_UPDATES} updates at once, "
          "poll every 10 ms, no pacing\n")
    print(f"{'scenario':<18} {'messages/s':>10} {'p50 ms':>8} {'p95 ms':>8}")
    table = {}
    for name, runs in results.items():
        row = {key: statistics.median(r[key] for r in runs) for key in ("per_second", "p50_ms", "p95_ms")}
        table[name] = {**row, "runs": runs}
        print(f"{name:<18} {row['per_second']:>10.1f} {row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()

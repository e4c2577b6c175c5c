"""Fixtures: the Bot API emulator, a local web server, and the real bot running against them.

One emulator and one bot serve the whole session (start-up costs a second or two); every
test talks in chats of its own, so tests do not see each other's replies.
"""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from emulator import BotThread, Client, EmulatorRequest, EmulatorUnavailable, start_emulator
from bot.config import Settings
from bot.telegram.app import build_application
from tests.webserver import serving

TOKEN = "123456:TEST-TOKEN"
OWNER_ID = 4242  # BRIEFING_ADMIN_IDS of the session bot
ROOT = Path(__file__).resolve().parents[2]

ARTICLE_TITLE = "Harbour bridge reopens after two years of repairs"
ARTICLE_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{ARTICLE_TITLE} | Port Gazette</title>
<meta property="og:title" content="{ARTICLE_TITLE}">
<meta property="og:site_name" content="Port Gazette">
<meta property="article:published_time" content="2024-03-14T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/sports">Sports</a></nav>
<article>
<h1>{ARTICLE_TITLE}</h1>
<p>The harbour bridge in Eastport reopened to traffic on Thursday morning after two years of repairs
that cost the city more than 40 million euros, the transport department said.</p>
<p>Mayor Helena Sandberg cut the ribbon at seven o'clock, and the first buses crossed the river a few
minutes later. Commuters had spent almost an hour each way on detours since the bridge closed.</p>
<p>Engineers replaced the steel deck, the cables and the lighting. The contractor, Nordbau, said the work
had been delayed by a shortage of steel in the first winter and by flooding in the second spring.</p>
<p>The city council will decide next month whether to introduce a toll for heavy lorries, which the
engineers blame for most of the damage to the old deck. Reference: PATH.</p>
</article>
<footer>Copyright Port Gazette</footer>
</body></html>"""


class PageHandler(BaseHTTPRequestHandler):
    """Serves the fixture article, a slow copy of it, and 404 for everything else."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.startswith("/slow/"):
            time.sleep(1.5)
        if self.path.startswith(("/news/", "/slow/")):
            body = ARTICLE_PAGE.replace("PATH", self.path).encode()  # a different text per path
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404, "Not Found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def emulator():
    try:
        running = start_emulator()
    except EmulatorUnavailable as error:
        pytest.skip(f"Bot API emulator unavailable: {error}")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def pages():
    """Base URL of a local web server with article pages (/news/..., /slow/... takes 1.5 s)."""
    with serving(PageHandler) as base:
        yield base


def bot_settings(emulator, db: Path, **extra: str) -> Settings:
    """Settings read the way the bot reads them: from environment variables."""
    environ = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "BRIEFING_DB": str(db),
        "TELEGRAM_RATE_LIMIT": "0",
        "BRIEFING_FETCH_TIMEOUT": "5",
        "BRIEFING_FETCH_PRIVATE": "1",  # the test web server is on loopback
        **extra,
    }
    return Settings.load(env_file=None, environ=environ)


@pytest.fixture(scope="session")
def bot(emulator, tmp_path_factory):
    """The real application, polling the emulator every 10 ms, with an archive in a temp dir."""
    settings = bot_settings(emulator, tmp_path_factory.mktemp("bot") / "briefing.db",
                            BRIEFING_ADMIN_IDS=str(OWNER_ID))
    application = build_application(settings, request_class=EmulatorRequest)
    runner = BotThread(application, settings).start()
    yield runner
    runner.stop()


class Newsroom(Client):
    """A client whose new users are the newsroom's editors and whose channels are allowed, as an
    owner would set them up (/admin grant, /allow); ``role=None`` / ``allowed=False`` for strangers."""

    def __init__(self, emulator, token: str, archive) -> None:
        super().__init__(emulator, token)
        self.archive = archive

    def private(self, first_name: str = "Alice", *, role: str | None = "editor"):
        talk = super().private(first_name)
        if role:
            self.archive.set_role(talk.user["id"], role, name=first_name)
        return talk

    def group(self, title: str = "Newsroom", first_name: str = "Bob", *, role: str | None = "editor"):
        talk = super().group(title, first_name)
        if role:
            self.archive.set_role(talk.user["id"], role, name=first_name)
        return talk

    def channel(self, title: str, username: str | None = None, *, allowed: bool = True):
        talk = super().channel(title, username)
        if allowed:
            self.archive.allow_chat(talk.chat["id"])
        return talk


@pytest.fixture(scope="session")
def client(emulator, bot):
    talk = Newsroom(emulator, TOKEN, bot.application.bot_data.briefings.archive)
    yield talk
    talk.close()


@pytest.fixture
def archive(bot):
    """The running bot's archive (the same object its handlers use)."""
    return bot.application.bot_data.briefings.archive


@pytest.fixture
def alice(client):
    """A new user in a private chat with the bot."""
    return client.private("Alice")


@pytest.fixture
def group(client):
    """A new user in a new group chat with the bot."""
    return client.group("Newsroom")

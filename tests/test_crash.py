"""Reliability: Bot API faults (timeouts, 429 with retry_after, 500) are retried and reported, never fatal.

The faults come from the Bot API side (tests/fakebot.py answers with them); the bot is the real
application with its real retrying rate limiter. The same faults through the Bot API emulator,
and kill -9 of the bot process, are in tests/e2e/test_faults.py.
"""

from __future__ import annotations

import logging
import time

import pytest

from bot.config import Settings
from bot.telegram.handlers import APOLOGY
from tests.fakebot import Fault, Harness, texts
from tests.faults import COUNTS

pytestmark = [pytest.mark.faults, pytest.mark.timeout(60)]

OWNER = 1
FLOOD = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
         "parameters": {"retry_after": 1}}
SERVER_ERROR = {"ok": False, "error_code": 500, "description": "Internal Server Error"}


@pytest.fixture
def bot(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="bot.telegram.app")
    environ = {"TELEGRAM_BOT_TOKEN": "1:FAULTS", "BRIEFING_DB": str(tmp_path / "briefing.db"),
               "TELEGRAM_RATE_LIMIT": "0", "BRIEFING_ADMIN_IDS": str(OWNER)}
    harness = Harness.start(Settings.load(env_file=None, environ=environ))
    harness.application.bot.rate_limiter.backoff = 0.01  # the retry schedule, shortened for the test
    yield harness
    harness.stop()


def inject(bot: Harness, *faults: Fault) -> None:
    bot.api.faults.extend(faults)
    COUNTS["Bot API faults injected"] += sum(f.times for f in faults)


def retries(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.telegram.app" and "retry" in r.getMessage()]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own RetryAfter
def test_timeouts_flood_control_and_server_errors_are_retried(bot, caplog):
    owner = bot.user(OWNER)
    inject(bot, Fault("sendMessage", timeout=True), Fault("sendMessage", 500, SERVER_ERROR),
           Fault("sendMessage", 429, FLOOD))
    started = time.monotonic()
    [hello] = texts(bot.say(owner, "/start"))
    assert hello.startswith("Hello")
    assert time.monotonic() - started >= 1.0  # waited out retry_after
    logged = retries(caplog)
    assert len(logged) == 3, logged
    assert "Timed out" in logged[0] and "Internal Server Error" in logged[1] and "Flood control" in logged[2]
    COUNTS["retries"] += len(logged)
    COUNTS["inputs tried"] += 1


def test_a_fault_that_outlasts_the_retries_is_reported_and_the_bot_goes_on(bot, caplog):
    owner = bot.user(OWNER)
    inject(bot, Fault("sendMessage", 500, SERVER_ERROR, times=4))  # the first try and 3 retries
    # the answer is lost; the apology goes out once the faults are over
    assert texts(bot.say(owner, "/latest")) == [APOLOGY]
    COUNTS["inputs tried"] += 1
    assert len(retries(caplog)) == 3
    COUNTS["retries"] += 3
    [_, where, message] = bot.archive.recent_errors(1)[0]
    assert where == f"/latest in chat {OWNER}" and "NetworkError" in message and "Internal Server Error" in message
    assert "Internal Server Error" in texts(bot.say(owner, "/stats"))[0]  # shown to admins
    assert texts(bot.say(owner, "/start"))[0].startswith("Hello")  # and the bot goes on


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_flood_wait_longer_than_allowed_is_not_retried_but_reported(bot, caplog):
    owner = bot.user(OWNER)
    long_flood = {**FLOOD, "parameters": {"retry_after": 3600}}
    inject(bot, Fault("sendMessage", 429, long_flood))
    replies = texts(bot.say(owner, "/latest"))
    COUNTS["inputs tried"] += 1
    assert replies == [APOLOGY]  # the answer was refused; the apology got through
    assert "RetryAfter" in bot.archive.recent_errors(1)[0][2]
    assert retries(caplog) == []  # an hour's wait is not worth it: reported, not retried

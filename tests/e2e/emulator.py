"""Drive the Bot API emulator (``emulator.js``) from Python: start it, run the bot against it, act as a user.

Used by the end-to-end tests and by ``bench/bot_load.py``. Only the network edge is fake:
the bot is the real :func:`bot.telegram.app.build_application` running its real ``run``.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import selectors
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from telegram.request import HTTPXRequest

HERE = Path(__file__).resolve().parent
BOT_USERNAME = "TestNameBot"  # what the emulator's getMe answers


class EmulatorUnavailable(RuntimeError):
    """Node or the npm package is missing (run `make setup`)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the emulator process -------------------------------------------------------------------
@dataclass
class Emulator:
    """A running ``emulator.js``; ``stop()`` ends it by its PID."""

    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to for a bot using this emulator."""
        return f"{self.url}/bot"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self.process.stdout:
            self.process.stdout.close()


def start_emulator(timeout: float = 20.0, attempts: int = 3) -> Emulator:
    """Start ``node emulator.js PORT`` on a free loopback port and wait for its READY line."""
    node = shutil.which("node")
    if node is None:
        raise EmulatorUnavailable("node is not installed")
    if not (HERE / "node_modules" / "telegram-test-api").is_dir():
        raise EmulatorUnavailable("telegram-test-api is not installed; run `make setup`")
    log_path = Path(tempfile.mkstemp(prefix="emulator-", suffix=".log")[1])
    last = ""
    for _ in range(attempts):  # a port taken between free_port() and listen(): try another
        port = free_port()
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [node, str(HERE / "emulator.js"), str(port)], cwd=HERE,
                stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
            )
        emulator = Emulator(port, process, log_path)
        line = _read_line(process, timeout)
        if line.startswith("READY"):
            return emulator
        emulator.stop()
        last = line or emulator.log()[-500:]
    raise EmulatorUnavailable(f"the emulator did not start: {last}")


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            return ""
        return process.stdout.readline().decode(errors="replace").strip()
    finally:
        selector.close()


# -- adapting the emulator's answers (tests only) -------------------------------------------
_TRUE_WHEN_NULL = {"editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "deleteMessage",
                   "setWebhook", "deleteWebhook"}


def normalise(method: str, code: int, payload: bytes) -> bytes:
    """Make one emulator answer look like the real Bot API's (see /work/shared/TESTING.md)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(data, dict):
        return payload
    if code >= 300 and "description" not in data and "message" in data:
        data = {"ok": False, "error_code": code, "description": data["message"]}
    elif data.get("ok"):
        if data.get("result") is None and method in _TRUE_WHEN_NULL:
            data["result"] = True
        _fix(data.get("result"))
        if method == "getMe":
            data["result"].setdefault("is_bot", True)
    return json.dumps(data).encode()


_ECHOED_JSON = ("link_preview_options", "reply_parameters", "reply_markup", "entities")


def _fix(value: Any) -> None:
    """Dates in seconds, not milliseconds; objects, not the JSON strings the bot sent (the emulator
    echoes sent parameters back as the message); callback queries with a chat_instance."""
    if isinstance(value, list):
        for item in value:
            _fix(item)
    elif isinstance(value, dict):
        for key in _ECHOED_JSON:
            if isinstance(value.get(key), str):
                value[key] = json.loads(value[key])
        if isinstance(value.get("date"), int) and value["date"] > 10**11:
            value["date"] //= 1000
        if "callback_query" in value and isinstance(value["callback_query"], dict):
            value["callback_query"].setdefault("chat_instance", "emulator")
        for item in value.values():
            _fix(item)


class EmulatorRequest(HTTPXRequest):
    """An HTTPXRequest that normalises the emulator's answers; used only by tests and the bench."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if "/file/bot" in url:  # a file download: bytes, not JSON
            return code, payload
        return code, normalise(url.rsplit("/", 1)[-1], code, payload)


# -- the bot, running in a thread -----------------------------------------------------------
class BotThread:
    """Runs ``bot.telegram.app.run`` (the real polling or webhook loop) in a thread of its own."""

    def __init__(self, application, settings, *, poll_interval: float = 0.01) -> None:
        self.application = application
        self.settings = settings
        self.poll_interval = poll_interval
        self.error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._main, name="bot", daemon=True)

    def _main(self) -> None:
        from bot.telegram.app import run

        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            run(self.application, self.settings, poll_interval=self.poll_interval,
                stop_signals=None, close_loop=False)
        except BaseException as error:  # reported by start()/stop()
            self.error = error
        finally:
            self.loop.close()

    def start(self, timeout: float = 30.0) -> BotThread:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.application.running and self.application.updater.running:
                return self
            if not self.thread.is_alive():
                raise RuntimeError(f"the bot stopped while starting: {self.error!r}")
            time.sleep(0.02)
        raise TimeoutError(f"the bot did not start within {timeout} s")

    def stop(self, timeout: float = 20.0) -> None:
        if self.thread.is_alive() and self.loop is not None:
            self.loop.call_soon_threadsafe(self.application.stop_running)
            self.thread.join(timeout)
        if self.thread.is_alive():
            raise TimeoutError(f"the bot did not stop within {timeout} s")


# -- acting as users ------------------------------------------------------------------------
@dataclass
class Reply:
    """One message the bot sent, as the emulator stored it."""

    chat_id: str
    message_id: int
    text: str
    raw: dict = field(repr=False)

    @property
    def buttons(self) -> list[dict]:
        markup = self.raw.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    @property
    def reply_to(self) -> int | None:
        params = self.raw.get("reply_parameters")
        if isinstance(params, str):
            params = json.loads(params)
        return int(params["message_id"]) if params else None


_ids = itertools.count(1)


class Client:
    """The emulator's client API: send as users, read what the bot answered."""

    def __init__(self, emulator: Emulator, token: str) -> None:
        self.emulator = emulator
        self.token = token
        self.http = httpx.Client(base_url=emulator.url, timeout=10.0)

    def close(self) -> None:
        self.http.close()

    def post(self, path: str, body: dict) -> Any:
        response = self.http.post(path, json={"botToken": self.token, **body})
        response.raise_for_status()
        return response.json().get("result")

    def private(self, first_name: str = "Alice") -> Conversation:
        """A new user in a private chat with the bot."""
        user = {"id": 10_000 + next(_ids), "is_bot": False, "first_name": first_name}
        return Conversation(self, user, {"id": user["id"], "type": "private", "first_name": first_name})

    def group(self, title: str = "Newsroom", first_name: str = "Bob") -> Conversation:
        """A new user in a new group the bot is a member of."""
        user = {"id": 10_000 + next(_ids), "is_bot": False, "first_name": first_name}
        return Conversation(self, user, {"id": -(10_000 + next(_ids)), "type": "group", "title": title})

    def channel(self, title: str, username: str | None = None) -> Conversation:
        """A new channel the bot administers (it posts; nobody is "from")."""
        chat = {"id": -(1_000_000_000_000 + next(_ids)), "type": "channel", "title": title}
        if username:
            chat["username"] = username
        return Conversation(self, None, chat)

    def fail_next(
        self, method: str, status: int, body: dict, *, chat: dict | None = None, times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """The bot's next ``times`` calls of ``method`` (to ``chat``) get this error answer, ``delay`` s late."""
        fault = {"method": method, "status": status, "body": body, "times": times}
        if delay:
            fault["delayMs"] = int(delay * 1000)
        if chat is not None:
            fault["chatId"] = chat["id"]
        self.post("/failNext", fault)


@dataclass
class Conversation:
    """One user in one chat: what they send, what the bot answers there."""

    client: Client
    user: dict | None
    chat: dict

    def _message(self, **fields: Any) -> dict:
        body = {"chat": self.chat, "date": int(time.time()), **fields}
        if self.user is not None:
            body["from"] = self.user
        return body

    def send(self, text: str, **fields: Any) -> None:
        """A text message; one starting with '/' goes as a command (with its bot_command entity)."""
        body = self._message(text=text, **fields)
        if self.chat["type"] == "channel":
            self.client.post("/sendChannelPost", body)
        elif text.startswith("/"):
            body["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
            self.client.post("/sendCommand", body)
        else:
            self.client.post("/sendMessage", body)

    def send_document(self, name: str, data: bytes, *, message: dict | None = None, **document: Any) -> None:
        """Upload ``data`` and send it as a document (``document`` and ``message`` add fields)."""
        uploaded = self.client.post("/uploadFile", {"name": name, "base64": base64.b64encode(data).decode()})
        doc = {"file_id": uploaded["file_id"], "file_unique_id": uploaded["file_unique_id"],
               "file_name": name, "file_size": len(data), **document}
        self.client.post("/sendMessage", self._message(document=doc, **(message or {})))

    def ask_document(self, name: str, data: bytes, *, timeout: float = 15.0, **fields: Any) -> list[Reply]:
        """Send a file and wait for the reply."""
        self.send_document(name, data, **fields)
        return self.wait(1, timeout=timeout)

    def press(self, reply: Reply, data: str) -> None:
        """Press an inline button (its callback data) under ``reply``."""
        message = {"message_id": reply.message_id, "date": int(time.time()), "chat": self.chat,
                   "from": {"id": 666, "is_bot": True, "first_name": "Bot"}, "text": reply.text}
        self.client.post("/sendCallback", {"from": self.user, "message": message, "data": data})

    def read(self) -> list[Reply]:
        """The bot's messages to this chat not read before."""
        body = {"token": self.client.token, "chatId": self.chat["id"]}
        updates = self.client.post("/getUpdates", body) or []
        return [Reply(str(u["message"].get("chat_id")), int(u["messageId"]), u["message"].get("text", ""),
                      u["message"]) for u in updates]

    def wait(
        self, until: Callable[[list[Reply]], bool] | int = 1, *, timeout: float = 15.0, settle: float = 0.0,
    ) -> list[Reply]:
        """Read replies until ``until(replies)`` holds (an int: that many), then ``settle`` s more."""
        done = (lambda got: len(got) >= until) if isinstance(until, int) else until
        got: list[Reply] = []
        deadline = time.monotonic() + timeout
        while not done(got):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no expected reply within {timeout} s; got {[r.text[:80] for r in got]}")
            got += self.read()
            if not done(got):
                time.sleep(0.02)
        if settle:
            time.sleep(settle)
            got += self.read()
        return got

    def ask(self, text: str, *, count: int = 1, timeout: float = 15.0, **fields: Any) -> list[Reply]:
        """Send ``text`` and wait for ``count`` replies."""
        self.send(text, **fields)
        return self.wait(count, timeout=timeout)

"""The bot's real :class:`Application`, driven in-process with only the Bot API faked.

:class:`FakeBotAPI` is a ``telegram.request.BaseRequest`` that answers the Bot API methods the bot
uses (and records every call); :class:`Harness` builds the real application around it with
``build_application``, runs its ``post_init``, and feeds it updates with ``process_update`` —
handlers, the access gate, the error handlers and the archive are all the real ones. It is much
faster than the emulator, so property-based tests can push hundreds of updates through.

    harness = Harness.start(settings)
    replies = harness.say(harness.user(42), "/latest")
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.telegram.app import build_application

TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
        "tg-spoiler", "span", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse ``text`` with parse_mode HTML (its rules, strictly), or None."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if name not in TAGS:
            return f"unsupported tag {name}"
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"unmatched end tag {name}"
    if stack:
        return f"unclosed tag {stack[-1]}"
    rest = _TAG.sub("", text)
    if "<" in rest or ">" in rest:
        return "unescaped < or >"
    if "&" in _ENTITY.sub("", rest):
        return "unescaped &"
    shown = html.unescape(rest)
    if not shown.strip():
        return "message text is empty"
    if len(shown.encode("utf-16-le")) // 2 > 4096:
        return "message is too long"
    return None


BOT = {"id": 777000, "is_bot": True, "first_name": "Briefing", "username": "TestNameBot"}
USERNAME = BOT["username"]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass
class Fault:
    """The next ``times`` calls of ``method`` fail: an HTTP answer, or ``timeout`` raises TimedOut."""

    method: str
    status: int = 500
    body: dict | None = None
    times: int = 1
    timeout: bool = False
    chat_id: int | None = None  # only calls to this chat


class FakeBotAPI(BaseRequest):
    """Answers like the Bot API; keeps every call in ``calls``; ``files`` serves downloads."""

    def __init__(self, **_options: Any) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}
        self.faults: list[Fault] = []
        self.refuse: set[str] = set()  # methods answered with HTTP 500, always (like the emulator's sendDocument)
        self.rejected: list[Call] = []  # messages refused as Telegram would (bad HTML, too long, empty)
        self._ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download
            data = self.files.get(url.rsplit("/", 1)[-1])
            return (200, data) if data is not None else (404, b"not found")
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data) if request_data and request_data.contains_files else {}
        for fault in self.faults:
            if fault.method == name and fault.times > 0 and (
                fault.chat_id is None or str(fault.chat_id) == str(params.get("chat_id"))
            ):
                fault.times -= 1
                self.faults = [f for f in self.faults if f.times > 0]
                if fault.timeout:
                    raise TimedOut()  # what HTTPXRequest raises on a read timeout
                body = fault.body or {"ok": False, "error_code": fault.status, "description": "fault"}
                return fault.status, json.dumps(body).encode()
        if name in ("sendMessage", "editMessageText"):
            problem = (html_problem(str(params.get("text", ""))) if params.get("parse_mode") == "HTML"
                       else None if str(params.get("text", "")).strip() else "message text is empty")
            if problem:
                self.rejected.append(Call(name, params))
                return 400, json.dumps({"ok": False, "error_code": 400,
                                        "description": f"Bad Request: can't parse entities: {problem}"}).encode()
        if name in self.refuse:
            return 500, json.dumps({"ok": False, "error_code": 500, "description": "not implemented"}).encode()
        self.calls.append(Call(name, params, files))
        return 200, json.dumps({"ok": True, "result": self._answer(name, params)}).encode()

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT
        if name == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if name in ("sendMessage", "sendDocument", "editMessageText"):
            chat_id = int(params.get("chat_id", 0))
            message = {"message_id": next(self._ids), "date": int(time.time()),
                       "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"}, "from": BOT}
            if name == "sendDocument":
                message["document"] = {"file_id": "sent", "file_unique_id": "usent"}
            else:
                message["text"] = params.get("text", "")
            return message
        return True  # setMyCommands, answerCallbackQuery, editMessageReplyMarkup, deleteMessage...

    def take(self, method: str = "sendMessage") -> list[Call]:
        """The calls of ``method`` since the last take, removed from ``calls``."""
        taken = [c for c in self.calls if c.method == method]
        self.calls = [c for c in self.calls if c.method != method]
        return taken


class Harness:
    """A real application over a :class:`FakeBotAPI`, in an event loop of its own."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.application = build_application(settings, request_class=FakeBotAPI)
        self.api: FakeBotAPI = self.application.bot.request
        self._ids = itertools.count(1)

    @classmethod
    def start(cls, settings: Settings) -> Harness:
        harness = cls(settings)
        app = harness.application
        harness.run(app.initialize())
        harness.run(app.post_init(app))
        harness.api.calls.clear()
        return harness

    def stop(self) -> None:
        app = self.application
        self.run(app.shutdown())
        self.run(app.post_shutdown(app))
        self.loop.close()

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    @property
    def archive(self):
        return self.application.bot_data.briefings.archive

    # -- making updates ---------------------------------------------------------------------
    def user(self, user_id: int, name: str = "User") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": name}

    @staticmethod
    def private(user: dict) -> dict:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group(chat_id: int, title: str = "Newsroom") -> dict:
        return {"id": chat_id, "type": "group", "title": title}

    def message(self, user: dict | None, chat: dict, text: str | None = None, **fields: Any) -> dict:
        body: dict[str, Any] = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, **fields}
        if user is not None:
            body["from"] = user
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                body["entities"] = [{"offset": 0, "length": len(text.split()[0]) if text.split() else 1,
                                     "type": "bot_command"}]
        return body

    def process(self, payload: dict) -> None:
        payload = {"update_id": next(self._ids), **payload}
        update = Update.de_json(payload, self.application.bot)
        self.run(self.application.process_update(update))

    def say(self, user: dict, text: str, *, chat: dict | None = None, **fields: Any) -> list[Call]:
        """Send ``text`` as ``user`` (in a private chat unless ``chat``); the messages the bot sent back."""
        chat = chat or self.private(user)
        self.process({"message": self.message(user, chat, text, **fields)})
        return self.api.take()

    def upload(self, user: dict, name: str, data: bytes, *, chat: dict | None = None,
               file_size: int | None = None) -> list[Call]:
        """Send a document; the messages the bot sent back."""
        file_id = f"f{next(self._ids)}"
        self.api.files[file_id] = data
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                    "file_size": len(data) if file_size is None else file_size}
        chat = chat or self.private(user)
        self.process({"message": self.message(user, chat, document=document)})
        return self.api.take()

    def press(self, user: dict, data: str, *, chat: dict | None = None, message_text: str = "") -> list[Call]:
        """Press an inline button; every call the bot made in answer (answers, edits, messages)."""
        chat = chat or self.private(user)
        message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": BOT,
                   "text": message_text}
        self.process({"callback_query": {"id": str(next(self._ids)), "from": user, "chat_instance": "x",
                                         "message": message, "data": data}})
        calls, self.api.calls = self.api.calls, []
        return calls

    def channel_post(self, chat_id: int, text: str, title: str = "Channel") -> list[Call]:
        chat = {"id": chat_id, "type": "channel", "title": title}
        self.process({"channel_post": self.message(None, chat, text)})
        return self.api.take()


def texts(calls: Iterable[Call]) -> list[str]:
    return [c.text for c in calls]

"""Typed context: what handlers find in ``context`` instead of string keys in dicts."""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from ..briefings import Briefings
from ..briefings.access import Access
from ..config import Settings

REMEMBERED_LISTS = 32  # per chat: queries behind "more" buttons


@dataclass
class BotData:
    """Shared by every handler: the settings and the one :class:`Briefings` (opened in post_init)."""

    settings: Settings = field(default_factory=Settings)
    briefings: Briefings | None = None
    owns_briefings: bool = False
    access: Access | None = None  # roles and modes over the archive (built in post_init)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))  # UTC now; tests move it
    delivery_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one digest run at a time
    pending_digests: set[int] = field(default_factory=set)  # chats whose digest job fired, not yet run
    feeds_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one feed poll at a time


@dataclass
class ChatData:
    """Per chat: the arguments behind recent "more" buttons (a button holds only a short key)."""

    lists: OrderedDict[str, tuple[str, str]] = field(default_factory=OrderedDict)
    _keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    def remember(self, kind: str, value: str) -> str:
        """Keep ``value`` (a search query...) for buttons of ``kind``; return the key they carry."""
        key = str(next(self._keys))
        self.lists[key] = (kind, value)
        while len(self.lists) > REMEMBERED_LISTS:
            self.lists.popitem(last=False)
        return key

    def recall(self, kind: str, key: str) -> str | None:
        """The value kept under ``key`` for ``kind``; None if expired or kept for another kind."""
        entry = self.lists.get(key)
        return entry[1] if entry is not None and entry[0] == kind else None


class BriefingContext(CallbackContext[ExtBot, dict, ChatData, BotData]):
    """``context.briefings``, ``context.settings`` and ``context.access`` for handlers."""

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def briefings(self) -> Briefings:
        briefings = self.bot_data.briefings
        if briefings is None:
            raise RuntimeError("the archive is not open (post_init has not run)")
        return briefings

    @property
    def access(self) -> Access:
        access = self.bot_data.access
        if access is None:
            raise RuntimeError("access control is not set up (post_init has not run)")
        return access


CONTEXT_TYPES = ContextTypes(context=BriefingContext, bot_data=BotData, chat_data=ChatData)
BriefingApplication = Application[ExtBot, BriefingContext, dict, ChatData, BotData, object]

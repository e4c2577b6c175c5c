"""Who may do what: roles in the database, an allow-list of chats, an audit log.

Roles, from least to most: ``reader`` (query and subscribe), ``editor`` (also ingest),
``admin`` (also grant/revoke editor and reader, allow/deny chats, delete, export, stats,
audit), ``owner`` (also grant admins and broadcast). Owners come from ``BRIEFING_ADMIN_IDS``.

Access modes: ``open`` (anyone may read; default) and ``private`` (only users with a role, or
anyone in an allowed chat, may read). Nobody without at least ``editor`` can store articles.
"""

from __future__ import annotations

from collections.abc import Iterable

from storage import Archive

from .errors import BriefingError, InvalidArgument

ROLES = ("reader", "editor", "admin", "owner")
RANK = {role: index for index, role in enumerate(ROLES)}
MODES = ("open", "private")


class AccessDenied(BriefingError):
    """The user may not do this; the message is one polite line."""


#: The role a bot command needs; any other command needs ``DEFAULT_ROLE``.
DEFAULT_ROLE = "reader"
COMMAND_ROLES: dict[str, str] = {
    "feed": "editor",  # adds sources that are ingested
    "admin": "admin", "allow": "admin", "deny": "admin", "stats": "admin", "delete": "admin",
    "export": "admin", "audit": "admin", "broadcast": "owner",
}


def at_least(role: str | None, needed: str) -> bool:
    return role is not None and RANK[role] >= RANK[needed]


def may_run(role: str | None, command: str) -> bool:
    """Whether ``role`` covers the bot command ``command`` (what /help and the menu show)."""
    return at_least(role, COMMAND_ROLES.get(command, DEFAULT_ROLE))


class Access:
    """Role checks and admin actions over the archive's ``users``/``allowed_chats``/``audit``."""

    def __init__(self, archive: Archive, *, owners: Iterable[int] = (), default_mode: str = "open") -> None:
        if default_mode not in MODES:
            raise ValueError(f"access mode must be one of {MODES}, not {default_mode!r}")
        self.archive = archive
        self.default_mode = default_mode
        self.owners = tuple(owners)
        for owner in self.owners:
            if archive.role(owner) != "owner":
                archive.set_role(owner, "owner")
                archive.audit(None, "owner from settings", str(owner))

    @property
    def mode(self) -> str:
        return self.archive.get_setting("access_mode") or self.default_mode

    def role_of(self, user_id: int | None, chat_id: int | None = None) -> str | None:
        """The user's role here; ``reader`` by default in open mode or an allowed chat."""
        role = self.archive.role(user_id) if user_id is not None else None
        if role:
            return role
        if self.mode == "open" or (chat_id is not None and self.archive.chat_allowed(chat_id)):
            return "reader"
        return None

    def check(self, user_id: int | None, chat_id: int | None, needed: str) -> str:
        """The user's role if it is at least ``needed``; else :class:`AccessDenied`."""
        role = self.role_of(user_id, chat_id)
        if at_least(role, needed):
            return role
        if role is None:
            raise AccessDenied("Sorry, this is a private newsroom bot. Ask an admin to give you access.")
        what = {"editor": "store articles", "admin": "use admin commands", "owner": "do that"}[needed]
        article = "an" if role[0] in "aeiou" else "a"
        raise AccessDenied(f"Sorry, you need the {needed} role to {what}; you are {article} {role}.")

    # -- admin actions (each audited) ----------------------------------------------------
    def grant(self, actor: int, user_id: int, role: str, *, name: str | None = None) -> str:
        role = (role or "").strip().lower()
        if role not in ROLES:
            raise InvalidArgument(f"unknown role {role[:20]!r}; choose one of: {', '.join(ROLES)}")
        actor_role = self.check(actor, None, "admin")
        current = self.archive.role(user_id)
        if RANK[role] >= RANK["admin"] or at_least(current, "admin"):
            self.check(actor, None, "owner")
        if current == "owner" and role != "owner" and self._last_owner(user_id):
            raise InvalidArgument("that is the only owner; make someone else owner first")
        self.archive.set_role(user_id, role, added_by=actor, name=name)
        self.archive.audit(actor, "grant", str(user_id), f"{current or 'none'} -> {role} (by {actor_role})")
        return role

    def revoke(self, actor: int, user_id: int) -> str | None:
        self.check(actor, None, "admin")
        current = self.archive.role(user_id)
        if current is None:
            raise InvalidArgument(f"user {user_id} has no role to revoke")
        if at_least(current, "admin"):
            self.check(actor, None, "owner")
        if current == "owner" and self._last_owner(user_id):
            raise InvalidArgument("that is the only owner; make someone else owner first")
        self.archive.remove_user(user_id)
        self.archive.audit(actor, "revoke", str(user_id), current)
        return current

    def _last_owner(self, user_id: int) -> bool:
        owners = [u for u, role, *_ in self.archive.users() if role == "owner"]
        return owners == [user_id]

    def allow(self, actor: int, chat_id: int) -> bool:
        self.check(actor, None, "admin")
        added = self.archive.allow_chat(chat_id, added_by=actor)
        self.archive.audit(actor, "allow", str(chat_id))
        return added

    def deny(self, actor: int, chat_id: int) -> bool:
        self.check(actor, None, "admin")
        removed = self.archive.deny_chat(chat_id)
        self.archive.audit(actor, "deny", str(chat_id))
        return removed

    def set_mode(self, actor: int, mode: str) -> str:
        mode = (mode or "").strip().lower()
        if mode not in MODES:
            raise InvalidArgument(f"access mode is open or private, not {mode[:20]!r}")
        self.check(actor, None, "admin")
        self.archive.put_setting("access_mode", mode)
        self.archive.audit(actor, "mode", mode)
        return mode


def parse_user_id(value: str) -> int:
    """A Telegram user or chat id typed by an admin ("12345", "-100123")."""
    text = (value or "").strip()
    if not text.lstrip("-").isdigit() or len(text) > 20:
        raise InvalidArgument(f"{text[:30]!r} is not a numeric Telegram id")
    return int(text)

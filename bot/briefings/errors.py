"""Errors whose message is fit to show the user as it is (one line, no traceback)."""


class BriefingError(Exception):
    """Base: the input or request cannot be served; ``str(error)`` says why."""


class EmptyInput(BriefingError):
    """Nothing to store: empty or whitespace-only text."""


class InputTooLarge(BriefingError):
    """Over the configured size limit."""


class BinaryInput(BriefingError):
    """Bytes that are not text in any encoding we recognise."""


class NoTextFound(BriefingError):
    """A page or file with markup but no article text."""


class UnsupportedInput(BriefingError):
    """A file type or path we do not ingest."""


class InvalidArgument(BriefingError):
    """A command argument that cannot be used (bad id, date, method...)."""


class FetchFailed(BriefingError):
    """A linked page could not be fetched (network error, timeout, HTTP error status)."""


class ChatUnavailable(BriefingError):
    """The chat blocked the bot, was deleted, or the bot was removed from it."""


class ChatMoved(BriefingError):
    """A group became a supergroup with a new chat id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"the chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id


class EntityNotFound(BriefingError):
    """No entity in the archive matches a /who or /timeline name; carries close names."""

    def __init__(self, name: str, suggestions: tuple[str, ...] | list[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"nothing in the archive about {name!r}{hint}")

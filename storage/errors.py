"""Named storage errors: callers catch these, never sqlite3's."""


class StorageError(Exception):
    """Base class for archive errors."""


class ArticleNotFound(StorageError, LookupError):
    """No article has this id."""

    def __init__(self, article_id: int) -> None:
        super().__init__(f"no article #{article_id}")
        self.article_id = article_id


class DatabaseUnavailable(StorageError):
    """The database file cannot be opened or is not a briefing archive."""


class SchemaTooNew(StorageError):
    """The database was written by a newer version of this program."""

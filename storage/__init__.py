"""SQLite storage for the briefing archive."""

from .archive import (
    AddResult, Archive, ArchiveStats, MentionRow, NewArticle, SearchHit, StoredArticle,
    content_hash, utcnow,
)
from .errors import ArticleNotFound, DatabaseUnavailable, SchemaTooNew, StorageError

__all__ = [
    "AddResult", "Archive", "ArchiveStats", "ArticleNotFound", "DatabaseUnavailable", "MentionRow",
    "NewArticle", "SchemaTooNew", "SearchHit", "StorageError", "StoredArticle", "content_hash",
    "utcnow",
]

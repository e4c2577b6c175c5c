"""SQLite storage for the briefing archive."""

from .archive import (
    AddResult, Archive, ArchiveStats, ArticleLede, EntityArticle, EventRow, MentionRow, NewArticle, QuoteRow, RoleRow,
    SearchHit, StoredArticle, StoredEvent, SubscriptionRow, DeliveryRow, FeedRow, content_hash, utcnow,
)
from .errors import ArticleNotFound, DatabaseUnavailable, SchemaTooNew, StorageError

__all__ = [
    "AddResult", "Archive", "ArchiveStats", "ArticleLede", "ArticleNotFound", "DatabaseUnavailable", "EntityArticle",
    "EventRow", "MentionRow", "NewArticle", "QuoteRow", "RoleRow", "StoredEvent", "SubscriptionRow",
    "DeliveryRow", "FeedRow", "SchemaTooNew", "SearchHit", "StorageError", "StoredArticle", "content_hash",
    "utcnow",
]

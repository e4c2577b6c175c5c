"""RSS/Atom feeds: conditional polling, per-feed back-off, entries ingested like links, OPML.

Synchronous (httpx + feedparser): the bot calls it from a worker thread.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from xml.etree.ElementTree import Element, SubElement, tostring

import httpx

from storage import FeedRow

from .errors import BriefingError, FetchFailed, InvalidArgument, NoTextFound
from .fetch import USER_AGENT, check_url, fetch_url, ingest_url, public_only
from .loaders import RawDocument, from_html
from .models import IngestResult
from .schedule import iso
from .service import Briefings

logger = logging.getLogger(__name__)

POLL_EVERY = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=24)
MAX_FEED_BYTES = 5_000_000
#: An entry whose own content is at least this long is stored from the feed, not fetched.
FULL_CONTENT_CHARS = 600


@dataclass
class PollResult:
    feed_id: int
    url: str
    status: str  # ok | not-modified | error
    new_entries: int = 0
    stored: list[int] = field(default_factory=list)
    duplicates: int = 0
    failed: list[str] = field(default_factory=list)
    error: str | None = None


def backoff(errors: int) -> timedelta:
    """Delay before the next poll after ``errors`` consecutive failures (doubling, capped)."""
    if errors <= 0:
        return POLL_EVERY
    return min(POLL_EVERY * (2 ** min(errors, 10)), MAX_BACKOFF)


def add_feed(briefings: Briefings, url: str, *, added_by: int | None = None) -> tuple[FeedRow, bool]:
    url = check_url(url)
    feed_id, created = briefings.archive.add_feed(url, added_by=added_by)
    return briefings.archive.feed(feed_id), created


def due_feeds(briefings: Briefings, now: datetime) -> list[FeedRow]:
    stamp = iso(now)
    return [f for f in briefings.archive.feeds() if not f.next_poll_at or f.next_poll_at <= stamp]


def _entry_guid(entry) -> str:
    for key in ("id", "guid", "link"):
        value = entry.get(key)
        if value:
            return str(value)
    raw = f"{entry.get('title', '')}\n{entry.get('summary', '')}".encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6], tzinfo=timezone.utc).isoformat()
    return None


def _ingest_entry(briefings: Briefings, entry, feed_title: str | None, timeout: float) -> IngestResult:
    """Store one entry: its own full content if it has it, else the linked page, else its teaser."""
    link = entry.get("link")
    if link and briefings.archive.find_duplicate(url=link):
        return ingest_url(briefings, link, timeout=timeout)  # answers "already stored" without fetching
    content = (entry.get("content") or [{}])[0].get("value", "") or entry.get("summary", "")
    doc: RawDocument | None = None
    if len(content) >= FULL_CONTENT_CHARS:
        doc = _from_fragment(content, link)
    if doc is None and link:
        try:
            doc = fetch_url(link, max_bytes=briefings.max_input_bytes, timeout=timeout,
                            allow_private=briefings.allow_private_urls)
        except BriefingError as error:
            if not content:
                raise
            logger.info("feed entry %s: %s; storing the feed's teaser", link, error)
    if doc is None:
        doc = _from_fragment(content, link)
    if doc is None:
        raise NoTextFound("the entry has no text and no readable link")
    return briefings.ingest_document(replace(
        doc, title=entry.get("title") or doc.title, published_at=_entry_date(entry) or doc.published_at,
        source=feed_title or doc.source, url=link or doc.url, origin="rss",
    ))


def _from_fragment(html: str, url: str | None) -> RawDocument | None:
    try:
        return from_html(f"<html><body><article><p>{html}</p></article></body></html>", url=url)
    except BriefingError:
        return None


def poll_feed(briefings: Briefings, feed: FeedRow, *, now: datetime | None = None, timeout: float = 15.0,
              client: httpx.Client | None = None) -> PollResult:
    """Poll one feed with conditional GET; ingest unseen entries; schedule the next poll."""
    import feedparser

    now = now or datetime.now(timezone.utc)
    archive = briefings.archive
    result = PollResult(feed.id, feed.url, "ok")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.modified:
        headers["If-Modified-Since"] = feed.modified
    own_client = client is None
    client = client or httpx.Client(follow_redirects=True, max_redirects=5, timeout=httpx.Timeout(timeout),
                                    event_hooks=public_only(briefings.allow_private_urls))
    try:
        response = client.get(feed.url, headers=headers)
        if response.status_code == 304:
            result.status = "not-modified"
            archive.update_feed(feed.id, last_polled_at=iso(now), next_poll_at=iso(now + POLL_EVERY), errors=0,
                                last_error=None)
            return result
        if response.status_code >= 400:
            raise FetchFailed(f"HTTP {response.status_code}")
        if len(response.content) > MAX_FEED_BYTES:
            raise FetchFailed(f"feed is over {MAX_FEED_BYTES // 1_000_000} MB")
        parsed = feedparser.parse(response.content, response_headers={k.lower(): v for k, v in response.headers.items()})
        if parsed.bozo and not parsed.entries:
            raise FetchFailed(f"not a readable RSS/Atom feed ({type(parsed.get('bozo_exception')).__name__})")
    except (httpx.HTTPError, BriefingError) as error:
        errors = feed.errors + 1
        message = str(error) or type(error).__name__
        result.status, result.error = "error", message
        archive.update_feed(feed.id, last_polled_at=iso(now), next_poll_at=iso(now + backoff(errors)),
                            errors=errors, last_error=message[:300])
        return result
    finally:
        if own_client:
            client.close()

    feed_title = parsed.feed.get("title") or feed.title
    for entry in reversed(parsed.entries):  # oldest first, so ids follow publication order
        guid = _entry_guid(entry)
        link = entry.get("link")
        if archive.feed_entry_seen(feed.id, guid, link):
            continue
        result.new_entries += 1
        try:
            ingested = _ingest_entry(briefings, entry, feed_title, timeout)
        except BriefingError as error:
            result.failed.append(f"{link or guid}: {error}")
            archive.record_feed_entry(feed.id, guid, link, None)
            continue
        archive.record_feed_entry(feed.id, guid, link, ingested.article_id)
        if ingested.created:
            result.stored.append(ingested.article_id)
        else:
            result.duplicates += 1
    archive.update_feed(
        feed.id, title=feed_title, etag=response.headers.get("etag"), modified=response.headers.get("last-modified"),
        last_polled_at=iso(now), next_poll_at=iso(now + POLL_EVERY), errors=0, last_error=None,
        entries_seen=feed.entries_seen + result.new_entries,
    )
    return result


# -- OPML ----------------------------------------------------------------------------------
def export_opml(feeds: Iterable[FeedRow], title: str = "Newsroom briefing feeds") -> str:
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    body = SubElement(root, "body")
    for feed in feeds:
        SubElement(body, "outline", type="rss", text=feed.title or feed.url, title=feed.title or feed.url,
                   xmlUrl=feed.url)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode")


def parse_opml(data: bytes | str) -> list[str]:
    """Feed URLs in an OPML document (nested outlines included); safe against XML bombs."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise InvalidArgument(f"not a readable OPML file ({error})") from error
    urls = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if url and url not in urls:
            urls.append(url.strip())
    if not urls:
        raise InvalidArgument("the OPML file lists no feeds (no outline with xmlUrl)")
    return urls

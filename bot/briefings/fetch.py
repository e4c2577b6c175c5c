"""Input that arrives over the network: linked web pages and uploaded files. No Telegram here.

Example::

    briefings = Briefings(Archive("briefing.db"))
    result = ingest_url(briefings, "https://example.org/news/1", timeout=15)
    print(result.message)
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import replace
from pathlib import PurePath
from urllib.parse import urlsplit

import httpx

from .. import __version__
from .errors import EmptyInput, FetchFailed, InputTooLarge, InvalidArgument, NoTextFound, UnsupportedInput
from .loaders import (
    FILE_KINDS, RawDocument, check_size, decode, from_bytes, from_html, from_markdown, from_text, human_size,
)
from .models import IngestResult
from .service import Briefings

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = f"newsroom-briefing-bot/{__version__}"
#: Content type -> loader kind (as in loaders.FILE_KINDS).
PAGE_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


def check_url(url: str) -> str:
    """``url`` stripped, if it is an absolute http(s) URL with a host; else :class:`InvalidArgument`."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidArgument(
            f"{url[:80]!r} is not a web link; only http:// and https:// pages can be fetched"
        )
    return url


def check_public(host: str) -> None:
    """Refuse ``host`` if it is, or resolves to, a private, loopback, link-local or reserved address.

    A bot that fetches any link it is sent would let anyone read the newsroom's intranet, the
    cloud metadata service (169.254.169.254) or the bot's own machine. Checked before every
    request, redirects included. Names that do not resolve are left to the request to report.
    """
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        return
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])  # drop an IPv6 zone ("fe80::1%eth0")
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            raise FetchFailed(f"{host} is a private or local address ({address}); only public web pages are "
                              "fetched (BRIEFING_FETCH_PRIVATE=1 allows them)")


def public_only(allow_private: bool) -> dict[str, list]:
    """httpx ``event_hooks`` that run :func:`check_public` on every request (none if allowed)."""
    if allow_private:
        return {}
    return {"request": [lambda request: check_public(request.url.host)]}


def fetch_url(url: str, *, max_bytes: int, timeout: float, min_chars: int = 0,
              allow_private: bool = False) -> RawDocument:
    """Download one page (at most ``max_bytes``, within ``timeout`` s) and extract its article.

    Follows up to five redirects; accepts only HTML and plain-text answers; main text shorter
    than ``min_chars`` (a menu, a login wall) is not an article. The document's ``url`` is the
    one asked for (so the same link is recognised next time) and its origin "url". Private and
    local addresses are refused unless ``allow_private`` (see :func:`check_public`).
    """
    url = check_url(url)
    host = urlsplit(url).hostname
    deadline = time.monotonic() + timeout
    try:
        with httpx.Client(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"},
            event_hooks=public_only(allow_private),
        ) as client, client.stream("GET", url) as response:
            if response.status_code >= 400:
                reason = response.reason_phrase or "error"
                raise FetchFailed(f"{host} answered HTTP {response.status_code} ({reason}) for {url}")
            content_type, _, params = response.headers.get("content-type", "").partition(";")
            content_type = content_type.strip().lower()
            kind = PAGE_KINDS.get(content_type)
            if kind is None:
                raise UnsupportedInput(
                    f"{url} is {content_type or 'of no stated type'}, not a web page or text"
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit():
                check_size(int(declared), max_bytes, "the page")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise InputTooLarge(f"the page is over the {human_size(max_bytes)} limit")
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{host} took longer than {timeout:g} s to send the page")
            final_url = str(response.url)
            charset = _charset(params)
    except httpx.TooManyRedirects as error:
        raise FetchFailed(f"{url} redirects more than {MAX_REDIRECTS} times") from error
    except httpx.TimeoutException as error:
        raise FetchFailed(f"{host} did not answer within {timeout:g} s") from error
    except httpx.HTTPError as error:
        raise FetchFailed(f"cannot fetch {url}: {_reason(error)}") from error
    doc = _parse(bytes(body), kind, charset, final_url)
    if len(doc.text) < min_chars:
        raise NoTextFound(f"{url} has no article text (only {len(doc.text)} characters of main text)")
    return replace(doc, url=url, origin="url", source=doc.source or host)


def ingest_url(
    briefings: Briefings, url: str, *, timeout: float, max_bytes: int | None = None, min_chars: int = 0
) -> IngestResult:
    """Store the article at ``url``; a URL already stored is answered without fetching it."""
    url = check_url(url)
    duplicate = briefings.archive.find_duplicate(url=url)
    if duplicate:
        stored = briefings.get_article(duplicate.id)
        # the archive matches on the URL first, so this only builds the "already stored" result
        return briefings.ingest_document(RawDocument(stored.text, title=stored.title, url=url, origin="url"))
    doc = fetch_url(url, max_bytes=max_bytes or briefings.max_input_bytes, timeout=timeout,
                    min_chars=min_chars, allow_private=briefings.allow_private_urls)
    return replace(briefings.ingest_document(doc), input=url)


def check_upload(filename: str, size: int, max_bytes: int) -> str:
    """The loader kind for an upload called ``filename`` of ``size`` bytes, or why it is refused."""
    name = PurePath(filename or "upload").name
    kind = FILE_KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise UnsupportedInput(f"{name}: unsupported file type; send {', '.join(sorted(FILE_KINDS))} files")
    check_size(size, max_bytes, name)
    return kind


def ingest_upload(
    briefings: Briefings,
    data: bytes,
    filename: str,
    *,
    source: str | None = None,
    url: str | None = None,
    published_at: str | None = None,
) -> IngestResult:
    """Store an uploaded .txt/.md/.html file (bytes already in memory) as one article.

    ``source`` (where the file was forwarded from) wins over what the file says; the file's own
    ``url`` and date win over ``url`` and ``published_at`` (those of the post that carried it).
    """
    name = PurePath(filename or "upload").name
    kind = check_upload(name, len(data), briefings.max_input_bytes)
    doc = from_bytes(data, kind, name)
    doc = replace(doc, source=source or doc.source, url=doc.url or url,
                  published_at=doc.published_at or published_at)
    return replace(briefings.ingest_document(doc), input=name)


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _parse(data: bytes, kind: str, charset: str | None, url: str) -> RawDocument:
    text: str | None = None
    warnings: tuple[str, ...] = ()
    if charset and data.strip():
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            logger.debug("page %s does not decode as its declared %s", url, charset)
    if text is None:
        if not data.strip():
            raise EmptyInput("the page is empty")
        text, warnings = decode(data, "the page")
    if kind == "html":
        return from_html(text, url=url, warnings=warnings)
    if kind == "markdown":
        return from_markdown(text, warnings=warnings)
    return from_text(text, origin="url", warnings=warnings)


def _reason(error: httpx.HTTPError) -> str:
    """A short reason: 'connection refused', 'name not resolved'..., never a traceback."""
    text = str(error) or type(error).__name__
    lowered = text.lower()
    if "connection refused" in lowered or "connect call failed" in lowered:
        return "connection refused"
    unresolved = ("name or service not known", "nodename nor servname", "getaddrinfo")
    if any(words in lowered for words in unresolved):
        return "the host name does not resolve"
    return text.splitlines()[0][:160]

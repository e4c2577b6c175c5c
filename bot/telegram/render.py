"""Pure rendering: view models -> Telegram HTML, split into messages Telegram accepts.

Every user-derived string (titles, sources, article text, queries, error messages) goes
through :func:`esc`. A reply is made of paragraphs separated by blank lines; markup never
spans two paragraphs, so :func:`split_message` can cut between paragraphs safely (and it
closes and reopens tags when it has to cut inside one).

    >>> split_message("<b>a &amp; b</b>\\n\\n" + "word " * 30, limit=64)[0]
    '<b>a &amp; b</b>'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..briefings.models import (
    ArticleView, Citation, Digest, EntityCount, IngestResult, SearchResult, SummaryView,
)

MESSAGE_LIMIT = 4096  # Telegram's limit for one message, in UTF-16 code units
WARNING = "⚠️"


@dataclass(frozen=True)
class CommandHelp:
    """One line of /help: ``/name args — description``."""

    name: str
    args: str
    description: str


def esc(value: object) -> str:
    """Escape a user-derived string for Telegram HTML text (<, > and &)."""
    return html.escape(str(value), quote=False)


def link(url: str | None, label: str | None = None) -> str:
    """An <a> link for http(s) URLs; anything else is shown as escaped text."""
    if not url:
        return ""
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return esc(label or url)
    return f'<a href="{html.escape(url, quote=True)}">{esc(label or url)}</a>'


def _date(value: str | None) -> str:
    return value[:10] if value else "date unknown"


def byline(source: str | None, published_at: str | None, language: str | None = None) -> str:
    parts = [source or "source unknown", _date(published_at)]
    if language and language != "und":
        parts.append(language)
    return esc(" · ".join(parts))


def _bullets(sentences: Sequence[str]) -> str:
    if not sentences:
        return "<i>(no summary)</i>"
    return "\n".join(f"• {esc(s)}" for s in sentences)


def _entities(entities: Sequence[EntityCount], heading: str) -> str:
    def one(e: EntityCount) -> str:
        change = getattr(e, "change", "")  # a DigestEntity's trend
        return f"{esc(e.name)} ({esc(e.type)}, {e.mentions}×{', ' + esc(change) if change else ''})"

    listed = ", ".join(one(e) for e in entities)
    return f"<b>{heading}:</b> {listed}" if entities else ""


def _warnings(warnings: Iterable[str]) -> str:
    return "\n".join(f"{WARNING} {esc(w)}" for w in warnings)


def _join(*blocks: str) -> str:
    """Paragraphs, blank-line separated, empty ones left out."""
    return "\n\n".join(b for b in blocks if b and b.strip())


def _range(offset: int, shown: int, total: int | None = None) -> str:
    if not shown:
        return ""
    span = f"{offset + 1}–{offset + shown}" if shown > 1 else f"{offset + 1}"
    return f"{span} of {total}" if total is not None else span


# -- replies --------------------------------------------------------------------------------
def error_reply(message: str) -> str:
    """A domain error, as a short warning."""
    return f"{WARNING} {esc(message)}"


def ingest_reply(result: IngestResult) -> str:
    """The answer to an ingest: "Stored as #12: title" with byline and summary, or "Already stored"."""
    message = result.message[:1].upper() + result.message[1:]
    head = f"<b>{esc(message)}</b>"
    if not result.created:
        return _join(head, f"Read it with /article {result.article_id}")
    return _join(
        f"{head}\n<i>{byline(result.source, result.published_at, result.language)}</i>",
        _bullets(result.summary),
        _warnings(result.warnings),
        f"/article {result.article_id} · /summary {result.article_id}",
    )


def ingest_failure(what: str, message: str) -> str:
    """Why one input (a link, a file) was not stored."""
    return f"{WARNING} Not stored — {esc(what)}: {esc(message)}"


def short_text_reply(length: int, min_chars: int) -> str:
    """Why a short private message was not stored."""
    return (f"That is {length} characters; I store messages of at least {min_chars} characters as "
            "articles, so I took this one as chat. Send /help for the commands.")


def summary_reply(view: SummaryView) -> str:
    title = f"#{view.article_id} {view.title or ''}".strip()
    return _join(
        f"<b>{esc(title)}</b>\n<i>{esc(view.method)}, {len(view.sentences)} of {view.total_sentences} "
        f"sentences, language {esc(view.language)}</i>",
        _bullets(view.sentences),
        _warnings(view.warnings),
    )


def article_reply(view: ArticleView) -> str:
    """Metadata, summary, entities, then the full text paragraph by paragraph."""
    meta = f"<b>#{view.id} {esc(view.title)}</b>\n<i>{byline(view.source, view.published_at, view.language)}"
    meta += f" · ingested {esc(_date(view.ingested_at))}</i>"
    if view.url:
        meta += "\n" + link(view.url)
    notes = list(view.warnings)
    if view.analysis_error:
        notes.append(f"analysis failed: {view.analysis_error}")
    paragraphs = [esc(p.strip()) for p in re.split(r"\n\s*\n", view.text or "") if p.strip()]
    return _join(
        meta,
        "<b>Summary</b>\n" + _bullets(view.summary),
        _entities(view.entities, "Entities"),
        _warnings(notes),
        *paragraphs,
    )


def article_list(views: Sequence[ArticleView], *, offset: int = 0, total: int | None = None) -> str:
    """The /latest page: one short block per article."""
    if not views:
        return "The archive is empty. Send me an article to start." if offset == 0 else "No more articles."
    items = [
        f"<b>#{v.id}</b> {esc(v.title)}\n<i>{byline(v.source, v.published_at)}</i>"
        for v in views
    ]
    return _join(f"<b>Latest articles</b> ({_range(offset, len(views), total)})", *items)


def search_reply(hits: Sequence[SearchResult], query: str, *, offset: int = 0) -> str:
    if not hits:
        return f"No articles match “{esc(query)}”." if offset == 0 else "No more matches."
    items = [
        f"<b>#{h.id}</b> {esc(h.title)}\n<i>{byline(h.source, h.published_at)}</i>\n{esc(h.snippet)}"
        for h in hits
    ]
    return _join(f"<b>Search:</b> {esc(query)} ({_range(offset, len(hits))})", *items)


def _citation(cite: Citation) -> str:
    return f"#{cite.article_id} {esc(cite.source or cite.title)}"


def digest_reply(digest: Digest, *, offset: int = 0, page: int | None = None) -> str:
    """A page of the briefing: one block per story (with who else reported it), then top entities."""
    items = digest.items[offset: offset + page if page else None]
    since = f" since {esc(_date(digest.since))}" if digest.since else ""
    if not digest.total_articles:
        return f"<b>Briefing</b>{since}\n\nNo articles yet."
    head = (f"<b>Briefing</b>{since} — stories {_range(offset, len(items))}, from {digest.total_articles} "
            f"article(s)\n<i>generated {esc(digest.generated_at)}</i>")
    blocks = []
    for item in items:
        block = f"<b>#{item.id} {esc(item.title)}</b>\n<i>{byline(item.source, item.published_at)}</i>"
        if item.watched:
            block += f"\n<b>Watched:</b> {esc(', '.join(item.watched))}"
        block += "\n" + _bullets(item.summary)
        if item.also:
            block += "\n<i>Also reported by " + ", ".join(_citation(c) for c in item.also) + "</i>"
        blocks.append(block)
    return _join(head, *blocks, _entities(digest.top_entities, "Most mentioned") if offset == 0 else "")


def help_text(commands: Sequence[CommandHelp], *, min_chars: int, max_bytes: int) -> str:
    """/help: the registered commands, then what the bot stores and the article threshold."""
    lines = "\n".join(
        f"/{c.name}{' ' + esc(c.args) if c.args else ''} — {esc(c.description)}" for c in commands
    )
    size = f"{max_bytes / 1_000_000:g} MB" if max_bytes >= 1_000_000 else f"{max_bytes:,} bytes"
    return _join(
        "<b>Commands</b>\n" + lines,
        "<b>Storing articles</b>\n"
        f"• Paste an article: a message of at least {min_chars} characters is stored as an article; "
        "a shorter one is treated as a command or chat and is not stored.\n"
        "• Forward a post: the original channel or author is kept as the source and its date as "
        "the publish date.\n"
        "• Send a link: I fetch the page and store its main text, title and date.\n"
        f"• Send a file: .txt, .md or .html, up to {size}. Telegram cuts pasted text over 4096 "
        "characters into several messages, so send long articles as a file or a link.\n"
        "• Make me an admin of a channel: I quietly archive its posts.",
        "Text already stored, or the same link, is not stored twice.",
    )


def start_text(first_name: str | None, *, min_chars: int) -> str:
    name = f", {esc(first_name)}" if first_name else ""
    return _join(
        f"Hello{name}! I archive news articles and write briefings of them.",
        f"Paste an article (at least {min_chars} characters), forward a post, send a link or a "
        ".txt/.md/.html file, and I store it and reply with a summary.",
        "Try /latest, /search <i>words</i>, /digest — or /help for everything.",
    )


# -- splitting ------------------------------------------------------------------------------
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);")
_BOUNDARIES = (  # the group "gap" is dropped at a cut
    re.compile(r"(?P<gap>\n\s*\n)"),  # paragraph
    re.compile(r"(?P<gap>\n)"),  # line
    re.compile(r"[.!?…;:][\"'”’»)\]]*(?P<gap>\s+)"),  # sentence (or clause)
    re.compile(r"(?P<gap>\s+)"),  # word
)


def cap_messages(chunks: list[str], count: int, limit: int = MESSAGE_LIMIT) -> list[str]:
    """At most ``count`` messages; the last one then says how much of the text was left out."""
    if len(chunks) <= count:
        return chunks
    kept = chunks[:count]
    last = split_message(kept[-1], limit - 100)[0]
    left = sum(len(html.unescape(strip_tags(c))) for c in [kept[-1], *chunks[count:]])
    left -= len(html.unescape(strip_tags(last)))
    return [*kept[:-1], f"{last}\n\n<i>… {left:,} more characters not shown.</i>"]


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def strip_tags(text: str) -> str:
    """The text without markup (entities left as they are)."""
    return _TAG.sub("", text)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into messages of at most ``limit`` UTF-16 units each.

    Cuts at the last paragraph break that fits, else a line break, a sentence end, a space,
    and only as a last resort inside a word; never inside a tag or an entity. Tags open at a
    cut are closed at the end of one message and reopened at the start of the next.
    """
    if limit < 64:
        raise ValueError("limit must be at least 64")
    chunks: list[str] = []
    rest = text.strip()
    while rest:
        if utf16_len(rest) <= limit:
            chunks.append(rest)
            break
        head, rest = _cut(rest, limit)
        chunks.append(head)
    return [c for c in chunks if strip_tags(c).strip()]


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The first message (with closing tags) and the remainder (with reopened tags)."""
    tags = [(m.start(), m.end(), bool(m.group(1)), m.group(2).lower(), m.group(0))
            for m in _TAG.finditer(text)]
    blocked = bytearray(len(text) + 1)  # 1 where a cut would split a tag or an entity
    for match in (*_TAG.finditer(text), *_ENTITY.finditer(text)):
        blocked[match.start() + 1: match.end()] = b"\x01" * (match.end() - match.start() - 1)
    reserve = 0
    while reserve < limit // 2:
        fit = _fit(text, limit - reserve)
        cut, resume = _boundary(text, fit, blocked)
        stack = _open_tags(tags, cut)
        closers = "".join(f"</{name}>" for name, _ in reversed(stack))
        head = text[:cut].rstrip()
        if utf16_len(head) + utf16_len(closers) <= limit:
            break
        reserve += utf16_len(head) + utf16_len(closers) - limit
    if reserve >= limit // 2 or blocked[cut] or not strip_tags(head).strip():
        # markup too long to carry over (a huge tag): send the rest as plain text
        plain = html.escape(html.unescape(strip_tags(text)), quote=False)
        return (plain, "") if utf16_len(plain) <= limit else _cut(plain, limit)
    reopen = "".join(raw for _, raw in stack)
    return head + closers, reopen + text[resume:].lstrip()


def _fit(text: str, budget: int) -> int:
    """The largest index i with utf16_len(text[:i]) <= budget."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return i
    return len(text)


def _boundary(text: str, fit: int, blocked: bytearray) -> tuple[int, int]:
    """(end of this message, start of the next) at the best boundary within ``text[:fit]``."""
    floor = max(1, fit // 4)  # do not leave tiny messages behind
    window = text[: fit + 2]
    for pattern in _BOUNDARIES:
        for match in reversed(list(pattern.finditer(window))):
            start, end = match.span("gap")
            if floor <= start <= fit and not blocked[start]:
                return start, end
    cut = fit
    while cut > 0 and blocked[cut]:
        cut -= 1
    return cut, cut


def _open_tags(tags: list[tuple[int, int, bool, str, str]], cut: int) -> list[tuple[str, str]]:
    """(name, opening tag) of the tags open at position ``cut``."""
    stack: list[tuple[str, str]] = []
    for _, end, closing, name, raw in tags:
        if end > cut:
            break
        if not closing:
            stack.append((name, raw))
            continue
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    return stack

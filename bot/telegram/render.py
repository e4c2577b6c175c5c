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
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..briefings.models import (
    ArticleView, Citation, Digest, DigestItem, Dossier, EntityCount, IngestResult, SearchResult,
    SubscriptionView, SummaryView, Timeline,
)
from ..briefings.timeline import omitted_note

if TYPE_CHECKING:
    from storage import FeedRow

    from ..briefings.feeds import PollResult

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
            f"article(s){_grouped(digest)}\n<i>generated {esc(digest.generated_at)}</i>")
    if digest.watched and offset == 0:
        head += f"\n<b>Watching:</b> {esc(', '.join(digest.watched))} (their stories first)"
    blocks = []
    for item in items:
        block = _story_head(item, f"#{item.id} {item.title}") + "\n" + _bullets(item.summary)
        if item.also:
            block += "\n<i>Also reported by " + ", ".join(_citation(c) for c in item.also) + "</i>"
        blocks.append(block)
    return _join(head, *blocks, _entities(digest.top_entities, "Most mentioned") if offset == 0 else "",
                 _events(digest) if offset == 0 else "")


def _grouped(digest: Digest) -> str:
    """" (the newest 1000 grouped)" when a long period was capped."""
    return f" (the newest {digest.grouped} grouped)" if digest.capped else ""


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


# -- entities, timelines --------------------------------------------------------------------
TYPE_NAMES = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "name"}


def _kind(code: str) -> str:
    return TYPE_NAMES.get(code, code)


def _cited(text: str, cite: Citation) -> str:
    """A line that ends with the article it comes from: ``… (#12 Reuters)``."""
    return f"{text} <i>({_citation(cite)})</i>"


def dossier_reply(dossier: Dossier) -> str:
    """/who: name and type, aliases, roles, ranked sentences, quotes, related names, sources."""
    shown = len(dossier.articles)
    head = (f"<b>{esc(dossier.name)}</b> — {esc(_kind(dossier.type))}, {dossier.mentions} mention(s) in "
            f"{shown}{'+' if shown >= 10 else ''} article(s)")
    if dossier.aliases:
        head += f"\n<i>Also written: {esc(', '.join(dossier.aliases))}</i>"
    if dossier.others:
        head += (f"\n<i>“{esc(dossier.query)}” may also mean {esc(', '.join(dossier.others))}: "
                 f"/who {esc(dossier.others[0])}</i>")
    if dossier.first_seen:
        head += (f"\n<i>First seen {esc(_date(dossier.first_seen))}, last seen {esc(_date(dossier.last_seen))} "
                 "(publish dates)</i>")
    roles = "\n".join(f"• {_cited(esc(r.description), r.source)}" for r in dossier.roles)
    says = "\n".join(f"• {_cited(esc(s.text), s.source)}" for s in dossier.summary)
    quotes = "\n".join(f"• “{esc(q.text)}” — {esc(q.speaker)} <i>({_citation(q.source)})</i>" for q in dossier.quotes)
    sources = "\n".join(
        f"#{a.source.article_id} {esc(a.source.title)}\n<i>{byline(a.source.source, a.source.published_at)}"
        f" · {a.mentions} mention(s)</i>" for a in dossier.articles
    )
    return _join(
        head,
        "<b>Role</b>\n" + roles if roles else "",
        "<b>What the archive says</b>\n" + says if says else "",
        "<b>Quotes</b>\n" + quotes if quotes else "",
        _entities(dossier.related, "Related"),
        "<b>Sources</b>\n" + sources if sources else "",
        f"Read a source with /article ID · events: /timeline {esc(dossier.name)}",
    )


def entities_reply(entities: Sequence[EntityCount]) -> str:
    """/entities: the most mentioned names, one line each."""
    if not entities:
        return "No people, organisations or places in the archive yet. Send me articles first."
    lines = "\n".join(
        f"{i}. <b>{esc(e.name)}</b> — {esc(_kind(e.type))}, {e.mentions} mention(s) in {e.articles} article(s)"
        for i, e in enumerate(entities, 1)
    )
    return _join("<b>Most mentioned</b>\n" + lines, "A dossier on one: /who NAME")


def _period(date_from: str | None, date_to: str | None) -> str:
    if not (date_from or date_to):
        return ""
    return f" ({esc(date_from or '…')} to {esc(date_to or '…')})"


def _order(timeline: Timeline) -> str:
    return "oldest first" if timeline.order == "chronological" else esc(timeline.order)


def timeline_reply(timeline: Timeline, *, offset: int = 0, page: int | None = None) -> str:
    """A page of /timeline: one block per event (date, line, sources), oldest first."""
    scope = f": {esc(timeline.entity)}" if timeline.entity else ""
    title = f"<b>Timeline{scope}</b>{_period(timeline.date_from, timeline.date_to)}"
    if not timeline.events:
        return f"{title}\n\nNo dated events found." if offset == 0 else "No more events."
    events = timeline.events[offset: offset + page if page else None]
    if not events:
        return "No more events."
    blocks = []
    for event in events:
        block = f"<b>{esc(event.label or event.date)}</b> — {esc(event.line)}"
        if not event.explicit:
            block += "\n<i>date resolved from the publish date</i>"
        if event.sources:
            block += "\n<i>" + ", ".join(_citation(c) for c in event.sources) + "</i>"
        blocks.append(block)
    head = f"{title} — events {_range(offset, len(events), len(timeline.events))}, {_order(timeline)}"
    if timeline.earlier_omitted and offset == 0:
        head += "\n<i>" + esc(omitted_note(timeline, "/timeline")) + "</i>"
    return _join(head, *blocks, "Read a source with /article ID")



def chart_caption(timeline: Timeline) -> str:
    """The caption under a timeline chart (Telegram allows 1024 characters)."""
    scope = f": {esc(timeline.entity[:100])}" if timeline.entity else ""
    command = f"/timeline {esc(timeline.entity[:100])}" if timeline.entity else "/timeline"
    return (f"<b>Timeline{scope}</b>{_period(timeline.date_from, timeline.date_to)} — "
            f"{len(timeline.events)} event(s), {_order(timeline)}"
            f"{' (the latest only)' if timeline.earlier_omitted else ''}. The list with sources: {command}")


def chart_failed(reason: str | None = None) -> str:
    """Why a chart is shown as text instead."""
    why = f" ({esc(reason)})" if reason else ""
    return f"{WARNING} The chart could not be sent{why}; here is the timeline as text."


# -- subscriptions --------------------------------------------------------------------------
def _local(moment: str | None, zone: str | None) -> str:
    """An ISO moment as people read it in ``zone``: "Tue 2 Jun 2026, 09:00 CEST"."""
    if not moment:
        return "unknown"
    value = datetime.fromisoformat(moment)
    if zone:
        value = value.astimezone(ZoneInfo(zone))
    return f"{value:%a} {value.day} {value:%b %Y, %H:%M} {value.tzname() or ''}".strip()


def _utc(moment: str | None) -> str:
    if not moment:
        return ""
    value = datetime.fromisoformat(moment)
    return value.strftime("%Y-%m-%d %H:%M UTC") if value.tzinfo else esc(moment)


def subscribed_reply(view: SubscriptionView) -> str:
    """/subscribe: when the digest comes, what it covers, and what to try next."""
    return _join(
        f"Daily digest for this chat at <b>{esc(view.time)}</b> ({esc(view.timezone)}). "
        f"Next: {esc(_local(view.next_digest, view.timezone))}.",
        "Each digest covers what arrived since the previous one (the first: the last 24 hours): "
        "stories with their other sources, the most mentioned names, new dated events.",
        "/settings shows the settings · /watch NAME puts a name first · /unsubscribe stops it",
    )


def unsubscribed_reply(removed: bool) -> str:
    return ("Daily digest stopped for this chat." if removed
            else "This chat had no daily digest. /subscribe [HH:MM] [Area/City] starts one.")


def settings_reply(view: SubscriptionView, *, default_time: str, default_timezone: str) -> str:
    """/settings: this chat's digest time, zone, next digest, quiet-day setting and watched names."""
    if view.subscribed:
        digest = (f"<b>Daily digest:</b> {esc(view.time)} ({esc(view.timezone)})\n"
                  f"<b>Next:</b> {esc(_local(view.next_digest, view.timezone))}\n"
                  f"<b>Quiet days:</b> " + ("a short “no new articles” note (/settings empty off for silence)"
                                           if view.send_empty else
                                           "silence (/settings empty on for a short note)"))
    else:
        digest = (f"<b>Daily digest:</b> off. /subscribe [HH:MM] [Area/City] starts one "
                  f"(default {esc(default_time)} {esc(default_timezone)}).")
    watched = (f"<b>Watching:</b> {esc(', '.join(view.watches))} (stories about them come first; /unwatch NAME)"
               if view.watches else "<b>Watching:</b> nothing (/watch NAME puts a name's stories first)")
    return _join(digest, watched)


def watch_reply(name: str, *, known: bool) -> str:
    note = "" if known else " It is not in the archive yet; stories will be matched once it appears."
    return f"Watching <b>{esc(name)}</b>: stories about it come first in this chat's digests.{note}"


def unwatch_reply(name: str, removed: bool) -> str:
    return (f"No longer watching <b>{esc(name)}</b>." if removed
            else f"This chat was not watching {esc(name)}. /settings lists what it watches.")


def unsubscribed_notice(chat_ids: Sequence[int]) -> str:
    """One line for the owners: chats that blocked the bot and lost their digest."""
    shown = ", ".join(str(c) for c in list(chat_ids)[:20])
    more = f" and {len(chat_ids) - 20} more" if len(chat_ids) > 20 else ""
    return (f"{WARNING} Digest unsubscribed for {len(chat_ids)} chat(s) that blocked me or removed me: "
            f"{shown}{more}.")


# -- digests --------------------------------------------------------------------------------
def _story_head(item: DigestItem, title: str) -> str:
    """A story's title, byline (with how many sources reported it) and watched names."""
    meta = byline(item.source, item.published_at)
    if item.sources > 1:
        meta += f" · reported by {item.sources} sources"
    head = f"<b>{esc(title)}</b>\n<i>{meta}</i>"
    if item.watched:
        head += f"\n<b>Watched:</b> {esc(', '.join(item.watched))}"
    return head


def _story(item: DigestItem, number: int | None = None) -> str:
    """One story: title, byline with how many sources reported it, summary, where to read it."""
    block = _story_head(item, f"{number}. {item.title}" if number else item.title)
    block += "\n" + _bullets(item.summary[:3])
    read = f"/article {item.id}"
    if item.url:
        read += " · " + link(item.url, "source")
    block += "\n" + read
    if item.also:
        block += "\n<i>Also: " + ", ".join(_citation(c) for c in item.also) + "</i>"
    return block


def _events(digest: Digest) -> str:
    events = digest.latest_events()
    if not events:
        return ""
    lines = [f"• <b>{esc(e.label or e.date)}</b> — {esc(e.line)}"
             + (f" <i>({', '.join(_citation(c) for c in e.sources)})</i>" if e.sources else "")
             for e in events]
    more = "<i>… earlier ones with /timeline</i>\n" if len(digest.events) > len(events) else ""
    return "<b>New on the timeline</b>\n" + more + "\n".join(lines)


def digest_text(digest: Digest) -> str:
    """A scheduled digest as one HTML text (see :func:`digest_parts`)."""
    since = f" since {esc(_utc(digest.since))}" if digest.since else ""
    if not digest.items:
        return f"<b>Your briefing</b>{since}\n\nNo new articles."
    head = (f"<b>Your briefing</b>{since} — {len(digest.items)} stor{'y' if len(digest.items) == 1 else 'ies'} "
            f"from {digest.total_articles} new article(s){_grouped(digest)}, watched names first")
    if digest.watched:
        head += f"\n<b>Watching:</b> {esc(', '.join(digest.watched))}"
    return _join(
        head,
        *(_story(item, i) for i, item in enumerate(digest.items, 1)),
        _entities(digest.top_entities, "Most mentioned (change vs the period before)"),
        _events(digest),
        "More: /digest · /timeline · /who NAME · /settings",
    )


def digest_parts(digest: Digest) -> list[str]:
    """A scheduled digest as the messages to send, each under Telegram's 4096-character limit."""
    return split_message(digest_text(digest))


# -- feeds ----------------------------------------------------------------------------------
def _feed_line(feed: FeedRow) -> str:
    status = (f"{WARNING} {feed.errors} error(s): {esc(feed.last_error or '')}" if feed.errors
              else f"{feed.entries_seen} entries seen")
    polled = esc(_utc(feed.last_polled_at)) if feed.last_polled_at else "not polled yet"
    return f"<b>#{feed.id}</b> {esc(feed.title or feed.url)}\n{link(feed.url)}\n<i>{polled} · {status}</i>"


def feed_added(feed: FeedRow, created: bool, result: PollResult | None = None) -> str:
    """/feed add: the feed, and what its first poll stored."""
    if not created:
        return f"Already following this feed as #{feed.id}: {esc(feed.title or feed.url)}"
    head = f"<b>Following feed #{feed.id}</b>: {esc(feed.title or feed.url)}"
    if result is None:
        return head
    if result.status == "error":
        return _join(head, f"{WARNING} First check failed: {esc(result.error or 'unknown error')}. "
                           "I will keep trying, less often while it fails.")
    stored = ", ".join(f"#{i}" for i in result.stored[:20])
    lines = [f"{len(result.stored)} new article(s) stored{': ' + stored if stored else ''}"]
    if result.duplicates:
        lines.append(f"{result.duplicates} already stored")
    lines += [f"{WARNING} {esc(f)}" for f in result.failed[:5]]
    return _join(head, "\n".join(lines), "New entries are stored as they appear. /feed list shows every feed.")


def feed_list(feeds: Sequence[FeedRow]) -> str:
    if not feeds:
        return "No feeds yet. Follow one with /feed add URL, or send an OPML file with the caption /feed import."
    return _join(f"<b>Feeds</b> ({len(feeds)})", *(_feed_line(f) for f in feeds),
                 "/feed remove ID stops one · /feed export gives them as OPML")


def feed_removed(feed_id: int) -> str:
    return f"Stopped following feed #{feed_id}. Articles already stored stay in the archive."


def feeds_imported(added: int, known: int, refused: Sequence[str]) -> str:
    lines = [f"<b>Imported {added + known} feed(s)</b>: {added} new, {known} already followed."]
    if refused:
        lines.append(f"{WARNING} {len(refused)} refused:\n" + "\n".join(f"• {esc(r)}" for r in refused[:10]))
    lines.append("New feeds are being checked now; /feed list shows them.")
    return _join(*lines)


def feeds_caption(count: int) -> str:
    return f"{count} feed(s), OPML 2.0 — import it in any feed reader, or here with /feed import."


def opml_fallback(opml: str, reason: str | None = None) -> str:
    """The OPML as text, when Telegram would not take the file."""
    why = f" ({esc(reason)})" if reason else ""
    lines = opml.replace("><", ">\n<")  # one element a line: a long list is cut between elements
    return _join(f"{WARNING} Could not send the file{why}; save this text as feeds.opml:", f"<pre>{esc(lines)}</pre>")


# -- administration -------------------------------------------------------------------------
def _who(user_id: int, name: str | None = None) -> str:
    return f"{esc(name)} ({user_id})" if name else str(user_id)


def _open_note(mode: str) -> str:
    return ("\n<i>The bot is in open mode, so anyone may read anyway; /admin mode private restricts "
            "reading to users with a role and allowed chats.</i>") if mode == "open" else ""


def _a(role: str) -> str:
    return f"{'an' if role[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {role}"


def granted_reply(user_id: int, name: str | None, role: str) -> str:
    return f"{_who(user_id, name)} is now <b>{esc(_a(role))}</b>."


def revoked_reply(user_id: int, name: str | None, old_role: str, mode: str) -> str:
    after = "may still read, as anyone may in open mode" if mode == "open" else "may no longer use the bot"
    return f"{_who(user_id, name)} is no longer {esc(_a(old_role))}; they {after}."


def mode_reply(mode: str, *, changed: bool) -> str:
    meaning = ("anyone may read; storing needs the editor role" if mode == "open"
               else "only users with a role, and members of allowed chats, may read")
    return f"Access mode {'set to' if changed else 'is'} <b>{esc(mode)}</b>: {meaning}."


def access_list(mode: str, users: Sequence[tuple], chats: Sequence[int]) -> str:
    """/admin list: the mode, everyone with a role (owners first), the allowed chats."""
    lines = [
        f"• {_who(user_id, name)} — <b>{esc(role)}</b>"
        + (f", by {added_by}" if added_by else "") + f", since {esc(_date(created))}"
        for user_id, role, name, added_by, created in users
    ]
    return _join(
        f"<b>Access</b>: {esc(mode)} mode",
        "<b>Users</b>\n" + ("\n".join(lines) if lines else "nobody has a role yet"),
        "<b>Allowed chats</b>: " + (", ".join(str(c) for c in chats) if chats else "none"),
    )


def allowed_reply(chat_id: int, added: bool, mode: str) -> str:
    head = f"Chat {chat_id} {'is now' if added else 'was already'} on the allow-list: its members may read"
    return head + ", and if it is a channel I administer, its posts are archived." + _open_note(mode)


def denied_chat_reply(chat_id: int, removed: bool, mode: str) -> str:
    if not removed:
        return f"Chat {chat_id} was not on the allow-list." + _open_note(mode)
    return f"Chat {chat_id} is off the allow-list." + _open_note(mode)


def _size(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def stats_reply(stats, errors: Sequence[tuple[str, str, str]], *, roles: dict[str, int],
                allowed_chats: int, mode: str) -> str:
    """/stats: counts from :class:`storage.ArchiveStats`, access, and the latest errors."""
    languages = ", ".join(f"{esc(code)} {n}" for code, n in list(stats.languages.items())[:8])
    counts = "\n".join([
        f"Articles: {stats.articles}" + (f" ({languages})" if languages else ""),
        f"Summaries: {stats.summaries}",
        f"Entities: {stats.entities} ({stats.mentions} mentions)",
        f"Events: {stats.events}",
        f"Subscribed chats: {stats.subscribers}",
        f"Feeds: {stats.feeds}",
        f"Database size: {_size(stats.size_bytes)}" if stats.size_bytes else "Database: in memory",
    ])
    people = ", ".join(f"{roles[r]} {r}{'s' if roles[r] != 1 else ''}" for r in ("owner", "admin", "editor", "reader")
                       if roles.get(r))
    access = f"Mode: {esc(mode)}; {people or 'no roles'}; {allowed_chats} allowed chat(s)"
    recent = "\n".join(f"• {esc(at)} {esc(where)}: {esc(message[:200])}" for at, where, message in errors)
    return _join("<b>Archive</b>\n" + counts, "<b>Access</b>\n" + access,
                 "<b>Last errors</b>\n" + (recent or "none"))


def audit_reply(rows: Sequence[tuple]) -> str:
    """/audit: (id, at, actor, action, target, detail) rows, newest first."""
    if not rows:
        return "The audit log is empty."
    lines = [
        f"#{row_id} {esc(at)} · {actor if actor is not None else 'system'} · <b>{esc(action)}</b>"
        + (f" {esc(target)}" if target else "") + (f" — {esc(detail[:200])}" if detail else "")
        for row_id, at, actor, action, target, detail in rows
    ]
    return "<b>Audit log</b> (newest first)\n" + "\n".join(lines)


def delete_prompt(view: ArticleView) -> str:
    return (f"Delete <b>#{view.id} {esc(view.title)}</b>\n<i>{byline(view.source, view.published_at)}</i>\n"
            "with its summary, entities and events? This cannot be undone.")


def export_caption(suffix: str, articles: int) -> str:
    if suffix == ".jsonl":
        return f"{articles} article(s) as JSON lines"
    return "A consistent SQLite copy of the whole archive (open it with: briefing --db FILE stats)"


def broadcast_message(text: str) -> str:
    return f"📣 {esc(text)}"


def broadcast_reply(total: int, failed: Sequence[tuple[int, str]]) -> str:
    if not total:
        return "No chat is subscribed, so the broadcast went nowhere."
    head = f"Broadcast sent to {total - len(failed)} of {total} subscribed chat(s)."
    if not failed:
        return head
    return head + "\nFailed: " + "; ".join(f"{chat_id} ({esc(reason[:80])})" for chat_id, reason in failed[:20])


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
        plain = html.escape(html.unescape(strip_tags(text)), quote=False).strip()
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

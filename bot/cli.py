"""``briefing``: the offline command line. Every command calls :class:`Briefings`.

Every subcommand takes ``--json`` for machine-readable output; the default is for people.
Errors are one line on stderr and exit code 1 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storage import StorageError
from summarizer import METHODS

from . import __version__
from .briefings import BriefingError, Briefings
from .briefings.models import ArticleView, Digest, EntityCount, IngestResult, to_dict
from .briefings.timeline import omitted_note
from .config import Settings

logger = logging.getLogger(__name__)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

PROGRESS_MIN_FILES = 5
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


@dataclass
class State:
    settings: Settings
    db: str
    debug: bool
    _briefings: Briefings | None = None

    @property
    def briefings(self) -> Briefings:
        if self._briefings is None:
            self._briefings = Briefings.from_settings(self.settings, self.db)
        return self._briefings


class BriefingGroup(click.Group):
    """Turns domain errors into one clear line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (BriefingError, StorageError, ValueError) as error:
            if ctx.obj is not None and ctx.obj.debug:
                raise
            err.print(f"[red]error:[/] {escape(str(error))}")
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # last resort: still one line
            if ctx.obj is not None and ctx.obj.debug:
                raise
            logger.debug("unexpected error", exc_info=True)
            err.print(f"[red]error:[/] internal error ({type(error).__name__}: {escape(str(error))}); "
                      "run with --debug for the traceback")
            ctx.exit(1)
        finally:
            if ctx.obj is not None and ctx.obj._briefings is not None:
                ctx.obj._briefings.close()


def emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(cls=BriefingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH", help="SQLite archive (default: $BRIEFING_DB or ./briefing.db).")
@click.option("--debug", is_flag=True, help="Verbose logs and full tracebacks.")
@click.version_option(__version__, prog_name="briefing")
@click.pass_context
def main(ctx: click.Context, db: str | None, debug: bool) -> None:
    """Newsroom briefings from your article archive, offline."""
    settings = Settings.load()
    logging.basicConfig(
        level=logging.DEBUG if debug else getattr(logging, settings.briefing_log_level.upper(), logging.INFO),
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not debug:  # library chatter is not for the terminal
        for noisy in ("trafilatura", "htmldate", "charset_normalizer", "bot.briefings.service"):
            logging.getLogger(noisy).setLevel(logging.CRITICAL)
    ctx.obj = State(settings, db or settings.briefing_db, debug)


# -- rendering ------------------------------------------------------------------------------
def _date(value: str | None) -> str:
    return value[:10] if value else "date unknown"


def _byline(source: str | None, published_at: str | None, language: str | None = None) -> str:
    parts = [source or "source unknown", _date(published_at)]
    if language:
        parts.append(language)
    return " · ".join(parts)


def _print_summary(sentences: list[str], indent: str = "   ") -> None:
    if not sentences:
        out.print(f"{indent}[dim](no summary)[/]")
    for sentence in sentences:
        out.print(f"{indent}• {escape(sentence)}")


def _print_entities(entities: list[EntityCount], heading: str = "Top entities") -> None:
    if not entities:
        return
    listed = ", ".join(f"{escape(e.name)} [dim]({e.type}, {e.mentions}×)[/]" for e in entities)
    out.print(f"[bold]{heading}:[/] {listed}")


def _print_ingest(result: IngestResult | BriefingError) -> None:
    if isinstance(result, BriefingError):
        err.print(f"[red]✗[/] {escape(str(result))}")
        return
    mark = "[green]✓[/]" if result.created else "[yellow]=[/]"
    out.print(f"{mark} {escape(result.message)}")
    for warning in result.warnings:
        out.print(f"   [yellow]![/] {escape(warning)}")


def _print_digest(digest: Digest, heading: str) -> None:
    out.print(f"[bold underline]{escape(heading)}[/]")
    since = f" since {digest.since}" if digest.since else ""
    shown = f", showing {len(digest.items)}" if len(digest.items) < digest.total_articles else ""
    grouped = f" (the newest {digest.grouped} grouped)" if digest.capped else ""
    out.print(f"[dim]{digest.total_articles} article(s){since}{grouped}{shown} · generated {digest.generated_at}[/]\n")
    if not digest.items:
        out.print("No new articles.")
    for item in digest.items:
        out.print(f"[bold]#{item.id} {escape(item.title)}[/]")
        out.print(f"   [dim]{escape(_byline(item.source, item.published_at))}[/]")
        if item.also:
            others = ", ".join(f"#{c.article_id} {c.source or 'source unknown'}" for c in item.also)
            out.print(f"   [dim]reported by {item.sources} sources; also {escape(others)}[/]")
        if item.watched:
            out.print(f"   [dim]watched: {escape(', '.join(item.watched))}[/]")
        _print_summary(item.summary)
        out.print()
    _print_entities(digest.top_entities)
    changes = [e for e in digest.top_entities if e.change and e.change != "="]
    if changes:
        out.print("[dim]vs the previous period: " + escape(", ".join(f"{e.name} {e.change}" for e in changes)) + "[/]")
    if digest.events:
        out.print("[bold]Timeline events in these articles[/] "
                  "(the latest-dated; earlier ones with `briefing timeline`):")
        for event in digest.latest_events():
            out.print(f"   {escape(event.label)} — {escape(event.line)} "
                      f"[dim]({', '.join(f'#{c.article_id}' for c in event.sources)})[/]")


def _executable() -> str:
    """How the user can call this program again: ``briefing`` if on PATH, else its path."""
    import os
    import shutil

    if shutil.which("briefing"):
        return "briefing"
    script = Path(sys.argv[0])
    return os.path.relpath(script) if script.name == "briefing" else "briefing"


# -- commands -------------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--source", help="Source name for text read from stdin ('-').")
@JSON_OPTION
@click.pass_obj
def ingest(state: State, paths: tuple[str, ...], source: str | None, as_json: bool) -> None:
    """Store articles from files (.txt .md .html), folders, or '-' for stdin.

    A folder's manifest.json may give title, source, url, published_at and language per
    file. Text already stored (or the same URL) is not stored twice.
    """
    briefings = state.briefings
    results: list[IngestResult | BriefingError] = []
    if "-" in paths:
        try:
            results.append(briefings.ingest_text(sys.stdin.read(), source=source, origin="stdin"))
        except BriefingError as error:
            results.append(type(error)(f"stdin: {error}"))
        paths = tuple(p for p in paths if p != "-")
    jobs = briefings.plan_paths(paths)
    show_progress = not as_json and len(jobs) >= PROGRESS_MIN_FILES and err.is_terminal
    report: Callable[[IngestResult | BriefingError], None] = (lambda r: None) if as_json else _print_ingest
    for result in results:
        report(result)
    if show_progress:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(jobs))
            for result in briefings.run_jobs(jobs):
                results.append(result)
                progress.advance(task)
    else:
        for result in briefings.run_jobs(jobs):
            results.append(result)
            report(result)
    if show_progress:
        for result in results:
            report(result)
    done = [r for r in results if isinstance(r, IngestResult)]
    failed = [r for r in results if isinstance(r, BriefingError)]
    if as_json:
        emit({
            "stored": sum(r.created for r in done),
            "duplicates": sum(not r.created for r in done),
            "failed": len(failed),
            "results": to_dict(done),
            "errors": [str(e) for e in failed],
        })
    elif len(results) > 1:
        out.print(f"[dim]{sum(r.created for r in done)} stored, {sum(not r.created for r in done)} "
                  f"already stored, {len(failed)} failed[/]")
    if failed or not results:
        if not results:
            err.print("[red]error:[/] nothing to ingest (no .txt, .md or .html files found)")
        sys.exit(1)


@main.command()
@click.argument("target")
@click.option("--method", "-m", type=click.Choice(sorted(METHODS), case_sensitive=False),
              help="Summarizer (default: $BRIEFING_SUMMARIZER or newsrank).")
@click.option("--sentences", "-n", type=click.IntRange(1, 50), help="Sentences in the summary (default 3).")
@JSON_OPTION
@click.pass_obj
def summarize(state: State, target: str, method: str | None, sentences: int | None, as_json: bool) -> None:
    """Summarize a stored article (ID) or a file, without storing it."""
    briefings = state.briefings
    if Path(target).is_file():
        view = briefings.summarize_file(target, method=method, sentences=sentences)
    else:
        view = briefings.summarize_article(target, method=method, sentences=sentences)
    if as_json:
        emit(to_dict(view))
        return
    label = f"#{view.article_id} " if view.article_id else ""
    out.print(f"[bold]{escape(label + (view.title or target))}[/]")
    out.print(f"[dim]{view.method}, {len(view.sentences)} of {view.total_sentences} sentences, "
              f"language {view.language}[/]")
    _print_summary(view.sentences)
    for warning in view.warnings:
        out.print(f"[yellow]![/] {escape(warning)}")


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@JSON_OPTION
@click.pass_obj
def search(state: State, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over titles and texts (best match first)."""
    hits = state.briefings.search(" ".join(query), limit=limit)
    if as_json:
        emit(to_dict(hits))
        return
    if not hits:
        out.print(f"No articles match {escape(' '.join(query))!r}.")
        return
    for hit in hits:
        out.print(f"[bold]#{hit.id} {escape(hit.title)}[/] [dim]{escape(_byline(hit.source, hit.published_at))}[/]")
        out.print(f"   {escape(hit.snippet)}")


@main.command()
@click.option("--since", help="Only articles ingested since then: 2025-05-27, '2 days ago', yesterday...")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@JSON_OPTION
@click.pass_obj
def digest(state: State, since: str | None, limit: int, as_json: bool) -> None:
    """A briefing of the latest articles: summaries and the most mentioned entities."""
    result = state.briefings.digest(since=since, limit=limit)
    if as_json:
        emit(to_dict(result))
        return
    _print_digest(result, "Briefing")


@main.command(name="list")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@JSON_OPTION
@click.pass_obj
def list_(state: State, limit: int, offset: int, as_json: bool) -> None:
    """List stored articles, newest first."""
    views = state.briefings.list_articles(limit=limit, offset=offset)
    if as_json:
        emit(to_dict(views))
        return
    if not views:
        out.print("The archive is empty. Try: briefing ingest seeds/")
        return
    table = Table(show_header=True, header_style="bold", box=None)
    for column in ("id", "published", "source", "lang", "title"):
        table.add_column(column, overflow="fold")
    for v in views:
        table.add_row(f"#{v.id}", _date(v.published_at), escape(v.source or "—"), v.language or "—", escape(v.title))
    out.print(table)


@main.command()
@click.argument("article_id")
@click.option("--text/--no-text", default=True, help="Print the full text (default) or not.")
@JSON_OPTION
@click.pass_obj
def show(state: State, article_id: str, text: bool, as_json: bool) -> None:
    """Show one article: metadata, summary, entities and text."""
    view: ArticleView = state.briefings.article(article_id, with_text=text)
    if as_json:
        emit(to_dict(view))
        return
    out.print(f"[bold]#{view.id} {escape(view.title)}[/]")
    out.print(f"[dim]{escape(_byline(view.source, view.published_at, view.language))} · "
              f"ingested {view.ingested_at}[/]")
    if view.url:
        out.print(f"[dim]{escape(view.url)}[/]")
    out.print("[bold]Summary:[/]")
    _print_summary(view.summary)
    _print_entities(view.entities, "Entities")
    for warning in view.warnings:
        out.print(f"[yellow]![/] {escape(warning)}")
    if view.analysis_error:
        out.print(f"[yellow]! analysis failed: {escape(view.analysis_error)}[/]")
    if view.text:
        out.print()
        out.print(escape(view.text))


@main.command()
@JSON_OPTION
def methods(as_json: bool) -> None:
    """List the summarizers (--method names)."""
    from summarizer import DEFAULT_METHOD

    rows = [{"name": m.name, "description": m.description, "default": m.name == DEFAULT_METHOD}
            for m in METHODS.values()]
    if as_json:
        emit(rows)
        return
    for row in rows:
        star = " [green](default)[/]" if row["default"] else ""
        out.print(f"[bold]{row['name']:<9}[/] {escape(row['description'])}{star}")


@main.command()
@JSON_OPTION
@click.pass_obj
def stats(state: State, as_json: bool) -> None:
    """Archive statistics and schema version."""
    archive = state.briefings.archive
    s = archive.stats()
    data = {
        "db": archive.path,
        "schema_version": archive.schema_version,
        "migrations": archive.applied_migrations(),
        "articles": s.articles,
        "summaries": s.summaries,
        "mentions": s.mentions,
        "entities": s.entities,
        "languages": s.languages,
        "size_bytes": s.size_bytes,
    }
    if as_json:
        emit(data)
        return
    for key, value in data.items():
        out.print(f"[bold]{key:<15}[/] {escape(str(value))}")


@main.command()
@click.option("--seeds", "seeds_dir", default="seeds", show_default=True, type=click.Path(file_okay=False))
@JSON_OPTION
@click.pass_obj
def demo(state: State, seeds_dir: str, as_json: bool) -> None:
    """Ingest the sample articles and print a briefing of them."""
    briefings = state.briefings
    if not Path(seeds_dir).is_dir():
        raise BriefingError(f"no seeds folder at {seeds_dir}; run from the project root or pass --seeds")
    results = list(briefings.ingest_paths([seeds_dir]))
    result = briefings.digest()
    if as_json:
        emit({"ingested": [to_dict(r) if isinstance(r, IngestResult) else str(r) for r in results],
              "digest": to_dict(result)})
        return
    for r in results:
        _print_ingest(r)
    out.print()
    _print_digest(result, f"Briefing from {state.db}")
    first = result.items[-1].id if result.items else 1
    exe = _executable()
    out.print("\n[bold]Try next:[/]")
    for command in (
        f"{exe} --db {state.db} search France",
        f"{exe} --db {state.db} show {first}",
        f"{exe} --db {state.db} summarize {first} --method lexrank --sentences 5",
        f"{exe} --db {state.db} digest --since yesterday --json",
        f"{exe} methods",
    ):
        out.print(f"  {escape(command)}")


@main.command()
@click.argument("name", nargs=-1, required=True)
@JSON_OPTION
@click.pass_obj
def who(state: State, name: tuple[str, ...], as_json: bool) -> None:
    """A dossier on a person, organisation or place: role, summary, quotes, related, sources."""
    dossier = state.briefings.who(" ".join(name))
    if as_json:
        emit(to_dict(dossier))
        return
    kind = {"PER": "person", "ORG": "organisation", "LOC": "place"}.get(dossier.type, "name")
    out.print(f"[bold]{escape(dossier.name)}[/] [dim]({kind}; {dossier.mentions} mentions in "
              f"{len(dossier.articles)}{'+' if len(dossier.articles) >= 10 else ''} articles)[/]")
    if dossier.aliases:
        out.print(f"[dim]also written: {escape(', '.join(dossier.aliases))}[/]")
    if dossier.others:
        out.print(f"[dim]“{escape(dossier.query)}” may also mean: {escape(', '.join(dossier.others))}[/]")
    if dossier.first_seen:
        out.print(f"[dim]first seen {_date(dossier.first_seen)}, last seen {_date(dossier.last_seen)} "
                  "(publish dates)[/]")
    for role in dossier.roles:
        out.print(f"[bold]Role:[/] {escape(role.description)} [dim](#{role.source.article_id})[/]")
    if dossier.summary:
        out.print("[bold]What the archive says:[/]")
        for sentence in dossier.summary:
            out.print(f"   • {escape(sentence.text)} [dim](#{sentence.source.article_id})[/]")
    if dossier.quotes:
        out.print("[bold]Quotes:[/]")
        for quote in dossier.quotes:
            out.print(f"   “{escape(quote.text)}” [dim]— {escape(quote.speaker)}, "
                      f"{escape(quote.source.source or 'source unknown')} #{quote.source.article_id}[/]")
    _print_entities(dossier.related, "Related")
    out.print("[bold]Sources:[/]")
    for item in dossier.articles:
        cite = item.source
        out.print(f"   #{cite.article_id} {escape(cite.title)} [dim]{escape(_byline(cite.source, cite.published_at))}, "
                  f"{item.mentions}×[/]")


@main.command()
@click.option("--limit", type=click.IntRange(1, 200), default=20, show_default=True)
@JSON_OPTION
@click.pass_obj
def entities(state: State, limit: int, as_json: bool) -> None:
    """The most mentioned people, organisations and places (aliases merged)."""
    rows = state.briefings.entities(limit=limit)
    if as_json:
        emit(to_dict(rows))
        return
    for row in rows:
        out.print(f"{escape(row.name)} [dim]({row.type}) {row.mentions} mentions in {row.articles} articles[/]")


@main.command()
@click.argument("query", nargs=-1)
@click.option("--png", "png_path", type=click.Path(dir_okay=False, writable=True),
              help="Also draw the timeline as a PNG image to this file.")
@JSON_OPTION
@click.pass_obj
def timeline(state: State, query: tuple[str, ...], png_path: str | None, as_json: bool) -> None:
    """Dated events, oldest first, each citing its articles: [ENTITY] [FROM..TO] (e.g. France 2020..2025)."""
    if png_path or (query and query[0].lower() == "chart"):
        result, png = state.briefings.timeline_chart(query)
        if png_path:
            Path(png_path).write_bytes(png)
    else:
        result = state.briefings.timeline(query)
    if as_json:
        emit(to_dict(result))
        return
    scope = " for " + result.entity if result.entity else ""
    period = f" {result.date_from or '…'} to {result.date_to or '…'}" if (result.date_from or result.date_to) else ""
    out.print(f"[bold underline]Timeline{escape(scope)}{period}[/] [dim](oldest first)[/]")
    if not result.events:
        out.print("No dated events found.")
    if result.earlier_omitted:
        out.print(f"[dim]{escape(omitted_note(result, 'briefing timeline'))}[/]")
    for event in result.events:
        sources = ", ".join(f"#{c.article_id} {c.source or 'source unknown'}" for c in event.sources)
        how = "" if event.explicit else " [dim](date resolved from the publish date)[/]"
        out.print(f"[bold]{escape(event.label)}[/]  {escape(event.line)}{how}")
        out.print(f"   [dim]{escape(sources)}[/]")
    if png_path:
        out.print(f"[dim]chart written to {escape(png_path)}[/]")


@main.group()
def feeds() -> None:
    """RSS/Atom feeds: add, list, remove, poll, OPML import/export."""


@feeds.command(name="add")
@click.argument("url")
@click.pass_obj
def feeds_add(state: State, url: str) -> None:
    """Add a feed by URL."""
    from .briefings.feeds import add_feed

    feed, created = add_feed(state.briefings, url)
    out.print(f"{'added' if created else 'already added'} feed #{feed.id}: {escape(feed.url)}")


@feeds.command(name="list")
@JSON_OPTION
@click.pass_obj
def feeds_list(state: State, as_json: bool) -> None:
    """List feeds with their last poll and errors."""
    rows = state.briefings.archive.feeds()
    if as_json:
        emit(to_dict(rows))
        return
    if not rows:
        out.print("No feeds. Add one: briefing feeds add URL")
    for f in rows:
        status = f"errors {f.errors}: {f.last_error}" if f.errors else f"{f.entries_seen} entries seen"
        out.print(f"#{f.id} {escape(f.title or f.url)} [dim]{escape(f.url)} · polled {f.last_polled_at or 'never'} · "
                  f"{escape(status)}[/]")


@feeds.command(name="remove")
@click.argument("feed_id", type=int)
@click.pass_obj
def feeds_remove(state: State, feed_id: int) -> None:
    """Remove a feed by id."""
    if not state.briefings.archive.remove_feed(feed_id):
        raise BriefingError(f"no feed #{feed_id}")
    out.print(f"removed feed #{feed_id}")


@feeds.command(name="poll")
@click.option("--all", "poll_all", is_flag=True, help="Poll every feed, not only those due.")
@JSON_OPTION
@click.pass_obj
def feeds_poll(state: State, poll_all: bool, as_json: bool) -> None:
    """Poll due feeds now and ingest new entries."""
    from datetime import datetime, timezone

    from .briefings.feeds import due_feeds, poll_feed

    briefings = state.briefings
    now = datetime.now(timezone.utc)
    targets = briefings.archive.feeds() if poll_all else due_feeds(briefings, now)
    results = [poll_feed(briefings, feed, now=now, timeout=state.settings.briefing_fetch_timeout) for feed in targets]
    if as_json:
        emit(to_dict(results))
        return
    if not results:
        out.print("No feeds due.")
    for r in results:
        detail = r.error if r.status == "error" else f"{len(r.stored)} stored, {r.duplicates} already stored"
        out.print(f"#{r.feed_id} {r.status}: {escape(detail)}")
        for failure in r.failed:
            out.print(f"   [yellow]![/] {escape(failure)}")


@feeds.command(name="import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def feeds_import(state: State, opml: str) -> None:
    """Add every feed listed in an OPML file."""
    from .briefings.feeds import add_feed, parse_opml

    added = 0
    for url in parse_opml(Path(opml).read_bytes()):
        try:
            added += add_feed(state.briefings, url)[1]
        except BriefingError as error:
            err.print(f"[yellow]![/] {escape(str(error))}")
    out.print(f"{added} feed(s) added")


@feeds.command(name="export")
@click.pass_obj
def feeds_export(state: State) -> None:
    """Print the feeds as OPML."""
    from .briefings.feeds import export_opml

    click.echo(export_opml(state.briefings.archive.feeds()))


@main.command()
@click.option("--jsonl", "jsonl_path", type=click.Path(dir_okay=False), help="Write the articles as JSON lines.")
@click.option("--backup", "backup_path", type=click.Path(dir_okay=False), help="Write a consistent SQLite copy.")
@click.pass_obj
def export(state: State, jsonl_path: str | None, backup_path: str | None) -> None:
    """Export the archive: JSON lines of every article, and/or a SQLite backup."""
    if not jsonl_path and not backup_path:
        raise BriefingError("give --jsonl FILE and/or --backup FILE")
    archive = state.briefings.archive
    if jsonl_path:
        with open(jsonl_path, "w", encoding="utf-8") as handle:
            count = archive.export_jsonl(handle)
        out.print(f"{count} articles written to {escape(jsonl_path)}")
    if backup_path:
        if Path(backup_path).resolve() == Path(archive.path).resolve():
            raise BriefingError("the backup must not overwrite the archive itself")
        archive.backup(backup_path)
        out.print(f"backup written to {escape(backup_path)}")


@main.command()
@click.pass_obj
def run(state: State) -> None:
    """Run the Telegram bot: long polling, or a webhook if TELEGRAM_WEBHOOK_URL is set.

    Needs TELEGRAM_BOT_TOKEN (in .env or the environment); stops on Ctrl+C.
    """
    from dataclasses import replace

    from .telegram.app import BotConfigError, serve

    logging.getLogger("bot.briefings.service").setLevel(logging.NOTSET)  # analysis failures belong in the log
    try:
        serve(replace(state.settings, briefing_db=state.db))
    except BotConfigError as error:  # one unwrapped line, however narrow the terminal
        click.echo(f"error: {error}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()

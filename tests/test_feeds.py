"""RSS/Atom feeds against a local HTTP server: new entries, 304, broken feeds, back-off, OPML."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.briefings import Briefings, InvalidArgument
from bot.briefings.feeds import add_feed, backoff, due_feeds, export_opml, parse_opml, poll_feed

from .webserver import FixtureServer

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
STORY = "<p>" + "The regional parliament voted on the new water law after months of debate. " * 5 + "</p>"
PAGE = ("<html><head><title>Water law passes</title></head><body><article><h1>Water law passes</h1>"
        f"{STORY}<p>Farmers welcomed the decision.</p></article></body></html>").encode()


TEASER = "Regional lawmakers approved the water law on Monday after a months-long dispute with farmers."


def rss(base: str, items: list[tuple[str, str, str]], teaser: str = TEASER) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{guid}</guid>"
        f"<pubDate>Mon, 01 Jun 2026 06:00:00 GMT</pubDate><description>{teaser}</description></item>"
        for guid, title, path in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire RSS</title>'
            f"<link>{base}</link>{entries}</channel></rss>").encode()


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<updated>2026-06-01T06:00:00Z</updated>
<entry><title>Port strike ends</title><id>urn:desk:1</id><link href="http://example.invalid/port"/>
<updated>2026-05-30T10:00:00Z</updated>
<content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>
</feed>""".format(body="Dock workers returned to work on Saturday after a ten-day strike over pay. " * 12)


@pytest.fixture
def briefings(archive):
    return Briefings(archive, allow_private_urls=True)  # the feed server is on loopback


@pytest.fixture
def server():
    with FixtureServer() as running:
        yield running


def test_rss_entries_are_fetched_like_links_and_deduped(briefings, server):
    server.routes["/water"] = (200, {"Content-Type": "text/html"}, PAGE)
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'},
                                  rss(server.base, [("g1", "Water law passes", "/water")]))
    feed, created = add_feed(briefings, server.base + "/feed.xml")
    assert created
    result = poll_feed(briefings, feed, now=NOW)
    assert (result.status, result.new_entries, len(result.stored)) == ("ok", 1, 1)
    article = briefings.get_article(result.stored[0])
    assert article.title == "Water law passes" and article.source == "Wire RSS" and article.origin == "rss"
    assert article.published_at == "2026-06-01T06:00:00+00:00"
    # the same entry again (by GUID) is not ingested again
    again = poll_feed(briefings, briefings.archive.feed(feed.id), now=NOW + timedelta(hours=1))
    assert again.new_entries == 0 and briefings.archive.count_articles() == 1
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'


def test_not_modified_costs_nothing(briefings, server):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v2"':
            return 304, {}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v2"'}, rss(server.base, [])

    server.routes["/feed.xml"] = conditional
    feed, _ = add_feed(briefings, server.base + "/feed.xml")
    assert poll_feed(briefings, feed, now=NOW).status == "ok"
    second = poll_feed(briefings, briefings.archive.feed(feed.id), now=NOW + timedelta(minutes=30))
    assert second.status == "not-modified"
    stored = briefings.archive.feed(feed.id)
    assert stored.next_poll_at == (NOW + timedelta(minutes=60)).isoformat()


def test_atom_with_full_content_is_stored_without_fetching(briefings, server):
    server.routes["/atom.xml"] = (200, {"Content-Type": "application/atom+xml"}, ATOM.encode())
    feed, _ = add_feed(briefings, server.base + "/atom.xml")
    result = poll_feed(briefings, feed, now=NOW)
    assert len(result.stored) == 1
    article = briefings.get_article(result.stored[0])
    assert article.title == "Port strike ends" and "Dock workers returned" in article.text
    assert article.url == "http://example.invalid/port"


def test_broken_feed_backs_off_and_keeps_data(briefings, server):
    briefings.ingest_text("Kept story\nThis article must survive a broken feed poll.")
    server.routes["/bad.xml"] = (200, {"Content-Type": "application/rss+xml"}, b"\x00\x01 this is not xml <<<")
    server.routes["/gone.xml"] = (500, {"Content-Type": "text/plain"}, b"oops")
    for path in ("/bad.xml", "/gone.xml"):
        feed, _ = add_feed(briefings, server.base + path)
        result = poll_feed(briefings, feed, now=NOW)
        assert result.status == "error" and result.error
        stored = briefings.archive.feed(feed.id)
        assert stored.errors == 1 and stored.next_poll_at == (NOW + backoff(1)).isoformat()
        result = poll_feed(briefings, stored, now=NOW + backoff(1))
        assert briefings.archive.feed(feed.id).errors == 2
    assert backoff(1) < backoff(2) < backoff(20) == timedelta(hours=24)
    assert briefings.archive.count_articles() == 1
    assert due_feeds(briefings, NOW) == []


def test_unreachable_entry_link_falls_back_to_teaser_or_reports(briefings, server):
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                  rss(server.base, [("g9", "Missing page", "/missing")]))
    feed, _ = add_feed(briefings, server.base + "/feed.xml")
    result = poll_feed(briefings, feed, now=NOW)
    # the page 404s; the teaser is stored so the entry is not lost
    assert result.new_entries == 1 and len(result.stored) == 1
    assert briefings.get_article(result.stored[0]).text == TEASER
    # a teaser too short to be an article is reported, not stored
    server.routes["/feed2.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                   rss(server.base, [("g10", "Gone", "/missing2")], teaser="Read more."))
    feed2, _ = add_feed(briefings, server.base + "/feed2.xml")
    result = poll_feed(briefings, feed2, now=NOW)
    assert result.stored == [] and len(result.failed) == 1 and "/missing2" in result.failed[0]


def test_opml_round_trip_and_bad_opml(briefings):
    briefings.archive.add_feed("https://a.example/rss", title="A & B")
    briefings.archive.add_feed("https://c.example/atom")
    text = export_opml(briefings.archive.feeds())
    assert parse_opml(text) == ["https://a.example/rss", "https://c.example/atom"]
    with pytest.raises(InvalidArgument):
        parse_opml("<opml><body></body></opml>")
    with pytest.raises(InvalidArgument):
        parse_opml("not xml")
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<opml><body><outline xmlUrl='&lol2;'/></body></opml>")
    with pytest.raises(InvalidArgument):
        parse_opml(bomb)


def test_add_feed_rejects_non_http(briefings):
    with pytest.raises(InvalidArgument):
        add_feed(briefings, "file:///etc/passwd")
    feed, created = add_feed(briefings, "https://x.example/rss")
    assert created and not add_feed(briefings, "https://x.example/rss")[1]

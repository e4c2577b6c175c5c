"""Fetching linked pages and storing uploads, against a local HTTP server and a real SQLite file."""

from __future__ import annotations

import socket
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

import pytest

from bot.briefings import Briefings
from bot.briefings.errors import (
    BinaryInput, EmptyInput, FetchFailed, InputTooLarge, InvalidArgument, NoTextFound, UnsupportedInput,
)
from bot.briefings.fetch import fetch_url, ingest_upload, ingest_url

from .webserver import serving

pytestmark = pytest.mark.timeout(30)

MAX = 200_000
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Ferry strike ends after pay deal | Coast Herald</title>
<meta property="og:site_name" content="Coast Herald">
<meta property="article:published_time" content="2025-02-03T07:00:00Z">
</head><body><nav>Home · World · Sport</nav><article><h1>Ferry strike ends after pay deal</h1>
<p>Ferry crews on the northern routes returned to work on Monday after the union accepted a pay offer
of four per cent, ending a strike that had stranded island residents for nine days.</p>
<p>The operator, Nordlinjen, said the first sailings would leave at six in the morning and that tickets
bought for cancelled crossings would be valid until the end of the month.</p>
<p>Union leader Marta Olsen said the deal also limits night shifts, which crews had called unsafe.</p>
</article><footer>Coast Herald newsletter</footer></body></html>"""
NAV_ONLY = "<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
PLAIN = "Ferry strike ends\n" + PAGE.split("<p>")[1].split("</p>")[0]
SCRIPT_ONLY = "<html><head><title>App</title></head><body><div></div><script>start()</script></body></html>"


class Pages(BaseHTTPRequestHandler):
    """Fixture routes; ``hits`` counts requests per path."""

    hits: Counter = Counter()

    def do_GET(self) -> None:  # noqa: N802
        Pages.hits[self.path] += 1
        route = {
            "/ok.html": lambda: self._send(PAGE.encode(), "text/html; charset=utf-8"),
            "/plain.txt": lambda: self._send(PLAIN.encode(), "text/plain"),
            "/latin1.html": lambda: self._send(PAGE.replace("Monday", "Mondäy café").encode("latin-1"),
                                               "text/html; charset=ISO-8859-1"),
            "/empty.html": lambda: self._send(b"", "text/html"),
            "/nav.html": lambda: self._send(NAV_ONLY.encode(), "text/html"),
            "/script.html": lambda: self._send(SCRIPT_ONLY.encode(), "text/html"),
            "/binary.html": lambda: self._send(bytes(range(256)) * 8, "text/html"),
            "/report.pdf": lambda: self._send(b"%PDF-1.7 ...", "application/pdf"),
            "/huge.html": self._huge,
            "/declared-huge.html": lambda: self._send(b"<p>hi</p>", "text/html", length=50_000_000),
            "/slow.html": self._slow,
            "/drip.html": self._drip,
            "/redirect": lambda: self._redirect("/ok.html"),
            "/loop": lambda: self._redirect("/loop"),
        }.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        try:
            route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def _send(self, body: bytes, content_type: str, *, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _huge(self) -> None:  # no Content-Length: only counting the bytes can stop it
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(200):
            self.wfile.write(b"<p>" + b"filler text " * 1000 + b"</p>")

    def _slow(self) -> None:
        time.sleep(2)
        self._send(PAGE.encode(), "text/html")

    def _drip(self) -> None:  # answers at once, then sends a byte every 0.2 s
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(25):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(0.2)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    with serving(Pages) as base:
        yield base


@pytest.fixture
def briefings(archive):
    """Briefings over the real SQLite archive of tests/conftest.py, with a small input limit."""
    return Briefings(archive, max_input_bytes=MAX, allow_private_urls=True)  # the test site is on loopback


# -- fetch_url ------------------------------------------------------------------------------
def test_article_page_gives_text_title_date_and_source(site):
    doc = fetch_url(f"{site}/ok.html", max_bytes=MAX, timeout=5, allow_private=True)
    assert doc.title == "Ferry strike ends after pay deal"
    assert doc.published_at.startswith("2025-02-03")
    assert doc.source == "Coast Herald"
    assert doc.url == f"{site}/ok.html" and doc.origin == "url"
    assert "Nordlinjen" in doc.text and "newsletter" not in doc.text and "Home" not in doc.text


def test_redirects_are_followed_and_the_asked_url_kept(site):
    doc = fetch_url(f"{site}/redirect", max_bytes=MAX, timeout=5, allow_private=True)
    assert "Nordlinjen" in doc.text and doc.url == f"{site}/redirect"


def test_plain_text_and_declared_charsets(site):
    plain = fetch_url(f"{site}/plain.txt", max_bytes=MAX, timeout=5, allow_private=True)
    assert plain.title == "Ferry strike ends" and "Ferry crews" in plain.text
    latin = fetch_url(f"{site}/latin1.html", max_bytes=MAX, timeout=5, allow_private=True)
    assert "Mondäy café" in latin.text


@pytest.mark.parametrize(("path", "error", "words"), [
    ("/missing", FetchFailed, "HTTP 404"),
    ("/report.pdf", UnsupportedInput, "application/pdf, not a web page"),
    ("/huge.html", InputTooLarge, "over the 0.2 MB limit"),
    ("/declared-huge.html", InputTooLarge, "50.0 MB"),
    ("/loop", FetchFailed, "redirects more than 5 times"),
    ("/empty.html", EmptyInput, "empty"),
    ("/script.html", NoTextFound, "no article text"),
    ("/binary.html", BinaryInput, "binary"),
])
def test_pages_that_cannot_be_stored_say_why(site, path, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(".", r"\.")):
        fetch_url(f"{site}{path}", max_bytes=MAX, timeout=5, allow_private=True)


def test_a_page_without_enough_main_text_is_not_an_article(site):
    with pytest.raises(NoTextFound, match="no article text found"):
        fetch_url(f"{site}/nav.html", max_bytes=MAX, timeout=5, allow_private=True, min_chars=200)
    assert len(fetch_url(f"{site}/ok.html", max_bytes=MAX, timeout=5, allow_private=True, min_chars=200).text) > 200


def test_slow_servers_time_out(site):
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"did not answer within 0\.5 s"):
        fetch_url(f"{site}/slow.html", max_bytes=MAX, timeout=0.5, allow_private=True)
    with pytest.raises(FetchFailed, match=r"took longer than 1 s"):
        fetch_url(f"{site}/drip.html", max_bytes=MAX, timeout=1, allow_private=True)
    assert time.monotonic() - started < 4


def test_unreachable_hosts_and_non_web_urls():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with pytest.raises(FetchFailed, match="connection refused"):
        fetch_url(f"http://127.0.0.1:{closed}/x", max_bytes=MAX, timeout=2, allow_private=True)
    for url in ("ftp://example.org/file", "file:///etc/passwd", "javascript:alert(1)", "no url", "http://"):
        with pytest.raises(InvalidArgument, match="only http:// and https://"):
            fetch_url(url, max_bytes=MAX, timeout=2)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254",
                                  "100.64.0.1", "0.0.0.0", "[::1]", "[fe80::1]", "[::ffff:127.0.0.1]", "[fd00::5]"])
def test_private_and_local_addresses_are_refused_by_default(host):
    with pytest.raises(FetchFailed, match="private or local address"):
        fetch_url(f"http://{host}:9/page", max_bytes=MAX, timeout=2)


def test_a_redirect_to_a_local_address_is_refused(site):
    """The check runs on every request: a public page cannot bounce the bot onto the intranet."""
    from bot.briefings.fetch import check_public, public_only

    check_public("93.184.216.34")  # a public address literal: allowed, no DNS needed
    hooks = public_only(False)["request"]
    import httpx

    with pytest.raises(FetchFailed, match="127.0.0.1"):
        hooks[0](httpx.Request("GET", f"{site}/redirect"))  # what httpx calls before each hop
    assert public_only(True) == {}


def test_the_bot_refuses_local_links_unless_configured(archive, site):
    strict = Briefings(archive, max_input_bytes=MAX)
    with pytest.raises(FetchFailed, match="BRIEFING_FETCH_PRIVATE=1"):
        ingest_url(strict, f"{site}/ok.html", timeout=5)
    assert archive.count_articles() == 0


# -- ingest_url / ingest_upload -------------------------------------------------------------
def test_ingest_url_stores_once_and_does_not_fetch_a_known_url_again(site, briefings):
    url = f"{site}/ok.html"
    first = ingest_url(briefings, url, timeout=5)
    assert first.created and first.title == "Ferry strike ends after pay deal" and first.summary
    stored = briefings.get_article(first.article_id)
    assert stored.url == url and stored.origin == "url" and stored.source == "Coast Herald"
    hits = Pages.hits[url.removeprefix(site)]

    again = ingest_url(briefings, url, timeout=5)
    assert not again.created and again.article_id == first.article_id and again.matched_on == "url"
    assert Pages.hits[url.removeprefix(site)] == hits  # answered from the archive

    redirected = ingest_url(briefings, f"{site}/redirect", timeout=5)  # same text, other URL
    assert not redirected.created and redirected.matched_on == "text"


def test_ingest_url_failure_stores_nothing(site, briefings):
    with pytest.raises(FetchFailed):
        ingest_url(briefings, f"{site}/missing", timeout=5)
    assert briefings.archive.count_articles() == 0


def test_ingest_upload(briefings):
    result = ingest_upload(briefings, b"# Budget passes\n\nThe council passed the budget on Tuesday. "
                                      b"It adds money for schools and roads.", "budget.md", source="Desk")
    assert result.created and result.title == "Budget passes" and result.source == "Desk"
    assert result.input == "budget.md"
    html = PAGE.replace("Nordlinjen", "Nordlinjen AS").encode()  # has its own date, no URL
    carried = ingest_upload(briefings, html, "ferry.html", source="Forwarded from Desk",
                            url="https://t.me/desk/5", published_at="2024-01-01T00:00:00+00:00")
    stored = briefings.get_article(carried.article_id)
    assert stored.source == "Forwarded from Desk" and stored.url == "https://t.me/desk/5"
    assert stored.published_at.startswith("2025-02-03")  # the page's own date wins
    with pytest.raises(UnsupportedInput, match="report.pdf: unsupported file type"):
        ingest_upload(briefings, b"%PDF", "report.pdf")
    with pytest.raises(InputTooLarge, match="big.txt"):
        ingest_upload(briefings, b"x" * (MAX + 1), "big.txt")
    with pytest.raises(BinaryInput):
        ingest_upload(briefings, bytes(range(256)), "notes.txt")
    with pytest.raises(EmptyInput):
        ingest_upload(briefings, b"  ", "blank.txt")

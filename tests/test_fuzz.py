"""Reliability: generated messages, commands, buttons and files through the real handlers.

Every input goes through the real application (access gate, handlers, error handlers, archive) with
the Bot API faked in-process (tests/fakebot.py), which refuses replies the way Telegram would (bad
HTML, over 4096 characters, empty). After each input: no unexpected error, no apology, a reply in
a private chat, nothing Telegram would refuse. After each test: the database passes
``integrity_check`` and the FTS index check, every article the bot acknowledged ("Stored as #N")
is there with the text it was sent, and nothing else was stored. Counts go to tests/faults.py.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.briefings.loaders import from_text
from bot.config import Settings
from bot.telegram.handlers import APOLOGY, registered_commands
from storage import ArticleNotFound, content_hash
from tests.fakebot import Harness, texts
from tests.faults import COUNTS

pytestmark = [pytest.mark.faults, pytest.mark.timeout(180)]

OWNER, EDITOR, READER = 1, 2, 3
GROUP = -900
TEN_MB = 10 * 1024 * 1024

SPECIAL = [
    "", " ", "\n\t  \u00a0\u3000\n",
    "'; DROP TABLE articles; --", "1 OR 1=1; DELETE FROM users WHERE 'a'='a", "Robert'); DROP TABLE audit;--",
    'NEAR(" AND OR NOT * ^ title:x', '"unterminated', "articles_fts MATCH '*'",
    "<script>alert(1)</script>", "<b><i>unclosed", '</pre></code><a href="javascript:alert(1)">x</a>',
    "&amp; &lt; &#0; &#x110000; &bogus; & < >", "<tg-spoiler>", "<a href='x'>",
    "عاجل: مجلس المدينة يقر الميزانية الجديدة للمدارس والطرق", "מועצת העיר אישרה את התקציב החדש",
    "\u202eevil\u202c text \u2066isolate\u2069 \u200f\u200e",
    "📰🔥💥 👩\u200d👩\u200d👧\u200d👦 🇫🇷🇦🇿 1️⃣ \U0001f9ea" * 3,
    "\x00\x01\x07\x08\x1b[31mred\x7f", "\r\n\r\n\u2028\u2029\ufeff", "\u200b\u200c\u200d\u2060",
    "%s%n%x {0} {{7*7}} ${jndi:ldap://x} \\N{BELL}", "../../etc/passwd", "x" * 5000, "/", "@", "#",
    "https://", "http://127.0.0.1:1/nothing-listens-here", "𝕳𝖊𝖆𝖉𝖑𝖎𝖓𝖊 ＦＵＬＬＷＩＤＴＨ",
]
FILE_NAMES = ["a.txt", "b.md", "c.html", "d.HTM", "e.pdf", "noext", "", ".txt", "../../etc/passwd.txt",
              "файл.md", "x" * 300 + ".txt", "evil<b>&.txt", "report.txt.exe", "спецвыпуск.html"]
BUTTONS = ["latest:0:5", "latest:999999:50", "search:0:1", "digest:5:1", "delete:1:no", "delete:999:yes",
           "latest:-1:x", ":", "x" * 64, "delete:abc:yes", "more", "latest:0:0"]


def article_with(fragments: list[str], seed: int) -> str:
    """An article long enough to be stored, with ``fragments`` in its title and sentences."""
    head = f"Council report {seed} {fragments[0][:60]}".replace("\n", " ")
    body = " ".join(
        f"The council of town number {seed} discussed item {i}, {fragment}, on Monday, officials said."
        for i, fragment in enumerate(fragments * 3)
    )
    return f"{head}\n{body}"


fragments = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=60),
                      st.text(alphabet=string.printable, max_size=60))


class Watch:
    """Runs inputs and keeps what the bot acknowledged, to check the archive against."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.acknowledged: dict[int, str | None] = {}  # article id -> expected content hash (None: any)
        self.problems: list[str] = []

    def _errors(self) -> tuple:
        archive = self.harness.archive
        with archive._lock:
            return tuple(archive.db.execute("SELECT COUNT(*), MAX(id) FROM errors").fetchone())

    def run(self, label: str, action, *, private: bool, sent_text: str | None = None) -> list[str]:
        """Do ``action`` (one update); note what went wrong; the texts the bot sent."""
        COUNTS["inputs tried"] += 1
        errors, rejected = self._errors(), len(self.harness.api.rejected)
        calls = action()
        replies = texts(calls)
        wrong = []
        if self._errors() != errors:
            wrong.append(f"error recorded: {self.harness.archive.recent_errors(1)}")
        if APOLOGY in replies:
            wrong.append("apology")
        if len(self.harness.api.rejected) != rejected:
            wrong.append(f"Telegram would refuse: {self.harness.api.rejected[-1].params.get('text', '')[:200]!r}")
        if private and not calls:
            wrong.append("no reply")
        for reply in replies:
            for created, article_id in re.findall(r"(Stored|stored) as #(\d+)", reply):
                expected = None
                if created == "Stored" and sent_text is not None:
                    expected = content_hash(from_text(sent_text.strip()).text)
                self.acknowledged.setdefault(int(article_id), expected)
            for article_id in re.findall(r"Deleted #(\d+)", reply):
                self.acknowledged.pop(int(article_id), None)
        if wrong:
            COUNTS["crashes"] += 1
            self.problems.append(f"{label}: {'; '.join(wrong)}")
        return replies

    def say(self, user_id: int, text: str, *, group: bool = False, **fields) -> list[str]:
        h = self.harness
        user = h.user(user_id)
        chat = h.group(GROUP) if group else None
        return self.run(f"say {text[:60]!r}", lambda: h.say(user, text, chat=chat, **fields),
                        private=not group, sent_text=text)

    def upload(self, user_id: int, name: str, data: bytes, **options) -> list[str]:
        h = self.harness
        return self.run(f"upload {name[:40]!r} ({len(data)} bytes)",
                        lambda: h.upload(h.user(user_id), name, data, **options), private=True)

    def press(self, user_id: int, data: str) -> list[str]:
        h = self.harness
        return self.run(f"press {data!r}", lambda: h.press(h.user(user_id), data), private=False)

    def verify(self) -> None:
        """The archive is intact and holds exactly what was acknowledged; counts data lost."""
        archive = self.harness.archive
        assert archive.integrity_ok()
        with archive._lock:
            archive.db.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
        lost = []
        for article_id, expected in self.acknowledged.items():
            try:
                stored = archive.get_article(article_id)
            except ArticleNotFound:
                lost.append(article_id)
                continue
            if stored.content_hash != content_hash(stored.text) or expected not in (None, stored.content_hash):
                lost.append(article_id)
        COUNTS["data lost"] += len(lost)
        assert not lost, f"acknowledged but missing or changed: {lost}"
        assert archive.count_articles() == len(self.acknowledged), "stored without being acknowledged"
        assert not self.problems, "\n".join(self.problems[:20])


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    db = tmp_path_factory.mktemp("fuzz") / "briefing.db"
    environ = {"TELEGRAM_BOT_TOKEN": "1:FUZZ", "BRIEFING_DB": str(db), "TELEGRAM_RATE_LIMIT": "0",
               "BRIEFING_ADMIN_IDS": str(OWNER), "BRIEFING_FETCH_TIMEOUT": "2"}
    bot = Harness.start(Settings.load(env_file=None, environ=environ))
    yield bot
    bot.stop()


@pytest.fixture
def watch(harness):
    archive = harness.archive
    archive.put_setting("access_mode", "open")
    archive.set_role(EDITOR, "editor")
    archive.set_role(READER, "reader")
    seen = Watch(harness)
    seen.acknowledged = {a.id: None for a in archive.articles()}  # earlier tests' articles
    return seen


FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def test_edge_cases_named_in_the_issue(watch):
    for text in SPECIAL:
        watch.say(EDITOR, text)
        watch.say(EDITOR, article_with([text], len(text)))
        watch.say(READER, article_with([text], 7))  # refused: readers do not store
        watch.say(EDITOR, article_with([text], 9), group=True)
    assert "No articles match" in watch.say(READER, "/search harbour\x00 bridge")[0]  # NUL ends an FTS5 query
    huge = "Huge story\n" + "word " * (TEN_MB // 5)
    assert "over the" in watch.say(EDITOR, huge)[0]
    assert "over the" in watch.say(EDITOR, "a" * TEN_MB)[0]
    assert watch.say(EDITOR, " " * TEN_MB)  # whitespace: taken as (empty) chat
    assert "over the" in watch.upload(EDITOR, "huge.txt", b"a" * TEN_MB)[0]  # refused before download
    assert "over the" in watch.upload(EDITOR, "liar.txt", b"a" * TEN_MB, file_size=100)[0]  # after
    assert "binary" in watch.upload(EDITOR, "bin.txt", bytes(range(256)) * 64)[0]
    assert "empty" in watch.upload(EDITOR, "empty.txt", b"")[0]
    assert "empty" in watch.upload(EDITOR, "blank.md", b" \n\t\n")[0]
    malformed = ("<html><head><title>Broken <b>page</title><body><div><p>Unclosed paragraph "
                 + article_with(["<i>nested <b>wrong</i></b>"], 3) + "<script>alert(1)</scr")
    assert watch.upload(EDITOR, "broken.html", malformed.encode())
    assert watch.upload(EDITOR, "rtl.txt", article_with([SPECIAL[14]], 5).encode("utf-16"))
    assert watch.upload(EDITOR, "cyr.txt", ("Новости\n" + "Городской совет утвердил бюджет. " * 20).encode("cp1251"))
    watch.verify()


@FUZZ
@given(text=st.one_of(fragments, st.builds(article_with, st.lists(fragments, min_size=1, max_size=4),
                                                st.integers(0, 10**6))),
       user=st.sampled_from([EDITOR, EDITOR, READER, OWNER, 5555]), group=st.booleans())
def test_generated_messages(watch, text, user, group):
    watch.say(user, text, group=group)
    watch.verify()


@FUZZ
@given(data=st.data(), user=st.sampled_from([OWNER, EDITOR, READER, 5555]))
def test_generated_commands_and_buttons(watch, harness, data, user):
    names = sorted({c.name for c in registered_commands(harness.application)} - {"broadcast", "export"})
    name = data.draw(st.sampled_from(names))
    args = data.draw(st.lists(fragments, max_size=3))
    command = f"/{name} " + " ".join(args)
    watch.say(user, command.strip() if data.draw(st.booleans()) else command)
    if data.draw(st.booleans()):
        # Telegram's callback data is 1-64 bytes
        button = st.text(min_size=1, max_size=64).filter(lambda d: len(d.encode()) <= 64)
        watch.press(user, data.draw(st.one_of(st.sampled_from(BUTTONS), button)))
    watch.verify()


@FUZZ
@given(name=st.one_of(st.sampled_from(FILE_NAMES), st.text(max_size=40)),
       data=st.one_of(st.binary(max_size=4096),
                      st.builds(lambda t: t.encode("utf-8"), fragments),
                      st.builds(lambda parts, seed, enc: article_with(parts, seed).encode(enc, "replace"),
                                st.lists(fragments, min_size=1, max_size=3), st.integers(0, 10**6),
                                st.sampled_from(["utf-8", "utf-16", "cp1251", "latin-1", "utf-8-sig"])),
                      st.builds(lambda parts: ("<html><body><p>" + article_with(parts, 1) + "<div>").encode(),
                                st.lists(fragments, min_size=1, max_size=2))))
def test_generated_files(watch, name, data):
    watch.upload(EDITOR, name, data)
    watch.verify()

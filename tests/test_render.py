"""Rendering to Telegram HTML: escaping, and splitting replies under Telegram's 4096 limit."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.briefings.models import (
    ArticleView, Citation, Digest, DigestEntity, DigestItem, EntityCount, IngestResult, SearchResult,
)
from bot.telegram import render
from bot.telegram.render import MESSAGE_LIMIT, split_message, strip_tags, utf16_len

pytestmark = pytest.mark.timeout(60)

NASTY = '<script>alert("x")</script> & <b>not bold</b> &amp; "quoted"'


def visible(text: str) -> str:
    """What a reader sees, without whitespace (which splitting may move)."""
    return re.sub(r"\s+", "", html.unescape(strip_tags(text)))


def assert_valid_html(chunk: str) -> None:
    """Balanced tags and no broken entity: what Telegram's HTML parser demands."""
    stack = []
    for closing, name in re.findall(r"<(/?)([a-zA-Z][\w-]*)[^>]*>", chunk):
        if closing:
            assert stack and stack.pop() == name, chunk
        else:
            stack.append(name)
    assert not stack, chunk
    outside_tags = re.sub(r"<[^>]*>", "", chunk)
    assert "<" not in outside_tags and ">" not in outside_tags, chunk
    for match in re.finditer("&", outside_tags):
        assert re.match(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", outside_tags[match.start():]), chunk


def assert_split(text: str, limit: int) -> list[str]:
    chunks = split_message(text, limit)
    assert all(utf16_len(c) <= limit for c in chunks)
    for chunk in chunks:
        assert_valid_html(chunk)
        assert chunk == chunk.strip() and strip_tags(chunk).strip()
    assert visible("".join(chunks)) == visible(text)  # nothing lost, nothing added, in order
    return chunks


# -- split_message --------------------------------------------------------------------------
def test_short_text_is_one_message_and_empty_text_none():
    assert split_message("  <b>hi</b> &amp; bye \n") == ["<b>hi</b> &amp; bye"]
    assert split_message("") == []
    assert split_message(" \n\n ") == []


def test_ten_thousand_characters_split_between_paragraphs():
    paragraphs = [f"Paragraph {i}. " + "Words of the report go on. " * 14 for i in range(26)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    assert len(text) > 10_000
    chunks = assert_split(text, MESSAGE_LIMIT)
    assert len(chunks) == 3
    assert "\n\n".join(chunks) == text  # cut exactly at paragraph breaks
    assert all(c.startswith("Paragraph") for c in chunks)


def test_one_long_paragraph_splits_at_sentence_ends():
    text = " ".join(f"Sentence number {i} says something about the budget." for i in range(400))
    chunks = assert_split(text, MESSAGE_LIMIT)
    assert len(chunks) >= 5
    assert all(c.endswith(".") for c in chunks)
    assert " ".join(chunks) == text


def test_text_without_sentences_splits_at_spaces_then_anywhere():
    words = " ".join(["lorem"] * 3000)
    assert all(not c.startswith(" ") and c.endswith("lorem") for c in assert_split(words, 1000))
    blob = "x" * 10_000
    chunks = assert_split(blob, MESSAGE_LIMIT)
    assert "".join(chunks) == blob and [len(c) for c in chunks] == [4096, 4096, 1808]


def test_tags_open_at_a_cut_are_closed_and_reopened():
    text = "<b>" + "Bold sentence here. " * 600 + "</b>\n\n<i>" + "and" + " more" * 2000 + "</i>"
    chunks = assert_split(text, MESSAGE_LIMIT)
    assert all(c.startswith(("<b>", "<i>")) for c in chunks)


def test_links_and_entities_are_never_cut():
    text = " ".join(f'<a href="https://example.org/{i}?a=1&amp;b=2">link &amp; {i}</a>' for i in range(400))
    assert_split(text, 500)
    assert_split("&amp;" * 5000, 300)  # no spaces: cuts between entities


def test_utf16_length_counts_emoji_twice():
    text = "📰" * 5000
    assert len(text) == 5000 and utf16_len(text) == 10_000
    chunks = assert_split(text, MESSAGE_LIMIT)
    assert [len(c) for c in chunks] == [2048, 2048, 904]


def test_markup_too_long_to_carry_over_falls_back_to_plain_text():
    text = f'<a href="https://example.org/{"x" * 3000}">a very long link</a> ' + "tail words " * 500
    chunks = assert_split(text, 1000)
    assert "a very long link" in chunks[0]


def test_cap_messages_keeps_the_first_ones_and_says_what_is_left_out():
    chunks = split_message("\n\n".join(f"Paragraph {i}. " + "word " * 700 for i in range(12)))
    assert len(chunks) > 5
    capped = render.cap_messages(chunks, 5)
    assert len(capped) == 5 and capped[:4] == chunks[:4]
    assert all(utf16_len(c) <= MESSAGE_LIMIT for c in capped)
    assert re.search(r"… [\d,]+ more characters not shown", capped[-1])
    assert render.cap_messages(chunks[:2], 5) == chunks[:2]


def test_limit_must_leave_room_for_markup():
    with pytest.raises(ValueError):
        split_message("text", limit=10)


_piece = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from(
    "<>&\"' .!?\n📰"), min_size=1, max_size=80).map(html.escape)
_wrapped = st.tuples(st.sampled_from(["", "b", "i", "code"]), _piece).map(
    lambda pair: f"<{pair[0]}>{pair[1]}</{pair[0]}>" if pair[0] else pair[1]
)
_paragraph = st.lists(_wrapped, min_size=1, max_size=12).map(" ".join)
_document = st.lists(_paragraph, min_size=1, max_size=30).map(lambda ps: "\n\n".join(ps))


@settings(max_examples=200, deadline=None)
@given(_document, st.integers(min_value=64, max_value=600))
def test_split_properties(text, limit):
    assert_split(text, limit)


# -- escaping -------------------------------------------------------------------------------
def _article(**changes) -> ArticleView:
    values = dict(
        id=7, title=NASTY, source="Src <x>", url='https://example.org/a?b=1&c="2"', language="en",
        published_at="2025-05-27", ingested_at="2025-05-28T10:00:00+00:00", origin="text",
        summary=[NASTY], entities=[EntityCount("A&B <Co>", "ORG", 2, 1)], warnings=["bad <date>"],
        text=f"First {NASTY}\n\nSecond paragraph.",
    )
    values.update(changes)
    return ArticleView(**values)


def test_every_user_derived_string_is_escaped():
    replies = [
        render.article_reply(_article()),
        render.ingest_reply(IngestResult(7, True, NASTY, [NASTY], "en", "Src <x>", None, None, ["w <x>"])),
        render.ingest_reply(IngestResult(7, False, NASTY, matched_on="url")),
        render.search_reply([SearchResult(7, NASTY, "<src>", None, f"…{NASTY}…")], NASTY),
        render.article_list([_article()]),
        render.digest_reply(Digest(
            None, "now",
            [DigestItem(7, NASTY, "<s>", None, None, [NASTY], also=[Citation(8, NASTY, "<x>", None)],
                        watched=["<x>"])],
            [DigestEntity("<E>", "PER", 1, 1, previous=0, change="new <x>")], 2)),
        render.error_reply(NASTY),
        render.start_text("<Eve>", min_chars=200),
    ]
    for reply in replies:
        assert "<script>" not in reply and "<x>" not in reply
        assert_valid_html(reply)
        for chunk in split_message(reply):
            assert_valid_html(chunk)
    assert "&lt;script&gt;" in replies[0]


def test_links_are_escaped_and_only_for_web_urls():
    assert render.link('https://x.org/?a=1&b="2"', "<label>") == (
        '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">&lt;label&gt;</a>'
    )
    assert render.link("javascript:alert(1)") == "javascript:alert(1)"
    assert "<a" not in render.article_reply(_article(url="javascript:alert(1)"))


def test_ingest_reply_says_stored_or_already_stored():
    result = IngestResult(12, True, "Title", ["One.", "Two."], "en", "Wire", "2025-05-27")
    stored = render.ingest_reply(result)
    assert stored.startswith("<b>Stored as #12: Title</b>")
    assert "• One." in stored and "Wire · 2025-05-27" in stored
    again = render.ingest_reply(IngestResult(12, False, "Title", matched_on="url"))
    assert again.startswith("<b>Already stored as #12 (same URL): Title</b>")


def test_digest_page_shows_stories_with_their_other_sources():
    items = [DigestItem(i, f"Story {i}", "Wire", None, "2025-05-27", [f"Point {i}."],
                        also=[Citation(i + 100, "Same story", "Herald", None)] if i == 1 else [])
             for i in range(1, 8)]
    digest = Digest("2025-05-26T00:00:00+00:00", "2025-05-27T10:00:00+00:00", items,
                    [DigestEntity("Baku", "LOC", 5, 3, previous=2, change="+3")], 8)
    first = render.digest_reply(digest, page=5)
    assert "stories 1–5, from 8 article(s)" in first and "since 2025-05-26" in first
    assert "Also reported by #101 Herald" in first and "Story 6" not in first
    assert "Baku (LOC, 5×, +3)" in first
    second = render.digest_reply(digest, offset=5, page=5)
    assert "stories 6–7" in second and "Story 6" in second and "Baku" not in second


def test_help_lists_commands_and_the_article_threshold():
    text = render.help_text([render.CommandHelp("summary", "ID [N]", "Summarize <it>")],
                            min_chars=200, max_bytes=10_000_000)
    assert "/summary ID [N] — Summarize &lt;it&gt;" in text
    assert "at least 200 characters" in text and "10 MB" in text


def test_split_falls_back_to_plain_text_without_leading_space():
    """Found by Hypothesis: markup that cannot be carried over became plain text that began with
    the space the tag had held."""
    text = ("\U000c0652; Ĕòuď÷h\n\n0 0 0 įþ\U000a6df5\U0003c004f³° 000𐀀𐀀𐀀𐀀 000𐀀𐀀𐀀𐀀 &quot;#´¹ÎK¶¹M 0 0 Ã´g\xa0"
            "\U000c8cee 000𐀁\U00093202 000000&#x27;\n\n0\n\n<code> </code>\n\n0 000000𐀀𐀀 0000000000 "
            "<code>00000000𐀀𐀀</code>")
    assert_split(text, 64)

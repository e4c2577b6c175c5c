"""Briefings ingest: seeds, files, duplicates, and every kind of bad input."""

import json

import pytest

from bot.briefings import (
    Briefings, EmptyInput, InputTooLarge, InvalidArgument, NoTextFound, UnsupportedInput,
)
from bot.briefings.errors import BinaryInput
from storage import Archive


def test_seeds_are_stored_with_manifest_metadata(seeded):
    articles = {a.source: a for a in seeded.archive.articles()}
    assert set(articles) == {"News.Az", "AzerNews"}
    azer = articles["AzerNews"]
    assert azer.published_at == "2025-05-27"
    assert azer.title == "Pardon of French national signals thaw in Azerbaijan–France relations [VIDEO]"
    assert azer.language == "en"
    assert "![" not in azer.text  # the markdown image line is not article text
    assert not azer.text.startswith("Pardon of French")  # the title line is not repeated
    news = articles["News.Az"]
    assert news.published_at is None  # unknown, not invented
    assert news.title.startswith("France’s gamble against Azerbaijan")


def test_ingest_summarizes_and_extracts_entities(seeded):
    article = seeded.archive.articles()[0]
    view = seeded.article(article.id)
    assert len(view.summary) == 3
    assert all(sentence in article.text for sentence in view.summary)
    names = {e.name for e in view.entities}
    assert {"France", "Azerbaijan"} <= names


def test_same_seed_twice_says_already_stored(seeded, seeds_dir):
    again = list(seeded.ingest_paths([seeds_dir]))
    assert [r.created for r in again] == [False, False]
    assert all(r.message.startswith("already stored as #") for r in again)
    assert seeded.archive.count_articles() == 2


def test_pasted_text_dedupes_against_a_file(seeded, seed_texts):
    text = seed_texts["004_dc9c0814d8064941.txt"].split("\n", 1)[1]
    result = seeded.ingest_text(text)
    assert not result.created  # the image line and whitespace differences do not matter
    assert seeded.archive.count_articles() == 2


def test_search_france_finds_both(seeded):
    assert len(seeded.search("France")) == 2
    with pytest.raises(InvalidArgument):
        seeded.search("   ")
    with pytest.raises(InvalidArgument, match="too long"):
        seeded.search("x" * 1000)


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.txt", b"", EmptyInput, "empty"),
        ("blank.txt", b"  \n\n\t  ", EmptyInput, "empty"),
        ("binary.txt", bytes(range(256)) * 40, BinaryInput, "binary"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, UnsupportedInput, "unsupported file type"),
        ("nothing.html", b"<html><head><script>var a=1;</script></head><body><div></div></body></html>",
         NoTextFound, "no article text"),
        ("symbols.txt", "★ ☆ — … ✓".encode(), EmptyInput, "no text"),
    ],
)
def test_bad_files_raise_clear_errors_and_store_nothing(briefings, tmp_path, name, content, error, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        briefings.ingest_file(path)
    assert briefings.archive.count_articles() == 0


def test_huge_file_is_refused_before_reading(tmp_path, archive):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"All work and no play. " * (20_000_000 // 22))
    small = Briefings(archive, max_input_bytes=10_000_000)
    with pytest.raises(InputTooLarge, match="20.0 MB, over the 10.0 MB limit"):
        small.ingest_file(path)
    with pytest.raises(InputTooLarge):
        small.ingest_text("word " * 3_000_000)


def test_non_utf8_text_is_stored_with_a_warning(briefings, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café crème à Paris\nLe café était très bon, dit le garçon à l'équipe.".encode("cp1252"))
    result = briefings.ingest_file(path)
    assert result.created
    assert any("not UTF-8" in w for w in result.warnings)
    assert "Le café était très bon" in briefings.get_article(result.article_id).text


def test_utf16_with_bom_is_text(briefings, tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Headline\nThe minister spoke on Tuesday about the budget.".encode("utf-16"))
    result = briefings.ingest_file(path)
    assert result.title == "Headline"


def test_unknown_language_is_stored_with_a_warning(briefings):
    result = briefings.ingest_text("Xq zzv wpl mmrk. Tkk plo brr zzt. Qqm vvk ppl zrr. Wwq kkp llm.")
    assert result.created and result.language == "und"
    assert "language not recognised" in result.warnings


def test_html_file_gives_title_date_and_main_text(briefings, tmp_path):
    body = " ".join(["The parliament approved the treaty after a long night of debate."] * 6)
    page = (f"<html><head><title>Treaty approved</title><meta property='article:published_time' "
            f"content='2024-03-05'></head><body><nav>Home | World</nav><article><h1>Treaty approved</h1>"
            f"<p>{body}</p><p>Opposition leaders promised to challenge it in court.</p></article>"
            f"<footer>© Example News</footer></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = briefings.ingest_file(path)
    article = briefings.get_article(result.article_id)
    assert article.title == "Treaty approved"
    assert article.published_at == "2024-03-05"
    assert "Opposition leaders" in article.text and "Home | World" not in article.text


def test_malformed_html_does_not_crash(briefings, tmp_path):
    path = tmp_path / "broken.html"
    path.write_text("<html><body><p>Unclosed <b>bold <div><p>" + "The storm hit the coast overnight. " * 20,
                    encoding="utf-8")
    result = briefings.ingest_file(path)
    assert "storm hit the coast" in briefings.get_article(result.article_id).text


def test_markdown_title_and_links(briefings, tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# Council news\n\nThe **council** met [today](https://x.test). It voted on the budget.\n",
                    encoding="utf-8")
    article = briefings.get_article(briefings.ingest_file(path).article_id)
    assert article.title == "Council news"
    assert article.text == "The council met today. It voted on the budget."


def test_folder_reports_each_file_and_continues(briefings, tmp_path):
    (tmp_path / "a.txt").write_text("A story\nThe first story is here.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    outcomes = list(briefings.ingest_paths([tmp_path, tmp_path / "missing.txt"]))
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds == ["EmptyInput", "IngestResult", "UnsupportedInput"]
    assert briefings.archive.count_articles() == 1


def test_bad_manifest_is_ignored(briefings, tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A story\nThe first story is here.", encoding="utf-8")
    [result] = briefings.ingest_paths([tmp_path])
    assert result.created and result.title == "A story"


def test_analysis_failure_keeps_the_article(archive, monkeypatch):
    import bot.briefings.service as service

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "analyze", explode)
    result = Briefings(archive).ingest_text("Headline\nThe text must survive a failing analysis.")
    article = archive.get_article(result.article_id)
    assert article.text == "The text must survive a failing analysis."
    assert article.analysis_error == "RuntimeError: boom"


def test_bad_ids_and_arguments(seeded):
    for bad in ("abc", "-1", "0", "1.5", "9" * 30):
        with pytest.raises(InvalidArgument):
            seeded.article(bad)
    from storage import ArticleNotFound

    with pytest.raises(ArticleNotFound):
        seeded.article(9999)
    with pytest.raises(InvalidArgument):
        seeded.summarize_article(1, method="nope")
    with pytest.raises(InvalidArgument):
        seeded.summarize_article(1, sentences=0)
    with pytest.raises(InvalidArgument, match="cannot read"):
        seeded.digest(since="not a date at all")


def test_digest_since_filters_by_ingest_time(seeded):
    assert seeded.digest().total_articles == 2
    assert seeded.digest(since="2000-01-01").total_articles == 2
    assert seeded.digest(since="in 3 days").total_articles == 0
    top = {e.name: e for e in seeded.digest().top_entities}
    assert top["France"].articles == 2


def test_reopened_archive_keeps_everything(db_path, seeded):
    seeded.close()
    archive = Archive(db_path)
    assert archive.count_articles() == 2 and archive.integrity_ok()
    assert json.loads(archive.db.execute("SELECT summary FROM summaries LIMIT 1").fetchone()[0])

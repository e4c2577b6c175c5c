"""Sentence splitting and the sumy tokenizer, with no downloaded data."""

import pytest
from sumy.parsers.plaintext import PlaintextParser

from summarizer import OfflineTokenizer, split_sentences


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Dr. Smith flew to the U.S. on Jan. 5 and paid $3.50 for coffee. He left.",
            "en",
            ["Dr. Smith flew to the U.S. on Jan. 5 and paid $3.50 for coffee.", "He left."],
        ),
        (
            'He said "It is fine." Then he left. The U.S. Senate voted 52-48.',
            "en",
            ['He said "It is fine."', "Then he left.", "The U.S. Senate voted 52-48."],
        ),
        (
            "“I think so,” Watson said. J. K. Rowling agreed! Did she?",
            "en",
            ["“I think so,” Watson said.", "J. K. Rowling agreed!", "Did she?"],
        ),
        (
            "He worked at the Vesti.Az news portal (2009–2023). The views are his own.",
            "en",
            ["He worked at the Vesti.Az news portal (2009–2023).", "The views are his own."],
        ),
        (
            "M. Dupont est arrivé à Paris le 5 janv. 2024. Il a dit « bonjour ». C'est fini.",
            "fr",
            ["M. Dupont est arrivé à Paris le 5 janv. 2024.", "Il a dit « bonjour ».", "C'est fini."],
        ),
        (
            "Т. е. это было в 2020 г. в Москве. Он сказал: «Привет». Всё.",
            "ru",
            ["Т. е. это было в 2020 г. в Москве.", "Он сказал: «Привет».", "Всё."],
        ),
    ],
)
def test_split_sentences(text, language, expected):
    assert [s.text for s in split_sentences(text, language)] == expected


def test_offsets_point_into_the_text_and_paragraphs_count_lines():
    text = "First one. Second one.\n\nNew paragraph here. And more.\nThird line."
    spans = split_sentences(text)
    for span in spans:
        assert text[span.start:span.end] == span.text
    assert [s.paragraph for s in spans] == [0, 0, 1, 1, 2]


def test_empty_and_whitespace_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


def test_tokenizer_plugs_into_sumy_parser():
    tokenizer = OfflineTokenizer("english")
    parser = PlaintextParser.from_string("Dr. Who arrived. It's 5 o'clock now.", tokenizer)
    sentences = [str(s) for s in parser.document.sentences]
    assert sentences == ["Dr. Who arrived.", "It's 5 o'clock now."]
    assert tokenizer.to_words("Jean-Noël's 44-day war, 2020!") == ("Jean-Noël's", "44-day", "war")
    assert tokenizer.language == "english"

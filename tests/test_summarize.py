"""Summarizers by name, language handling, and analyze()."""

import pytest

from summarizer import DEFAULT_METHOD, METHODS, UnknownMethod, analyze, detect_language, summarize
from summarizer.analysis import is_boilerplate

STORY = (
    "The city council approved the new budget on Tuesday after a long debate. "
    "The budget raises spending on schools and public transport. "
    "Council members argued for hours about the transport plan. "
    "Some residents protested outside the council building. "
    "The mayor said the budget would help schools and transport. "
    "Critics said the transport plan was too expensive. "
    "The vote was seven to four. "
    "The budget takes effect in January."
)


def test_every_method_is_registered_and_returns_ordered_indices():
    sentences = [s.text for s in analyze(STORY).sentences]
    assert set(METHODS) >= {"lexrank", "textrank", "lsa", "luhn", "kl", "sumbasic", "lead", "newsrank"}
    for name in METHODS:
        picked = summarize(sentences, 3, name, "english")
        assert len(picked) == 3, name
        assert picked == sorted(picked), name
        assert all(0 <= i < len(sentences) for i in picked)


def test_lead_takes_the_first_sentences_and_default_is_news_aware():
    sentences = [s.text for s in analyze(STORY).sentences]
    assert summarize(sentences, 2, "lead") == [0, 1]
    assert DEFAULT_METHOD == "newsrank"
    assert 0 in summarize(sentences, 3, DEFAULT_METHOD, "english")  # the lede survives


def test_short_text_returns_every_sentence():
    assert summarize(["One.", "Two."], 3, "lexrank") == [0, 1]
    assert summarize([], 3, "lexrank") == []


def test_unknown_method_names_the_choices():
    with pytest.raises(UnknownMethod, match="lexrank"):
        summarize(["a", "b", "c", "d"], 2, "bogus")


def test_analyze_returns_sentences_summary_language_and_entities():
    text = "French President Emmanuel Macron met Ilham Aliyev in Tirana. " + STORY
    analysis = analyze(text, sentences=2)
    assert analysis.language.code == "en"
    assert len(analysis.summary) == 2
    assert all(s in analysis.sentences for s in analysis.summary)
    names = {m.name: m.type for m in analysis.mentions}
    assert names["Emmanuel Macron"] == "PER"
    assert names["Tirana"] == "LOC"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le président de la République a annoncé mardi une réforme des retraites très contestée.", "fr"),
        ("Президент России заявил во вторник, что переговоры продолжатся на следующей неделе.", "ru"),
        ("The president said on Tuesday that the talks would continue next week in Geneva.", "en"),
    ],
)
def test_language_detection(text, code):
    assert detect_language(text).code == code


def test_french_and_russian_are_summarized_with_their_stemmers():
    fr = " ".join(["Le gouvernement a présenté le budget.", "Les députés ont débattu du budget.",
                   "Le vote aura lieu jeudi.", "Les syndicats critiquent le budget du gouvernement."])
    ru = " ".join(["Правительство представило бюджет.", "Депутаты обсудили бюджет.",
                   "Голосование пройдёт в четверг.", "Профсоюзы критикуют бюджет правительства."])
    for text, code in ((fr, "fr"), (ru, "ru")):
        analysis = analyze(text, sentences=2)
        assert analysis.language.code == code
        assert analysis.warnings == ()
        assert len(analysis.summary) == 2


def test_unknown_language_is_summarized_with_a_warning():
    analysis = analyze("Xq zzv wpl. Mmrk tkk plo. Brr zzt qqm. Vvk ppl zrr.", sentences=2)
    assert analysis.language.code == "und"
    assert analysis.warnings and "language" in analysis.warnings[0]
    assert len(analysis.summary) == 2


def test_boilerplate_is_never_summarized():
    assert is_boilerplate("Editor’s note: the author is a journalist.")
    assert is_boilerplate("Choose to support journalism and subscribe on a monthly basis.")
    assert not is_boilerplate("The council approved the budget.")
    text = "Editor's note: John is a reporter. He wrote this.\n" + STORY
    analysis = analyze(text, method="lead", sentences=2)
    assert [s.text for s in analysis.summary] == [
        "The city council approved the new budget on Tuesday after a long debate.",
        "The budget raises spending on schools and public transport.",
    ]


def test_long_text_is_capped_not_quadratic():
    text = " ".join(f"Sentence number {i} talks about topic {i % 7} and the budget." for i in range(1200))
    analysis = analyze(text, method="lexrank", sentences=3)
    assert len(analysis.sentences) == 1200
    assert len(analysis.summary) == 3


def test_vectorised_lexrank_equals_sumy(seed_texts):
    from summarizer import split_sentences
    from summarizer.summarize import lexrank_centrality

    for text in seed_texts.values():
        sentences = [s.text for s in split_sentences(text)]
        assert lexrank_centrality(sentences, "english") == pytest.approx(
            METHODS["lexrank"].rank(sentences, "english"), abs=1e-12
        )
    assert lexrank_centrality([], "english") == []
    assert lexrank_centrality(["Same words.", "Same words."], None) == pytest.approx([0.7071, 0.7071], abs=1e-3)

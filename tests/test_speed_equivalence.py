"""The shortcuts taken for ingest speed change no result: each is checked against the slow way."""

import random
import re
import string
import sys
from collections import Counter

import numpy as np
import pytest

from summarizer import dates, entities
from summarizer.analysis import BOILERPLATE, is_boilerplate
from summarizer.dates import fold_case
from summarizer.events import _has_whole_word
from summarizer.sentences import Span, split_sentences

#: Lines that exercise the temporal rules (and some that only look like they might).
LINES = [
    "On Monday, May 27, 2025, at 10:30 a.m. EST the council met; the 44-day war ended in November 2020.",
    "Sales in the fourth quarter of 2025 rose, Q3 2024 fell and 1Q 09 was flat; H2 2023 and the first half.",
    "Since the 1990s and the early '80s, in the 20th century, from 2009 to 2011 and between 2014 and 2016.",
    "Yesterday morning, tonight, the day before yesterday, last week, next month, this year, the year before.",
    "Two years ago, several months later, for the past decade, over the years, every other week, twice a year.",
    "Currently, at the moment, in the near future, recently, the same period last year, that day, the weekend.",
    "The annual meeting, weekly reports, fiscal 2009, FY2010, the financial year, Christmas Day 2019, Halloween.",
    "27.05.2025, 2025-05-27T10:00Z, 7/8/07, 3 Mar, 5 May, the 1st of June, March Madness, May we go?",
    "In spring 2020, last summer, the Arab Spring, Fall 2021, the first week of June, mid-2019, post-2008.",
    "Russell 2000 Index, 2000 people, $2000, COP29, 600,000 fighters, 3:2 win, at noon, by midnight, 1600 GMT.",
    "DAYS, WEEKS, MONTHS in capitals, 24/7 news and 3.5 hours; the Olympic Games of 2012 — the best time.",
    "THE NEXT YEAR, Over The Past Decade, Earlier Today, Later This Week: title case and shouting.",
    "The class of '09 met on May 5–7, 2024; this morning and last March, shares fell in morning trading.",
]


#: The ``starts`` lookahead that ``_rule`` puts in front of a pattern, and the pattern.
_STARTS = re.compile(
    r"\(\?=(\\b\\w|\\w|\\d|\[[^\]]*\]|\(\?i:\[[^\]]*\]\))\)"  # (?=\b\w), (?=[ADF]), (?=(?i:[ft]))
    r"\(\?:(.*)\)",  # (?:the pattern)
    re.DOTALL,
)


def _plain(rule: dates._Rule) -> re.Pattern:
    """A rule's pattern without the ``starts`` lookahead that ``_rule`` put in front."""
    match = _STARTS.fullmatch(rule.pattern.pattern)
    return re.compile(match.group(2), rule.pattern.flags) if match else rule.pattern


def _reference_scan(text: str) -> list[tuple]:
    """Every rule on every line, with no trigger and no lookahead: what ``_scan`` must equal."""
    found = []
    for line_match in dates._LINES.finditer(text):
        line, offset = line_match.group(0), line_match.start()
        if not line.strip():
            continue
        for rule in dates._RULES:
            for match in _plain(rule).finditer(line):
                if match.end() == match.start():
                    continue
                result = rule.handler(match, line)
                for cand in result if isinstance(result, list) else (result,) if result else ():
                    found.append((cand.start + offset, cand.end + offset, cand.kind, max(cand.priority, rule.priority),
                                  cand.modifier))
    return found


@pytest.fixture(scope="module")
def texts(request):
    """The lines above and the seed articles, whole and cut into short pieces (a line with one
    expression in it is where a trigger that is too strict would show)."""
    seeds = sorted((request.config.rootpath / "seeds").glob("*.txt"))
    whole = ["\n".join(LINES)] + [path.read_text(encoding="utf-8") for path in seeds]
    return whole + ["\n".join(piece for text in whole for piece in re.split(r"[,;:.]\s+|\n", text))]


def test_timex_triggers_and_lookaheads_skip_only_lines_and_places_that_cannot_match(texts):
    for text in texts:
        fast = [(c.start, c.end, c.kind, c.priority, c.modifier) for c in dates._scan(text)]
        assert fast == _reference_scan(text)


def test_every_timex_rule_is_exercised_by_the_check_above(texts):
    """The equivalence check is only worth something for rules it sees matching."""
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    silent = [rule.handler.__name__ for rule in dates._RULES
              if not any(_plain(rule).search(line) for line in lines)]
    assert silent == []


def test_fold_case_finds_every_ascii_letter_a_case_insensitive_regex_finds():
    letter = re.compile("(?i)[a-z]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if letter.fullmatch(char):
            folded = fold_case(char)
            assert folded in string.ascii_lowercase and re.fullmatch(f"(?i){folded}", char), hex(code)
    assert fold_case("ſINCE İN") == "since in"


@pytest.mark.parametrize(
    "sentence",
    [
        "Editor’s note: the author is a journalist.",
        "Choose to support journalism and subscribe on a monthly basis.",
        "Readers who SUBSCRIBING TO OUR newsletter get more.",
        "Please ſubſcribe to our channel.",
        "  Thank you. ",
        "Thank you for coming, the minister said.",
        "The council approved the budget.",
        "The subscription to our service rose.",
        "Related: the war",
        "read more\n",
    ],
)
def test_boilerplate_test_in_two_parts_is_the_one_regex(sentence):
    assert is_boilerplate(sentence) == (BOILERPLATE.search(sentence) is not None)


def test_whole_word_search_without_a_regex_is_the_regex():
    rng = random.Random(3)
    alphabet = "ab _-.é1²’"
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", line) is not None
        assert _has_whole_word(line, word) == expected, (line, word)


# --------------------------------------------------------------------------------------------
# Entity tokens and the tense markers of the temporal tagger

#: The token pattern as first written (``entities._WORD_RE`` is the same, unrolled).
_WORD_RE_AS_WRITTEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_](?:[\w&]|[’'\-–.](?=[^\W_]))*|``|''|\S", re.UNICODE)


def _random_lines(seed: int, count: int, alphabet: str = "aZ9 _-–.'’&`“”\nſİıKé²,") -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def _reference_tokens(text: str, span: Span) -> list[tuple]:
    """``entities._tokens`` the slow way: a match object per token of the pattern as written."""
    tokens: list[tuple] = []
    expect_initial = True
    for match in _WORD_RE_AS_WRITTEN.finditer(text, span.start, span.end):
        word, start = match.group(), match.start()
        cut = entities._possessive(word) if "’" in word or "'" in word else 0
        if cut:
            tokens.append((word[:cut], start, start + cut, expect_initial, len(tokens)))
            expect_initial = False
            word, start = word[cut:], start + cut
        initial = False
        if word[:1].isalnum():
            initial, expect_initial = expect_initial, False
        elif word in entities._STARTERS:
            expect_initial = True
        tokens.append((word, start, start + len(word), initial, len(tokens)))
    return tokens


def test_entity_tokens_are_found_as_the_pattern_as_written_finds_them(texts):
    pairs = [(text, span) for text in texts for span in split_sentences(text)]
    pairs += [(span.text, Span(span.text, 0, len(span.text), 0)) for _, span in list(pairs)]
    rng = random.Random(5)
    for line in _random_lines(5, 3000):
        start = rng.randint(0, len(line))
        pairs.append((line, Span(line[start:], start, len(line), 0)))
    for text, span in pairs:
        assert entities._WORD_RE.findall(text, span.start, span.end) == _WORD_RE_AS_WRITTEN.findall(
            text, span.start, span.end
        )
        fast = [(t.text, t.start, t.end, t.initial, t.index) for t in entities._tokens(text, span)]
        assert fast == _reference_tokens(text, span), (text, span)


def _reference_doc_notes(text: str, sentences: list[Span]) -> tuple:
    """What ``entities._Doc`` notes of an article, the slow way: a second pass over the tokens
    of each sentence, every fact worked out from the word itself."""
    gaz = entities.gazetteer()
    sentences_tokens = [_reference_tokens(text, span) for span in sentences]
    lower_words, mid_caps, surnames, shouting_lines, capitals, headlines = set(), [], set(), [], [], []
    for tokens in sentences_tokens:
        caps = [entities._shape(word)[1] for word, *_ in tokens]
        words = long_words = capitalised = 0
        shouting = True
        capitals.append({word for word, *_ in tokens if word in gaz.capitals})
        for k, (word, _, _, initial, _) in enumerate(tokens):
            if word[:1].islower():
                lower_words.add(word)
            elif caps[k] and not initial:
                mid_caps.append(word)
            if word in gaz.given_names and k < len(tokens) - 1:
                after = tokens[k + 1]
                if caps[k + 1] and not after[3] and (k + 2 == len(tokens) or not caps[k + 2]):
                    surnames.add(after[0])
            if word[:1].isalnum() and len(word) > 1:
                words += 1
                if not (word[0].isdigit() or word.isupper()):
                    shouting = False
                if len(word) > 3:
                    long_words += 1
                    capitalised += caps[k]
        shouting_lines.append(words >= 4 and shouting)
        headlines.append(long_words >= 4 and capitalised / long_words > 0.75)
    marked = [
        [(word, start, end, initial or headline, index) for word, start, end, initial, index in tokens]
        for tokens, headline in zip(sentences_tokens, headlines)
    ]
    return marked, lower_words, list(Counter(mid_caps).items()), surnames, shouting_lines, capitals


def test_doc_notes_what_the_slow_way_notes(texts):
    extra = [
        "JOHN SMITH SAID THE ROCKETS HIT",  # shouting
        "Barack Obama’s Visit To Paris Ends Today",  # a headline, a possessive
        "Paris’s mayor Anne Hidalgo said.",  # a capital, a given name and surname
        "Jones' car and the Smiths' house; France’s and Paris's plans. “Shares fell,” said O'Neil.",
    ]
    for text in texts + extra + _random_lines(7, 500, "aZ9 .'’ParisJohnMARYiPhone\n"):
        spans = split_sentences(text)
        doc = entities._Doc(text, spans)
        fast = (
            [[(t.text, t.start, t.end, t.initial, t.index) for t in tokens] for tokens in doc.sentences],
            doc.lower_words,
            list(doc.mid_caps.items()),
            doc.surnames,
            doc.shouting,
            doc.capitals,
        )
        assert fast == _reference_doc_notes(text, spans), text


def test_the_winning_vote_is_the_counters_most_common():
    """``entities._one_sense_per_discourse`` takes ``max`` over plain dicts of votes where it
    took ``Counter.most_common(1)``: the same type, ties to the first one voted for."""
    rng = random.Random(8)
    for _ in range(3000):
        vote: dict[str, int] = {}
        for _ in range(rng.randint(1, 6)):
            kind = rng.choice(["PER", "ORG", "LOC", "MISC"])
            vote[kind] = vote.get(kind, 0) + rng.choice([2, 3])
        assert max(vote, key=vote.__getitem__) == Counter(vote).most_common(1)[0][0], vote


def test_given_name_test_skips_the_split_only_where_there_is_no_hyphen():
    given = entities.gazetteer().given_names
    for word in ["Jean-Noël", "Anna–Maria", "Mary-Kate", "Jean-", "-", "Boeing-Airbus", "Ilham", "Lockheed"]:
        parts = re.split(r"[-–]", word)
        slow = word in given or len(parts) > 1 and all(
            p in given or entities._fold(p).title() in given for p in parts
        )
        assert entities._given_name(entities.gazetteer(), word) == slow, word


def test_past_markers_word_by_word_are_the_case_insensitive_regex(texts):
    body = dates._PAST_WORD.pattern.removeprefix("(?i)")
    slow = re.compile(rf"(?i)\b(?:{body})\b")
    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(6, 3000, "walkedWASſaidİıK sgo-’'ed.") + ["WAſ ſaid, walKed; the unitED speed"]
    rng = random.Random(6)
    for line in lines:
        lo = rng.randint(0, len(line))
        hi = rng.randint(lo, len(line))
        for a, b in ((0, len(line)), (lo, hi)):
            found = slow.finditer(line, a, b)
            expected = [m.span() for m in found if not dates._NOT_PAST.fullmatch(m.group())]
            assert [m.span() for m in dates._past_markers(line, a, b)] == expected, (line, a, b)


@pytest.mark.parametrize(
    "shape", [r"\d\s\d", r"\d.\d", r"[^a]\d", r"(?=\d)", r"\d$", r"^\d", r"\D\d", r"\d\S"]
)
def test_a_shape_that_may_match_white_space_or_look_past_its_piece_is_refused(shape):
    with pytest.raises(ValueError, match="line_shape"):
        dates._rule(r"\d", shape=shape)


def test_piece_shapes_trigger_their_rules_wherever_they_match_a_line(texts):
    """A shape tried piece by piece triggers its rules on every line it matches as a whole."""
    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(7, 3000, "19 20'’s-/.:lyannual\t")
    for line in lines:
        tried = set(dates._rules_for(line))
        for shape, rules in dates._BY_SHAPE.items():
            if shape.search(line):
                assert {dates._RULES[index] for index in rules} <= tried, (line, shape.pattern)


# --------------------------------------------------------------------------------------------
# Language identification


def test_fast_language_identifier_scores_are_the_stock_ones_bit_for_bit(texts):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from summarizer.language import _identifier

    fast, stock = _identifier(), LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    assert type(fast) is not LanguageIdentifier
    samples = [text[start:start + 1500] for text in texts for start in range(0, len(text), 700)]
    samples += [
        "Le président de la République a annoncé mardi une réforme des retraites très contestée.",
        "Президент России заявил во вторник, что переговоры продолжатся на следующей неделе.",
        "Der Bundeskanzler traf am Dienstag in Berlin den französischen Präsidenten.",
        "中国国家主席周二在北京会见了法国总统。", "مرحبا بكم في الأخبار", "", " ", "  a  b  ", "x",
        "THE PRESIDENT SAID ON TUESDAY THAT TALKS WOULD CONTINUE", "no\u00a0break\tspaces\nhere",
    ]
    samples += _random_lines(8, 1500, "ab eé ИЖ中 \n\t’1.,")
    for sample in samples:
        assert np.array_equal(fast._decide(sample), stock._decide(sample)), sample
        assert fast.classify(sample) == stock.classify(sample)
        encoded = sample.encode()
        assert np.array_equal(fast._decide(encoded), stock._decide(encoded))


# --------------------------------------------------------------------------------------------
# Case-insensitive timex rules searched case-sensitively in the line in lower case


def test_lower_case_keeps_every_character_one_that_a_case_insensitive_regex_would_match():
    """What ``dates._folded`` rests on, for every character once ``_CASE_FOLD`` has run."""
    classes = [re.compile(r"\w"), re.compile(r"\d"), re.compile(r"\s")]
    letters = {letter: re.compile(f"(?i){letter}") for letter in string.ascii_lowercase}
    for code in range(sys.maxunicode + 1):
        char = chr(code).translate(dates._CASE_FOLD)
        lower = char.lower()
        assert len(lower) == 1, hex(code)
        if lower == char:
            continue
        assert [bool(c.match(char)) for c in classes] == [bool(c.match(lower)) for c in classes], hex(code)
        for letter, pattern in letters.items():
            assert bool(pattern.match(char)) == (lower == letter), (hex(code), letter)


def test_folded_timex_rules_find_the_matches_of_the_rules_as_written(texts):
    folded = [rule for rule in dates._RULES if rule.folded is not None]
    assert len(folded) >= 8  # the costly duration, set, anaphora, "ago" and vague rules among them
    assert all(rule.pattern.flags & re.IGNORECASE for rule in folded)
    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(9, 3000, "TheDAYS agoſİıKé  a-yearsweek 2 ’'.,")
    lines += [line.upper() for line in lines[:200]] + ["THE SAME DAY, ſeveral YEARS AGO, the paſt week"]
    for line in lines:
        line = line.translate(dates._CASE_FOLD)
        for rule in folded:
            expected = [m.span() for m in rule.pattern.finditer(line)]
            assert [m.span() for m in rule.folded.finditer(line.lower())] == expected, (line, rule.handler)


@pytest.mark.parametrize("pattern", [r"(?i)[A-Z]\d", r"(?i)caf[é]", r"(?i)a(?-i:b)c", r"\bthe\b", r"(?i:the)"])
def test_patterns_with_other_letters_or_no_global_flag_are_not_folded(pattern):
    assert dates._folded(re.compile(pattern)) is None


def test_folded_patterns_drop_only_the_case_insensitive_flag():
    folded = dates._folded(re.compile(r"(?i)\bthe\s+(?P<u>day|week)\b(?!['’]s)"))
    assert folded.pattern == r"\bthe\s+(?P<u>day|week)\b(?!['’]s)" and not folded.flags & re.IGNORECASE


# --------------------------------------------------------------------------------------------
# LexRank terms straight from the word pattern's tokens


@pytest.mark.parametrize("language", ["english", "german", None])
def test_lexrank_terms_of_raw_tokens_are_the_stems_of_the_words(texts, language):
    """``_term_of`` takes every ``_WORD`` token and drops those with no letter itself: the same
    terms, in the same order, as stemming the non-stop words of ``tokenizer.words``."""
    from summarizer.summarize import _stemmer, _term_of, stop_words
    from summarizer.tokenizer import _WORD, words

    term_of, stem = _term_of(language), _stemmer(language)
    stops = {word.lower() for word in stop_words(language)}
    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(10, 3000, "aB9 _-'’²Ⅻ½é.ſ,")
    lines += ["1990s 3-4 co-op O'Neil __ ² Ⅻ 12’000 THE The the"]
    for line in lines:
        fast = [term for term in map(term_of, _WORD.findall(line)) if term is not None]
        slow = [stem(word.lower()) for word in words(line) if word.lower() not in stops]
        assert fast == slow, line


# --------------------------------------------------------------------------------------------
# Rules tried per line, as bit masks


def test_rules_tried_on_a_line_are_those_of_its_triggers(texts):
    """``_rules_for`` (bit masks, memoised per piece and per mask) against the triggers as
    ``_rule`` describes them, worked out from the sets of rule indexes for each line."""
    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(11, 3000, "MayJan 19 20'’s-/.:lyannual\tweekſİdaySept noon 3pm")
    for line in lines:
        pieces = line.split()
        tried = set(dates._ALWAYS)
        for piece in pieces:
            folded = fold_case(piece)
            for trigger, rules in dates._BY_WORD.items():
                if trigger in folded:
                    tried |= rules
            for trigger, rules in dates._BY_CASED.items():
                if trigger in piece:
                    tried |= rules
            for shape, rules in dates._BY_SHAPE.items():
                if shape.search(piece):
                    tried |= rules
        for shape, rules in dates._BY_LINE_SHAPE.items():
            if shape.search(line):
                tried |= rules
        assert list(dates._rules_for(line)) == [dates._RULES[index] for index in sorted(tried)], line


# --------------------------------------------------------------------------------------------
# The character classes in front of the timex rules


class _AnyCharacter(Exception):
    """A match may begin with a character no class here lists (``.``, a negated class, ``\\w``)."""


def _first_characters(items, ignore_case: bool) -> tuple[set, bool]:
    """What a match of a parsed regex (``re._parser``) can begin with: a set of (code point,
    case-insensitive there) and "digit" (``\\d``); and whether it can match the empty string."""
    from re import _constants as c

    found: set = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: they narrow where a match begins, never what it begins with
        if op is c.LITERAL:
            return found | {(av, ignore_case)}, False
        if op is c.IN:
            for kind, value in av:
                if kind is c.LITERAL:
                    found.add((value, ignore_case))
                elif kind is c.RANGE:
                    found.update((code, ignore_case) for code in range(value[0], value[1] + 1))
                elif kind is c.CATEGORY and value in (c.CATEGORY_DIGIT, c.CATEGORY_UNI_DIGIT):
                    found.add("digit")
                else:
                    raise _AnyCharacter(kind)
            return found, False
        if op is c.BRANCH:
            nullable = False
            for alternative in av[1]:
                chars, empty = _first_characters(alternative, ignore_case)
                found |= chars
                nullable = nullable or empty
            if not nullable:
                return found, False
            continue
        if op is c.SUBPATTERN:
            _, add, remove, body = av
            scoped = bool((ignore_case or add & re.IGNORECASE) and not remove & re.IGNORECASE)
            chars, empty = _first_characters(body, scoped)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _, body = av
            chars, empty = _first_characters(body, ignore_case)
            empty = empty or not low
        elif op is c.ATOMIC_GROUP:
            chars, empty = _first_characters(av, ignore_case)
        else:
            raise _AnyCharacter(op)
        found |= chars
        if not empty:
            return found, False
    return found, True


def test_each_timex_rule_starts_with_a_character_of_its_class():
    """``starts`` in front of a rule holds every character a match of the pattern can begin with
    (in any case where the pattern ignores case there), and no pattern matches the empty string:
    the lookahead only passes over places where the pattern cannot match, so it changes no match.
    Worked out from the parsed pattern, for every character of Unicode that a case-insensitive
    letter or ``\\d`` takes. The same for the one-search tests of the date modifiers."""
    from re import _parser

    patterns = [(rule.handler.__name__, rule.pattern) for rule in dates._RULES]
    patterns += [("prefix modifiers", dates._ANY_PREFIX_MODIFIER), ("signals", dates._ANY_SIGNAL)]
    checked = []
    for name, pattern in patterns:
        match = _STARTS.fullmatch(pattern.pattern)
        if match is None or match.group(1) in (r"\b\w", r"\w"):
            continue  # no lookahead, or the start of a word: the equivalence checks above see to it
        chars, empty = _first_characters(_parser.parse(match.group(2), pattern.flags).data,
                                         bool(pattern.flags & re.IGNORECASE))
        assert not empty, name
        checked.append((name, re.compile(f"(?={match.group(1)})", pattern.flags), chars))
    assert len(checked) >= 35
    # every character that a case-insensitive letter of some pattern, or \d, matches
    caseless = {chr(code) for _, _, chars in checked for code, ignore in chars - {"digit"} if ignore}
    variants = re.compile(r"\d|[" + re.escape("".join(sorted(caseless))) + "]", re.IGNORECASE)
    wide = [char for char in map(chr, range(sys.maxunicode + 1)) if variants.match(char)]
    digits = [char for char in wide if re.match(r"\d", char)]
    for name, lookahead, chars in checked:
        begins = {chr(code) for code, ignore in chars - {"digit"} if not ignore}
        letters = "".join(chr(code) for code, ignore in chars - {"digit"} if ignore)
        if letters:
            either = re.compile("[" + re.escape(letters) + "]", re.IGNORECASE)
            begins.update(char for char in wide if either.fullmatch(char))
        if "digit" in chars:
            begins.update(digits)
        missed = sorted(char for char in begins if not lookahead.match(char))
        assert missed == [], (name, missed)


def test_one_search_for_the_date_modifiers_is_any_of_them(texts):
    """``_ANY_PREFIX_MODIFIER`` / ``_ANY_SIGNAL`` (the window in lower case) find a match exactly
    where one of the modifier patterns (the window as written) does."""
    windows = []
    for text in texts:
        scan = text.translate(dates._CASE_FOLD)
        windows += [scan[max(0, end - 40):end] for end in range(0, len(scan), 3)]
    windows += _random_lines(12, 3000, "the END of ſince mid-pre-c. early Late aboutBY \t")
    cues = ["the very beginning of the ", "the end of ", "mid-", "the middle of ", "early ", "late in ",
            "the first weeks of ", "the final part of ", "the turn of the ", "around ", "c. ", "pre-",
            "post-", "ever since ", "before ", "by ", "prior to ", "no later than ", "ahead of ",
            "until ", "till ", "up to ", "through ", "after ", "shortly after\t", "AHEAD  OF "]
    windows += [f"{lead}{cue}" for cue in cues for lead in ("", "x", "a ", "The ", "1 ")]
    windows += [window.upper() for window in windows[:500]] + [window.title() for window in windows[-150:]]
    windows = [window.rsplit("\n", 1)[-1] for window in windows]
    for either, patterns in ((dates._ANY_PREFIX_MODIFIER, dates._PREFIX_MODIFIERS),
                             (dates._ANY_SIGNAL, dates._SIGNALS)):
        seen = 0
        for window in windows:
            expected = any(pattern.search(window) for pattern, _ in patterns)
            assert (either.search(window.lower()) is not None) == expected, window
            seen += expected
        assert seen > 20


# --------------------------------------------------------------------------------------------
# Event lines: clause boundaries and dangling connectives


def test_clause_boundaries_with_their_lookahead_are_the_pattern_as_written(texts):
    from summarizer import events

    written = re.compile(events._BOUNDARY.pattern.removeprefix(r"(?=[\s,;:])(?:").removesuffix(")"))
    assert written.pattern != events._BOUNDARY.pattern
    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(13, 3000, "a, which;: —–-- \t\u00a0who but,ſo")
    for line in lines:
        found = [match.span() for match in events._BOUNDARY.finditer(line)]
        assert found == [match.span() for match in written.finditer(line)], line


def test_dangling_connectives_are_dropped_as_the_regex_drops_them(texts):
    from summarizer import events

    lines = [line for text in texts for line in text.splitlines()]
    lines += _random_lines(14, 5000, "and but ORſoyetwhich, ;:\n\tK")
    lines += ["He left, and", "It rose AND", "as well as", "ſo", "the band", "who\n", "Whom"]
    lines += ["x, and, BUT\n", ", and\n\n", "and", ""]
    ends = [" and", ", But", "; ſo", ",WHO", " as\n", "\twhich", " yet", " THEN", "land", " or\n\n",
            " whilst"]
    lines += [line + ends[k % len(ends)] for k, line in enumerate(lines[-3000:])]
    dropped = 0
    for line in lines:
        expected = events._DANGLING.sub("", line)
        assert events._drop_dangling(line) == expected, line
        dropped += expected != line
    assert dropped > 50

"""The shortcuts of the temporal tagger (``summarizer.dates``) change no result: each against the plain way.

Like tests/test_speed_equivalence.py (whose reference scan and random lines these reuse), on the
seed articles, lines written to exercise the rules, and random lines of words that the rules and
their triggers look at (in odd cases, with odd white space).
"""

import random
import re
from collections import Counter

import pytest

from summarizer import dates
from tests.corpus import eval_texts
from tests.test_speed_equivalence import LINES, _plain, _random_lines, _reference_scan

#: Words the rules and their triggers look at, some only nearly ("today", "days", "weekend").
_VOCABULARY = (
    "day days today Monday Mondays yesterday tomorrow week weeks weekend week-end month months "
    "monthly year years yearly annual annually biannual semi-annual bi-weekly quarterly hourly "
    "nightly daily Daily hour hours half-hour minute minutes second seconds night nights fortnight "
    "quarter quarters decade decades century centuries millennium millennia time times sometimes the "
    "The THE that same previous following next last past coming current recent recently lately "
    "present presently moment being these now nowadays currently future term soon near long short ago "
    "earlier before later after hence from between and or to - – about over almost nearly under some "
    "roughly more than less at least up in excess of just well close a an A every each per other two "
    "three Three 3 44 44-day 30-year 2.5 3,000 $ GB 30GB spring summer Summer autumn winter fall Fall "
    "fallen fiscal financial FY FY09 justify 27.05.2025 3.5 1.2.3 7/8/07 1/2 12:30 3 pm p.m. AM UTC "
    "GMT 1600 hrs noon 2020 2009 '09 1990s 70s his late early mid- end of beginning rest start whole "
    "entire Q3 H2 first second-half , . ; ( ) ſince dayſ ſoon paſt İn"
).split()
#: Expressions the rules find (or nearly: "the day when", "a year old").
_PHRASES = (
    "the previous day|the following week|the next month|the same year|that day|that time|at that time|"
    "the same time|the day before|the week after|the year earlier|ended the day|on the day|the day's|"
    "the day when|late in the day|the rest of the week|end of the month|the entire year|the whole day|"
    "the weekend|the past year|the last decade|the next century|the coming month|for the next year|"
    "two years ago|several days later|three weeks earlier|a decade from now|five years hence|"
    "every other week|twice a year|once every 3 months|each day|per hour|15 a year|for a year|for years|"
    "over the years|in recent years|decades-long|minutes later|a year old|this week|last month|next year|"
    "the current quarter|earlier this year|later this week|in the near future|the long term|very soon|"
    "right now|now that|at present|these days|in recent times|more recently|in the past|recent history|"
    "for the time being|at the moment|44-day|half an hour|a half day|a year and a half|two and a half years|"
    "about three years|more than a decade|nearly 30 years|in excess of two weeks|up to five days|"
    "over the past decade|between 60 and 90 days|two to three weeks|30GB, 75 hours|$3 years|a quarter|"
    "two consecutive quarters|a single day|single-day|a second time|the first week of June|last March|"
    "the same period last year|the same month a year ago|fiscal 2009|FY2010|the financial year|spring 2020|"
    "last summer|Fall 2021|the fall|the winter of 2019|from 2009 to 2011|the 20th century|the fourth quarter"
).split("|")
_SPACES = (" ", " ", " ", "  ", "\t", "\u00a0", " \u2009")


def _word_lines(seed: int, count: int) -> list[str]:
    """Lines of 2 to 12 words of :data:`_VOCABULARY` and expressions of :data:`_PHRASES` (some in
    capitals or title case), between random white space."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(2, 12)):
            word = rng.choice(_PHRASES) if rng.random() < 0.3 else rng.choice(_VOCABULARY)
            word = rng.choice((str, str, str, str.upper, str.title))(word)
            words.append(re.sub(" ", lambda _: rng.choice(_SPACES), word))
        line = "".join(word + rng.choice(_SPACES) for word in words)
        lines.append(line.rstrip() if rng.random() < 0.5 else line)
    return lines


@pytest.fixture(scope="module")
def lines(request):
    """The lines of LINES and of the seed articles, and 3,000 lines of :data:`_VOCABULARY`."""
    seeds = sorted((request.config.rootpath / "seeds").glob("*.txt"))
    texts = ["\n".join(LINES)] + [path.read_text(encoding="utf-8") for path in seeds]
    return [line for text in texts for line in text.splitlines() if line.strip()] + _word_lines(1, 3000)


def test_triggers_pass_every_line_a_rule_matches(lines):
    """The whole-word ``shape`` triggers (:func:`dates._whole_word`) and the others never keep a
    rule from a line where its pattern matches."""
    for line in lines:
        tried = set(dates._rules_for(line))
        for rule in dates._RULES:
            if _plain(rule).search(line):
                assert rule in tried, (rule.handler.__name__, line)


def test_scan_of_word_lines_is_the_reference_scan(lines):
    """Every rule on every line, as written, against ``_scan`` (triggers, lookaheads, lower-case
    searches and the handlers' own shortcuts), a thousand lines at a time."""
    for at in range(0, len(lines), 1000):
        text = "\n".join(lines[at:at + 1000]).translate(dates._CASE_FOLD)  # as find_timexes scans it
        fast = [(c.start, c.end, c.kind, c.priority, c.modifier) for c in dates._scan(text)]
        assert fast == _reference_scan(text)


def _prefixes(lines: list[str]) -> list[str]:
    """Each line cut before each of its pieces (where a duration could begin), and random strings."""
    cuts = [line[:match.start()] for line in lines for match in re.finditer(r"\S+", line)]
    odd = _random_lines(21, 3000, "the past over  \t\u00a0in excess of-aboutUNDERx")
    return cuts + odd + ["", " ", "about"]


def test_prefix_searches_from_the_last_pieces_find_what_a_search_of_the_whole_finds(lines):
    for before in _prefixes(lines):
        for pattern, count in ((dates._FRAMED_BEFORE, 2), (dates._APPROX_BEFORE, 3)):
            whole = pattern.search(before)
            tail = pattern.search(before, dates._last_pieces(before, count))
            expected = whole and (whole.span(), whole.groups())
            assert (tail and (tail.span(), tail.groups())) == expected, before


def test_pair_regex_is_skipped_only_where_it_cannot_match(lines):
    windows = [before[-24:] for before in _prefixes(lines)]
    windows += _random_lines(22, 3000, "between 60 AND To-–or 3\t\u00a0")
    seen = 0
    for window in windows:
        if dates._PAIR_BEFORE.search(window):
            assert window.rstrip().lower().endswith(dates._PAIR_JOINS), window
            seen += 1
    assert seen > 50


def test_year_cues_in_lower_case_are_the_cues_as_written(lines):
    windows = [before[-20:] for before in _prefixes(lines)]
    cues = ("In", "SINCE", "Fiscal", "in the  year", "c.", "Mid-", "Nasdaq", "S&P", "$")
    windows += [f"{lead}{cue} " for cue in cues for lead in ("", "x", "the ")]
    windows += _random_lines(23, 3000, "In SiNCE c. fiscalMid-pre S&P$#( \t")
    for window in windows:
        window = window.translate(dates._CASE_FOLD)  # as find_timexes scans it
        for pattern, folded in ((dates._YEAR_CUE, dates._YEAR_CUE_FOLDED),
                                (dates._NOT_YEAR_BEFORE, dates._NOT_YEAR_BEFORE_FOLDED)):
            expected = pattern.search(window)
            found = folded.search(window.lower())
            assert (expected and expected.span()) == (found and found.span()), window


def test_future_markers_in_lower_case_are_the_case_insensitive_matches(lines):
    rng = random.Random(24)
    extra = ["It WILL rain; they Won’t go, she'll see, It Is To Begin, is due to VOTE, Scheduled, TO BE.",
             "xwill willx swill, won't wo n’t, going   to, plans to, EXPECTS, upcoming-forthcoming."]
    for line in lines + extra:
        text = line.translate(dates._CASE_FOLD)
        spans = [(0, len(text))] + [tuple(sorted((rng.randint(0, len(text)), rng.randint(0, len(text)))))
                                    for _ in range(3)]
        for lo, hi in spans:
            expected = [match.span() for match in dates._FUTURE.finditer(text, lo, hi)]
            assert dates._future_markers(text, lo, hi) == expected, (text, lo, hi)


def _reference_tense(text: str, start: int, end: int) -> str:
    """``_tense`` as first written: the case-insensitive search, and ``be`` looked for before every marker."""
    if re.search(r"(?i)\b(?:until|till)\s+(?:next\s+|this\s+)?$", text[max(0, start - 12):start]):
        return "future"
    lo, hi = dates._sentence_bounds(text, start, end)
    breaks = [m.start() for m in dates._CLAUSE_BREAK.finditer(text, lo, hi)]
    best, tense = None, "present"
    for matches, name in ((dates._FUTURE.finditer(text, lo, hi), "future"),
                          (dates._past_markers(text, lo, hi), "past")):
        for match in matches:
            if match.end() > start and match.start() < end:
                continue
            passive = re.search(r"(?i)\bbe\s+$", text[max(0, match.start() - 4):match.start()])
            if name == "past" and passive:
                continue
            distance = start - match.end() if match.end() <= start else match.start() - end
            low, high = sorted((match.start(), start))
            if any(low < b < high for b in breaks):
                distance += dates._OTHER_CLAUSE
            if best is None or distance < best:
                best, tense = distance, name
    return tense


def test_tense_is_the_tense_as_first_written(lines):
    rng = random.Random(25)
    text = "\n".join(lines[:2000]).translate(dates._CASE_FOLD)
    spans = [(c.start, c.end) for c in dates._scan(text)]
    spans += [(at, at + rng.randint(0, 12)) for at in rng.sample(range(len(text) - 12), 2000)]
    seen = set()
    for start, end in spans:
        tense = dates._tense(text, start, end)
        assert tense == _reference_tense(text, start, end), (text[max(0, start - 80):end + 80], start, end)
        seen.add(tense)
    assert seen == {"past", "present", "future"}


def test_memo_works_out_each_key_once_and_empties_when_full():
    asked = []
    memo = dates._Memo(lambda key: asked.append(key) or key * 2, 3)
    assert [memo[key] for key in (1, 2, 1, 3, 2)] == [2, 4, 2, 6, 4]
    assert asked == [1, 2, 3]
    assert memo[4] == 8 and len(memo) == 1  # full at 3 keys: emptied, then 4 added


def _reference_pick_year(span_of, ref, tense: str) -> int:
    """``_pick_year`` as first written: the tense worked out first, for every date."""
    this = span_of(ref.year)
    if this is None:
        return ref.year
    first, last = this
    if first <= ref <= last:
        return ref.year
    if tense == "past" and first > ref + dates.timedelta(days=dates._NEAR_DAYS):
        return ref.year - 1
    if tense == "future" and last < ref - dates.timedelta(days=dates._NEAR_DAYS):
        return ref.year + 1
    if tense == "present":
        def distance(year):
            first, last = span_of(year)
            return min(abs((first - ref).days), abs((last - ref).days)), year != ref.year

        return min((y for y in (ref.year - 1, ref.year, ref.year + 1) if span_of(y)), key=distance)
    return ref.year


def test_year_picked_without_the_tense_is_the_year_picked_with_it():
    """``_pick_year`` asks for the tense only where the answer depends on it: in every tense, the
    year of every day, month, quarter, half and season, on reference dates all over the calendar."""

    def of_value(make):
        return lambda year: (value := make(year)) and dates._raw_span(value)

    def day(month, d):
        def make(year):
            try:
                return dates.date(year, month, d).isoformat()
            except ValueError:  # February 29 of a common year
                return None
        return make

    span_ofs = [of_value(day(month, d)) for month in range(1, 13) for d in (1, 15, 28, 29, 30, 31)]
    span_ofs += [of_value(lambda year, month=month: f"{year}-{month:02d}") for month in range(1, 13)]
    span_ofs += [of_value(lambda year, code=code: f"{year}-{code}")
                 for code in ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "SP", "SU", "FA", "WI")]
    refs = [dates.date(2023, 12, 31) + dates.timedelta(days=n) for n in range(0, 800, 3)]
    asked = Counter()
    for span_of in span_ofs:
        for ref in refs:
            for tense in ("past", "future", "present"):
                def ask(tense=tense):
                    asked[tense] += 1
                    return tense
                assert dates._pick_year(span_of, ref, ask) == _reference_pick_year(span_of, ref, tense)
    assert len(asked) == 3  # and not always (the speed-up); the count is not the point


@pytest.mark.parametrize("tense", ["past", "future", "present"])
def test_weekdays_in_each_tense_are_those_worked_out_in_that_tense(monkeypatch, tense):
    """A bare weekday that is the reference date's own comes out as that day without the tense
    being asked for; any other, as the tense says (back, ahead, or the nearer one)."""
    monkeypatch.setattr(dates, "_tense", lambda text, start, end: tense)
    for n in range(14):
        ref = dates.date(2025, 5, 19) + dates.timedelta(days=n)
        for weekday, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                        "Saturday", "Sunday")):
            [found] = dates.find_timexes(f"They met on {name}.", ref)
            delta = weekday - ref.weekday()
            back, ahead = (delta - 7 if delta > 0 else delta), (delta + 7 if delta < 0 else delta)
            expected = {"past": back, "future": ahead}.get(tense, back if -back <= ahead else ahead)
            assert found.value == (ref + dates.timedelta(days=expected)).isoformat(), (name, ref, tense)


#: The trigger the clock rule had (a regex searched in each line), for the test below.
_CLOCK_LINE_SHAPE = re.compile(r"\d(?::\d|\s*(?:UTC|GMT|Z|hrs|hours|[ap]\.?m))")


def test_clock_shape_of_pieces_passes_every_line_the_line_shape_passed(lines):
    clock = next(rule for rule in dates._RULES if rule.handler is dates._clock)
    odd = _random_lines(26, 5000, "19 :amp.UTCZhrsoug\t\u00a0\u2009(")
    seen = 0
    for line in lines + odd + ["5 pm", "1600\u00a0hrs", "10 a.m.", "5.30\tpm", "3 \u2009Z", "12:00", "7am"]:
        if _CLOCK_LINE_SHAPE.search(line):
            assert clock in dates._rules_for(line), line
            seen += 1
    assert seen > 300


def test_tense_of_sentences_mixing_markers_is_the_tense_as_first_written():
    """``_tense`` decides without distances where the markers that count all say the same, and
    stops at the first past one where no future one counts: random sentences of markers (some
    in the span, some after "be", some in other clauses), every span of one to three words."""
    rng = random.Random(27)
    words = ("will said was be completed expected is set to begin Monday it the — ; , and , but "
             "until next WILL Said ſaid shall would had done talked indeed").split()
    for _ in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 18))) + "."
        text = text.translate(dates._CASE_FOLD)  # as find_timexes scans it
        starts = [match.start() for match in re.finditer(r"\S+", text)]
        for i, start in enumerate(starts):
            for end in starts[i + 1:i + 4] + [len(text)]:
                expected = _reference_tense(text, start, end)
                assert dates._tense(text, start, end) == expected, (text, start, end)


def test_odd_letters_are_folded_as_str_translate_folds_them(lines):
    """``_fold_odd_letters`` (substring tests before ``str.translate``) and ``fold_case``."""
    odd = _random_lines(28, 3000, "aZ ſıİKé\u00a0-")
    for text in lines + odd + ["", "ſ", "ı", "İ", "é", "\n".join(lines[:50])]:
        expected = text.translate(dates._CASE_FOLD)
        assert dates._fold_odd_letters(text) == expected, text
        assert dates.fold_case(text) == expected.lower(), text


# --------------------------------------------------------------------------------------------
# What a piece of a line triggers: prefilters, then the triggers of the kinds found




def _plain_rules_of_word(word: str) -> int:
    """``dates._rules_of_word`` as first written: every trigger tested one by one."""
    folded = dates.fold_case(word)
    found = [rules for trigger, rules in dates._BY_WORD.items() if trigger in folded]
    found += [rules for trigger, rules in dates._BY_CASED.items() if trigger in word]
    found += [rules for shape, rules in dates._BY_SHAPE.items() if shape.search(word)]
    return dates._mask(frozenset().union(*found))


def _triggers() -> list[str]:
    """The trigger words and strings, and the words of the whole-word shapes."""
    shaped = [word for shape in dates._BY_SHAPE for word in re.findall(r"[a-z]{2,}", shape.pattern)]
    return sorted({*dates._BY_WORD, *dates._BY_CASED, *shaped})


def _random_pieces(seed: int, count: int) -> list[str]:
    """Pieces made of triggers, parts of them, digits, punctuation and odd letters ("ſ", "İ", "ı",
    the Kelvin sign), in odd cases, some with white space or other characters inside."""
    rng = random.Random(seed)
    triggers = _triggers()
    bits = ["1", "2", "19", "2009", "0", "3", ":", "-", "/", ".", "'", "’", ",", "(", ")", "s", "am",
            "pm", "p.m", "Z", "UTC", "hrs", "ſ", "İ", "ı", "\u212a", "é", "_", "\u00a0", " ", "\n", "x"]
    pieces = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 4)):
            roll = rng.random()
            if roll < 0.4:
                part = rng.choice(triggers)
            elif roll < 0.6:
                word = rng.choice(triggers)
                start = rng.randint(0, len(word) - 1)
                part = word[start:rng.randint(start + 1, len(word))]
            else:
                part = rng.choice(bits)
            part = rng.choice((str, str, str.upper, str.lower, str.title, str.swapcase))(part)
            if rng.random() < 0.2:  # an odd letter for one like it
                part = part.replace(rng.choice("sSiIkK"), rng.choice(("ſ", "İ", "ı", "\u212a")), 1)
            parts.append(part)
        pieces.append("".join(parts))
    return pieces


def test_pieces_trigger_what_each_trigger_tested_alone_finds(lines):
    """``_rules_of_word`` (prefilters first) against the plain definition: on every piece of the
    seed articles, the evaluation articles (when installed) and the lines above, on every
    trigger alone and inside longer words, and on random pieces of triggers and odd characters."""
    pieces = {piece for line in lines for piece in line.split()}
    for text in eval_texts():
        pieces.update(text.split())
    for trigger in _triggers():
        for word in (trigger, trigger.upper(), trigger.title(), trigger.swapcase()):
            pieces.update((word, f"x{word}", f"{word}y", f"2{word}s", f"({word},", f"{word}'s", f"_{word}_",
                           word.replace("s", "ſ"), word.replace("i", "ı"), word.replace("I", "İ"),
                           word.replace("k", "\u212a"), word[:-1], word[1:]))
    pieces.update(_random_pieces(3, 20000))
    pieces.update(_random_lines(4, 3000, "aZ9 _-–.'’&ſİıKé²,:/"))
    triggered = 0
    for piece in sorted(pieces):
        expected = _plain_rules_of_word(piece)
        assert dates._rules_of_word(piece) == expected, piece
        triggered += expected != 0
    assert triggered > 5000  # the pieces above do trigger rules, most kinds of them


def test_letters_a_case_insensitive_shape_matches_are_those_folded_to_its_letters():
    """What the lower-case prefilter of the case-insensitive shapes rests on: every character an
    ``(?i)`` regex takes for an ASCII letter or digit is that letter or digit in lower case."""
    every_character = "".join(map(chr, range(0x110000)))
    for letter in "abcdefghijklmnopqrstuvwxyz0123456789":
        for match in re.finditer(f"(?i){letter}", every_character):
            assert dates.fold_case(match[0]) == letter, hex(ord(match[0]))


@pytest.mark.parametrize("extra", [
    {},  # the tables as they are
    {"words": {"day": {0}, "days": {1}, "ay": {2}, "9q": {3}}, "cased": {"May": {4}, "Mayday": {5}}},
    {"shapes": {r"(?i)[A-Z]\d": {6}, r"(\d)\1": {7}, r"(?x) \d \d # two digits": {8}, r"(?a)\w\d": {9},
                r"(?i)\b(?:fall|autumn)\b": {10}, r"(?i)(?-i:Fall)": {11}, r"\d(?i:am)": {12},
                r"(?ix) \b fall \b  # the season": {13}, r"(?ia)\bfall\b": {14}, r"(?i)(f)all": {15}}},
    {"words": {}, "cased": {}, "shapes": {}},  # nothing to find
])
def test_prefilters_of_other_tables_find_what_their_triggers_find(monkeypatch, extra):
    """The prefilters are built from the tables as they are (triggers inside others, one a prefix
    of another, shapes with groups, verbose, ASCII-only or partly case-sensitive, or none)."""
    pieces = _random_pieces(5, 4000) + ["Mayday", "MAYDAY", "9Q", "a9", "A9", "é9", "Fall", "FALL", "11", "3AM",
                                         "3am", "3ſam", "daysay", "", "x", "ſall", "faLL"]
    tables = {"words": dict(dates._BY_WORD), "cased": dict(dates._BY_CASED), "shapes": dict(dates._BY_SHAPE)}
    for kind, triggers in extra.items():
        if not triggers:
            tables[kind] = {}
        for trigger, rules in triggers.items():
            trigger = re.compile(trigger) if kind == "shapes" else trigger
            tables[kind][trigger] = tables[kind].get(trigger, set()) | {index + 40 for index in rules}
    monkeypatch.setattr(dates, "_BY_WORD", tables["words"])
    monkeypatch.setattr(dates, "_BY_CASED", tables["cased"])
    monkeypatch.setattr(dates, "_BY_SHAPE", tables["shapes"])
    monkeypatch.setattr(dates, "_PREFILTER", None)
    for piece in pieces:
        assert dates._rules_of_word(piece) == _plain_rules_of_word(piece), piece


def test_a_rule_registered_later_is_found_in_the_pieces_that_trigger_it(monkeypatch):
    """Registering a rule drops the prefilters, built again (with its triggers) when next needed."""
    for name in ("_RULES", "_BY_WORD", "_BY_CASED", "_BY_SHAPE", "_BY_LINE_SHAPE", "_LINE_SHAPE_MASKS"):
        value = getattr(dates, name)  # copies, sets of rules included
        copy = {key: set(rules) for key, rules in value.items()} if name.startswith("_BY") else type(value)(value)
        monkeypatch.setattr(dates, name, copy)
    monkeypatch.setattr(dates, "_PREFILTER", dates._PREFILTER)
    assert dates._rules_of_word("wombat") == 0
    dates._rule(r"wombat", words=("wombat",), shape=r"\d~\d")(lambda match, line: None)
    dates._rule(r"Qyz", cased=("Qyz",))(lambda match, line: None)
    new = 1 << len(dates._RULES) - 2
    assert dates._PREFILTER is None
    for piece in ("wombat", "WOMBATS", "3~4", "Qyzwombat", "qyz", "QYZ"):
        assert dates._rules_of_word(piece) == _plain_rules_of_word(piece), piece
    assert dates._rules_of_word("WOMBAT") == new
    assert dates._rules_of_word("Qyzwombat") == new | new << 1
    dates._PIECE_MASKS.clear()  # keys worked out with the rules above
    dates._MASK_RULES.clear()


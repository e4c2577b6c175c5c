"""Dated events: the sentences that carry a date, and the same event told by several articles.

``extract_events`` turns one article's dated sentences into :class:`EventCandidate`\\ s: for each
sentence and each date in it (a DATE or TIME of year precision or finer, resolved), the clause
that carries the date, trimmed to a readable line, with the entities named in it. A sentence
with two dates gives two events, each with its own clause::

    On May 27, Aliyev pardoned French national Théo Clerc, who had been convicted of
    hooliganism for spray-painting graffiti on a Baku metro train in March 2024.

    2025-05-27  On May 27, Aliyev pardoned French national Théo Clerc.
    2024-03     Théo Clerc, who had been convicted of hooliganism for spray-painting graffiti
                on a Baku metro train in March 2024.

Newsroom furniture (editor's notes and the paragraphs they open, subscribe prompts) and
datelines give no events, and neither do bounds that are not when something happened ("its
lowest level since 1997", "by 2012"), except a sentence that opens with "Since 2020," (a state
that began then). A date that holds another date of its sentence ("yesterday, at this year's
summit") gives way to the finer one.

``merge_events`` groups the events of several articles: two events are the same when their
dates are compatible (equal, or one inside the other: "2020" holds "2020-09") and their lines
tell the same thing: a shared named event ("Second Karabakh War" / "Second Garabagh War"), or
shared names and words, more of them the looser the dates fit (:data:`THRESHOLDS`). A group
takes the finest date of its members and lists every article as a source.

>>> from summarizer.dates import find_timexes
>>> from summarizer.sentences import split_sentences
>>> text = "The war broke out in September 2020. It lasted 44 days."
>>> [(e.date, e.line) for e in extract_events(text, split_sentences(text), find_timexes(text))]
[('2020-09', 'The war broke out in September 2020.')]
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from difflib import SequenceMatcher

from .dates import PRECISIONS, Timex, fold_case, sort_key, value_span
from .entities import Mention
from .sentences import Span

__all__ = ["MAX_LINE", "THRESHOLDS", "EventCandidate", "MergedEvent", "extract_events", "merge_events",
           "same_event", "similarity"]

#: The longest line an event keeps, in characters (a cut line ends with "…").
MAX_LINE = 200
_DATED = frozenset(PRECISIONS[:PRECISIONS.index("year") + 1])
_BOUNDS = frozenset({"SINCE", "BEFORE", "AFTER", "UNTIL"})


@dataclass(frozen=True)
class EventCandidate:
    """One dated sentence (or clause) of one article."""

    date: str  # TimeML value, year precision or finer
    precision: str
    explicit: bool  # the date was written out, not resolved against the publication date
    sentence_start: int
    sentence_end: int
    line: str
    timex_text: str
    entities: tuple[str, ...]
    modifier: str | None = None  # START, MID, END, APPROX, SINCE... as on the Timex
    range_end: str | None = None


@dataclass(frozen=True)
class MergedEvent:
    """An event with every article that reports it (``sources``: their keys, first seen first)."""

    date: str
    precision: str
    line: str
    entities: tuple[str, ...]
    sources: list[Hashable]
    explicit: bool
    modifier: str | None = None
    range_end: str | None = None
    mentions: tuple[tuple[Hashable, EventCandidate], ...] = field(default=(), repr=False)


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------


def extract_events(
    text: str,
    sentences: Sequence[Span],
    timexes: Sequence[Timex],
    mentions: Sequence[Mention] = (),
    *,
    furniture: set[int] | None = None,
) -> list[EventCandidate]:
    """The dated events of one article, in document order; one per (sentence, date).

    ``furniture``: the sentences that are newsroom furniture (``analysis.furniture``), where
    the caller has them already; they tell no event.
    """
    if furniture is None:
        from .analysis import furniture as furniture_of  # here: analysis imports this module

        furniture = furniture_of(sentences)
    by_sentence: dict[int, list[Timex]] = {}
    span_starts = [span.start for span in sentences]
    for timex in timexes:
        if timex.kind not in ("DATE", "TIME") or timex.value is None or timex.precision not in _DATED:
            continue
        index = _sentence_of(sentences, timex.start, span_starts)
        if index is None or index in furniture:
            continue
        span = sentences[index]
        if timex.modifier in _BOUNDS and not (timex.modifier == "SINCE" and _opens(text, span, timex)):
            continue
        by_sentence.setdefault(index, []).append(timex)

    events: list[EventCandidate] = []
    if not by_sentence:
        return events
    mention_starts = [mention.start for mention in mentions]
    if any(map(int.__gt__, mention_starts, mention_starts[1:])):
        mention_starts = None  # not in order of start: _entities_in looks at every mention
    for index, found in sorted(by_sentence.items()):
        span = sentences[index]
        dates: dict[str, Timex] = {}
        for timex in found:  # one event per date; the written-out mention wins
            if timex.value not in dates or (timex.explicit and not dates[timex.value].explicit):
                dates[timex.value] = timex
        for value in [v for v in dates if any(_holds(v, other) for other in dates if other != v)]:
            del dates[value]  # "yesterday, at this year's conference": the day says it all
        if not _says_something(span.text, found):
            continue  # a dateline: the date and nothing else
        # only a long sentence or one with several dates is cut into clauses (_pick_clauses)
        clauses = _clauses(span) if len(dates) > 1 or span.end - span.start > MAX_LINE else []
        for timex in sorted(dates.values(), key=lambda t: t.start):
            others = [t for t in dates.values() if t is not timex]
            pieces, joiner = _pick_clauses(text, span, clauses, timex, others, mentions)
            line = _tidy(text, pieces, joiner, timex)
            names = _entities_in(mentions, pieces, line, mention_starts)
            events.append(EventCandidate(timex.value, timex.precision, timex.explicit, span.start, span.end,
                                         line, timex.text, names, timex.modifier, timex.range_end))
    return events


def _holds(coarse: str, fine: str) -> bool:
    """True when the date ``coarse`` covers the whole of a different, finer date ``fine``."""
    outer, inner = value_span(coarse), value_span(fine)
    return outer != inner and outer[0] <= inner[0] and inner[1] <= outer[1]


def _says_something(sentence: str, timexes: list[Timex]) -> bool:
    """True when a sentence has words besides its dates ("March 01, 2008" alone says nothing)."""
    rest = sentence
    for timex in timexes:
        rest = rest.replace(timex.text, " ")
    return _LONG_WORD.search(rest) is not None


_LONG_WORD = re.compile(r"[^\W\d_]{3,}")


def _sentence_of(sentences: Sequence[Span], offset: int,
                 starts: Sequence[int] | None = None) -> int | None:
    """The index of the sentence that holds ``offset``, or None.

    ``starts``: the sentences' starts, where the caller has them; the sentences follow one another
    without overlapping, so the only one that can hold ``offset`` is the last to start at or
    before it (``tests/test_speed_events.py`` checks this gives the first that holds it).
    """
    if starts is not None:
        index = bisect_right(starts, offset) - 1
        return index if index >= 0 and offset < sentences[index].end else None
    for index, span in enumerate(sentences):
        if span.start <= offset < span.end:
            return index
    return None


def _opens(text: str, span: Span, timex: Timex) -> bool:
    """True for "Since 2020, ..." at the head of its sentence."""
    head = text[span.start:timex.start]
    return re.fullmatch(r"(?i)\W*(?:ever\s+)?since\s+(?:the\s+)?", head) is not None


# Clauses ---------------------------------------------------------------------------------------

#: Where a sentence splits into clauses. Every match begins with white space, a comma or a colon
#: or semicolon, said first as a lookahead: the regex engine then passes over the other places at
#: once instead of trying each alternative there (the same matches).
_BOUNDARY = re.compile(
    r"(?=[\s,;:])(?:\s*[;:]\s+|\s+[—–]\s+|\s+--\s+"
    r"|,\s+(?=(?:who|whom|whose|which|where|when|while|whereas|although|though|but|and|as|after|before|"
    r"because|since|until|so|yet|then|including|leaving|forcing|bringing|causing|prompting|according|amid|"
    r"despite)\b))"
)
_RELATIVE = re.compile(r"(?i)(?:who|whom|whose|which|where)\b")
_CONNECTIVE = re.compile(r"(?i)(?:(?:and|but|so|yet|then)\s+)+")
_NO_SUBJECT = re.compile(r"(?i)(?:had|has|have|was|were|is|are|will|would|could|can|did|does|also|later|"
                         r"then|[a-z]+ed)\b")
_DANGLING = re.compile(r"(?i)(?:[\s,;:]+(?:and|but|or|so|yet|then|while|as|which|who))+$")
_DANGLING_WORDS = ("and", "but", "or", "so", "yet", "then", "while", "as", "which", "who")


def _drop_dangling(line: str) -> str:
    """``_DANGLING.sub("", line)``: a match ends the line (or its last line break) with one of
    :data:`_DANGLING_WORDS` in any case, so a line that does not end so is left as it is with no
    search (``fold_case`` takes "ſ" for "s" as the case-insensitive regex does)."""
    tail = line[-7:].removesuffix("\n")
    return _DANGLING.sub("", line) if fold_case(tail).endswith(_DANGLING_WORDS) else line


def _clauses(span: Span) -> list[tuple[int, int]]:
    """Clause pieces of a sentence as absolute (start, end), split at ";", dashes, ", which"..."""
    pieces, cursor = [], 0
    for match in _BOUNDARY.finditer(span.text):
        if match.start() > cursor:
            pieces.append((span.start + cursor, span.start + match.start()))
        cursor = match.end()
    if cursor < len(span.text):
        pieces.append((span.start + cursor, span.end))
    return pieces or [(span.start, span.end)]


def _pick_clauses(text: str, span: Span, clauses: list[tuple[int, int]], timex: Timex,
                  others: list[Timex], mentions: Sequence[Mention]) -> tuple[list[tuple[int, int]], str]:
    """The pieces of text a date's line is made of, in order, and what joins them.

    A sentence with one date: all of it when it is short, else the clause with the date and its
    neighbours while the line stays short. With several dates, each takes its own clause and the
    undated clauses after it (those before the first date go to the first date). A relative
    clause ("who had been convicted ... in March 2024") takes the name it hangs on ("Théo Clerc"),
    and a clause with no subject ("and had made ... in September 2006") the name that opens the
    sentence ("Aer Lingus").
    """
    if not others and span.end - span.start <= MAX_LINE:
        return [(span.start, span.end)], ""
    own = _clause_of(clauses, timex.start)
    if others:
        dated = sorted({own} | {_clause_of(clauses, t.start) for t in others})
        first = own if own != dated[0] else 0
        later = [i for i in dated if i > own]
        last = (later[0] - 1) if later else len(clauses) - 1
    else:  # grow around the date's clause, the one before first, while the line stays short
        first = last = own
        while True:
            wider = [(a, b) for a, b in ((first - 1, last), (first, last + 1))
                     if 0 <= a and b < len(clauses) and clauses[b][1] - clauses[a][0] <= MAX_LINE]
            if not wider:
                break
            first, last = wider[0]
    # keep the line short: drop clauses farthest from the date first
    while first < last and clauses[last][1] - clauses[first][0] > MAX_LINE:
        if last > own and (last - own >= own - first or first == own):
            last -= 1
        else:
            first += 1
    start, end = clauses[first][0], clauses[last][1]
    if first > 0 and (connective := _CONNECTIVE.match(text, start, end)):
        start = connective.end()  # "and then it rose in 2022" -> "it rose in 2022"
    if first > 0 and _RELATIVE.match(text, start, end):
        if antecedent := _antecedent(text, clauses[first - 1], mentions):
            return [antecedent, (start, end)], ", "  # "Théo Clerc, who had been convicted..."
    if first > 0 and _NO_SUBJECT.match(text, start, end):
        subject = next((m for m in mentions if span.start <= m.start <= span.start + 4), None)
        if subject is not None:
            return [(subject.start, subject.end), (start, end)], " "  # "Aer Lingus had made..."
    return [(start, end)], ""


def _clause_of(clauses: list[tuple[int, int]], offset: int) -> int:
    return next((i for i, (start, end) in enumerate(clauses) if start <= offset < end), 0)


def _antecedent(text: str, clause: tuple[int, int], mentions: Sequence[Mention]) -> tuple[int, int] | None:
    """The name a relative clause hangs on: the entity (or capitalised words) ending the clause before."""
    start, end = clause
    end = len(text[start:end].rstrip(" ,")) + start
    for mention in mentions:
        if start <= mention.start and abs(mention.end - end) <= 1:
            return mention.start, end
    match = re.search(r"(?:\b[A-ZÀ-Þ][\w’'.-]*\s+){0,3}\b[A-ZÀ-Þ][\w’'.-]*$", text[start:end])
    return (start + match.start(), end) if match else None


# Lines -------------------------------------------------------------------------------------------

_QUOTE = re.compile(r"``|''|[“”«»„\"]")
_OPENING, _CLOSING = ("“", "«", "„", "``"), ("”", "»", "''")
_REPORTING = re.compile(
    r"^(?:He|She|They|It|We)\s+(?:also\s+)?(?:said|explained|noted|added|stressed|argued|recalled|claimed|"
    r"warned|insisted|believes?|says|said\s+on\s+\w+)\s+(?:that\s+)?"
)
_ANAPHORIC_OPENING = re.compile(
    r"(?i)^(?:at|by|on|in|from)?\s*(?:that|the\s+same|this)\s+(?:time|day|week|month|year|moment)\s*,\s*")


def _tidy(text: str, pieces: list[tuple[int, int]], joiner: str, timex: Timex) -> str:
    """Join the pieces into one readable line: whole words, balanced quotes, at most MAX_LINE."""
    if len(pieces) == 1:
        line = text[pieces[0][0]:pieces[0][1]].strip(" ,;:")
    else:
        line = joiner.join(text[start:end].strip(" ,;:") for start, end in pieces)
    line = " ".join(line.split())  # re.sub(r"\s+", " ", line).strip(): str.split's white space is \s
    if (match := _ANAPHORIC_OPENING.match(line)) and not timex.explicit:
        line = line[match.end():]  # "At that time, Macron claimed": the date says when
    if reporting := _REPORTING.match(line):  # _REPORTING.sub("", line): "^" holds at 0 only
        line = line[reporting.end():]
    line = _balance_quotes(_drop_dangling(line)).strip(" ,;:—–-")
    if line and line[0].islower():
        line = line[0].upper() + line[1:]
    if line and line[-1] not in ".!?…\"”»)'’":
        line += "."
    if len(line) > MAX_LINE:
        line = _balance_quotes(_shorten(line, text[timex.start:timex.end]))
    return line


def _shorten(line: str, anchor: str) -> str:
    """Cut ``line`` to MAX_LINE at word boundaries, keeping ``anchor`` (the date) in it."""
    at = max(line.find(anchor), 0)
    start = 0
    if at + len(anchor) > MAX_LINE - 20:
        start = max(0, at - MAX_LINE // 2)
        start = line.find(" ", start) + 1
    cut = line[start:start + MAX_LINE - 2]
    if start + MAX_LINE - 2 < len(line):
        cut = cut[:cut.rfind(" ")].rstrip(" ,;:") + "…"
    return ("…" + cut) if start else cut


def _balance_quotes(line: str) -> str:
    """Drop the quote marks that open or close nothing on this line (:func:`_unmatched_quotes`).

    Where a mark goes, the white space around it closes up to one space. ``line`` has no two
    white-space characters in a row (``_tidy`` gives none), so a line that loses no mark is
    returned as it is.
    """
    unmatched = _unmatched_quotes(line)
    if not unmatched:
        return line
    for mark in sorted(unmatched, key=lambda m: m.start(), reverse=True):
        line = line[:mark.start()] + line[mark.end():]
    return re.sub(r"\s{2,}", " ", line)


def _unmatched_quotes(line: str) -> list[re.Match]:
    """The quote marks of ``line`` that open or close nothing.

    Curly quotes, guillemets and the ``tokenised'' pairs are matched as pairs; an odd straight
    double quote is unmatched (the first one when it opens the line, else the last).
    """
    marks = list(_QUOTE.finditer(line))
    stack: list[re.Match] = []
    unmatched: list[re.Match] = []
    for mark in marks:
        if mark.group(0) in _OPENING:
            stack.append(mark)
        elif mark.group(0) in _CLOSING:
            if stack:
                stack.pop()
            else:
                unmatched.append(mark)
    unmatched += stack
    straight = [mark for mark in marks if mark.group(0) == '"']
    if len(straight) % 2:
        unmatched.append(straight[0] if straight[0].start() == 0 else straight[-1])
    return unmatched


def _entities_in(mentions: Sequence[Mention], pieces: list[tuple[int, int]], line: str,
                 starts: Sequence[int] | None = None) -> tuple[str, ...]:
    """Names of the entities mentioned in the pieces that made it into the line.

    ``starts``: the mentions' starts, where they are in order (of start): then only those that
    start from the first piece to the last are looked at, in the same order.
    """
    if not pieces:
        return ()
    low, high = min(start for start, _ in pieces), max(end for _, end in pieces)
    names: list[str] = []
    if starts is not None:
        mentions = mentions[bisect_left(starts, low):bisect_right(starts, high)]
    for mention in mentions:
        if mention.start < low or mention.end > high:
            continue  # outside every piece (a cheap test first: most mentions are elsewhere)
        if getattr(mention, "form", "name") == "demonym":
            continue  # "French national": an adjective, not a participant
        if mention.name in names:
            continue
        if len(pieces) > 1 and not any(a <= mention.start and mention.end <= b for a, b in pieces):
            continue  # (one piece spans low to high: the test above said it)
        if _has_whole_word(line, mention.text):
            names.append(mention.name)
    return tuple(names)


def _has_whole_word(line: str, word: str) -> bool:
    """True when ``word`` occurs in ``line`` with no word character (``\\w``) on either side.

    The same as searching ``(?<!\\w)`` + ``re.escape(word)`` + ``(?!\\w)``, with no regex to compile
    for every new name. What ``\\w`` matches in a ``str`` pattern: a letter, a digit or numeral
    (``str.isalnum``), or "_".
    """
    start = line.find(word)
    while start >= 0:
        end = start + len(word)
        before = line[start - 1] if start else " "
        after = line[end] if end < len(line) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return True
        start = line.find(word, start + 1)
    return False


# --------------------------------------------------------------------------------------------
# Merging across articles
# --------------------------------------------------------------------------------------------

#: Last words of names that denote an event ("Second Karabakh War", "Paris Agreement").
EVENT_NAME_WORDS = frozenset(
    "war wars summit games olympics cup conference election elections revolution crisis forum "
    "festival agreement accord treaty declaration attack attacks earthquake referendum talks "
    "protests uprising coup strike strikes offensive ceasefire truce invasion massacre "
    "pandemic disaster bombing bombings".split()
)
_STOP = frozenset(
    "a an the and or but nor of in on at to for from by with about into over after before since "
    "during until as than that this these those it its it's their there they them he she his her "
    "him we our you your i my is are was were be been being has have had do does did will would "
    "shall should can could may might must not no so such also very more most other some any "
    "all both each which who whom whose what when where while why how then than too only just "
    "said says say told stated noted added explained according time year years month day "
    "week today yesterday last next first new one two three".split()
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_CALENDAR = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday utc gmt".split()
)
#: How alike two lines must be to tell one event, by how their dates relate: the same day (or
#: time), the same coarser value ("2020-09" twice), one inside the other ("2020" and "2020-09").
THRESHOLDS = {"same day": 1.0, "same": 1.25, "inside": 1.5}


@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer  # Snowball needs no downloaded data

    return SnowballStemmer("english")


@functools.lru_cache(maxsize=4096)
def _content(line: str, timex_text: str, entities: tuple[str, ...]) -> frozenset[str]:
    """Stems of what a line says, leaving out its date, the names in it and function words."""
    named = {word for name in entities for word in _WORD.findall(name.lower())}
    words = _WORD.findall(line.replace(timex_text, " ").lower())
    return frozenset(_stem(w) for w in words if w not in _STOP and w not in named and w not in _CALENDAR)


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A word's Snowball stem, memoised (news vocabulary repeats; stemming is the slow part)."""
    return _stemmer().stem(word)


#: value_span, memoised: merging compares every event's dates with many others'.
_span = functools.lru_cache(maxsize=1 << 16)(value_span)


@functools.lru_cache(maxsize=1 << 16)
def _same_name(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    if len(a) >= 5 and len(b) >= 5 and 2 * min(len(a), len(b)) >= 0.85 * (len(a) + len(b)):
        matcher = SequenceMatcher(None, a, b)  # quick_ratio bounds ratio from above: most pairs stop there
        if matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
            return True  # "Second Karabakh War" / "Second Garabagh War"
    short, long = sorted((a.split(), b.split()), key=len)
    return len(short) >= 1 and len(long) > len(short) and long[-len(short):] == short and len(short[-1]) >= 4


def _shared_names(a: Sequence[str], b: Sequence[str]) -> list[str]:
    return [x for x in a if any(_same_name(x, y) for y in b)]


def _relation(a: EventCandidate, b: EventCandidate) -> str | None:
    """How two events' dates relate: "same day", "same", "inside", or None (incompatible)."""
    if (a.modifier in _BOUNDS or b.modifier in _BOUNDS) and a.modifier != b.modifier:
        return None  # "since 2020" is not a point in 2020
    if a.range_end != b.range_end:
        return None
    span_a, span_b = _span(a.date, a.modifier), _span(b.date, b.modifier)
    if span_a is None or span_b is None:
        return None
    if a.date == b.date:
        return "same day" if span_a[0] == span_a[1] else "same"
    if span_a[0] == span_a[1] == span_b[0] == span_b[1]:
        return "same day"  # two clock times of one day
    a_in_b = span_b[0] <= span_a[0] and span_a[1] <= span_b[1]
    b_in_a = span_a[0] <= span_b[0] and span_b[1] <= span_a[1]
    return "inside" if a_in_b or b_in_a else None


def similarity(a: EventCandidate, b: EventCandidate) -> float:
    """How alike two events' lines are: 2 for a shared named event ("Second Karabakh War" and
    "Second Garabagh War"), 0.5 for each other shared name (two at most), plus the Dice overlap
    of the stems of their other words; 0 when they share neither a named event nor a word."""
    words_a = _content(a.line, a.timex_text, a.entities)
    words_b = _content(b.line, b.timex_text, b.entities)
    common = len(words_a & words_b)
    if not common and not any(_is_event_name(name) for name in a.entities):
        return 0.0  # no shared word, and no named event to share: skip the fuzzy name match
    shared = _shared_names(a.entities, b.entities)
    named_event = any(_is_event_name(name) for name in shared)
    if not (named_event or common):
        return 0.0
    dice = 2 * common / (len(words_a) + len(words_b))
    others = len(shared) - named_event
    return 2.0 * named_event + 0.5 * min(others, 2) + dice


def _is_event_name(name: str) -> bool:
    """"Second Karabakh War", "Paris Agreement": a name that is itself an event."""
    return name.split()[-1].lower() in EVENT_NAME_WORDS


def same_event(a: EventCandidate, b: EventCandidate) -> bool:
    """True when two events are one: compatible dates and lines alike enough (:data:`THRESHOLDS`)."""
    relation = _relation(a, b)
    return relation is not None and similarity(a, b) >= THRESHOLDS[relation]


def merge_events(events: Iterable[tuple[Hashable, EventCandidate]]) -> list[MergedEvent]:
    """Group the same event reported by several articles; sorted by date.

    ``events`` are (key, event) pairs, the key naming the article (any hashable: an id, a URL).
    Each group keeps the finest date among its members (and that member's line), the union of
    their entities, and the keys of every article in it as ``sources``.
    """
    groups: list[list[tuple[int, Hashable, EventCandidate]]] = []
    # Only a group whose first member's dates nest with the event's can take it (same_event needs
    # nested dates), and, unless the event names an event ("Karabakh War"), one whose first
    # member shares a word with it (its similarity is 0 otherwise). So groups are looked up by
    # that member's first day, in one sorted list per span width (a day, a month, a year...),
    # and by its words: a few candidates instead of every group.
    starts: dict[timedelta, list[tuple[date, int]]] = {}
    by_word: dict[str, set[int]] = {}
    # finest dates first, so that coarser reports join the group of the precise one; an event
    # joins the first group it is the same event as every member of
    ordered = sorted(enumerate(events), key=lambda item: (_rank(item[1][1].precision), item[0]))
    for index, (key, event) in ordered:
        span = _span(event.date, event.modifier)
        words = _content(event.line, event.timex_text, event.entities)
        home = None
        if span is not None:  # an undatable event is the same as no other
            near = [g for width, firsts in starts.items()
                    for _, g in firsts[bisect_left(firsts, (span[0] - width, -1)):
                                       bisect_right(firsts, (span[1], len(groups)))]]
            if near and not any(_is_event_name(name) for name in event.entities):
                sharing = set().union(*(by_word.get(word, ()) for word in words))
                near = [g for g in near if g in sharing]
            home = next((groups[g] for g in sorted(near) if all(same_event(event, other) for _, _, other in groups[g])),
                        None)
        if home is None:
            groups.append([(index, key, event)])
            if span is not None:
                insort(starts.setdefault(span[1] - span[0], []), (span[0], len(groups) - 1))
                for word in words:
                    by_word.setdefault(word, set()).add(len(groups) - 1)
        else:
            home.append((index, key, event))
    merged = [_merge([(key, event) for _, key, event in sorted(group, key=lambda item: item[0])])
              for group in groups]
    merged.sort(key=lambda m: (sort_key(m.date, m.modifier), m.range_end or ""))
    return merged


def _rank(precision: str) -> int:
    return PRECISIONS.index(precision) if precision in PRECISIONS else len(PRECISIONS)


def _merge(group: list[tuple[Hashable, EventCandidate]]) -> MergedEvent:
    lead = min(group, key=lambda item: (_rank(item[1].precision), not item[1].explicit))[1]
    sources: list[Hashable] = []
    entities: list[str] = []
    for key, _ in group:
        if key not in sources:
            sources.append(key)
    for event in [lead] + [e for _, e in group if e is not lead]:
        for name in event.entities:
            if not any(_same_name(name, seen) for seen in entities):
                entities.append(name)
    explicit = any(e.explicit for _, e in group if e.date == lead.date)
    return MergedEvent(lead.date, lead.precision, lead.line, tuple(entities), sources, explicit,
                       lead.modifier, lead.range_end, tuple(group))

"""Temporal expressions in English news, normalised to TimeML values at their real precision.

``find_timexes(text, reference)`` is a rule-based tagger in the manner of HeidelTime: a regex
grammar finds candidate expressions line by line, the longest non-overlapping ones win, and each
is normalised to a TimeML ``value`` at the precision the text gives it:

==============================  =========================  ==================================
text                            value                      how
==============================  =========================  ==================================
May 27, 2025 / 2025-05-27       ``2025-05-27`` (day)       written out (``explicit``)
September 2020                  ``2020-09`` (month)        written out
in 2023 / (1993–1999)           ``2023`` / ``1993``        written out; a range has ``range_end``
the end of 2025                 ``2025``, modifier END     written out
the fourth quarter of 2025      ``2025-Q4``                written out
the 1990s / the 20th century    ``199`` / ``19``           written out (TimeML decade/century)
On May 27, in October           ``2025-05-27``             the reference date's year, unless
                                                           the tense points a year away
yesterday / last week           ``2025-05-26`` / ``…-W21`` counted from the reference date
Monday                          the nearest Monday, before the reference date in the past
                                tense, after it in the future tense ("will", "is to", ...)
the same day / at that time     the last date mentioned before it
now / recently / in the future  ``PRESENT_REF`` / ``PAST_REF`` / ``FUTURE_REF``
44-day / for 30 years           DURATION ``P44D`` / ``P30Y``, never a date
annual / every week / Mondays   SET ``P1Y`` / ``P1W`` / ``XXXX-WXX-1``
==============================  =========================  ==================================

Nothing is guessed: without a reference date, whatever needs one ("May 27", "last week",
"Monday") is found but keeps ``value=None``. "since 2020", "before 2020", "until 2020" set
``modifier`` (SINCE, BEFORE, UNTIL, AFTER) without widening the expression; "early", "mid-",
"the end of", "around" are part of it (START, MID, END, APPROX), and so are "about", "over",
"almost" before a duration (APPROX, MORE_THAN, LESS_THAN). Numbers that are not dates
("600,000", "300 fighters", "COP29", "$2000", "Russell 2000 Index") are left alone.

Word rules are English; in other languages only numeric dates ("27.05.2025") and years are
found. :func:`value_span` and :func:`sort_key` turn values into day spans and a time order.

>>> found = find_timexes("On May 27, Aliyev pardoned him.", date(2025, 5, 27))
>>> [(t.text, t.value, t.explicit) for t in found]
[('May 27', '2025-05-27', False)]
>>> [(t.text, t.kind, t.value) for t in find_timexes("the 44-day war ended in November 2020")]
[('44-day', 'DURATION', 'P44D'), ('November 2020', 'DATE', '2020-11')]
"""

from __future__ import annotations

import calendar
import functools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

__all__ = ["PRECISIONS", "Timex", "find_timexes", "fold_case", "precision_of", "sort_key", "value_span"]


@dataclass(frozen=True)
class Timex:
    """One temporal expression: where it is, what kind, and its TimeML value.

    ``explicit`` is True when the text itself gives the whole value ("September 2020",
    "the end of 2025"), False when part of it came from the reference date or from an earlier
    expression ("On May 27", "last week", "the same day"). A range ("2009–2023", "from May to
    July 2020") has the value of its start and ``range_end`` the value of its end.
    """

    text: str
    start: int
    end: int
    kind: str  # DATE, TIME, DURATION or SET
    value: str | None
    precision: str | None
    explicit: bool
    modifier: str | None = None
    range_end: str | None = None


#: Precisions of date values, finest first.
PRECISIONS = ("second", "minute", "hour", "day", "week", "month", "season", "quarter", "half",
              "year", "decade", "century")
_DATED = PRECISIONS[:PRECISIONS.index("year") + 1]

# --------------------------------------------------------------------------------------------
# Values: spans, precision, order
# --------------------------------------------------------------------------------------------

_VALUE = re.compile(
    r"^(?:FY)?(?P<year>\d{4})(?:-(?:"
    r"(?P<month>\d\d)(?:-(?P<day>\d\d)(?:T(?P<time>\d\d(?::\d\d){0,2}|MO|AF|EV|NI)Z?)?)?"
    r"|W(?P<week>\d\d)(?P<we>-WE)?|Q(?P<q>[1-4])|H(?P<h>[12])|(?P<season>SP|SU|FA|WI)))?$"
)
_DECADE = re.compile(r"^(?P<d>\d{3})X?$")
_CENTURY = re.compile(r"^(?P<c>\d{2})(?:XX)?$")
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _season_span(year: int, code: str) -> tuple[date, date]:
    if code == "WI":  # the winter of YYYY: December YYYY-1 to February YYYY
        return date(year - 1, 12, 1), _month_end(year, 2)
    first, last = _SEASON_MONTHS[code]
    return date(year, first, 1), _month_end(year, last)


@functools.lru_cache(maxsize=1 << 12)
def _raw_span(value: str) -> tuple[date, date] | None:
    """The first and last day of a TimeML date value, without modifier. Memoised (asked for again
    and again as dates are resolved and sorted; the same few values come back)."""
    try:
        if match := _VALUE.match(value):
            year = int(match["year"])
            if match["day"]:
                day = date(year, int(match["month"]), int(match["day"]))
                return day, day
            if match["month"]:
                month = int(match["month"])
                return date(year, month, 1), _month_end(year, month)
            if match["week"]:
                monday = date.fromisocalendar(year, int(match["week"]), 1)
                if match["we"]:
                    return monday + timedelta(days=5), monday + timedelta(days=6)
                return monday, monday + timedelta(days=6)
            if match["q"]:
                quarter = int(match["q"])
                return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
            if match["h"]:
                half = int(match["h"])
                return date(year, 6 * half - 5, 1), _month_end(year, 6 * half)
            if match["season"]:
                return _season_span(year, match["season"])
            return date(year, 1, 1), date(year, 12, 31)
        if match := _DECADE.match(value):
            first = int(match["d"]) * 10
            return date(max(first, 1), 1, 1), date(first + 9, 12, 31)
        if match := _CENTURY.match(value):
            first = int(match["c"]) * 100
            return date(max(first, 1), 1, 1), date(first + 99, 12, 31)
    except ValueError:  # 2025-02-30, week 54
        return None
    return None


def value_span(value: str | None, modifier: str | None = None) -> tuple[date, date] | None:
    """The first and last day a TimeML date value covers; None for durations, REFs and None.

    A month covers its whole month, a quarter three months, a decade ("199" or "199X") ten
    years; a fiscal year ("FY2009") is taken as the calendar year. With a ``modifier`` of START,
    MID or END only the first, middle or last third of the span is kept.

    >>> value_span("2020-09")
    (datetime.date(2020, 9, 1), datetime.date(2020, 9, 30))
    >>> value_span("2025", "END")
    (datetime.date(2025, 9, 2), datetime.date(2025, 12, 31))
    >>> value_span("P3Y") is None
    True
    """
    span = _raw_span(value) if value else None
    if span is None or modifier not in ("START", "MID", "END"):
        return span
    first, last = span
    if (last - first).days < 2:
        return span  # a day has no thirds
    third = timedelta(days=((last - first).days + 1) // 3)
    if modifier == "START":
        return first, first + third - timedelta(days=1)
    if modifier == "END":
        return last - third + timedelta(days=1), last
    return first + third, last - third


@functools.lru_cache(maxsize=1 << 12)
def precision_of(value: str | None) -> str | None:
    """The precision of a TimeML date value (one of :data:`PRECISIONS`), else None. Memoised
    (asked for each date found, and again as dates are resolved).

    >>> [precision_of(v) for v in ("2025-05-27", "2020-09", "2025-Q4", "199", "P3Y", "PRESENT_REF")]
    ['day', 'month', 'quarter', 'decade', None, None]
    """
    if not value:
        return None
    if match := _VALUE.match(value):
        if time := match["time"]:
            return "day" if time.isalpha() else ("hour", "minute", "second")[time.count(":")]
        for group, name in (("day", "day"), ("month", "month"), ("week", "week"), ("q", "quarter"),
                            ("h", "half"), ("season", "season")):
            if match[group]:
                return name
        return "year"
    if _DECADE.match(value):
        return "decade"
    if _CENTURY.match(value):
        return "century"
    return None


def sort_key(value: str | None, modifier: str | None = None) -> tuple:
    """A key that orders TimeML values in time: first day, then last day, then the text.

    Finer values come before the coarser ones that start on the same day; values that are not
    dates (durations, REFs, None) come after every date.

    >>> sorted(["2025", "P3Y", "2020-09", "2025-05-27", "2025-Q1"], key=sort_key)
    ['2020-09', '2025-Q1', '2025', '2025-05-27', 'P3Y']
    """
    span = value_span(value, modifier)
    if span is None:
        return (1, date.max, date.max, value or "")
    return (0, span[0], span[1], value or "")


# --------------------------------------------------------------------------------------------
# Calendar arithmetic
# --------------------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _shift(anchor: date, unit: str, n: int) -> str:
    """The ``unit`` (day, week, weekend, month, quarter, half, year, decade, century) n away."""
    if unit == "day":
        return (anchor + timedelta(days=n)).isoformat()
    if unit in ("week", "weekend"):
        year, week, _ = (anchor + timedelta(weeks=n)).isocalendar()
        return f"{year}-W{week:02d}" + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        return _add_months(anchor, n).strftime("%Y-%m")
    if unit == "quarter":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + n
        return f"{index // 4}-Q{index % 4 + 1}"
    if unit == "half":
        index = anchor.year * 2 + (anchor.month - 1) // 6 + n
        return f"{index // 2}-H{index % 2 + 1}"
    if unit == "year":
        return str(anchor.year + n)
    if unit == "decade":
        return str(anchor.year // 10 + n)
    if unit == "century":
        return str(anchor.year // 100 + n)
    raise ValueError(f"unknown unit {unit!r}")


# --------------------------------------------------------------------------------------------
# Candidates and how they are resolved
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What resolving one expression may look at."""

    reference: date | None
    where: tuple[str, int, int]  # the text and the span being resolved
    mentioned: list[str] = field(default_factory=list)  # date values (year or finer) so far
    mentioned_at: list[int] = field(default_factory=list)  # where each of them ends
    year_hint: int | None = None  # the year written at the other end of a range
    hint_explicit: bool = False

    @functools.cached_property
    def tense(self) -> str:
        """"past", "future" or "present" around the expression (worked out when first asked)."""
        return _tense(*self.where)

    def last(self, unit: str = "year") -> str | None:
        """The last value mentioned that is at least as precise as ``unit``."""
        allowed = PRECISIONS[:PRECISIONS.index(unit) + 1]
        return next((v for v in reversed(self.mentioned) if precision_of(v) in allowed), None)

    @property
    def day_nearby(self) -> date | None:
        """The last day mentioned in this sentence or the one before ("on Tuesday ... at 18:00")."""
        text, start, end = self.where
        lo = _sentence_bounds(text, start, end)[0]
        if lo > 1:
            lo = _sentence_bounds(text, lo - 2, lo - 1)[0]
        for value, at in zip(reversed(self.mentioned), reversed(self.mentioned_at), strict=False):
            if at < lo:
                return None
            if precision_of(value) in _DATED[:_DATED.index("day") + 1]:
                return _raw_span(value)[0]
        return None

    def anchor(self, unit: str, fallback: bool = True) -> date | None:
        """The first day of the last date mentioned at ``unit`` precision or finer.

        Without one, the reference date when ``fallback``, else None.
        """
        value = self.last(unit)
        if value:
            return _raw_span(value)[0]
        return self.reference if fallback else None


Resolver = Callable[[_Context], tuple[str | None, bool]]


@dataclass
class _Cand:
    start: int
    end: int
    kind: str
    resolve: Resolver
    modifier: str | None = None
    priority: int = 0
    parts: tuple[_Cand, _Cand] | None = None  # the two ends of a range
    day_anchor: bool = False  # a day that a clock time next to it belongs to
    clock: tuple[int, int, bool] | None = None  # (hour, minute, utc) of a clock time
    extendable: bool = True  # may take "early", "the end of"... in front

    @property
    def length(self) -> int:
        return self.end - self.start


def _fixed(value: str | None, explicit: bool = True) -> Resolver:
    return lambda ctx: (value, explicit)


def _from_reference(compute: Callable[[date, _Context], str | None]) -> Resolver:
    """A value counted from the reference date; None without one."""

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        return (None, False) if ctx.reference is None else (compute(ctx.reference, ctx), False)

    return resolve


def _from_anchor(unit: str, n: int, fallback: bool = True) -> Resolver:
    """The ``unit`` n away from the last date mentioned (else from the reference date)."""

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        anchor = ctx.anchor(unit, fallback)
        return (None, False) if anchor is None else (_shift(anchor, unit, n), False)

    return resolve


_NEAR_DAYS = 60  # a date this far on the other side of the reference can still be meant


def _pick_year(span_of: Callable[[int], tuple[date, date] | None], ref: date,
               tense: Callable[[], str]) -> int:
    """The year of an expression written without one ("May 27", "October", "the fourth quarter").

    News style leaves the year out for dates of the current year, so the reference date's year
    wins unless the tense points the other way and that occurrence lies more than two months on
    the wrong side of the reference (then the year before or after).

    ``tense()`` (:attr:`_Context.tense`) is asked for only where the answer depends on it: working
    it out costs more than the rest of resolving, and most dates come out the same in every tense.
    """
    this = span_of(ref.year)
    if this is None:
        return ref.year
    first, last = this
    if first <= ref <= last:
        return ref.year
    # the year in the past and in the future tense (in any other, the reference date's year)
    past = ref.year - 1 if first > ref + timedelta(days=_NEAR_DAYS) else ref.year
    future = ref.year + 1 if last < ref - timedelta(days=_NEAR_DAYS) else ref.year

    def present() -> int:  # the nearest occurrence (the reference date's year on a tie)
        spans = {ref.year - 1: span_of(ref.year - 1), ref.year: this, ref.year + 1: span_of(ref.year + 1)}

        def distance(year: int) -> tuple[int, bool]:
            first, last = spans[year]
            return min(abs((first - ref).days), abs((last - ref).days)), year != ref.year

        return min((y for y, span in spans.items() if span), key=distance)

    if past == future and present() == past:
        return past
    which = tense()
    return past if which == "past" else future if which == "future" else present()


def _calendar_date(month: int, day: int | None, year: int | None) -> Resolver:
    """A month (and day) of a written year, or of a year inferred by :func:`_pick_year`."""

    def fmt(y: int) -> str | None:
        if day is None:
            return f"{y:04d}-{month:02d}"
        try:
            return date(y, month, day).isoformat()
        except ValueError:
            return None

    def span_of(y: int) -> tuple[date, date] | None:
        value = fmt(y)
        return _raw_span(value) if value else None

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        if year is not None:
            return fmt(year), True
        if ctx.year_hint is not None:
            return fmt(ctx.year_hint), ctx.hint_explicit
        if ctx.reference is None:
            return None, False
        return fmt(_pick_year(span_of, ctx.reference, lambda: ctx.tense)), False

    return resolve


def _part_of_year(code: str, year: int | None = None, relative: int | None = None) -> Resolver:
    """A quarter ("Q4"), half ("H2") or season ("SU") of a written, relative or inferred year."""

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        if year is not None:
            return f"{year}-{code}", True
        if ctx.year_hint is not None:
            return f"{ctx.year_hint}-{code}", ctx.hint_explicit
        ref = ctx.reference
        if ref is None:
            return None, False
        if relative is not None:
            return f"{ref.year + relative}-{code}", False
        return f"{_pick_year(lambda y: _raw_span(f'{y}-{code}'), ref, lambda: ctx.tense)}-{code}", False

    return resolve


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}
_SMALL = {
    "zero": 0, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1, "a dozen": 12, "a hundred": 100, "one hundred": 100,
    "a couple of": 2, "a thousand": 1000,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "fifth": 5, "5th": 5}
_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}

_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ANY = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR4 = r"(?:1[5-9]\d\d|20\d\d|21\d\d)"
_NUMWORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|single|a\s+dozen|a\s+hundred|one\s+hundred|a\s+thousand|a\s+couple\s+of)"
)
_FUZZY = r"(?:a\s+few|several|many|few|numerous|countless|hundreds\s+of|dozens\s+of|thousands\s+of)"
_NUMBER = rf"(?:\d+(?:\.\d+)?|{_NUMWORD}|{_FUZZY}|an?)"
_UNIT = (r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?|"
         r"decades?|centur(?:y|ies)|millenni(?:um|a))")
#: unit -> (TimeML letter, counted after "T", multiplier)
_UNITS = {"second": ("S", True, 1), "minute": ("M", True, 1), "hour": ("H", True, 1),
          "day": ("D", False, 1), "night": ("D", False, 1), "week": ("W", False, 1),
          "fortnight": ("W", False, 2), "month": ("M", False, 1), "quarter": ("Q", False, 1),
          "year": ("Y", False, 1), "decade": ("Y", False, 10), "century": ("Y", False, 100),
          "millennium": ("Y", False, 1000)}
_APPROX = {"about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
           "some": "APPROX", "close to": "APPROX", "over": "MORE_THAN", "more than": "MORE_THAN",
           "just over": "MORE_THAN", "well over": "MORE_THAN", "upwards of": "MORE_THAN",
           "in excess of": "MORE_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
           "just under": "LESS_THAN", "fewer than": "LESS_THAN", "almost": "LESS_THAN",
           "nearly": "LESS_THAN", "at least": "EQUAL_OR_MORE", "up to": "EQUAL_OR_LESS"}
_APPROX_WORDS = sorted((k.replace(" ", r"\s+") for k in _APPROX), key=len, reverse=True)
_APPROX_BEFORE = re.compile(r"(?i)\b(" + "|".join(_APPROX_WORDS) + r")\s+$")
_YEAR_SPEC = rf"(?:{_YEAR4}|(?i:this|last|next|the\s+(?:current|previous|past|following))\s+year)"
_ZONES = r"(?:UTC|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|EET|EEST|MSK|JST|AEST|AEDT)"
_COMMA = r"(?:\s*,\s*|\s+)"
_FINANCE_NOUN = re.compile(
    r"(?i)^\s*(?:results?|profits?|earnings|sales|loss(?:es)?|revenues?|figures|growth|gdp|net|output|"
    r"deliveries|shipments|income|performance|report)\b")


@functools.lru_cache(maxsize=1 << 12)
def _number(text: str) -> float | None:
    """The value of a number in digits or words; None for "several", "many" and the like.
    Memoised (the same few numbers come back in every article)."""
    words = re.sub(r"[\s-]+", " ", text.strip().lower())
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return float(words)
    if words in _SMALL:
        return _SMALL[words]
    parts = words.split()
    if parts and parts[0] in _TENS:
        return _TENS[parts[0]] + (_SMALL.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


def _duration(number: float | None, unit: str) -> str:
    """TimeML duration value: ``P3Y``, ``PT30M``, ``P2.5Y``, ``PXY`` (unknown amount)."""
    unit = unit.lower().rstrip("s")
    unit = {"centurie": "century", "centuri": "century", "millennia": "millennium"}.get(unit, unit)
    letter, is_time, factor = _UNITS[unit]
    if number is None:
        amount = "X"
        letter = {"decade": "DE", "century": "CE", "millennium": "ML"}.get(unit, letter)
    else:
        amount = f"{number * factor:g}"
    return f"PT{amount}{letter}" if is_time else f"P{amount}{letter}"


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))


def _year_of_spec(spec: str | None) -> tuple[int | None, int | None]:
    """"2009" -> (2009, None); "last year" -> (None, -1); "this year" -> (None, 0)."""
    if not spec:
        return None, None
    spec = re.sub(r"\s+", " ", spec.lower())
    if spec[:4].isdigit():
        return int(spec[:4]), None
    if spec.startswith(("last", "the previous", "the past")):
        return None, -1
    if spec.startswith(("next", "the following")):
        return None, 1
    return None, 0


# --------------------------------------------------------------------------------------------
# The grammar: (pattern, handler) rules, run on each line
# --------------------------------------------------------------------------------------------

_Handler = Callable[[re.Match, str], "_Cand | list[_Cand] | None"]


class _Rule(NamedTuple):
    pattern: re.Pattern
    handler: _Handler
    priority: int
    #: For a case-insensitive pattern: the same pattern, case-sensitive, to search the line in
    #: lower case with (see :func:`_folded`); None for the others.
    folded: re.Pattern | None = None


_RULES: list[_Rule] = []
#: Which rules (indexes into _RULES) a line may match, by what it holds (see :func:`_rule`).
_BY_WORD: dict[str, set[int]] = {}  # a word in any case (folded to lower case here)
_BY_CASED: dict[str, set[int]] = {}  # a string as written
_BY_SHAPE: dict[re.Pattern, set[int]] = {}  # a match of a regex in a piece between white space
_BY_LINE_SHAPE: dict[re.Pattern, set[int]] = {}  # a match of a regex in the line
_ALWAYS: set[int] = set()  # rules with no trigger: tried on every line
#: The same, as bit masks (bit ``i`` for ``_RULES[i]``; see :func:`_rules_for`).
_ALWAYS_MASK = 0
_LINE_SHAPE_MASKS: dict[re.Pattern, int] = {}

_T_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _whole_word(*words: str) -> str:
    """A ``shape`` that finds one of ``words`` (regexes of letters) as a whole word, in any case.

    For a rule every match of which holds one of them as a whole word (between ``\\b``s, as
    its pattern shows), a tighter trigger than ``words``: "day" is in "today", "Monday" and
    "days", which send many more lines to the rule's regex for nothing.
    """
    return rf"(?i)\b(?:{'|'.join(words)})\b"


#: Where a match begins for a rule: the start of a word (no word character before it). The rules
#: give the characters their matches can begin with instead (a class, tested more cheaply at each
#: position of a line than ``\b\w``; tests/test_speed_equivalence.py proves each from its pattern).
_AT_WORD = r"\b\w"
_AT_MONTH = r"[ADFJMNOS]"  # the first letters of the months
_AT_DAY_OR_MONTH = r"[ADFJMNOSTW]"  # ... and of the days of the week
_GLOBAL_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
#: What in a ``shape`` could match white space or look past a piece of the line (see _rule):
#: ``\s``, ``\S``, ``\W``, ``\D``, ``\B``, ``\A``, ``\Z``, a negated class, a lookaround, or a dot or
#: an anchor outside a class (no ``]`` before the next ``[``). A rough test, strict on purpose.
_SPANNING = re.compile(r"\\[sSWDBAZ]|\[\^|\(\?[=!<]|[.^$](?![^\[]*\])")
#: Characters that a case-insensitive regex takes for an ASCII letter but ``str.lower`` does not.
_CASE_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_CASE_FOLD_CHARS = "".join(map(chr, _CASE_FOLD))  # the same three characters, to look for
#: What in a pattern may name a letter: a letter that is not part of an escape (``\b``, ``\S``)
#: or of a group's name (``(?P<u>``, ``(?P=sep)``), or a scoped flag that turns ``i`` off.
_PATTERN_LETTER = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)|(\(\?[a-z]*-[a-z]*i)|([^\W\d_])")


def fold_case(text: str) -> str:
    """``text`` in lower case, so that a substring test on it finds an ASCII word wherever an
    ``(?i)`` regex would (which also takes "ſ" for "s", "ı" and "İ" for "i")."""
    return _fold_odd_letters(text).lower()


def _fold_odd_letters(text: str) -> str:
    """``text`` with "ſ", "ı" and "İ" turned into the ASCII letters an ``(?i)`` regex takes them
    for (one character each: the offsets stay). ``str.translate`` looks up every character, so a
    few substring tests come first: in nearly every text none of the three is there."""
    if text.isascii() or not any(char in text for char in _CASE_FOLD_CHARS):
        return text
    return text.translate(_CASE_FOLD)


def _rule(
    pattern: str, priority: int = 0, *, words: tuple[str, ...] = (), cased: tuple[str, ...] = (),
    shape: str | None = None, line_shape: str | None = None, starts: str | None = None,
) -> Callable[[_Handler], _Handler]:
    """Register a handler for ``pattern``, tried only on the lines that pass its trigger.

    The trigger is a cheap necessary condition of the pattern: the line holds one of ``words``
    (letters and digits) in any case, one of ``cased`` as written, or a match of the regex
    ``shape`` or ``line_shape`` (for digits). It must never be stricter than the pattern; it only
    saves running the pattern where it cannot match (see :func:`_rules_for`: much cheaper than a
    case-insensitive regex per rule and line). A rule with no trigger is tried on every line.

    A ``shape`` is tested on each piece of the line between white space, once per piece (with the
    words): no match of it may hold white space, nor look past its piece, so it has no ``\\s``,
    ``.``, negated class, anchor or lookaround (``\\b`` is fine: white space is not a word
    character). A ``line_shape`` (one that may span white space) is searched in each line.

    ``starts`` is what every match of the pattern begins with, put in front as a lookahead: the
    regex engine then skips the other positions at once instead of trying each alternative of the
    pattern there. It changes no match. Most rules give a class of the characters a match can begin
    with (:data:`_AT_MONTH`, ``[12]`` for a year, ``(?i:[ft])`` where the pattern turns case off
    there): one test of a character, cheaper than :data:`_AT_WORD` (the start of a word, which the
    pattern tests all the same). tests/test_speed_equivalence.py proves each class from the pattern.
    """
    if not all(word.isascii() and word.isalnum() for word in words + cased):
        raise ValueError("trigger words are ASCII letters and digits (see _rules_for)")
    if shape and _SPANNING.search(shape):
        raise ValueError(f"shape {shape!r} may match white space or look past it: use line_shape")
    compiled = re.compile(pattern)
    if starts:
        body = _GLOBAL_FLAGS.sub("", pattern, count=1)
        compiled = re.compile(f"(?={starts})(?:{body})", compiled.flags)

    def register(handler: _Handler) -> _Handler:
        global _ALWAYS_MASK, _PREFILTER
        index = len(_RULES)
        _RULES.append(_Rule(compiled, handler, priority, _folded(compiled)))
        for word in words:
            _BY_WORD.setdefault(word.lower(), set()).add(index)
        for word in cased:
            _BY_CASED.setdefault(word, set()).add(index)
        if shape:
            _BY_SHAPE.setdefault(re.compile(shape), set()).add(index)
        if line_shape:
            shape_rules = _BY_LINE_SHAPE.setdefault(re.compile(line_shape), set())
            shape_rules.add(index)
            _LINE_SHAPE_MASKS[re.compile(line_shape)] = _mask(shape_rules)
        if not (words or cased or shape or line_shape):
            _ALWAYS.add(index)
            _ALWAYS_MASK = _mask(_ALWAYS)
        _PIECE_MASKS.clear()
        _MASK_RULES.clear()
        _PREFILTER = None  # built again from the new tables when a piece asks for it
        return handler

    return register


def _folded(pattern: re.Pattern) -> re.Pattern | None:
    r"""``pattern`` without its case-insensitive flag, for a line in lower case; None if it has none.

    Python's regex engine matches a case-insensitive pattern several times slower than a
    case-sensitive one (no quick test of the first letter of each alternative). A pattern whose
    letters are all lower-case ASCII letters matches a line where the same pattern without the
    flag matches the line in lower case: once "ſ", "ı" and "İ" are folded (as :func:`find_timexes`
    does before it scans), ``str.lower`` keeps every character one character, turns exactly those
    that match an ASCII letter case-insensitively into that letter, and moves no character in or
    out of ``\w``, ``\d`` or ``\s`` (tests/test_speed_equivalence.py checks all of Unicode).
    A pattern with another letter (``[A-Z]``, "É") or a scoped ``(?-i:...)`` is left as it is.
    """
    if not pattern.flags & re.IGNORECASE:
        return None
    for match in _PATTERN_LETTER.finditer(pattern.pattern):
        if match[1] or match[2] and not ("a" <= match[2] <= "z"):
            return None
    body = _GLOBAL_FLAGS.sub("", pattern.pattern, count=1)  # pattern.flags holds them
    return re.compile(body, pattern.flags & ~re.IGNORECASE)


def _lower_twin(pattern: re.Pattern) -> re.Pattern:
    """:func:`_folded` of a pattern that has one (case-insensitive, of lower-case ASCII letters),
    to search a text as :func:`find_timexes` scans it in lower case with: several times cheaper."""
    folded = _folded(pattern)
    if folded is None:
        raise ValueError(f"{pattern.pattern!r} cannot be searched in lower case")
    return folded


def _rules_for(line: str) -> tuple[_Rule, ...]:
    """The rules whose trigger ``line`` passes, in the order they were registered.

    Trigger words and strings are letters and digits only, so a line holds one exactly when one
    of its words (runs of ``\\w``) does, and so exactly when one of its pieces between white space
    does (such a piece holds words and other characters, and case folding makes no letter or
    digit of those): the line is split at white space, cheaper than finding its words, and what
    each piece triggers is worked out once per piece (:func:`_rules_of_word`), shapes included.
    Sets of rules are bit masks here (bit ``i`` for ``_RULES[i]``): or-ing ints is cheaper than
    a union of sets, and the rules of a mask are listed once per mask (:func:`_rules_of_mask`).
    """
    tried = functools.reduce(operator.or_, map(_piece_mask, line.split()), _ALWAYS_MASK)
    for shape, mask in _LINE_SHAPE_MASKS.items():
        if mask & ~tried and shape.search(line):
            tried |= mask
    return _MASK_RULES[tried]


def _mask(indexes: Iterable[int]) -> int:
    """The bit mask of a set of rule indexes."""
    return sum(1 << index for index in set(indexes))


def _rules_of_mask(mask: int) -> tuple[_Rule, ...]:
    """The rules of a bit mask, in the order they were registered. Memoised per mask in
    :data:`_MASK_RULES` (a set of triggered rules, not a line: a few hundred of them in a long
    run of news)."""
    return tuple(rule for index, rule in enumerate(_RULES) if mask >> index & 1)


def _rules_of_word(word: str) -> int:
    """The rules a word (or any piece of a line) triggers, as a bit mask: it holds one of their
    ``words`` (in any case) or ``cased``, or a match of their ``shape``. Memoised per piece in
    :data:`_PIECE_MASKS`.

    A piece is first searched for any trigger of each kind at once (:class:`_Prefilter`: four
    searches, where testing each of some 85 triggers costs ~10 µs); only a kind that is there has
    its triggers tested one by one, as the plain definition does (one trigger may sit inside
    another: each must be found). Nearly every piece triggers nothing.
    """
    folded = fold_case(word)
    prefilter = _PREFILTER or _build_prefilter()
    mask = 0
    if prefilter.words(folded):
        for trigger, rules in prefilter.word_masks:
            if trigger in folded:
                mask |= rules
    if prefilter.cased(word):
        for trigger, rules in prefilter.cased_masks:
            if trigger in word:
                mask |= rules
    if prefilter.folded_shapes(folded):
        for shape, rules in prefilter.folded_shape_masks:
            if shape(word):
                mask |= rules
    if prefilter.shapes(word):
        for shape, rules in prefilter.shape_masks:
            if shape(word):
                mask |= rules
    for shape, rules in prefilter.other_shape_masks:
        if shape(word):
            mask |= rules
    return mask


class _Prefilter(NamedTuple):
    """Searches that find whether a piece holds any trigger of a kind (see :func:`_rules_of_word`),
    each with the triggers of that kind and the bit masks of their rules, as bound methods.

    ``words`` searches the piece in lower case (:func:`fold_case`) for any of :data:`_BY_WORD`, and
    ``cased`` the piece as written for any of :data:`_BY_CASED`: one regex of all of them (as a
    trie, :func:`_trie`), which finds one exactly where one is in the piece. A shape that has a
    case-sensitive twin for text in lower case (:func:`_folded`) is in ``folded_shapes``, the
    alternation of those twins, searched in the piece in lower case: every match of a shape in a
    piece is one of its twin there (the twins :func:`find_timexes` scans with rest on that). The
    other shapes are in ``shapes``, their alternation (each with its flags, scoped), searched in the
    piece; the tests that follow are the shapes themselves, on the piece as written. A shape with
    a group (which another pattern's group could clash with) or flags other than ``(?i)`` (which
    its body, joined to others, would lose) is in ``other_shape_masks``, tested on every piece.
    """

    words: Callable[[str], object]
    word_masks: tuple[tuple[str, int], ...]
    cased: Callable[[str], object]
    cased_masks: tuple[tuple[str, int], ...]
    folded_shapes: Callable[[str], object]
    folded_shape_masks: tuple[tuple[Callable[[str], object], int], ...]
    shapes: Callable[[str], object]
    shape_masks: tuple[tuple[Callable[[str], object], int], ...]
    other_shape_masks: tuple[tuple[Callable[[str], object], int], ...]


#: The prefilter of the tables as they are; None until a piece needs it after a rule is registered.
_PREFILTER: _Prefilter | None = None


def _build_prefilter() -> _Prefilter:
    """:data:`_PREFILTER`, built from :data:`_BY_WORD`, :data:`_BY_CASED` and :data:`_BY_SHAPE`."""
    global _PREFILTER
    folded, joined, alone = [], [], []
    for shape, rules in _BY_SHAPE.items():
        flags = shape.flags & ~re.UNICODE
        twin = _folded(shape) if not shape.groups else None
        if twin is not None and not twin.flags & ~re.UNICODE:
            folded.append((shape, twin.pattern, rules))
        elif not shape.groups and flags in (0, re.IGNORECASE):
            body = _GLOBAL_FLAGS.sub("", shape.pattern, count=1)
            joined.append((shape, f"(?i:{body})" if flags else f"(?:{body})", rules))
        else:
            alone.append((shape, rules))
    _PREFILTER = _Prefilter(
        _search_of(_trie(list(_BY_WORD))), tuple((word, _mask(rules)) for word, rules in _BY_WORD.items()),
        _search_of(_trie(list(_BY_CASED))), tuple((word, _mask(rules)) for word, rules in _BY_CASED.items()),
        _search_of("|".join(f"(?:{twin})" for _, twin, _ in folded)),
        tuple((shape.search, _mask(rules)) for shape, _, rules in folded),
        _search_of("|".join(body for _, body, _ in joined)),
        tuple((shape.search, _mask(rules)) for shape, _, rules in joined),
        tuple((shape.search, _mask(rules)) for shape, rules in alone),
    )
    return _PREFILTER


def _search_of(pattern: str) -> Callable[[str], object]:
    """The ``search`` of ``pattern``; for no pattern, one that finds nothing."""
    return re.compile(pattern or "(?!)").search


def _trie(words: list[str]) -> str:
    """A regex that finds exactly where one of ``words`` (literals) is, its alternatives grouped
    by their first characters (cheaper to search than a plain alternation of the words)."""
    if not words:
        return ""
    if "" in words:
        rest = _trie([word for word in words if word])
        return f"(?:{rest})?" if rest else ""
    alternatives = [re.escape(first) + _trie([word[1:] for word in words if word[0] == first])
                    for first in sorted({word[0] for word in words})]
    return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"


class _Memo(dict):
    """``function``'s value for each key asked for, worked out on first sight; emptied when it
    holds ``size`` keys. Read through ``__getitem__`` (bound once, mapped over the pieces of a
    line), cheaper per key than a call of an ``functools.lru_cache`` function."""

    def __init__(self, function: Callable, size: int) -> None:
        super().__init__()
        self.function, self.size = function, size

    def __missing__(self, key):
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.function(key)
        return value


_PIECE_MASKS = _Memo(_rules_of_word, 1 << 17)
_piece_mask = _PIECE_MASKS.__getitem__
_MASK_RULES = _Memo(_rules_of_mask, 1 << 12)


def _before(line: str, match: re.Match | int, width: int = 24) -> str:
    start = match if isinstance(match, int) else match.start()
    return line[max(0, start - width):start]


def _after(line: str, match: re.Match | int, width: int = 24) -> str:
    end = match if isinstance(match, int) else match.end()
    return line[end:end + width]


# Calendar dates ---------------------------------------------------------------------------------


_AMOUNT_AFTER = re.compile(
    r"(?i)\s*(?:%|percent\b|per\b|(?:million|billion|thousand|trillion|points?|pts|cents?|"
    r"dollars|euros|pounds|people|votes|seats|units|shares|km|miles|kg|tons?|tonnes)\b)"
)


@_rule(rf"\b(?:{_WEEKDAY}{_COMMA})?(?P<m>{_MONTH_ANY})\s*(?P<d>{_DAY})(?![\d:.,]\d)(?!\w)"
       rf"(?:{_COMMA}(?P<y>{_YEAR4})(?![\d,]\d))?", priority=3, cased=_T_MONTH, starts=_AT_DAY_OR_MONTH)
def _month_day(m: re.Match, line: str) -> _Cand | None:
    if m["y"] is None and _AMOUNT_AFTER.match(_after(line, m)):
        return None  # "May 5 percent", "Jan 3 million"
    return _day_cand(m)


def _day_cand(m: re.Match) -> _Cand:
    year = int(m["y"]) if m["y"] else None
    resolve = _calendar_date(_month(m["m"]), _day(m["d"]), year)
    return _Cand(m.start(), m.end(), "DATE", resolve, day_anchor=True)


@_rule(rf"\b(?:{_WEEKDAY}{_COMMA})?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH_ANY})(?!\w)"
       rf"(?:{_COMMA}(?P<y>{_YEAR4})(?![\d,]\d))?", priority=3, cased=_T_MONTH, starts=r"[0-9FMSTWt]")
def _day_month(m: re.Match, line: str) -> _Cand | None:
    if re.search(r"(?:\d[.,]?|[$€£#])\s*$", _before(line, m, 4)):
        return None
    written_out = m.group(0).lower().startswith("the") or " of " in m.group(0)
    ambiguous = m["m"].rstrip(".") in ("May", "Mar", "Jan", "Sep", "Dec") and not (m["y"] or written_out)
    cue = re.search(r"(?i)\b(?:on|since|until|by|from|to|of|before|after|the)\s+$", _before(line, m))
    if ambiguous and not cue:
        return None  # "3 Mar" or "5 May" with no cue could be anything
    return _day_cand(m)


@_rule(rf"\b(?P<m>{_MONTH_ANY})\s*(?P<d1>{_DAY})\s*(?:[-–—]|to|through|until)\s*(?P<d2>{_DAY})"
       rf"(?![\d:.,]\d)(?!\w)(?:{_COMMA}(?P<y>{_YEAR4})(?![\d,]\d))?", priority=4, cased=_T_MONTH,
       starts=_AT_MONTH)
def _month_day_range(m: re.Match, line: str) -> _Cand | None:
    d1, d2 = _day(m["d1"]), _day(m["d2"])
    if not d1 < d2:
        return None
    month, year = _month(m["m"]), int(m["y"]) if m["y"] else None
    first = _Cand(m.start(), m.end("d1"), "DATE", _calendar_date(month, d1, year))
    second = _Cand(m.start("d2"), m.end(), "DATE", _calendar_date(month, d2, year))
    return _Cand(m.start(), m.end(), "DATE", first.resolve, parts=(first, second))


@_rule(rf"\b(?P<m>{_MONTH_ANY})(?:\s+of)?{_COMMA}(?P<y>{_YEAR_SPEC})(?![\d,]\d)",
       priority=2, cased=_T_MONTH, starts=_AT_MONTH)
def _month_year(m: re.Match, line: str) -> _Cand | None:
    year, relative = _year_of_spec(m["y"])
    month = _month(m["m"])
    if relative is None:
        return _Cand(m.start(), m.end(), "DATE", _calendar_date(month, None, year))
    return _Cand(m.start(), m.end(), "DATE",
                 _from_reference(lambda ref, ctx: f"{ref.year + relative:04d}-{month:02d}"))


_MAY_CUE = re.compile(
    r"(?i)\b(?:in|since|until|till|by|from|to|of|during|through|before|after|early|late|mid|"
    r"last|next|this|between|and|or|end|beginning|start)\s*-?\s*$"
)


@_rule(rf"\b(?P<m>{_MONTH_FULL})\b", priority=1, cased=_T_MONTH, starts=_AT_MONTH)
def _month_alone(m: re.Match, line: str) -> _Cand | None:
    name = m["m"]
    before = _before(line, m)
    after = _after(line, m)
    if name == "May" and not _MAY_CUE.search(before):
        return None  # the modal verb
    if re.match(r"\s+[A-Z][a-z]", after) and not re.match(
            r"\s+(?:[A-Z][a-z]+day|I|The|A|In|On|It|He|She|They)\b", after):
        return None  # "March Madness", "August Rush"
    opens = re.search(r"(?:^|[.!?\"“]\s*)$", before)
    if name in ("March", "August") and not _MAY_CUE.search(before) and opens:
        return None  # "March" opening a sentence is as likely the verb
    return _Cand(m.start(), m.end(), "DATE", _calendar_date(_month(name), None, None))


@_rule(rf"(?i:\bthe\s+)(?P<o>(?i:first|second|third|fourth|last|final))\s+(?i:week)\s+of\s+"
       rf"(?P<m>{_MONTH_FULL})(?:{_COMMA}(?P<y>{_YEAR4}))?\b", priority=3,
       shape=_whole_word("week"), starts=r"(?i:[t])")  # "week": in fewer lines than the months
def _week_of_month(m: re.Match, line: str) -> _Cand | None:
    month = _month(m["m"])
    ordinal = m["o"].lower()
    month_value = _calendar_date(month, None, int(m["y"]) if m["y"] else None)

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        value, explicit = month_value(ctx)
        if value is None:
            return None, False
        first, last = _raw_span(value)
        if ordinal in ("last", "final"):
            day = last - timedelta(days=6)
        else:
            day = first + timedelta(days=7 * (_ORDINALS[ordinal] - 1) + 3)
        return _shift(day, "week", 0), explicit

    return _Cand(m.start(), m.end(), "DATE", resolve)


# Numeric dates ------------------------------------------------------------------------------


@_rule(r"(?<![\w./-])(?P<y>(?:1[5-9]|20)\d\d)(?P<sep>[-/])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>[0-3]?\d)"
       r"(?:T(?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::\d\d)?Z?)?(?![\w/-])", priority=5, shape=r"\d[-/]\d",
       starts=r"[12]")
def _iso_date(m: re.Match, line: str) -> _Cand | None:
    try:
        value = date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None
    if m["h"]:
        return _Cand(m.start(), m.end(), "TIME", _fixed(f"{value}T{m['h']}:{m['mi']}"))
    return _Cand(m.start(), m.end(), "DATE", _fixed(value), day_anchor=True)


@_rule(r"(?<![\w./,$€£#-])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[01]?\d)(?P=sep)(?P<y>\d{4}|\d\d)"
       r"(?![\w/]|[.,]\d)", priority=4, shape=r"\d(?:[.]\d\d?[.]|/\d\d?/)\d", starts=r"\d")
def _numeric_date(m: re.Match, line: str) -> _Cand | None:
    a, b, y = int(m["a"]), int(m["b"]), m["y"]
    if m["sep"] == "." and len(y) != 4:
        return None  # "1.2.3" is a version number
    year = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 50 else 1900 + int(y))
    # 27.05.2025 and 27/05/2025 are day-first; 7/8/07 is month-first, as in US news
    day, month = (a, b) if m["sep"] == "." or a > 12 else (b, a)
    try:
        value = date(year, month, day).isoformat()
    except ValueError:
        return None
    return _Cand(m.start(), m.end(), "DATE", _fixed(value), day_anchor=True)


# Years, decades, centuries ----------------------------------------------------------------------

_YEAR_CUE = re.compile(
    r"(?i)(?:\b(?:in|since|until|till|by|from|to|of|before|after|during|through|throughout|between|and|or|"
    r"early|late|mid|around|circa|c\.|year|fiscal|spring|summer|autumn|fall|winter|season|class|born|died|"
    r"founded|established|election|elections|census|budget|in\s+the\s+year)\s+|[(\[]\s*|\b(?:mid|pre|post)-)$"
)
_NOT_YEAR_BEFORE = re.compile(
    r"(?i)(?:\b(?:no\.|nos\.|number|flight|route|room|rooms|page|pages|p\.|model|code|bus|highway|interstate|"
    r"version|type|boeing|airbus|top|dow|index|nasdaq|ftse|nikkei|dax|cac|s&p|at|about|over|under|nearly|"
    r"than|some|around|only|just|almost|approximately|roughly)\s+|[$€£#]\s*)$"
)
_NOT_YEAR_AFTER = re.compile(
    r"(?i)^(?:\s*(?:%|percent|per\b|points?\b|pts\b|km\b|kilomet|miles?\b|metres?|meters?|feet|tons?\b|"
    r"tonnes?|kg\b|kilo|mw\b|megawatt|units?\b|dollars|euros|pounds|yuan|rubles|manat|barrels?|shares?|"
    r"jobs?\b|people|persons|workers|employees|troops|soldiers|fighters|staff|members|votes|seats|cars|"
    r"vehicles|planes|aircraft|homes|houses|hours?\b|minutes?\b|[-–]?\s*(?:hour|minute)s?\b|times\b|"
    r"[×x]\b|mhz|ghz|cc\b|hp\b)|[,.]\d|\s*[-–]\s*\d)"
)


def _is_year(line: str, start: int, end: int) -> bool:
    """True when the 4-digit number at ``line[start:end]`` stands for a year."""
    before, after = _before(line, start, 20), _after(line, end, 20)
    if _NOT_YEAR_AFTER.match(after):
        return False
    lower = before.lower()  # the cues are searched in lower case (see _lower_twin)
    if _YEAR_CUE_FOLDED.search(lower):
        return True
    if _NOT_YEAR_BEFORE_FOLDED.search(lower) or not 1900 <= int(line[start:end]) <= 2099:
        return False
    if re.match(r"\s+[a-z]+s\b(?<!'s)", after):
        return False  # "2000 people": a count
    # "Russell 2000 Index", "Windows 2000 Server": part of a name
    return not (_NAME_BEFORE.search(before) and re.match(r"\s+[A-Z][a-z]", after))


_YEAR_CUE_FOLDED = _lower_twin(_YEAR_CUE)
_NOT_YEAR_BEFORE_FOLDED = _lower_twin(_NOT_YEAR_BEFORE)
_NAME_BEFORE = re.compile(
    rf"\b(?!(?:The|In|On|At|By|Since|For|From|Of|After|Before|During|Until|And|Or|An?|Its|His|Her|Their|Our|"
    rf"This|That|Last|Next|Every|Each|{_MONTH_FULL}|{_WEEKDAY})\s)[A-Z][a-z]+\s+$"
)


@_rule(rf"(?:(?<=\b[Mm]id-)|(?<=\b[Pp]re-)|(?<=\b[Pp]ost-)|(?<![\w$€£#.,/-])){_YEAR4}"
       r"(?![\w%]|[.,]\d|[-–/]\d)", shape=r"\d\d\d\d", starts=r"[12]")
def _year(m: re.Match, line: str) -> _Cand | None:
    if not _is_year(line, m.start(), m.end()):
        return None
    return _Cand(m.start(), m.end(), "DATE", _fixed(m.group(0)))


@_rule(rf"(?i:(?P<pre>from|between)\s+)?(?<![\w$€£#.,/-])(?P<y1>{_YEAR4})"
       rf"\s*(?P<sep>[-–—]|(?i:to|through|until|till|and))\s*(?P<y2>{_YEAR4}|\d\d)(?![\w%]|[.,]\d)",
       priority=2, shape=r"\d\d\d\d", starts=r"(?i:[12bf])")
def _year_range(m: re.Match, line: str) -> _Cand | None:
    y1 = int(m["y1"])
    y2 = int(m["y2"]) if len(m["y2"]) == 4 else y1 // 100 * 100 + int(m["y2"])
    sep = m["sep"].lower()
    pre = (m["pre"] or "").lower()
    if not y1 < y2 <= y1 + 150 or (sep == "and") != (pre == "between"):
        return None
    if sep in ("to", "through", "until", "till") and not pre:
        return None  # "to 2011" after something else: two separate dates
    if len(m["y2"]) == 2 and sep not in "-–—":
        return None
    bracketed = re.search(r"[(\[]\s*$", _before(line, m, 3))
    if not pre and not bracketed and not _is_year(line, m.start("y1"), m.start("y1") + 4):
        if _NOT_YEAR_AFTER.match(_after(line, m)) or _NOT_YEAR_BEFORE.search(_before(line, m)):
            return None
    first = _Cand(m.start("y1"), m.end("y1"), "DATE", _fixed(str(y1)))
    second = _Cand(m.start("y2"), m.end("y2"), "DATE", _fixed(str(y2)))
    return _Cand(m.start(), m.end(), "DATE", first.resolve, parts=(first, second))


@_rule(r"(?<![\w$€£#])['’](?P<yy>\d\d)(?![\w'’%]|[.,]\d)", shape=r"['’]\d\d")
def _short_year(m: re.Match, line: str) -> _Cand | None:
    cue = r"(?i)\b(?:in|since|of|from|to|by|until|class|early|late|mid|summer|spring|autumn|fall|winter)\s+$"
    if not re.search(cue, _before(line, m)):
        return None
    yy = int(m["yy"])
    return _Cand(m.start(), m.end(), "DATE", _fixed(str(2000 + yy if yy < 30 else 1900 + yy)))


_AGE = re.compile(r"(?i)\b(?:his|her|their|my|your|our|in\s+(?:the\s+)?(?:low|high|mid|upper|lower))\s+"
                  r"(?:early\s+|late\s+|mid-)?$")
_DECADE_CUE = re.compile(r"(?i)(?:\bthe\s+(?:early|late|mid)[-\s]|mid-|\d0['’]?s\s+(?:and|or|to)\s+"
                         r"|\d0['’]?s,\s*)$")


@_rule(r"(?i:\bthe\s+)?(?:(?P<c>1[0-9]|20)(?P<d>\d)0|['’](?P<dd>\d)0|(?<![\w'’$€£.,])(?P<d2>[2-9])0)"
       r"['’]?s\b", priority=1, shape=r"\d0['’]?s")
def _decade(m: re.Match, line: str) -> _Cand | None:
    before = _before(line, m)
    if m["c"]:
        value = f"{m['c']}{m['d']}"
    else:
        if _AGE.search(before):
            return None  # "in his 70s", "in the low 70s": ages and temperatures
        if m["d2"] and not (m.group(0).lower().startswith("the") or _DECADE_CUE.search(before)):
            return None  # a bare "70s" needs "the" or another decade before it
        value = f"19{m['dd'] or m['d2']}"
    return _Cand(m.start(), m.end(), "DATE", _fixed(value))


_CENTURY_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                  "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
                  "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
                  "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
                  "twenty-first": 21, "twenty first": 21}


@_rule(r"(?i)\bthe\s+(?:(?P<n>\d{1,2})(?:st|nd|rd|th)|(?P<w>twenty[-\s]first|first|second|third|fourth|fifth|"
       r"sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
       r"seventeenth|eighteenth|nineteenth|twentieth))\s+century\b", priority=2, words=("century",),
       starts=r"[t]")
def _century(m: re.Match, line: str) -> _Cand | None:
    n = int(m["n"]) if m["n"] else _CENTURY_WORDS[re.sub(r"\s+", " ", m["w"].lower())]
    return _Cand(m.start(), m.end(), "DATE", _fixed(f"{n - 1:02d}"))


# Quarters, halves, seasons, fiscal years ----------------------------------------------------------


@_rule(rf"(?i:\bthe\s+)?\b(?P<o>(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th))"
       rf"[\s-]+(?i:quarter)\b"
       rf"(?:\s+(?:of\s+|in\s+)?(?P<y>{_YEAR_SPEC}))?"
       rf"|\b[Qq](?P<q>[1-4])(?:\s*(?:of\s+)?['’]?(?P<y2>{_YEAR4}|\d\d)\b)?(?!\w)"
       rf"|\b(?P<q3>[1-4])Q\s*['’]?(?P<y3>{_YEAR4}|\d\d)\b",
       priority=3, words=("quarter", "q1", "q2", "q3", "q4", "1q", "2q", "3q", "4q"),
       starts=r"(?i:[1-4flqst])")
def _quarter(m: re.Match, line: str) -> _Cand | None:
    has_the = m.group(0).lower().startswith("the")
    if m["o"]:
        ordinal = m["o"].lower()
        year, relative = _year_of_spec(m["y"])
        if ordinal in ("final", "last"):
            if m["y"]:
                quarter = 4
            elif has_the and ordinal == "last":
                # "the last quarter": the last one finished before the reference date
                resolve = _from_reference(lambda ref, ctx: _shift(ref, "quarter", -1))
                return _Cand(m.start(), m.end(), "DATE", resolve)
            else:
                return None
        else:
            quarter = _ORDINALS[ordinal]
        if not m["y"] and not has_the and "-" not in m.group(0) and not _FINANCE_NOUN.match(_after(line, m)):
            return None  # "second quarter" in another sense
    else:
        quarter = int(m["q"] or m["q3"])
        y = m["y2"] or m["y3"]
        year, relative = ((int(y) if len(y) == 4 else 2000 + int(y)) if y else None), None
    return _Cand(m.start(), m.end(), "DATE", _part_of_year(f"Q{quarter}", year, relative))


@_rule(rf"(?i:\bthe\s+)?\b(?P<o>(?i:first|second|1st|2nd))[-\s](?i:half)\b"
       rf"(?:\s+of\s+(?P<y>{_YEAR_SPEC}|(?i:the\s+year)))?"
       rf"|\b[Hh](?P<h>[12])\s+(?P<y2>{_YEAR4})\b", priority=3, words=("half", "h1", "h2"),
       starts=r"(?i:[12fhst])")
def _half(m: re.Match, line: str) -> _Cand | None:
    if m["o"]:
        half = 1 if m["o"].lower() in ("first", "1st") else 2
        spec = m["y"]
        if not spec and not _FINANCE_NOUN.match(_after(line, m)):
            return None  # the first half of a match, of a book
        if spec and re.fullmatch(r"(?i)the\s+year", spec):
            spec = "this year"
        year, relative = _year_of_spec(spec)
    else:
        half, year, relative = int(m["h"]), int(m["y2"]), None
    return _Cand(m.start(), m.end(), "DATE", _part_of_year(f"H{half}", year, relative))


@_rule(rf"(?i:\b(?P<rel>this|last|next|the\s+coming|the\s+past|the\s+previous|the)\s+)?"
       rf"\b(?P<s>(?i:spring|summer|autumn|winter)|(?<=\bthe\s)fall|(?<=\bthis\s)fall|(?<=\blast\s)fall"
       rf"|(?<=\bnext\s)fall|Fall(?=\s+\d))"
       rf"(?:\s+(?:of\s+)?(?P<y>{_YEAR_SPEC}))?\b",
       priority=2, shape=_whole_word("spring", "summer", "autumn", "winter", "fall"),
       starts=r"(?i:[aflnstw])")
def _season(m: re.Match, line: str) -> _Cand | None:
    code = _SEASONS[m["s"].lower()]
    rel = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    if m["s"][0].isupper() and not rel and re.search(r"[A-Z][a-z]+\s+$", _before(line, m)):
        return None  # "Arab Spring", "Prague Spring"
    if not rel and not m["y"] and re.match(r"\s*(?:Olympics|Games|collection|wheat|crop|storm|weather|sun)",
                                            _after(line, m)):
        return None  # an adjective
    year, relative = _year_of_spec(m["y"])
    if year is None and rel in ("last", "the past", "the previous"):
        def last_one(ref: date, ctx: _Context) -> str:
            return f"{ref.year - 1 if _season_span(ref.year, code)[0] >= ref else ref.year}-{code}"
        return _Cand(m.start(), m.end(), "DATE", _from_reference(last_one))
    if year is None and rel in ("next", "the coming"):
        def next_one(ref: date, ctx: _Context) -> str:
            return f"{ref.year + 1 if _season_span(ref.year, code)[1] <= ref else ref.year}-{code}"
        return _Cand(m.start(), m.end(), "DATE", _from_reference(next_one))
    if year is None and rel == "this":
        relative = 0
    start = m.start("s") if rel == "the" and not m["y"] else m.start()
    return _Cand(start, m.end(), "DATE", _part_of_year(code, year, relative))


@_rule(r"\b(?:(?i:fiscal)(?:\s+year)?\s+|FY\s?)(?P<y>\d{4}|['’]?\d\d)\b"
       r"|(?i:\bthe\s+(?P<rel>current\s+|last\s+|previous\s+|next\s+)?(?:financial|fiscal)\s+year)\b",
       priority=3, words=("fiscal", "financial"), cased=("FY",), starts=r"(?i:[ft])")
def _fiscal(m: re.Match, line: str) -> _Cand | None:
    if m["y"] is None:
        shift = {"last": -1, "previous": -1, "next": 1}.get((m["rel"] or "").strip().lower(), 0)
        return _Cand(m.start(), m.end(), "DATE", _from_reference(lambda ref, ctx: f"FY{ref.year + shift}"))
    y = m["y"].lstrip("'’")
    return _Cand(m.start(), m.end(), "DATE", _fixed(f"FY{int(y) if len(y) == 4 else 2000 + int(y)}"))


# Days and weeks around the reference date -----------------------------------------------------------

_REL_DAY = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


@_rule(r"(?i:\b(?:earlier|later)\s+)?\b(?P<w>(?i:today|tonight|yesterday|tomorrow))\b"
       r"(?:\s+(?P<p>(?i:morning|afternoon|evening|night)))?",
       priority=2, words=("today", "tonight", "yesterday", "tomorrow"), starts=r"(?i:[elty])")
def _relative_day(m: re.Match, line: str) -> _Cand | None:
    word = m["w"].lower()
    if re.match(r"['’]s\s+(?:world|generation|society|youth|standards)", _after(line, m)):
        return None  # "today's world": the present in general
    offset = _REL_DAY[word]
    part = (m["p"] or ("tonight" if word == "tonight" else "")).lower()

    def compute(ref: date, ctx: _Context) -> str:
        value = (ref + timedelta(days=offset)).isoformat()
        return f"{value}T{_PARTS_OF_DAY[part]}" if part else value

    kind = "TIME" if part else "DATE"
    return _Cand(m.start(), m.end(), kind, _from_reference(compute), day_anchor=not part)


@_rule(r"(?i)\bthe\s+day\s+(?P<w>before\s+yesterday|after\s+tomorrow)\b",
       priority=3, words=("yesterday", "tomorrow"), starts=r"[t]")
def _two_days(m: re.Match, line: str) -> _Cand | None:
    offset = -2 if m["w"].lower().startswith("before") else 2
    resolve = _from_reference(lambda ref, ctx: (ref + timedelta(days=offset)).isoformat())
    return _Cand(m.start(), m.end(), "DATE", resolve, day_anchor=True)


def _part_of_last_day(code: str) -> Resolver:
    """A part ("MO", "NI") of the day just mentioned, else of the reference date."""

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        day = ctx.day_nearby or ctx.reference
        return (None, False) if day is None else (f"{day.isoformat()}T{code}", False)

    return resolve


@_rule(r"(?i)\b(?P<rel>this|last)\s+(?P<p>morning|afternoon|evening|night)\b"
       r"|\b(?:in|during)\s+(?:early\s+|late\s+)?(?P<p2>morning|afternoon|evening)\s+"
       r"(?=(?:trading|trade|session|deals)\b)", priority=2,
       words=("morning", "afternoon", "evening", "night"), starts=r"[dilt]")
def _part_of_day(m: re.Match, line: str) -> _Cand | None:
    if m["p2"]:  # "in morning trading"
        return _Cand(m.start("p2"), m.end("p2"), "TIME", _part_of_last_day(_PARTS_OF_DAY[m["p2"].lower()]))
    part, rel = m["p"].lower(), m["rel"].lower()
    if rel == "last" and part != "night":
        return None
    offset = -1 if rel == "last" else 0
    return _Cand(m.start(), m.end(), "TIME", _from_reference(
        lambda ref, ctx: f"{(ref + timedelta(days=offset)).isoformat()}T{_PARTS_OF_DAY[part]}"))


@_rule(rf"(?i:\b(?P<rel>last|next|this|coming|past)\s+)?\b(?P<wd>{_WEEKDAY})(?P<pl>s)?\b"
       rf"(?:\s+(?P<p>(?i:morning|afternoon|evening|night)))?",
       priority=1, cased=tuple(day.title() for day in _WEEKDAYS), starts=r"(?i:[cflmnpstw])")
def _weekday(m: re.Match, line: str) -> _Cand | None:
    weekday = _WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    if m["pl"]:
        return None if rel else _Cand(m.start(), m.end(), "SET", _fixed(f"XXXX-WXX-{weekday + 1}"))
    if not rel and _NAMED_DAY.search(_before(line, m)):
        return None  # named days are not this week's
    if not rel and not m["p"] and _WEEKDAY_TITLE.match(_after(line, m)):
        return None  # "Monday Night Football", "Sunday Times"
    part = (m["p"] or "").lower()

    def compute(ref: date, ctx: _Context) -> str:
        delta = weekday - ref.weekday()  # -6..6
        if rel in ("last", "past"):
            delta = delta - 7 if delta >= 0 else delta
        elif rel in ("next", "coming"):
            delta = delta + 7 if delta <= 0 else delta
        elif rel != "this" and delta:  # (the reference date's own weekday is that day in any tense)
            back, ahead = (delta - 7 if delta > 0 else delta), (delta + 7 if delta < 0 else delta)
            if ctx.tense == "future":
                delta = ahead
            elif ctx.tense == "past":
                delta = back
            else:
                delta = back if -back <= ahead else ahead
        value = (ref + timedelta(days=delta)).isoformat()
        return f"{value}T{_PARTS_OF_DAY[part]}" if part else value

    kind = "TIME" if part else "DATE"
    return _Cand(m.start(), m.end(), kind, _from_reference(compute), day_anchor=not part)


_NAMED_DAY = re.compile(r"\b(?:Black|Good|Holy|Ash|Cyber|Super|Easter|Palm|Bloody|Blue|Manic)\s+$")
_WEEKDAY_TITLE = re.compile(r"\s+(?:Night|Club|Times|Telegraph|Mail|News|Post|Show|Review)\b")
_REL_OFFSET = {"this": 0, "current": 0, "the current": 0, "last": -1, "the last": -1, "past": -1,
               "previous": -1, "the previous": -1, "next": 1, "the next": 1, "coming": 1,
               "the coming": 1, "the following": 1, "following": 1}


@_rule(r"(?i:\b(?:earlier|later)\s+)?(?i:\b(?P<rel>this|last|next|past|coming|current|previous|following|"
       r"the\s+(?:last|previous|next|coming|following|current))\s+)"
       r"(?P<u>(?i:week|weekend|month|year|quarter|decade|century))\b"
       r"(?!['’]s\s)(?!\s+(?:old|long|high|low))",
       priority=2, shape=_whole_word("week", "weekend", "month", "year", "quarter", "decade", "century"),
       starts=r"(?i:[ceflnpt])")
def _relative_unit(m: re.Match, line: str) -> _Cand | None:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["u"].lower()
    offset = _REL_OFFSET[rel]
    if rel == "past" or unit in ("decade", "century") and rel in ("the last", "the next", "the coming"):
        return None  # durations: see _the_past_unit
    if rel in ("the next", "the coming", "the following") and _SPAN_BEFORE.search(_before(line, m)):
        return None  # "for the next year": a duration, see _the_past_unit
    if rel in ("the previous", "the following", "previous", "following"):
        # narrative: counted from the last date mentioned
        return _Cand(m.start(), m.end(), "DATE", _from_anchor(unit, offset))
    return _Cand(m.start(), m.end(), "DATE", _from_reference(lambda ref, ctx: _shift(ref, unit, offset)))


@_rule(rf"(?i:\b(?P<rel>last|next|this)\s+)(?P<m>{_MONTH_FULL})\b", priority=2, cased=_T_MONTH,
       starts=r"(?i:[lnt])")
def _relative_month(m: re.Match, line: str) -> _Cand | None:
    month = _month(m["m"])
    rel = m["rel"].lower()

    def compute(ref: date, ctx: _Context) -> str:
        year = ref.year
        if rel == "last":
            year = ref.year if month < ref.month else ref.year - 1
        elif rel == "next":
            year = ref.year if month > ref.month else ref.year + 1
        return f"{year:04d}-{month:02d}"

    return _Cand(m.start(), m.end(), "DATE", _from_reference(compute))


@_rule(rf"(?i)\b(?P<n>{_NUMBER})\s+(?P<u>days?|weeks?|months?|years?|decades?|centur(?:y|ies))\s+"
       rf"(?P<dir>ago|earlier|before|later|after|from\s+now|hence)\b",
       priority=3, shape=_whole_word("ago", "earlier", "before", "later", "after", "now", "hence"),
       starts=r"[\dacdefhmnost]")
def _ago(m: re.Match, line: str) -> _Cand | None:
    n = _number(m["n"])
    unit = m["u"].lower().rstrip("s").replace("centurie", "century")
    direction = m["dir"].lower()
    if direction in ("earlier", "before", "later", "after"):
        # "two years later": counted from an event, not from now; a duration
        if n is None and m["n"].lower() not in ("several", "many", "a few", "few"):
            return None
        return _Cand(m.start(), m.start("dir") - 1, "DURATION", _fixed(_duration(n, unit)))
    if n is None or n != int(n):
        return None
    n = int(n) * (-1 if direction == "ago" else 1)
    if unit == "week":
        unit, n = "day", 7 * n
    elif unit in ("decade", "century"):
        unit, n = "year", n * (10 if unit == "decade" else 100)
    return _Cand(m.start(), m.end(), "DATE", _from_reference(lambda ref, ctx: _shift(ref, unit, n)))


# Expressions that lean on an earlier one ------------------------------------------------------------

_DAY_VERBS = (r"end|ends|ended|ending|finish|finished|finishing|close|closed|closing|start|started|starting|"
              r"began|begin|begins|beginning|open|opened|opening|spent|during|on|for|of|in")


@_rule(r"(?i)\bthe\s+(?P<a>previous|following|next|same)\s+(?P<u>day|week|month|year)\b"
       r"|\bthat\s+(?P<u2>day|week|month|year|time)\b|\bthe\s+same\s+time\b"
       r"|\bthe\s+(?P<u3>day|week|year)\s+(?P<b>before|after|earlier|later|previous|prior)\b"
       rf"|\b(?:{_DAY_VERBS})\s+(?P<d>the\s+day)\b(?!\s+(?:of|when|that|after|before))"
       r"|\bthe\s+day(?=['’]s\s)|\blate\s+in\s+the\s+day\b"
       r"|\b(?:rest|remainder|end|start|beginning|course|balance|middle|close)\s+of\s+"
       r"(?P<d4>the\s+(?P<u4>day|week|month|year))\b"
       r"|\bthe\s+(?:entire|whole|full)\s+(?P<u5>year|month|week|day)\b"
       r"|\bthe\s+weekend\b", priority=1,
       shape=_whole_word("day", "week", "month", "year", "time", "weekend"),
       starts=r"[bcdefilmorst]")
def _anaphoric(m: re.Match, line: str) -> _Cand | None:
    start = m.start("d") if m["d"] else m.start("d4") if m["d4"] else m.start()
    phrase = re.sub(r"\s+", " ", line[start:m.end()].lower())
    if phrase == "the weekend":  # the one just gone, unless the sentence looks ahead

        def weekend(ref: date, ctx: _Context) -> str:
            return _shift(ref, "weekend", 0 if ref.weekday() >= 5 or ctx.tense == "future" else -1)

        return _Cand(start, m.end(), "DATE", _from_reference(weekend))
    if phrase in ("that time", "the same time"):
        signal = re.search(r"(?i)\b(?:at|by|until|since|before|after|from)\s+$", _before(line, m))
        if phrase == "the same time" or not signal:
            return None  # "at the same time" means "also"; "that time" needs a preposition

        def resolve(ctx: _Context) -> tuple[str | None, bool]:
            return ctx.last("year"), False

        return _Cand(start, m.end(), "DATE", resolve)
    unit = m["u"] or m["u2"] or m["u3"] or m["u4"] or m["u5"] or "day"
    after = m["a"] in ("following", "next") or m["b"] in ("after", "later")
    before = m["a"] == "previous" or m["b"] in ("before", "earlier", "previous", "prior")
    shift = 1 if after else -1 if before else 0
    if unit != "day" and m["a"] == "next":
        return None  # "the next year": see _relative_unit
    if unit == "day":
        return _Cand(start, m.end(), "DATE", _from_anchor("day", shift, fallback=shift == 0), day_anchor=True)
    return _Cand(start, m.end(), "DATE", _from_anchor(unit, shift))


@_rule(r"(?i)\bthe\s+same\s+(?:period|month|quarter|week|day|time|season)(?:\s+of)?\s+"
       r"(?:last\s+year|the\s+(?:last|previous|prior)\s+year|a\s+year\s+(?:ago|earlier|before)"
       r"|the\s+year\s+before)\b",
       priority=3, words=("same",), starts=r"[t]")
def _same_period_last_year(m: re.Match, line: str) -> _Cand | None:
    """ "the same period last year": the last period mentioned, a year earlier."""

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        value = ctx.last("year")
        if value is None or precision_of(value) in ("year", "week"):
            return (None, False) if ctx.reference is None else (str(ctx.reference.year - 1), False)
        return f"{int(value[:4]) - 1:04d}{value[4:]}", False

    return _Cand(m.start(), m.end(), "DATE", resolve)


# Vague references ---------------------------------------------------------------------------------

_PRESENT = (r"(?:right\s+)?now|nowadays|currently|at\s+present|presently|at\s+the\s+moment|"
            r"the\s+time\s+being|these\s+days|recent\s+times")
_PAST_REF = r"(?:more\s+|until\s+|only\s+|very\s+)?recently|lately|the\s+past|recent\s+history"
_FUTURE_REF = (r"the\s+(?:near\s+|distant\s+|foreseeable\s+|immediate\s+)?future|"
               r"the\s+(?:near|short|long|medium)\s+term|(?:very\s+)?soon")


@_rule(rf"(?i)(?:\b(?P<prep>in|of|from|for|over)\s+)?"
       rf"\b(?P<core>(?P<present>{_PRESENT})|(?P<past>{_PAST_REF})|(?P<future>{_FUTURE_REF}))\b(?!-)",
       priority=1, shape=_whole_word("now", "nowadays", "currently", "present", "presently", "moment",
                                     "being", "these", "recent", "recently", "lately", "past", "future",
                                     "term", "soon"),
       starts=r"[acfilmnoprstuv]")
def _vague(m: re.Match, line: str) -> _Cand | None:
    phrase = m["core"].lower()
    if phrase.startswith("the ") and not m["prep"]:
        return None  # "the past" / "the future" as a time needs "in", "of", "for"...
    if phrase == "recent times" and (m["prep"] or "").lower() != "in":
        return None
    after = _after(line, m)
    if phrase == "now" and re.match(r"\s+that\b", after):
        return None  # "now that": a conjunction
    if phrase.endswith("soon") and re.match(r"\s+(?:after|as|afterwards)\b", after):
        return None
    value = "PRESENT_REF" if m["present"] else "PAST_REF" if m["past"] else "FUTURE_REF"
    return _Cand(m.start("core"), m.end(), "DATE", _fixed(value, explicit=False), extendable=False)


_NOT_CURRENT = re.compile(
    r"(?i)^\s+(?:account|affairs|events|president|ceo|chairman|chief|minister|leader|champion|holder|owner|"
    r"head|director|manager|members?|version|model|law|rules|system|flows?|generation|team|squad|coach|"
    r"government|administration|regime|edition|issue)\b"
)


@_rule(r"\b(?P<w>recent|current|ongoing)\b(?=\s+[a-z])", cased=("recent", "current", "ongoing"),
       starts=r"[cor]")
def _temporal_adjective(m: re.Match, line: str) -> _Cand | None:
    word = m["w"]
    if word == "ongoing":
        return None
    determined = re.search(r"(?i)\b(?:the|its|their|our|his|her)\s+$", _before(line, m))
    if word == "current" and (_NOT_CURRENT.match(_after(line, m)) or not determined):
        return None  # "the current president" is a person; "current" needs a determiner
    if word == "recent" and re.search(r"(?i)\b(?:most|more|less|least)\s+$", _before(line, m)):
        return None  # "its most recent model": the latest, not a time
    if word == "recent" and re.match(r"\s+(?:years|months|weeks|days|decades|times|history)\b",
                                     _after(line, m)):
        return None  # a longer rule takes these
    value = "PAST_REF" if word == "recent" else "PRESENT_REF"
    return _Cand(m.start(), m.end(), "DATE", _fixed(value, explicit=False), extendable=False)


# Clock times ----------------------------------------------------------------------------------


@_rule(rf"\b(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d)|\.(?P<mi2>[0-5]\d)(?=\s*[ap]\.?m))(?::[0-5]\d)?(?![\d:])"
       rf"(?:\s*(?P<ap>[ap]\.?\s?m\.?(?![a-z])))?"
       rf"(?:\s*\(?\s*(?P<tz>{_ZONES})(?:\s*[+-]\s*\d{{1,2}})?\s*\)?)?"
       rf"|\b(?P<h2>[01]\d|2[0-3])(?P<mi3>[0-5]\d)\s*(?P<tz2>UTC|GMT|Z|hrs|hours)\b"
       rf"|\b(?P<h3>1[0-2]|0?[1-9])\s*(?P<ap3>[ap]\.m\.|[ap]m\b)(?:\s*\(?(?P<tz3>{_ZONES})\)?)?"
       rf"|\b(?P<noon>noon|midday|midnight)\b", priority=3, cased=("noon", "midday", "midnight"),
       # a digit with ":" and a digit, or with a zone, "hrs" or "am" right after it or beginning
       # the next piece (at a \b): tested once per piece, cheaper than a line_shape searched in
       # every line, which cost more than the rule itself
       shape=r"\d:\d|(?:\d|\b)(?:UTC|GMT|Z|hrs|hours|[ap][.]?m)",
       starts=r"[\dmn]")
def _clock(m: re.Match, line: str) -> _Cand | None:
    if re.search(r"[$£€]\s*$", _before(line, m, 2)):
        return None
    if m["noon"]:
        if not re.search(r"(?i)\b(?:at|by|until|before|after|around|from|till|since)\s+$",
                         _before(line, m, 10)):
            return None  # "noon" alone is not always a time of day
        hour, minute, zone = (0 if m["noon"].lower() == "midnight" else 12), 0, ""
    elif m["h3"]:
        hour = int(m["h3"]) % 12 + (12 if m["ap3"].lower().startswith("p") else 0)
        minute, zone = 0, m["tz3"] or ""
    elif m["h2"]:
        hour, minute, zone = int(m["h2"]), int(m["mi3"]), m["tz2"]
    else:
        hour, minute, zone = int(m["h"]), int(m["mi"] or m["mi2"]), m["tz"] or ""
        if not m["ap"] and not zone:
            near = _before(line, m, 12) + _after(line, m, 12)
            if not re.search(r"(?i)\b(?:at|by|until|before|after|around|from|local|time|hours?)\b", near):
                return None  # "3:2" or "20:1" is a score or a ratio
        if m["ap"]:
            hour = hour % 12 + (12 if m["ap"].lower().startswith("p") else 0)
    utc = zone in ("UTC", "GMT", "Z")
    clock = f"T{hour:02d}:{minute:02d}{'Z' if utc else ''}"

    def resolve(ctx: _Context) -> tuple[str | None, bool]:
        day = ctx.day_nearby or ctx.reference
        return (None, False) if day is None else (day.isoformat() + clock, False)

    return _Cand(m.start(), m.end(), "TIME", resolve, clock=(hour, minute, utc), extendable=False)


# Durations and sets ---------------------------------------------------------------------------

_DUR_ADJ = (r"(?:(?:more|consecutive|straight|successive|full|long|trading|business|working|calendar|"
            r"additional|further|extra|whole|entire|solid|short)[\s-]+)?")


@_rule(rf"(?i)\b(?P<n>{_NUMBER})(?P<half>\s+and\s+a\s+half)?(?P<sep>\s+|-){_DUR_ADJ}(?P<u>{_UNIT})"
       rf"(?P<suffix>-(?:old|long))?\b(?!-)"
       rf"|\b(?P<n2>half\s+an?|a\s+half)[\s-]+(?P<u2>hour|day|year|century|decade)\b"
       rf"|\ban?\s+(?P<u3>year|month|week|day|hour)\s+and\s+a\s+half\b", priority=1, shape=_whole_word(_UNIT),
       starts=r"[\dacdefhmnost]")
def _duration_rule(m: re.Match, line: str) -> _Cand | list[_Cand] | None:
    if m["u2"] or m["u3"]:
        unit = m["u2"] or m["u3"]
        value = "PT30M" if unit == "hour" and m["u2"] else _duration(0.5 if m["u2"] else 1.5, unit)
        return _with_prefix(line, _Cand(m.start(), m.end(), "DURATION", _fixed(value)))
    raw = re.sub(r"\s+", " ", m["n"].lower())
    unit = m["u"].lower()
    number = _number(raw)
    plural = unit.endswith("s") or unit == "millennia"
    if m["half"] and number is not None:
        number += 0.5
    if unit.startswith("second") and raw in ("a", "an"):
        return None  # "a second time": an ordinal
    consecutive = "consecutive" in m.group(0).lower()
    if unit.startswith("quarter") and not consecutive and (number is None or number < 2):
        return None  # "a quarter of the workforce"
    if (raw in ("a", "an") and plural) or (raw == "single" and (m["sep"] != "-" or plural)):
        return None
    digits = re.fullmatch(r"\d+(?:\.\d+)?", raw) is not None
    if digits and re.search(r"[\d,.$€£#]$", _before(line, m, 1)):
        return None  # part of a bigger number or an amount
    if digits and re.search(r"(?i)\b(?:\d+|GB|MB|TB)\s*$", _before(line, m, 6)):
        return None  # "30GB iPod, 75 hours of video": a capacity
    if number is None and raw not in ("several", "many", "few", "a few", "numerous", "countless",
                                      "hundreds of", "dozens of", "thousands of"):
        return None
    found = [_with_prefix(line, _Cand(m.start(), m.end(), "DURATION", _fixed(_duration(number, unit))))]
    # "between 60 and 90 days": the first number is a duration too
    window = _before(line, m, 24)
    pair = _PAIR_BEFORE.search(window) if window.rstrip().lower().endswith(_PAIR_JOINS) else None
    if pair and (n1 := _number(pair["n1"])) is not None and raw not in ("a", "an") and number and n1 < number:
        start = m.start() - len(window) + pair.start("n1")
        resolve = _fixed(_duration(n1, unit))
        found.append(_Cand(start, start + len(pair["n1"]), "DURATION", resolve, extendable=False))
    return found


_FRAMED_BEFORE = re.compile(
    r"(?i)\bthe\s+(?:past|last|next|first|previous|coming|following|final|remaining|initial)\s+$")


def _last_pieces(text: str, count: int) -> int:
    """Where the last ``count`` pieces of ``text`` between white space begin (or a little before;
    0 if it has no more pieces than that).

    A match of a pattern that ends in ``\\s+$`` and holds at most ``count`` words, white space
    between them (:data:`_FRAMED_BEFORE`, :data:`_APPROX_BEFORE`), lies in those pieces: searched
    from there, the pattern finds what it finds in the whole of ``text`` (``\\b`` still sees the
    character before), without trying every position of a long line. ``str.rsplit`` splits at
    what ``\\s`` matches.
    """
    parts = text.rsplit(None, count)
    return len(parts[0]) if len(parts) > count else 0


_PAIR_BEFORE = re.compile(r"(?i)\b(?:between\s+)?(?P<n1>\d+(?:\.\d+)?|[a-z]+)\s*(?:-|–|to|and|or)\s*$")
#: What a window ends with (white space aside, in lower case) where :data:`_PAIR_BEFORE` finds a
#: match: the regex is only run there.
_PAIR_JOINS = ("-", "–", "to", "and", "or")


def _with_prefix(line: str, cand: _Cand) -> _Cand:
    """Take "about", "over", "the past", "the next" in front of a duration into it."""
    before = line[:cand.start]
    framed = _FRAMED_BEFORE.search(before, _last_pieces(before, 2))
    if framed:
        cand.start = framed.start()
        before = line[:cand.start]
    framed = framed or line[cand.start:cand.start + 4].lower() == "the "
    match = _APPROX_BEFORE.search(before, _last_pieces(before, 3))
    if match and not (framed and match.group(1).lower() in ("over", "under")):  # "over the past decade"
        cand.start = match.start()
        cand.modifier = _APPROX.get(re.sub(r"\s+", " ", match.group(1).lower()), "APPROX")
    cand.extendable = False
    return cand


@_rule(r"(?i)\bthe\s+(?P<rel>past|last|next|coming|previous|following)\s+"
       r"(?P<u>year|month|week|decade|century|day)\b(?!['’]s)(?!\s+(?:old|long))",
       priority=1, shape=_whole_word("past", "last", "next", "coming", "previous", "following"),
       starts=r"[t]")  # these words are in fewer lines than the units
def _the_past_unit(m: re.Match, line: str) -> _Cand | None:
    """ "the past year", "the last decade", "for the next month": durations, not dates."""
    rel, unit = m["rel"].lower(), m["u"].lower()
    ahead = rel in ("next", "coming", "following") and _SPAN_BEFORE.search(_before(line, m))
    if rel == "past" or ahead or (unit in ("decade", "century") and rel in ("last", "next", "coming")):
        return _with_prefix(line, _Cand(m.start(), m.end(), "DURATION", _fixed(_duration(1, unit))))
    return None  # dates: see _relative_unit and _anaphoric


_SPAN_BEFORE = re.compile(r"(?i)\b(?:for|over|within|during|throughout)\s+$")


@_rule(r"(?i)(?P<pre>\b(?:over|for|within|in|recent|after|took|take|takes|lasted|last|spent|spend)\s+"
       r"(?:the\s+|recent\s+|just\s+|mere\s+)?)?"
       r"\b(?P<u>years|months|decades|weeks|days|hours|minutes|centuries)"
       r"(?P<long>-long)?\b",
       words=("years", "months", "decades", "weeks", "days", "hours", "minutes", "centuries"),
       starts=r"[acdfhilmorstwy]")
def _bare_units(m: re.Match, line: str) -> _Cand | None:
    """ "for years", "over the years", "in recent years", "decades-long", "minutes later"."""
    pre = re.sub(r"\s+", " ", (m["pre"] or "").lower()).strip()
    after = _after(line, m, 16).lower()
    follows = re.match(r"\s+(?:later|earlier|ago|to\s+come|on\s+end|in\s+the\s+making)\b", after)
    if not (pre or m["long"] or follows):
        return None
    loose = pre.startswith(("in", "after", "took", "take", "last", "spent", "spend")) and "recent" not in pre
    if loose and not m["long"] and not follows and not re.match(r"\s*(?:[,.;:)'\"”]|$)", after):
        return None  # "after months of talks" is not a time; "in minutes." is
    if pre.startswith(("over the", "recent", "in recent")):
        start = m.start() + (m["pre"].lower().find("recent") if "recent" in pre else 0)
    else:
        start = m.start("u")
    return _Cand(start, m.end(), "DURATION", _fixed(_duration(None, m["u"])), extendable=False)


@_rule(r"(?i)\b(?:(?P<freq>once|twice|(?:three|four|five|several|\d+)\s+times)\s+)?"
       r"(?P<q>every|each|per|a|an)\s+"
       r"(?:(?P<n>other|\d+|two|three|four|five|six|ten|twelve)\s+)?"
       r"(?P<u>years?|months?|weeks?|days?|hours?|minutes?|quarters?|decades?)\b"
       r"(?!\s+(?:ago|earlier|later|before|after|and\s+a\s+half|or\s+so|old)|-old)",
       priority=2, shape=_whole_word("years?", "months?", "weeks?", "days?", "hours?", "minutes?",
                                     "quarters?", "decades?"),
       starts=r"[\daefopst]")
def _set(m: re.Match, line: str) -> _Cand | None:
    quantifier, unit = m["q"].lower(), m["u"].lower()
    number = 2 if (m["n"] or "").lower() == "other" else _number(m["n"]) if m["n"] else 1
    if unit.endswith("s") and not m["n"]:
        return None
    if quantifier in ("a", "an"):
        if m["n"]:
            return None
        if not m["freq"] and not _RATE.search(_before(line, m, 30)):
            return None  # "for a year" is a duration; "15 a year" a rate
    if quantifier == "each" and m["n"]:
        return None
    return _Cand(m.start(), m.end(), "SET", _fixed(_duration(number, unit)), extendable=False)


_RATE = re.compile(
    r"(?i)(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|hundred|thousand|"
    r"million|billion|dozen|times|cents?|dollars|euros|pounds))[%\w]*\s+(?:\w+\s+)?$"
)
_FREQUENCIES = {"annual": "P1Y", "annually": "P1Y", "yearly": "P1Y", "biannual": "P6M", "semiannual": "P6M",
                "quarterly": "P3M", "monthly": "P1M", "weekly": "P1W", "daily": "P1D", "nightly": "P1D",
                "hourly": "PT1H", "biweekly": "P2W", "bimonthly": "P2M"}


@_rule(r"\b(?P<w>annual|annually|yearly|biannual|semi-?annual|quarterly|monthly|weekly|daily|nightly|hourly|"
       r"bi-?weekly|bi-?monthly)\b",
       cased=("annual", "yearly", "quarterly", "monthly", "weekly", "daily", "nightly", "hourly"),
       starts=r"[abdhmnqswy]")
def _frequency(m: re.Match, line: str) -> _Cand | None:
    return _Cand(m.start(), m.end(), "SET", _fixed(_FREQUENCIES[m["w"].replace("-", "")]), extendable=False)


_HOLIDAYS = {"christmas eve": (12, 24), "christmas": (12, 25), "christmas day": (12, 25),
             "new year's day": (1, 1), "new year's eve": (12, 31), "boxing day": (12, 26),
             "valentine's day": (2, 14), "halloween": (10, 31), "bastille day": (7, 14)}


@_rule(r"\b(?P<h>Christmas\s+Eve|Christmas(?:\s+Day)?|New\s+Year['’]s\s+(?:Day|Eve)|Boxing\s+Day|"
       r"Valentine['’]s\s+Day|Halloween|Bastille\s+Day)\b"
       r"(?!\s+(?:tree|cards?|lights|market|carols?|presents?|gifts?|dinner|pudding|songs?|special))"
       rf"(?:{_COMMA}(?P<y>{_YEAR4}))?", priority=2, cased=("Christmas", "Year", "Day", "Halloween"),
       starts=r"[BCHNV]")
def _holiday(m: re.Match, line: str) -> _Cand | None:
    month, day = _HOLIDAYS[re.sub(r"\s+", " ", m["h"].lower()).replace("’", "'")]
    year = int(m["y"]) if m["y"] else None
    return _Cand(m.start(), m.end(), "DATE", _calendar_date(month, day, year), day_anchor=True)


# --------------------------------------------------------------------------------------------
# Passes after matching: modifiers, ranges, tense, clock + day, anaphora
# --------------------------------------------------------------------------------------------

_PREFIX_MODIFIERS = [
    (re.compile(r"(?i)\b(?:the\s+)?(?:very\s+)?(?:beginning|start|outset|dawn)\s+of\s+(?:the\s+)?$"),
     "START"),
    (re.compile(r"(?i)\b(?:the\s+)?(?:very\s+)?(?:end|close)\s+of\s+(?:the\s+)?$"), "END"),
    (re.compile(r"(?i)\b(?:the\s+)?(?:middle|midpoint)\s+of\s+(?:the\s+)?$"), "MID"),
    (re.compile(r"(?i)\b(?:the\s+)?(?:early|first)\s+(?:part|months|days|weeks)\s+of\s+(?:the\s+)?$"),
     "START"),
    (re.compile(r"(?i)\b(?:the\s+)?(?:latter|last|final)\s+(?:part|months|days|weeks)\s+of\s+(?:the\s+)?$"),
     "END"),
    (re.compile(r"(?i)\b(?:the\s+)?early(?:\s+in)?(?:\s+|-)$"), "START"),
    (re.compile(r"(?i)\b(?:the\s+)?late(?:\s+in)?(?:\s+|-)$"), "END"),
    (re.compile(r"(?i)\b(?:the\s+)?mid(?:dle)?(?:\s+|-)$"), "MID"),
    (re.compile(r"(?i)\bthe\s+turn\s+of\s+the\s+$"), "APPROX"),
    (re.compile(r"(?i)\b(?:around|about|circa|c\.|approximately|roughly)\s+$"), "APPROX"),
    (re.compile(r"(?i)\bpre-$"), "BEFORE"),
    (re.compile(r"(?i)\bpost-$"), "AFTER"),
]
_SIGNALS = [
    (re.compile(r"(?i)\b(?:ever\s+)?since\s+$"), "SINCE"),
    (re.compile(r"(?i)\b(?:before|by|prior\s+to|no\s+later\s+than|ahead\s+of)\s+$"), "BEFORE"),
    (re.compile(r"(?i)\b(?:until|till|up\s+to|through)\s+$"), "UNTIL"),
    (re.compile(r"(?i)\bafter\s+$"), "AFTER"),
]


def _any_of(patterns: list[tuple[re.Pattern, str]], starts: str) -> re.Pattern:
    """One regex that finds a match in a string where any of ``patterns`` does (their alternation,
    all case-insensitive and of lower-case ASCII letters), to search the string in lower case
    with, as :func:`_folded` says. ``starts`` holds every character their matches begin with
    (tests/test_speed_equivalence.py proves it), put in front as in :func:`_rule`."""
    if any(pattern.flags != re.IGNORECASE | re.UNICODE for pattern, _ in patterns):
        raise ValueError("patterns with other flags")
    either = "|".join(f"(?:{_GLOBAL_FLAGS.sub('', pattern.pattern, count=1)})" for pattern, _ in patterns)
    folded = _folded(re.compile(f"(?={starts})(?:{either})", re.IGNORECASE))
    if folded is None:
        raise ValueError("patterns with other letters")
    return folded


#: All the prefix modifiers, and all the signals, in one regex each: one search of the window
#: before a date (in lower case) rules them all out at once.
_ANY_PREFIX_MODIFIER = _any_of(_PREFIX_MODIFIERS, r"[abcdeflmoprstv]")
_ANY_SIGNAL = _any_of(_SIGNALS, r"[abenpstu]")


def _apply_modifiers(text: str, cands: list[_Cand]) -> None:
    """Widen dates over "early", "mid-", "the end of", "around"; note "since", "before", "until".

    Most dates have neither: one search of all the patterns at once says so (see :func:`_any_of`)
    before they are tried one by one, in order, for the first that matches. ``text`` is the text
    as :func:`find_timexes` scans it ("ſ", "ı", "İ" folded).
    """
    previous_end = 0
    for cand in cands:
        if cand.kind == "DATE" and cand.extendable:
            window = text[max(previous_end, cand.start - 40):cand.start].rsplit("\n", 1)[-1]
            for pattern, modifier in _PREFIX_MODIFIERS if _ANY_PREFIX_MODIFIER.search(window.lower()) else ():
                if match := pattern.search(window):
                    cand.start -= len(window) - match.start()
                    cand.modifier = modifier
                    break
            window = text[max(previous_end, cand.start - 25):cand.start].rsplit("\n", 1)[-1]
            if cand.modifier is None or cand.modifier in ("START", "END", "MID"):
                for pattern, modifier in _SIGNALS if _ANY_SIGNAL.search(window.lower()) else ():
                    if pattern.search(window):
                        cand.modifier = cand.modifier or modifier
                        break
        previous_end = cand.end


_RANGE_JOIN = re.compile(r"(?i)^[ \t]*(?:[-–—]|to|through|until|till|and)[ \t]*$")


def _combine_ranges(text: str, cands: list[_Cand]) -> list[_Cand]:
    """Join "from May to July 2020", "between 2014 and 2016", "May–June" into one DATE range."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        cand = cands[i]
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if (nxt is not None and cand.kind == nxt.kind == "DATE" and cand.parts is None and nxt.parts is None
                and cand.modifier is None and _RANGE_JOIN.match(text[cand.end:nxt.start])):
            join = text[cand.end:nxt.start].strip().lower()
            pre = re.search(r"(?i)\b(from|between)\s+$", text[max(0, cand.start - 9):cand.start])
            needs = "between" if join == "and" else "from" if join[:1].isalpha() else None
            if needs is None or (pre and pre.group(1).lower() == needs):
                start = cand.start - (len(pre.group(0)) if pre else 0)
                out.append(_Cand(start, nxt.end, "DATE", cand.resolve, parts=(cand, nxt)))
                i += 2
                continue
        out.append(cand)
        i += 1
    return out


_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+(?=[A-Z“\"'‘(])|\n")
_SOON_VERBS = (r"(?:be|begin|start|open|take|meet|launch|vote|resume|finish|end|close|arrive|leave|report|"
               r"announce|hold|sign|visit|return|deliver|receive|release|decide|rule)")
_FUTURE = re.compile(
    rf"(?i)\b(?:will|won['’]t|wo\s+n['’]t|shall|['’]ll|going\s+to|"
    rf"(?:is|are|was|were)\s+(?:due\s+)?to\s+{_SOON_VERBS}|"
    rf"to\s+be\s+\w+(?:ed|en|eld|un)|scheduled|expected\s+to|set\s+to|due\s+to\s+{_SOON_VERBS}|"
    r"plans?\s+to|planning\s+to|intends?\s+to|aims?\s+to|would|should|upcoming|forthcoming|"
    r"predicts?|forecasts?|expects?|anticipates?|hopes?\s+to|projected)\b"
)
#: A past-tense marker, one whole word (every alternative is letters: no marker spans two).
_PAST_WORD = re.compile(
    r"(?i)(?:was|were|had|did|said|told|\w{3,}ed|ago|began|came|went|took|made|gave|rose|fell|saw|won|lost|"
    r"left|met|held|became|led|sold|bought|paid|hit|spent|grew|knew|thought|brought|wrote|ran|got|sent|spoke|"
    r"broke|chose|drove|flew|froze|kept|meant|rode|sang|sank|sat|shook|shot|slept|stood|stole|struck|swore|"
    r"taught|tore|threw|understood|woke|wore|built|caught|dealt|drew|ate|fed|felt|fought|found|heard|lent|"
    r"sought|swept|withdrew|overtook|forgave|hung|arose|bore|bid|beat|bent|bled|fled|slid|strove)"
)
#: Words ending in -ed that are not past tense (adjectives, nouns, "expected" looks ahead).
_NOT_PAST = re.compile(
    r"(?i)(?:expected|scheduled|planned|projected|forecasted|based|called|named|listed|located|related|used|"
    r"united|limited|advanced|detailed|red|need|speed|feed|seed|indeed|hundred|proposed|embattled|so-called|"
    r"unprecedented|alleged|allied|concerned|interested|qualified|armed|talented|experienced|skilled|"
    r"beloved|aged)"
)


#: A word (a run of word characters), for the markers that are whole words.
_WORD_START = re.compile(r"\b\w+")


@functools.lru_cache(maxsize=1 << 16)
def _past_word(word: str) -> bool:
    """Is ``word`` (a whole word) a past-tense marker, and not an -ed word that only looks like
    one (:data:`_NOT_PAST`)? Memoised per word."""
    return _PAST_WORD.fullmatch(word) is not None and _NOT_PAST.fullmatch(word) is None


def _past_markers(text: str, lo: int, hi: int) -> Iterator[re.Match]:
    """The past-tense markers in ``text[lo:hi]``, less those of :data:`_NOT_PAST`, found one by
    one as they are asked for (:func:`_tense` may need only the first).

    The same matches as a ``(?i)\\b(?:...)\\b`` search for the words of :data:`_PAST_WORD` would
    find: each marker is a whole word, so each word is looked up once (:func:`_past_word`)
    instead of trying some hundred case-insensitive alternatives at every word.
    """
    return (match for match in _WORD_START.finditer(text, lo, hi) if _past_word(match.group()))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]`` (at most 200 characters either side)."""
    lo = max(0, start - 200)
    if breaks := [m.end() for m in _SENTENCE_BREAK.finditer(text, lo, start)]:
        lo = breaks[-1]
    stop = _SENTENCE_BREAK.search(text, end, end + 200)
    return lo, stop.start() if stop else min(len(text), end + 200)


_CLAUSE_BREAK = re.compile(r"[;:]\s|\s[—–]\s|,\s+(?:and|but|while|whereas|although|though)\s")
_OTHER_CLAUSE = 80  # a marker in another clause counts as this much farther away
_UNTIL_BEFORE = re.compile(r"(?i)\b(?:until|till)\s+(?:next\s+|this\s+)?$")
_BE_BEFORE = re.compile(r"(?i)\bbe\s+$")
#: :data:`_FUTURE` without its case-insensitive flag, to search a sentence in lower case with
#: (see :func:`_folded`): several times cheaper than the case-insensitive search.
_FUTURE_FOLDED = _lower_twin(_FUTURE)


def _future_markers(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans of the matches of :data:`_FUTURE` in ``text[lo:hi]`` (as ``finditer(text, lo,
    hi)`` finds them), found in lower case. ``text`` is a text as :func:`find_timexes` scans it;
    the character before ``lo`` is lowered with the rest, for ``\\b`` to see it as the search
    from ``lo`` does (the pattern looks no farther back)."""
    base = lo - 1 if lo else 0
    lower = text[base:hi].lower()
    return [(match.start() + base, match.end() + base) for match in _FUTURE_FOLDED.finditer(lower, lo - base)]


def _tense(text: str, start: int, end: int) -> str:
    """"future", "past" or "present": the tense marker nearest to a span in its sentence.

    "Apple announced Friday that it will..." is past (the nearest verb), "the trial is set to
    begin on Wednesday" future; a marker in another clause (after ", and", ";") counts as
    farther away; a sentence with no marker is "present". "until Friday" looks ahead whatever
    the verb.
    """
    if _UNTIL_BEFORE.search(text[max(0, start - 12):start]):
        return "future"
    lo, hi = _sentence_bounds(text, start, end)
    # the markers that count: not in the span, nor a past form after "be" ("should be completed"
    # looks ahead)
    markers = [(first, last, "future") for first, last in _future_markers(text, lo, hi)
               if not (last > start and first < end)]
    past = ((match.start(), match.end(), "past") for match in _past_markers(text, lo, hi)
            if not (match.end() > start and match.start() < end)
            and not _BE_BEFORE.search(text[max(0, match.start() - 4):match.start()]))
    if not markers:  # the nearest marker is a past one, if there is one: any will say so
        return "past" if next(past, None) else "present"
    markers += past
    if all(name == "future" for _, _, name in markers):  # (the same: no distances to weigh)
        return "future"
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, lo, hi)]
    best, tense = None, "present"
    for first, last, name in markers:
        distance = start - last if last <= start else first - end
        low, high = (first, start) if first < start else (start, first)
        if breaks and any(low < b < high for b in breaks):
            distance += _OTHER_CLAUSE
        if best is None or distance < best:
            best, tense = distance, name
    return tense


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Keep the longest candidates that do not overlap (ties: higher priority, then earlier)."""
    chosen: list[_Cand] = []
    for cand in sorted(cands, key=lambda c: (c.start - c.end, -c.priority, c.start)):
        start, end = cand.start, cand.end
        for other in chosen:
            if start < other.end and other.start < end:
                break
        else:
            chosen.append(cand)
    chosen.sort(key=operator.attrgetter("start"))
    return chosen


_LINES = re.compile(r"[^\n]+")


def _scan(text: str) -> list[_Cand]:
    """Every candidate of every rule, line by line (an expression never spans a line break)."""
    cands: list[_Cand] = []
    for line_match in _LINES.finditer(text):
        line, offset = line_match.group(0), line_match.start()
        if not line.strip():
            continue
        lower = None
        for pattern, handler, priority, folded in _rules_for(line):
            if folded is None:
                matches = pattern.finditer(line)
            else:
                # the case-sensitive search of the line in lower case finds where the matches
                # are; each is then matched as written (below), for the handler to read
                if lower is None:
                    lower = line.lower()
                matches = folded.finditer(lower)
            for match in matches:
                if folded is not None:
                    match = pattern.match(line, match.start())
                if match.end() == match.start():
                    continue
                found = handler(match, line)
                if found is None:
                    continue
                for cand in found if isinstance(found, list) else (found,):
                    _move(cand, offset)
                    if cand.priority < priority:
                        cand.priority = priority
                    cands.append(cand)
    return cands


def _move(cand: _Cand, offset: int) -> None:
    cand.start += offset
    cand.end += offset
    for part in cand.parts or ():
        _move(part, offset)


@dataclass
class _Resolved:
    cand: _Cand
    value: str | None
    explicit: bool
    range_end: str | None = None
    parts: list[_Resolved] = field(default_factory=list)


def _resolve_all(text: str, cands: list[_Cand], reference: date | None) -> list[_Resolved]:
    """Resolve in document order, so that "the same day" can lean on the last date mentioned."""
    out: list[_Resolved] = []
    mentioned: list[str] = []
    mentioned_at: list[int] = []
    for cand in cands:
        ctx = _Context(reference, (text, cand.start, cand.end), mentioned, mentioned_at)
        if cand.parts:
            first, second = cand.parts
            end_value, end_explicit = second.resolve(ctx)
            span = _raw_span(end_value) if end_value and _VALUE.match(end_value) else None
            if span and not end_value.startswith("FY"):
                ctx.year_hint, ctx.hint_explicit = span[0].year, end_explicit
            value, explicit = first.resolve(ctx)
            if value and end_value and sort_key(value) > sort_key(end_value) and ctx.year_hint:
                ctx.year_hint -= 1  # "from December to March 2021": December 2020
                value, explicit = first.resolve(ctx)
            ends = [_Resolved(first, value, explicit), _Resolved(second, end_value, end_explicit)]
            resolved = _Resolved(cand, value, explicit, end_value, ends)
        else:
            value, explicit = cand.resolve(ctx)
            resolved = _Resolved(cand, value, explicit)
        out.append(resolved)
        for item in [resolved] + resolved.parts[1:]:
            dated = precision_of(item.value) in _DATED and not item.value.startswith("FY")
            if cand.kind in ("DATE", "TIME") and dated:
                mentioned.append(item.value)
                mentioned_at.append(item.cand.end)
    return out


def _with_clocks(text: str, items: list[Timex], cands: list[_Cand]) -> list[Timex]:
    """Join a clock time and the day right after it: "12:00 UTC Monday", "16:00 UTC today".

    With a comma between ("at 16:15 UTC, June 1st") both stay, but the clock takes that day.
    """
    out: list[Timex] = []
    i = 0
    while i < len(items):
        cur = items[i]
        day = items[i + 1] if i + 1 < len(items) and cands[i].clock and cands[i + 1].day_anchor else None
        if day is not None and precision_of(day.value) == "day":
            gap = text[cur.end:day.start]
            hour, minute, utc = cands[i].clock
            value = f"{day.value}T{hour:02d}:{minute:02d}{'Z' if utc else ''}"
            if re.fullmatch(r"[ \t]*(?:on[ \t]+)?", gap):
                out.append(Timex(text[cur.start:day.end], cur.start, day.end, "TIME", value, "minute",
                                 day.explicit, day.modifier))
                i += 2
                continue
            if re.fullmatch(r"[ \t]*,[ \t]*", gap):
                cur = Timex(cur.text, cur.start, cur.end, "TIME", value, "minute", cur.explicit, cur.modifier)
        out.append(cur)
        i += 1
    return out


def find_timexes(text: str, reference: date | None = None, language: str = "en", *,
                 ranges: bool = True) -> list[Timex]:
    """All temporal expressions in ``text``, in document order, normalised against ``reference``.

    ``reference`` is the document's publication date: relative expressions ("yesterday",
    "last week", "On May 27") are resolved against it and keep ``value=None`` without it.
    With ``ranges=False`` a range ("from 2009 to 2011") comes back as its two ends, the way
    TimeML annotates it. Word rules are English; for other languages only numeric dates and
    years are found.
    """
    if not text:
        return []
    # the rules read "laſt ſummer" as a case-insensitive regex does ("last summer"): same length,
    # same offsets; what is returned is cut from the text as written
    scan = _fold_odd_letters(text)
    cands = _scan(scan)
    if language and not language.startswith(("en", "und")):
        cands = [c for c in cands if re.fullmatch(r"[\d\s./–—()-]+", scan[c.start:c.end])]
    cands = _select(cands)
    _apply_modifiers(scan, cands)
    cands = _combine_ranges(scan, cands)
    items: list[Timex] = []
    item_cands: list[_Cand] = []
    for resolved in _resolve_all(scan, cands, reference):
        units = resolved.parts if resolved.parts and not ranges else [resolved]
        for unit in units:
            cand = unit.cand
            precision = precision_of(unit.value) if cand.kind in ("DATE", "TIME") else None
            items.append(Timex(text[cand.start:cand.end], cand.start, cand.end, cand.kind, unit.value,
                               precision, unit.explicit, cand.modifier, unit.range_end))
            item_cands.append(cand)
    return _with_clocks(text, items, item_cands)

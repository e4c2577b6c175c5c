"""Pure timeline helpers: parse ``/timeline`` arguments, turn stored events into a timeline."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from .errors import InvalidArgument
from .models import Timeline

_PERIOD = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_RANGE = re.compile(rf"^({_PERIOD})?\.\.({_PERIOD})?$|^({_PERIOD})$")


@dataclass(frozen=True)
class TimelineQuery:
    entity: str | None
    date_from: str | None  # first day, ISO
    date_to: str | None  # last day, ISO
    chart: bool = False


def first_day(value: str) -> str:
    return {4: value + "-01-01", 7: value + "-01"}.get(len(value), value)


def last_day(value: str) -> str:
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:7])
        return f"{value}-{calendar.monthrange(year, month)[1]:02d}"
    return value


def _valid(value: str) -> str:
    from datetime import date

    try:
        date.fromisoformat(first_day(value))
    except ValueError as error:
        raise InvalidArgument(f"{value!r} is not a date; use 2020, 2020-09 or 2020-09-27") from error
    return value


def parse_timeline_args(args: list[str]) -> TimelineQuery:
    """``[chart] [ENTITY...] [FROM..TO]`` -> a query. Periods: 2020, 2020-09, 2020-09-27."""
    words = [a for a in args if a.strip()]
    chart = bool(words) and words[0].lower() == "chart"
    if chart:
        words = words[1:]
    date_from = date_to = None
    if words and _RANGE.match(words[-1]):
        match = _RANGE.match(words.pop())
        start, end, single = match.group(1), match.group(2), match.group(3)
        if single:
            start = end = single
        if not start and not end:
            raise InvalidArgument("give a period such as 2020..2025, 2020-09.. or ..2021")
        date_from = first_day(_valid(start)) if start else None
        date_to = last_day(_valid(end)) if end else None
        if date_from and date_to and date_from > date_to:
            raise InvalidArgument(f"the period starts after it ends ({start}..{end})")
    entity = " ".join(words).strip() or None
    return TimelineQuery(entity, date_from, date_to, chart)


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_MODIFIERS = {"START": "early {}", "MID": "mid-{}", "END": "end of {}", "SINCE": "since {}",
              "BEFORE": "before {}", "AFTER": "after {}", "APPROX": "around {}", "UNTIL": "until {}"}


def date_label(value: str, modifier: str | None = None) -> str:
    """A date value as people write it: 27 May 2025, September 2020, Q4 2025, end of 2025."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        text = f"{int(value[8:10])} {_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        text = f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    elif re.fullmatch(r"\d{4}-Q[1-4]", value):
        text = f"{value[5:]} {value[:4]}"
    elif re.fullmatch(r"\d{4}-H[12]", value):
        text = ("first half of " if value.endswith("1") else "second half of ") + value[:4]
    else:
        text = value
    return _MODIFIERS.get(modifier or "", "{}").format(text)


def omitted_note(timeline: Timeline, command: str) -> str:
    """Why a long timeline starts where it does, and how to ask for earlier events."""
    example = f"{command} " + (f"{timeline.entity[:60]} " if timeline.entity else "") + "2019..2020"
    count = f"{'at least ' if timeline.omitted_at_least else ''}{timeline.earlier_omitted:,}"
    return (f"The latest events only: {count} earlier dated mentions are not listed. "
            f"Give a period for those, e.g. {example}")
